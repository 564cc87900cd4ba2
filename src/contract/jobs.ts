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

/**
 * How a small job runs: as an activity of its batch workflow (the fast default; the Web UI shows it among the
 * batch's activities) or as a child workflow of its own (searchable by JobName/JobStatus in the Web UI).
 */
export type ChildRunMode = 'activity' | 'workflow';

/** One small job as a root's processor plans it (the seed's `createDelayed(name, …)`). */
export interface ChildSpec {
  name: string;
  topic: string;
  payload?: unknown;
}

/** A planned child with what its topic says about running it. */
export interface PlannedChild extends ChildSpec {
  runAs: ChildRunMode;
  /** Whether short children of this topic may share one activity task (activity mode only). */
  pack: boolean;
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
  /** Attempts a worker has begun. */
  attempts: number;
  error: string | null;
  progress: number;
  createdAt: string | null;
  startedAt: string | null;
  stoppedAt: string | null;
}

/** A child's record as its batch keeps it: also its result, once it has one. */
export interface StoredChild extends ChildRecord {
  result?: unknown;
  /** The result was too large for the batch's own result; it is in the batch's history (activity mode). */
  resultInHistory?: boolean;
  /** The run of the batch whose history holds that result, when it is not the latest (after a rerun). */
  resultRunId?: string;
}

/** A child's own record, as a status answer gives it: also its root and its processor's result. */
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
  /** Children per batch workflow (see docs/design.md, "Fan-out design"). */
  batchSize: number;
  /** Overrides every child topic's own `runAs`. */
  runChildrenAs?: ChildRunMode;
  /** Shares its key's limit with the other roots that carry it (see key-shares.ts). */
  concurrencyKey?: string;
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
  children: PlannedChild[];
  /** Running slots the root grants with the start (more come by signal). */
  slots: number;
  retry: RetrySettings;
  childTimeoutMs: number;
  createdAt: string;
  /** Processor times per topic seen so far by the root's other batches (for packing). */
  durations: Record<string, { samples: number; slowest: number }>;
  /**
   * A rerun (`jobs retry`) of this batch's earlier run: `children` is then empty, and the batch loads its
   * children and their records from that run, and puts those in `statuses` back in line.
   */
  rerunOf?: BatchRerun;
  /** Which run of the batch this is (BatchSummary.run): grants for another run are not its. */
  run?: number;
  /**
   * The first run id of the root that started it (the same across its continue-as-new): its reports say it,
   * so a new root of the same id does not take those of a batch an earlier, terminated root left running.
   */
  rootRun?: string;
}

/** Which earlier run of a batch reruns, which of its children, and its counts once they are back in line. */
export interface BatchRerun {
  runId: string;
  statuses: ('failed' | 'cancelled')[];
  counts: StatusCounts;
  /**
   * The earlier run closed without its result (`terminated`, `failed`, …): its records are rebuilt from its
   * history, and its children that had not ended fail, naming this.
   */
  lost?: string;
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
  /** Attempts it had used before it was rerun (`jobs retry`); its attempts count on from there. */
  attemptsBefore?: number;
}

/** What a processor activity reports back to its child workflow (child-workflow mode). */
export type ProcessorOutcome =
  { outcome: 'success'; result: unknown } | { outcome: 'failed'; error: string } | { outcome: 'cancelled' };

/** A batch as its root knows it, from its reports. */
export interface BatchSummary {
  id: string;
  size: number;
  counts: StatusCounts;
  /** Running slots it holds now. */
  slots: number;
  done: boolean;
  /** Which run of it the root started last: 0 (absent) the first, one more for each rerun or replacement. */
  run?: number;
  /** A rerun asked of it while it ran (`jobs retry`), until it says it has it. */
  rerun?: { sequence: number; statuses: ('failed' | 'cancelled')[] };
  /** Of the children its counts say run, those in a pack waiting for a free slot (absent: none). */
  waiting?: WaitingChildren;
}

/** Children handed to a worker in a pack whose processor has not begun: shown as `new` or `failed_redelivered`. */
export interface WaitingChildren {
  new: number;
  failed_redelivered: number;
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
  /** Paused: no child starts until it is resumed (running ones finish); its status still follows Oro's rule. */
  paused: boolean;
  /** When it was last paused (kept after a resume), or null. */
  pausedAt: string | null;
  /** Children that may run at once now (`jobs scale` changes it while it runs). */
  maxParallel: number;
  /** Its concurrency key, when it has one: roots with the same key share the key's limit. */
  concurrencyKey?: string;
}

/**
 * The root workflow's own state: what its query and its final result answer (its record and where its
 * children are). Status reads turn it into a RootStatusAnswer.
 */
export interface RootWorkflowState extends RootRecord {
  kind: 'root';
  phase: RootPhase;
  batches: BatchSummary[];
  /**
   * Set on a root that stopped before it had planned every child (its planner failed, or it was interrupted
   * while planning): where planning would go on, so that `jobs retry` plans the rest.
   */
  unplanned?: { cursor: string | null };
  /**
   * How its workflow closed without its result ('terminated', 'timed out'): it did not stop by itself, and
   * batches it left may still run (jobs/lost-root.ts).
   */
  lost?: string;
}

/** A root's record as its memo keeps it, for status reads that no worker answers. */
export interface RootSnapshot extends RootRecord {
  phase: RootPhase;
  /** When it was taken (ISO-8601). */
  at: string;
  /** Per batch: its size, and 1 once it has ended; null for a root with very many batches. */
  batches: [number, number][] | null;
}

/** The status answer for a root (`JobClient.status`): its record, counts and one page of its children. */
export interface RootStatusAnswer extends RootRecord {
  kind: 'root';
  children: ChildRecord[];
  /**
   * Set when no worker answered and the answer comes from the root's last snapshot, taken at this time: the
   * children of its running batches are then left out.
   */
  snapshotAt?: string;
}

export interface ChildPageRequest {
  offset?: number;
  limit?: number;
  status?: JobStatus;
}

export interface InterruptRequest {
  force: boolean;
}

/** Per topic: how many children have run, and the slowest recent processor time (ms). */
export type TopicDurations = Record<string, { samples: number; slowest: number }>;

/** The final statuses a rerun (`jobs retry`) may take a child out of. */
export const RERUNNABLE = ['failed', 'cancelled'] as const;
export type RerunnableStatus = (typeof RERUNNABLE)[number];

/** A child a batch has handed to a worker: in a pack, or as a workflow of its own. */
export interface InFlightChild {
  name: string;
  /** Its pack's activity id; in child-workflow mode, the child's own workflow id (whose one activity it runs). */
  pack: string;
  /** Child-workflow mode: ask the child's workflow, not the batch, about its activity. */
  workflow?: boolean;
  /** Its record's attempts before this dispatch. */
  attempts: number;
  /** Among the children the pack starts at once (it starts them in order, as many as it has slots). */
  first: boolean;
}

/** @deprecated The root workflow's state is RootWorkflowState. */
export type RootJobState = RootWorkflowState;
/** @deprecated The root's status answer is RootStatusAnswer. */
export type RootJobStatus = RootStatusAnswer;
