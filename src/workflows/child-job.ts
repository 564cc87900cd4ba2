/**
 * One small job: runs its topic's processor (an activity, retried with backoff) and keeps its own record.
 * Status changes here: new → running (the activity's attemptStarted signal) → failed_redelivered (attemptFailed)
 * → success | failed | cancelled (the activity's outcome or an interrupt).
 */
import {
  CancellationScope,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { isFinal } from '../jobs/status';
import type { ChildJobInput, ChildJobState, ChildRecord, JobStatus } from '../jobs/types';
import { JobStatus as JobStatusKey } from '../search-attributes';
import { processorActivity } from './activity-proxies';
import { failureMessage } from './failure-message';
import { notify } from './notify';
import {
  attemptFailedSignal,
  attemptStartedSignal,
  childJobQuery,
  childProgressSignal,
  childTransitionSignal,
  interruptSignal,
} from './messages';

export async function childJobWorkflow(input: ChildJobInput): Promise<ChildRecord> {
  const state: ChildJobState = {
    kind: 'child',
    id: input.id,
    rootId: input.rootId,
    name: input.name,
    topic: input.topic,
    status: 'new',
    attempts: 0,
    error: null,
    progress: 0,
    interrupted: false,
    result: null,
    createdAt: input.createdAt,
    startedAt: null,
    stoppedAt: null,
  };
  let sequence = 0;
  let processorScope: CancellationScope | undefined;
  const batchId = workflowInfo().parent?.workflowId;

  /** Tells the batch (which answers the root's status) and the Web UI's search attribute. */
  function moveTo(status: JobStatus): void {
    state.status = status;
    upsertSearchAttributes([{ key: JobStatusKey, value: status }]);
    if (!batchId) return;
    const { name, attempts, startedAt, error } = state;
    notify(batchId, childTransitionSignal, {
      name,
      sequence: ++sequence,
      status,
      attempts,
      startedAt,
      error,
    });
  }

  function interrupt(force: boolean): void {
    if (isFinal(state.status)) return;
    state.interrupted = true;
    // A running processor finishes its work unless forced; nothing that has not started will start.
    if (force || state.status !== 'running') processorScope?.cancel();
  }

  setHandler(childJobQuery, () => state);
  setHandler(interruptSignal, ({ force }) => interrupt(force));
  setHandler(attemptStartedSignal, ({ attempt, at }) => {
    if (isFinal(state.status) || attempt < state.attempts) return;
    state.attempts = attempt;
    state.startedAt ??= at;
    moveTo('running');
  });
  setHandler(attemptFailedSignal, ({ attempt, error, willRetry }) => {
    if (isFinal(state.status) || attempt < state.attempts) return;
    state.error = error;
    if (!willRetry) return; // the activity's failure ends the job below
    moveTo('failed_redelivered');
    if (state.interrupted) processorScope?.cancel();
  });
  setHandler(childProgressSignal, (progress) => {
    if (!isFinal(state.status)) state.progress = Math.min(1, Math.max(0, progress));
  });
  // "Request Cancellation" in the Web UI or from a client means a graceful interrupt.
  CancellationScope.current().cancelRequested.catch(() => interrupt(false));

  await CancellationScope.nonCancellable(async () => {
    // Created here, not at the top: a workflow cancellation must not cancel a running processor.
    const scope = (processorScope = new CancellationScope());
    if (state.interrupted) scope.cancel();
    const runChildProcessor = processorActivity(input.retry, input.childTimeoutMs);
    try {
      const outcome = await scope.run(() =>
        runChildProcessor({
          jobId: input.id,
          rootId: input.rootId,
          name: input.name,
          topic: input.topic,
          payload: input.payload,
          maxAttempts: input.retry.maxAttempts,
        }),
      );
      if (outcome.outcome === 'success') {
        state.result = outcome.result;
        state.progress = 1;
        state.error = null;
        finish('success');
      } else {
        state.error = outcome.error;
        finish('failed');
      }
    } catch (err) {
      if (isCancellation(err)) {
        finish('cancelled');
      } else {
        state.error = failureMessage(err);
        finish('failed');
      }
    }
  });

  function finish(status: JobStatus): void {
    state.stoppedAt = new Date().toISOString();
    state.status = status;
    upsertSearchAttributes([{ key: JobStatusKey, value: status }]);
  }

  const { id, name, topic, status, attempts, error, progress, createdAt, startedAt, stoppedAt } = state;
  return { id, name, topic, status, attempts, error, progress, createdAt, startedAt, stoppedAt };
}
