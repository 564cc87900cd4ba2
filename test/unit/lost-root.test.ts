import type { RootWorkflowState, StatusCounts } from '../../src/contract/jobs';
import { lostRoot } from '../../src/jobs/lost-root';
import { emptyCounts } from '../../src/jobs/status';
import { rootStateOf } from '../fixtures/root-state';

const counts = (partial: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...partial });

function root(
  phase: RootWorkflowState['phase'],
  batchCounts: Partial<StatusCounts>[],
  more: Partial<RootWorkflowState> = {},
) {
  const batches = batchCounts.map((partial, index) => ({
    id: `r/batch/${index}`,
    size: Object.values(partial).reduce((sum, count) => sum + (count ?? 0), 0),
    counts: counts(partial),
    slots: 2,
    done: false,
  }));
  return rootStateOf(phase, batches, more);
}

describe('a root whose workflow closed without its result', () => {
  it.each<[string, RootWorkflowState, string, Partial<StatusCounts>, string]>([
    [
      'running children: they fail, and so does the root',
      root('running', [{ running: 2, success: 1 }, { new: 3 }]),
      'failed',
      { success: 1, failed: 5 },
      'its workflow was terminated before 5 of its children ended',
    ],
    [
      'a cancelled child: still failed, as a root that stops with an error',
      root('running', [{ running: 1, cancelled: 1 }]),
      'failed',
      { failed: 1, cancelled: 1 },
      'its workflow was terminated before 1 of its children ended',
    ],
    [
      'every child ended, while it waited for its batches to close',
      root('running', [{ success: 2 }]),
      'failed',
      { success: 2 },
      'its workflow was terminated before it closed',
    ],
    [
      'lost while it planned: children never planned',
      root('planning', [{ success: 2 }]),
      'failed',
      { success: 2 },
      'its workflow was terminated while it planned its children',
    ],
  ])('%s', (_, last, status, expected, error) => {
    const lost = lostRoot(last, 'terminated', '2026-12-01T00:00:00.000Z');
    expect(lost).toMatchObject({ phase: 'stopped', status, error, stoppedAt: '2026-12-01T00:00:00.000Z' });
    expect(lost.counts).toEqual(counts(expected));
    expect(lost.progress).toBe((lost.counts.success + lost.counts.failed) / lost.total);
    expect(lost.paused).toBe(false);
    expect(lost.batches.every((batch) => batch.done && batch.slots === 0 && batch.counts.running === 0)).toBe(
      true,
    );
  });

  it('ends cancelled when it had been interrupted', () => {
    const last = root('running', [{ running: 1, success: 1 }], { interrupted: true });
    expect(lostRoot(last, 'terminated', '2026-12-01T00:00:00.000Z')).toMatchObject({
      status: 'cancelled',
      counts: counts({ success: 1, failed: 1 }),
    });
  });

  it('keeps what a root that had stopped said (lost while it started its follow-ups)', () => {
    const last = root('stopped', [{ success: 1, failed: 1 }], {
      status: 'failed',
      error: 'x failed',
      stoppedAt: '2026-11-30T00:00:00.000Z',
    });
    expect(lostRoot(last, 'terminated', '2026-12-01T00:00:00.000Z')).toMatchObject({
      status: 'failed',
      error: 'x failed',
      stoppedAt: '2026-11-30T00:00:00.000Z',
    });
  });
});
