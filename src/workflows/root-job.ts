/**
 * A big job: plans its children (an activity, page by page), starts one batch workflow per page, derives its
 * status and progress from the batches' reports with Oro's rule, and starts follow-up jobs when it stops.
 * Where an interrupt is handled: `interrupt()`. The root continues as new when its history grows long.
 */
import {
  CancellationScope,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { batchWorkflowId, invalidNameReason } from '../jobs/ids';
import {
  addCounts,
  describeProgress,
  emptyCounts,
  finalRootStatus,
  rootProgress,
  rootStatus,
  totalOf,
} from '../jobs/status';
import type { ChildSpec, RootJobInput, RootJobState } from '../jobs/types';
import { JobKind, JobRootId, JobStatus } from '../search-attributes';
import { planChildren, startFollowUpJobs } from './activity-proxies';
import { childBatchWorkflow } from './child-batch';
import { failureMessage } from './failure-message';
import { notify } from './notify';
import { batchReportSignal, grantSlotsSignal, interruptSignal, rootJobQuery } from './messages';

/** Each batch is a pending child of the root's first run: stay under the server's limit of 2,000. */
const MAX_BATCHES = 1900;

export async function rootJobWorkflow(input: RootJobInput, carried?: RootJobState): Promise<RootJobState> {
  const now = () => new Date().toISOString();
  const state: RootJobState = carried ?? {
    kind: 'root',
    id: input.id,
    name: input.name,
    topic: input.topic,
    ownerId: input.ownerId,
    status: 'new',
    interrupted: false,
    progress: 0,
    createdAt: workflowInfo().startTime.toISOString(),
    startedAt: now(),
    stoppedAt: null,
    error: null,
    phase: 'planning',
    counts: emptyCounts(),
    total: 0,
    batches: [],
    followUps: [],
  };
  let forcedInterrupt = false;

  function refresh(): void {
    state.counts = state.batches.reduce((sum, batch) => addCounts(sum, batch.counts), emptyCounts());
    state.total = totalOf(state.counts);
    state.progress = rootProgress(state.counts);
    setStatus(rootStatus(state.counts));
    showDetails();
  }

  /** The Web UI's "Current Details" (markdown; the code span keeps "7/20" from becoming a fraction). */
  function showDetails(): void {
    const lines = [
      `**${state.name}** is **${state.status}**${state.interrupted ? ' (interrupted)' : ''}`,
      `\`${describeProgress(state.counts)}\` (${Math.round(state.progress * 100)}%)`,
    ];
    if (state.error) lines.push(`Error: ${state.error}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  function setStatus(status: RootJobState['status']): void {
    if (status === state.status) return;
    state.status = status;
    upsertSearchAttributes([{ key: JobStatus, value: status }]);
  }

  function interrupt(force: boolean): void {
    if (state.phase === 'stopped') return;
    state.interrupted = true;
    forcedInterrupt ||= force;
    for (const batch of state.batches) {
      if (batch.done) continue;
      notify(batch.id, interruptSignal, { force });
    }
  }

  setHandler(rootJobQuery, () => state);
  setHandler(interruptSignal, ({ force }) => interrupt(force));
  setHandler(batchReportSignal, ({ index, counts, done }) => {
    const batch = state.batches[index];
    if (!batch || batch.done) return;
    batch.counts = counts;
    batch.done = done;
    refresh();
  });
  // Cancelling the root from a client or the Web UI means a graceful interrupt.
  CancellationScope.current().cancelRequested.catch(() => interrupt(false));

  return CancellationScope.nonCancellable(async () => {
    if (carried) showDetails(); // current details do not survive a continue-as-new
    if (state.phase === 'planning') {
      const pages = await plan();
      if (pages) await startBatches(pages); // a failed or interrupted plan starts nothing
      state.phase = 'running';
    }
    await condition(
      () =>
        state.batches.every((batch) => batch.done) ||
        workflowInfo().historyLength > input.continueAsNewAfterEvents,
    );
    if (!state.batches.every((batch) => batch.done)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof rootJobWorkflow>(input, state);
    }
    return stop();
  });

  /** The children, one page per batch; undefined when planning failed or was interrupted. */
  async function plan(): Promise<ChildSpec[][] | undefined> {
    const pages: ChildSpec[][] = [];
    const names = new Set<string>();
    let cursor: string | null = null;
    do {
      if (state.interrupted) return undefined;
      let page;
      try {
        page = await planChildren({
          rootId: state.id,
          topic: input.topic,
          payload: input.payload,
          cursor,
          pageSize: input.batchSize,
        });
      } catch (err) {
        state.error = `planning the children failed: ${failureMessage(err)}`;
        return undefined;
      }
      for (const child of page.children) {
        const reason = invalidNameReason(child.name);
        if (reason) state.error = `child ${JSON.stringify(child.name)}: ${reason}`;
        else if (names.has(child.name))
          state.error = `two children are named "${child.name}"; names must be unique`;
        if (state.error) return undefined;
        names.add(child.name);
      }
      if (page.children.length > 0) pages.push(page.children);
      if (pages.length > MAX_BATCHES) {
        state.error = `more than ${MAX_BATCHES * input.batchSize} children: one root's batches must stay under the server's 2,000 pending children`;
        return undefined;
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    return pages;
  }

  async function startBatches(pages: ChildSpec[][]): Promise<void> {
    state.batches = pages.map((page, index) => ({
      id: batchWorkflowId(state.id, index),
      size: page.length,
      counts: { ...emptyCounts(), new: page.length },
      done: false,
    }));
    refresh();
    await Promise.all(
      pages.map((children, index) =>
        startChild(childBatchWorkflow, {
          workflowId: state.batches[index].id,
          args: [
            {
              rootId: state.id,
              ownerId: state.ownerId,
              index,
              children,
              nextBatchId: index + 1 < pages.length ? state.batches[index + 1].id : null,
              retry: input.retry,
              childTimeoutMs: input.childTimeoutMs,
              createdAt: now(),
            },
          ],
          // Batches report by signal, so they must outlive a continue-as-new of the root.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${state.name}: children ${index * input.batchSize + 1}–${index * input.batchSize + children.length}`,
          typedSearchAttributes: [
            { key: JobKind, value: 'batch' },
            { key: JobRootId, value: state.id },
          ],
        }),
      ),
    );
    if (state.batches.length > 0) {
      // All batches exist now, so slots can flow from one to the next.
      await getExternalWorkflowHandle(state.batches[0].id).signal(grantSlotsSignal, input.maxParallel);
    }
    if (state.interrupted) interrupt(forcedInterrupt);
  }

  async function stop(): Promise<RootJobState> {
    state.phase = 'stopped';
    state.stoppedAt = now();
    const status =
      state.error && !state.interrupted ? 'failed' : finalRootStatus(state.counts, state.interrupted);
    setStatus(status);
    showDetails();
    if (input.followUps.length > 0 && (input.followUpOn as string[]).includes(status)) {
      state.followUps = await startFollowUpJobs({ rootId: state.id, followUps: input.followUps });
    }
    return state;
  }
}
