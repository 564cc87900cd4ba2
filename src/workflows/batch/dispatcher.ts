/**
 * What a batch does with its children: hands them to workers — as packs of activities (activity-packs.ts) or
 * as child workflows (child-workflows.ts) — and delivers interrupts (`interrupt`). Every status change goes
 * through the ChildBook's guarded transitions (`change`).
 */
import type {
  TopicDurations,
  InFlightChild,
  ChildBatchInput,
  ChildJobState,
  WaitingChildren,
} from '../../contract/jobs';
import type { ChildBook, Pack } from '../../jobs/child-book';
import type { HeldLease } from '../../jobs/slots';
import { isFinal } from '../../jobs/status';
import type { ChildEvent } from '../../jobs/transitions';
import { ActivityPacks } from './activity-packs';
import { ChildWorkflows } from './child-workflows';
import type { DispatchedBatch } from './dispatched-batch';

export class BatchDispatcher implements DispatchedBatch {
  readonly lease: HeldLease;
  readonly durations: TopicDurations;
  readonly interrupts = new Map<number, boolean>();
  private readonly packs: ActivityPacks;
  private readonly childWorkflows: ChildWorkflows;

  constructor(
    readonly input: ChildBatchInput,
    readonly book: ChildBook,
    private readonly changed: () => void,
  ) {
    this.lease = { received: input.slots, released: 0, inFlight: 0 };
    this.durations = { ...input.durations };
    this.packs = new ActivityPacks(this);
    this.childWorkflows = new ChildWorkflows(this);
  }

  now(): string {
    return new Date().toISOString();
  }

  change(index: number, event: ChildEvent): void {
    if (this.book.apply(index, event)) this.changed();
  }

  /** Runs a pack of children (already dispatched in the book) in one activity task, within its slots. */
  launchPack(pack: Pack): void {
    this.packs.launch(pack);
  }

  /** Runs child `index` (already dispatched in the book) as a workflow of its own. */
  launchChildWorkflow(index: number): Promise<void> {
    return this.childWorkflows.launch(index);
  }

  /** A child workflow's final record, told before it closes Cancelled. */
  childCancelled(record: ChildJobState): void {
    this.childWorkflows.cancelled(record);
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
    if (!this.packs.interrupt(index)) this.childWorkflows.interrupt(index, force);
  }

  isInterrupted(index: number): boolean {
    return this.interrupts.has(index);
  }

  /** For the pack's activity: which of its children are interrupted, and whether forced. */
  packInterrupts(pack: string): Record<string, boolean> {
    return this.packs.packInterrupts(pack);
  }

  /**
   * Children handed to workers, for status reads (which ask the server whether a worker has begun them). Only
   * those the book counts running: a child workflow waiting out a retry's backoff is open but counted
   * failed_redelivered, and reads would otherwise count it out of `running` a second time.
   */
  inFlight(): InFlightChild[] {
    return [...this.packs.indexes(), ...this.childWorkflows.indexes()]
      .filter((index) => this.book.records[index].status === 'running')
      .map((index) => this.inFlightOf(index)!);
  }

  /** Children in packs waiting for a free slot (child workflows each run as soon as a worker takes them). */
  waiting(): WaitingChildren {
    return this.packs.waiting();
  }

  inFlightOf(index: number): InFlightChild | null {
    return this.childWorkflows.inFlightOf(index) ?? this.packs.inFlightOf(index);
  }
}
