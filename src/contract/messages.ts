/** Signals and queries between clients, roots, batches, children and processor activities. */
import {
  type BatchSummary,
  type TopicDurations,
  type InFlightChild,
  type RerunnableStatus,
  type ChildJobState,
  type ChildRecord,
  type InterruptRequest,
  type JobStatus,
  type RootWorkflowState,
  type StatusCounts,
  type StoredChild,
  type WaitingChildren,
} from './jobs';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Interrupts a root, a batch or a child: graceful (`force: false`) or forced. */
export const interruptSignal = defineSignal<[InterruptRequest]>('interrupt');

// Root
export const rootJobQuery = defineQuery<RootWorkflowState>('rootJob');
/**
 * One page of a root's children as the root knows it: its record, its batches' counts summed, and only the
 * batches that hold the page — what an unfiltered status read needs, however many batches the root has.
 */
export interface RootPage extends Omit<RootWorkflowState, 'batches'> {
  /** Every batch's counts as the root shows them (children waiting in packs count as waiting), summed. */
  shown: StatusCounts;
  /** The batches holding the page, in order, each with the part of its children the page takes. */
  page: { index: number; offset: number; limit: number; batch: BatchSummary }[];
}
export const rootPageQuery = defineQuery<RootPage, [{ offset?: number; limit?: number }]>('rootPage');
/** What the root's controls answer: its record as it stands once the change is made. */
export type RootControlAnswer = Pick<
  RootWorkflowState,
  'id' | 'status' | 'phase' | 'paused' | 'pausedAt' | 'maxParallel' | 'counts'
>;
/** Pause (no child starts; running ones finish) or resume a root. */
export const pauseUpdate = defineUpdate<RootControlAnswer, [{ paused: boolean }]>('pause');
/** A new parallel limit, up or down; nothing running is stopped. */
export const scaleUpdate = defineUpdate<RootControlAnswer, [{ maxParallel: number }]>('scale');
/** Children that finished in these statuses run again, attempts going on (`jobs retry` on a running root). */
export interface RetryRequest {
  statuses: RerunnableStatus[];
}
export interface RetryAnswer {
  id: string;
  /** Children put back in line (for a running batch: as far as the root knew its counts). */
  rerun: number;
}
export const retryUpdate = defineUpdate<RetryAnswer, [RetryRequest]>('retry');
/** The memo key of a root's snapshot (a RootSnapshot), which status reads fall back on without a worker. */
export const SNAPSHOT_MEMO_KEY = 'jobSnapshot';
/** A job that ended `failed` fails its workflow with an ApplicationFailure of this type; its record is the
 * failure's first detail. */
export const JOB_FAILED_TYPE = 'JobFailed';
/** A job that ended `cancelled` closes its workflow Cancelled, which carries no result: its record is in its
 * memo under this key. */
export const FINAL_RECORD_MEMO_KEY = 'jobRecord';
/**
 * A slot lease, one shape for both its uses (a root lends its batches slots; a concurrency key lends its roots
 * slots). The holder reports counters that only grow, so a late or repeated report cannot undo a newer one.
 */
export interface LeaseReport {
  /** Slots received and given back so far (cumulative), and how many more it could use now. */
  received: number;
  released: number;
  wants: number;
}
/** The lender's grant: slots granted and asked back so far (both cumulative), so a late or repeated one changes nothing. */
export interface LeaseGrant {
  total: number;
  /** Slots asked back so far: a lower limit or a pause. */
  recalled?: number;
}
/** A batch's news for its root: counts, its side of the slot lease, and whether it has ended. */
export interface BatchReport extends LeaseReport {
  index: number;
  counts: StatusCounts;
  /** Processor times per topic, for packing in the root's next batches. */
  durations: TopicDurations;
  done: boolean;
  /** The last rerun request it has taken (its sequence number), if any. */
  reruns?: number;
  /** ChildBatchInput.rootRun: which root started the batch (absent from batches before it was kept). */
  rootRun?: string;
  /** Of the children `counts` says run, those waiting in their pack for a free slot (absent: none). */
  waiting?: WaitingChildren;
}
export const batchReportSignal = defineSignal<[BatchReport]>('batchReport');

