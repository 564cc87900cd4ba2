import { createKeyLease, heldKeyLease, keyAllowance, keyNeeds } from '../../src/jobs/key-lease';
import type { KeyLease, SlotPool } from '../../src/contract/carry';
import {
  capacityOf,
  createSlotPool,
  leaseReport,
  openBatch,
  pausePool,
  takeGrant,
} from '../../src/jobs/slots';

/** What the root tells its key: the same report a batch makes of its root's lease. */
function keyReport(lease: KeyLease, pool: SlotPool) {
  const { release, wants, received, released } = leaseReport(heldKeyLease(lease, pool), keyNeeds(pool));
  expect({ received, released }).toEqual({ received: lease.received, released: lease.released + release });
  return { release, wants };
}

/** A root's pool whose batches hold `held` slots and want `wants` more. */
function poolWith(size: number, held: number[], wants: number[]): SlotPool {
  const pool = createSlotPool(size);
  held.forEach((count, index) => {
    openBatch(pool, index, wants[index] ?? 0);
    delete pool.entries[index].starting;
    pool.entries[index].granted = count;
    pool.entries[index].received = count;
  });
  return pool;
}

describe("a root's lease from its concurrency key", () => {
  it.each<[string, [number, number, number], number[], number[], number, { release: number; wants: number }]>(
    [
      [
        'nothing granted yet: asks for what its batches want',
        [0, 0, 0],
        [0],
        [30],
        50,
        { release: 0, wants: 30 },
      ],
      ['asks no more than its own limit', [0, 0, 0], [0, 0], [40, 40], 50, { release: 0, wants: 50 }],
      ['all in use, more wanted', [5, 0, 0], [5], [10], 50, { release: 0, wants: 10 }],
      ['gives back what its batches cannot use', [5, 0, 0], [2], [0], 50, { release: 3, wants: 0 }],
      ['asked back 3, all 5 in use: pays later', [5, 0, 3], [5], [10], 50, { release: 0, wants: 10 }],
      ['asked back 3, 2 free now: pays 2', [5, 0, 3], [3], [10], 50, { release: 2, wants: 10 }],
      ['paid, the rest in use', [5, 3, 3], [2], [10], 50, { release: 0, wants: 10 }],
    ],
  )('%s', (_what, [received, released, recalled], held, wants, size, expected) => {
    const lease = { received, released, recalled };
    expect(keyReport(lease, poolWith(size, held, wants))).toEqual(expected);
  });

  it('a paused root wants nothing and gives back every slot its batches return', () => {
    const pool = poolWith(50, [1], [20]);
    pausePool(pool, true);
    expect(keyReport({ received: 4, released: 0, recalled: 0 }, pool)).toEqual({ release: 3, wants: 0 });
  });

  it("takes grants as totals, and the pool's capacity follows the allowance", () => {
    const lease = createKeyLease();
    takeGrant(lease, { total: 6 });
    takeGrant(lease, { total: 4 }); // late
    expect(keyAllowance(lease)).toBe(6);
    takeGrant(lease, { total: 6, recalled: 2 });
    expect(keyAllowance(lease)).toBe(4);
    const pool = createSlotPool(50);
    pool.leased = keyAllowance(lease);
    expect(capacityOf(pool)).toBe(4);
    pool.leased = 80;
    expect(capacityOf(pool)).toBe(50);
  });
});
