/**
 * Reads a root with one page of its children. A finished root and its finished batches are read from their
 * results (one call each, no replay); a running root from the snapshot in its memo (one describe: its record,
 * its counts at most a second old, where its batches are; see snapshot-reader.ts), or from its query when that
 * is not current; the running batches that hold the page from their queries and from the server's view of their
 * pending packs, in parallel. A page filtered by status asks the root and every running batch (where the page
 * falls depends on their counts).
 */
import { QueryNotRegisteredError } from '@temporalio/client';
import {
  batchPageQuery,
  rootJobQuery,
  rootPageQuery,
  type BatchPage,
  type BatchResult,
  type RootPage,
} from '../contract/messages';
import {
  type InFlightChild,
  type BatchSummary,
  type ChildPageRequest,
  type ChildRecord,
  type JobStatus,
  type RootRecord,
  type RootWorkflowState,
  type RootStatusAnswer,
  type StatusCounts,
} from '../contract/jobs';
import { pageSlices, type PageSlice } from '../jobs/pages';
import { addCounts, emptyCounts, liveRootFigures, subtractCounts, totalOf } from '../jobs/status';
import { refineCounts, refineRecord, withoutResult, type PackState } from '../jobs/status-view';
import { rootPage, shownOf } from '../jobs/root-page';
import { RECORD_DEFAULTS, currentSnapshot, readSnapshot } from './snapshot-reader';
import { layoutPage } from '../jobs/root-layout';
import { BatchReadAhead, standsForEnded, type EarlyBatches } from './batch-read-ahead';
import { JobNotFoundError } from '../errors';
import { lostRoot } from '../jobs/lost-root';
import { expandState } from '../jobs/batch-runs';
import { NoWorkerAnsweredError, type WorkflowReads } from './workflow-reads';

/** In a running batch, the records that may read as `status` once refined. */
const CANDIDATES: Partial<Record<JobStatus, JobStatus[]>> = {
  new: ['new', 'running'],
  failed_redelivered: ['failed_redelivered', 'running'],
  running: ['running'],
};

/** What a running batch's query and the server say about it. */
interface LiveBatch {
  page: BatchPage;
  packs: Map<string, PackState>;
  /** Listed by the root, its workflow not started yet. */
  unstarted?: boolean;
}

/**
 * A root stops once its batches have closed: until then, a batch that has ended may still be closing; a root lost
 * (terminated) may have left batches running.
 */
export function batchesMayStillRun(root: Pick<RootWorkflowState, 'phase' | 'lost'>): boolean {
  return root.phase !== 'stopped' || root.lost !== undefined;
}

export class StatusReader {
  /** Reads from a root's snapshot ask its batches within fallbackMs: no worker may be running at all. */
  private quickReader: StatusReader | undefined;
  /** Ended batches read while a running root is described. */
  private readonly readAhead: BatchReadAhead;

  constructor(
    private readonly reads: WorkflowReads,
    /** A running root that no worker answers within this is read from its snapshot. */
    private readonly fallbackMs: number,
  ) {
    this.readAhead = new BatchReadAhead(reads);
  }

  private get quick(): StatusReader {
    return (this.quickReader ??= new StatusReader(this.reads.within(this.fallbackMs), this.fallbackMs));
  }

  /** The root's state: its query while it runs, its result once it has finished. */
  async rootState(id: string, timeoutMs = this.reads.queryTimeoutMs): Promise<RootWorkflowState> {
    const asked = await this.reads.queryIfOpen(id, timeoutMs, rootJobQuery);
    return asked.open ? asked.value : this.closedRootState(id);
  }

  private async closedRootState(id: string): Promise<RootWorkflowState> {
    const closed = await this.reads.closedOutcome<RootWorkflowState>(id);
    if (closed.kind === 'result') return expandState(closed.result); // written compact (batch-runs.ts)
    if (closed.kind === 'open') return this.reads.query(id, rootJobQuery); // it went on as new meanwhile
    // Closed without its result (an operator terminated it): what it knew then, ended.
    const last = await this.reads.query(id, rootJobQuery);
    return lostRoot(last, closed.how, closed.closedAt);
  }

  async root(id: string, request: ChildPageRequest): Promise<RootStatusAnswer> {
    try {
      // A page filtered by status needs every running batch's counts; an unfiltered one, only its own batches.
      if (request.status) return await this.filteredRoot(await this.rootState(id, this.fallbackMs), request);
      // The batches that hold the page, by the sizes of an earlier read (or batch 0 for the first page), are read
      // from their ends while the root is described: on a saturated server each call waits its turn.
      const early = this.readAhead.start(id, request);
      try {
        const snapshot = await currentSnapshot(this.reads, id);
        if (snapshot) {
          this.readAhead.remember(id, snapshot.layout.sizes);
          return await this.quick.pagedRoot(layoutPage(snapshot, request), early).catch(notAnswered);
        }
        this.readAhead.forget(id);
        return await this.pagedRoot(await this.rootPage(id, request), early);
      } finally {
        // A read answers with none of its calls left running (one retrying after its client closed would throw).
        await Promise.all(early.values());
      }
    } catch (err) {
      if (!(err instanceof RootNotAnswered)) throw err;
      const fromSnapshot = await readSnapshot(this.reads, id, request);
      if (!fromSnapshot) throw err.cause;
      return fromSnapshot;
    }
  }

