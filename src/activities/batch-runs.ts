/**
 * Reading a batch's earlier run, for a new run of it: a rerun (`jobs retry`), or one the root starts after a
 * run closed without its result (terminated, failed). The root finds the run, and the new run of the batch
 * loads its children and their records from it (so they never pass through the root's history); a run that
 * left no result has its records rebuilt from its history (lost-batch-runs.ts).
 */
import type { LoadedBatchRun, ClosedBatch, BatchProbe } from '../contract/activities';
import type { BatchResult } from '../contract/messages';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { runInput, runOutcome } from '../client/run-history';
import type { ChildBatchInput } from '../contract/jobs';
import { rebuildRun } from './lost-batch-runs';

/** A batch sends its last report, then closes: the root may ask for its run in between. */
const CLOSING_WAIT_MS = 45_000;

/** The latest run of a batch that has ended (waiting a little for one that has reported its end and is closing). */
export async function findBatchRun({ batchId }: { batchId: string }): Promise<{ runId: string }> {
  const { client } = Context.current();
  const handle = client.workflow.getHandle(batchId);
  let { runId, status } = await handle.describe();
  if (status.name === 'RUNNING') {
    await client
      .withAbortSignal(AbortSignal.timeout(CLOSING_WAIT_MS), () => handle.result())
      .catch(() => undefined); // closed some other way, or not within the wait: described again below
    ({ runId, status } = await handle.describe());
  }
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
  return loadRun(Context.current().client, batchId, runId);
}

async function loadRun(client: Client, batchId: string, runId: string): Promise<LoadedBatchRun> {
  const outcome = await runOutcome<BatchResult>(client, { workflowId: batchId, runId });
  if (outcome.kind === 'open')
    throw ApplicationFailure.nonRetryable(`run ${runId} of batch ${batchId} has not ended`);
  if (outcome.kind === 'lost')
    return rebuildRun(client, batchId, runId, (earlier) => loadRun(client, batchId, earlier));
  let input = await runInput<ChildBatchInput>(client, { workflowId: batchId, runId });
  while (input.rerunOf)
    input = await runInput<ChildBatchInput>(client, { workflowId: batchId, runId: input.rerunOf.runId });
  // A result kept in this run's history stays there: later runs point to it.
  const records = outcome.result.children.map((record) =>
    record.resultInHistory && !record.resultRunId ? { ...record, resultRunId: runId } : record,
  );
  return { children: input.children, records };
}

/**
 * Which of `batches` have closed (the root probes the batches an earlier run of it started, which it holds no
 * handle to): a closed batch whose last report the root missed, or one closed without its result.
 */
export async function probeBatches({ batches }: { batches: BatchProbe[] }): Promise<ClosedBatch[]> {
  const { client } = Context.current();
  const closed: ClosedBatch[] = [];
  for (const { index, id } of batches) {
    const { runId, status } = await client.workflow.getHandle(id).describe();
    if (status.name === 'RUNNING') continue;
    const outcome = await runOutcome<BatchResult>(client, { workflowId: id, runId });
    if (outcome.kind === 'result') closed.push({ index, counts: outcome.result.counts });
    else if (outcome.kind === 'lost') closed.push({ index, lost: outcome.how, runId });
  }
  return closed;
}
