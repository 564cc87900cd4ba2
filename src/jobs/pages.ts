/** Page arithmetic over a root's batches: which batches hold one page of its children. Pure. */
import type { ChildPageRequest, StatusCounts } from '../contract/jobs';

export const DEFAULT_PAGE_LIMIT = 50;

export interface BatchCounts {
  size: number;
  counts: StatusCounts;
}

/** Children `offset`..`offset + limit - 1` of one batch (among those matching the page's status). */
export interface PageSlice {
  batch: number;
  offset: number;
  limit: number;
}

/** The slices that make up a page, in batch order; counts must be those the batches' records show. */
export function pageSlices(batches: BatchCounts[], request: ChildPageRequest): PageSlice[] {
  const { offset = 0, limit = DEFAULT_PAGE_LIMIT, status } = request;
  const slices: PageSlice[] = [];
  let skip = offset;
  let wanted = limit;
  for (const [batch, { size, counts }] of batches.entries()) {
    if (wanted <= 0) break;
    const matching = status ? counts[status] : size;
    if (skip >= matching) {
      skip -= matching;
      continue;
    }
    const take = Math.min(wanted, matching - skip);
    slices.push({ batch, offset: skip, limit: take });
    wanted -= take;
    skip = 0;
  }
  return slices;
}
