/** One line of provisioning progress: a bar with a percentage, the elapsed time and an estimate of what is left. */
const WIDTH = 24;

export function progressLine(
  what: string,
  done: number,
  total: number | undefined,
  elapsedMs: number,
  /** What is counted: packages compiled, or MB downloaded. */
  unit: 'packages' | 'MB' = 'packages',
): string {
  const elapsed = duration(elapsedMs);
  if (!total)
    return `${what}: ${done} ${unit === 'packages' ? 'packages compiled' : unit}, ${elapsed} elapsed`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const left = done > 0 && share < 1 ? `, about ${duration((elapsedMs / share) * (1 - share))} left` : '';
  return `${what}: ${bar} ${percent} ${done}/${total} ${unit}, ${elapsed} elapsed${left}`;
}

/** 75_000 → "1m15s", 9_400 → "9s". */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
