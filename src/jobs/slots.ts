/**
 * Running slots: a root's `maxParallel`, held in one pool by the root and lent to its batches. Pure, so the
 * root and batch workflows share it and it is table-tested.
 *
 * The root grants slots (with a batch's start, then by signal) to the earliest batches that can use them. A
 * batch reports, with cumulative counters, how many grants it has received and how many slots it has given
 * back, and how many more it could use now. A batch that ends gives everything back: whatever a batch held
 * returns to the pool when it closes, so no interrupt, crash or race can strand a slot.
 */
import type { SlotPool, PoolEntry } from '../contract/carry';
import type { LeaseGrant, LeaseReport } from '../contract/messages';

export function createSlotPool(size: number): SlotPool {
  return { size, entries: {} };
}

/** Slots a batch has and has not given back yet: its running children use at most these. */
export function heldBy(entry: PoolEntry): number {
  return Math.max(0, entry.granted - entry.released);
}

/** Slots a batch may still use once it has paid back what was asked of it. */
export function allowedTo(entry: PoolEntry): number {
  return Math.max(0, entry.granted - Math.max(entry.released, entry.recalled ?? 0));
}

/** How many slots the pool lends at most now: none while paused, at most what its key lets it. */
export function capacityOf(pool: SlotPool): number {
  if (pool.paused) return 0;
  return pool.leased === undefined ? pool.size : Math.min(pool.size, pool.leased);
}

export function freeSlots(pool: SlotPool): number {
  return Math.max(0, capacityOf(pool) - usedSlots(pool));
}

/** Slots in use: held by open batches, and held by lost runs whose children may still run (quarantined). */
export function usedSlots(pool: SlotPool): number {
  const held = Object.values(pool.entries).reduce((sum, entry) => sum + heldBy(entry), 0);
  return held + (pool.quarantined ?? 0);
}

/**
 * Batch `index`'s run closed holding slots (terminated, failed): what it held is quarantined (lent to no one,
 * until `release` after the time a worker takes to notice), and the batch starts again from nothing. Returns
 * how many were quarantined.
 */
export function quarantineBatch(pool: SlotPool, index: number): number {
  const entry = pool.entries[index];
  const held = entry ? heldBy(entry) : 0;
  pool.quarantined = (pool.quarantined ?? 0) + held;
  openBatch(pool, index, 0);
  return held;
}

/** Quarantined slots, now surely free (the workers running the lost run's children have stopped them). */
export function releaseQuarantine(pool: SlotPool, count: number): void {
  pool.quarantined = Math.max(0, (pool.quarantined ?? 0) - count);
  if (pool.quarantined === 0) delete pool.quarantined;
}

/** A new batch joins the pool wanting `wants` slots; its first grant travels with its start. */
export function openBatch(pool: SlotPool, index: number, wants: number): void {
  pool.entries[index] = { granted: 0, received: 0, released: 0, wants: Math.max(0, wants), starting: true };
}

/** The batch's workflow runs: it takes grants by signal from now on. */
export function batchStarted(pool: SlotPool, index: number): void {
  const entry = pool.entries[index];
  if (entry) delete entry.starting;
}

/** A batch's report. Counters only grow, so a late or repeated report cannot undo a newer one. */
export function reportBatch(pool: SlotPool, index: number, report: LeaseReport): void {
  const entry = pool.entries[index];
  if (entry) takeReport(entry, report);
}

/**
 * A holder's report on its lease (a batch to its root, a root to its concurrency key): counters only grow,
 * so a late or repeated report cannot undo a newer one.
 */
export function takeReport(entry: PoolEntry, report: LeaseReport): void {
  entry.received = Math.max(entry.received, report.received);
  entry.released = Math.min(entry.granted, Math.max(entry.released, report.released));
  // Grants the batch had not received when it reported already answer part of what it wanted.
  entry.wants = Math.max(0, report.wants - (entry.granted - entry.received));
}

/** A batch ended: all it held is free again, whatever its last report said. */
export function closeBatch(pool: SlotPool, index: number): void {
  delete pool.entries[index];
}

/**
 * Free slots go to the earliest batches that want them; returns the grants to send. A batch being started
 * gets grants only when it is in `starting` (the grant then travels with its start). With `shareStarts`, the
 * batches started together share what the running ones leave, evenly as far as each wants: before a topic's
 * times are known every batch wants a slot per child, and the first one took them all, only to hand most back
 * through the root a few at a time once its children were packed.
 */
