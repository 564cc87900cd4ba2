/**
 * What a batch does with its children: hands them to workers — as packs of activities (`launchPack`) or as
 * child workflows (`launchChildWorkflow`) — applies what comes back, schedules retries, and delivers
 * interrupts (`interrupt`). Every status change goes through the ChildBook's guarded transitions.
 */
import type { PackHeartbeat, ChildOutcome } from '../../contract/activities';
import {
  type TopicDurations,
  type InFlightChild,
  type ChildBatchInput,
  type ChildJobState,
} from '../../contract/jobs';
import {
  ActivityFailure,
  CancellationScope,
  TimeoutFailure,
  isCancellation,
  patched,
  ParentClosePolicy,
  sleep,
  startChild,
} from '@temporalio/workflow';
import type { ChildBook, Pack } from '../../jobs/child-book';
import { observeDuration } from '../../jobs/packing';
import { retryDelayMs } from '../../jobs/retry';
import type { BatchLease } from '../../jobs/slots';
import { isFinal } from '../../jobs/status';
import type { ChildEvent } from '../../jobs/transitions';
import { newJobSearchAttributes } from '../../search-attributes';
import { packActivity } from '../activity-proxies';
import { childJobWorkflow } from '../child/child-workflow';
import { failureMessage } from '../failure-message';
import { closedJob } from '../job-close';
import { notify } from '../notify';
import { interruptSignal } from '../../contract/messages';

const PACK_SCOPES = 'pack-scopes';

/** The last heartbeat of a pack whose worker was lost for good (a heartbeat timeout the server did not retry). */
function lostPackHeartbeat(err: unknown): PackHeartbeat | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof TimeoutFailure)) return undefined;
  const beat = cause.lastHeartbeatDetails as Partial<PackHeartbeat> | undefined;
  return beat && Array.isArray(beat.begun) && beat.done ? (beat as PackHeartbeat) : undefined;
}

interface RunningPack extends Pack {
  scope: CancellationScope;
}

export class BatchDispatcher {
  readonly lease: BatchLease;
  readonly durations: TopicDurations;
  /** Children handed to workers that are interrupted meanwhile, and whether forced. */
  private readonly interrupts = new Map<number, boolean>();
  private readonly packs = new Map<string, RunningPack>();
  private packScope: CancellationScope | undefined;
  /** Each pack has a scope of its own, and a lost pack goes on from its heartbeat (patched; fixture lost-pack). */
  private readonly ownScopes = patched(PACK_SCOPES);
  private readonly packOf = new Map<number, string>();
  private readonly childWorkflows = new Set<number>();
  /** Records that cancelled child workflows told before closing (a Cancelled close carries none). */
  private readonly cancelledRecords = new Map<number, ChildJobState>();

  constructor(
    private readonly input: ChildBatchInput,
    readonly book: ChildBook,
    private readonly changed: () => void,
  ) {
    this.lease = { received: input.slots, released: 0, inFlight: 0 };
    this.durations = { ...input.durations };
  }

  private now(): string {
    return new Date().toISOString();
  }

  private change(index: number, event: ChildEvent): void {
    if (this.book.apply(index, event)) this.changed();
  }

  /**
   * Runs a pack of children (already dispatched in the book) in one activity task, within its slots. Written
   * with one `then` rather than async/await: the SDK records a stack trace for every promise a workflow
   * makes, and this runs once per pack.
   */
  launchPack(pack: Pack): void {
    const { indexes, slots } = pack;
    const names = indexes.map((index) => this.book.specs[index].name);
    const id = names.length === 1 ? names[0] : `${names[0]} +${names.length - 1}`;
    const summary =
      names.length === 1 ? id : `${names.length} children: ${names[0]} … ${names[names.length - 1]}`;
    // An interrupt cancels the pack that holds the child, and no other: a cancelled activity is never retried
    // by the server, so a lost worker would otherwise take every running pack's retries away. (Batches that ran
    // before shared one scope among their packs until an interrupt, and replay that way.)
    const scope = this.ownScopes ? new CancellationScope() : (this.packScope ??= new CancellationScope());
    this.packs.set(id, { indexes, slots, scope });
    for (const index of indexes) this.packOf.set(index, id);
    this.lease.inFlight += slots;
    const runChildren = packActivity(this.input.retry, this.input.childTimeoutMs, id, summary);
    const { maxAttempts } = this.input.retry;
    const children = indexes.map((index) => {
      const { name, topic, payload } = this.book.specs[index];
      const child = { name, topic, payload, attempt: this.book.records[index].attempts + 1 };
      const limit = this.book.attemptLimit(index, maxAttempts);
      return limit === maxAttempts ? child : { ...child, maxAttempts: limit };
    });
    void scope
      .run(() => runChildren({ slots, maxAttempts, children }))
      .then(
        (outcomes) => {
          outcomes.forEach((outcome, position) => this.settle(indexes[position], outcome));
          this.packEnded(id, pack);
        },
        (err: unknown) => {
          this.packFailed(indexes, err);
          this.packEnded(id, pack);
        },
      );
  }

