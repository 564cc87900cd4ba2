import {
  countIn,
  describeProgress,
  emptyCounts,
  finalRootStatus,
  liveRootFigures,
  liveRootStatus,
  rootProgress,
  rerunCounts,
  rerunRequest,
  rootStatus,
  totalOf,
} from '../../src/jobs/status';
import type { JobStatus, StatusCounts } from '../../src/contract/jobs';

const counts = (partial: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...partial });

describe("Oro's root status rule", () => {
  it.each<[Partial<StatusCounts>, string]>([
    [{}, 'success'],
    [{ new: 3 }, 'new'],
    [{ new: 2, running: 1 }, 'running'],
    [{ new: 2, success: 1 }, 'running'],
    [{ new: 2, failed: 1 }, 'running'],
    [{ new: 1, cancelled: 1 }, 'running'],
    [{ failed_redelivered: 1 }, 'running'],
    [{ failed_redelivered: 1, cancelled: 2 }, 'running'],
    [{ running: 1, failed: 5 }, 'running'],
    [{ success: 4 }, 'success'],
    [{ success: 3, failed: 1 }, 'failed'],
    [{ success: 3, cancelled: 1 }, 'cancelled'],
    [{ failed: 2, cancelled: 1 }, 'cancelled'],
    [{ failed: 2 }, 'failed'],
  ])('%j → %s', (partial, expected) => {
    expect(rootStatus(counts(partial))).toBe(expected);
  });

  it.each<[Partial<StatusCounts>, string]>([
    [{}, 'new'],
    [{ new: 3 }, 'new'],
    [{ new: 2, running: 1 }, 'running'],
    [{ success: 4 }, 'running'],
    [{ success: 3, failed: 1 }, 'running'],
    [{ failed: 2, cancelled: 1 }, 'running'],
  ])('a root that has not stopped: %j → %s, never final', (partial, expected) => {
    expect(liveRootStatus(counts(partial))).toBe(expected);
  });

  it('ends an interrupted root cancelled, even when every child succeeded', () => {
    expect(finalRootStatus(counts({ success: 2 }), true)).toBe('cancelled');
    expect(finalRootStatus(counts({ success: 2 }), false)).toBe('success');
  });
});

describe('root progress', () => {
  it.each<[Partial<StatusCounts>, number]>([
    [{}, 0],
    [{ new: 4 }, 0],
    [{ success: 1, new: 3 }, 0.25],
    [{ success: 1, failed: 1, cancelled: 2 }, 0.5],
    [{ success: 1, running: 2 }, 0.3333],
    [{ success: 2, failed_redelivered: 1 }, 0.6667],
    [{ success: 3 }, 1],
  ])('%j → %d', (partial, expected) => {
    expect(rootProgress(counts(partial))).toBe(expected);
  });
});

describe('progress line for the Web UI', () => {
  it('names what is done, failed and running', () => {
    expect(describeProgress(counts({ success: 6, failed: 1, running: 2, new: 11 }))).toBe(
      '7/20 done, 1 failed, 2 running',
    );
    expect(describeProgress(counts({}))).toBe('0/0 done');
  });
});

describe('counts of a rerun', () => {
  const finished = counts({ success: 5, failed: 2, cancelled: 1 });
  it.each<[JobStatus[], number, Partial<StatusCounts>, JobStatus]>([
    [['failed'], 2, { new: 2, failed: 0, cancelled: 1 }, 'running'],
    [['cancelled'], 1, { new: 1, failed: 2, cancelled: 0 }, 'running'],
    [['failed', 'cancelled'], 3, { new: 3, failed: 0, cancelled: 0, success: 5 }, 'running'],
  ])('rerunning %j: %i children back in line, counts %j, root %s', (statuses, count, after, status) => {
    expect(countIn(finished, statuses)).toBe(count);
    const rerun = rerunCounts(finished, statuses);
    expect(rerun).toMatchObject(after);
    expect(rootStatus(rerun)).toBe(status);
    // Progress counts success and failed: a failed child back in line is no longer done.
    expect(rootProgress(rerun)).toBe(Math.round(((5 + (after.failed ?? 0)) / 8) * 10_000) / 10_000);
  });
});

describe('rerun requests to a running batch', () => {
  it.each<
    [string, Parameters<typeof rerunRequest>[0], ('failed' | 'cancelled')[], ('failed' | 'cancelled')[]]
  >([
    ['the first asks what it asks', undefined, ['failed'], ['failed']],
    [
      'one after an unconfirmed one carries its statuses too',
      { sequence: 1, statuses: ['failed'] },
      ['cancelled'],
      ['failed', 'cancelled'],
    ],
    [
      'asking the same again adds nothing',
      { sequence: 1, statuses: ['cancelled'] },
      ['cancelled'],
      ['cancelled'],
    ],
  ])('%s', (_, unconfirmed, statuses, sent) => {
    expect(rerunRequest(unconfirmed, statuses, 2)).toEqual({ sequence: 2, statuses: sent });
  });

  it('loses nothing when two requests reach the batch newest first (it takes only the newest)', () => {
    const first = rerunRequest(undefined, ['failed'], 1);
    const second = rerunRequest(first, ['cancelled'], 2);
    let taken = 0;
    const rerun = new Set<string>();
    for (const request of [second, first]) {
      if (request.sequence <= taken) continue; // the batch's rule (workflows/batch/batch-workflow.ts)
      taken = request.sequence;
      request.statuses.forEach((status) => rerun.add(status));
    }
    expect([...rerun].sort()).toEqual(['cancelled', 'failed']);
  });
});

describe("a root's figures while it has not stopped", () => {
  it.each<[Partial<StatusCounts>, string, number]>([
    [{}, 'new', 0],
    [{ new: 2 }, 'new', 0],
    [{ success: 1, new: 1 }, 'running', 0.5],
    [{ success: 3, failed: 1 }, 'running', 1],
  ])('%j → %s at %d', (partial, status, progress) => {
    const figures = liveRootFigures(counts(partial));
    expect(figures).toEqual({ counts: counts(partial), total: totalOf(counts(partial)), progress, status });
  });
});
