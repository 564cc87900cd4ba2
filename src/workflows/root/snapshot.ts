/**
 * The root's snapshot in its memo: its record, at most a few seconds older than its last change, so that a
 * status read can answer (saying how old it is) when no worker does.
 */
import { CancellationScope, condition, sleep, upsertMemo } from '@temporalio/workflow';
import type { RootSnapshot } from '../../contract/jobs';
import { SNAPSHOT_MEMO_KEY } from '../../contract/messages';
import type { RootRun } from './root-run';

/** The snapshot a status read falls back on without a worker is at most this old while the root runs. */
export const SNAPSHOT_INTERVAL_MS = 5000;
/** A snapshot lists its batches only up to this many (a status read without a worker pages through them). */
const SNAPSHOT_BATCHES = 2000;

export async function keepSnapshot(run: RootRun): Promise<void> {
  for (;;) {
    await condition(() => run.snapshotDue);
    run.snapshotDue = false;
    upsertMemo({ [SNAPSHOT_MEMO_KEY]: snapshotOf(run) });
    await CancellationScope.nonCancellable(() => sleep(SNAPSHOT_INTERVAL_MS));
  }
}

export function snapshotOf(run: RootRun): RootSnapshot {
  const { kind: _kind, batches, ...record } = run.state;
  const listed = batches.length <= SNAPSHOT_BATCHES;
  return {
    ...record,
    at: new Date().toISOString(),
    batches: listed ? batches.map((batch) => [batch.size, batch.done ? 1 : 0]) : null,
  };
}
