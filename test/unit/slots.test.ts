import {
  batchStarted,
  closeBatch,
  createSlotPool,
  freeSlots,
  grantSlots,
  openBatch,
  reportBatch,
  slotsToRelease,
  slotsWanted,
} from '../../src/jobs/slots';

describe("a root's slot pool", () => {
  it('grants the earliest batches first, each what it can use', () => {
    const pool = createSlotPool(8);
    openBatch(pool, 0, 5);
    openBatch(pool, 1, 100);
    openBatch(pool, 2, 100);
    expect(grantSlots(pool, true)).toEqual([
      { index: 0, count: 5 },
      { index: 1, count: 3 },
    ]);
    expect(freeSlots(pool)).toBe(0);
  });

  it('sends no grant by signal to a batch still being started', () => {
    const pool = createSlotPool(4);
    openBatch(pool, 0, 10);
    expect(grantSlots(pool)).toEqual([]);
    batchStarted(pool, 0);
    expect(grantSlots(pool)).toEqual([{ index: 0, count: 4 }]);
  });

  it('takes released slots back and lends them to the next batch that wants them', () => {
    const pool = createSlotPool(4);
    openBatch(pool, 0, 4);
    openBatch(pool, 1, 4);
    grantSlots(pool, true); // all 4 to batch 0
    batchStarted(pool, 0);
    batchStarted(pool, 1);
    reportBatch(pool, 0, { received: 4, released: 2, wants: 0 });
    expect(grantSlots(pool)).toEqual([{ index: 1, count: 2 }]);
  });

  it('counts a grant still on its way as an answer to what a batch wanted', () => {
    const pool = createSlotPool(10);
    openBatch(pool, 0, 2);
    batchStarted(pool, 0);
    grantSlots(pool); // 2 granted, not yet received
    reportBatch(pool, 0, { received: 0, released: 0, wants: 5 });
    // It wanted 5 before the 2 arrived: 3 more.
    expect(grantSlots(pool)).toEqual([{ index: 0, count: 3 }]);
  });

  it('ignores a late report: counters only grow', () => {
    const pool = createSlotPool(4);
    openBatch(pool, 0, 4);
    grantSlots(pool, true);
    batchStarted(pool, 0);
    reportBatch(pool, 0, { received: 4, released: 3, wants: 0 });
    reportBatch(pool, 0, { received: 4, released: 1, wants: 0 });
    expect(freeSlots(pool)).toBe(3);
  });

  it('frees everything a batch held when it closes, whatever its last report said (no stranded slot)', () => {
    const pool = createSlotPool(2);
    openBatch(pool, 0, 2);
    openBatch(pool, 1, 2);
    openBatch(pool, 2, 2);
    grantSlots(pool, true);
    [0, 1, 2].forEach((index) => batchStarted(pool, index));
    // Batch 1's children were all interrupted: it closes holding what it was granted.
    closeBatch(pool, 1);
    closeBatch(pool, 0);
    expect(grantSlots(pool)).toEqual([{ index: 2, count: 2 }]);
  });
});

describe("a batch's side of the lease", () => {
  it.each([
    // received, released, in flight, slots the ready children can use → release, want
    [4, 0, 4, 0, 0, 0],
    [4, 0, 1, 0, 3, 0],
    [4, 0, 1, 2, 1, 0],
    [4, 1, 3, 2, 0, 2],
    [0, 0, 0, 5, 0, 5],
  ])(
    'received %i, released %i, %i in flight, %i needed → release %i, want %i',
    (received, released, inFlight, needed, release, want) => {
      const lease = { received, released, inFlight };
      expect(slotsToRelease(lease, needed)).toBe(release);
      expect(slotsWanted(lease, needed)).toBe(want);
    },
  );
});
