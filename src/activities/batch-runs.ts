/**
 * Reading a batch's earlier run, for a rerun (`jobs retry`): the root finds the run, and the new run of the
 * batch loads its children and their final records from it (so they never pass through the root's history).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { runInput, runResult } from '../client/run-history';
import type { ChildBatchInput, PlannedChild, StoredChild } from '../jobs/types';
import type { BatchResult } from '../workflows/child-batch';

export interface LoadedBatchRun {
  children: PlannedChild[];
  records: StoredChild[];
}

/** The latest run of a batch that has ended. */
export async function findBatchRun({ batchId }: { batchId: string }): Promise<{ runId: string }> {
  const handle = Context.current().client.workflow.getHandle(batchId);
  const { runId, status } = await handle.describe();
  if (status.name === 'RUNNING') {
    throw ApplicationFailure.nonRetryable(`batch ${batchId} is still running; only an ended batch reruns`);
  }
  return { runId };
}

/** The children of an earlier run of a batch (following earlier reruns back to its plan) and its records. */
export async function loadBatchRun({
  batchId,
  runId,
}: {
  batchId: string;
  runId: string;
}): Promise<LoadedBatchRun> {
  const { client } = Context.current();
  const outcome = await runResult<BatchResult>(client, { workflowId: batchId, runId });
  if (!outcome.closed)
    throw ApplicationFailure.nonRetryable(`run ${runId} of batch ${batchId} has not ended`);
  let input = await runInput<ChildBatchInput>(client, { workflowId: batchId, runId });
  while (input.rerunOf)
    input = await runInput<ChildBatchInput>(client, { workflowId: batchId, runId: input.rerunOf.runId });
  // A result kept in this run's history stays there: later runs point to it.
  const records = outcome.result.children.map((record) =>
    record.resultInHistory && !record.resultRunId ? { ...record, resultRunId: runId } : record,
  );
  return { children: input.children, records };
}
