/**
 * The client side of the engine: start a root job by name, read any job's status, interrupt, wait, list.
 * Reads never replay a history (see status-reader.ts).
 */
import {
  type RerunnableStatus,
  type ChildJobState,
  type ChildPageRequest,
  type JobStatus,
  type RootStatusAnswer,
} from '../contract/jobs';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { JobApplication } from '../application';
import { InvalidJobInputError, JobNotFoundError } from '../errors';
import { parseJobId } from '../jobs/ids';
import { checkPageRequest, wholeNumber, type StartJobOptions } from '../jobs/options';
import { isFinal } from '../jobs/status';
import { interruptChildSignal, interruptSignal, type RootControlAnswer } from '../contract/messages';
import { ChildReader } from './child-reader';
import { ConcurrencyKeys, type KeyView } from './concurrency-keys';
import { RootControls } from './root-controls';
import { retryRoot, type RetryOutcome } from './root-retry';
import { startRootJob, type StartedJob } from './start-root-job';
import { StatusReader } from './status-reader';
import { WorkflowReads } from './workflow-reads';
import { snapshotPhase } from './snapshot-reader';
import {
  MAX_LIST_LIMIT,
  listRootPage,
  listedJobOf,
  rootQuery,
  type ListedJob,
  type RootListFilter,
  type RootListPage,
} from './root-list';

export type { ListedJob, ListedRoot, RootListFilter, RootListPage } from './root-list';

/** What an interrupt did. */
export interface InterruptOutcome {
  /** The job asked to stop. */
  id: string;
  /** false when it had already stopped (nothing to interrupt). */
  interrupted: boolean;
  /** One line for people: what happened. */
  message: string;
}

/** A status answer: a root's record with a page of its children, or a child's own record (`kind` tells). */
export type JobStatusAnswer = RootStatusAnswer | ChildJobState;

/**
 * Starts, reads and changes jobs: the one class a program needs beside its workers. Reads never replay a
 * history: a running job is asked through a query, a finished one read from its result.
 */
export class JobClient {
  private readonly reads: WorkflowReads;
  private readonly roots: StatusReader;
  private readonly children: ChildReader;
  private readonly controls: RootControls;
  private readonly keys: ConcurrencyKeys;

  constructor(
    /** A Temporal client on the server the workers use. */
    readonly client: Client,
    /** The workers' task queue. */
    readonly taskQueue: string,
    /** When given, unknown topics and rejected payloads are refused before anything starts. */
    readonly app?: JobApplication,
    /** Status answers from running workflows come from workers; give up on one after this long. */
    readonly queryTimeoutMs = 15_000,
    /** A running root that no worker answers within this is read from its last snapshot (at most 1 s old). */
    readonly snapshotAfterMs = Math.min(3_000, queryTimeoutMs),
  ) {
    const reads = (this.reads = new WorkflowReads(client, taskQueue, queryTimeoutMs));
    this.roots = new StatusReader(reads, snapshotAfterMs);
    this.children = new ChildReader(reads, this.roots);
    this.controls = new RootControls(client, taskQueue, queryTimeoutMs);
    this.keys = new ConcurrencyKeys(client, taskQueue, queryTimeoutMs);
  }

  /**
   * Starts a root job of `topic` under its unique name (`options.name`, default the topic). Throws
   * DuplicateJobError while another owner's root of that name is open, InvalidJobInputError on bad input.
   */
  start(topic: string, options: StartJobOptions = {}): Promise<StartedJob> {
    return startRootJob(this.client, this.taskQueue, this.app, topic, options);
  }

  /** A root's record with counts and one page of its children, or a child's own record. */
  async status(id: string, page: ChildPageRequest = {}): Promise<JobStatusAnswer> {
    checkPageRequest(page);
    const parsed = parseJobId(id);
    if (parsed.kind === 'child') return this.children.read(parsed.rootId, parsed.name);
    return this.roots.root(id, page);
  }

  /** The workflow that runs a job: a root's own; a child's own in workflow mode, else its batch. */
  async workflowOf(id: string): Promise<string> {
    const parsed = parseJobId(id);
    try {
      await this.client.workflow.getHandle(id).describe();
      return id;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      if (parsed.kind === 'root') throw new JobNotFoundError(id);
    }
    return (await this.children.locate(parsed.rootId, parsed.name)).batchId;
  }

