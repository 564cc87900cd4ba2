/**
 * A root's ledger: its record (counts, status, progress, error, phase), its batches and its slot pool, and
 * every change to them, each a method. Pure: the root workflow (workflows/root/root-run.ts) calls it and does
 * what follows outside (signals, search attributes, timers). Like Oro's JobProcessor, it is the one place a
 * root's state changes; nothing else writes `state` or `pool`.
 */
import type { SlotPool } from '../contract/carry';
import { expandState } from './batch-runs';
import type { RerunnableStatus, RootJobInput, RootWorkflowState, StatusCounts } from '../contract/jobs';
import type { BatchReport } from '../contract/messages';
import {
  batchStarted,
  closeBatch,
  createSlotPool,
  grantSlots,
  heldBy,
  openBatch,
  pausePool,
  quarantineBatch,
  recallSlots,
  releaseQuarantine,
  reportBatch,
  resizePool,
} from './slots';
import type { FollowUpOutcome } from '../contract/jobs';
import {
  addCounts,
  emptyCounts,
  finalRootStatus,
  rerunRequest,
  liveRootFigures,
  rootStatus,
  subtractCounts,
  unendedAsFailed,
  type RerunRequest,
} from './status';

/** A new root's record: all new, planning. */
export function newRootState(input: RootJobInput, now: string, createdAt: string): RootWorkflowState {
  return {
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
}

export class RootLedger {
  readonly state: RootWorkflowState;
  readonly pool: SlotPool;
  /** Counts of the batches that have ended: final, so summed once (the open ones change). */
  private endedCounts: StatusCounts;
  private endedBatches: number;
  private readonly countsBeforeRerun = new Map<number, StatusCounts>();

  constructor(
    input: RootJobInput,
    carried: { state: RootWorkflowState; pool: SlotPool } | undefined,
    now: string,
    createdAt: string,
  ) {
    this.state = carried ? expandState(carried.state) : newRootState(input, now, createdAt);
    // Roots carried from before pause and scale existed.
    this.state.paused ??= false;
    this.state.pausedAt ??= null;
    this.state.maxParallel ??= input.maxParallel;
    if (input.concurrencyKey) this.state.concurrencyKey = input.concurrencyKey;
    this.pool = carried?.pool ?? createSlotPool(input.maxParallel);
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

  /** Children in the batches planned so far. */
  get planned(): number {
    return this.state.batches.reduce((sum, batch) => sum + batch.size, 0);
  }

  /** A planned page becomes batch `index` (all new), open and wanting `wants` slots. */
  addBatch(id: string, size: number, wants: number): number {
    const index = this.state.batches.length;
    this.state.batches.push({ id, size, counts: { ...emptyCounts(), new: size }, slots: 0, done: false });
    openBatch(this.pool, index, wants);
    return index;
  }

  /** A new batch's workflow could not start: its children count as cancelled, and the root says why. */
  batchNotStarted(index: number, error: string): void {
    this.state.error = error;
    this.state.batches[index].counts = { ...emptyCounts(), cancelled: this.state.batches[index].size };
    this.batchEnded(index);
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
  }

  /**
   * Batch `index` (open) closed without its result and a new run replaces it, expecting `counts`; returns the
   * slots the closed run held, kept from the pool until its workers have surely stopped its children.
   */
  batchReplaced(index: number, counts: StatusCounts): number {
    const batch = this.state.batches[index];
    batch.counts = counts;
    batch.run = (batch.run ?? 0) + 1;
    return quarantineBatch(this.pool, index);
  }

  /**
   * Batch `index` closed without its result and could not be replaced: its children that had not ended count
   * as failed (by what its history says, `fromHistory`, else as the root last heard), and the root says why.
   */
  batchLost(index: number, error: string, fromHistory?: StatusCounts): boolean {
    const batch = this.state.batches[index];
    if (batch.done) return false;
    batch.counts = unendedAsFailed(fromHistory ?? batch.counts);
    this.state.error ??= error;
    this.batchEnded(index);
    return true;
  }

  /** A reopened batch could not start again: it stays as its earlier run ended, and the root says why. */
  rerunFailed(index: number, error: string): void {
    this.state.error = error;
    this.state.batches[index].counts = this.countsBeforeRerun.get(index) ?? this.state.batches[index].counts;
    this.batchEnded(index);
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

  /** A rerun asked of running batch `index` (`jobs retry`), until it says it has it; the request to send. */
  askRerun(index: number, statuses: RerunnableStatus[], sequence: number): RerunRequest {
    const batch = this.state.batches[index];
    batch.rerun = rerunRequest(batch.rerun, statuses, sequence);
    return batch.rerun;
  }

  /** Batch `index` has taken the rerun asked of it (or ended without it). */
  rerunTaken(index: number): void {
    delete this.state.batches[index].rerun;
  }

  /** A batch's report: its counts, and its end or what it holds and wants. False if it changes nothing. */
  takeReport(report: BatchReport): boolean {
    const batch = this.state.batches[report.index];
    if (!batch || batch.done) return false;
    batch.counts = report.counts;
    if (report.waiting && !report.done) batch.waiting = report.waiting;
    else delete batch.waiting;
    if (report.done) this.batchEnded(report.index);
    else reportBatch(this.pool, report.index, report);
    return true;
  }

  /**
   * Counts, progress and status from the batches, by Oro's rule; never final before the root stops
   * (`finalOnlyAtStop`: roots that ran before that said what the rule says at once).
   */
  recount(finalOnlyAtStop: boolean): void {
    const { state } = this;
    const counts = { ...this.endedCounts };
    for (const [index, batch] of state.batches.entries()) {
      if (batch.done) continue;
      const entry = this.pool.entries[index];
      batch.slots = entry ? heldBy(entry) : 0;
      addCounts(counts, batch.counts);
    }
    Object.assign(state, liveRootFigures(counts));
    if (!finalOnlyAtStop) state.status = rootStatus(counts);
  }

  /** An error that fails the root; the first one stands unless `replace`. */
  fail(error: string, { replace = true } = {}): void {
    if (replace || !this.state.error) this.state.error = error;
  }

  interrupted(): void {
    this.state.interrupted = true;
  }

  /** Paused, no child starts (running ones finish); false if it already was (or was not). */
  pause(paused: boolean, at: string): boolean {
    if (paused === this.state.paused) return false;
    this.state.paused = paused;
    if (paused) this.state.pausedAt = at;
    pausePool(this.pool, paused);
    return true;
  }

  /** A new parallel limit: up at once, down as running children finish. */
  resize(maxParallel: number): void {
    this.state.maxParallel = maxParallel;
    resizePool(this.pool, maxParallel);
  }

  /** Batch `index`'s workflow has started: the slots it was lent with its start are its own. */
  batchStarted(index: number): void {
    batchStarted(this.pool, index);
  }

  /**
   * Free slots lent to the earliest batches that can use them (`starting`: only these, or any), those started
   * together sharing them with `shareStarts` (slots.ts `grantSlots`).
   */
  grantSlots(starting?: Set<number>, shareStarts = false): { index: number; count: number }[] {
    return grantSlots(this.pool, starting, shareStarts);
  }

  /** Slots over the limit asked back; the batches asked. */
  recallSlots(): number[] {
    return recallSlots(this.pool);
  }

  /** Slots a lost batch run held, free again. */
  releaseQuarantine(held: number): void {
    releaseQuarantine(this.pool, held);
  }

  followUpsStarted(outcomes: FollowUpOutcome[]): void {
    this.state.followUps = outcomes;
  }

  /** What the root's concurrency key lets it lend. */
  lease(leased: number): void {
    this.pool.leased = leased;
  }

  /** Planning is over; `unplanned` keeps where it stopped early (interrupted, failed) for a rerun. */
  planningDone(unplanned?: { cursor: string | null }): void {
    if (unplanned) this.state.unplanned = unplanned;
    this.state.phase = 'running';
  }

  /** The root stops: its final status by the rule (failed when an error ended it), nothing paused. */
  stop(at: string): RootWorkflowState['status'] {
    const { state } = this;
    state.phase = 'stopped';
    state.stoppedAt = at;
    state.paused = false; // a stopped root starts nothing anyway
    state.status =
      state.error && !state.interrupted ? 'failed' : finalRootStatus(state.counts, state.interrupted);
    return state.status;
  }
}
