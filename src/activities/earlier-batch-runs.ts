/**
 * Reading a batch's earlier run, for a new run of it: a rerun (`jobs retry`), or one the root starts after a
 * run closed without its result (terminated, failed). The root finds the run, and the new run of the batch
 * loads its children and their records from it (so they never pass through the root's history); a run that
 * left no result has its records rebuilt from its history (lost-batch-runs.ts).
 */
import type { LoadedBatchRun, ClosedBatch, BatchProbe } from '../contract/activities';
import type { BatchResult } from '../contract/messages';
import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { runInput, runOutcome } from '../client/run-history';
import { batchOutcome } from '../client/batch-outcome';
import type { ChildBatchInput, StatusCounts } from '../contract/jobs';
import { countStatuses, isFinal } from '../jobs/status';
import { rebuildRun } from './lost-batch-runs';

/** A batch sends its last report, then closes: the root may ask for its run in between. */
const CLOSING_WAIT_MS = 45_000;
/** How long a root's check waits for its closing batches, and how many it describes at once. */
const STILL_OPEN_WAIT_MS = 20_000;
const PROBES_AT_ONCE = 10;

/** The latest run of a batch that has ended (waiting a little for one that has reported its end and is closing). */
export async function findBatchRun({ batchId }: { batchId: string }): Promise<{ runId: string }> {
  const { runId, status } = await describeOnceClosed(Context.current().client, batchId, CLOSING_WAIT_MS);
  if (status.name === 'RUNNING') {
    throw ApplicationFailure.nonRetryable(`batch ${batchId} is still running; only an ended batch reruns`);
  }
  return { runId };
}

/**
 * Of these batches, the ids of those still open after waiting up to 20 s for them to close (a root that has
 * every batch's last report waits for them to close before it stops, so its name is free only when nothing of
 * it runs). A batch the server does not know (its start failed) is not open.
 */
export async function batchesStillOpen({ batchIds }: { batchIds: string[] }): Promise<string[]> {
  const { client } = Context.current();
  const running = async (ids: string[]) => {
    const open: string[] = [];
    for (let at = 0; at < ids.length; at += PROBES_AT_ONCE) {
      const group = ids.slice(at, at + PROBES_AT_ONCE);
      const states = await Promise.all(group.map((id) => isRunning(client, id)));
      open.push(...group.filter((_, index) => states[index]));
    }
    return open;
  };
  const open = await running(batchIds);
  if (open.length === 0) return open;
  const closing = () => Promise.allSettled(open.map((id) => client.workflow.getHandle(id).result()));
  await client.withAbortSignal(AbortSignal.timeout(STILL_OPEN_WAIT_MS), closing).catch(() => undefined);
  return running(open);
}

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Describes a workflow; one still running is waited for up to `waitMs` and described again. */
async function describeOnceClosed(client: Client, workflowId: string, waitMs: number) {
  const handle = client.workflow.getHandle(workflowId);
  const described = await handle.describe();
  if (described.status.name !== 'RUNNING') return described;
  await client.withAbortSignal(AbortSignal.timeout(waitMs), () => handle.result()).catch(() => undefined); // closed some other way, or not within the wait: described again
  return handle.describe();
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

/** The children and records of a run of a batch (also for status reads of a batch closed without its result). */
export async function loadRun(client: Client, batchId: string, runId: string): Promise<LoadedBatchRun> {
  const outcome = await batchOutcome(client, { workflowId: batchId, runId });
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
 * The counts of a batch whose last run closed without its result, from that run's history: children it had not
 * seen end count as failed (as status reads show them, WorkflowReads.closedBatch).
 */
export async function lostBatchCounts({ batchId }: { batchId: string }): Promise<StatusCounts> {
  const { client } = Context.current();
  const { runId } = await client.workflow.getHandle(batchId).describe();
  const { records } = await loadRun(client, batchId, runId);
  return countStatuses(records.map(({ status }) => ({ status: isFinal(status) ? status : 'failed' })));
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