// Batch
export interface BatchPageRequest {
  offset: number;
  limit: number;
  /** Only children in one of these statuses (as the batch's records say); all when absent. */
  statuses?: JobStatus[];
}
export interface BatchPage {
  counts: StatusCounts;
  /** Children handed to workers, by activity pack (activity mode), so reads can ask the server about them. */
  inFlight: InFlightChild[];
  matched: number;
  children: ChildRecord[];
  /**
   * When its root started this run of the batch (absent from batches before it was kept): a read takes a
   * batch created before the root it reads, left by an earlier root of the same name, for none of its own.
   */
  createdAt?: string;
}
export const batchPageQuery = defineQuery<BatchPage, [BatchPageRequest]>('batchPage');
export interface FoundChild {
  record: StoredChild;
  /** Its pack, while a worker has it (activity mode). */
  inFlight: InFlightChild | null;
  /** Interrupted while a worker has it. */
  interrupted: boolean;
  /** When its root started this run of the batch (as in `BatchPage`): one left by an earlier root is not read. */
  createdAt?: string;
}
export const findChildQuery = defineQuery<FoundChild | null, [string]>('findChild');
/** Which children of a pack are interrupted, and whether forced (asked by the pack's activity). */
export const packInterruptsQuery = defineQuery<Record<string, boolean>, [string]>('packInterrupts');
/** Its final children in these statuses run again (a rerun while it runs); `sequence` grows per request. */
export const rerunChildrenSignal =
  defineSignal<[{ sequence: number; statuses: RerunnableStatus[] }]>('rerunChildren');
export const interruptChildSignal = defineSignal<[{ name: string; force: boolean }]>('interruptChild');
/** Running slots the root lends the batch; the root can send it again when one may have been lost. */
export interface SlotGrant extends LeaseGrant {
  /**
   * What the root has heard its batches' processors take per topic: a batch that has not yet seen a topic's
   * children packs them as soon as another batch has (each batch starting unpacked halved packed speed).
   */
  durations: TopicDurations;
  /**
   * The batch run it is for (BatchSummary.run). Signals name a batch by id, so a grant sent to a run that has
   * closed can reach the rerun that replaced it; that run ignores it.
   */
  run?: number;
  /** Near the root's end, the most children one slot of a pack takes (packing.ts `endRounds`). */
  endRounds?: number;
}
export const grantSlotsSignal = defineSignal<[SlotGrant]>('grantSlots');
/** A child workflow's transitions (child-workflow mode), sent to its batch. */
export interface ChildTransition {
  name: string;
  /** Increases with every transition of one child, so a late signal never undoes a newer one. */
  sequence: number;
  status: 'running' | 'failed_redelivered';
  attempt: number;
  at: string;
  error: string | null;
}
export const childTransitionSignal = defineSignal<[ChildTransition]>('childTransition');
/** A child workflow's final record, sent before it closes Cancelled (which carries no result). */
export const childCancelledSignal = defineSignal<[ChildJobState]>('childCancelled');

// Child (child-workflow mode; sent by the processor activity to its own child workflow)
export const childJobQuery = defineQuery<ChildJobState>('childJob');
export interface AttemptStarted {
  attempt: number;
  at: string;
}
export const attemptStartedSignal = defineSignal<[AttemptStarted]>('attemptStarted');
export interface AttemptFailed {
  attempt: number;
  error: string;
  willRetry: boolean;
}
export const attemptFailedSignal = defineSignal<[AttemptFailed]>('attemptFailed');

// Concurrency key (a coordinating workflow per key, and its roots)
/**
 * A root's report to its key: cumulative counters. `join` (once per root run) adds it to the key, `done`
 * takes it out; a report from a root the key does not hold (a late one) changes nothing.
 */
export interface KeyReport extends LeaseReport {
  rootId: string;
  join?: boolean;
  done: boolean;
}
export const keyReportSignal = defineSignal<[KeyReport]>('keyReport');
/** The key's grant to a root. */
export const keyGrantSignal = defineSignal<[LeaseGrant]>('keyGrant');
/** Sets (or, with null, lifts) the key's limit. */
export const setKeyLimitSignal = defineSignal<[{ limit: number | null }]>('setKeyLimit');
/** One root's share of a concurrency key. */
export interface KeyRootView {
  /** The root's job id. */
  rootId: string;
  /** Slots it holds (its running children use at most these). */
  held: number;
  /** Slots its fair share allows it now. */
  allowed: number;
  /** Slots it would use beyond those it holds. */
  wants: number;
}
/** A concurrency key as its workflow keeps it (`JobClient.key`, `jobs key`). */
export interface KeyView {
  /** The key's name. */
  key: string;
  /** Children its roots may run at once in all; null: no limit set (the key limits nothing). */
  limit: number | null;
  /** Slots its roots hold now. */
  held: number;
  /** Its roots, with their shares. */
  roots: KeyRootView[];
}
export const keyQuery = defineQuery<KeyView>('concurrencyKey');

/**
 * A batch's end: every child's final record (status reads and reruns take them from it). A batch that
 * `keepsRecords` (ChildBatchInput) returns them empty with `recordsKept` set, the records being in its history as
 * a local activity's result (keep-batch-records.ts); readers give them back (client/batch-outcome.ts).
 */
export interface BatchResult {
  index: number;
  counts: StatusCounts;
  children: StoredChild[];
  recordsKept?: true;
}
