/**
 * The root's snapshot in its memo: its record and where its children are (jobs/root-layout.ts). A status read
 * answers from it with one describe, asking no worker about the root, and falls back on it when no worker
 * answers. Counts in it are at most a second older than the root's; an interrupt, a pause, a new limit or an
 * error, a rerun is written in the same workflow task that made it.
 */
import { CancellationScope, condition, patched, sleep, upsertMemo } from '@temporalio/workflow';
import type { RootSnapshot } from '../../contract/jobs';
import { SNAPSHOT_MEMO_KEY } from '../../contract/messages';
import { recordFlags, rootSnapshot } from '../../jobs/root-layout';
import type { RootRun } from './root-run';

/** Roots that ran before this wrote their snapshot every 5 s and without a layout (they replay that way). */
const SNAPSHOT_EACH_SECOND = 'snapshot-each-second';
/** A changed count is written at most this long after the last snapshot. */
export const SNAPSHOT_INTERVAL_MS = 1000;
const EARLIER_INTERVAL_MS = 5000;

export async function keepSnapshot(run: RootRun): Promise<void> {
  if (!patched(SNAPSHOT_EACH_SECOND)) return keepEarlierSnapshot(run);
  const flags = () => `${recordFlags(run.state)}${run.reopened}`;
  let writtenFlags = '';
  let writtenAt = Number.NEGATIVE_INFINITY;
  let wakeUpSet = false;
  const intervalOver = () => Date.now() - writtenAt >= SNAPSHOT_INTERVAL_MS; // the activation's time
  for (;;) {
    await condition(() => run.snapshotDue);
    while (flags() === writtenFlags && !intervalOver()) {
      // One timer at a time, never cancelled (a timer cancelled as it fires trips the time-skipping server):
      // it wakes the root when the interval is over, should nothing else. One set for an earlier interval
      // wakes it early: a new one is set then.
      if (!wakeUpSet) {
        wakeUpSet = true;
        const wait = writtenAt + SNAPSHOT_INTERVAL_MS - Date.now();
        void CancellationScope.nonCancellable(() => sleep(wait)).then(() => (wakeUpSet = false));
      }
      await condition(() => flags() !== writtenFlags || intervalOver() || !wakeUpSet);
    }
    run.snapshotDue = false;
    upsertMemo({ [SNAPSHOT_MEMO_KEY]: snapshotOf(run) });
    writtenFlags = flags();
    writtenAt = Date.now();
  }
}

async function keepEarlierSnapshot(run: RootRun): Promise<void> {
  for (;;) {
    await condition(() => run.snapshotDue);
    run.snapshotDue = false;
    upsertMemo({ [SNAPSHOT_MEMO_KEY]: snapshotOf(run, false) });
    await CancellationScope.nonCancellable(() => sleep(EARLIER_INTERVAL_MS));
  }
}

export function snapshotOf(run: RootRun, withLayout = true): RootSnapshot {
  return rootSnapshot(run.state, new Date().toISOString(), withLayout);
}
