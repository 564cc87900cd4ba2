/**
 * A root's state while it runs: its record and batches, its slot pool, and what it does when a batch reports
 * or an interrupt comes (`interrupt()`). Its status changes here, by Oro's rule over the batches' counts.
 */
import type { SlotPool, RootCarry } from '../../contract/carry';
import {
  type TopicDurations,
  type RootJobInput,
  type RootWorkflowState,
  type StatusCounts,
} from '../../contract/jobs';
import {
  CancellationScope,
  patched,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  type SignalDefinition,
} from '@temporalio/workflow';
import { mergeDurations } from '../../jobs/packing';
import {
  closeBatch,
  createSlotPool,
  grantSlots,
  heldBy,
  openBatch,
  quarantineBatch,
  recallSlots,
  releaseQuarantine,
  reportBatch,
} from '../../jobs/slots';
import {
  addCounts,
  describeProgress,
  emptyCounts,
  liveRootStatus,
  rootProgress,
  rootStatus,
  subtractCounts,
  totalOf,
} from '../../jobs/status';
import { JobStatusAttribute } from '../../search-attributes';
import { notify } from '../notify';
import { grantSlotsSignal, interruptSignal, type BatchReport } from '../../contract/messages';

/** A pack's heartbeat timeout: a lost batch run's children have surely stopped by then. */
const LOST_RUN_QUARANTINE_MS = 10_000;

/** A root says a final status only when it stops: no `success` while it still plans (patched; fixture). */
const NO_FINAL_STATUS_BEFORE_STOP = 'no-final-status-before-stop';

/** Interrupts go out to this many batches at a time (a run may have at most 2,000 signals in flight). */
const SIGNALS_AT_ONCE = 500;

export class RootRun {
  readonly state: RootWorkflowState;
  readonly pool: SlotPool;
  readonly durations: TopicDurations;
  forced: boolean;
  /** Batches whose workflow exists (every batch of an earlier run does). */
  readonly startedBatches: Set<number>;
  /** Batches an earlier run of the root planned (before a continue-as-new): their names it no longer holds. */
  readonly plannedEarlier: number;
  /** Counts of the batches that have ended: final, so summed once (the open ones change). */
  private endedCounts;
  private endedBatches;
  /** Signals sent and not yet delivered: a run that continues as new waits for them (the server drops a
   * signal whose sender has closed). */
  signalsInFlight = 0;
  /** The record changed since the last snapshot (snapshot.ts). */
  snapshotDue = true;
  private readonly countsBeforeRerun = new Map<number, StatusCounts>();
  /** The planner activity running now, if any. */
  planning: CancellationScope | undefined;
  /** Told of each batch run this run of the root starts, with the promise of its result (batch-watch.ts). */
  onBatchStarted: ((index: number, result: Promise<unknown>) => void) | undefined;
  /** Told of each batch that a new run will replace (reopened for a rerun, or replacing a lost run). */
  onBatchRerun: ((index: number) => void) | undefined;

  constructor(input: RootJobInput, carried: RootCarry | undefined, now: string, createdAt: string) {
    this.state = carried?.state ?? {
      kind: 'root',
      id: input.id,
      name: input.name,
      topic: input.topic,
      ownerId: input.ownerId,
      status: 'new',
      interrupted: false,
      progress: 0,
      createdAt,
      startedAt: now,
      stoppedAt: null,
      error: null,
      phase: 'planning',
      counts: emptyCounts(),
      total: 0,
      batches: [],
      followUps: [],
      paused: false,
      pausedAt: null,
      maxParallel: input.maxParallel,
    };
    // Roots carried from before pause and scale existed.
    this.state.paused ??= false;
    this.state.pausedAt ??= null;
    this.state.maxParallel ??= input.maxParallel;
    if (input.concurrencyKey) this.state.concurrencyKey = input.concurrencyKey;
    this.pool = carried?.pool ?? createSlotPool(input.maxParallel);
    this.durations = carried?.durations ?? {};
    this.forced = carried?.forced ?? false;
    this.startedBatches = new Set(this.state.batches.map((_, index) => index));
    this.plannedEarlier = this.state.batches.length;
    this.releaseLater(this.pool.quarantined ?? 0); // quarantined before a continue-as-new
    const ended = this.state.batches.filter((batch) => batch.done);
    this.endedCounts = ended.reduce((sum, batch) => addCounts(sum, batch.counts), emptyCounts());
    this.endedBatches = ended.length;
  }

  get allDone(): boolean {
    return this.endedBatches === this.state.batches.length;
  }

  /** Batches running or waiting for slots. */
  get openBatches(): number {
    return Object.keys(this.pool.entries).length;
  }

  /**
   * An ended batch runs again (a rerun): it counts as open, with `counts`, and asks for `wants` slots. Its
   * counts before are kept in case its new run cannot start.
   */
  batchReopened(index: number, counts: StatusCounts, wants: number): void {
    const batch = this.state.batches[index];
    this.countsBeforeRerun.set(index, batch.counts);
    subtractCounts(this.endedCounts, batch.counts);
    this.endedBatches--;
    batch.done = false;
    batch.counts = counts;
    batch.run = (batch.run ?? 0) + 1;
    openBatch(this.pool, index, wants);
    this.onBatchRerun?.(index);
  }

  /**
   * Batch `index` (open) closed without its result and a new run replaces it, expecting `counts`: the slots
   * the closed run held are free again (its children no longer run), and the new one asks for none.
   */
  batchReplaced(index: number, counts: StatusCounts): void {
    const batch = this.state.batches[index];
    batch.counts = counts;
    batch.run = (batch.run ?? 0) + 1;
    this.onBatchRerun?.(index);
    // What it held goes back to the pool once its workers have surely stopped its children (they learn of
    // the close at their next heartbeat; a heartbeat missed for this long means the worker is gone).
    this.releaseLater(quarantineBatch(this.pool, index));
  }

