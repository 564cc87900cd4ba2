/**
 * What an unfiltered status read of a root needs from it: its record, its batches' counts summed, and the
 * batches that hold the page. Pure: the root answers its page query with it, and a reader computes it from a
 * finished root's result (or from a worker that does not know the query yet).
 */
import type { BatchSummary, RootWorkflowState, StatusCounts } from '../contract/jobs';
import type { RootPage } from '../contract/messages';
import { pageSlices } from './pages';
import { addCounts, emptyCounts } from './status';
import { shownCounts } from './status-view';

/** A batch's counts as the root shows them: its children waiting in packs count as waiting, not running. */
export function shownOf(batch: BatchSummary): StatusCounts {
  return batch.done ? batch.counts : shownCounts(batch.counts, batch.waiting);
}

/** Every batch's counts as the root shows them, summed. */
export function shownTotal(batches: readonly BatchSummary[]): StatusCounts {
  const shown = emptyCounts();
  for (const batch of batches) addCounts(shown, shownOf(batch));
  return shown;
}

export function rootPage(state: RootWorkflowState, request: { offset?: number; limit?: number }): RootPage {
  const { batches, ...record } = state;
  const shown = shownTotal(batches);
  const page = pageSlices(batches, { offset: request.offset, limit: request.limit }).map((slice) => ({
    index: slice.batch,
    offset: slice.offset,
    limit: slice.limit,
    batch: batches[slice.batch],
  }));
  return { ...record, shown, page };
}
