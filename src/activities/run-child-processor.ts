import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobApplication } from '../application';
import type { ProcessorOutcome } from '../jobs/types';
import { InvalidJobInputError, NonRetryableJobError } from '../errors';
import { attemptFailedSignal, attemptStartedSignal, childProgressSignal } from '../workflows/messages';

/** A child's result lives in its workflow's history: keep it small. */
export const MAX_RESULT_BYTES = 32 * 1024;
const HEARTBEAT_EVERY_MS = 1000;
const PROGRESS_SIGNAL_EVERY_MS = 2000;

export interface RunChildProcessorInput {
  jobId: string;
  rootId: string;
  name: string;
  topic: string;
  payload: unknown;
  maxAttempts: number;
}

/**
 * Runs a child's processor (one attempt) and tells the child workflow when it starts running and when an
 * attempt fails. Heartbeats keep flowing so a forced interrupt reaches the processor's AbortSignal.
 */
export function runChildProcessorActivity(app: JobApplication) {
  return async function runChildProcessor(input: RunChildProcessorInput): Promise<ProcessorOutcome> {
    const context = Context.current();
    const attempt = context.info.attempt;
    const childWorkflow = context.client.workflow.getHandle(context.info.workflowExecution!.workflowId);
    const tell = (what: string, sent: Promise<void>) =>
      sent.catch((err: Error) =>
        context.log.warn(`could not report ${what} to ${input.jobId}: ${err.message}`),
      );

    let process;
    try {
      process = app.processor(input.topic);
    } catch (err) {
      if (err instanceof InvalidJobInputError) throw new NonRetryableJobError(err.message);
      throw err;
    }
    await tell(
      'its start',
      childWorkflow.signal(attemptStartedSignal, { attempt, at: new Date().toISOString() }),
    );

    let progress = 0;
    let progressSentAt = 0;
    const heartbeats = setInterval(() => context.heartbeat({ progress }), HEARTBEAT_EVERY_MS);
    try {
      const value = await process(input.payload, {
        jobId: input.jobId,
        jobName: input.name,
        rootId: input.rootId,
        topic: input.topic,
        attempt,
        signal: context.cancellationSignal,
        reportProgress(reported) {
          progress = Math.min(1, Math.max(0, Number(reported) || 0));
          context.heartbeat({ progress });
          if (Date.now() - progressSentAt >= PROGRESS_SIGNAL_EVERY_MS) {
            progressSentAt = Date.now();
            void tell('progress', childWorkflow.signal(childProgressSignal, progress));
          }
        },
      });
      if (value === false)
        return { outcome: 'failed', error: `The processor of topic "${input.topic}" returned false.` };
      const result = value === true || value === undefined ? null : value;
      const size = Buffer.byteLength(JSON.stringify(result) ?? 'null');
      if (size > MAX_RESULT_BYTES) {
        return {
          outcome: 'failed',
          error: `The result is ${size} bytes, over the ${MAX_RESULT_BYTES}-byte limit for a job result.`,
        };
      }
      return { outcome: 'success', result };
    } catch (err) {
      if (context.cancellationSignal.aborted) throw new CancelledFailure('interrupted');
      const message = err instanceof Error ? err.message : String(err);
      const retryable = !(
        err instanceof NonRetryableJobError ||
        (err instanceof ApplicationFailure && err.nonRetryable)
      );
      await tell(
        'its failure',
        childWorkflow.signal(attemptFailedSignal, {
          attempt,
          error: message,
          willRetry: retryable && attempt < input.maxAttempts,
        }),
      );
      throw err;
    } finally {
      clearInterval(heartbeats);
    }
  };
}
