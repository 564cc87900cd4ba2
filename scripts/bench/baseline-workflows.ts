/**
 * Bare Temporal doing the benchmark's work, written the way the Temporal samples write a sliding window:
 * a parent keeps `window` no-op activities (or child workflows of one no-op activity each) in flight.
 */
import { condition, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';

export interface BaselineActivities {
  noop(index: number): Promise<void>;
}

const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export async function bareActivitiesWorkflow(count: number, window: number): Promise<number> {
  let running = 0;
  let done = 0;
  for (let index = 0; index < count; index++) {
    await condition(() => running < window);
    running++;
    void noop(index).then(() => {
      running--;
      done++;
    });
  }
  await condition(() => running === 0);
  return done;
}

export async function bareChildWorkflow(index: number): Promise<void> {
  await noop(index);
}

export async function bareChildWorkflowsWorkflow(count: number, window: number): Promise<number> {
  let running = 0;
  let done = 0;
  const parent = workflowInfo().workflowId;
  for (let index = 0; index < count; index++) {
    await condition(() => running < window);
    running++;
    // Started without waiting for each start, as the job engine's batches start theirs.
    void startChild(bareChildWorkflow, { workflowId: `${parent}/${index}`, args: [index] })
      .then((child) => child.result())
      .then(() => {
        running--;
        done++;
      });
  }
  await condition(() => running === 0);
  return done;
}
