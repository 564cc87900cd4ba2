import { sleep, workflowInfo } from '@temporalio/workflow';

/** Sleeps for `ms` of workflow time, then returns how much workflow time passed. */
export async function sleeper(ms: number): Promise<number> {
  const started = Date.now();
  await sleep(ms);
  return Date.now() - started;
}

/** Returns its own workflow id once `ms` have passed: something to find in the visibility store meanwhile. */
export async function tagged(ms: number): Promise<string> {
  await sleep(ms);
  return workflowInfo().workflowId;
}