  /** The pack's activity did not complete: cancelled before any worker began it, or failed outright. */
  private packFailed(indexes: number[], err: unknown): void {
    const lost = this.ownScopes ? lostPackHeartbeat(err) : undefined;
    if (lost) {
      this.packLost(indexes, lost);
      return;
    }
    if (isCancellation(err)) {
      // The interrupted children never start; the rest wait again.
      for (const index of indexes) {
        if (this.interrupts.has(index)) this.change(index, { type: 'cancel', at: this.now() });
        else if (this.book.apply(index, { type: 'withdraw' })) this.book.enqueue(index);
      }
    } else {
      const error = `its activity failed: ${failureMessage(err)}`;
      for (const index of indexes) this.change(index, { type: 'fail', error, at: this.now() });
    }
  }

  /**
   * The pack's last worker was lost and the server will not try it again (its retries are used up, or its
   * cancel was asked): each child ends or goes on as its last heartbeat says. A child with an outcome takes
   * it; one that had begun lost an attempt (retried while it has attempts left); one that had not goes back in
   * line; an interrupted one that had not finished is cancelled.
   */
  private packLost(indexes: number[], beat: PackHeartbeat): void {
    const begun = new Set(beat.begun);
    const at = this.now();
    for (const index of indexes) {
      const { name } = this.book.specs[index];
      const outcome = beat.done[name];
      if (outcome) {
        this.settle(index, outcome);
        continue;
      }
      if (this.interrupts.has(index)) {
        this.change(index, { type: 'cancel', at });
        continue;
      }
      const attempt =
        this.book.records[index].attempts + (beat.lost?.[name] ?? 0) + (begun.has(name) ? 1 : 0);
      const limit = this.book.attemptLimit(index, this.input.retry.maxAttempts);
      const error = `the worker running attempt ${attempt} was lost`;
      if (attempt >= limit && attempt > this.book.records[index].attempts) {
        this.change(index, { type: 'fail', attempt, at, error: `No attempts left: ${error}.` });
      } else if (attempt > this.book.records[index].attempts) {
        this.settle(index, { name, status: 'retry', attempt, startedAt: null, stoppedAt: at, error });
      } else if (this.book.apply(index, { type: 'withdraw' })) {
        this.book.enqueue(index);
      }
    }
  }

  private packEnded(id: string, { indexes, slots }: Pack): void {
    this.lease.inFlight -= slots;
    this.packs.delete(id);
    for (const index of indexes) {
      this.packOf.delete(index);
      this.interrupts.delete(index);
    }
  }

  private settle(index: number, outcome: ChildOutcome): void {
    const { attempt, startedAt, stoppedAt: at, error = '' } = outcome;
    if (startedAt)
      observeDuration(this.durations, this.book.specs[index].topic, Date.parse(at) - Date.parse(startedAt));
    switch (outcome.status) {
      case 'success':
        return this.change(index, { type: 'succeed', attempt, at, startedAt, result: outcome.result });
      case 'failed':
        return this.change(index, { type: 'fail', attempt, at, startedAt, error });
      case 'cancelled':
        return this.change(index, { type: 'cancel', attempt, at, startedAt });
      case 'retry':
        if (this.interrupts.has(index)) return this.change(index, { type: 'cancel', attempt, at, startedAt });
        this.change(index, { type: 'retry', attempt, error, startedAt });
        void CancellationScope.nonCancellable(() => sleep(retryDelayMs(this.input.retry, attempt))).then(() =>
          this.book.enqueue(index),
        );
    }
  }

