import { ActivityFailure } from '@temporalio/common';

/** The processor's own message, not Temporal's "Activity task failed" wrapper around it. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  return err instanceof Error ? err.message : String(err);
}
