/**
 * A batch's children in activity mode: packs of them, each run in one activity task within its slots
 * (`launch`), what comes back applied, retries scheduled, and an interrupt delivered by cancelling the pack
 * that holds the child (its activity then asks which of its children are interrupted).
 */
import type { PackHeartbeat, ChildOutcome } from '../../contract/activities';
import type { InFlightChild, WaitingChildren } from '../../contract/jobs';
import {
  ActivityFailure,
  CancellationScope,
  TimeoutFailure,
  isCancellation,
  patched,
  sleep,
} from '@temporalio/workflow';
import type { Pack } from '../../jobs/child-book';
import { observeDuration } from '../../jobs/packing';
import { retryDelayMs } from '../../jobs/retry';
import { packActivity } from '../activity-proxies';
import { failureMessage } from '../failure-message';
import type { DispatchedBatch } from './dispatched-batch';

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

export class ActivityPacks {
  private readonly packs = new Map<string, RunningPack>();
  private packScope: CancellationScope | undefined;
  /** Each pack has a scope of its own, and a lost pack goes on from its heartbeat (patched; fixture lost-pack). */
  private readonly ownScopes = patched(PACK_SCOPES);
  private readonly packOf = new Map<number, string>();

  constructor(private readonly batch: DispatchedBatch) {}

  /**
   * Runs a pack of children (already dispatched in the book) in one activity task, within its slots. Written
   * with one `then` rather than async/await: the SDK records a stack trace for every promise a workflow
   * makes, and this runs once per pack.
   */
  launch(pack: Pack): void {
    const { indexes, slots } = pack;
    const names = indexes.map((index) => this.batch.book.specs[index].name);
    const id = names.length === 1 ? names[0] : `${names[0]} +${names.length - 1}`;
    const summary =
      names.length === 1 ? id : `${names.length} children: ${names[0]} … ${names[names.length - 1]}`;
    // An interrupt cancels the pack that holds the child, and no other: a cancelled activity is never retried
    // by the server, so a lost worker would otherwise take every running pack's retries away. (Batches that ran
    // before shared one scope among their packs until an interrupt, and replay that way.)
    const scope = this.ownScopes ? new CancellationScope() : (this.packScope ??= new CancellationScope());
    this.packs.set(id, { indexes, slots, scope });
    for (const index of indexes) this.packOf.set(index, id);
    this.batch.lease.inFlight += slots;
    const runChildren = packActivity(this.batch.input.retry, this.batch.input.childTimeoutMs, id, summary);
    const { maxAttempts } = this.batch.input.retry;
    const children = indexes.map((index) => {
      const { name, topic, payload } = this.batch.book.specs[index];
      const child = { name, topic, payload, attempt: this.batch.book.records[index].attempts + 1 };
      const limit = this.batch.book.attemptLimit(index, maxAttempts);
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
        if (this.batch.interrupts.has(index))
          this.batch.change(index, { type: 'cancel', at: this.batch.now() });
        else if (this.batch.book.apply(index, { type: 'withdraw' })) this.batch.book.enqueue(index);
      }
    } else {
      const error = `its activity failed: ${failureMessage(err)}`;
      for (const index of indexes) this.batch.change(index, { type: 'fail', error, at: this.batch.now() });
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
    const at = this.batch.now();
    for (const index of indexes) {
      const { name } = this.batch.book.specs[index];
      const outcome = beat.done[name];
      if (outcome) {
        this.settle(index, outcome);
        continue;
      }
      if (this.batch.interrupts.has(index)) {
        this.batch.change(index, { type: 'cancel', at });
        continue;
      }
      const attempt =
        this.batch.book.records[index].attempts + (beat.lost?.[name] ?? 0) + (begun.has(name) ? 1 : 0);
      const limit = this.batch.book.attemptLimit(index, this.batch.input.retry.maxAttempts);
      const error = `the worker running attempt ${attempt} was lost`;
      if (attempt >= limit && attempt > this.batch.book.records[index].attempts) {
        this.batch.change(index, { type: 'fail', attempt, at, error: `No attempts left: ${error}.` });
      } else if (attempt > this.batch.book.records[index].attempts) {
        this.settle(index, { name, status: 'retry', attempt, startedAt: null, stoppedAt: at, error });
      } else if (this.batch.book.apply(index, { type: 'withdraw' })) {
        this.batch.book.enqueue(index);
      }
    }
  }

  private packEnded(id: string, { indexes, slots }: Pack): void {
    this.batch.lease.inFlight -= slots;
    this.packs.delete(id);
    for (const index of indexes) {
      this.packOf.delete(index);
      this.batch.interrupts.delete(index);
    }
  }

  private settle(index: number, outcome: ChildOutcome): void {
    const { attempt, startedAt, stoppedAt: at, error = '' } = outcome;
    if (startedAt)
      observeDuration(
        this.batch.durations,
        this.batch.book.specs[index].topic,
        Date.parse(at) - Date.parse(startedAt),
      );
    switch (outcome.status) {
      case 'success':
        return this.batch.change(index, { type: 'succeed', attempt, at, startedAt, result: outcome.result });
      case 'failed':
        return this.batch.change(index, { type: 'fail', attempt, at, startedAt, error });
      case 'cancelled':
        return this.batch.change(index, { type: 'cancel', attempt, at, startedAt });
      case 'retry':
        if (this.batch.interrupts.has(index))
          return this.batch.change(index, { type: 'cancel', attempt, at, startedAt });
        this.batch.change(index, { type: 'retry', attempt, error, startedAt });
        void CancellationScope.nonCancellable(() =>
          sleep(retryDelayMs(this.batch.input.retry, attempt)),
        ).then(() => this.batch.book.enqueue(index));
    }
  }

  /** Cancels the pack that holds child `index` (running); false if no pack holds it. */
  interrupt(index: number): boolean {
    const pack = this.packOf.get(index);
    const scope = pack ? this.packs.get(pack)?.scope : undefined;
    if (!scope) return false;
    scope.cancel();
    if (scope === this.packScope) this.packScope = undefined; // later packs get a fresh one
    return true;
  }

  /** For the pack's activity: which of its children are interrupted, and whether forced. */
  packInterrupts(pack: string): Record<string, boolean> {
    const answer: Record<string, boolean> = {};
    for (const index of this.packs.get(pack)?.indexes ?? []) {
      const force = this.batch.interrupts.get(index);
      if (force !== undefined) answer[this.batch.book.specs[index].name] = force;
    }
    return answer;
  }

  /**
   * Children in a pack beyond its slots, which its activity begins only as others finish: what a status read
   * of the root shows as waiting without asking the server about each pack (its first `slots` count running).
   */
  waiting(): WaitingChildren {
    const waiting = { new: 0, failed_redelivered: 0 };
    for (const { indexes, slots } of this.packs.values()) {
      for (const index of indexes.slice(slots)) {
        const { status, attempts } = this.batch.book.records[index];
        if (status === 'running') waiting[attempts > 0 ? 'failed_redelivered' : 'new']++;
      }
    }
    return waiting;
  }

  /** Children in a pack now. */
  indexes(): number[] {
    return [...this.packOf.keys()];
  }

  inFlightOf(index: number): InFlightChild | null {
    const id = this.packOf.get(index);
    const pack = id === undefined ? undefined : this.packs.get(id);
    if (!id || !pack) return null;
    const { name } = this.batch.book.specs[index];
    // A pack starts its children in order, as many at once as it has slots.
    const first = pack.indexes.indexOf(index) < pack.slots;
    return { name, pack: id, attempts: this.batch.book.records[index].attempts, first };
  }
}
