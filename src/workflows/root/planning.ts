/**
 * How a root plans its children and starts their batches: the planner runs as an activity (several pages a
 * call), names are checked, and one batch workflow per page starts at once, with its first slots.
 */
import type { PlannedPages } from '../../contract/activities';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  ParentClosePolicy,
  isCancellation,
  patched,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  MAX_WORKFLOW_ID_LENGTH,
  batchWorkflowId,
  childJobId,
  childKey,
  plannedNameReason,
} from '../../jobs/ids';
import { slotsForChildren } from '../../jobs/packing';
import { packingRule } from '../packing-rule';
import type { BatchRerun, PlannedChild, RootJobInput } from '../../contract/jobs';
import { JobChildKeys, JobKind, JobRootId } from '../../search-attributes';
import { endEarlierBatches, findBatchRun, planChildren } from '../activity-proxies';
import { childBatchWorkflow } from '../batch/batch-workflow';
import { failureMessage } from '../failure-message';
import { interruptSignal } from '../../contract/messages';
import type { RootRun } from './root-run';

/** The next pages of children, checked; undefined (and the root's error set) when planning failed. */
export async function planPages(
  run: RootRun,
  input: RootJobInput,
  cursor: string | null,
  names: Set<string>,
  maxPages: number,
): Promise<PlannedPages | undefined> {
  const { state } = run;
  let planning;
  // An interrupt cancels planning: the root does not wait for a slow planner to return.
  const scope = (run.planning = new CancellationScope());
  try {
    planning = await scope.run(() =>
      planChildren({
        rootId: state.id,
        topic: input.topic,
        payload: input.payload,
        cursor,
        pageSize: input.batchSize,
        maxPages,
        runChildrenAs: input.runChildrenAs,
        ...(run.plannedEarlier > 0 && state.createdAt ? { earlierBatchesSince: state.createdAt } : {}),
      }),
    );
  } catch (err) {
    if (!isCancellation(err)) run.ledger.fail(`planning the children failed: ${failureMessage(err)}`);
    return undefined;
  } finally {
    run.planning = undefined;
  }
  if (planning.duplicate !== undefined) {
    run.ledger.fail(`two children are named ${JSON.stringify(planning.duplicate)}; names must be unique`);
    return undefined;
  }
  for (const child of planning.pages.flat()) {
    const reason = plannedNameReason(child.name) ?? workflowIdProblem(input, child);
    const problem = reason
      ? `child ${JSON.stringify(child.name)}: ${reason}`
      : names.has(child.name)
        ? `two children are named "${child.name}"; names must be unique`
        : undefined;
    if (problem) {
      run.ledger.fail(problem);
      return undefined;
    }
    names.add(child.name);
  }
  return planning;
}

/** A child that runs as a workflow of its own needs an id the server accepts. */
function workflowIdProblem(input: RootJobInput, child: PlannedChild): string | undefined {
  const id = childJobId(input.id, child.name);
  if ((input.runChildrenAs ?? child.runAs) !== 'workflow' || id.length <= MAX_WORKFLOW_ID_LENGTH)
    return undefined;
  return `its workflow id is ${id.length} characters; servers allow ${MAX_WORKFLOW_ID_LENGTH} (limit.maxIDLength)`;
}

/**
 * A batch's id taken by a batch an earlier root of this id left running (an operator terminated that root):
 * that batch, and the others it left, are ended and the start is made again (patched; fixture earlier-batches).
 */
const END_EARLIER_BATCHES = 'end-earlier-batches';
/**
 * Batches started together share the free slots, not the first taking them all (slots.ts `grantSlots`;
 * patched; fixture share-starts).
 */
const SHARE_STARTS = 'share-starts';

/** A batch to start: a planned page, or a rerun of an ended batch (its children then load from its run). */
interface BatchStart {
  index: number;
  id: string;
  children: PlannedChild[];
  summary: string;
  slots: number;
  endRounds?: number;
  rerunOf?: BatchRerun;
}

/** One batch workflow per page, started at once; each gets its first slots with its start. */
export async function startBatches(
  run: RootRun,
  input: RootJobInput,
  pages: PlannedChild[][],
  lastPages = false,
): Promise<void> {
  const { state } = run;
  const packing = packingRule();
  let firstChild = state.batches.reduce((sum, batch) => sum + batch.size, 0) + 1;
  const batches = pages.map((page): BatchStart => {
    const index = state.batches.length;
    const children = input.runChildrenAs
      ? page.map((child) => ({ ...child, runAs: input.runChildrenAs! }))
      : page;
    const id = batchWorkflowId(state.id, index);
    const summary = `${state.name}: children ${firstChild}–${firstChild + children.length - 1}`;
    firstChild += children.length;
    run.ledger.addBatch(id, children.length, slotsForChildren(children, run.durations, packing));
    return { index, id, children, summary, slots: 0 };
  });
  lendWithStarts(run, batches, input.runChildrenAs !== 'workflow');
  run.refresh();
  const endRounds = run.endRounds(lastPages);
  if (endRounds !== undefined)
    batches.forEach((batch) => {
      batch.endRounds = endRounds;
      run.endRoundsSent(batch.index, endRounds);
    });
  await Promise.all(batches.map((batch) => startBatch(run, input, batch)));
}

