/**
 * One small job as a workflow of its own (child-workflow mode): runs its topic's processor (an activity that
 * Temporal retries with backoff) and keeps its own record. Status changes here, through `applyTransition`:
 * running when a worker runs this workflow, failed_redelivered when an attempt fails and another follows
 * (the activity's signals), then success | failed | cancelled. Where an interrupt is handled: `interrupt()`.
 */
import {
  CancellationScope,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { isFinal } from '../../jobs/status';
import { applyTransition, newChildRecord, type ChildEvent } from '../../jobs/transitions';
import type { ChildJobInput, ChildJobState } from '../../contract/jobs';
import { JobStatusAttribute } from '../../search-attributes';
import { processorActivity } from '../activity-proxies';
import { failureMessage } from '../failure-message';
import { closeAs, watchCancelRequest } from '../job-close';
import { notify } from '../notify';
import {
  attemptFailedSignal,
  attemptStartedSignal,
  childJobQuery,
  childCancelledSignal,
  childTransitionSignal,
  interruptSignal,
  packInterruptsQuery,
} from '../../contract/messages';

export async function childJobWorkflow(input: ChildJobInput): Promise<ChildJobState> {
  const attemptsBefore = input.attemptsBefore ?? 0;
  let state: ChildJobState = {
    ...newChildRecord(input.id, input.name, input.topic, input.createdAt),
    attempts: attemptsBefore,
    kind: 'child',
    rootId: input.rootId,
    interrupted: false,
    result: null,
  };
  let forced = false;
  let sequence = 0;
  let processorScope: CancellationScope | undefined;
  const batchId = workflowInfo().parent?.workflowId;
  const now = () => new Date().toISOString();

  /** Applies a transition; tells the batch (which answers the root's status) and the Web UI's search attribute. */
  function change(event: ChildEvent): void {
    const outcome = applyTransition(state, event);
    if (!outcome.accepted) return;
    state = outcome.record;
    // Only a change is written: the batch starts the child with `running` (each upsert is a visibility write).
    if (workflowInfo().typedSearchAttributes.get(JobStatusAttribute) !== state.status)
      upsertSearchAttributes([{ key: JobStatusAttribute, value: state.status }]);
    // The batch counts the child running from its start; it hears of retries (status reads ask the server
    // whether the processor runs).
    const retrying =
      state.status === 'failed_redelivered' || (state.status === 'running' && state.attempts > 1);
    if (batchId && retrying) {
      const { name, status, attempts: attempt, error } = state;
      notify(batchId, childTransitionSignal, {
        name,
        sequence: ++sequence,
        status,
        attempt,
        at: now(),
        error,
      });
    }
  }

  /** Work no worker has begun never starts; a running processor finishes unless forced (it asks us which). */
  function interrupt(force: boolean): void {
    if (isFinal(state.status)) return;
    state.interrupted = true;
    forced ||= force;
    processorScope?.cancel();
  }

  setHandler(childJobQuery, () => state);
  setHandler(packInterruptsQuery, () => (state.interrupted ? { [state.name]: forced } : {}));
  setHandler(interruptSignal, ({ force }) => interrupt(force));
  setHandler(attemptStartedSignal, ({ attempt, at }) => change({ type: 'start', attempt, at }));
  setHandler(attemptFailedSignal, ({ attempt, error, willRetry }) => {
    if (willRetry) change({ type: 'retry', attempt, error });
  });
  // "Request Cancellation" in the Web UI or from a client means a graceful interrupt.
  const cancel = watchCancelRequest(() => interrupt(false));

  await CancellationScope.nonCancellable(async () => {
    // Created here, not at the top: a workflow cancellation must not cancel a running processor.
    const scope = (processorScope = new CancellationScope());
    if (state.interrupted) scope.cancel();
    else change({ type: 'start', attempt: attemptsBefore + 1, at: now() });
    const runChildProcessor = processorActivity(input.retry, input.childTimeoutMs);
    try {
      const outcome = await scope.run(() =>
        runChildProcessor({
          jobId: input.id,
          rootId: input.rootId,
          name: input.name,
          topic: input.topic,
          payload: input.payload,
          retry: input.retry,
          ...(attemptsBefore > 0 ? { attemptsBefore } : {}),
        }),
      );
      const at = now();
      if (outcome.outcome === 'success')
        change({ type: 'succeed', attempt: state.attempts, at, result: outcome.result });
      else if (outcome.outcome === 'failed')
        change({ type: 'fail', attempt: state.attempts, at, error: outcome.error });
      else change({ type: 'cancel', at });
    } catch (err) {
      if (isCancellation(err)) change({ type: 'cancel', at: now() });
      else change({ type: 'fail', error: failureMessage(err), at: now() });
    }
  });
  const why = state.status === 'failed' ? (state.error ?? 'failed') : 'interrupted';
  const final = state;
  const beforeCancel = batchId ? () => notify(batchId, childCancelledSignal, final) : undefined;
  return closeAs(state, `Job "${state.name}" ${state.status}: ${why}`, {
    cancel,
    beforeCancel,
    byStatus: input.closesByStatus,
  }); // Web UI agrees
}
