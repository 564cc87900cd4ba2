/**
 * What the event streams may cost: a bounded number of views and streams, and a client that never reads
 * holds at most one event before it is dropped. The views here are synthetic (large events, read often),
 * so that a socket's buffers fill in a second; the streams are real HTTP over loopback.
 */
import * as net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { BusyError } from '../../src/dashboard/api-errors';
import { openEventStream } from '../../src/dashboard/event-stream';
import { LiveReads, type ViewReader } from '../../src/dashboard/live-reads';
import { ReadGate } from '../../src/dashboard/read-gate';
import { eventually } from '../helpers/testbed';

const quickView: ViewReader = async () => ({ event: { type: 'job', data: '{}' }, stopped: false });

describe('stream limits', () => {
  it('refuses a view past maxViews and a stream past maxStreams, naming the limit', async () => {
    const live = new LiveReads({ everyMs: 50, stoppedEveryMs: 50 }, { maxViews: 2, maxStreams: 3 });
    try {
      await live.subscribe('a', quickView, () => undefined);
      const leaveB = await live.subscribe('b', quickView, () => undefined);
      await expect(live.subscribe('c', quickView, () => undefined)).rejects.toThrow(
        new BusyError(
          'The dashboard follows 2 distinct views already (--max-views); follow one of those, or try again later.',
        ),
      );
      await live.subscribe('a', quickView, () => undefined); // the same view: no new reader
      await expect(live.subscribe('a', quickView, () => undefined)).rejects.toThrow(
        /3 event streams open \(--max-streams\)/,
      );
      leaveB();
      leaveB(); // leaving twice counts once
      expect(live.stats()).toMatchObject({ views: 1, listeners: 2 });
      await live.subscribe('c', quickView, () => undefined); // room again
    } finally {
      live.close();
    }
  });

  it('lets at most `running` reads through at once, queues `waiting`, refuses the rest', async () => {
    const gate = new ReadGate({ running: 2, waiting: 1 });
    const release: Array<() => void> = [];
    const slow = () => new Promise<void>((resolve) => release.push(resolve));
    const first = [gate.run(slow), gate.run(slow), gate.run(slow)];
    await eventually('two reads in flight', async () => (release.length === 2 ? true : undefined));
    expect(gate.stats()).toEqual({ running: 2, waiting: 1 });
    await expect(gate.run(slow)).rejects.toThrow(/2 reads in flight and 1 waiting \(its read limit\)/);
    release.shift()!();
    await eventually('the queued read let in', async () => (release.length === 2 ? true : undefined));
    release.splice(0).forEach((done) => done());
    await Promise.all(first);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0 });
  });
});

describe('the read budget of the streams', () => {
  afterEach(() => jest.useRealTimers());

  it('reads all views together at most maxReadsPerSecond: more views, each read less often', async () => {
    jest.useFakeTimers();
    const reads: string[] = [];
    const view =
      (key: string): ViewReader =>
      async () => {
        reads.push(key);
        return { event: { type: 'job', data: `${key}:${reads.length}` }, stopped: false };
      };
    const live = new LiveReads({ everyMs: 100, stoppedEveryMs: 100 }, { maxReadsPerSecond: 5 });
    try {
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])
        await live.subscribe(key, view(key), () => undefined);
      expect(reads).toHaveLength(10); // each view's first read
      await jest.advanceTimersByTimeAsync(2000); // the first views spaced their second read for fewer views
      const settled = reads.length;
      await jest.advanceTimersByTimeAsync(20_000);
      // 5 a second in all, where each view's own 100 ms would make 2,000 reads in 20 s.
      expect(reads.length - settled).toBeGreaterThanOrEqual(90);
      expect(reads.length - settled).toBeLessThanOrEqual(110);
    } finally {
      live.close();
    }
  });
});

describe('a client that never reads', () => {
  let app: FastifyInstance;
  let live: LiveReads;
  let url: URL;
  const sockets: net.Socket[] = [];
  const big = 'x'.repeat(512 * 1024);
  let version = 0;
  const changing: ViewReader = async () => ({
    event: { type: 'job', data: JSON.stringify({ version: ++version, big }) },
    stopped: false,
  });

  beforeAll(async () => {
    live = new LiveReads({ everyMs: 10, stoppedEveryMs: 10 });
    app = Fastify();
    app.get('/events', async (_request, reply) => {
      await openEventStream(reply, (send) => live.subscribe('view', changing, send), 1000);
    });
    app.server.on('connection', (socket: net.Socket) => sockets.push(socket));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as net.AddressInfo;
    url = new URL(`http://127.0.0.1:${address.port}`);
  });
  afterAll(async () => {
    live.close();
    await app.close();
  });

  it('is dropped once its buffers stay full, and costs the server at most one waiting event meanwhile', async () => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.write(`GET /events HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    socket.pause(); // reads nothing, ever
    const buffered: number[] = [];
    try {
      await eventually(
        'the stream to be dropped',
        async () => {
          for (const open of sockets) buffered.push(open.writableLength);
          return live.stats().listeners === 0 && version > 20 ? true : undefined;
        },
        30_000,
      );
    } finally {
      socket.destroy();
    }
    // Node's own buffer never held more than the socket's high-water mark plus one event.
    expect(Math.max(...buffered)).toBeLessThan(16 * 1024 + big.length + 1024);
    expect(live.stats().views).toBe(0);
  });
});
