/**
 * A big job: plans its children (an activity, page by page) and starts one batch workflow per page, holds
 * the root's running slots in one pool and lends them to its batches, derives its status and progress from
 * the batches' reports with Oro's rule, and starts follow-up jobs when it stops. Where an interrupt is
 * handled: `interrupt()`. The root continues as new when its history grows long; batches outlive that.
 */
import {
  CancellationScope,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import { batchWorkflowId, childKey, invalidNameReason } from '../jobs/ids';
import { mergeDurations, slotsForChildren, type TopicDurations } from '../jobs/packing';
import {
  batchStarted,
  closeBatch,
  createSlotPool,
  grantSlots,
  heldBy,
  openBatch,
  reportBatch,
  type SlotPool,
} from '../jobs/slots';
import {
  addCounts,
  describeProgress,
  emptyCounts,
  finalRootStatus,
  rootProgress,
  rootStatus,
  totalOf,
} from '../jobs/status';
import type { PlannedChild, RootJobInput, RootJobState } from '../jobs/types';
import { JobChildKeys, JobKind, JobRootId, JobStatus } from '../search-attributes';
import type { PlannedPages } from '../activities/plan-children';
import { planChildren, startFollowUpJobs } from './activity-proxies';
import { childBatchWorkflow } from './child-batch';
import { failureMessage } from './failure-message';
import { notify } from './notify';
import {
  batchReportSignal,
  grantSlotsSignal,
  interruptSignal,
  rootJobQuery,
  type BatchReport,
} from './messages';

/** What a root carries into its next run when it continues as new. */
export interface RootCarry {
  state: RootJobState;
  pool: SlotPool;
  /** Where planning goes on; null once every page is planned. */
  cursor: string | null;
  planned: boolean;
  forced: boolean;
  durations: TopicDurations;
}

/** Pages (batches) one planner activity returns at most. */
const PAGES_PER_PLANNING = 10;
/** Batches open at once (running, or waiting for slots); planning waits while this many are. */
const BATCH_WINDOW = 20;
/** Interrupts go out to this many batches at a time (a run may have at most 2,000 signals in flight). */
const SIGNALS_AT_ONCE = 500;

export async function rootJobWorkflow(input: RootJobInput, carried?: RootCarry): Promise<RootJobState> {
  const now = () => new Date().toISOString();
  const state: RootJobState = carried?.state ?? {
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
  const pool = carried?.pool ?? createSlotPool(input.maxParallel);
  const durations: TopicDurations = carried?.durations ?? {};
  let cursor = carried?.cursor ?? null;
  let planned = carried?.planned ?? false;
  let forced = carried?.forced ?? false;
  /** Batches whose workflow exists (every batch of an earlier run does). */
  const startedBatches = new Set(state.batches.map((_, index) => index));

  /** Counts of the batches that have ended: final, so summed once (the open ones change). */
  const ended = state.batches.filter((batch) => batch.done);
  let endedCounts = ended.reduce((sum, batch) => addCounts(sum, batch.counts), emptyCounts());
  let endedBatches = ended.length;
  function batchEnded(index: number): void {
    const batch = state.batches[index];
    batch.done = true;
    batch.slots = 0;
    closeBatch(pool, index);
    endedCounts = addCounts(endedCounts, batch.counts);
    endedBatches++;
  }

  function refresh(): void {
    const counts = { ...endedCounts };
    for (const [index, batch] of state.batches.entries()) {
      if (batch.done) continue;
      const entry = pool.entries[index];
      batch.slots = entry ? heldBy(entry) : 0;
      addCounts(counts, batch.counts);
    }
    state.counts = counts;
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

  /**
   * Signals from the root, counted until delivered: a run that continues as new first lets them arrive (the
   * server drops a signal whose sender has closed).
   */
  let signalsInFlight = 0;
  function send<Args extends unknown[]>(
    workflowId: string,
    signal: SignalDefinition<Args>,
    ...args: Args
  ): void {
    signalsInFlight++;
    void notify(workflowId, signal, ...args).then(() => signalsInFlight--);
  }

  /** Tells a batch the total of slots lent to it (so a repeated grant is harmless). */
  function sendGrant(index: number): void {
    const entry = pool.entries[index];
    if (entry) send(state.batches[index].id, grantSlotsSignal, { total: entry.granted, durations });
  }

  /** Free slots go to the earliest batches that can use them. */
  function lendSlots(): void {
    for (const { index } of grantSlots(pool)) sendGrant(index);
  }

  function interrupt(force: boolean): void {
    if (state.phase === 'stopped') return;
    state.interrupted = true;
    forced ||= force;
    const open = state.batches.filter((batch, index) => !batch.done && startedBatches.has(index));
    void CancellationScope.nonCancellable(async () => {
      signalsInFlight++;
      for (let from = 0; from < open.length; from += SIGNALS_AT_ONCE) {
        const chunk = open.slice(from, from + SIGNALS_AT_ONCE);
        await Promise.all(chunk.map((batch) => notify(batch.id, interruptSignal, { force })));
      }
      signalsInFlight--;
    });
    showDetails();
  }

  function onReport(report: BatchReport): void {
    const batch = state.batches[report.index];
    if (!batch || batch.done) return;
    batch.counts = report.counts;
    mergeDurations(durations, report.durations);
    if (report.done) {
      batchEnded(report.index);
    } else {
      reportBatch(pool, report.index, report);
    }
    lendSlots();
    refresh();
  }

  setHandler(rootJobQuery, () => state);
  setHandler(interruptSignal, ({ force }) => interrupt(force));
  setHandler(batchReportSignal, onReport);
  // Cancelling the root from a client or the Web UI means a graceful interrupt.
  CancellationScope.current().cancelRequested.catch(() => interrupt(false));

  const historyIsLong = () =>
    workflowInfo().historyLength > input.continueAsNewAfterEvents || workflowInfo().continueAsNewSuggested;
  const allDone = () => endedBatches === state.batches.length;
  const openBatches = () => Object.keys(pool.entries).length;
  const carry = async () => {
    await condition(() => allHandlersFinished() && signalsInFlight === 0);
    return continueAsNew<typeof rootJobWorkflow>(input, { state, pool, cursor, planned, forced, durations });
  };

  return CancellationScope.nonCancellable(async () => {
    if (carried) showDetails(); // current details do not survive a continue-as-new
    const names = new Set<string>();
    while (!planned) {
      // A sliding window: planning stays a few batches ahead of the running ones, so memory and the
      // server's load stay bounded however many children a root has.
      await condition(() => openBatches() < BATCH_WINDOW || !!state.interrupted || historyIsLong());
      if (state.interrupted || state.error) break;
      if (historyIsLong()) return carry();
      const planning = await planPages(names, Math.min(PAGES_PER_PLANNING, BATCH_WINDOW - openBatches()));
      if (!planning) break;
      await startBatches(planning.pages);
      cursor = planning.nextCursor;
      planned = cursor === null;
      if (!planned && historyIsLong()) return carry();
    }
    planned = true;
    state.phase = 'running';
    refresh();
    await condition(() => allDone() || historyIsLong());
    if (!allDone()) return carry();
    return stop();
  });

  /** The next pages of children, checked; undefined when planning failed. */
  async function planPages(names: Set<string>, maxPages: number): Promise<PlannedPages | undefined> {
    let planning;
    try {
      planning = await planChildren({
        rootId: state.id,
        topic: input.topic,
        payload: input.payload,
        cursor,
        pageSize: input.batchSize,
        maxPages,
      });
    } catch (err) {
      state.error = `planning the children failed: ${failureMessage(err)}`;
      return undefined;
    }
    for (const child of planning.pages.flat()) {
      const reason = invalidNameReason(child.name);
      if (reason) state.error = `child ${JSON.stringify(child.name)}: ${reason}`;
      else if (names.has(child.name))
        state.error = `two children are named "${child.name}"; names must be unique`;
      if (state.error) return undefined;
      names.add(child.name);
    }
    return planning;
  }

  /** One batch workflow per page, started at once; each gets its first slots with its start. */
  async function startBatches(pages: PlannedChild[][]): Promise<void> {
    const first = state.batches.length;
    const batches = pages.map((page, offset) => {
      const index = first + offset;
      const children = input.runChildrenAs
        ? page.map((child) => ({ ...child, runAs: input.runChildrenAs! }))
        : page;
      const id = batchWorkflowId(state.id, index);
      state.batches.push({
        id,
        size: children.length,
        counts: { ...emptyCounts(), new: children.length },
        slots: 0,
        done: false,
      });
      openBatch(pool, index, slotsForChildren(children, durations));
      return { index, id, children, slots: 0 };
    });
    for (const { index, count } of grantSlots(pool, true)) {
      const starting = batches.find((batch) => batch.index === index);
      if (starting) starting.slots = count;
      else sendGrant(index);
    }
    refresh();
    await Promise.all(batches.map((batch) => startBatch(batch)));
  }

  async function startBatch({
    index,
    id,
    children,
    slots,
  }: {
    index: number;
    id: string;
    children: PlannedChild[];
    slots: number;
  }): Promise<void> {
    const from = index * input.batchSize + 1;
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
            createdAt: now(),
            durations,
          },
        ],
        // Batches report by signal, so they must outlive a continue-as-new of the root.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `${state.name}: children ${from}–${from + children.length - 1}`,
        typedSearchAttributes: [
          { key: JobKind, value: 'batch' },
          { key: JobRootId, value: state.id },
          { key: JobChildKeys, value: children.map((child) => childKey(child.name)) },
        ],
      });
    } catch (err) {
      state.error = `starting batch ${index} failed: ${failureMessage(err)}`;
      state.batches[index].counts = { ...emptyCounts(), cancelled: children.length };
      batchEnded(index);
      refresh();
      return;
    }
    startedBatches.add(index);
    batchStarted(pool, index);
    if (state.interrupted) send(id, interruptSignal, { force: forced });
    lendSlots();
    refresh();
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