/**
 * Starts a new run of an ended batch whose children in `statuses` run again (`jobs retry`). The root has
 * reopened it (RootReruns.reopen, or replaceLost for a batch closed without its result); its earlier run is found first, and the new run loads its children from it.
 */
export async function rerunBatch(
  run: RootRun,
  input: RootJobInput,
  index: number,
  rerun: Omit<BatchRerun, 'runId'>,
): Promise<void> {
  const { state } = run;
  const batch = state.batches[index];
  const firstChild = state.batches.slice(0, index).reduce((sum, earlier) => sum + earlier.size, 1);
  const summary = `${state.name}: children ${firstChild}–${firstChild + batch.size - 1} (rerun)`;
  let runId;
  try {
    ({ runId } = await findBatchRun({ batchId: batch.id }));
  } catch (err) {
    return run.rerunFailed(index, `finding batch ${index}'s earlier run failed: ${failureMessage(err)}`);
  }
  const start: BatchStart = {
    index,
    id: batch.id,
    children: [],
    summary,
    slots: 0,
    rerunOf: { ...rerun, runId },
  };
  lendWithStarts(run, [start]);
  await startBatch(run, input, start);
}

/**
 * Free slots go out: those for batches being started travel with their start, the others by signal. Batches
 * of child workflows do not share them: they keep their slots (nothing is packed), and a batch with many
 * children running at once handles their events in fewer workflow tasks.
 */
function lendWithStarts(run: RootRun, starting: BatchStart[], mayShare = true): void {
  const indexes = new Set(starting.map((batch) => batch.index));
  const share = mayShare && starting.length > 1 && patched(SHARE_STARTS);
  for (const { index, count } of run.ledger.grantSlots(indexes, share)) {
    const batch = starting.find((candidate) => candidate.index === index);
    if (batch) batch.slots = count;
    else run.sendGrant(index);
  }
}

async function startBatch(run: RootRun, input: RootJobInput, batch: BatchStart): Promise<void> {
  const { state } = run;
  const { index, rerunOf } = batch;
  let started;
  try {
    started = await startBatchWorkflow(run, input, batch);
  } catch (err) {
    let failure = err;
    if (!rerunOf && err instanceof WorkflowExecutionAlreadyStartedError && patched(END_EARLIER_BATCHES)) {
      try {
        started = await afterEndingEarlierBatches(run, input, batch);
      } catch (again) {
        failure = again;
      }
    }
    if (!started) {
      if (rerunOf)
        return run.rerunFailed(index, `rerunning batch ${index} failed: ${failureMessage(failure)}`);
      run.ledger.batchNotStarted(index, `starting batch ${index} failed: ${failureMessage(failure)}`);
      run.refresh();
      return;
    }
  }
  run.startedBatches.add(index);
  run.onBatchStarted?.(index, started.result());
  run.ledger.batchStarted(index);
  if (state.interrupted) run.send(batch.id, interruptSignal, { force: run.forced });
  run.lendSlots();
  run.refresh();
}

function startBatchWorkflow(run: RootRun, input: RootJobInput, batch: BatchStart) {
  const { state } = run;
  const { index, id, children, summary, slots, endRounds, rerunOf } = batch;
  return startChild(childBatchWorkflow, {
    workflowId: id,
    args: [
      {
        rootId: state.id,
        ownerId: state.ownerId,
        index,
        children,
        slots,
        retry: input.retry,
        childTimeoutMs: input.childTimeoutMs,
        createdAt: new Date().toISOString(),
        durations: run.durations,
        ...(endRounds !== undefined ? { endRounds } : {}),
        ...(rerunOf ? { rerunOf } : {}),
        ...(state.batches[index].run ? { run: state.batches[index].run } : {}),
        ...(patched(END_EARLIER_BATCHES) ? { rootRun: workflowInfo().firstExecutionRunId } : {}),
        keepsRecords: true,
      },
    ],
    // Batches report by signal, so they must outlive a continue-as-new of the root.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: summary,
    typedSearchAttributes: [
      { key: JobKind, value: 'batch' },
      { key: JobRootId, value: state.id },
      ...(rerunOf ? [] : [{ key: JobChildKeys, value: children.map((child) => childKey(child.name)) }]),
    ],
  });
}

/** The batches an earlier root of this id left running are ended, and the batch starts in its place. */
async function afterEndingEarlierBatches(run: RootRun, input: RootJobInput, batch: BatchStart) {
  await endEarlierBatches({
    rootId: run.state.id,
    rootRun: workflowInfo().firstExecutionRunId,
    rootStartedAt: workflowInfo().startTime.toISOString(),
    batchId: batch.id,
  });
  return startBatchWorkflow(run, input, batch);
}
