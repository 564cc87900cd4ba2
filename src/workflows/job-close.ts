/**
 * How a job's workflow closes, so that the Temporal Web UI agrees with the job's status: `failed` fails the
 * workflow (the record is the failure's detail), `cancelled` closes it Cancelled (the record is in its memo,
 * as a cancelled workflow carries no result), anything else completes it with the record. Status reads find
 * the record each way (client/run-history.ts); `wait` and follow-ups do not change.
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  condition,
  patched,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobStatus } from '../contract/jobs';
import { cancelOwnRun } from './activity-proxies';
import { FINAL_RECORD_MEMO_KEY, JOB_FAILED_TYPE } from '../contract/messages';

/** Runs recorded before this closed every job Completed; they replay that way. */
const CLOSE_BY_STATUS = 'close-by-status';

/**
 * Calls `onRequest` when this run's cancellation is requested, and tells whether it was: only then may it
 * close Cancelled. Call at the start.
 */
export function watchCancelRequest(onRequest: () => void): { requested: boolean } {
  const seen = { requested: false };
  CancellationScope.current().cancelRequested.catch(() => {
    seen.requested = true;
    onRequest();
  });
  return seen;
}

export interface CloseOptions {
  /** From watchCancelRequest(). */
  cancel: { requested: boolean };
  /** Memo to keep with the closed workflow (a root's last snapshot, which lists show). */
  memo?: Record<string, unknown>;
  /** Hands a cancelled job's record to whoever waits for it (a Cancelled close carries none). */
  beforeCancel?: () => Promise<void>;
  /** The run's input says it closes by status: no patch marker (and search attribute) is recorded for it. */
  byStatus?: boolean;
}

/** Closes the job's workflow as its final status says; `message` is what the Web UI shows of it. */
export async function closeAs<R extends { status: JobStatus }>(
  record: R,
  message: string,
  { cancel, memo, beforeCancel, byStatus }: CloseOptions,
): Promise<R> {
  if (!byStatus && !patched(CLOSE_BY_STATUS)) return record;
  const cancelled = record.status === 'cancelled';
  if (memo || cancelled) upsertMemo({ ...memo, ...(cancelled ? { [FINAL_RECORD_MEMO_KEY]: record } : {}) });
  if (record.status === 'failed') {
    throw ApplicationFailure.create({
      type: JOB_FAILED_TYPE,
      message,
      details: [record],
      nonRetryable: true,
    });
  }
  if (!cancelled) return record;
  await beforeCancel?.();
  const { workflowId, runId } = workflowInfo();
  if (!cancel.requested) {
    try {
      await cancelOwnRun({ workflowId, runId });
    } catch {
      return record; // the server would not take it: the job's record still says cancelled
    }
  }
  await condition(() => cancel.requested);
  throw new CancelledFailure(message);
}

/**
 * What a child workflow's failure says about the job it ran: its record when it ended `failed`, `cancelled`
 * when it ended so, undefined when it ended abnormally (terminated, timed out, a bug).
 */
export function closedJob<R>(err: unknown): { record: R } | 'cancelled' | undefined {
  if (!(err instanceof ChildWorkflowFailure)) return undefined;
  const { cause } = err;
  if (cause instanceof CancelledFailure) return 'cancelled';
  if (cause instanceof ApplicationFailure && cause.type === JOB_FAILED_TYPE && cause.details?.length)
    return { record: cause.details[0] as R };
  return undefined;
}
