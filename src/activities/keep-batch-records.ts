/**
 * A batch's final records, kept in its own history as this local activity's result (a marker the SDK writes),
 * not in its workflow result: its root's history copies that result, and the root needs only the counts.
 * Readers take them from the batch's last events (client/batch-outcome.ts).
 */
import type { StoredChild } from '../contract/jobs';

export async function keepBatchRecords(records: StoredChild[]): Promise<StoredChild[]> {
  return records;
}
