/**
 * The example application of the seed document: `do_big_job` fans out into one `do_small_job` per part.
 */
import { JobApplication } from '../application';

export interface SmallJob {
  name: string;
  /** How long the work takes; it heartbeats, reports progress and stops when force-interrupted. */
  durationMs?: number;
  /** false: the data is invalid, the job logs an error and fails at once (no retry). */
  valid?: boolean;
  /** Throws on its first `failTimes` attempts, then succeeds (when attempts allow). */
  failTimes?: number;
}

export interface BigJob {
  parts: SmallJob[];
}

export interface Logger {
  error(message: string): void;
}

export function createSeedApplication(log: Logger = console): JobApplication {
  return new JobApplication()
    .topic<BigJob>('do_big_job', {
      description: 'Fans out into one do_small_job per part.',
      validate: validateBigJob,
      plan: ({ parts }) =>
        parts.map((part) => ({ name: `do_small_job:${part.name}`, topic: 'do_small_job', payload: part })),
    })
    .topic<SmallJob>('do_small_job', {
      description: 'Works for durationMs; fails on invalid data; throws on its first failTimes attempts.',
      validate: validateSmallJob,
      process: async (part, context) => {
        if (part.valid === false) {
          log.error(`do_small_job: invalid data, giving up: ${JSON.stringify(part)}`);
          return false;
        }
        if (context.attempt <= (part.failTimes ?? 0)) {
          throw new Error(`do_small_job ${part.name}: failing on purpose on attempt ${context.attempt}`);
        }
        const duration = part.durationMs ?? 0;
        const started = Date.now();
        while (Date.now() - started < duration) {
          await pause(Math.min(200, duration - (Date.now() - started)), context.signal);
          context.reportProgress((Date.now() - started) / duration);
        }
        return { name: part.name, workedMs: Date.now() - started };
      },
    });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('interrupted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('interrupted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function validateBigJob(payload: unknown): string | undefined {
  const parts = (payload as BigJob | undefined)?.parts;
  if (!Array.isArray(parts)) return 'expected {"parts": [{"name": …}, …]}';
  const seen = new Set<string>();
  for (const [index, part] of parts.entries()) {
    const problem = validateSmallJob(part);
    if (problem) return `parts[${index}]: ${problem}`;
    if (seen.has(part.name)) return `parts[${index}]: the name "${part.name}" is used twice`;
    seen.add(part.name);
  }
  return undefined;
}

function validateSmallJob(payload: unknown): string | undefined {
  const part = payload as SmallJob | undefined;
  if (!part || typeof part !== 'object') return 'expected an object {"name": …}';
  if (typeof part.name !== 'string' || part.name.length === 0) return 'name must be a non-empty string';
  if (part.durationMs !== undefined && !(Number.isFinite(part.durationMs) && part.durationMs >= 0)) {
    return 'durationMs must be a number of at least 0';
  }
  if (part.valid !== undefined && typeof part.valid !== 'boolean') return 'valid must be true or false';
  if (part.failTimes !== undefined && !(Number.isInteger(part.failTimes) && part.failTimes >= 0)) {
    return 'failTimes must be a whole number of at least 0';
  }
  return undefined;
}
