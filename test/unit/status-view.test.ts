import { type InFlightChild, type ChildRecord } from '../../src/contract/jobs';
import { emptyCounts } from '../../src/jobs/status';
import { refineCounts, refineRecord, shownCounts, type PackState } from '../../src/jobs/status-view';

const handedOut: ChildRecord = {
  id: 'r/a',
  name: 'a',
  topic: 't',
  status: 'running',
  attempts: 0,
  error: null,
  progress: 0,
  createdAt: null,
  startedAt: null,
  stoppedAt: null,
};
const flight = (extra: Partial<InFlightChild> = {}): InFlightChild => ({
  name: 'a',
  pack: 'p',
  attempts: 0,
  first: true,
  ...extra,
});
const pack = (extra: Partial<PackState> = {}): PackState => ({
  started: true,
  attempt: 1,
  startedAt: '2026-11-28T10:00:00.000Z',
  begun: null,
  progress: {},
  ...extra,
});

describe('what a status read shows of a child handed to a worker', () => {
  it('is new while no worker has begun its pack', () => {
    expect(refineRecord(handedOut, flight(), pack({ started: false }))).toMatchObject({
      status: 'new',
      attempts: 0,
    });
  });
  it('is failed_redelivered while its pack waits for a retry after a lost worker', () => {
    expect(refineRecord(handedOut, flight(), pack({ started: false, attempt: 2 }))).toMatchObject({
      status: 'failed_redelivered',
      attempts: 1,
    });
  });
  it('is running once its pack runs it, with the attempt, start time and heartbeated progress', () => {
    expect(
      refineRecord(handedOut, flight({ attempts: 1 }), pack({ begun: new Set(['a']), progress: { a: 0.5 } })),
    ).toMatchObject({
      status: 'running',
      attempts: 2,
      startedAt: '2026-11-28T10:00:00.000Z',
      progress: 0.5,
    });
  });
  it('waits in a running pack for a free slot: new', () => {
    expect(refineRecord(handedOut, flight(), pack({ begun: new Set(['b']) })).status).toBe('new');
  });
  it('before the pack heartbeats, only the children it starts first are running', () => {
    expect(refineRecord(handedOut, flight({ first: false }), pack()).status).toBe('new');
    expect(refineRecord(handedOut, flight({ first: true }), pack()).status).toBe('running');
  });
  it("keeps the batch's view when the pack is no longer pending", () => {
    expect(refineRecord(handedOut, flight(), undefined)).toBe(handedOut);
  });
  it('moves the counts of children not begun from running to new', () => {
    const counts = { ...emptyCounts(), running: 3 };
    const packs = new Map([
      ['p', pack({ begun: new Set(['a']) })],
      ['q', pack({ started: false })],
    ]);
    const inFlight = [flight(), flight({ name: 'b' }), flight({ name: 'c', pack: 'q' })];
    expect(refineCounts(counts, inFlight, packs)).toMatchObject({ running: 1, new: 2 });
  });
  it.each([
    ['success', 'success'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
    ['retry', 'failed_redelivered'],
  ] as const)('a child that ended %s in a pack still running shows %s, not running', (outcome, shown) => {
    const ran = pack({ begun: new Set(['a', 'b']), ended: { a: outcome } });
    expect(refineRecord(handedOut, flight(), ran)).toMatchObject({ status: shown, attempts: 1 });
    const counts = refineCounts(
      { ...emptyCounts(), running: 2 },
      [flight(), flight({ name: 'b' })],
      new Map([['p', ran]]),
    );
    expect(counts).toMatchObject({ running: 1, [shown]: 1 });
  });
  it('counts as running only the children begun and not ended, however many a long pack has run', () => {
    const names = Array.from({ length: 8 }, (_, n) => `c${n}`);
    const ended = Object.fromEntries(names.slice(0, 6).map((name) => [name, 'success' as const]));
    const packs = new Map([['p', pack({ begun: new Set(names), ended })]]);
    const inFlight = names.map((name) => flight({ name }));
    expect(refineCounts({ ...emptyCounts(), running: 8 }, inFlight, packs)).toMatchObject({
      running: 2,
      success: 6,
    });
  });
});

describe("a batch's counts as its last report shows them (status reads that do not ask the batch)", () => {
  const running = (n: number, extra = {}) => ({ ...emptyCounts(), running: n, ...extra });
  it.each([
    ['nothing waits', running(5), undefined, running(5)],
    [
      'children waiting in packs are new',
      running(5),
      { new: 3, failed_redelivered: 0 },
      running(2, { new: 3 }),
    ],
    [
      'a retry waiting in a pack is failed_redelivered',
      running(5, { success: 1 }),
      { new: 1, failed_redelivered: 2 },
      running(2, { new: 1, failed_redelivered: 2, success: 1 }),
    ],
    [
      'never more than run (counts and report from different moments)',
      running(1),
      { new: 2, failed_redelivered: 2 },
      running(0, { failed_redelivered: 1 }),
    ],
  ])('%s', (_, counts, waiting, shown) => {
    expect(shownCounts(counts, waiting)).toEqual(shown);
  });
});
