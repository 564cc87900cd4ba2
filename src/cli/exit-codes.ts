/** The `jobs` command's exit codes; scripts rely on them. */
export const ExitCode = {
  ok: 0,
  /** wait/watch: the root ended failed. Other commands: an unexpected error. */
  failed: 1,
  /** wait/watch: the root ended cancelled. Other commands: bad usage or input (unknown topic, job, JSON…). */
  usage: 2,
  cancelled: 2,
  /** start: another owner's root with that name is open. */
  duplicate: 3,
  /** The Temporal server cannot be reached. */
  unreachable: 4,
  /** wait: the timeout passed first. */
  timeout: 124,
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
