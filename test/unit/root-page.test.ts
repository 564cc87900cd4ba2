import type { BatchSummary, RootWorkflowState, StatusCounts } from '../../src/contract/jobs';
import { rootPage, shownOf } from '../../src/jobs/root-page';
import { emptyCounts } from '../../src/jobs/status';

const counts = (partial: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...partial });
const batch = (index: number, size: number, extra: Partial<BatchSummary> = {}): BatchSummary => ({
  id: `r/batch/${index}`,
  size,
  counts: counts({ new: size }),
  slots: 0,
  done: false,
  ...extra,
});
const finished = batch(0, 3, { done: true, counts: counts({ success: 2, failed: 1 }) });
const running = batch(1, 4, {
  slots: 2,
  counts: counts({ running: 3, success: 1 }),
  waiting: { new: 1, failed_redelivered: 0 },
});
const waiting = batch(2, 5);
const state = {
  kind: 'root',
  id: 'r',
  phase: 'running',
  batches: [finished, running, waiting],
  counts: counts({ success: 3, failed: 1, running: 3, new: 5 }),
} as unknown as RootWorkflowState;

describe("a root's page, as its page query answers it", () => {
  it('counts a batch as the root shows it: children waiting in a pack are not running', () => {
    expect(shownOf(finished)).toEqual(finished.counts);
    expect(shownOf(running)).toEqual(counts({ running: 2, new: 1, success: 1 }));
    expect(shownOf(waiting)).toEqual(counts({ new: 5 })); // no report yet: all new
  });

  it.each([
    [
      'the first page',
      {},
      [
        [0, 0, 3],
        [1, 0, 4],
        [2, 0, 5],
      ],
    ],
    ['a page inside one batch', { offset: 4, limit: 2 }, [[1, 1, 2]]],
    [
      'a page across two batches',
      { offset: 5, limit: 4 },
      [
        [1, 2, 2],
        [2, 0, 2],
      ],
    ],
    ['a page past the end', { offset: 12, limit: 5 }, []],
    ['no children (counts only)', { limit: 0 }, []],
  ])('%s: only the batches holding it, with where the page falls in each', (_what, request, expected) => {
    const { page } = rootPage(state, request);
    expect(page.map(({ index, offset, limit }) => [index, offset, limit])).toEqual(expected);
    for (const { index, batch: summary } of page) expect(summary).toBe(state.batches[index]);
  });

  it('sums every batch as shown, and carries the record without its batches', () => {
    const page = rootPage(state, { limit: 1 });
    expect(page.shown).toEqual(counts({ success: 3, failed: 1, running: 2, new: 6 }));
    expect(page).toMatchObject({ kind: 'root', id: 'r', phase: 'running', counts: state.counts });
    expect(page).not.toHaveProperty('batches');
  });
});
