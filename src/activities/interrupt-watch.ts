/**
 * How a running pack activity learns what an interrupt means. The batch cancels the pack that holds an
 * interrupted child, and only that one, so that work no worker has begun never starts; a worker that has begun
 * the pack asks the batch which of its children are interrupted (and whether forced), and the pack stops those
 * that have not begun and the forced ones, while the others finish. A root interrupted on this worker says so
 * sooner (local-interrupts.ts): all the pack's children are interrupted then.
 */
import type { Context } from '@temporalio/activity';
import { packInterruptsQuery } from '../contract/messages';
import { BEAT_GAP_MS } from './heartbeat-pacer';
import type { LocalInterrupts } from './local-interrupts';

const POLL_MS = 1000;
const QUERY_TIMEOUT_MS = 10_000;

/** A pack's children, and its root, whose interrupt on this worker the pack hears of at once. */
export interface RootInterruptHint {
  local: LocalInterrupts;
  rootId: string;
  children: readonly string[];
}

/**
 * Calls `onInterrupts` once the activity is cancelled: with the pack's interrupted children and whether each is
 * forced, polled until `done()` (a query the batch does not answer is asked again: the other children run on),
 * or with null when the cancel is not an interrupt (the worker is stopping, a timeout): then every child stops.
 * With `hint`, also as soon as the pack's root is interrupted on this worker: every child, forced or not.
 */
export function watchInterrupts(
  context: Context,
  workflowId: string,
  pack: string,
  done: () => boolean,
  onInterrupts: (interrupts: Record<string, boolean> | null) => void,
  hint?: RootInterruptHint,
): InterruptWatch {
  let told = false;
  const stopListening = hint?.local.listen(hint.rootId, (force) => {
    told = true;
    onInterrupts(Object.fromEntries(hint.children.map((name) => [name, force])));
  });
  let answer: () => void = () => undefined;
  const firstAnswer = new Promise<void>((resolve) => (answer = resolve));
  const ask = async () => {
    // However long the batch takes to answer, children held back for it go on after a while.
    setTimeout(answer, QUERY_TIMEOUT_MS).unref();
    const workflow = context.client.workflow.getHandle(workflowId);
    while (!done()) {
      try {
        // The worker ties this activity's client calls to its (now fired) cancellation signal: use a fresh one.
        onInterrupts(
          await context.client.withAbortSignal(AbortSignal.timeout(QUERY_TIMEOUT_MS), () =>
            workflow.query(packInterruptsQuery, pack),
          ),
        );
        answer();
      } catch {
        // Not answered now (no worker for the batch, a busy server): ask again; nothing stops meanwhile.
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const onCancel = () => {
    if (context.cancellationDetails?.cancelRequested) void ask();
    else {
      onInterrupts(null);
      answer();
    }
  };
  context.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  return {
    stop: () => {
      stopListening?.();
      context.cancellationSignal.removeEventListener('abort', onCancel);
    },
    answered: () => (context.cancellationSignal.aborted ? firstAnswer : undefined),
    cancelled: (beat) => (told ? untilCancelled(context, beat) : Promise.resolve()),
  };
}

/** Settles once the activity is cancelled (or after the query's timeout), beating meanwhile to hear of it. */
async function untilCancelled(context: Context, beat: () => void): Promise<void> {
  const { cancellationSignal } = context;
  if (cancellationSignal.aborted) return;
  const beats = setInterval(beat, BEAT_GAP_MS);
  try {
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, QUERY_TIMEOUT_MS);
      cancellationSignal.addEventListener('abort', () => (clearTimeout(timeout), resolve()), { once: true });
    });
  } finally {
    clearInterval(beats);
  }
}

export interface InterruptWatch {
  stop(): void;
  /**
   * Once the activity is cancelled: settles when the batch has first said which children are interrupted (or
   * after the query's timeout). Before: undefined. A pack begins no child meanwhile, so that work an interrupt
   * reached before it began never begins.
   */
  answered(): Promise<void> | undefined;
  /**
   * Once its root has said here that it is interrupted: settles when the batch's cancel has reached the pack
   * (or after the query's timeout), heartbeating with `beat` to hear of it; at once otherwise. A pack returns
   * only then, so that its batch has asked to cancel it before it completes, as without the hint (the
   * time-skipping test server refuses to cancel an activity that completed in the same workflow task).
   */
  cancelled(beat: () => void): Promise<void>;
}
