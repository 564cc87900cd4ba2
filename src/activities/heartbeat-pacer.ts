/**
 * A pack's heartbeats, paced. The SDK encodes the details on every `heartbeat` call (it throttles only what
 * it sends), and a pack's details carry its outcomes so far: a call per child beginning would cost time
 * quadratic in the pack's size. A beat asked for goes out at once when none went out in the last `gapMs`;
 * otherwise one goes out when the gap has passed, with the details as they are then. The gap matches the
 * worker's heartbeat throttle (worker.ts): a heartbeat's reply is how a pack learns an interrupt has reached it.
 */
export const BEAT_GAP_MS = 100;

export class HeartbeatPacer {
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: () => void,
    private readonly gapMs = BEAT_GAP_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A beat now, whatever the gap (a pack's first, its last, the keep-alive). */
  now(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.last = this.clock();
    this.send();
  }

  /** A beat within `gapMs`: at once when the gap has passed, else one when it has (many asks, one beat). */
  soon(): void {
    if (this.timer !== undefined) return;
    const wait = this.last + this.gapMs - this.clock();
    if (wait <= 0) return this.now();
    this.timer = setTimeout(() => this.now(), wait);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
