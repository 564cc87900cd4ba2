/**
 * The client side of the engine: start a root job by name, read any job's status, interrupt, wait, list.
 */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  type QueryDefinition,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { JobApplication } from './application';
import { DuplicateJobError, InvalidJobInputError, JobNotFoundError } from './errors';
import { invalidNameReason, parseJobId } from './jobs/ids';
import { isFinal, isJobStatus } from './jobs/status';
import type {
  ChildJobState,
  ChildPageRequest,
  ChildRecord,
  FollowUpCondition,
  FollowUpJob,
  JobStatus,
  RetrySettings,
  RootJobInput,
  RootJobState,
  RootJobStatus,
  RootRecord,
} from './jobs/types';
import { JobName, JobOwnerId, JobStatus as JobStatusKey, newJobSearchAttributes } from './search-attributes';
import {
  childJobQuery,
  childPageQuery,
  findChildQuery,
  interruptChildSignal,
  interruptSignal,
  rootJobQuery,
} from './workflows/messages';
import type { rootJobWorkflow } from './workflows';

export const DEFAULT_MAX_PARALLEL = 10;
/** Far below the server's 2,000 pending children; a batch never has more children in flight than this. */
export const MAX_PARALLEL = 200;
export const BATCH_SIZE = 200;
export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
};
export const DEFAULT_CHILD_TIMEOUT_MS = 60 * 60 * 1000;
export const DEFAULT_PAGE_LIMIT = 50;
export const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 4000;

export interface StartJobOptions {
  /** The root's payload, given to the topic's planner. */
  data?: unknown;
  /** Unique job name, also the root's id (default: the topic). */
  name?: string;
  /** A start with the same owner as the open root attaches to it (redelivery). Default: a new id. */
  ownerId?: string;
  /** How many children may run at once (default 10, at most 200). */
  maxParallel?: number;
  /** Attempts per child before it is `failed` (default 3). */
  maxAttempts?: number;
  followUps?: FollowUpJob[];
  /** Root statuses after which follow-ups start (default success and failed). */
  followUpOn?: FollowUpCondition[];
  /** Children per batch workflow (default and most 200); smaller only to exercise batching. */
  batchSize?: number;
  /** The root continues as new past this many history events (default 4,000, well under the 10,240 warning). */
  continueAsNewAfterEvents?: number;
}

export interface StartedJob {
  id: string;
  runId: string;
  /** True when a same-owner start found the open root and returned it instead of starting another. */
  attached: boolean;
}

export interface InterruptOutcome {
  id: string;
  interrupted: boolean;
  message: string;
}

export interface ListedJob {
  id: string;
  name: string;
  status: JobStatus | null;
  ownerId: string | null;
  startTime: string;
  closeTime: string | null;
}

export type JobStatusAnswer = RootJobStatus | ChildJobState;

