import type { StoredChild } from '../../contract/jobs';

/** A batch's result must stay well under Temporal's 2 MB payload limit; larger results stay in its history. */
const RESULTS_BUDGET_BYTES = 1024 * 1024;

/**
 * The records a batch ends with, results included while they fit the budget; a result that does not fit is
 * left in the batch's history (its pack's activity result), and the record says so.
 */
export function batchResultRecords(records: StoredChild[]): StoredChild[] {
  let budget = RESULTS_BUDGET_BYTES;
  return records.map((record) => {
    if (record.result === undefined || record.result === null) return record;
    const bytes = JSON.stringify(record.result).length;
    if (bytes <= budget) {
      budget -= bytes;
      return record;
    }
    const { result: _left, ...rest } = record;
    return { ...rest, resultInHistory: true };
  });
}
