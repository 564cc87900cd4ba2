/**
 * A root whose workflow closed without its result: an operator terminated it (`temporal workflow terminate`),
 * or it timed out. Its status read is what it knew then, ended: children it had not seen end count as failed
 * (nothing will count them again), and it has stopped failed (cancelled if it was interrupted), naming how it
 * closed, as a root that stops with an error does.
 */
import type { BatchSummary, RootWorkflowState } from '../contract/jobs';
import { finalRootStatus, rootProgress, totalOf, unendedAsFailed } from './status';

export function lostRoot(last: RootWorkflowState, how: string, closedAt: string): RootWorkflowState {
  const unended = totalOf(last.counts) - last.counts.success - last.counts.failed - last.counts.cancelled;
  const planning = last.phase === 'planning';
  const counts = unendedAsFailed(last.counts);
  const batches = last.batches.map((batch): BatchSummary => ({
    ...batch,
    counts: unendedAsFailed(batch.counts),
    slots: 0,
    done: true,
  }));
  const why =
    unended > 0
      ? `its workflow was ${how} before ${unended} of its children ended`
      : `its workflow was ${how}${planning ? ' while it planned its children' : ' before it closed'}`;
  const stopped = last.phase === 'stopped' && unended === 0;
  return {
    ...last,
    phase: 'stopped',
    // As a root that stops with an error (root-ledger.ts, stop): failed, unless it was interrupted.
    status: stopped ? last.status : last.interrupted ? finalRootStatus(counts, true) : 'failed',
    error: last.error ?? why,
    stoppedAt: last.stoppedAt ?? closedAt,
    paused: false,
    counts,
    progress: rootProgress(counts),
    batches,
    lost: how,
  };
}
