/**
 * Attempts lost to workers that died while running a pack: charged to the children that had begun, never to
 * those still waiting in the pack. Pure: the pack activity computes it as it starts, and carries it in its
 * heartbeat so that every later attempt (and status reads) go on from it.
 */

/** What a pack's last heartbeat says, as far as lost attempts go. */
export interface LostAttemptsBeat {
  /** Children whose processor had begun (in that attempt or an earlier one). */
  begun: string[];
  /** Children with an outcome already: they do not run again. */
  done: Record<string, unknown>;
  /** Attempts each child had lost before that attempt. */
  lost?: Record<string, number>;
  /** The activity attempt the heartbeat came from (absent from packs before this was kept). */
  attempt?: number;
}

/**
 * The attempts each child of a pack has lost before activity attempt `attempt`: a child lost one for each
 * earlier attempt in which it had begun and not finished. Where an attempt left no heartbeat, the children
 * a pack starts at once (its first `slots` not yet done) are taken to have begun.
 */
export function lostAttempts(
  children: readonly string[],
  slots: number,
  attempt: number,
  earlier: LostAttemptsBeat | undefined,
): Record<string, number> {
  const lost: Record<string, number> = { ...earlier?.lost };
  const charge = (name: string) => (lost[name] = (lost[name] ?? 0) + 1);
  let unknownFrom = 1;
  if (earlier) {
    for (const name of new Set(earlier.begun)) if (!(name in earlier.done)) charge(name);
    unknownFrom = (earlier.attempt ?? attempt - 1) + 1;
  }
  const startAtOnce = children.filter((name) => !(name in (earlier?.done ?? {}))).slice(0, slots);
  for (let lostAttempt = unknownFrom; lostAttempt < attempt; lostAttempt++) startAtOnce.forEach(charge);
  return lost;
}
