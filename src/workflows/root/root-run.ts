/**
 * A root while it runs: what it does when a batch reports or an interrupt comes (`interrupt()`), and what it
 * says outside (grants and interrupts to its batches, its JobStatus search attribute, the Web UI's details).
 * Its record, batches and slot pool are its ledger's (jobs/root-ledger.ts), where every change to them is made.
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
  proxySinks,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  type SignalDefinition,
} from '@temporalio/workflow';
import { endRounds, endRoundsOutdated, mergeDurations } from '../../jobs/packing';
import { RootLedger } from '../../jobs/root-ledger';
import { capacityOf, heldBy } from '../../jobs/slots';
import { describeProgress } from '../../jobs/status';
import { JobStatusAttribute } from '../../search-attributes';
import { notify } from '../notify';
import { grantSlotsSignal, interruptSignal, type BatchReport, type SlotGrant } from '../../contract/messages';
import type { JobSinks } from '../../contract/sinks';

const { localInterrupts } = proxySinks<JobSinks>();

/** A pack's heartbeat timeout: a lost batch run's children have surely stopped by then. */
const LOST_RUN_QUARANTINE_MS = 10_000;

/** A root says a final status only when it stops: no `success` while it still plans (patched; fixture). */
const NO_FINAL_STATUS_BEFORE_STOP = 'no-final-status-before-stop';

/**
 * Near the root's end, batches holding slots hear again of the children each slot may take as it shrinks; before
 * this a batch kept the share of its last grant, and its last packs ran on alone (patched; fixture).
 */
const FRESH_END_ROUNDS = 'fresh-end-rounds';

/** Interrupts go out to this many batches at a time (a run may have at most 2,000 signals in flight). */
const SIGNALS_AT_ONCE = 500;

export class RootRun {
  /** The root's record, batches and slot pool: every change to them is one of its methods. */
  readonly ledger: RootLedger;
  readonly durations: TopicDurations;
  forced: boolean;
  /** Batches whose workflow exists (every batch of an earlier run does). */
  readonly startedBatches: Set<number>;
  /** Batches an earlier run of the root planned (before a continue-as-new): their names it no longer holds. */
  readonly plannedEarlier: number;
  /** Signals sent and not yet delivered: a run that continues as new waits for them (the server drops a
   * signal whose sender has closed). */
  signalsInFlight = 0;
  /** The record changed since the last snapshot (snapshot.ts). */
  snapshotDue = true;
  /** Batches reopened for a rerun so far: the snapshot shows such a change at once (snapshot.ts). */
  reopened = 0;
  /** The end rounds each batch was last told with a grant (none: told of no end). */
  private readonly sentEndRounds = new Map<number, number | undefined>();
  /** The status the JobStatus search attribute says. */
  private shownStatus: RootWorkflowState['status'];
  /** The planner activity running now, if any. */
  planning: CancellationScope | undefined;
  /** Told of each batch run this run of the root starts, with the promise of its result (batch-watch.ts). */
  onBatchStarted: ((index: number, result: Promise<unknown>) => void) | undefined;
  /** Told of each batch that a new run will replace (reopened for a rerun, or replacing a lost run). */
  onBatchRerun: ((index: number) => void) | undefined;

  constructor(input: RootJobInput, carried: RootCarry | undefined, now: string, createdAt: string) {
    this.ledger = new RootLedger(input, carried, now, createdAt);
    this.shownStatus = this.state.status;
    this.durations = carried?.durations ?? {};
    this.forced = carried?.forced ?? false;
    this.startedBatches = new Set(this.state.batches.map((_, index) => index));
    this.plannedEarlier = this.state.batches.length;
    this.releaseLater(this.pool.quarantined ?? 0); // quarantined before a continue-as-new
  }

  /** The root's record (read it; change it through the ledger). */
  get state(): Readonly<RootWorkflowState> {
    return this.ledger.state;
  }

  get pool(): Readonly<SlotPool> {
    return this.ledger.pool;
  }

  get allDone(): boolean {
    return this.ledger.allDone;
  }

  /** Batches running or waiting for slots. */
  get openBatches(): number {
    return this.ledger.openBatches;
  }

  /** An ended batch runs again (a rerun), with `counts`, asking for `wants` slots. */
  batchReopened(index: number, counts: StatusCounts, wants: number): void {
    this.ledger.batchReopened(index, counts, wants);
    this.reopened++;
    this.onBatchRerun?.(index);
  }

  /**
   * Batch `index` (open) closed without its result and a new run replaces it, expecting `counts`: the slots
   * the closed run held are free again (its children no longer run), and the new one asks for none.
   */
  batchReplaced(index: number, counts: StatusCounts): void {
    const held = this.ledger.batchReplaced(index, counts);
    this.onBatchRerun?.(index);
    // What it held goes back to the pool once its workers have surely stopped its children (they learn of
    // the close at their next heartbeat; a heartbeat missed for this long means the worker is gone).
    this.releaseLater(held);
  }

