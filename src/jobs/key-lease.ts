/**
 * A root's side of its concurrency key's lease (key-shares.ts has the key's side): how many slots the key
 * lets it use, what it gives back and what it asks for. Pure, so table-tested; the root workflow holds one.
 */
import type { SlotPool, KeyLease } from '../contract/carry';
import { payableRecall, slotsToRelease, slotsWanted, usedSlots } from './slots';

export function createKeyLease(): KeyLease {
  return { received: 0, released: 0, recalled: 0 };
}

/** Slots the key lets the root use now. */
export function keyAllowance(lease: KeyLease): number {
  return Math.max(0, lease.received - Math.max(lease.released, lease.recalled));
}

/** A grant from the key: totals only grow, so a late or repeated grant changes nothing. */
export function takeKeyGrant(lease: KeyLease, grant: { total: number; recalled?: number }): void {
  lease.received = Math.max(lease.received, grant.total);
  lease.recalled = Math.max(lease.recalled, grant.recalled ?? 0);
}

/**
 * What the root tells its key now: slots it gives back (asked back and free, or more than its batches can
 * use) and how many more it could use (within its own limit; none while paused).
 */
export function keyReport(lease: KeyLease, pool: SlotPool): { release: number; wants: number } {
  const entries = Object.values(pool.entries);
  const used = usedSlots(pool);
  const batchWants = entries.reduce((sum, entry) => sum + entry.wants, 0);
  const needed = pool.paused ? 0 : Math.max(0, Math.min(pool.size - used, batchWants));
  const asBatch = { ...lease, inFlight: used };
  const paid = payableRecall(asBatch);
  asBatch.released += paid;
  const spare = slotsToRelease(asBatch, needed);
  asBatch.released += spare;
  return { release: paid + spare, wants: slotsWanted(asBatch, needed) };
}
