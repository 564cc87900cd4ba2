/**
 * Bounds what the dashboard asks of the Temporal server at once: at most `running` reads in flight (GETs and
 * the event streams' views alike), at most `waiting` more queued behind them; past that a read is refused
 * with a 503 that names the limit, so no number of requests makes the dashboard read without bound.
 */
import { BusyError } from './api-errors';

/** How many of the dashboard's reads run and wait at once. */
export interface ReadLimits {
  /** Reads of the Temporal server in flight at once (default 16). */
  running: number;
  /** Reads queued behind them (default 256). */
  waiting: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { running: 16, waiting: 256 };

export class ReadGate {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limits: ReadLimits = DEFAULT_READ_LIMITS) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.running) {
      if (this.queue.length >= this.limits.waiting) {
        throw new BusyError(
          `The dashboard has ${this.limits.running} reads in flight and ${this.limits.waiting} waiting (its read limit); try again shortly.`,
        );
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.running++;
    try {
      return await read();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // hands its place on: `running` stays the same
      else this.running--;
    }
  }

  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }
}
