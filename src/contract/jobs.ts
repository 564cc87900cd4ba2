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
/** A job's status, as Oro names them: `failed_redelivered` is a child waiting to be tried again. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** How many children have each status. */
export type StatusCounts = Record<JobStatus, number>;

/**
 * How a small job runs: as an activity of its batch workflow (the fast default; the Web UI shows it among the
 * batch's activities) or as a child workflow of its own (searchable by JobName/JobStatus in the Web UI).
 */
export type ChildRunMode = 'activity' | 'workflow';

/** One small job as a root's processor plans it (the seed's `createDelayed(name, …)`). */
export interface ChildSpec {
  /** Unique among its root's children; the child's job id is `<root id>/<name>`. */
  name: string;
  /** The topic whose processor runs it. */
  topic: string;
  /** Its processor's input (JSON). */
  payload?: unknown;
}

/** A planned child with what its topic says about running it. */
export interface PlannedChild extends ChildSpec {
  /** An activity of its batch, or a workflow of its own. */
  runAs: ChildRunMode;
  /** Whether short children of this topic may share one activity task (activity mode only). */
  pack: boolean;
}

/** How a child's processor is retried when it throws. */
export interface RetrySettings {
  /** Attempts in all, the first included (1: never retried). */
  maxAttempts: number;
  /** The wait before the second attempt. */
  initialIntervalMs: number;
  /** Each later wait is the one before times this. */
  backoffCoefficient: number;
  /** No wait is longer than this. */
  maxIntervalMs: number;
}

/** What a status answer shows of one child. Timestamps are ISO-8601 strings, or null while unknown. */
export interface ChildRecord {
  /** Its job id, `<root id>/<name>`. */
  id: string;
  /** Its name, unique among its root's children. */
  name: string;
  /** The topic whose processor runs it. */
  topic: string;
  /** Its status now. */
  status: JobStatus;
  /** Attempts a worker has begun. */
  attempts: number;
  /** Why its last attempt failed, or null. */
  error: string | null;
  /** From 0 to 1, as its processor reports it (1 once it has succeeded). */
  progress: number;
  /** When its root planned it. */
  createdAt: string | null;
  /** When its first attempt began. */
  startedAt: string | null;
  /** When it reached its final status. */
  stoppedAt: string | null;
}

/** A child's record as its batch keeps it: also its result, once it has one. */
export interface StoredChild extends ChildRecord {
  /** What its processor returned. */
  result?: unknown;
  /** The result was too large for the batch's own result; it is in the batch's history (activity mode). */
  resultInHistory?: boolean;
  /** The run of the batch whose history holds that result, when it is not the latest (after a rerun). */
  resultRunId?: string;
}

/** A child's own record, as a status answer gives it: also its root and its processor's result. */
export interface ChildJobState extends ChildRecord {
  /** Tells a child's answer from a root's. */
  kind: 'child';
  /** Its root's job id. */
  rootId: string;
  /** It, or its root, was interrupted. */
  interrupted: boolean;
  /** What its processor returned (undefined until it has succeeded). */
  result: unknown;
}

/** When follow-up jobs start, by the root's final status. */
export type FollowUpCondition = 'success' | 'failed' | 'cancelled';

/** A job to start when its root stops (Oro's dependent jobs). */
export interface FollowUpJob {
  /** The follow-up root's topic. */
  topic: string;
  /** Its input. */
  payload?: unknown;
  /** Job name of the follow-up root (default: its topic). */
  name?: string;
}

/** What became of a follow-up job when its root stopped. */
export interface FollowUpOutcome {
  /** The follow-up's topic. */
  topic: string;
  /** Its root job id. */
  id: string;
  /** Whether it started (a root of that name may already have been running). */
  started: boolean;
  /** Why it did not start, or null. */
  error: string | null;
}

