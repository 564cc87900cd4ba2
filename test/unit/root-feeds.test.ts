import type { JobClient } from '../../src/client/job-client';
import { JobNotFoundError } from '../../src/errors';
import { RootFeeds, type FeedEvent } from '../../src/dashboard/root-feeds';

/** A stand-in for the JobClient's status read: counts reads, answers from `records`. */
function reader(records: Record<string, { status: string; progress: number }>) {
  const reads: string[] = [];
  const jobs = {
    status: async (id: string) => {
      reads.push(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const record = records[id];
      if (!record) throw new JobNotFoundError(id);
      return { id, ...record, stoppedAt: null, children: [] };
    },
  } as unknown as JobClient;
  return { jobs, reads };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RootFeeds: one reader per watched root', () => {
  it('shares one read among streams that come together, and stops reading when the last one leaves', async () => {
    const records = { a: { status: 'running', progress: 0.1 } };
    const { jobs, reads } = reader(records);
    const feeds = new RootFeeds(jobs, { everyMs: 20, stoppedEveryMs: 1000 });
    const got: FeedEvent[][] = [[], [], []];
    const leave = await Promise.all(got.map((events) => feeds.subscribe('a', (event) => events.push(event))));
    expect(reads).toEqual(['a']); // three streams, one read
    expect(got.map((events) => events.length)).toEqual([1, 1, 1]);

    records.a.progress = 0.5;
    await settle(60);
    expect(got[0].map((event) => JSON.parse(event.data as string).progress)).toEqual([0.1, 0.5]); // changes only
    expect(feeds.stats()).toMatchObject({ feeds: 1, listeners: 3 });
    leave.forEach((unsubscribe) => unsubscribe());
    const readsWhenLeft = reads.length;
    await settle(60);
    expect(reads.length).toBe(readsWhenLeft);
    expect(feeds.stats()).toEqual({ feeds: 0, listeners: 0, reads: 0 });
  });

  it('rejects an unknown root and keeps nothing open for it', async () => {
    const { jobs } = reader({});
    const feeds = new RootFeeds(jobs, { everyMs: 20, stoppedEveryMs: 1000 });
    await expect(feeds.subscribe('nope', () => undefined)).rejects.toThrow(JobNotFoundError);
    expect(feeds.stats().feeds).toBe(0);
  });
});
