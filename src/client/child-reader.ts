/**
 * Finds and reads one child job. The batch that holds it comes from one visibility query on its name's key
 * (`JobChildKeys`); where visibility cannot answer (the time-skipping test server) or has not caught up
 * with a batch just started, the root's open batches, then all of them, are asked.
 */
import { findChildQuery } from '../contract/messages';
import { type InFlightChild, type ChildJobState, type StoredChild } from '../contract/jobs';
import { childKey } from '../jobs/ids';
import { refineRecord } from '../jobs/status-view';
import { JobNotFoundError } from '../errors';
import { batchesMayStillRun, type StatusReader } from './status-reader';
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
    const indexed = await this.indexedBatches(rootId, name);
    const found = indexed.length > 0 ? await this.firstHolding(indexed, name) : undefined;
    if (found) return found;
    const root = await this.roots.rootState(rootId);
    const { batches } = root;
    const open = batches.filter((batch) => !batch.done).map(({ id }) => ({ id, running: true }));
    const mayStillRun = batchesMayStillRun(root);
    const done = batches.filter((batch) => batch.done).map(({ id }) => ({ id, running: false, mayStillRun }));
    return (
      (await this.firstHolding(open, name)) ?? (await this.firstHolding(done, name)) ?? notFound(rootId, name)
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

  /** Batches whose name keys include this child's, and whether each runs: one visibility query. */
  private async indexedBatches(rootId: string, name: string): Promise<Batch[]> {
    const query = `JobRootId = ${queryString(rootId)} AND JobKind = 'batch' AND JobChildKeys = '${childKey(name)}'`;
    const batches: Batch[] = [];
    try {
      for await (const execution of this.reads.client.workflow.list({ query })) {
        batches.push({ id: execution.workflowId, running: execution.status.name === 'RUNNING' });
      }
    } catch {
      return []; // no visibility list on this server
    }
    return batches;
  }

  /** Asks these batches, at once, for the child; the first that holds it. */
  private async firstHolding(batches: Batch[], name: string): Promise<LocatedChild | undefined> {
    const answers = await Promise.all(batches.map((batch) => this.findIn(batch, name)));
    return answers.find((answer) => answer !== undefined);
  }

  private async findIn({ id, running, mayStillRun }: Batch, name: string): Promise<LocatedChild | undefined> {
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
    return answer ? { batchId: id, ...answer } : undefined;
  }
}

/** A batch to ask, and whether it still runs (a finished one answers from its result). */
interface Batch {
  id: string;
  running: boolean;
  /** Ended, but perhaps still closing (its root has not stopped). */
  mayStillRun?: boolean;
}

function notFound(rootId: string, name: string): never {
  throw new JobNotFoundError(`${rootId}/${name}`);
}
