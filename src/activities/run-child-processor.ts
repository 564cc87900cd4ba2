/**
 * Runs a child's processor, one attempt, for a child job that is a workflow of its own (child-workflow mode).
 * Temporal retries it with backoff; it tells its child workflow when a retry begins and when an attempt fails.
 * Progress travels in the heartbeat details, where status reads find it. A forced interrupt aborts it.
 */
import type { RunChildProcessorInput } from '../contract/activities';
import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobApplication } from '../application';
import { willRetry } from '../jobs/retry';
import type { JobStatus, ProcessorOutcome } from '../contract/jobs';
import { attemptFailedSignal, attemptStartedSignal } from '../contract/messages';
import { watchInterrupts } from './interrupt-watch';
import { jobMetrics } from './job-metrics';
import { invokeProcessor } from './invoke-processor';

const HEARTBEAT_EVERY_MS = 1000;

export function runChildProcessorActivity(app: JobApplication) {
  return async function runChildProcessor(input: RunChildProcessorInput): Promise<ProcessorOutcome> {
    const context = Context.current();
    // Temporal counts this activity's attempts from 1; the job's count goes on from a rerun's earlier ones.
    const attempt = (input.attemptsBefore ?? 0) + context.info.attempt;
    const childWorkflow = context.client.workflow.getHandle(context.info.workflowExecution!.workflowId);
    const tell = (what: string, sent: Promise<void>) =>
      sent.catch((err: Error) =>
        context.log.warn(`could not report ${what} to ${input.jobId}: ${err.message}`),
      );

    // The child workflow marks the first attempt running itself; a retry is news to it.
    if (context.info.attempt > 1) {
      await tell(
        'its start',
        childWorkflow.signal(attemptStartedSignal, { attempt, at: new Date().toISOString() }),
      );
    }
    let progress = 0;
    let finished = false;
    const abort = new AbortController();
    const interrupts = watchInterrupts(
      context,
      input.jobId,
      input.name,
      () => finished,
      (interrupts) => {
        // It runs already: only a forced interrupt (or a worker stopping) stops it.
        if (interrupts === null || interrupts[input.name] === true) abort.abort();
      },
    );
    const heartbeats = setInterval(() => context.heartbeat({ progress }), HEARTBEAT_EVERY_MS);
    const metrics = jobMetrics();
    const began = Date.now();
    const ended = (status: JobStatus) => metrics.finished(input.topic, status, Date.now() - began);
    metrics.started(input.topic);
    try {
      const invocation = await invokeProcessor(app, input.topic, input.payload, {
        jobId: input.jobId,
        jobName: input.name,
        rootId: input.rootId,
        topic: input.topic,
        attempt,
        signal: abort.signal,
        reportProgress(reported) {
          progress = Math.min(1, Math.max(0, Number(reported) || 0));
          context.heartbeat({ progress });
        },
      });
      switch (invocation.kind) {
        case 'success':
          ended('success');
          return { outcome: 'success', result: invocation.result };
        case 'failed':
          ended('failed');
          return { outcome: 'failed', error: invocation.error };
        case 'aborted':
          ended('cancelled');
          if (context.cancellationDetails?.cancelRequested) return { outcome: 'cancelled' };
          throw new CancelledFailure('the worker running this job is stopping'); // runs again elsewhere
        case 'threw': {
          const retrying = willRetry(input.retry.maxAttempts, context.info.attempt, true);
          ended(retrying ? 'failed_redelivered' : 'failed');
          await tell(
            'its failure',
            childWorkflow.signal(attemptFailedSignal, {
              attempt,
              error: invocation.error,
              willRetry: retrying,
            }),
          );
          throw ApplicationFailure.create({ message: invocation.error, type: 'ChildProcessorError' });
        }
      }
    } finally {
      finished = true;
      clearInterval(heartbeats);
      interrupts.stop();
    }
  };
}