/** What a root workflow starts with (built by `JobClient.start` from StartJobOptions). */
export interface RootJobInput {
  /** Its job id: its unique name. */
  id: string;
  /** Its unique name. */
  name: string;
  /** The topic whose planner plans its children. */
  topic: string;
  /** A fresh id per start, which its batches and children carry (a later root of the same name differs). */
  ownerId: string;
  /** Its planner's input (JSON). */
  payload?: unknown;
  /** Children that may run at once. */
  maxParallel: number;
  /** How its children's processors are retried. */
  retry: RetrySettings;
  /** Jobs to start when it stops. */
  followUps: FollowUpJob[];
  /** The final statuses on which they start. */
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
  /** Its root's job id. */
  rootId: string;
  /** Its root's owner id (RootJobInput.ownerId). */
  ownerId: string;
  /** Its place among its root's batches, from 0. */
  index: number;
  /** Its children, in plan order. */
  children: PlannedChild[];
  /** Running slots the root grants with the start (more come by signal). */
  slots: number;
  /** How its children's processors are retried. */
  retry: RetrySettings;
  /** How long one attempt of a child's processor may run. */
  childTimeoutMs: number;
  /** When its root planned its children. */
  createdAt: string;
  /** Processor times per topic seen so far by the root's other batches (for packing). */
  durations: Record<string, { samples: number; slowest: number }>;
  /** Near the root's end, the most children one slot of a pack takes (SlotGrant.endRounds). */
  endRounds?: number;
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
  /**
   * It keeps its records in its own history and ends with its counts alone (keep-batch-records.ts). Said by the
   * input, not a patch: no marker and search attribute update per batch, and batches started before it return
   * their records as ever.
   */
  keepsRecords?: true;
}

/** Which earlier run of a batch reruns, which of its children, and its counts once they are back in line. */
export interface BatchRerun {
  /** The earlier run's id. */
  runId: string;
  /** The statuses whose children run again. */
  statuses: ('failed' | 'cancelled')[];
  /** Its counts once they are back in line. */
  counts: StatusCounts;
  /**
   * The earlier run closed without its result (`terminated`, `failed`, …): its records are rebuilt from its
   * history, and its children that had not ended fail, naming this.
   */
  lost?: string;
}

/** What a child workflow starts with (child-workflow mode). */
export interface ChildJobInput {
  /** Its job id, `<root id>/<name>`. */
  id: string;
  /** Its root's job id. */
  rootId: string;
  /** Its root's owner id (RootJobInput.ownerId). */
  ownerId: string;
  /** Its name among its root's children. */
  name: string;
  /** The topic whose processor runs it. */
  topic: string;
  /** Its processor's input. */
  payload?: unknown;
  /** How its processor is retried. */
  retry: RetrySettings;
  /** How long one attempt of its processor may run. */
  childTimeoutMs: number;
  /** When its root planned it. */
  createdAt: string;
  /** Attempts it had used before it was rerun (`jobs retry`); its attempts count on from there. */
  attemptsBefore?: number;
  /** Set by batches that close children by status, so the run need not record the patch (job-close.ts). */
  closesByStatus?: true;
}

/** What a processor activity reports back to its child workflow (child-workflow mode). */
export type ProcessorOutcome =
  { outcome: 'success'; result: unknown } | { outcome: 'failed'; error: string } | { outcome: 'cancelled' };

/** A batch as its root knows it, from its reports. */
export interface BatchSummary {
  /** Its workflow id, `<root id>/batch/<index>`. */
  id: string;
  /** How many children it holds. */
  size: number;
  /** Its children's statuses, from its last report. */
  counts: StatusCounts;
  /** Running slots it holds now. */
  slots: number;
  /** Every child of it has a final status. */
  done: boolean;
  /** Which run of it the root started last: 0 (absent) the first, one more for each rerun or replacement. */
  run?: number;
  /** A rerun asked of it while it ran (`jobs retry`), until it says it has it. */
  rerun?: { sequence: number; statuses: ('failed' | 'cancelled')[] };
  /** Of the children its counts say run, those in a pack waiting for a free slot (absent: none). */
  waiting?: WaitingChildren;
  /**
   * Only in a root's final result and continue-as-new carry: this summary stands for this many ended batches
   * in a row, alike but for their ids (`<root id>/batch/<index>`), so a big root's record stays small.
   */
  repeat?: number;
}

/** Children handed to a worker in a pack whose processor has not begun: shown as `new` or `failed_redelivered`. */
export interface WaitingChildren {
  /** Waiting for their first attempt. */
  new: number;
  /** Waiting for a retry. */
  failed_redelivered: number;
}

/** Where a root is: planning its children, running them (planning done), or stopped. */
export type RootPhase = 'planning' | 'running' | 'stopped';

