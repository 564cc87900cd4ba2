import { applyTransition, newChildRecord, type ChildEvent } from '../../src/jobs/transitions';
import type { JobStatus, StoredChild } from '../../src/contract/jobs';

const at = '2026-11-28T10:00:00.000Z';
const record = (status: JobStatus, attempts = 0): StoredChild => ({
  ...newChildRecord('r/c', 'c', 'topic', at),
  status,
  attempts,
});

describe('applyTransition: every status change of a child, guarded', () => {
  const events: Record<string, ChildEvent> = {
    dispatch: { type: 'dispatch' },
    withdraw: { type: 'withdraw' },
    start: { type: 'start', attempt: 1, at },
    retry: { type: 'retry', attempt: 1, error: 'boom' },
    succeed: { type: 'succeed', attempt: 1, at, result: { ok: true } },
    fail: { type: 'fail', attempt: 1, at, error: 'bad data' },
    cancel: { type: 'cancel', at },
    rerun: { type: 'rerun' },
  };

  // from → event → resulting status, or null when the guard refuses it
  it.each<[JobStatus, keyof typeof events, JobStatus | null]>([
    ['new', 'dispatch', 'running'],
    ['new', 'withdraw', null],
    ['new', 'start', 'running'],
    ['new', 'cancel', 'cancelled'],
    ['new', 'fail', 'failed'],
    ['running', 'dispatch', null],
    ['running', 'withdraw', 'new'],
    ['running', 'retry', 'failed_redelivered'],
    ['running', 'succeed', 'success'],
    ['running', 'fail', 'failed'],
    ['running', 'cancel', 'cancelled'],
    ['failed_redelivered', 'dispatch', 'running'],
    ['failed_redelivered', 'cancel', 'cancelled'],
    ['success', 'cancel', null],
    ['success', 'fail', null],
    ['failed', 'dispatch', null],
    ['cancelled', 'start', null],
    ['failed', 'rerun', 'new'], // never tried (failed before it started: an interrupt, a lost pack)
    ['cancelled', 'rerun', 'new'],
    ['success', 'rerun', null],
    ['new', 'rerun', null],
    ['running', 'rerun', null],
    ['failed_redelivered', 'rerun', null],
    ['cancelled', 'succeed', null],
  ])('%s + %s → %s', (from, event, expected) => {
    const outcome = applyTransition(record(from), events[event]);
    expect(outcome.accepted).toBe(expected !== null);
    expect(outcome.record.status).toBe(expected ?? from);
  });

  it('takes back a dispatch to failed_redelivered when an attempt had already failed', () => {
    expect(applyTransition(record('running', 1), { type: 'withdraw' }).record.status).toBe(
      'failed_redelivered',
    );
  });

  it('ignores a stale attempt and keeps the first start time', () => {
    const running = applyTransition(record('new'), { type: 'start', attempt: 2, at }).record;
    expect(applyTransition(running, { type: 'start', attempt: 1, at }).accepted).toBe(false);
    const later = '2026-11-28T11:00:00.000Z';
    expect(applyTransition(running, { type: 'start', attempt: 3, at: later }).record).toMatchObject({
      attempts: 3,
      startedAt: at,
    });
  });

  it('records a success with its result, full progress and no error', () => {
    const failedOnce = { ...record('running', 1), error: 'boom' };
    const done = applyTransition(failedOnce, events.succeed).record;
    expect(done).toMatchObject({
      status: 'success',
      result: { ok: true },
      progress: 1,
      error: null,
      stoppedAt: at,
    });
  });

  it('a rerun keeps the attempts and the last error, and clears the stop time, progress and result', () => {
    const failed = { ...record('failed', 3), error: 'boom', progress: 0.5, stoppedAt: at, startedAt: at };
    expect(applyTransition(failed, events.rerun).record).toEqual({
      ...failed,
      status: 'failed_redelivered',
      progress: 0,
      stoppedAt: null,
    });
    const cancelled = { ...record('cancelled', 1), stoppedAt: at, result: 'partial', resultInHistory: true };
    const again = applyTransition(cancelled, events.rerun).record;
    expect(again).toMatchObject({ status: 'failed_redelivered', attempts: 1, stoppedAt: null });
    expect(again).not.toHaveProperty('result');
    expect(again).not.toHaveProperty('resultInHistory');
  });
});
