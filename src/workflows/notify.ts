import { CancellationScope, getExternalWorkflowHandle, type SignalDefinition } from '@temporalio/workflow';

/**
 * Signals another workflow of this job tree without waiting (the promise settles once it is delivered). Runs outside the caller's cancellation scope
 * (a cancelled root must still tell its batches to stop) and ignores a target that has already ended.
 */
export function notify<Args extends unknown[]>(
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<void> {
  return CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(workflowId).signal(signal, ...args),
  ).catch(() => undefined);
}
