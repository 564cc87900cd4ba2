/**
 * What the event streams send. Each distinct view (a root with a page of its children, or a page of the roots'
 * list) has one reader, however many streams follow it: it reads the view once a second while anyone
 * listens and sends it when it has changed. So an open dashboard costs the Temporal server one read a second
 * per distinct view on screen, never one per child, and the same view in many browsers costs one. All views
 * together read at most `maxReadsPerSecond`: with more views open, each is read less often.
 */
import { BusyError, apiErrorOf, type ApiError } from './api-errors';

export type LiveEvent = { type: 'job' | 'roots'; data: string } | { type: 'problem'; data: ApiError };
type Listener = (event: LiveEvent) => void;

/** One read of a view: its event, and whether it has stopped changing for now (a finished root). */
export type ViewReader = () => Promise<{ event: LiveEvent; stopped: boolean }>;

/** How often an event stream reads its view. */
export interface ReadTimes {
  /** Between reads while the view changes. */
  everyMs: number;
  /** Between reads once it has stopped (a finished root may still be retried). */
  stoppedEveryMs: number;
}

const DEFAULT_TIMES: ReadTimes = { everyMs: 1000, stoppedEveryMs: 10_000 };

/** How much the streams may ask for: each view costs a read a second, each stream a socket. */
export interface StreamLimits {
  /** Distinct views read at once (default 100). */
  maxViews: number;
  /** Open streams, all views together (default 1,000). */
  maxStreams: number;
  /** Reads of all views together, a second (default 20): the Temporal server's cost of the streams. */
  maxReadsPerSecond: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxViews: 100, maxStreams: 1000, maxReadsPerSecond: 20 };

/** One view, its reader and its listeners. */
class LiveView {
  readonly listeners = new Set<Listener>();
  last: LiveEvent | undefined;
  reads = 0;
  /** Streams waiting for the first read (they keep the view open). */
  waiting = 0;
  /** Settles after the first read: with its error when it failed. */
  readonly firstRead: Promise<unknown>;
  private settleFirst!: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly read: ViewReader,
    private readonly times: ReadTimes,
    /** How long until the next read at the least, whatever the times say (the read budget). */
    private readonly spacingMs: () => number,
  ) {
    this.firstRead = new Promise((resolve) => (this.settleFirst = resolve));
    void this.tick();
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    let stopped = false;
    try {
      this.reads++;
      const answer = await this.read();
      stopped = answer.stopped;
      if (answer.event.data !== this.last?.data) this.emit(answer.event);
      this.settleFirst(undefined);
    } catch (err) {
      this.settleFirst(err);
      this.emit({ type: 'problem', data: apiErrorOf(err) });
    }
    if (this.closed) return;
    const wait = Math.max(stopped ? this.times.stoppedEveryMs : this.times.everyMs, this.spacingMs());
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  private emit(event: LiveEvent): void {
    if (event.type !== 'problem') this.last = event;
    for (const listener of this.listeners) listener(event);
  }
}

export class LiveReads {
  private readonly views = new Map<string, LiveView>();

  private streams = 0;

  constructor(
    private readonly times: ReadTimes = DEFAULT_TIMES,
    limits: Partial<StreamLimits> = {},
  ) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
  }

  private readonly limits: StreamLimits;

  /**
   * Listens to the view named `key` (read by `read`) once it has been read, at once when it was already.
   * Streams that come together share that read; one that fails (an unknown id) rejects and subscribes
   * nothing. Resolves with the unsubscribe.
   */
  async subscribe(key: string, read: ViewReader, listener: Listener): Promise<() => void> {
    if (this.streams >= this.limits.maxStreams) {
      throw new BusyError(
        `The dashboard has ${this.limits.maxStreams} event streams open (--max-streams); try again later.`,
      );
    }
    let view = this.views.get(key);
    if (!view) {
      if (this.views.size >= this.limits.maxViews) {
        throw new BusyError(
          `The dashboard follows ${this.limits.maxViews} distinct views already (--max-views); follow one of those, or try again later.`,
        );
      }
      view = new LiveView(read, this.times, () => (this.views.size * 1000) / this.limits.maxReadsPerSecond);
      this.views.set(key, view);
    }
    const subscribed = view;
    subscribed.waiting++;
    this.streams++;
    const error = await subscribed.firstRead.finally(() => subscribed.waiting--);
    if (error !== undefined && !subscribed.last) {
      this.streams--;
      this.release(key, subscribed);
      throw error;
    }
    if (subscribed.last) listener(subscribed.last);
    subscribed.listeners.add(listener);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.streams--;
      subscribed.listeners.delete(listener);
      this.release(key, subscribed);
    };
  }

  /** Views now open, the streams on them and the reads they have made. */
  stats(): { views: number; listeners: number; reads: number } {
    let listeners = 0;
    let reads = 0;
    for (const view of this.views.values()) {
      listeners += view.listeners.size;
      reads += view.reads;
    }
    return { views: this.views.size, listeners, reads };
  }

  close(): void {
    for (const view of this.views.values()) view.stop();
    this.views.clear();
    this.streams = 0;
  }

  /** A view that no stream listens to or waits for stops reading. */
  private release(key: string, view: LiveView): void {
    if (view.listeners.size > 0 || view.waiting > 0) return;
    view.stop();
    if (this.views.get(key) === view) this.views.delete(key);
  }
}
