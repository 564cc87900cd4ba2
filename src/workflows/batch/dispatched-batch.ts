/** What a batch's two ways of running children (activity-packs.ts, child-workflows.ts) share of it. */
import type { TopicDurations, ChildBatchInput } from '../../contract/jobs';
import type { ChildBook } from '../../jobs/child-book';
import type { HeldLease } from '../../jobs/slots';
import type { ChildEvent } from '../../jobs/transitions';

export interface DispatchedBatch {
  readonly input: ChildBatchInput;
  readonly book: ChildBook;
  readonly lease: HeldLease;
  readonly durations: TopicDurations;
  /** Children handed to workers that are interrupted meanwhile, and whether forced. */
  readonly interrupts: Map<number, boolean>;
  change(index: number, event: ChildEvent): void;
  now(): string;
}
