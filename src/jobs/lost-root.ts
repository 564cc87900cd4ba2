/**
 * A root whose workflow closed without its result: an operator terminated it (`temporal workflow terminate`),
 * or it timed out. Its status read is what it knew then, ended: children it had not seen end count as failed
 * (nothing will count them again), and it has stopped failed (cancelled if it was interrupted), naming how it
 * closed, as a root that stops with an error does.
 */
import type { BatchSummary, RootWorkflowState, StatusCounts } from '../contract/jobs';
import { finalRootStatus, rootProgress, totalOf } from './status';

export function lostRoot(last: RootWorkflowState, how: string, closedAt: string): RootWorkflowState {
  const unended = totalOf(last.counts) - last.counts.success - last.counts.failed - last.counts.cancelled;
  const planning = last.phase === 'planning';
  const counts = endedCounts(last.counts);
  const batches = last.batches.map((batch): BatchSummary => ({
    ...batch,
    counts: endedCounts(batch.counts),
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

/** Children that had not ended (new, running, waiting for a retry) count as failed. */
function endedCounts(counts: StatusCounts): StatusCounts {
  const unended = counts.new + counts.running + counts.failed_redelivered;
  return { ...counts, new: 0, running: 0, failed_redelivered: 0, failed: counts.failed + unended };
}
