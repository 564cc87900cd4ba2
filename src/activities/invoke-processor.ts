/**
 * Calls one child's processor and says what came of it, in the job's terms. Shared by the pack activity
 * (activity mode) and the single-child activity (child-workflow mode).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ChildContext, JobApplication } from '../application';
import { InvalidJobInputError, NonRetryableJobError } from '../errors';

/** A child's result is kept with its record: keep it small. */
export const MAX_RESULT_BYTES = 32 * 1024;

export type Invocation =
  | { kind: 'success'; result: unknown }
  /** Fails the job at once: the processor returned false, threw NonRetryableJobError, or the result is too big. */
  | { kind: 'failed'; error: string }
  /** The processor threw: retried when attempts remain. */
  | { kind: 'threw'; error: string }
  /** The processor stopped because its signal fired (a forced interrupt or the worker shutting down). */
  | { kind: 'aborted'; error: string };

export async function invokeProcessor(
  app: JobApplication,
  topic: string,
  payload: unknown,
  context: ChildContext,
): Promise<Invocation> {
  let process;
  try {
    process = app.processor(topic);
  } catch (err) {
    if (err instanceof InvalidJobInputError) return { kind: 'failed', error: err.message };
    throw err;
  }
  let value;
  try {
    value = await process(payload, context);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    if (context.signal.aborted) return { kind: 'aborted', error };
    const nonRetryable =
      err instanceof NonRetryableJobError || (err instanceof ApplicationFailure && err.nonRetryable);
    return nonRetryable ? { kind: 'failed', error } : { kind: 'threw', error };
  }
  if (value === false) return { kind: 'failed', error: `The processor of topic "${topic}" returned false.` };
  const result = value === true || value === undefined ? null : value;
  const size = Buffer.byteLength(JSON.stringify(result) ?? 'null');
  if (size > MAX_RESULT_BYTES) {
    return {
      kind: 'failed',
      error: `The result is ${size} bytes, over the ${MAX_RESULT_BYTES}-byte limit for a job result.`,
    };
  }
  return { kind: 'success', result };
}
