/** How many intervals overlap: at most, and on average over a window (a child's run is [start, end)). */
export interface Interval {
  start: number;
  end: number;
}

export function maxOverlap(intervals: Interval[]): number {
  // An end and a start at the same instant do not overlap: ends sort first.
  const edges = intervals.flatMap(({ start, end }) => [
    [start, 1],
    [end, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) {
    now += step;
    most = Math.max(most, now);
  }
  return most;
}

/** The mean number running over [from, to). */
export function meanOverlap(intervals: Interval[], from: number, to: number): number {
  if (to <= from) return 0;
  const covered = intervals.reduce(
    (sum, { start, end }) => sum + Math.max(0, Math.min(end, to) - Math.max(start, from)),
    0,
  );
  return covered / (to - from);
}
