/**
 * How a root plans its children and starts their batches: the planner runs as an activity (several pages a
 * call), names are checked, and one batch workflow per page starts at once, with its first slots.
 */
import { CancellationScope, ParentClosePolicy, isCancellation, startChild } from '@temporalio/workflow';
import type { PlannedPages } from '../activities/plan-children';
import {
  MAX_WORKFLOW_ID_LENGTH,
  batchWorkflowId,
  childJobId,
  childKey,
  invalidNameReason,
} from '../jobs/ids';
import { slotsForChildren } from '../jobs/packing';
import { batchStarted, grantSlots, openBatch } from '../jobs/slots';
import { emptyCounts } from '../jobs/status';
import type { PlannedChild, RootJobInput } from '../jobs/types';
import { JobChildKeys, JobKind, JobRootId } from '../search-attributes';
import { planChildren } from './activity-proxies';
import { childBatchWorkflow } from './child-batch';
import { failureMessage } from './failure-message';
import { interruptSignal } from './messages';
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
      }),
    );
  } catch (err) {
    if (!isCancellation(err)) state.error = `planning the children failed: ${failureMessage(err)}`;
    return undefined;
  } finally {
    run.planning = undefined;
  }
  for (const child of planning.pages.flat()) {
    const reason = invalidNameReason(child.name) ?? workflowIdProblem(input, child);
    if (reason) state.error = `child ${JSON.stringify(child.name)}: ${reason}`;
    else if (names.has(child.name))
      state.error = `two children are named "${child.name}"; names must be unique`;
    if (state.error) return undefined;
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

/** One batch workflow per page, started at once; each gets its first slots with its start. */
export async function startBatches(
  run: RootRun,
  input: RootJobInput,
  pages: PlannedChild[][],
): Promise<void> {
  const { state, pool } = run;
  let firstChild = state.batches.reduce((sum, batch) => sum + batch.size, 0) + 1;
  const batches = pages.map((page) => {
    const index = state.batches.length;
    const children = input.runChildrenAs
      ? page.map((child) => ({ ...child, runAs: input.runChildrenAs! }))
      : page;
    const id = batchWorkflowId(state.id, index);
    const summary = `${state.name}: children ${firstChild}–${firstChild + children.length - 1}`;
    firstChild += children.length;
    state.batches.push({
      id,
      size: children.length,
      counts: { ...emptyCounts(), new: children.length },
      slots: 0,
      done: false,
    });
    openBatch(pool, index, slotsForChildren(children, run.durations));
    return { index, id, children, summary, slots: 0 };
  });
  for (const { index, count } of grantSlots(pool, true)) {
    const starting = batches.find((batch) => batch.index === index);
    if (starting) starting.slots = count;
    else run.sendGrant(index);
  }
  run.refresh();
  await Promise.all(batches.map((batch) => startBatch(run, input, batch)));
}

async function startBatch(
  run: RootRun,
  input: RootJobInput,
  batch: { index: number; id: string; children: PlannedChild[]; summary: string; slots: number },
): Promise<void> {
  const { state } = run;
  const { index, id, children, summary, slots } = batch;
  try {
    await startChild(childBatchWorkflow, {
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
        },
      ],
      // Batches report by signal, so they must outlive a continue-as-new of the root.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: summary,
      typedSearchAttributes: [
        { key: JobKind, value: 'batch' },
        { key: JobRootId, value: state.id },
        { key: JobChildKeys, value: children.map((child) => childKey(child.name)) },
      ],
    });
  } catch (err) {
    state.error = `starting batch ${index} failed: ${failureMessage(err)}`;
    state.batches[index].counts = { ...emptyCounts(), cancelled: children.length };
    run.batchEnded(index);
    run.refresh();
    return;
  }
  run.startedBatches.add(index);
  batchStarted(run.pool, index);
  if (state.interrupted) run.send(id, interruptSignal, { force: run.forced });
  run.lendSlots();
  run.refresh();
}
