/**
 * How a running processor activity learns what an interrupt means. The job's workflow cancels the activity
 * for any interrupt, so that work no worker has begun never starts; a worker that has begun it asks the
 * workflow which of its children are forced, aborts those, and lets the others finish.
 */
import type { Context } from '@temporalio/activity';
import { packInterruptsQuery } from '../workflows/messages';

const POLL_MS = 1000;
const QUERY_TIMEOUT_MS = 10_000;

/**
 * Calls `onCancel` once the activity is cancelled: with the names to abort while the workflow answers (polled
 * until `done()`), or with null for every child when the cancel is not an interrupt (the worker is stopping,
 * a timeout) or nobody answers.
 */
export function watchInterrupts(
  context: Context,
  workflowId: string,
  pack: string,
  done: () => boolean,
  abort: (names: string[] | null) => void,
): () => void {
  const ask = async () => {
    const workflow = context.client.workflow.getHandle(workflowId);
    while (!done()) {
      try {
        // The worker ties this activity's client calls to its (now fired) cancellation signal: use a fresh one.
        const interrupts = await context.client.withAbortSignal(AbortSignal.timeout(QUERY_TIMEOUT_MS), () =>
          workflow.query(packInterruptsQuery, pack),
        );
        abort(Object.keys(interrupts).filter((name) => interrupts[name]));
      } catch {
        abort(null); // nobody says which: treat the interrupt as forced
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const onCancel = () => {
    if (context.cancellationDetails?.cancelRequested) void ask();
    else abort(null);
  };
  context.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  return () => context.cancellationSignal.removeEventListener('abort', onCancel);
}