  /** The root's page: from its page query while it runs (O(page)), else from its state. */
  private async rootPage(id: string, request: ChildPageRequest): Promise<RootPage> {
    const { offset, limit } = request;
    try {
      const asked = await this.reads.queryIfOpen(id, this.fallbackMs, rootPageQuery, { offset, limit });
      return asked.open ? asked.value : rootPage(await this.closedRootState(id), request);
    } catch (err) {
      if (err instanceof NoWorkerAnsweredError) throw new RootNotAnswered(err);
      if (!(err instanceof QueryNotRegisteredError)) throw err;
      // A worker from before the page query: the whole state, paged here.
      return rootPage(await this.rootState(id, this.fallbackMs).catch(notAnswered), request);
    }
  }

  /**
   * An unfiltered page: only the running batches that hold it are asked, however many others run. Ended ones
   * read `early` are not read again (a batch that had not closed then is).
   */
  private async pagedRoot(root: RootPage, early?: EarlyBatches): Promise<RootStatusAnswer> {
    const { kind: _kind, phase, lost: _lost, shown, page, ...record } = root;
    const live = new Map<number, Promise<LiveBatch>>();
    for (const { index, offset, limit, batch } of page)
      if (isLive(batch))
        live.set(index, this.liveBatch(batch, record.createdAt, { batch: index, offset, limit }));
    // A batch asked gives fresh counts, refined with the server's view of its packs; the others' are the root's
    // (from their last report, at most a second old).
    // All at once (as Promise.all handles every one): a batch awaited in turn leaves the others' failures unhandled.
    const views = await Promise.all(page.map(({ index }) => live.get(index)));
    const counts = { ...shown };
    page.forEach(({ batch }, at) => {
      const view = views[at];
      if (!view) return;
      subtractCounts(counts, shownOf(batch));
      addCounts(counts, refineCounts(view.page.counts, view.page.inFlight, view.packs));
    });
    const mayStillRun = batchesMayStillRun(root);
    const children = await Promise.all(
      page.map(async ({ index, offset, limit, batch }) =>
        this.slice(
          batch,
          { batch: index, offset, limit },
          {
            live: live.get(index),
            fetchedWithLive: true,
            mayStillRun,
            rootCreatedAt: record.createdAt,
            early: standsForEnded(await early?.get(index), record.createdAt),
          },
        ),
      ),
    );
    return answer(record, phase, counts, children.flat());
  }

  /** A page filtered by status: where it falls depends on every batch's counts, so every running one is asked. */
  private async filteredRoot(root: RootWorkflowState, request: ChildPageRequest): Promise<RootStatusAnswer> {
    const { kind: _kind, phase, batches, lost: _lost, ...record } = root;
    const live = new Map<number, Promise<LiveBatch>>();
    batches.forEach((batch, index) => {
      if (isLive(batch)) live.set(index, this.liveBatch(batch, record.createdAt));
    });
    const counts = await Promise.all(
      batches.map(async (batch, index): Promise<StatusCounts> => {
        const view = await live.get(index);
        return view ? refineCounts(view.page.counts, view.page.inFlight, view.packs) : batch.counts;
      }),
    );
    const slices = pageSlices(
      batches.map((batch, index) => ({ size: batch.size, counts: counts[index] })),
      request,
    );
    const mayStillRun = batchesMayStillRun(root);
    const children = await Promise.all(
      slices.map((slice) =>
        this.slice(batches[slice.batch], slice, {
          status: request.status,
          live: live.get(slice.batch),
          fetchedWithLive: false,
          mayStillRun,
          rootCreatedAt: record.createdAt,
        }),
      ),
    );
    const total = counts.reduce((sum, batchCounts) => addCounts(sum, batchCounts), emptyCounts());
    return answer(record, phase, total, children.flat());
  }