  /** Quarantined slots go back to the pool after LOST_RUN_QUARANTINE_MS. */
  private releaseLater(held: number): void {
    if (held === 0) return;
    void CancellationScope.nonCancellable(() => sleep(LOST_RUN_QUARANTINE_MS)).then(() => {
      releaseQuarantine(this.pool, held);
      this.lendSlots();
      this.refresh();
    });
  }

  /**
   * Batch `index` closed without its result and could not be replaced: its children that had not ended count
   * as failed (their records went with it), and the root says why.
   */
  batchLost(index: number, error: string, fromHistory?: StatusCounts): void {
    const batch = this.state.batches[index];
    if (batch.done) return;
    const counts = { ...(fromHistory ?? batch.counts) };
    counts.failed += counts.new + counts.running + counts.failed_redelivered;
    counts.new = counts.running = counts.failed_redelivered = 0;
    batch.counts = counts;
    this.state.error ??= error;
    this.batchEnded(index);
    this.lendSlots();
    this.refresh();
  }

  /** A reopened batch could not start again: it stays as its earlier run ended, and the root says why. */
  rerunFailed(index: number, error: string): void {
    this.state.error = error;
    this.state.batches[index].counts = this.countsBeforeRerun.get(index) ?? this.state.batches[index].counts;
    this.batchEnded(index);
    this.lendSlots();
    this.refresh();
  }

  batchEnded(index: number): void {
    this.countsBeforeRerun.delete(index);
    const batch = this.state.batches[index];
    batch.done = true;
    batch.slots = 0;
    closeBatch(this.pool, index);
    this.endedCounts = addCounts(this.endedCounts, batch.counts);
    this.endedBatches++;
  }

  /** Counts, progress and status from the batches, by Oro's rule. */
  refresh(): void {
    const { state } = this;
    const counts = { ...this.endedCounts };
    for (const [index, batch] of state.batches.entries()) {
      if (batch.done) continue;
      const entry = this.pool.entries[index];
      batch.slots = entry ? heldBy(entry) : 0;
      addCounts(counts, batch.counts);
    }
    state.counts = counts;
    state.total = totalOf(counts);
    state.progress = rootProgress(counts);
    // Roots that ran before this said what Oro's rule says at once (success while pages remained unplanned).
    this.setStatus(patched(NO_FINAL_STATUS_BEFORE_STOP) ? liveRootStatus(counts) : rootStatus(counts));
    this.showDetails();
  }

  setStatus(status: RootWorkflowState['status']): void {
    if (status === this.state.status) return;
    this.state.status = status;
    upsertSearchAttributes([{ key: JobStatusAttribute, value: status }]);
  }

  /** The Web UI's "Current Details" (markdown; the code span keeps "7/20" from becoming a fraction). */
  showDetails(): void {
    const { state } = this;
    const lines = [
      `**${state.name}** is **${state.status}**${state.interrupted ? ' (interrupted)' : ''}` +
        (state.paused ? ` (paused since ${state.pausedAt})` : ''),
      `\`${describeProgress(state.counts)}\` (${Math.round(state.progress * 100)}%)`,
    ];
    if (state.error) lines.push(`Error: ${state.error}`);
    setCurrentDetails(lines.join('\n\n'));
    this.snapshotDue = true;
  }

  send<Args extends unknown[]>(workflowId: string, signal: SignalDefinition<Args>, ...args: Args): void {
    this.signalsInFlight++;
    void notify(workflowId, signal, ...args).then(() => this.signalsInFlight--);
  }

  /** Tells a batch the total of slots lent to it and asked back (so a repeated grant is harmless). */
  sendGrant(index: number): void {
    const entry = this.pool.entries[index];
    if (!entry) return;
    const { id, run } = this.state.batches[index];
    const grant = { total: entry.granted, durations: this.durations, ...(run ? { run } : {}) };
    this.send(id, grantSlotsSignal, entry.recalled ? { ...grant, recalled: entry.recalled } : grant);
  }

  /** Slots over the limit are asked back; free slots go to the earliest batches that can use them. */
  lendSlots(): void {
    const changed = new Set(recallSlots(this.pool));
    for (const { index } of grantSlots(this.pool)) changed.add(index);
    for (const index of changed) this.sendGrant(index);
  }

  /** Its concurrency key could not be joined (a root from before it joined first): it starts nothing more. */
  failWithoutKey(error: string): void {
    this.state.error ??= error;
    this.interrupt(false);
  }

  /** Children that have not started never will; running ones finish unless forced. Planning stops. */
  interrupt(force: boolean): void {
    const { state } = this;
    if (state.phase === 'stopped') return;
    state.interrupted = true;
    this.forced ||= force;
    this.planning?.cancel();
    const open = state.batches.filter((batch, index) => !batch.done && this.startedBatches.has(index));
    this.signalsInFlight++;
    void CancellationScope.nonCancellable(async () => {
      for (let from = 0; from < open.length; from += SIGNALS_AT_ONCE) {
        const chunk = open.slice(from, from + SIGNALS_AT_ONCE);
        await Promise.all(chunk.map((batch) => notify(batch.id, interruptSignal, { force })));
      }
    }).finally(() => this.signalsInFlight--);
    this.showDetails();
  }

  onReport(report: BatchReport): void {
    const batch = this.state.batches[report.index];
    if (!batch || batch.done) return;
    batch.counts = report.counts;
    mergeDurations(this.durations, report.durations);
    if (report.done) this.batchEnded(report.index);
    else reportBatch(this.pool, report.index, report);
    this.lendSlots();
    this.refresh();
  }
}
