/**
 * The child-name keys (`childKey`) of a root's batches, as a worker has listed them from visibility, so that a
 * planner's page is checked against the names of the root's earlier runs without asking the server a question
 * per page that grows with the root. A batch's keys never change once it has started, so what was listed stays
 * true; each listing asks only for batches started since the newest one seen (less an overlap for visibility
 * that indexes late).
 */

/** A batch the visibility index shows up to this long after a newer one started is still found (SQL visibility lags well under a second on a healthy server). */
export const LISTING_OVERLAP_MS = 10_000;

export interface ListedBatch {
  workflowId: string;
  runId: string;
  startTime: Date;
  keys: readonly string[];
}

export class BatchKeyIndex {
  /** Each batch listed (its latest run), by position; keys point at positions to keep the index small. */
  private readonly batches: { workflowId: string; runId: string }[] = [];
  private readonly positions = new Map<string, number>();
  /** key → the position of the one batch that holds it, or of all of them. */
  private readonly byKey = new Map<string, number | number[]>();
  private newestStart: number | undefined;
  /** Keys held, counted once per batch: the index's size. */
  size = 0;

  add(batch: ListedBatch): void {
    let position = this.positions.get(batch.workflowId);
    if (position === undefined) {
      position = this.batches.push({ workflowId: batch.workflowId, runId: batch.runId }) - 1;
      this.positions.set(batch.workflowId, position);
    } else {
      this.batches[position].runId = batch.runId;
    }
    for (const key of batch.keys) {
      const holders = this.byKey.get(key);
      if (holders === undefined) this.byKey.set(key, position);
      else if (holders === position || (Array.isArray(holders) && holders.includes(position))) continue;
      else if (Array.isArray(holders)) holders.push(position);
      else this.byKey.set(key, [holders, position]);
      this.size++;
    }
    const start = batch.startTime.getTime();
    if (this.newestStart === undefined || start > this.newestStart) this.newestStart = start;
  }

  /** The batches (workflow id → run id) that hold any of `keys`. */
  holding(keys: Iterable<string>): Map<string, string> {
    const found = new Map<string, string>();
    for (const key of keys) {
      const holders = this.byKey.get(key);
      for (const position of holders === undefined ? [] : [holders].flat()) {
        const { workflowId, runId } = this.batches[position];
        found.set(workflowId, runId);
      }
    }
    return found;
  }

  /**
   * Lists the batches started since the newest held (less the overlap) with `list`, and adds them once the
   * listing is whole: visibility lists the newest first, so a half-kept listing would move the next one past
   * older batches it never gave.
   */
  async refresh(rootStartedAt: string, list: (from: string) => AsyncIterable<ListedBatch>): Promise<void> {
    const listed: ListedBatch[] = [];
    for await (const batch of list(this.listFrom(rootStartedAt))) listed.push(batch);
    for (const batch of listed) this.add(batch);
  }

  /** Where the next listing starts: the root's start, or the newest batch seen less the overlap. */
  listFrom(rootStartedAt: string): string {
    const since = new Date(rootStartedAt).getTime();
    if (this.newestStart === undefined) return new Date(since).toISOString();
    return new Date(Math.max(since, this.newestStart - LISTING_OVERLAP_MS)).toISOString();
  }
}
