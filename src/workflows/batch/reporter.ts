/**
 * A batch's reports to its root: its side of the slot lease (one path with a root's reports to its key,
 * ../lease-reporter.ts), with its counts and what its children's processors took per topic (for packing in
 * the root's next batches).
 */
import type { TopicDurations, StatusCounts, WaitingChildren } from '../../contract/jobs';
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import type { HeldLease } from '../../jobs/slots';
import { LeaseReporter } from '../lease-reporter';
import { notify } from '../notify';
import { batchReportSignal, type BatchReport, type LeaseReport } from '../../contract/messages';

export interface BatchState {
  counts(): StatusCounts;
  /** Of the children counted running, those waiting in their pack for a free slot. */
  waiting(): WaitingChildren;
  lease: HeldLease;
  /** The running slots the children ready to hand to a worker can use now. */
  needed(): number;
  durations: TopicDurations;
  /** The last rerun request taken (0: none). */
  reruns(): number;
}

export class BatchReporter {
  private readonly reports: LeaseReporter;

  constructor(
    private readonly rootId: string,
    private readonly index: number,
    private readonly batch: BatchState,
    /** Which root started the batch (ChildBatchInput.rootRun): the root takes only its own batches' reports. */
    private readonly rootRun?: string,
  ) {
    const holder = {
      lease: () => batch.lease,
      needed: () => batch.needed(),
      giveBack: (count: number) => (batch.lease.released += count),
    };
    // At first the root knows it wants everything: it opened the batch so.
    this.reports = new LeaseReporter(holder, Number.MAX_SAFE_INTEGER);
  }

  /** Counts changed: the root hears of it within a second. */
  changed(): void {
    this.reports.changed();
  }

  /** Children were handed out: the root hears of it within a second, with the report of their end if sooner. */
  handedOut(): void {
    this.reports.changedSoon();
  }

  /** The reports, until `finish`. */
  run(): Promise<void> {
    return this.reports.run((lease) =>
      notify(this.rootId, batchReportSignal, this.batchReport(lease, false)),
    );
  }

  /** The last report: the batch has ended and gives back every slot. */
  async finish(): Promise<void> {
    const report = this.batchReport(this.reports.last(), true);
    // No run id: the root may have continued as new. The root is open while any batch is, so this arrives.
    await getExternalWorkflowHandle(this.rootId)
      .signal(batchReportSignal, report)
      .catch(() => undefined);
  }

  private batchReport({ received, released, wants }: LeaseReport, done: boolean): BatchReport {
    const waiting = done ? undefined : this.batch.waiting();
    return {
      index: this.index,
      counts: this.batch.counts(),
      received,
      released,
      wants,
      durations: this.batch.durations,
      done,
      ...(this.batch.reruns() > 0 ? { reruns: this.batch.reruns() } : {}),
      ...(this.rootRun ? { rootRun: this.rootRun } : {}),
      ...(waiting && waiting.new + waiting.failed_redelivered > 0 ? { waiting } : {}),
    };
  }
}
