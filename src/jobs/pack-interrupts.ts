/**
 * What an interrupt stops in a running pack: a child that has not begun never begins (Oro: work not yet
 * started never starts, whether the interrupt is graceful or forced); one that runs stops only when forced.
 * Pure: the pack activity applies it to what its batch answers.
 */

/**
 * The children of a pack to stop. `interrupts`: the pack's interrupted children and whether each is forced, or
 * null when the cancel is not an interrupt (the worker is stopping, a timeout): then all of them.
 */
export function childrenToStop(
  children: readonly string[],
  begun: ReadonlySet<string>,
  interrupts: Readonly<Record<string, boolean>> | null,
): string[] {
  if (!interrupts) return [...children];
  return children.filter((name) => name in interrupts && (interrupts[name] || !begun.has(name)));
}
