/**
 * A root watches its batches for a close it was not told of: an operator's `temporal workflow terminate`, a
 * batch run that failed, a last report that never came. The batches this run of the root started are its
 * children, whose close is an event in its history; those an earlier run started (before a continue-as-new)
 * are probed now and then. A batch closed with its result counts as its last report; one closed without it is
 * replaced by a run that rebuilds its records and fails the children that had not ended (RootReruns), so the
 * root always ends, by its rule.
 */
import type { ClosedBatch } from '../../contract/activities';
import { CancellationScope, condition, isCancellation, patched, sleep } from '@temporalio/workflow';
import type { StatusCounts } from '../../contract/jobs';
import { batchesStillOpen, lostBatchCounts, probeBatches } from '../activity-proxies';
import { howClosed } from '../failure-message';
import type { BatchReport } from '../../contract/messages';
import type { RootReruns } from './reruns';
import type { RootRun } from './root-run';

/** Roots that ran before this did not watch their batches (patched; fixture lost-batch). */
const WATCH_BATCHES = 'watch-batches';
/**
 * A run's close counts only while it is the batch's current run: once the batch is reopened for a rerun or
 * replaced, the earlier run's close (which may reach the root later) is not the new run's (patched).
 */
const CURRENT_RUN_ONLY = 'current-batch-run-only';
/** A batch lost twice ends with the counts of its last run's history (patched; fixture twice-lost). */
const LOST_BATCH_COUNTS = 'lost-batch-counts';
/** Batches of an earlier run are probed after this, then twice as long each time nothing has changed. */
const FIRST_PROBE_MS = 5_000;
const LONGEST_PROBE_MS = 120_000;

export class RootBatchWatch {
  /** Batches whose current run this run of the root started (it holds their handles). */
  private readonly followed = new Set<number>();
  /** Batches replaced once already: a replacement that is lost too ends the batch as it stands. */
  private readonly replaced = new Set<number>();
  /** Batches this run of the root started a run of. */
  private readonly startedHere = new Set<number>();
  /** The runs this run of the root started, by number, that have not closed yet; and each batch's current one. */
  private readonly openRuns = new Set<number>();
  private readonly currentRun = new Map<number, number>();
  private runsStarted = 0;
  /** Batches reopened or replaced whose new run has not started yet: a close seen meanwhile is the old run's. */
  private readonly awaitingRun = new Set<number>();

  constructor(
    private readonly run: RootRun,
    private readonly reruns: RootReruns,
    /** Takes a report as the batch's own signal would have brought it. */
    private readonly takeReport: (report: BatchReport) => void,
  ) {}

  /** Starts watching: the batches this run starts, and, while any is open, those an earlier run started. */
  start(): void {
    if (!patched(WATCH_BATCHES)) return;
    this.run.onBatchStarted = (index, result) => this.follow(index, result);
    this.run.onBatchRerun = (index) => {
      this.currentRun.delete(index);
      this.awaitingRun.add(index);
    };
    void CancellationScope.nonCancellable(() => this.probeEarlierBatches());
  }

  /**
   * Waits until every batch the root started has closed, not only sent its last report: a root stops (and its
   * name is free) only then, as a new root of the same name starts batches of the same ids.
   */
  async allClosed(): Promise<void> {
    await condition(() => this.openRuns.size === 0);
    const { state, startedBatches } = this.run;
    let ids = state.batches
      .filter((_, index) => startedBatches.has(index) && !this.startedHere.has(index))
      .map((batch) => batch.id);
    for (let waitMs = FIRST_PROBE_MS / 5; ids.length > 0; waitMs = Math.min(waitMs * 2, LONGEST_PROBE_MS)) {
      try {
        ids = await batchesStillOpen({ batchIds: ids });
      } catch {
        // the server did not answer: ask again later
      }
      if (ids.length > 0) await sleep(waitMs);
    }
  }

  private follow(index: number, result: Promise<unknown>): void {
    const runNumber = ++this.runsStarted;
    this.followed.add(index);
    this.startedHere.add(index);
    this.awaitingRun.delete(index);
    this.openRuns.add(runNumber);
    this.currentRun.set(index, runNumber);
    const closedAs = (how: { counts: StatusCounts } | { lost: string }) => {
      this.openRuns.delete(runNumber);
      if (this.currentRun.get(index) !== runNumber && patched(CURRENT_RUN_ONLY)) return;
      this.currentRun.delete(index);
      this.closed(index, how);
    };
    result.then(
      (done) => closedAs({ counts: (done as { counts: StatusCounts }).counts }),
      (err: unknown) => closedAs({ lost: howClosed(err) }),
    );
  }

  private async probeEarlierBatches(): Promise<void> {
    for (let waitMs = FIRST_PROBE_MS; ; waitMs = Math.min(waitMs * 2, LONGEST_PROBE_MS)) {
      const open = () =>
        this.run.state.batches
          .map((batch, index) => ({ index, id: batch.id, done: batch.done }))
          .filter(
            ({ index, done }) =>
              !done &&
              this.run.startedBatches.has(index) &&
              !this.followed.has(index) &&
              !(this.awaitingRun.has(index) && patched(CURRENT_RUN_ONLY)),
          );
      if (open().length === 0) return;
      await sleep(waitMs);
      const batches = open().map(({ index, id }) => ({ index, id }));
      if (batches.length === 0) return;
      let closed: ClosedBatch[];
      try {
        closed = await probeBatches({ batches });
      } catch (err) {
        if (isCancellation(err)) return;
        continue; // the server did not answer: probe again later
      }
      for (const batch of closed) this.closed(batch.index, 'lost' in batch ? { lost: batch.lost } : batch);
      if (closed.length > 0) waitMs = FIRST_PROBE_MS / 2;
    }
  }

  private closed(index: number, how: { counts: StatusCounts } | { lost: string }): void {
    const batch = this.run.state.batches[index];
    if (!batch || batch.done) return;
    if ('counts' in how) {
      // It ended normally, but its last report never reached the root: its result says the same.
      this.takeReport({
        index,
        counts: how.counts,
        received: 0,
        released: 0,
        wants: 0,
        durations: {},
        done: true,
      });
      return;
    }
    if (this.replaced.has(index)) {
      const error = `batch ${index} was ${how.lost}, and so was the run that replaced it`;
      if (patched(LOST_BATCH_COUNTS)) void this.endFromHistory(index, error);
      else this.run.batchLost(index, error);
      return;
    }
    this.replaced.add(index);
    this.followed.delete(index);
    this.reruns.replaceLost(index, how.lost);
  }

  /**
   * A batch lost twice ends with the counts its last run's history gives: what the root last heard may be up to
   * a report (a second) older. As it stands, if the server cannot say. No continue-as-new meanwhile.
   */
  private async endFromHistory(index: number, error: string): Promise<void> {
    this.reruns.starting++;
    try {
      const counts = await lostBatchCounts({ batchId: this.run.state.batches[index].id }).catch(
        () => undefined,
      );
      this.run.batchLost(index, error, counts);
    } finally {
      this.reruns.starting--;
    }
  }
}
