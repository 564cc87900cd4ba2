/**
 * A root's side of its concurrency key's lease (key-shares.ts has the key's side): the same lease a batch holds
 * of its root (slots.ts), with the slots its batches hold as the ones in use. Pure, so table-tested.
 */
import type { SlotPool, KeyLease } from '../contract/carry';
import { usedSlots, type HeldLease } from './slots';

export function createKeyLease(): KeyLease {
  return { received: 0, released: 0, recalled: 0 };
}

/** Slots the key lets the root use now. */
export function keyAllowance(lease: KeyLease): number {
  return Math.max(0, lease.received - Math.max(lease.released, lease.recalled));
}

/** The key's lease as the root holds it: its batches' slots are the ones in use. */
export function heldKeyLease(lease: KeyLease, pool: SlotPool): HeldLease {
  return { ...lease, inFlight: usedSlots(pool) };
}

/** Slots the root's batches could use now: within its own limit, none while paused. */
export function keyNeeds(pool: SlotPool): number {
  if (pool.paused) return 0;
  const batchWants = Object.values(pool.entries).reduce((sum, entry) => sum + entry.wants, 0);
  return Math.max(0, Math.min(pool.size - usedSlots(pool), batchWants));
}
