/**
 * Shared types of the job engine. Workflow code imports this file, so it must stay free of Node APIs.
 */

export const JOB_STATUSES = [
  'new',
  'running',
  'success',
  'failed',
  'failed_redelivered',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type StatusCounts = Record<JobStatus, number>;

/** One small job as a root's processor plans it (the seed's `createDelayed(name, …)`). */
export interface ChildSpec {
  name: string;
  topic: string;
  payload?: unknown;
}

/** How a child's processor is retried when it throws. */
export interface RetrySettings {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
}

/** What a status answer shows of one child. Timestamps are ISO-8601 strings, or null while unknown. */
export interface ChildRecord {
  id: string;
  name: string;
  topic: string;
  status: JobStatus;
  attempts: number;
  error: string | null;
  progress: number;
  createdAt: string | null;
  startedAt: string | null;
  stoppedAt: string | null;
}

/** A child's own record, as its workflow answers it: also its root and its processor's result. */
export interface ChildJobState extends ChildRecord {
  kind: 'child';
  rootId: string;
  interrupted: boolean;
  result: unknown;
}

/** When follow-up jobs start, by the root's final status. */
export type FollowUpCondition = 'success' | 'failed' | 'cancelled';

/** A job to start when its root stops (Oro's dependent jobs). */
export interface FollowUpJob {
  topic: string;
  payload?: unknown;
  /** Job name of the follow-up root (default: its topic). */
  name?: string;
}

export interface FollowUpOutcome {
  topic: string;
  id: string;
  started: boolean;
  error: string | null;
}

export interface RootJobInput {
  id: string;
  name: string;
  topic: string;
  ownerId: string;
  payload?: unknown;
  maxParallel: number;
  retry: RetrySettings;
  followUps: FollowUpJob[];
  followUpOn: FollowUpCondition[];
  /** Children per batch workflow (see README, "Fan-out design"). */
  batchSize: number;
  /** How long one attempt of a child's processor may run. */
  childTimeoutMs: number;
  /** The root continues as new past this many history events (its state is small: counts per batch). */
  continueAsNewAfterEvents: number;
}

/** What a batch workflow needs to run its share of a root's children. */
export interface ChildBatchInput {
  rootId: string;
  ownerId: string;
  index: number;
  children: ChildSpec[];
  /** The batch that receives this one's running slots once it has nothing left to start. */
  nextBatchId: string | null;
  retry: RetrySettings;
  childTimeoutMs: number;
  createdAt: string;
}

export interface ChildJobInput {
  id: string;
  rootId: string;
  ownerId: string;
  name: string;
  topic: string;
  payload?: unknown;
  retry: RetrySettings;
  childTimeoutMs: number;
  createdAt: string;
}

/** What a processor activity reports back to its child workflow. */
export type ProcessorOutcome = { outcome: 'success'; result: unknown } | { outcome: 'failed'; error: string };

/** A root's batch, as the root knows it from the batch's reports. */
export interface BatchSummary {
  id: string;
  size: number;
  counts: StatusCounts;
  done: boolean;
}

export type RootPhase = 'planning' | 'running' | 'stopped';

/** A root job's own record: what every status answer about it starts with. */
export interface RootRecord {
  id: string;
  name: string;
  topic: string;
  ownerId: string;
  status: JobStatus;
  interrupted: boolean;
  progress: number;
  createdAt: string | null;
  startedAt: string | null;
  stoppedAt: string | null;
  error: string | null;
  counts: StatusCounts;
  total: number;
  followUps: FollowUpOutcome[];
}

/** What the root's query answers: its record and, per batch, where its children are. */
export interface RootJobState extends RootRecord {
  kind: 'root';
  phase: RootPhase;
  batches: BatchSummary[];
}

/** The status answer for a root: its record, counts and one page of its children. */
export interface RootJobStatus extends RootRecord {
  children: ChildRecord[];
}

export interface ChildPageRequest {
  offset?: number;
  limit?: number;
  status?: JobStatus;
}

export interface ChildPage {
  /** How many children of the batch match the status filter (all of them without one). */
  matched: number;
  children: ChildRecord[];
}

export interface InterruptRequest {
  force: boolean;
}
