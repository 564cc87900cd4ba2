/**
 * Finds and reads one child job. The batch that holds it comes from one visibility query on its name's key
 * (`JobChildKeys`); where visibility cannot answer (the time-skipping test server) or has not caught up
 * with a batch just started, the root's open batches, then all of them, are asked.
 */
import { findChildQuery, SNAPSHOT_MEMO_KEY } from '../contract/messages';
import {
  type InFlightChild,
  type ChildJobState,
  type RootSnapshot,
  type RootWorkflowState,
  type StoredChild,
} from '../contract/jobs';
import { childKey } from '../jobs/ids';
import { refineRecord } from '../jobs/status-view';
import { JobNotFoundError } from '../errors';
import { batchesMayStillRun, ofEarlierRoot, type StatusReader } from './status-reader';
import { queryString } from './visibility-query';
import type { WorkflowReads } from './workflow-reads';

export interface LocatedChild {
  batchId: string;
  record: StoredChild;
  /** Its pack, while a worker has it (activity mode). */
  inFlight: InFlightChild | null;
  /** Interrupted, and the batch still waits for its worker. */
  interrupted: boolean;
}

export class ChildReader {
  constructor(
    private readonly reads: WorkflowReads,
    private readonly roots: StatusReader,
  ) {}

  async locate(rootId: string, name: string): Promise<LocatedChild> {
    let state: Promise<RootWorkflowState> | undefined;
    const rootState = () => (state ??= this.roots.rootState(rootId));
    // Batches keep their ids across roots of one name: those an earlier root left are none of this root's.
    const since = this.rootCreatedAt(rootId, rootState);
    const [indexed, createdAt] = await Promise.all([this.indexedBatches(rootId, name), since]);
    const own = indexed.filter((batch) => !ofEarlierRoot(batch.startedAt, createdAt));
    const found = own.length > 0 ? await this.firstHolding(own, name, createdAt) : undefined;
    if (found) return found;
    const root = await rootState();
    const { batches } = root;
    const open = batches.filter((batch) => !batch.done).map(({ id }) => ({ id, running: true }));
    const mayStillRun = batchesMayStillRun(root);
    const done = batches.filter((batch) => batch.done).map(({ id }) => ({ id, running: false, mayStillRun }));
    return (
      (await this.firstHolding(open, name, createdAt)) ??
      (await this.firstHolding(done, name, createdAt)) ??
      notFound(rootId, name)
    );
  }

  /** The child's own record, with its result. */
  async read(rootId: string, name: string): Promise<ChildJobState> {
    const { batchId, record, inFlight, interrupted } = await this.locate(rootId, name);
    const packs = inFlight
      ? await (inFlight.workflow ? this.reads.childWorkflowPacks([inFlight]) : this.reads.batchPacks(batchId))
      : undefined;
    const shown = inFlight ? refineRecord(record, inFlight, packs?.get(inFlight.pack)) : record;
    const { result, resultInHistory, resultRunId, ...own } = shown;
    return {
      ...own,
      kind: 'child',
      rootId,
      interrupted: interrupted || record.status === 'cancelled',
      result: resultInHistory
        ? ((await this.reads.packOutcome(batchId, name, resultRunId))?.result ?? null)
        : (result ?? null),
    };
  }

  /** When the root was submitted: from the snapshot in its memo (no worker needed), else from its state. */
  private async rootCreatedAt(
    rootId: string,
    rootState: () => Promise<RootWorkflowState>,
  ): Promise<string | null> {
    const snapshot = await this.reads.memo<RootSnapshot>(rootId, SNAPSHOT_MEMO_KEY);
    return snapshot?.createdAt ?? (await rootState()).createdAt;
  }

  /** Batches whose name keys include this child's, whether each runs and when it started: one visibility query. */
  private async indexedBatches(rootId: string, name: string): Promise<Batch[]> {
    const query = `JobRootId = ${queryString(rootId)} AND JobKind = 'batch' AND JobChildKeys = '${childKey(name)}'`;
    const batches: Batch[] = [];
    try {
      for await (const execution of this.reads.client.workflow.list({ query })) {
        const running = execution.status.name === 'RUNNING';
        batches.push({ id: execution.workflowId, running, startedAt: execution.startTime.toISOString() });
      }
    } catch {
      return []; // no visibility list on this server
    }
    return batches;
  }

  /** Asks these batches, at once, for the child; the first of this root's batches that holds it. */
  private async firstHolding(
    batches: Batch[],
    name: string,
    rootCreatedAt: string | null,
  ): Promise<LocatedChild | undefined> {
    const answers = await Promise.all(batches.map((batch) => this.findIn(batch, name, rootCreatedAt)));
    return answers.find((answer) => answer !== undefined);
  }

  private async findIn(
    { id, running, mayStillRun }: Batch,
    name: string,
    rootCreatedAt: string | null,
  ): Promise<LocatedChild | undefined> {
    if (!running) {
      const closed = await this.reads.closedBatch(id, { mayStillRun });
      if (closed.closed) {
        const record = closed.result.children.find((child) => child.name === name);
        return record && { batchId: id, record, inFlight: null, interrupted: false };
      }
    }
    const answer = await this.reads.query(id, findChildQuery, name).catch((err: unknown) => {
      if (err instanceof JobNotFoundError) return null;
      throw err;
    });
    if (!answer) return undefined;
    const { createdAt, ...found } = answer;
    // Still running under this id, left by an earlier root that this one has not ended yet.
    if (ofEarlierRoot(createdAt, rootCreatedAt)) return undefined;
    return { batchId: id, ...found };
  }
}

/** A batch to ask, and whether it still runs (a finished one answers from its result). */
interface Batch {
  id: string;
  running: boolean;
  /** Ended, but perhaps still closing (its root has not stopped). */
  mayStillRun?: boolean;
  /** When this run of it started, where visibility says. */
  startedAt?: string;
}

function notFound(rootId: string, name: string): never {
  throw new JobNotFoundError(`${rootId}/${name}`);
}