  /**
   * A running batch's counts, in-flight children and (when given) slice of the page, with its packs' state. A
   * batch the root has listed but not yet started has no workflow to ask: what the root says of it stands (its
   * children, all new, are not in the page until it runs).
   */
  private async liveBatch(
    batch: BatchSummary,
    rootCreatedAt: string | null,
    slice?: PageSlice,
  ): Promise<LiveBatch> {
    const batchId = batch.id;
    const unstarted = () => {
      const page = { counts: batch.counts, inFlight: [], matched: 0, children: [] };
      return { page, packs: new Map(), unstarted: true };
    };
    let page: BatchPage;
    let packs: Map<string, PackState>;
    try {
      // The query first, then the packs: a pack the batch had scheduled when it answered is then either
      // described (begun or not) or gone because it ended, never missing for being too new (it would read as
      // running before any worker began it).
      page = await this.reads.query(batchId, batchPageQuery, {
        offset: slice?.offset ?? 0,
        limit: slice?.limit ?? 0,
      });
      if (ofEarlierRoot(page.createdAt, rootCreatedAt)) return unstarted();
      packs = await this.reads.batchPacks(batchId);
    } catch (err) {
      if (!(err instanceof JobNotFoundError)) throw err;
      return unstarted();
    }
    for (const [pack, state] of await this.reads.childWorkflowPacks(page.inFlight)) packs.set(pack, state);
    return { page, packs };
  }

  /** One slice of a page, from a finished batch's result or a running batch's query. */
  private async slice(
    batch: BatchSummary,
    { offset, limit }: PageSlice,
    { status, live, fetchedWithLive, mayStillRun, rootCreatedAt, early }: SliceSources,
  ): Promise<ChildRecord[]> {
    if (batch.done) {
      const closed = early
        ? { closed: true as const, result: early }
        : await this.reads.closedBatch(batch.id, { mayStillRun });
      if (closed.closed) {
        const matching = closed.result.children.filter((child) => !status || child.status === status);
        return matching.slice(offset, offset + limit).map(withoutResult);
      }
    }
    if (!live) {
      const statuses = status ? [status] : undefined;
      try {
        const page = await this.reads.query(batch.id, batchPageQuery, { offset, limit, statuses });
        return ofEarlierRoot(page.createdAt, rootCreatedAt) ? [] : page.children;
      } catch (err) {
        if (err instanceof JobNotFoundError && !batch.done) return []; // listed, not started yet
        throw err;
      }
    }
    const view = await live;
    if (view.unstarted) return [];
    const candidates = status && CANDIDATES[status];
    const page = fetchedWithLive
      ? view.page
      : await this.reads.query(batch.id, batchPageQuery, {
          offset: candidates ? 0 : offset,
          limit: candidates ? batch.size : limit,
          statuses: candidates || (status ? [status] : undefined),
        });
    const inFlight = new Map(view.page.inFlight.concat(page.inFlight).map((flight) => [flight.name, flight]));
    const refined = page.children.map((child) => refine(child, inFlight.get(child.name), view.packs));
    return candidates
      ? refined.filter((child) => child.status === status).slice(offset, offset + limit)
      : refined;
  }
}

/** Where a slice of a page comes from, besides its batch. */
interface SliceSources {
  /** Only children in this status. */
  status?: JobStatus;
  /** The batch's live view, when it runs. */
  live: Promise<LiveBatch> | undefined;
  /** The live view's page is this slice (else the slice is asked for). */
  fetchedWithLive: boolean;
  /** A batch that has ended may still be open (batchesMayStillRun). */
  mayStillRun: boolean;
  rootCreatedAt: string | null;
  /** Its result, read ahead (pagedRoot). */
  early?: BatchResult;
}

/**
 * A batch of this id that an earlier root of the same name started (the new root ends one still running before
 * it starts its own): it holds none of this root's children. `batchCreatedAt`: when its root started it.
 */
export function ofEarlierRoot(batchCreatedAt: string | undefined, rootCreatedAt: string | null): boolean {
  return !!batchCreatedAt && !!rootCreatedAt && Date.parse(batchCreatedAt) < Date.parse(rootCreatedAt);
}

/** A batch whose records change now: it holds slots, or has children handed out or waiting for a retry. */
function isLive(batch: BatchSummary): boolean {
  return !batch.done && (batch.slots > 0 || batch.counts.new !== batch.size);
}

function refine<R extends ChildRecord>(
  record: R,
  flight: InFlightChild | undefined,
  packs: Map<string, PackState>,
): R {
  return flight ? refineRecord(record, flight, packs.get(flight.pack)) : record;
}

/** A root's answer from its record and counts: while it runs, its figures follow from these fresher counts. */
function answer(
  record: RootRecord,
  phase: RootWorkflowState['phase'],
  counts: StatusCounts,
  children: ChildRecord[],
): RootStatusAnswer {
  const running = phase !== 'stopped';
  return {
    kind: 'root',
    ...RECORD_DEFAULTS,
    ...record,
    ...(running ? liveRootFigures(counts) : { counts, total: totalOf(counts) }),
    children,
  };
}

/** No worker answered the root's query: the read goes to its snapshot. */
class RootNotAnswered extends Error {
  constructor(override readonly cause: NoWorkerAnsweredError) {
    super(cause.message);
  }
}

function notAnswered(err: unknown): never {
  throw err instanceof NoWorkerAnsweredError ? new RootNotAnswered(err) : err;
}