  /** Waits for a root to stop and returns its final record (with the first page of children). */
  async wait(id: string): Promise<RootStatusAnswer> {
    if (parseJobId(id).kind !== 'root')
      throw new InvalidJobInputError(`"${id}" is a child job; wait takes a root job id.`);
    try {
      await this.client.workflow.getHandle(id).result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new JobNotFoundError(id);
      // A job that ended failed or cancelled closes its workflow so; its record says how it ended.
      if (!(err instanceof WorkflowFailedError)) throw err;
    }
    return (await this.status(id)) as RootStatusAnswer;
  }

  /** Interrupts a root or a child: graceful by default, `force` also stops running processors. */
  async interrupt(id: string, { force = false } = {}): Promise<InterruptOutcome> {
    const parsed = parseJobId(id);
    if (parsed.kind === 'root') {
      // From its snapshot (one describe): a busy root would answer a query only after its task in flight.
      const { status, phase } = (await snapshotPhase(this.reads, id)) ?? (await this.roots.rootState(id));
      if (phase === 'stopped') return alreadyFinished(id, status);
      await this.client.workflow.getHandle(id).signal(interruptSignal, { force });
    } else {
      // The batch holds the child's record, and the child may not have started yet: it takes the interrupt.
      const { batchId, record } = await this.children.locate(parsed.rootId, parsed.name);
      if (isFinal(record.status)) return alreadyFinished(id, record.status);
      await this.client.workflow
        .getHandle(batchId)
        .signal(interruptChildSignal, { name: parsed.name, force });
    }
    const how = force ? 'forced: running processors are cancelled' : 'graceful: running children finish';
    return { id, interrupted: true, message: `Interrupt sent to "${id}" (${how}).` };
  }

  /** Pauses a root: no child starts until `resume`; running children finish. */
  pause(id: string): Promise<RootControlAnswer> {
    return this.controls.pause(id);
  }

  /** Resumes a paused root where it stopped. */
  resume(id: string): Promise<RootControlAnswer> {
    return this.controls.resume(id);
  }

  /** A new parallel limit for a running root: up at once, down as running children finish (none stops). */
  scale(id: string, maxParallel: number): Promise<RootControlAnswer> {
    return this.controls.scale(id, maxParallel);
  }

  /**
   * Reruns the children that ended in `statuses` (default failed), their attempts going on: on a running
   * root at once; a finished root runs again under its name, keeping the other children's records.
   */
  retry(id: string, { statuses }: { statuses?: RerunnableStatus[] } = {}): Promise<RetryOutcome> {
    return retryRoot(this.client, this.taskQueue, this.controls, id, statuses);
  }

  /**
   * Sets (or, with null, lifts) a concurrency key's limit: the roots started with this `concurrencyKey`
   * together run at most `limit` children at once, shared fairly. Lowering it stops nothing running.
   */
  limit(key: string, limit: number | null): Promise<{ key: string; limit: number | null }> {
    return this.keys.setLimit(key, limit);
  }

  /** A concurrency key's limit and how its open roots share it. */
  concurrencyKey(key: string): Promise<KeyView> {
    return this.keys.read(key);
  }

  /** Root jobs from Temporal's visibility: running ones first, then the most recently closed. */
  async list(filter: RootListFilter & { limit?: number } = {}): Promise<ListedJob[]> {
    const jobs: ListedJob[] = [];
    for await (const execution of this.client.workflow.list({ query: rootQuery(filter) })) {
      jobs.push(listedJobOf(execution));
      if (filter.limit && jobs.length >= filter.limit) break;
    }
    return jobs;
  }

  /** One page of root jobs with their counts and progress (from their snapshots); `cursor` from the last. */
  listPage(
    filter: RootListFilter = {},
    page: { limit?: number; cursor?: string } = {},
  ): Promise<RootListPage> {
    const limit = wholeNumber('limit', page.limit ?? 50, 1, MAX_LIST_LIMIT);
    checkPageRequest({ status: filter.status });
    return listRootPage(this.client, filter, { ...page, limit });
  }
}

function alreadyFinished(id: string, status: JobStatus): InterruptOutcome {
  return {
    id,
    interrupted: false,
    message: `Job "${id}" has already finished (${status}); nothing changed.`,
  };
}
