import type { RootJobInput, StatusCounts } from '../../src/contract/jobs';
import type { BatchReport } from '../../src/contract/messages';
import { RootLedger } from '../../src/jobs/root-ledger';
import { emptyCounts } from '../../src/jobs/status';

const counts = (partial: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...partial });
const input = { id: 'r', name: 'r', topic: 't', ownerId: 'o', maxParallel: 4 } as RootJobInput;

/** A ledger with batches of these sizes, each started. */
function ledger(...sizes: number[]): RootLedger {
  const root = new RootLedger(input, undefined, 'now', 'created');
  for (const size of sizes)
    root.batchStarted(root.addBatch(`r/batch/${root.state.batches.length}`, size, size));
  root.grantSlots();
  return root;
}

const report = (index: number, partial: Partial<StatusCounts>, done = false): BatchReport => ({
  index,
  counts: counts(partial),
  received: 0,
  released: 0,
  wants: 0,
  durations: {},
  done,
});

describe('a root ledger', () => {
  it('starts new and planning, and counts a planned batch as new', () => {
    const root = ledger(3);
    root.recount(true);
    expect(root.state).toMatchObject({
      status: 'new',
      phase: 'planning',
      total: 3,
      counts: counts({ new: 3 }),
    });
    expect(root.state.batches[0]).toMatchObject({ id: 'r/batch/0', size: 3, done: false, slots: 3 });
    expect(root.openBatches).toBe(1);
    expect(root.allDone).toBe(false);
  });

  it.each<[string, Partial<StatusCounts>, boolean, string]>([
    ['children all ended, root not stopped: never final', { success: 3 }, true, 'running'],
    ['children all ended, a root from before: the rule at once', { success: 3 }, false, 'success'],
    ['one running', { running: 1, new: 2 }, true, 'running'],
    ['one waiting for a retry', { failed_redelivered: 1, success: 2 }, true, 'running'],
  ])('recounts by the rule: %s', (_, batchCounts, finalOnlyAtStop, status) => {
    const root = ledger(3);
    expect(root.takeReport(report(0, batchCounts))).toBe(true);
    root.recount(finalOnlyAtStop);
    expect(root.state.status).toBe(status);
    expect(root.state.counts).toEqual(counts(batchCounts));
  });

  it('keeps how many children wait in their packs from the last report, until the batch ends', () => {
    const root = ledger(4);
    const waiting = { new: 2, failed_redelivered: 0 };
    root.takeReport({ ...report(0, { running: 3, new: 1 }), waiting });
    expect(root.state.batches[0].waiting).toEqual(waiting);
    root.takeReport(report(0, { running: 1, success: 2, new: 1 }));
    expect(root.state.batches[0].waiting).toBeUndefined();
    root.takeReport({ ...report(0, { success: 4 }, true), waiting });
    expect(root.state.batches[0].waiting).toBeUndefined();
  });

  it('takes no report for a batch it does not have or that has ended', () => {
    const root = ledger(2);
    expect(root.takeReport(report(5, { success: 2 }))).toBe(false);
    expect(root.takeReport(report(0, { success: 2 }, true))).toBe(true);
    expect(root.takeReport(report(0, { failed: 2 }, true))).toBe(false);
    root.recount(true);
    expect(root.state.counts).toEqual(counts({ success: 2 }));
    expect(root.allDone).toBe(true);
  });

  it.each<[string, (root: RootLedger) => void, string, string | null]>([
    ['every child succeeded', () => undefined, 'success', null],
    ['an error failed it', (root) => root.fail('planning failed'), 'failed', 'planning failed'],
    ['interrupted: cancelled whatever its children did', (root) => root.interrupted(), 'cancelled', null],
  ])('stops with its final status: %s', (_, before, status, error) => {
    const root = ledger(2);
    root.takeReport(report(0, { success: 2 }, true));
    root.recount(true);
    before(root);
    root.pause(true, 'then');
    expect(root.stop('later')).toBe(status);
    expect(root.state).toMatchObject({ phase: 'stopped', stoppedAt: 'later', paused: false, status, error });
  });

  it('ends a batch that did not start with its children cancelled, naming why', () => {
    const root = ledger(2, 3);
    root.batchNotStarted(1, 'starting batch 1 failed: x');
    root.recount(true);
    expect(root.state.counts).toEqual(counts({ new: 2, cancelled: 3 }));
    expect(root.state.error).toBe('starting batch 1 failed: x');
    expect(root.state.batches[1]).toMatchObject({ done: true, slots: 0 });
  });

  it('ends a lost batch with what its history says, its unended children failed; the first error stands', () => {
    const root = ledger(4);
    root.takeReport(report(0, { success: 1, running: 3 }));
    root.fail('an earlier error');
    expect(root.batchLost(0, 'batch 0 was terminated', counts({ success: 3, running: 1 }))).toBe(true);
    expect(root.batchLost(0, 'again')).toBe(false);
    root.recount(true);
    expect(root.state.counts).toEqual(counts({ success: 3, failed: 1 }));
    expect(root.state.error).toBe('an earlier error');
  });

  it('reopens an ended batch for a rerun, and puts its counts back when the rerun cannot start', () => {
    const root = ledger(2, 2);
    root.takeReport(report(0, { success: 1, failed: 1 }, true));
    root.takeReport(report(1, { success: 2 }, true));
    root.batchReopened(0, counts({ success: 1, new: 1 }), 1);
    root.recount(true);
    expect(root.state.counts).toEqual(counts({ success: 3, new: 1 }));
    expect(root.state.batches[0]).toMatchObject({ done: false, run: 1 });
    expect(root.allDone).toBe(false);
    root.rerunFailed(0, 'rerunning batch 0 failed: x');
    root.recount(true);
    expect(root.state.counts).toEqual(counts({ success: 3, failed: 1 }));
    expect(root.allDone).toBe(true);
  });

  it('replaces a lost run: a new run number, and the slots the lost one held kept aside', () => {
    const root = ledger(3);
    expect(root.batchReplaced(0, counts({ failed: 3 }))).toBe(3);
    expect(root.state.batches[0].run).toBe(1);
    root.releaseQuarantine(3);
    expect(root.grantSlots()).toEqual([]); // the replacing run asked for none
  });

  it('asks a running batch for a rerun, keeping what it has not confirmed, until it takes it', () => {
    const root = ledger(2);
    expect(root.askRerun(0, ['failed'], 1)).toEqual({ sequence: 1, statuses: ['failed'] });
    expect(root.askRerun(0, ['cancelled'], 2)).toEqual({ sequence: 2, statuses: ['failed', 'cancelled'] });
    root.rerunTaken(0);
    expect(root.state.batches[0].rerun).toBeUndefined();
  });

  it('pauses and resizes its pool; a pause asked twice changes nothing', () => {
    const root = ledger(10);
    expect(root.pause(true, 'then')).toBe(true);
    expect(root.pause(true, 'later')).toBe(false);
    expect(root.state).toMatchObject({ paused: true, pausedAt: 'then' });
    root.resize(8);
    expect(root.state.maxParallel).toBe(8);
    expect(root.pool.paused).toBe(true);
  });

  it('keeps where planning stopped early, for a rerun', () => {
    const root = ledger(1);
    root.planningDone({ cursor: 'page-3' });
    expect(root.state).toMatchObject({ phase: 'running', unplanned: { cursor: 'page-3' } });
  });
});
