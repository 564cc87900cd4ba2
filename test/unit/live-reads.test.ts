import { JobNotFoundError } from '../../src/errors';
import { LiveReads, type LiveEvent, type ViewReader } from '../../src/dashboard/live-reads';

/** A view that counts its reads and answers from `record` (undefined: an unknown job). */
function view(record: { progress: number } | undefined) {
  const reads = { count: 0 };
  const read: ViewReader = async () => {
    reads.count++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!record) throw new JobNotFoundError('nope');
    return { event: { type: 'job', data: JSON.stringify(record) }, stopped: false };
  };
  return { read, reads };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LiveReads: one reader per distinct view', () => {
  it('shares one read among streams that come together, and stops reading when the last one leaves', async () => {
    const record = { progress: 0.1 };
    const { read, reads } = view(record);
    const live = new LiveReads({ everyMs: 20, stoppedEveryMs: 1000 });
    const got: LiveEvent[][] = [[], [], []];
    const leave = await Promise.all(
      got.map((events) => live.subscribe('a', read, (event) => events.push(event))),
    );
    expect(reads.count).toBe(1); // three streams, one read
    expect(got.map((events) => events.length)).toEqual([1, 1, 1]);

    record.progress = 0.5;
    await settle(60);
    expect(got[0].map((event) => JSON.parse(event.data as string).progress)).toEqual([0.1, 0.5]); // changes only
    expect(live.stats()).toMatchObject({ views: 1, listeners: 3 });
    leave.forEach((unsubscribe) => unsubscribe());
    const readsWhenLeft = reads.count;
    await settle(60);
    expect(reads.count).toBe(readsWhenLeft);
    expect(live.stats()).toEqual({ views: 0, listeners: 0, reads: 0 });
  });

  it('reads each distinct view on its own', async () => {
    const first = view({ progress: 0 });
    const second = view({ progress: 1 });
    const live = new LiveReads({ everyMs: 1000, stoppedEveryMs: 1000 });
    const leave = [
      await live.subscribe('root?offset=0', first.read, () => undefined),
      await live.subscribe('root?offset=50', second.read, () => undefined),
      await live.subscribe('root?offset=0', first.read, () => undefined),
    ];
    expect([first.reads.count, second.reads.count]).toEqual([1, 1]);
    expect(live.stats()).toMatchObject({ views: 2, listeners: 3 });
    leave.forEach((unsubscribe) => unsubscribe());
  });

  it('rejects an unknown root and keeps nothing open for it', async () => {
    const { read } = view(undefined);
    const live = new LiveReads({ everyMs: 20, stoppedEveryMs: 1000 });
    await expect(live.subscribe('nope', read, () => undefined)).rejects.toThrow(JobNotFoundError);
    expect(live.stats().views).toBe(0);
  });
});
