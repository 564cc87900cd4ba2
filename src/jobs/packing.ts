/**
 * Packing: short children of a topic share one activity task, each still with its own record, retries,
 * result and interrupt. A pack holds some running slots and runs its children through them, `rounds`
 * children to a slot one after another, so that one round trip to the server serves many children while no
 * more than the pack's slots run at once. A topic's children run one per activity until a few have shown
 * how long they take; only topics whose slow children are short are packed.
 */
import type { TopicDurations } from '../contract/jobs';

/** A processor faster than this on average is "short": the round trip of an activity task outweighs it. */
export const SHORT_CHILD_MS = 100;
/** A pack keeps each of its slots busy for about this long. */
export const PACK_TARGET_MS = 250;
/** The most children one slot of a pack runs one after another. */
export const MAX_ROUNDS = 20;
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
export function packRounds(durations: TopicDurations, topic: string, packable: boolean): number {
  const seen = durations[topic];
  if (!packable || !seen || seen.samples < MIN_SAMPLES || seen.slowest > SHORT_CHILD_MS) return 1;
  return Math.max(1, Math.min(MAX_ROUNDS, Math.floor(PACK_TARGET_MS / Math.max(seen.slowest, 1))));
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
): number {
  const byTopic = new Map<string, { count: number; rounds: number }>();
  for (const child of children) {
    const key = `${child.runAs}\n${child.topic}\n${child.pack}`;
    const group = byTopic.get(key);
    if (group) group.count++;
    else
      byTopic.set(key, {
        count: 1,
        rounds: child.runAs === 'activity' ? packRounds(durations, child.topic, child.pack) : 1,
      });
  }
  let slots = 0;
  for (const { count, rounds } of byTopic.values()) slots += Math.ceil(count / rounds);
  return slots;
}