  /** Runs child `index` (already dispatched in the book) as a workflow of its own. */
  async launchChildWorkflow(index: number): Promise<void> {
    const record = this.book.records[index];
    const { payload } = this.book.specs[index];
    const attemptsBefore = this.book.attemptsBeforeRerun(index);
    this.childWorkflows.add(index);
    this.lease.inFlight++;
    try {
      const child = await startChild(childJobWorkflow, {
        workflowId: record.id,
        args: [
          {
            id: record.id,
            rootId: this.input.rootId,
            ownerId: this.input.ownerId,
            name: record.name,
            topic: record.topic,
            payload,
            retry: this.input.retry,
            childTimeoutMs: this.input.childTimeoutMs,
            createdAt: this.input.createdAt,
            ...(attemptsBefore > 0 ? { attemptsBefore } : {}),
          },
        ],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `${record.name} (${record.topic})`,
        typedSearchAttributes: newJobSearchAttributes(
          'child',
          record.name,
          this.input.rootId,
          this.input.ownerId,
        ),
      });
      // An interrupt that came while the child was being started reaches it now.
      const force = this.interrupts.get(index);
      if (force !== undefined) notify(record.id, interruptSignal, { force });
      this.settleChildWorkflow(index, await child.result());
    } catch (err) {
      // A job that ended failed or cancelled closes its workflow so (job-close.ts).
      const closed = closedJob<ChildJobState>(err);
      if (closed === 'cancelled') {
        const told = this.cancelledRecords.get(index);
        if (told) this.settleChildWorkflow(index, told);
        else this.change(index, { type: 'cancel', at: this.now() });
      } else if (closed) this.settleChildWorkflow(index, closed.record);
      else {
        const error = `child workflow ended abnormally: ${failureMessage(err)}`;
        this.change(index, { type: 'fail', error, at: this.now() });
      }
    } finally {
      this.lease.inFlight--;
      this.childWorkflows.delete(index);
      this.cancelledRecords.delete(index);
      this.interrupts.delete(index);
    }
  }

  private settleChildWorkflow(index: number, final: ChildJobState): void {
    const { attempts: attempt, startedAt, stoppedAt, error, result } = final;
    const at = stoppedAt ?? this.now();
    if (final.status === 'success') this.change(index, { type: 'succeed', attempt, at, startedAt, result });
    else if (final.status === 'cancelled') this.change(index, { type: 'cancel', attempt, at, startedAt });
    else this.change(index, { type: 'fail', attempt, at, startedAt, error: error ?? 'failed' });
  }

  /** A child workflow's final record, told before it closes Cancelled. */
  childCancelled(record: ChildJobState): void {
    const index = this.book.indexOf(record.name);
    if (index !== undefined && this.childWorkflows.has(index)) this.cancelledRecords.set(index, record);
  }

  /** A child workflow's own transitions (it began an attempt, or one failed and another follows). */
  childTransition(index: number, event: ChildEvent): void {
    this.change(index, event);
  }

  /**
   * Interrupts child `index`: one that waits never starts; one handed to a worker finishes its work unless
   * forced (its pack's activity asks which of its children are forced).
   */
  interrupt(index: number, force: boolean): void {
    const record = this.book.records[index];
    if (isFinal(record.status)) return;
    if (record.status !== 'running') {
      this.change(index, { type: 'cancel', at: this.now() });
      return;
    }
    this.interrupts.set(index, force || (this.interrupts.get(index) ?? false));
    const pack = this.packOf.get(index);
    const scope = pack ? this.packs.get(pack)?.scope : undefined;
    if (scope) {
      scope.cancel();
      if (scope === this.packScope) this.packScope = undefined; // later packs get a fresh one
    } else if (this.childWorkflows.has(index)) notify(record.id, interruptSignal, { force });
  }

  isInterrupted(index: number): boolean {
    return this.interrupts.has(index);
  }

  /** For the pack's activity: which of its children are interrupted, and whether forced. */
  packInterrupts(pack: string): Record<string, boolean> {
    const answer: Record<string, boolean> = {};
    for (const index of this.packs.get(pack)?.indexes ?? []) {
      const force = this.interrupts.get(index);
      if (force !== undefined) answer[this.book.specs[index].name] = force;
    }
    return answer;
  }

  /**
   * Children handed to workers, for status reads (which ask the server whether a worker has begun them). Only
   * those the book counts running: a child workflow waiting out a retry's backoff is open but counted
   * failed_redelivered, and reads would otherwise count it out of `running` a second time.
   */
  inFlight(): InFlightChild[] {
    return [...this.packOf.keys(), ...this.childWorkflows]
      .filter((index) => this.book.records[index].status === 'running')
      .map((index) => this.inFlightOf(index)!);
  }

  inFlightOf(index: number): InFlightChild | null {
    if (this.childWorkflows.has(index)) {
      const { name, id } = this.book.records[index];
      return { name, pack: id, workflow: true, attempts: 0, first: true };
    }
    const id = this.packOf.get(index);
    const pack = id === undefined ? undefined : this.packs.get(id);
    if (!id || !pack) return null;
    const { name } = this.book.specs[index];
    // A pack starts its children in order, as many at once as it has slots.
    const first = pack.indexes.indexOf(index) < pack.slots;
    return { name, pack: id, attempts: this.book.records[index].attempts, first };
  }
}
