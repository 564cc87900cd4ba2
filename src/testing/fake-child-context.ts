/** A ChildContext for calling a processor directly in a unit test, without any server. */
import type { ChildContext } from '../application';
import { childJobId } from '../jobs/ids';

/** A ChildContext to hand a processor, with what the test reads back and does to it. */
export interface FakeChildContext {
  /** Give this to the processor. */
  context: ChildContext;
  /** Every progress the processor reported, in order. */
  progress: number[];
  /** Aborts `context.signal`, as a forced interrupt or a worker's shutdown would. */
  interrupt(reason?: string): void;
}

/** A ChildContext with these fields (defaults: root `test-root`, child `test-child`, first attempt). */
export function fakeChildContext(
  fields: Partial<Pick<ChildContext, 'jobName' | 'rootId' | 'topic' | 'attempt'>> = {},
): FakeChildContext {
  const rootId = fields.rootId ?? 'test-root';
  const jobName = fields.jobName ?? 'test-child';
  const attempt = fields.attempt ?? 1;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new Error(`attempt must be a whole number from 1 (the first attempt); got ${attempt}`);
  }
  const controller = new AbortController();
  const progress: number[] = [];
  return {
    context: {
      jobId: childJobId(rootId, jobName),
      jobName,
      rootId,
      topic: fields.topic ?? 'test-topic',
      attempt,
      signal: controller.signal,
      reportProgress(value) {
        progress.push(value);
      },
    },
    progress,
    interrupt(reason = 'interrupted by the test') {
      controller.abort(new Error(reason));
    },
  };
}
