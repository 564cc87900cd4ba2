/**
 * What the job workflows ask of activities and what comes back: every activity's input and output, and the
 * activities' interface (JobActivities), which the workflows' stubs are typed by and the worker's
 * implementations (src/activities/) satisfy.
 */
import type { KeyReport } from './messages';
import type {
  ChildRunMode,
  FollowUpJob,
  FollowUpOutcome,
  PlannedChild,
  ProcessorOutcome,
  RetrySettings,
  StatusCounts,
  StoredChild,
} from './jobs';

export interface PackChild {
  name: string;
  topic: string;
  payload?: unknown;
  /** The attempt this dispatch is (1 for the first). */
  attempt: number;
  /** Its own attempt limit, when not the pack's (a rerun child goes on counting from its earlier attempts). */
  maxAttempts?: number;
}

/** The pack's batch and id come from the activity's own info (its workflow, its activity id). */
export interface RunChildrenInput {
  /** Running slots the pack holds: processors that may run at once. */
  slots: number;
  maxAttempts: number;
  children: PackChild[];
}

export interface ChildOutcome {
  name: string;
  status: 'success' | 'failed' | 'retry' | 'cancelled';
  attempt: number;
  startedAt: string | null;
  stoppedAt: string;
  result?: unknown;
  error?: string;
}

/** What a pack heartbeats: which children have begun, their progress, and the outcomes it already has. */
export interface PackHeartbeat {
  begun: string[];
  progress: Record<string, number>;
  done: Record<string, ChildOutcome>;
  /** How each child that has finished in this pack ended, kept even where `done` has no room for it. */
  ended?: Record<string, ChildOutcome['status']>;
  /** Attempts each child has lost to workers that died while it ran (jobs/lost-attempts.ts). */
  lost?: Record<string, number>;
  /** The activity attempt this heartbeat is from. */
  attempt?: number;
}

export interface RunChildProcessorInput {
  jobId: string;
  rootId: string;
  name: string;
  topic: string;
  payload: unknown;
  retry: RetrySettings;
  /** Attempts the job had used before it was rerun (`jobs retry`): this run's attempts count on from there. */
  attemptsBefore?: number;
}

export interface PlanChildrenInput {
  rootId: string;
  topic: string;
  payload: unknown;
  /** Where planning goes on (this activity's own cursor); null at first. */
  cursor: string | null;
  /** Children per batch at most. */
  pageSize: number;
  /** The most pages one call returns. */
  maxPages: number;
  /** The root's own choice of how every child runs, over its topic's (a workflow's id must fit the server). */
  runChildrenAs?: ChildRunMode;
  /**
   * Set when an earlier run of the root (before a continue-as-new) planned batches, as the root's start time:
   * the pages' names are checked against those batches' children too.
   */
  earlierBatchesSince?: string;
}

export interface PlannedPages {
  pages: PlannedChild[][];
  /** Where the next call goes on; null when every child is planned. */
  nextCursor: string | null;
  /** A name of the pages that a batch of an earlier run of the root already holds. */
  duplicate?: string;
}

export interface LoadedBatchRun {
  children: PlannedChild[];
  records: StoredChild[];
}

export interface BatchProbe {
  index: number;
  id: string;
}

/** A batch the root expected open that has closed: with its result's counts, or how it closed without one. */
export type ClosedBatch =
  { index: number; counts: StatusCounts } | { index: number; lost: string; runId: string };

export interface StartFollowUpJobsInput {
  rootId: string;
  followUps: FollowUpJob[];
}

/** A root whose batch's id is taken by a batch of an earlier root of its id. */
export interface EarlierBatchesInput {
  rootId: string;
  /** The root's first run id (its chain's, across continue-as-new) and when the chain started. */
  rootRun: string;
  rootStartedAt: string;
  /** The batch whose start collided. */
  batchId: string;
}

export interface JobActivities {
  /** Runs a root topic's planner: several pages of children a call. */
  planChildren(input: PlanChildrenInput): Promise<PlannedPages>;
  /** Runs a pack of children (activity mode). */
  runChildren(input: RunChildrenInput): Promise<ChildOutcome[]>;
  /** Runs one child's processor (child-workflow mode). */
  runChildProcessor(input: RunChildProcessorInput): Promise<ProcessorOutcome>;
  startFollowUpJobs(input: StartFollowUpJobsInput): Promise<FollowUpOutcome[]>;
  /** The latest run of a batch that has ended. */
  findBatchRun(input: { batchId: string }): Promise<{ runId: string }>;
  /** The children and records of an earlier run of a batch (rebuilt from its history if it left no result). */
  loadBatchRun(input: { batchId: string; runId: string }): Promise<LoadedBatchRun>;
  /** The counts of a batch whose last run closed without its result, from that run's history. */
  lostBatchCounts(input: { batchId: string }): Promise<StatusCounts>;
  /** Which of these batches have closed. */
  probeBatches(input: { batches: BatchProbe[] }): Promise<ClosedBatch[]>;
  /** Which of these batches are still open after waiting a little for them to close. */
  batchesStillOpen(input: { batchIds: string[] }): Promise<string[]>;
  joinConcurrencyKey(input: { key: string; report: KeyReport }): Promise<void>;
  /** Ends the batches an earlier root of this id left running (terminated while they ran); their ids. */
  endEarlierBatches(input: EarlierBatchesInput): Promise<string[]>;
  /** Asks the server to cancel a run (a workflow may not cancel itself). */
  cancelOwnRun(input: { workflowId: string; runId: string }): Promise<void>;
  /** A batch's final records, returned as given: a local activity, so they are kept in its history once. */
  keepBatchRecords(records: StoredChild[]): Promise<StoredChild[]>;
}
