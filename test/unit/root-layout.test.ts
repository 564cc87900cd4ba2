import type { BatchSummary, RootSnapshot, RootWorkflowState, StatusCounts } from '../../src/contract/jobs';
import {
  LAYOUT_OPEN_BATCHES,
  SNAPSHOT_BYTES,
  batchesOfPage,
  isCurrentLayout,
  layoutEnds,
  layoutPage,
  recordFlags,
  rootLayout,
  rootSnapshot,
} from '../../src/jobs/root-layout';
import { jsonBytes } from '../../src/jobs/options';
import { rootPage } from '../../src/jobs/root-page';
import { emptyCounts } from '../../src/jobs/status';
import { rootStateOf } from '../fixtures/root-state';

const counts = (partial: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...partial });
const batch = (
  index: number,
  size: number,
  done: boolean,
  more: Partial<BatchSummary> = {},
): BatchSummary => ({
  id: `r/batch/${index}`,
  size,
  counts: done ? counts({ success: size }) : counts({ running: 2, new: size - 2 }),
  slots: done ? 0 : 2,
  done,
  ...more,
});

const state = (batches: BatchSummary[]) =>
  rootStateOf('running', batches, { paused: false, progress: 0.5, maxParallel: 4 });

const AT = '2026-12-02T00:00:00.000Z';

describe("a running root's layout (rootLayout, layoutPage)", () => {
  const batches = [
    batch(0, 5, true),
    batch(1, 5, true),
    batch(2, 5, false, { waiting: { new: 1, failed_redelivered: 0 } }),
    batch(3, 5, true, { counts: counts({ success: 4, failed: 1 }) }),
    batch(4, 3, false),
  ];

  it('writes equal sizes once, open batches in a few numbers, and the counts a read shows', () => {
    expect(rootLayout(batches)).toEqual({
      sizes: [
        [5, 4],
        [3, 1],
      ],
      // Slots, then counts: new, running, success, failed, failed_redelivered, cancelled; then waiting ones.
      open: { 2: [2, 3, 2, 0, 0, 0, 0, 1, 0], 4: [2, 1, 2, 0, 0, 0, 0] },
      shown: rootPage(state(batches), {}).shown,
    });
    expect(layoutEnds(rootLayout(batches)!)).toEqual([
      [5, 1],
      [5, 1],
      [5, 0],
      [5, 1],
      [3, 0],
    ]);
  });

  it.each([
    [0, 50],
    [0, 3],
    [4, 3],
    [9, 7],
    [20, 5],
    [23, 50],
  ])('pages as the root would (offset %i, limit %i)', (offset, limit) => {
    const root = state(batches);
    const expected = rootPage(root, { offset, limit });
    const snapshot = rootSnapshot(root, AT) as RootSnapshot & { layout: NonNullable<RootSnapshot['layout']> };
    expect(snapshot.layout).toBeDefined();
    const fromLayout = layoutPage(snapshot, { offset, limit });
    // Ended batches come with empty counts (a read takes their children from their results).
    const withoutEndedCounts = expected.page.map((part) =>
      part.batch.done ? { ...part, batch: { ...part.batch, counts: emptyCounts() } } : part,
    );
    expect(fromLayout).toEqual({ ...expected, page: withoutEndedCounts });
  });

  it('keeps no layout past LAYOUT_OPEN_BATCHES open batches (reads then ask the root)', () => {
    const many = Array.from({ length: LAYOUT_OPEN_BATCHES + 1 }, (_, i) => batch(i, 5, false));
    expect(rootLayout(many)).toBeUndefined();
    expect(rootLayout(many.slice(1))).toBeDefined();
  });

  it('stays small for a big root: a few sizes and its open batches', () => {
    const big = Array.from({ length: 5_000 }, (_, i) => batch(i, 200, i < 4_990));
    expect(JSON.stringify(rootLayout(big)).length).toBeLessThan(500);
  });

  // Temporal warns of a memo over 2 KiB: in the worker's log at every write, and in the server's.
  it.each([
    ['10 open batches', 10, true],
    [`${LAYOUT_OPEN_BATCHES} open batches of large counts`, LAYOUT_OPEN_BATCHES, false],
  ])('keeps a snapshot within SNAPSHOT_BYTES: %s', (_, open, kept) => {
    const many = Array.from({ length: 5_000 }, (_, i) =>
      i < 5_000 - open
        ? batch(i, 200, true)
        : batch(i, 200, false, { counts: counts({ new: 100_000, running: 100_000, success: 100_000 }) }),
    );
    const snapshot = rootSnapshot(state(many), AT);
    expect(jsonBytes(snapshot)).toBeLessThanOrEqual(SNAPSHOT_BYTES);
    expect(snapshot.layout !== undefined).toBe(kept);
    expect(snapshot.batches).toBeNull(); // 5,000 batches listed would not fit either
  });

  it('lists the batches of a root without a layout when they fit (a read without a worker pages them)', () => {
    const snapshot = rootSnapshot(state(batches), AT, false);
    expect(snapshot.layout).toBeUndefined();
    expect(snapshot.batches).toEqual([
      [5, 1],
      [5, 1],
      [5, 0],
      [5, 1],
      [3, 0],
    ]);
  });

  it('takes a layout whose open batches a worker from before wrote whole as not current', () => {
    const layout = rootLayout(batches)!;
    expect(isCurrentLayout(layout)).toBe(true);
    expect(isCurrentLayout({ ...layout, open: { 2: batches[2] as never } })).toBe(false);
    expect(isCurrentLayout(undefined)).toBe(false);
  });

  it.each<[string, Partial<RootWorkflowState>]>([
    ['an interrupt', { interrupted: true }],
    ['a pause', { paused: true, pausedAt: '2026-12-02T00:00:01.000Z' }],
    ['a new limit', { maxParallel: 9 }],
    ['an error', { error: 'the planner failed' }],
    ['the phase', { phase: 'stopped' }],
  ])('tells %s from a change of counts', (_, change) => {
    const root = state(batches);
    expect(recordFlags({ ...root, ...change })).not.toBe(recordFlags(root));
    expect(recordFlags({ ...root, counts: counts({ success: 9 }), progress: 0.9 })).toBe(recordFlags(root));
  });
});

describe("the batches that hold a page, by a layout's sizes (batchesOfPage)", () => {
  const sizes: [number, number][] = [
    [5, 3],
    [0, 1],
    [2, 2],
  ]; // batches 0-2 of 5, 3 of none, 4-5 of 2: 19 children

  it.each([
    [0, 50, [0, 1, 2, 4]], // at most 4
    [0, 5, [0]],
    [4, 2, [0, 1]],
    [10, 5, [2]],
    [14, 3, [2, 4]], // batch 3 holds none
    [15, 10, [4, 5]],
    [19, 10, []],
    [0, 0, []],
  ])('offset %i, limit %i: %j', (offset, limit, expected) => {
    expect(batchesOfPage(sizes, { offset, limit }, 4)).toEqual(expected);
  });

  it('without sizes guesses batch 0 for the first page only', () => {
    expect(batchesOfPage(undefined, {}, 4)).toEqual([0]);
    expect(batchesOfPage(undefined, { offset: 50 }, 4)).toEqual([]);
  });
});
