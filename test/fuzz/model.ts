/** What the fuzzer expects of the engine, kept as it drives it (test/fuzz/engine-model.ts). */
import {
  DuplicateJobError,
  InvalidJobInputError,
  JobFinishedError,
  JobNotFoundError,
} from '../../src/errors';

export interface RootModel {
  name: string;
  /** This start of the name (a name is used again once its root has stopped). */
  tag: string;
  size: number;
  maxAttempts: number;
  /** Reruns asked (`jobs retry`): each lets a child use maxAttempts more. */
  retries: number;
  /** The largest parallel limit the root has had. */
  maxParallelSeen: number;
  paused: boolean;
  /** Started with the run's concurrency key. */
  keyed: boolean;
}

/**
 * An interrupt of a root (child: null) or of one child, sent at `from`: no processor of it may begin once the
 * interrupt has had time to reach the workers, until a retry (`until`) puts children back in line.
 */
export interface InterruptWindow {
  tag: string;
  child: string | null;
  from: number;
  until: number;
}

export interface Model {
  run: string;
  roots: Map<string, RootModel>;
  workers: number;
  /** The largest limit the run's concurrency key has had (Infinity while it has none). */
  keyLimitSeen: number;
  /** Starts accepted so far; each root's runs are tagged with its own. */
  starts: number;
  /** The largest parallel limit each start (by tag) has had, and whether it shares the key. */
  limits: Map<string, { maxParallel: number; keyed: boolean }>;
  interrupts: InterruptWindow[];
}

/** A fault (a worker or the server killed) delays what interrupts sent before it reach the workers. */
export function restartInterruptWindows(model: Model): void {
  const now = Date.now();
  for (const window of model.interrupts)
    if (window.until === Infinity) window.from = Math.max(window.from, now);
}

/** Errors an operation on a root may rightly meet: the root has stopped, or never started. */
function expected(err: unknown): boolean {
  return (
    err instanceof JobFinishedError ||
    err instanceof JobNotFoundError ||
    err instanceof InvalidJobInputError ||
    err instanceof DuplicateJobError
  );
}

export async function tolerate(operation: () => Promise<unknown>): Promise<void> {
  try {
    await operation();
  } catch (err) {
    if (!expected(err)) throw err;
  }
}
