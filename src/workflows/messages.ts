/** Signals and queries between clients, roots, batches, children and processor activities. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  ChildJobState,
  ChildPage,
  ChildPageRequest,
  ChildRecord,
  InterruptRequest,
  JobStatus,
  RootJobState,
  StatusCounts,
} from '../jobs/types';

/** Interrupts a root, a batch or a child: graceful (`force: false`) or forced. */
export const interruptSignal = defineSignal<[InterruptRequest]>('interrupt');

// Root
export const rootJobQuery = defineQuery<RootJobState>('rootJob');
export interface BatchReport {
  index: number;
  counts: StatusCounts;
  done: boolean;
}
export const batchReportSignal = defineSignal<[BatchReport]>('batchReport');

// Batch
export const childPageQuery = defineQuery<ChildPage, [ChildPageRequest]>('childPage');
export const findChildQuery = defineQuery<ChildRecord | null, [string]>('findChild');
export const interruptChildSignal = defineSignal<[{ name: string; force: boolean }]>('interruptChild');
/** Running slots handed from one batch to the next, so the root's parallel limit holds across batches. */
export const grantSlotsSignal = defineSignal<[number]>('grantSlots');
export interface ChildTransition {
  name: string;
  /** Increases with every transition of one child, so a late signal never undoes a newer one. */
  sequence: number;
  status: JobStatus;
  attempts: number;
  startedAt: string | null;
  error: string | null;
}
export const childTransitionSignal = defineSignal<[ChildTransition]>('childTransition');

// Child (sent by the processor activity to its own child workflow)
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
export const childProgressSignal = defineSignal<[number]>('childProgress');
