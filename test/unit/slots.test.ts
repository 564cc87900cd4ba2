import type { SlotPool } from '../../src/contract/carry';
import {
  allowedTo,
  batchStarted,
  closeBatch,
  createSlotPool,
  freeSlots,
  grantSlots,
  openBatch,
  pausePool,
  leaseReport,
  payableRecall,
  quarantineBatch,
  recallSlots,
  releaseQuarantine,
  reportBatch,
  resizePool,
  slotsToRelease,
  slotsWanted,
  takeGrant,
  spareSlots,
} from '../../src/jobs/slots';

/** Every batch being started: their grants travel with their starts. */
const startingOf = (pool: SlotPool) =>
  new Set(
    Object.keys(pool.entries)
      .map(Number)
      .filter((index) => pool.entries[index].starting),
  );

/** Three started batches holding 4 slots each of a pool of 12. */
function fullPool(): SlotPool {
  const pool = createSlotPool(12);
  [0, 1, 2].forEach((index) => openBatch(pool, index, 4));
  grantSlots(pool, startingOf(pool));
  [0, 1, 2].forEach((index) => batchStarted(pool, index));
  return pool;
}

describe("a root's slot pool", () => {
  it('grants the earliest batches first, each what it can use', () => {
    const pool = createSlotPool(8);
    openBatch(pool, 0, 5);
    openBatch(pool, 1, 100);
    openBatch(pool, 2, 100);
    expect(grantSlots(pool, startingOf(pool))).toEqual([
      { index: 0, count: 5 },
      { index: 1, count: 3 },
    ]);
    expect(freeSlots(pool)).toBe(0);
  });

  it('shares the free slots among batches started together, as far as each wants', () => {
    const pool = createSlotPool(50);
    openBatch(pool, 0, 10); // running, still wanting: served first
    grantSlots(pool, startingOf(pool));
    batchStarted(pool, 0);
    pool.entries[0].wants = 2;
    [1, 2, 3, 4].forEach((index) => openBatch(pool, index, index === 2 ? 3 : 200));
    expect(grantSlots(pool, startingOf(pool), true)).toEqual([
      { index: 0, count: 2 },
      { index: 1, count: 12 },
      { index: 2, count: 3 },
      { index: 3, count: 12 },
      { index: 4, count: 11 },
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
    grantSlots(pool, startingOf(pool)); // all 4 to batch 0
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
    grantSlots(pool, startingOf(pool));
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
    grantSlots(pool, startingOf(pool));
    [0, 1, 2].forEach((index) => batchStarted(pool, index));
    // Batch 1's children were all interrupted: it closes holding what it was granted.
    closeBatch(pool, 1);
    closeBatch(pool, 0);
    expect(grantSlots(pool)).toEqual([{ index: 2, count: 2 }]);
  });
});

describe('a batch run lost with slots in hand (terminated, failed)', () => {
  it('lends what it held to no one until released: its children may still run on workers a while', () => {
    const pool = fullPool(); // 12 slots, 4 to each of batches 0, 1 and 2
    reportBatch(pool, 2, { received: 4, released: 4, wants: 4 }); // batch 2 gave its 4 back and wants 4 more
    const held = quarantineBatch(pool, 0); // batch 0's run is terminated holding 4
    expect(held).toBe(4);
    expect(pool.entries[0]).toMatchObject({ granted: 0, released: 0, wants: 0, starting: true }); // replaced
    expect(freeSlots(pool)).toBe(4); // only what batch 2 gave back: batch 0's 4 are not free yet
    expect(grantSlots(pool)).toEqual([{ index: 2, count: 4 }]);
    expect(freeSlots(pool)).toBe(0);
    releaseQuarantine(pool, held);
    expect(pool.quarantined).toBeUndefined();
    expect(freeSlots(pool)).toBe(4);
  });

  it('counts quarantined slots against a lower limit', () => {
    const pool = fullPool();
    quarantineBatch(pool, 0);
    resizePool(pool, 8); // 8 allowed: 4 quarantined, so batches 1 and 2 (4 each) are asked for 4
    expect(recallSlots(pool)).toEqual([2]);
  });
});

describe('a lower limit, a pause, a resume', () => {
  it('scaling down asks slots back from the latest batches first, and nothing more is lent', () => {
    const pool = fullPool();
    resizePool(pool, 5);
    expect(recallSlots(pool)).toEqual([2, 1]);
    expect([0, 1, 2].map((index) => pool.entries[index].recalled ?? 0)).toEqual([0, 3, 4]);
    expect([0, 1, 2].map((index) => allowedTo(pool.entries[index]))).toEqual([4, 1, 0]);
    // Until the batches give the slots back, they are still held: nothing is free to lend.
    expect(grantSlots(pool)).toEqual([]);
    expect(recallSlots(pool)).toEqual([]); // asked once, not again
  });

  it('slots given back after a recall are not lent again while the pool is over its limit', () => {
    const pool = fullPool();
    resizePool(pool, 5);
    recallSlots(pool);
    reportBatch(pool, 2, { received: 4, released: 4, wants: 3 });
    expect(freeSlots(pool)).toBe(0); // 4 + 4 held by batches 0 and 1
    reportBatch(pool, 1, { received: 4, released: 3, wants: 3 });
    expect(freeSlots(pool)).toBe(0); // 4 + 1 = 5: exactly the limit
    reportBatch(pool, 0, { received: 4, released: 1, wants: 0 });
    expect(grantSlots(pool)).toEqual([{ index: 1, count: 1 }]);
  });

  it('scaling up lends the new slots at once, to the earliest batches that want them', () => {
    const pool = fullPool();
    reportBatch(pool, 1, { received: 4, released: 0, wants: 2 });
    reportBatch(pool, 2, { received: 4, released: 0, wants: 5 });
    resizePool(pool, 16);
    expect(recallSlots(pool)).toEqual([]);
    expect(grantSlots(pool)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
  });

  it('a pause asks every slot back and lends none; a resume lends again', () => {
    const pool = fullPool();
    pausePool(pool, true);
    expect(recallSlots(pool)).toEqual([2, 1, 0]);
    [0, 1, 2].forEach((index) => reportBatch(pool, index, { received: 4, released: 4, wants: 4 }));
    expect(freeSlots(pool)).toBe(0);
    expect(grantSlots(pool)).toEqual([]);
    pausePool(pool, false);
    expect(grantSlots(pool)).toEqual([
      { index: 0, count: 4 },
      { index: 1, count: 4 },
      { index: 2, count: 4 },
    ]);
    expect([0, 1, 2].map((index) => allowedTo(pool.entries[index]))).toEqual([4, 4, 4]);
  });

  it('asks nothing of a batch still being started (its grant travels with its start)', () => {
    const pool = createSlotPool(4);
    openBatch(pool, 0, 4);
    grantSlots(pool, startingOf(pool));
    resizePool(pool, 1);
    expect(recallSlots(pool)).toEqual([]);
    batchStarted(pool, 0);
    expect(recallSlots(pool)).toEqual([0]);
    expect(pool.entries[0].recalled).toBe(3);
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
      expect(leaseReport(lease, needed)).toEqual({
        received,
        released: released + release,
        release,
        wants: want,
      });
    },
  );
});

describe('a batch asked to give slots back', () => {
  it.each([
    // received, released, recalled, in flight → spare, payable now
    [4, 0, 3, 4, 0, 0], // all in use: it pays as children finish
    [4, 0, 3, 2, 0, 2],
    [4, 0, 3, 0, 1, 3],
    [4, 2, 3, 1, 0, 1],
    [4, 3, 3, 1, 0, 0], // paid: one slot left, in use
    [4, 3, 3, 0, 1, 0],
    [6, 3, 3, 1, 2, 0], // granted more after the recall
  ])(
    'received %i, released %i, recalled %i, %i in flight → %i spare, %i to give back',
    (received, released, recalled, inFlight, spare, payable) => {
      const lease = { received, released, recalled, inFlight };
      expect(spareSlots(lease)).toBe(spare);
      expect(payableRecall(lease)).toBe(payable);
    },
  );

  it('reports what it pays and what is spare beyond it in one release, and wants within what is left', () => {
    // All 3 owed are free, and 1 more is spare: nothing waits for it.
    expect(leaseReport({ received: 6, released: 0, recalled: 3, inFlight: 2 }, 0)).toEqual({
      received: 6,
      released: 4,
      release: 4,
      wants: 0,
    });
    expect(leaseReport({ received: 6, released: 0, recalled: 2, inFlight: 1 }, 1)).toEqual({
      received: 6,
      released: 4,
      release: 4,
      wants: 0,
    });
    expect(leaseReport({ received: 4, released: 0, recalled: 3, inFlight: 1 }, 5)).toEqual({
      received: 4,
      released: 3,
      release: 3,
      wants: 5,
    });
  });

  it('takes a grant as totals: a late or repeated one changes nothing', () => {
    const lease = { received: 0, released: 0, inFlight: 0 } as {
      received: number;
      released: number;
      inFlight: number;
      recalled?: number;
    };
    takeGrant(lease, { total: 5 });
    takeGrant(lease, { total: 3, recalled: 2 }); // late total, a recall
    takeGrant(lease, { total: 5, recalled: 1 }); // an older recall
    expect(lease).toEqual({ received: 5, released: 0, inFlight: 0, recalled: 2 });
  });
});