export function grantSlots(
  pool: SlotPool,
  starting: ReadonlySet<number> = NONE,
  shareStarts = false,
): { index: number; count: number }[] {
  const counts = new Map<number, number>();
  let free = freeSlots(pool);
  const indexes = Object.keys(pool.entries)
    .map(Number)
    .sort((a, b) => a - b)
    .filter((index) => !pool.entries[index].starting || starting.has(index));
  const shared = shareStarts ? indexes.filter((index) => pool.entries[index].starting) : [];
  for (const index of indexes) {
    if (free === 0) break;
    if (shared.includes(index)) continue;
    free -= grant(pool, index, Math.min(free, pool.entries[index].wants), counts);
  }
  for (let wanting = shared; free > 0 && wanting.length > 0;) {
    const share = Math.max(1, Math.floor(free / wanting.length));
    for (const index of wanting)
      free -= grant(pool, index, Math.min(free, share, pool.entries[index].wants), counts);
    wanting = wanting.filter((index) => pool.entries[index].wants > 0);
  }
  return [...counts].sort(([a], [b]) => a - b).map(([index, count]) => ({ index, count }));
}

/** Lends `count` slots to batch `index`; returns `count`. */
function grant(pool: SlotPool, index: number, count: number, counts: Map<number, number>): number {
  if (count <= 0) return 0;
  const entry = pool.entries[index];
  entry.granted += count;
  if (entry.starting) entry.received += count;
  entry.wants -= count;
  counts.set(index, (counts.get(index) ?? 0) + count);
  return count;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * Slots to ask back when batches may use more than the pool's capacity (a lower limit, a pause): from the
 * latest batches first, so the earliest keep running. Returns the batches whose recall changed.
 */
export function recallSlots(pool: SlotPool): number[] {
  const indexes = Object.keys(pool.entries)
    .map(Number)
    .sort((a, b) => b - a);
  let excess =
    indexes.reduce((sum, index) => sum + allowedTo(pool.entries[index]), 0) +
    (pool.quarantined ?? 0) -
    capacityOf(pool);
  const recalled: number[] = [];
  for (const index of indexes) {
    if (excess <= 0) break;
    const entry = pool.entries[index];
    // A batch being started takes its grant with the start; it is asked once it runs.
    if (entry.starting) continue;
    const count = Math.min(allowedTo(entry), excess);
    if (count === 0) continue;
    entry.recalled = Math.max(entry.released, entry.recalled ?? 0) + count;
    excess -= count;
    recalled.push(index);
  }
  return recalled;
}

/**
 * A new parallel limit. Up: free slots go out with the next grants. Down: `recallSlots` asks batches for
 * the slots over it, which they give back as running children finish; nothing running is stopped.
 */
export function resizePool(pool: SlotPool, size: number): void {
  pool.size = size;
}

/** Paused: no grants, and `recallSlots` asks back every slot lent. Resumed: grants go out again. */
export function pausePool(pool: SlotPool, paused: boolean): void {
  if (paused) pool.paused = true;
  else delete pool.paused;
}

/**
 * The holder's side of a lease: a batch holding its root's slots, or a root holding its concurrency key's
 * (`inFlight` is then what its batches hold).
 */
export interface HeldLease {
  received: number;
  released: number;
  /** Slots in use: children handed to workers and not yet back. */
  inFlight: number;
  /** Slots the lender asked back (cumulative; see PoolEntry.recalled). */
  recalled?: number;
}

/** A grant: totals only grow, so a late or repeated grant changes nothing. */
export function takeGrant(lease: { received: number; recalled?: number }, grant: LeaseGrant): void {
  lease.received = Math.max(lease.received, grant.total);
  if (grant.recalled) lease.recalled = Math.max(lease.recalled ?? 0, grant.recalled);
}

/**
 * What the holder tells its lender now: the counters with the slots it gives back (`release`: asked back and
 * free, or more than `needed`, what its waiting work can use) counted in, and how many more it could use.
 * The caller takes `release` off its lease as it sends the report.
 */
export function leaseReport(lease: HeldLease, needed: number): LeaseReport & { release: number } {
  const after = { ...lease, released: lease.released + payableRecall(lease) };
  after.released += slotsToRelease(after, needed);
  return {
    received: lease.received,
    released: after.released,
    wants: slotsWanted(after, needed),
    release: after.released - lease.released,
  };
}

/** Slots free to hand to a worker now: received, less those given back or owed back, less those in use. */
export function spareSlots(lease: HeldLease): number {
  return Math.max(0, lease.received - Math.max(lease.released, lease.recalled ?? 0) - lease.inFlight);
}

/** Slots owed back to the lender that are not in use now, so can be given back at once. */
export function payableRecall(lease: HeldLease): number {
  const owed = (lease.recalled ?? 0) - lease.released;
  return Math.max(0, Math.min(owed, lease.received - lease.inFlight - lease.released));
}

/** Slots to give back: those beyond what the work ready to run can use (`needed`). */
export function slotsToRelease(lease: HeldLease, needed: number): number {
  return Math.max(0, spareSlots(lease) - needed);
}

/** Slots to ask for: what the work ready to run can use beyond the spare slots. */
export function slotsWanted(lease: HeldLease, needed: number): number {
  return Math.max(0, needed - spareSlots(lease));
}