  /** Quarantined slots go back to the pool after LOST_RUN_QUARANTINE_MS. */
  private releaseLater(held: number): void {
    if (held === 0) return;
    void CancellationScope.nonCancellable(() => sleep(LOST_RUN_QUARANTINE_MS)).then(() => {
      this.ledger.releaseQuarantine(held);
      this.lendSlots();
      this.refresh();
    });
  }

  /** Batch `index` closed without its result and could not be replaced (RootLedger.batchLost). */
  batchLost(index: number, error: string, fromHistory?: StatusCounts): void {
    if (!this.ledger.batchLost(index, error, fromHistory)) return;
    this.lendSlots();
    this.refresh();
  }

  /** A reopened batch could not start again: it stays as its earlier run ended, and the root says why. */
  rerunFailed(index: number, error: string): void {
    this.ledger.rerunFailed(index, error);
    this.lendSlots();
    this.refresh();
  }

  /** Counts, progress and status from the batches, by Oro's rule. */
  refresh(): void {
    // Roots that ran before this said what Oro's rule says at once (success while pages remained unplanned).
    this.ledger.recount(patched(NO_FINAL_STATUS_BEFORE_STOP));
    this.showStatus();
    this.showDetails();
  }

  /** The root stops (RootLedger.stop): its final status, said in the search attribute and the Web UI. */
  stop(at: string): RootWorkflowState['status'] {
    const status = this.ledger.stop(at);
    this.showStatus();
    this.showDetails();
    return status;
  }

  /** The JobStatus search attribute follows the record's status. */
  private showStatus(): void {
    if (this.state.status === this.shownStatus) return;
    this.shownStatus = this.state.status;
    upsertSearchAttributes([{ key: JobStatusAttribute, value: this.state.status }]);
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

  /**
   * Once every child is planned and fewer wait than full packs on every slot: the most children one slot of a
   * pack takes, so that the last ones are shared evenly among the slots (packing.ts `endRounds`).
   */
  endRounds(planned: boolean): number | undefined {
    return planned ? endRounds(this.state.counts.new, capacityOf(this.pool)) : undefined;
  }

  /** Tells a batch the total of slots lent to it and asked back (so a repeated grant is harmless). */
  sendGrant(index: number): void {
    const entry = this.pool.entries[index];
    if (!entry) return;
    const { id, run } = this.state.batches[index];
    const grant: SlotGrant = { total: entry.granted, durations: this.durations, ...(run ? { run } : {}) };
    if (entry.recalled) grant.recalled = entry.recalled;
    const rounds = this.endRounds(this.state.phase !== 'planning');
    if (rounds !== undefined) grant.endRounds = rounds;
    this.endRoundsSent(index, rounds);
    this.send(id, grantSlotsSignal, grant);
  }

  /** Batch `index` was told `rounds` (with a grant, or with its start). */
  endRoundsSent(index: number, rounds: number | undefined): void {
    this.sentEndRounds.set(index, rounds);
  }

  /** Batches holding slots whose end rounds have fallen well below what they were told hear it again. */
  private resendEndRounds(): void {
    const rounds = this.endRounds(this.state.phase !== 'planning');
    if (rounds === undefined) return;
    for (const [key, entry] of Object.entries(this.pool.entries)) {
      const index = Number(key);
      if (entry.starting || heldBy(entry) === 0 || this.state.batches[index]?.done !== false) continue;
      if (!endRoundsOutdated(this.sentEndRounds.get(index), rounds) || !patched(FRESH_END_ROUNDS)) continue;
      this.sendGrant(index);
    }
  }

  /** Slots over the limit are asked back; free slots go to the earliest batches that can use them. */
  lendSlots(): void {
    const changed = new Set(this.ledger.recallSlots());
    for (const { index } of this.ledger.grantSlots()) changed.add(index);
    for (const index of changed) this.sendGrant(index);
  }

  /** Its concurrency key could not be joined (a root from before it joined first): it starts nothing more. */
  failWithoutKey(error: string): void {
    this.ledger.fail(error, { replace: false });
    this.interrupt(false);
  }

  /** Children that have not started never will; running ones finish unless forced. Planning stops. */
  interrupt(force: boolean): void {
    const { state } = this;
    if (state.phase === 'stopped') return;
    this.ledger.interrupted();
    this.forced ||= force;
    // Packs of its children on this worker stop beginning children now, before the batches hear of it.
    localInterrupts.rootInterrupted(this.forced);
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
    if (!this.ledger.takeReport(report)) return;
    mergeDurations(this.durations, report.durations);
    this.lendSlots();
    this.refresh();
    this.resendEndRounds();
  }
}
