/**
 * A batch's reports to its root: at once when it can give slots back or could use more (the pool must not
 * wait), otherwise at most one per second while its counts change, so that the root's history grows with
 * time, not with children.
 */
import { type TopicDurations, type StatusCounts } from '../../contract/jobs';
import { CancellationScope, condition, getExternalWorkflowHandle, sleep } from '@temporalio/workflow';
import { payableRecall, slotsToRelease, slotsWanted, type BatchLease } from '../../jobs/slots';
import { notify } from '../notify';
import { batchReportSignal, type BatchReport } from '../../contract/messages';

const REPORT_INTERVAL_MS = 1000;

export interface BatchState {
  counts(): StatusCounts;
  lease: BatchLease;
  /** The running slots the children ready to hand to a worker can use now. */
  needed(): number;
  durations: TopicDurations;
  /** The last rerun request taken (0: none). */
  reruns(): number;
}

export class BatchReporter {
  private dirty = false;
  private cooling = false;
  private finished = false;
  /** What the root last heard this batch wants (at first: all of it, as the root opened the batch). */
  private reportedWants = Number.MAX_SAFE_INTEGER;

  constructor(
    private readonly rootId: string,
    private readonly index: number,
    private readonly batch: BatchState,
    /** Which root started the batch (ChildBatchInput.rootRun): the root takes only its own batches' reports. */
    private readonly rootRun?: string,
  ) {}

  /** Counts changed: the root hears of it within a second. */
  changed(): void {
    this.dirty = true;
  }

  /** The reports, until `finish`. */
  async run(): Promise<void> {
    for (;;) {
      await condition(() => this.finished || this.urgent() || (this.dirty && !this.cooling));
      if (this.finished) return;
      notify(this.rootId, batchReportSignal, this.report(false));
    }
  }

  /** The last report: the batch has ended and gives back every slot. */
  async finish(): Promise<void> {
    this.finished = true;
    this.batch.lease.released = this.batch.lease.received;
    // No run id: the root may have continued as new. The root is open while any batch is, so this arrives.
    await getExternalWorkflowHandle(this.rootId)
      .signal(batchReportSignal, this.report(true))
      .catch(() => undefined);
  }

  /** Slots to give back (spare, or asked back by the root), or more wanted than the root knows of. */
  private urgent(): boolean {
    const { lease } = this.batch;
    const needed = this.batch.needed();
    return (
      payableRecall(lease) > 0 ||
      slotsToRelease(lease, needed) > 0 ||
      slotsWanted(lease, needed) > this.reportedWants
    );
  }

  private report(done: boolean): BatchReport {
    const { lease } = this.batch;
    const needed = this.batch.needed();
    lease.released += payableRecall(lease);
    lease.released += slotsToRelease(lease, needed);
    const wants = done ? 0 : slotsWanted(lease, needed);
    this.dirty = false;
    this.reportedWants = wants;
    this.cool();
    return {
      index: this.index,
      counts: this.batch.counts(),
      received: lease.received,
      released: lease.released,
      wants,
      durations: this.batch.durations,
      done,
      ...(this.batch.reruns() > 0 ? { reruns: this.batch.reruns() } : {}),
      ...(this.rootRun ? { rootRun: this.rootRun } : {}),
    };
  }

  private cool(): void {
    if (this.cooling) return;
    this.cooling = true;
    void CancellationScope.nonCancellable(() => sleep(REPORT_INTERVAL_MS)).then(() => {
      this.cooling = false;
    });
  }
}
