/**
 * The three ways the client reads a job's workflows, none of which replays a history: the close event of a
 * finished workflow (its result), a query to a running one (answered from a worker's cache), and the
 * server's description of a running batch's pending activities (which packs a worker has begun).
 */
import type { PackHeartbeat, ChildOutcome } from '../contract/activities';
import { type InFlightChild } from '../contract/jobs';
import {
  type Client,
  type Connection,
  type QueryDefinition,
  QueryRejectedError,
  WorkflowClient,
  type WorkflowExecutionDescription,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { JobNotFoundError } from '../errors';
import type { PackState } from '../jobs/status-view';
import { isDeadlineExceeded } from './deadline';
import { decodePayloads } from './sdk-internals';
import { isoTime, runOutcome, runResult, type Closed, type RunOutcome } from './run-history';
import { batchOutcome, batchOutcomeNow } from './batch-outcome';
import { loadRun } from '../activities/earlier-batch-runs';
import type { BatchResult } from '../contract/messages';
import { emptyCounts, isFinal } from '../jobs/status';

export type { Closed } from './run-history';
/** A batch's result read from the end of its history, with when it closed. */
export type ClosedBatch = Closed<BatchResult> & { closedAt?: string };

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
const CANCEL_REQUESTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED;

export class NoWorkerAnsweredError extends Error {
  override readonly name = 'NoWorkerAnsweredError';
}

export class WorkflowReads {
  /** Queries to workflows only while they run: the server refuses one to a closed workflow, no replay. */
  private readonly whileOpen: WorkflowClient;

  constructor(
    readonly client: Client,
    readonly taskQueue: string,
    /** Queries are answered by workers; give up on one after this long. */
    readonly queryTimeoutMs: number,
  ) {
    this.whileOpen = new WorkflowClient({
      connection: client.connection,
      namespace: client.options.namespace,
      dataConverter: client.options.loadedDataConverter,
      queryRejectCondition: 'NOT_OPEN',
      // The client's own interceptors (tracing, a test's counting) see these queries too.
      interceptors: client.options.interceptors?.workflow ?? [],
    });
  }

  /** The same reads, giving up on a query after `timeoutMs`. */
  within(timeoutMs: number): WorkflowReads {
    return new WorkflowReads(this.client, this.taskQueue, timeoutMs);
  }

  /**
   * A query answered while the workflow runs; `open: false` (at once, without a worker) once it has closed.
   * Gives up after `timeoutMs` (NoWorkerAnsweredError).
   */
  async queryIfOpen<Ret, Args extends unknown[]>(
    workflowId: string,
    timeoutMs: number,
    query: QueryDefinition<Ret, Args>,
    ...args: Args
  ): Promise<{ open: true; value: Ret } | { open: false }> {
    try {
      return {
        open: true,
        value: await this.withDeadline(
          workflowId,
          () => this.whileOpen.getHandle(workflowId).query(query, ...args),
          timeoutMs,
        ),
      };
    } catch (err) {
      if (err instanceof QueryRejectedError) return { open: false };
      throw err;
    }
  }

  /** A finished workflow's result, from its close event (one call, no replay); see run-history.ts. */
  closedResult<T>(workflowId: string): Promise<Closed<T>> {
    return runResult<T>(this.client, { workflowId });
  }

  /** How a finished workflow closed: with its result, or (`lost`) without it; `open` if it went on as new. */
  closedOutcome<T>(workflowId: string): Promise<RunOutcome<T>> {
    return runOutcome<T>(this.client, { workflowId });
  }

  /**
   * A finished batch's result, as closedResult: from the end of its history, one call. Where the server cannot
   * read a history from its end, a close-event read is held open while the workflow runs (a long poll of 20 s),
   * so a batch that `mayStillRun` (it has sent its last report but may not have closed yet) is described first.
   * A batch whose last run closed without its result (terminated after its last report) has its records rebuilt
   * from that run's history, and the children that had not ended read as failed, as the root counted them.
   */
  async closedBatch(batchId: string, { mayStillRun = false } = {}): Promise<Closed<BatchResult>> {
    const now = await this.closedBatchNow(batchId);
    if (now) return now;
    if (mayStillRun && (await this.isRunning(batchId))) return { closed: false };
    return this.batchOutcome(batchId, await batchOutcome(this.client, { workflowId: batchId }));
  }

  /**
   * closedBatch in one call, from the end of the batch's history, with when it closed; undefined where the server
   * cannot read that.
   */
  async closedBatchNow(batchId: string): Promise<ClosedBatch | undefined> {
    const outcome = await batchOutcomeNow(this.client, { workflowId: batchId });
    if (!outcome) return undefined;
    const closed = await this.batchOutcome(batchId, outcome);
    return outcome.kind === 'open' ? closed : { ...closed, closedAt: outcome.closedAt };
  }

  private async batchOutcome(
    batchId: string,
    outcome: RunOutcome<BatchResult>,
  ): Promise<Closed<BatchResult>> {
    if (outcome.kind === 'result') return { closed: true, result: outcome.result };
    if (outcome.kind === 'open') return { closed: false };
    const { runId, closeTime } = await this.client.workflow.getHandle(batchId).describe();
    const { records } = await loadRun(this.client, batchId, runId);
    const error = `batch ${batchId} was ${outcome.how} before this child ended`;
    const at = (closeTime ?? new Date()).toISOString();
    const children = records.map((record) =>
      isFinal(record.status) ? record : { ...record, status: 'failed' as const, error, stoppedAt: at },
    );
    const counts = emptyCounts();
    for (const child of children) counts[child.status]++;
    return { closed: true, result: { index: -1, counts, children } };
  }

  private async isRunning(workflowId: string): Promise<boolean> {
    return (await this.describe(workflowId)).status.name === 'RUNNING';
  }

  /** The server's description of a workflow's latest run (no worker needed). */
  async describe(workflowId: string): Promise<WorkflowExecutionDescription> {
    try {
      return await this.client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new JobNotFoundError(workflowId);
      throw err;
    }
  }

  /** A query with a deadline: without a running worker, nothing answers. */
  query<Ret, Args extends unknown[]>(
    workflowId: string,
    query: QueryDefinition<Ret, Args>,
    ...args: Args
  ): Promise<Ret> {
    return this.withDeadline(workflowId, () =>
      this.client.workflow.getHandle(workflowId).query(query, ...args),
    );
  }

  private async withDeadline<T>(
    workflowId: string,
    ask: () => Promise<T>,
    timeoutMs = this.queryTimeoutMs,
  ): Promise<T> {
    // A caller's own, earlier deadline (the dashboard's read deadline) stands: the SDK would let ours replace it.
    const { callContextStorage } = this.client.connection as Partial<Pick<Connection, 'callContextStorage'>>;
    const outer = callContextStorage?.getStore()?.deadline;
    const ours = Date.now() + timeoutMs;
    const callerFirst = outer !== undefined && Number(outer) < ours;
    const deadline = callerFirst ? Number(outer) : ours;
    try {
      for (;;) {
        try {
          return await this.client.withDeadline(deadline, ask);
        } catch (err) {
          // Refused for now (no worker polled lately, its task failing): a worker may answer before the deadline
          // (a deploy, a restart, a fixed task), so ask again until then, as a query that waits for a worker would.
          if (!refusedForNow(err) || Date.now() + REFUSED_RETRY_MS >= deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, REFUSED_RETRY_MS));
        }
      }
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new JobNotFoundError(workflowId);
      // Terminated before any worker took its first task: the run holds no state to ask (a batch's reads then
      // go by what its root says of it).
      if (closedBeforeFirstTask(err))
        throw new JobNotFoundError(
          workflowId,
          `"${workflowId}" closed before any worker ran it: it holds no record.`,
        );
      const refused = refusedForNow(err);
      if ((isDeadlineExceeded(err) && !callerFirst) || refused) {
        throw new NoWorkerAnsweredError(
          `No worker answered a status query on "${workflowId}" within ${timeoutMs / 1000} s` +
            (refused ? ` (the server says: ${refused})` : '') +
            `: is a worker (\`jobs worker\`) running on task queue "${this.taskQueue}"?`,
        );
      }
      throw err;
    }
  }

  /** A value the workflow keeps in its memo (read without a worker). */
  async memo<T>(workflowId: string, key: string): Promise<T | undefined> {
    const { memo } = await this.describe(workflowId);
    return memo?.[key] as T | undefined;
  }

  /** A running workflow's pending activities, as the server describes them (no worker needed). */
  async pendingActivities(workflowId: string): Promise<PendingActivity[]> {
    let description;
    try {
      description = await this.client.workflowService.describeWorkflowExecution({
        namespace: this.client.options.namespace,
        execution: { workflowId },
      });
    } catch (err) {
      if ((err as { code?: number }).code === 5 /* NOT_FOUND */) throw new JobNotFoundError(workflowId);
      throw err;
    }
    return Promise.all(
      (description.pendingActivities ?? []).map(async (pending) => ({
        id: pending.activityId ?? '',
        started: pending.state === STARTED || pending.state === CANCEL_REQUESTED,
        attempt: pending.attempt ?? 1,
        startedAt: isoTime(pending.lastStartedTime) ?? null,
        heartbeat: pending.heartbeatDetails?.payloads?.length
          ? (
              await decodePayloads(this.client.options.loadedDataConverter, pending.heartbeatDetails.payloads)
            )[0]
          : undefined,
      })),
    );
  }

  /** A running batch's pending packs as the server knows them, by pack id. */
  async batchPacks(batchId: string): Promise<Map<string, PackState>> {
    const packs = new Map<string, PackState>();
    for (const activity of await this.pendingActivities(batchId)) {
      const beat = activity.heartbeat as Partial<PackHeartbeat> | undefined;
      const { started, attempt, startedAt } = activity;
      const begun = beat?.begun ? new Set(beat.begun) : null;
      const lost = beat?.lost ?? null;
      // Older packs heartbeat only the outcomes they keep (`done`); newer ones every ending as well.
      const ended = {
        ...Object.fromEntries(Object.values(beat?.done ?? {}).map((done) => [done.name, done.status])),
        ...beat?.ended,
      };
      const progress = beat?.progress ?? {};
      packs.set(activity.id, { started, attempt, startedAt, begun, progress, lost, ended });
    }
    return packs;
  }

  /** For children that are workflows of their own (child-workflow mode), their processor activity. */
  async childWorkflowPacks(inFlight: InFlightChild[]): Promise<Map<string, PackState>> {
    const own = inFlight.filter((flight) => flight.workflow);
    const activities = await Promise.all(
      own.map((flight) => this.pendingActivities(flight.pack).catch(() => [])),
    );
    const packs = new Map<string, PackState>();
    own.forEach((flight, position) => {
      const [activity] = activities[position];
      if (!activity) return; // between attempts or done: the batch's view stands
      const beat = activity.heartbeat as { progress?: number } | undefined;
      const { started, attempt, startedAt } = activity;
      packs.set(flight.pack, {
        started,
        attempt,
        startedAt,
        begun: null,
        progress: { [flight.name]: beat?.progress ?? 0 },
      });
    });
    return packs;
  }

  /** A finished pack's outcome for one child, from the batch's history (for results too big for its result). */
  async packOutcome(batchId: string, name: string, runId?: string): Promise<ChildOutcome | undefined> {
    const history = await this.client.workflow.getHandle(batchId, runId).fetchHistory();
    for (const event of history.events ?? []) {
      const payloads = event.activityTaskCompletedEventAttributes?.result?.payloads;
      if (!payloads) continue;
      const [outcomes] = await decodePayloads(this.client.options.loadedDataConverter, payloads);
      const found = Array.isArray(outcomes)
        ? (outcomes as ChildOutcome[]).find(
            (outcome) => outcome?.name === name && outcome.status === 'success',
          )
        : undefined;
      if (found) return found;
    }
    return undefined;
  }
}

export interface PendingActivity {
  id: string;
  started: boolean;
  attempt: number;
  startedAt: string | null;
  /** The first heartbeat detail, decoded. */
  heartbeat: unknown;
}

/** A query refused for now is asked again this often until its deadline. */
const REFUSED_RETRY_MS = 250;

/**
 * Why the server refused a query for now (FAILED_PRECONDITION), as good as no worker answering: no worker has
 * polled the task queue lately (`matching.queryPollerUnavailableWindow`, 20 s by default; a deploy, the moments
 * after a restart), or the workflow's task has failed several times (a worker crashing on it). Else undefined.
 */
export function refusedForNow(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: number; details?: string } } | undefined)?.cause;
  if (cause?.code !== 9 /* FAILED_PRECONDITION */) return undefined;
  const details = cause.details ?? '';
  return /no poller seen|Workflow Task in failed state/i.test(details) ? details : undefined;
}

function closedBeforeFirstTask(err: unknown): boolean {
  const cause = (err as { cause?: { code?: number; details?: string } }).cause;
  return (
    cause?.code === 9 /* FAILED_PRECONDITION */ &&
    /closed before WorkflowTaskStarted/.test(cause.details ?? '')
  );
}
