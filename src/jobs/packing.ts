/**
 * Packing: short children of a topic share one activity task, each still with its own record, retries,
 * result and interrupt. A pack holds some running slots and runs its children through them, `rounds`
 * children to a slot one after another, so that one round trip to the server serves many children while no
 * more than the pack's slots run at once. A topic's children run one per activity until a few have shown
 * how long they take; only topics whose slow children are short are packed.
 */
import type { TopicDurations } from '../contract/jobs';

export interface PackingRule {
  /** A processor faster than this at the slowest is "short": an activity task's cost outweighs it. */
  shortChildMs: number;
  /** A pack keeps each of its slots busy for about this long. */
  packTargetMs: number;
  /** The most children one slot of a pack runs one after another. */
  maxRounds: number;
  /**
   * At the root's end, a pack also takes no more than the batch's ready children shared over the slots it
   * holds. With slots busy three seconds that spread a batch's last children thin, and its slots then all went
   * back to the root at once while other batches waited for them; the root's share alone is taken now.
   */
  ownShareAtEnd: boolean;
}

/**
 * Today's rule. An activity task costs the server about 4 CPU-ms, and a slot a round trip each time it turns
 * over (tens of ms, more when the machine is busy, and more again when the slot moves to another batch through
 * the root), so children up to half a second are packed, and a pack's slot stays busy for three seconds. A
 * child that ends inside a pack is counted ended when its pack returns (status reads see it end sooner, from
 * the pack's heartbeat).
 */
export const PACKING: PackingRule = {
  shortChildMs: 500,
  packTargetMs: 3000,
  maxRounds: 50,
  ownShareAtEnd: false,
};
/**
 * The rule of roots and batches opened before patch `fewer-turnovers`: slots busy a second, and a batch's last
 * children shared over its own slots.
 */
export const PACKING_BEFORE_FEWER_TURNOVERS: PackingRule = {
  shortChildMs: 500,
  packTargetMs: 1000,
  maxRounds: 50,
  ownShareAtEnd: true,
};
/** The rule of roots and batches opened before patch `longer-packs` (they replay with it). */
export const PACKING_BEFORE_LONGER_PACKS: PackingRule = {
  shortChildMs: 100,
  packTargetMs: 250,
  maxRounds: 20,
  ownShareAtEnd: true,
};
/** Children of a topic that must have run before its children are packed. */
export const MIN_SAMPLES = 5;
/** Each new sample lets a topic's slowest recent time fade by this factor (a slow child is remembered). */
const FADE = 0.95;

export function observeDuration(durations: TopicDurations, topic: string, ms: number): void {
  const sample = Math.max(0, ms);
  const seen = durations[topic];
  durations[topic] = seen
    ? { samples: seen.samples + 1, slowest: Math.max(sample, seen.slowest * FADE) }
    : { samples: 1, slowest: sample };
}

/** How many children of `topic` one slot runs one after another in a pack (1: no packing). */
export function packRounds(
  durations: TopicDurations,
  topic: string,
  packable: boolean,
  rule: PackingRule = PACKING,
): number {
  const seen = durations[topic];
  if (!packable || !seen || seen.samples < MIN_SAMPLES || seen.slowest > rule.shortChildMs) return 1;
  return Math.max(1, Math.min(rule.maxRounds, Math.floor(rule.packTargetMs / Math.max(seen.slowest, 1))));
}

/**
 * The most children to a slot that shares `waiting` children evenly over `slots` (undefined: no slots). Packs
 * near the end of a batch or a root take no more, so that their slots finish together instead of a few packs
 * running on while the other slots stand idle (guided self-scheduling).
 */
export function evenRounds(waiting: number, slots: number): number | undefined {
  return slots > 0 ? Math.max(1, Math.ceil(waiting / slots)) : undefined;
}

/**
 * What a root tells its batches with their grants once every child is planned: the most children to a slot that
 * shares the children still waiting over all its slots, when that is short of full packs (undefined otherwise).
 */
export function endRounds(
  waiting: number,
  capacity: number,
  rule: PackingRule = PACKING,
): number | undefined {
  const rounds = evenRounds(waiting, capacity);
  return rounds !== undefined && rounds < rule.maxRounds ? rounds : undefined;
}

/**
 * Whether a batch told `sent` end rounds (undefined: none) should hear `now`: once they fall to three quarters
 * of it, or by any step at the last two, so that a root's batches hear a handful of times, not at each report.
 */
export function endRoundsOutdated(sent: number | undefined, now: number): boolean {
  if (sent === undefined) return true;
  return now < sent && (now <= Math.floor((sent * 3) / 4) || now <= 2);
}

/** Takes another view of the topics' times where it has seen more children. */
export function mergeDurations(into: TopicDurations, from: TopicDurations): void {
  for (const [topic, seen] of Object.entries(from)) {
    if (seen.samples > (into[topic]?.samples ?? 0)) into[topic] = { ...seen };
  }
}

/** The running slots a batch's children can use at first, packed as their topics' average times allow. */
export function slotsForChildren(
  children: { topic: string; runAs: string; pack: boolean }[],
  durations: TopicDurations,
  rule: PackingRule = PACKING,
): number {
  const byTopic = new Map<string, { count: number; rounds: number }>();
  for (const child of children) {
    const key = `${child.runAs}\n${child.topic}\n${child.pack}`;
    const group = byTopic.get(key);
    if (group) group.count++;
    else
      byTopic.set(key, {
        count: 1,
        rounds: child.runAs === 'activity' ? packRounds(durations, child.topic, child.pack, rule) : 1,
      });
  }
  let slots = 0;
  for (const { count, rounds } of byTopic.values()) slots += Math.ceil(count / rounds);
  return slots;
}
