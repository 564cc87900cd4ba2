/**
 * What the event streams send: one reader per watched root, however many streams watch it, asks for the
 * root's record (no children) once a second while anyone listens, and passes it on when it has changed. The
 * roots' list gets the same: one reader of its first page for all the streams on it. So an open dashboard
 * costs the Temporal server one read a second per root on screen, not one per child or per viewer.
 */
import { createHash } from 'node:crypto';
import type { JobClient } from '../client/job-client';
import { apiErrorOf, type ApiError } from './api-errors';

export type FeedEvent =
  { type: 'job'; data: string } | { type: 'roots'; data: string } | { type: 'problem'; data: ApiError };
type Listener = (event: FeedEvent) => void;

interface FeedTimes {
  /** Between reads while the job runs (or, for the list, always). */
  everyMs: number;
  /** Between reads once the root has stopped (a retry can start it again). */
  stoppedEveryMs: number;
}

const DEFAULT_TIMES: FeedTimes = { everyMs: 1000, stoppedEveryMs: 10_000 };
export const ROOTS_FEED = '';

/** One polled source and its listeners. */
class Feed {
  readonly listeners = new Set<Listener>();
  last: FeedEvent | undefined;
  reads = 0;
  /** Streams waiting for the first read (they keep the feed open). */
  waiting = 0;
  /** Settles after the first read: with its error when it failed. */
  readonly firstRead: Promise<unknown>;
  private settleFirst!: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly read: () => Promise<{ event: FeedEvent; stopped: boolean }>,
    private readonly times: FeedTimes,
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
    this.timer = setTimeout(() => void this.tick(), stopped ? this.times.stoppedEveryMs : this.times.everyMs);
  }

  private emit(event: FeedEvent): void {
    if (event.type !== 'problem') this.last = event;
    for (const listener of this.listeners) listener(event);
  }
}

export class RootFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(
    private readonly jobs: JobClient,
    private readonly times: FeedTimes = DEFAULT_TIMES,
  ) {}

  /**
   * Listens to root `id`'s record (or, with ROOTS_FEED, to the list's first page) once it has been read, at
   * once when it was already. Streams that come together share that read; one that fails (an unknown id)
   * rejects and subscribes nothing. Resolves with the unsubscribe.
   */
  async subscribe(id: string, listener: Listener): Promise<() => void> {
    let feed = this.feeds.get(id);
    if (!feed) {
      feed = new Feed(id === ROOTS_FEED ? () => this.readRoots() : () => this.readRoot(id), this.times);
      this.feeds.set(id, feed);
    }
    const subscribed = feed;
    subscribed.waiting++;
    const error = await subscribed.firstRead.finally(() => subscribed.waiting--);
    if (error !== undefined && !subscribed.last) {
      this.release(id, subscribed);
      throw error;
    }
    if (subscribed.last) listener(subscribed.last);
    subscribed.listeners.add(listener);
    return () => {
      subscribed.listeners.delete(listener);
      this.release(id, subscribed);
    };
  }

  /** Feeds now open, the streams on them and the reads they have made. */
  stats(): { feeds: number; listeners: number; reads: number } {
    let listeners = 0;
    let reads = 0;
    for (const feed of this.feeds.values()) {
      listeners += feed.listeners.size;
      reads += feed.reads;
    }
    return { feeds: this.feeds.size, listeners, reads };
  }

  close(): void {
    for (const feed of this.feeds.values()) feed.stop();
    this.feeds.clear();
  }

  /** A feed that no stream listens to or waits for stops reading. */
  private release(id: string, feed: Feed): void {
    if (feed.listeners.size > 0 || feed.waiting > 0) return;
    feed.stop();
    if (this.feeds.get(id) === feed) this.feeds.delete(id);
  }

  private async readRoot(id: string): Promise<{ event: FeedEvent; stopped: boolean }> {
    const answer = await this.jobs.status(id, { limit: 0 });
    const stopped = answer.stoppedAt !== null && answer.status !== 'running';
    return { event: { type: 'job', data: JSON.stringify(answer) }, stopped };
  }

  private async readRoots(): Promise<{ event: FeedEvent; stopped: boolean }> {
    const { jobs } = await this.jobs.listPage({}, { limit: 100 });
    // What a row shows; the page reloads its own (filtered) page when any of it changes.
    const rows = jobs.map((job) => [job.id, job.status, job.progress, job.closeTime, job.total]);
    const version = createHash('sha1').update(JSON.stringify(rows)).digest('hex').slice(0, 12);
    return { event: { type: 'roots', data: JSON.stringify({ version }) }, stopped: false };
  }
}
