/**
 * A concurrency key's slots, shared by the roots that carry the key (`--concurrency-key`): at most `limit`
 * children of all of them run at once, and the slots are shared fairly (max-min: every root that wants them
 * gets an equal share, and what one cannot use goes to the others). Pure, so table- and property-tested; the
 * key's coordinating workflow holds one `KeyState`.
 *
 * Slots move with the same cumulative counters as a root's own pool (slots.ts): the key grants a root
 * slots and may ask some back (a lower limit, another root's fair share); the root gives them back as its
 * running children finish. Nothing running is stopped.
 */
import type { PoolEntry } from '../contract/carry';
import type { LeaseReport } from '../contract/messages';
import { allowedTo, heldBy, takeReport } from './slots';

export interface KeyState {
  /** Children of all the key's roots that may run at once; null: no limit set yet (roots run at their own). */
  limit: number | null;
  /** Open roots by id, in the order they joined. */
  roots: Record<string, PoolEntry & { joined: number }>;
  /** Numbers roots as they join (the order ties are broken in). */
  joins: number;
}

export function createKeyState(limit: number | null = null): KeyState {
  return { limit, roots: {}, joins: 0 };
}

export function joinKey(key: KeyState, rootId: string): void {
  if (key.roots[rootId]) return;
  key.roots[rootId] = { granted: 0, received: 0, released: 0, wants: 0, joined: key.joins++ };
}

/** A root's report; counters only grow, so a late or repeated report cannot undo a newer one. */
export function reportToKey(key: KeyState, rootId: string, report: LeaseReport): void {
  const entry = key.roots[rootId];
  if (entry) takeReport(entry, report);
}

/** A root stopped (or is gone): what it held is free again. */
export function leaveKey(key: KeyState, rootId: string): void {
  delete key.roots[rootId];
}

/** Slots the key's roots hold now (given and not yet back). */
export function heldInKey(key: KeyState): number {
  return Object.values(key.roots).reduce((sum, entry) => sum + heldBy(entry), 0);
}

/**
 * Max-min fair shares of `limit` among demands: each gets min(demand, level), the level as high as the limit
 * allows; slots left by rounding go to the earliest (index order).
 */
export function fairShares(limit: number, demands: number[]): number[] {
  const shares = demands.map(() => 0);
  let left = limit;
  let open = demands.map((_, index) => index).filter((index) => demands[index] > 0);
  while (left > 0 && open.length > 0) {
    const level = Math.floor(left / open.length);
    if (level === 0) {
      for (const index of open.slice(0, left)) shares[index]++;
      break;
    }
    for (const index of open) {
      const take = Math.min(level, demands[index] - shares[index]);
      shares[index] += take;
      left -= take;
    }
    open = open.filter((index) => shares[index] < demands[index]);
  }
  return shares;
}

/**
 * What the key sends now: slots asked back from roots over their fair share, then free slots to roots under
 * it. Returns the roots whose grant or recall changed.
 */
export function balanceKey(key: KeyState): string[] {
  const ids = Object.keys(key.roots).sort((a, b) => key.roots[a].joined - key.roots[b].joined);
  const entries = ids.map((id) => key.roots[id]);
  // What each root would use: what it may use now and what it asked for more.
  const demands = entries.map((entry) => allowedTo(entry) + entry.wants);
  const limit = key.limit ?? demands.reduce((sum, demand) => sum + demand, 0);
  const shares = fairShares(limit, demands);
  const changed = new Set<string>();
  entries.forEach((entry, position) => {
    const over = allowedTo(entry) - shares[position];
    if (over <= 0) return;
    entry.recalled = Math.max(entry.released, entry.recalled ?? 0) + over;
    changed.add(ids[position]);
  });
  let free = Math.max(0, limit - heldInKey(key));
  entries.forEach((entry, position) => {
    if (free === 0) return;
    const count = Math.min(free, entry.wants, shares[position] - allowedTo(entry));
    if (count <= 0) return;
    entry.granted += count;
    entry.wants -= count;
    free -= count;
    changed.add(ids[position]);
  });
  return [...changed];
}
