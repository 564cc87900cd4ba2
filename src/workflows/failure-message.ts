import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/common';
import { isCancellation } from '@temporalio/workflow';

/** The processor's own message, not Temporal's "Activity task failed" wrapper around it. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  return err instanceof Error ? err.message : String(err);
}

/** How a child workflow closed without its result, in words. */
export function howClosed(err: unknown): string {
  const cause = err instanceof ChildWorkflowFailure || err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TerminatedFailure) return 'terminated';
  if (cause instanceof TimeoutFailure) return 'timed out';
  if (isCancellation(cause)) return 'cancelled';
  if (cause instanceof ApplicationFailure) return `failed (${cause.message})`;
  return 'closed';
}
