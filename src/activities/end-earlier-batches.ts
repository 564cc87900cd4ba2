/**
 * Batches an earlier root of the same id left running: an operator terminated that root (`temporal workflow
 * terminate`) while its batches ran, and batches outlive their root's run by design (they must survive its
 * continue-as-new). A new root of the name finds them when it starts a batch of the same id; it ends them (and
 * the child workflows they ran), since no root will ever count what they do, and starts its own.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { runInput } from '../client/run-history';
import { queryString } from '../client/visibility-query';
import type { EarlierBatchesInput } from '../contract/activities';
import type { ChildBatchInput } from '../contract/jobs';

interface RunningBatch {
  workflowId: string;
  runId: string;
  startTime: Date;
}

/** Ends every running batch (and its child workflows) of an earlier root of `rootId`; returns their ids. */
export async function endEarlierBatches(input: EarlierBatchesInput): Promise<string[]> {
  const { client } = Context.current();
  const running = new Map<string, RunningBatch>();
  // The batch whose id collided is described (visibility may lag); the others are listed.
  const collided = await describeRunning(client, input.batchId);
  if (collided) running.set(collided.runId, collided);
  const query = `JobRootId = ${queryString(input.rootId)} AND JobKind = 'batch' AND ExecutionStatus = 'Running'`;
  for await (const found of client.workflow.list({ query })) {
    const { workflowId, runId, startTime } = found;
    running.set(runId, { workflowId, runId, startTime });
  }
  const ended: RunningBatch[] = [];
  for (const batch of running.values()) {
    if (!(await isEarlier(client, batch, input))) continue;
    const reason = `its root "${input.rootId}" had closed, and a new root of that name started`;
    try {
      await client.workflow.getHandle(batch.workflowId, batch.runId).terminate(reason);
      ended.push(batch);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err; // closed meanwhile
    }
  }
  await endChildWorkflowsOf(client, input.rootId, new Set(ended.map((batch) => batch.runId)));
  return ended.map((batch) => batch.workflowId);
}

async function describeRunning(client: Client, workflowId: string): Promise<RunningBatch | undefined> {
  try {
    const { runId, status, startTime } = await client.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' ? { workflowId, runId, startTime } : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Started by another root of this id: one whose first run differs (or, for batches before that was kept, that started before this root). */
async function isEarlier(client: Client, batch: RunningBatch, input: EarlierBatchesInput): Promise<boolean> {
  const { rootRun } = await runInput<ChildBatchInput>(client, batch);
  if (rootRun !== undefined) return rootRun !== input.rootRun;
  return batch.startTime.getTime() < new Date(input.rootStartedAt).getTime();
}

/** Child workflows (workflow mode) close with their batch only by a cancel request: they are ended too. */
async function endChildWorkflowsOf(client: Client, rootId: string, batchRuns: Set<string>): Promise<void> {
  if (batchRuns.size === 0) return;
  const query = `JobRootId = ${queryString(rootId)} AND JobKind = 'child' AND ExecutionStatus = 'Running'`;
  for await (const child of client.workflow.list({ query })) {
    const parent = child.parentExecution?.runId;
    if (!parent || !batchRuns.has(parent)) continue;
    await client.workflow
      .getHandle(child.workflowId, child.runId)
      .terminate(`its batch was ended: its root "${rootId}" had closed`)
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
  }
}
