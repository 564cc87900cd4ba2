/**
 * Every status change of a child job, as Oro's JobProcessor owns them: one guarded function that the batch
 * workflow (activity and child-workflow mode) and the child workflow all call. Pure, so table-tested.
 *
 * new ─dispatch→ running ─succeed→ success
 *  │                │ └──fail→ failed
 *  │                └─retry→ failed_redelivered ─dispatch→ running …
 *  └──────cancel (from any status that is not final)→ cancelled
 *
 * failed | cancelled ─rerun→ new (never tried) | failed_redelivered (tried before): `jobs retry` puts a
 * finished child back in line, its attempts going on from where they were.
 *
 * `running` in a batch's own records means "handed to a worker"; status reads tell apart the children a worker
 * has really begun (see status-view.ts). `withdraw` takes back a dispatch no worker began.
 */
import { RERUNNABLE, type StoredChild } from '../contract/jobs';
import { isFinal } from './status';
import { withoutResult } from './status-view';

export type ChildEvent =
  | { type: 'dispatch' }
  | { type: 'withdraw' }
  | { type: 'start'; attempt: number; at: string }
  | { type: 'retry'; attempt: number; error: string; startedAt?: string | null }
  | { type: 'succeed'; attempt: number; at: string; result?: unknown; startedAt?: string | null }
  | { type: 'fail'; error: string; at: string; attempt?: number; startedAt?: string | null }
  | { type: 'cancel'; at: string; attempt?: number; startedAt?: string | null }
  | { type: 'rerun' };

export type TransitionResult<R extends StoredChild> =
  { accepted: true; record: R } | { accepted: false; record: R; reason: string };

export function applyTransition<R extends StoredChild>(record: R, event: ChildEvent): TransitionResult<R> {
  if (event.type === 'rerun') return rerun(record);
  if (isFinal(record.status)) {
    return { accepted: false, record, reason: `${record.name} is already ${record.status}` };
  }
  const refuse = (reason: string): TransitionResult<R> => ({ accepted: false, record, reason });
  // Object.assign, not a spread: the SDK's workflow bundle compiles a spread to a helper that cost ~6% of a
  // fan-out's workflow thread.
  const to = (changes: Partial<StoredChild>): TransitionResult<R> => ({
    accepted: true,
    record: Object.assign({}, record, changes),
  });
  const attempts = (attempt: number | undefined) => Math.max(record.attempts, attempt ?? 0);
  const startedAt = (at: string | null | undefined) => record.startedAt ?? at ?? null;

  switch (event.type) {
    case 'dispatch':
      if (record.status === 'running') return refuse(`${record.name} is already handed to a worker`);
      return to({ status: 'running' });
    case 'withdraw':
      if (record.status !== 'running') return refuse(`${record.name} is not handed to a worker`);
      return to({ status: record.attempts > 0 ? 'failed_redelivered' : 'new' });
    case 'start':
      if (event.attempt < record.attempts)
        return refuse(`attempt ${event.attempt} of ${record.name} is stale`);
      return to({ status: 'running', attempts: event.attempt, startedAt: startedAt(event.at) });
    case 'retry':
      if (event.attempt < record.attempts)
        return refuse(`attempt ${event.attempt} of ${record.name} is stale`);
      return to({
        status: 'failed_redelivered',
        attempts: attempts(event.attempt),
        error: event.error,
        startedAt: startedAt(event.startedAt),
      });
    case 'succeed':
      return to({
        status: 'success',
        attempts: attempts(event.attempt),
        error: null,
        progress: 1,
        result: event.result ?? null,
        startedAt: startedAt(event.startedAt),
        stoppedAt: event.at,
      });
    case 'fail':
      return to({
        status: 'failed',
        attempts: attempts(event.attempt),
        error: event.error,
        startedAt: startedAt(event.startedAt),
        stoppedAt: event.at,
      });
    case 'cancel':
      return to({
        status: 'cancelled',
        attempts: attempts(event.attempt),
        startedAt: startedAt(event.startedAt),
        stoppedAt: event.at,
      });
  }
}

/** The one way out of a final status: a failed or cancelled child runs again, keeping its attempts. */
function rerun<R extends StoredChild>(record: R): TransitionResult<R> {
  if (!(RERUNNABLE as readonly string[]).includes(record.status)) {
    return {
      accepted: false,
      record,
      reason: `${record.name} is ${record.status}; only failed or cancelled children rerun`,
    };
  }
  return {
    accepted: true,
    record: {
      ...(withoutResult(record) as R),
      status: record.attempts > 0 ? 'failed_redelivered' : 'new',
      progress: 0,
      stoppedAt: null,
    },
  };
}

/** A child as it is planned: `new`, nothing tried yet. */
export function newChildRecord(id: string, name: string, topic: string, createdAt: string): StoredChild {
  return {
    id,
    name,
    topic,
    status: 'new',
    attempts: 0,
    error: null,
    progress: 0,
    createdAt,
    startedAt: null,
    stoppedAt: null,
  };
}