/** Starts a root job; the building block of JobClient.start and of follow-up jobs. */
export async function startRootJob(
  client: Client,
  taskQueue: string,
  app: JobApplication | undefined,
  topic: string,
  options: StartJobOptions = {},
): Promise<StartedJob> {
  const input = rootJobInput(topic, options);
  app?.checkRootStart(topic, options.data);
  for (let tries = 0; ; tries++) {
    try {
      const handle = await client.workflow.start<typeof rootJobWorkflow>('rootJobWorkflow', {
        workflowId: input.id,
        taskQueue,
        args: [input],
        // One open root per name: Temporal refuses a second open execution with the same id.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: `Job ${input.name} (${topic})`,
        typedSearchAttributes: newJobSearchAttributes('root', input.name, input.id, input.ownerId),
      });
      return { id: input.id, runId: handle.firstExecutionRunId, attached: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const open = await client.workflow.getHandle(input.id).describe();
      if (open.status.name !== 'RUNNING' && tries < 2) continue; // it closed meanwhile: the name is free
      const openOwner = open.typedSearchAttributes.get(JobOwnerId);
      if (openOwner === input.ownerId) return { id: input.id, runId: open.runId, attached: true };
      throw new DuplicateJobError(input.name, openOwner, open.startTime);
    }
  }
}

function rootJobInput(topic: string, options: StartJobOptions): RootJobInput {
  const name = options.name ?? topic;
  const nameProblem = invalidNameReason(name);
  if (nameProblem) throw new InvalidJobInputError(nameProblem);
  const maxParallel = wholeNumber(
    'maxParallel',
    options.maxParallel ?? DEFAULT_MAX_PARALLEL,
    1,
    MAX_PARALLEL,
  );
  const maxAttempts = wholeNumber('maxAttempts', options.maxAttempts ?? DEFAULT_RETRY.maxAttempts, 1);
  const batchSize = wholeNumber('batchSize', options.batchSize ?? BATCH_SIZE, 1, BATCH_SIZE);
  const ownerId = options.ownerId ?? randomUUID();
  if (typeof ownerId !== 'string' || ownerId.length === 0)
    throw new InvalidJobInputError('ownerId must be a non-empty string.');
  return {
    id: name,
    name,
    topic,
    ownerId,
    payload: options.data,
    maxParallel,
    retry: { ...DEFAULT_RETRY, maxAttempts },
    followUps: options.followUps ?? [],
    followUpOn: options.followUpOn ?? ['success', 'failed'],
    batchSize,
    childTimeoutMs: DEFAULT_CHILD_TIMEOUT_MS,
    continueAsNewAfterEvents: options.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS,
  };
}

export class JobClient {
  constructor(
    readonly client: Client,
    readonly taskQueue: string,
    /** When given, unknown topics and rejected payloads are refused before anything starts. */
    readonly app?: JobApplication,
    /** Status answers come from workers; give up on one after this long. */
    readonly queryTimeoutMs = 15_000,
  ) {}

  start(topic: string, options: StartJobOptions = {}): Promise<StartedJob> {
    return startRootJob(this.client, this.taskQueue, this.app, topic, options);
  }

  /** A root's record with counts and one page of its children, or a child's own record. */
  async status(id: string, page: ChildPageRequest = {}): Promise<JobStatusAnswer> {
    checkPage(page);
    const parsed = parseJobId(id);
    if (parsed.kind === 'child') return this.childStatus(id, parsed.rootId, parsed.name);
    const root = await this.rootState(id);
    return { ...rootRecord(root), children: await this.childrenPage(root, page) };
  }

  /** Waits for a root to stop and returns its final record (with the first page of children). */
  async wait(id: string): Promise<RootJobStatus> {
    if (parseJobId(id).kind !== 'root')
      throw new InvalidJobInputError(`"${id}" is a child job; wait takes a root job id.`);
    try {
      await this.client.workflow.getHandle(id).result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new JobNotFoundError(id);
      throw err;
    }
    return (await this.status(id)) as RootJobStatus;
  }

  /** Interrupts a root or a child: graceful by default, `force` also stops running processors. */
  async interrupt(id: string, { force = false } = {}): Promise<InterruptOutcome> {
    const parsed = parseJobId(id);
    if (parsed.kind === 'root') {
      const { status } = await this.rootState(id);
      if (isFinal(status)) return alreadyFinished(id, status);
      await this.client.workflow.getHandle(id).signal(interruptSignal, { force });
    } else {
      // The batch holds the child's record, and the child may not have started yet: it takes the interrupt.
      const { batchId, record } = await this.locateChild(parsed.rootId, parsed.name);
      if (isFinal(record.status)) return alreadyFinished(id, record.status);
      await this.client.workflow
        .getHandle(batchId)
        .signal(interruptChildSignal, { name: parsed.name, force });
    }
    const how = force ? 'forced: running processors are cancelled' : 'graceful: running children finish';
    return { id, interrupted: true, message: `Interrupt sent to "${id}" (${how}).` };
  }

  /** Root jobs from Temporal's visibility, newest first. */
  async list(filter: { status?: JobStatus; name?: string; limit?: number } = {}): Promise<ListedJob[]> {
    const clauses = [`JobKind = 'root'`];
    if (filter.status) clauses.push(`JobStatus = '${filter.status}'`);
    if (filter.name) clauses.push(`JobName = '${filter.name.replace(/'/g, "\\'")}'`);
    const jobs: ListedJob[] = [];
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      const status = execution.typedSearchAttributes.get(JobStatusKey);
      jobs.push({
        id: execution.workflowId,
        name: execution.typedSearchAttributes.get(JobName) ?? execution.workflowId,
        status: isJobStatus(status) ? status : null,
        ownerId: execution.typedSearchAttributes.get(JobOwnerId) ?? null,
        startTime: execution.startTime.toISOString(),
        closeTime: execution.closeTime?.toISOString() ?? null,
      });
      if (filter.limit && jobs.length >= filter.limit) break;
    }
    return jobs;
  }

  /** A query with a deadline: without a running worker, nothing answers. */
  private async ask<Ret, Args extends unknown[]>(
    workflowId: string,
    query: QueryDefinition<Ret, Args>,
    ...args: Args
  ): Promise<Ret> {
    try {
      return await this.client.withDeadline(Date.now() + this.queryTimeoutMs, () =>
        this.client.workflow.getHandle(workflowId).query(query, ...args),
      );
    } catch (err) {
      if (isDeadlineExceeded(err)) {
        throw new Error(
          `No worker answered a status query on "${workflowId}" within ${this.queryTimeoutMs / 1000} s: ` +
            `is a worker (\`jobs worker\`) running on task queue "${this.taskQueue}"?`,
        );
      }
      throw err;
    }
  }

  private async rootState(id: string): Promise<RootJobState> {
    try {
      return await this.ask(id, rootJobQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new JobNotFoundError(id);
      throw err;
    }
  }

  /** Walks the batches in order; a finished batch's counts are final, so it is skipped without a query. */
  private async childrenPage(
    root: RootJobState,
    { offset = 0, limit = DEFAULT_PAGE_LIMIT, status }: ChildPageRequest,
  ): Promise<ChildRecord[]> {
    const children: ChildRecord[] = [];
    let skip = offset;
    for (const batch of root.batches) {
      if (children.length >= limit) break;
      if (batch.done) {
        const matching = status ? batch.counts[status] : batch.size;
        if (skip >= matching) {
          skip -= matching;
          continue;
        }
      }
      const page = await this.ask(batch.id, childPageQuery, {
        offset: skip,
        limit: limit - children.length,
        status,
      });
      children.push(...page.children);
      skip = Math.max(0, skip - page.matched);
    }
    return this.withLiveProgress(children);
  }

  /** A running child reports its progress to its own workflow only; read it there. */
  private async withLiveProgress(children: ChildRecord[]): Promise<ChildRecord[]> {
    return Promise.all(
      children.map(async (child) => {
        if (child.status !== 'running') return child;
        try {
          const own = await this.ask(child.id, childJobQuery);
          return { ...child, progress: own.progress };
        } catch {
          return child;
        }
      }),
    );
  }

  private async childStatus(id: string, rootId: string, name: string): Promise<ChildJobState> {
    try {
      return await this.ask(id, childJobQuery);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // Not started yet, so no workflow: its record is in its batch.
    const { record } = await this.locateChild(rootId, name);
    return { ...record, kind: 'child', rootId, interrupted: false, result: null };
  }

  /** The batch that holds a child, and its record there (batches are few: one per 200 children). */
  private async locateChild(rootId: string, name: string): Promise<{ batchId: string; record: ChildRecord }> {
    const root = await this.rootState(rootId);
    for (const batch of root.batches) {
      const record = await this.ask(batch.id, findChildQuery, name);
      if (record) return { batchId: batch.id, record };
    }
    throw new JobNotFoundError(`${rootId}/${name}`);
  }
}

function alreadyFinished(id: string, status: JobStatus): InterruptOutcome {
  return {
    id,
    interrupted: false,
    message: `Job "${id}" has already finished (${status}); nothing changed.`,
  };
}

function rootRecord(root: RootJobState): RootRecord {
  const { kind, phase, batches, ...record } = root;
  return record;
}

function isDeadlineExceeded(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ''} ${String((err as { cause?: unknown })?.cause ?? '')}`;
  return /deadline/i.test(text);
}

/** `value` when it is a whole number in [minimum, maximum]; an InvalidJobInputError naming the option otherwise. */
function wholeNumber(name: string, value: number, minimum: number, maximum?: number): number {
  if (!Number.isInteger(value) || value < minimum || (maximum !== undefined && value > maximum)) {
    const range = maximum === undefined ? `of at least ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new InvalidJobInputError(`${name} must be a whole number ${range}; got ${value}.`);
  }
  return value;
}

function checkPage({ offset, limit, status }: ChildPageRequest): void {
  if (offset !== undefined) wholeNumber('offset', offset, 0);
  if (limit !== undefined) wholeNumber('limit', limit, 0);
  if (status !== undefined && !isJobStatus(status)) {
    throw new InvalidJobInputError(`Unknown status "${status}".`);
  }
}