/** A root job's own record: what every status answer about it starts with. */
export interface RootRecord {
  /** Its job id: its unique name. */
  id: string;
  /** Its unique name. */
  name: string;
  /** The topic whose planner planned its children. */
  topic: string;
  /** A fresh id per start (a later root of the same name differs). */
  ownerId: string;
  /** Its status by Oro's rule, from its children's (see `rootStatus`). */
  status: JobStatus;
  /** It was interrupted: no child starts any more. */
  interrupted: boolean;
  /** The share of its children that have stopped, from 0 to 1 (see `rootProgress`). */
  progress: number;
  /** When it was submitted (`JobClient.start`). */
  createdAt: string | null;
  /** When its workflow began. */
  startedAt: string | null;
  /** When it stopped, or null while it runs. */
  stoppedAt: string | null;
  /** Why it failed other than by its children's statuses (its planner failed, a batch was lost), or null. */
  error: string | null;
  /** Its children's statuses. */
  counts: StatusCounts;
  /** Its children planned so far. */
  total: number;
  /** What became of its follow-up jobs, once it has stopped. */
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
  /** Tells a root's state from a child's. */
  kind: 'root';
  /** Planning, running or stopped. */
  phase: RootPhase;
  /** Its batches, in plan order. */
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
  /** Planning, running or stopped. */
  phase: RootPhase;
  /** When it was taken (ISO-8601). */
  at: string;
  /** Per batch: its size, and 1 once it has ended; null when `layout` says it, or for very many batches. */
  batches: [number, number][] | null;
  /** Where its children are, for a status read that asks no worker (absent with very many open batches). */
  layout?: RootLayout;
}

/** Where a running root's children are, small enough for its memo (jobs/root-layout.ts). */
export interface RootLayout {
  /** Its batches' sizes in plan order, a run of equal sizes written once: `[size, how many]`. */
  sizes: [number, number][];
  /** Its batches that have not ended, by index, each in a few numbers (OpenBatchEntry). */
  open: Record<string, OpenBatchEntry>;
  /** Its children's statuses as a status read shows them (those waiting in packs as waiting), summed. */
  shown: StatusCounts;
}

/**
 * An open batch in a root's layout: the running slots it holds, its children's counts in JOB_STATUSES order,
 * and, when some of its children wait in packs for a slot, how many wait for their first attempt and how many
 * for a retry. Its workflow id is `<root id>/batch/<index>`.
 */
export type OpenBatchEntry = [slots: number, ...counts: number[]];

/** The status answer for a root (`JobClient.status`): its record, counts and one page of its children. */
export interface RootStatusAnswer extends RootRecord {
  /** Tells a root's answer from a child's. */
  kind: 'root';
  /** The page of its children asked for (ChildPageRequest), in plan order. */
  children: ChildRecord[];
  /**
   * Set when no worker answered and the answer comes from the root's last snapshot, taken at this time: the
   * children of its running batches are then left out.
   */
  snapshotAt?: string;
}

/** Which page of a root's children a status read answers with. */
export interface ChildPageRequest {
  /** Children to skip (default 0). */
  offset?: number;
  /** Children to show at most (default 50). */
  limit?: number;
  /** Only the children with this status. */
  status?: JobStatus;
}

/** How an interrupt stops running work. */
export interface InterruptRequest {
  /** false: running children finish (graceful); true: they are cancelled too. */
  force: boolean;
}

/** Per topic: how many children have run, and the slowest recent processor time (ms). */
export type TopicDurations = Record<string, { samples: number; slowest: number }>;

/** The final statuses a rerun (`jobs retry`) may take a child out of. */
export const RERUNNABLE = ['failed', 'cancelled'] as const;
/** A final status a rerun (`jobs retry`) may take a child out of. */
export type RerunnableStatus = (typeof RERUNNABLE)[number];

/** A child a batch has handed to a worker: in a pack, or as a workflow of its own. */
export interface InFlightChild {
  /** The child's name. */
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

/**
 * The root workflow's state, by its first name.
 * @deprecated Use RootWorkflowState.
 */
export type RootJobState = RootWorkflowState;
/**
 * A root's status answer, by its first name.
 * @deprecated Use RootStatusAnswer.
 */
export type RootJobStatus = RootStatusAnswer;
