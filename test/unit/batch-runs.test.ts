import type { BatchSummary, StatusCounts } from '../../src/contract/jobs';
import { compactBatches, expandBatches } from '../../src/jobs/batch-runs';
import { emptyCounts } from '../../src/jobs/status';

const counts = (partial: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...partial });
const ended = (
  index: number,
  partial: Partial<StatusCounts>,
  more: Partial<BatchSummary> = {},
): BatchSummary => ({
  id: `r/batch/${index}`,
  size: Object.values(partial).reduce((sum, count) => sum + (count ?? 0), 0),
  counts: counts(partial),
  slots: 0,
  done: true,
  ...more,
});

describe('a root batches as they travel (compactBatches, expandBatches)', () => {
  it.each<[string, BatchSummary[], number[]]>([
    ['no batches', [], []],
    ['one batch', [ended(0, { success: 2 })], [1]],
    ['ended batches alike', [0, 1, 2, 3].map((i) => ended(i, { success: 2 })), [4]],
    [
      'a batch with a failed child breaks the run',
      [
        ended(0, { success: 2 }),
        ended(1, { success: 1, failed: 1 }),
        ended(2, { success: 2 }),
        ended(3, { success: 2 }),
      ],
      [1, 1, 2],
    ],
    [
      'a smaller last batch',
      [ended(0, { success: 2 }), ended(1, { success: 2 }), ended(2, { success: 1 })],
      [2, 1],
    ],
    [
      'open batches stay listed, and so does a batch still holding slots',
      [
        ended(0, { success: 2 }),
        ended(1, { success: 2 }, { done: false, counts: counts({ running: 2 }), slots: 2 }),
        ended(2, { success: 2 }, { slots: 1 }),
        ended(3, { success: 2 }),
      ],
      [1, 1, 1, 1],
    ],
    [
      'a batch run again, one asked to rerun, one with children waiting',
      [
        ended(0, { success: 2 }),
        ended(1, { success: 2 }, { run: 1 }),
        ended(2, { success: 2 }, { rerun: { sequence: 1, statuses: ['failed'] } }),
        ended(3, { success: 2 }, { waiting: { new: 0, failed_redelivered: 0 } }),
        ended(4, { success: 2 }),
      ],
      [1, 1, 1, 1, 1],
    ],
    [
      'a batch whose id is not where its index says',
      [ended(0, { success: 2 }), ended(7, { success: 2 })],
      [1, 1],
    ],
  ])('%s', (_, batches, repeats) => {
    const compact = compactBatches('r', batches);
    expect(compact.map((batch) => batch.repeat ?? 1)).toEqual(repeats);
    expect(expandBatches('r', compact)).toEqual(batches);
  });

  it('writes a million children that all succeeded in one entry', () => {
    const batches = Array.from({ length: 5_000 }, (_, i) => ended(i, { success: 200 }));
    const compact = compactBatches('r', batches);
    expect(compact).toEqual([{ ...ended(0, { success: 200 }), repeat: 5_000 }]);
    expect(JSON.stringify(compact).length).toBeLessThan(200);
    expect(expandBatches('r', compact)).toEqual(batches);
  });

  it('gives each expanded batch objects of its own (the ledger changes them one by one)', () => {
    const [first, second] = expandBatches(
      'r',
      compactBatches('r', [ended(0, { success: 2 }), ended(1, { success: 2 })]),
    );
    first.counts.success = 0;
    expect(second.counts.success).toBe(2);
  });

  it('leaves what it was given unchanged', () => {
    const batches = [ended(0, { success: 2 }), ended(1, { success: 2 })];
    const before = structuredClone(batches);
    compactBatches('r', batches);
    expect(batches).toEqual(before);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a summary that repeats %s times', (repeat) => {
    expect(() => expandBatches('r', [{ ...ended(0, { success: 2 }), repeat }])).toThrow(/repeats/);
  });
});
