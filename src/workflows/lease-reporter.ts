/**
 * The holder's reports on a slot lease, one path for both leases (a batch reports to its root,
 * batch/batch-workflow.ts; a root to its concurrency key, root/key-lease.ts): at once when it can give slots
 * back or could use more than the lender last heard (the lender must not wait), otherwise at most once a
 * second while what it has to say changes, so the lender's history grows with time, not with children.
 */
import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import type { LeaseReport } from '../contract/messages';
import { leaseReport, type HeldLease } from '../jobs/slots';

const REPORT_INTERVAL_MS = 1000;

export interface LeaseHolder {
  /** The lease as it stands, its slots in use included. */
  lease(): HeldLease;
  /** Slots its waiting work could use now. */
  needed(): number;
  /** It gives back `count` slots with the report being made. */
  giveBack(count: number): void;
}

export class LeaseReporter {
  private dirty = false;
  /** A change the lender should hear of within a second, unless another report carries it first. */
  private dueSoon = false;
  private cooling = false;
  private stopped = false;

  constructor(
    private readonly holder: LeaseHolder,
    /** What the lender last heard it wants. */
    private reportedWants: number,
    /**
     * A root's key reports before patch `key-reports-as-batches`: more wanted was urgent only after none,
     * and any other change of it went out within a second. Kept while such roots may be open.
     */
    private readonly keyRuleBeforePatch = false,
  ) {}

  /** Something the lender should hear of changed (a batch's counts): it hears within a second. */
  changed(): void {
    this.dirty = true;
  }

  /**
   * Something the lender should hear of changed, and a report within a second will do: one that goes sooner
   * (the holder's work ending, slots given back) carries it, so the lender hears of it once.
   */
  changedSoon(): void {
    this.dueSoon = true;
    this.cool();
  }

  /** Sends each report as it falls due, until `last`. */
  async run(send: (report: LeaseReport) => void): Promise<void> {
    for (;;) {
      await condition(() => this.stopped || this.urgent() || (!this.cooling && this.due()));
      if (this.stopped) return;
      send(this.report());
    }
  }

  /** The report to send now; the slots it gives back leave the lease. */
  report(): LeaseReport {
    const { release, ...report } = leaseReport(this.holder.lease(), this.holder.needed());
    this.holder.giveBack(release);
    this.dirty = false;
    this.dueSoon = false;
    this.reportedWants = report.wants;
    this.cool();
    return report;
  }

  /** The last report (the holder is done): it gives back every slot and wants none. */
  last(): LeaseReport {
    this.stopped = true;
    const report = this.report();
    return { ...report, released: report.received, wants: 0 };
  }

  private urgent(): boolean {
    const { release, wants } = leaseReport(this.holder.lease(), this.holder.needed());
    if (release > 0) return true;
    return this.keyRuleBeforePatch ? wants > 0 && this.reportedWants === 0 : wants > this.reportedWants;
  }

  private due(): boolean {
    if (!this.keyRuleBeforePatch) return this.dirty || this.dueSoon;
    return leaseReport(this.holder.lease(), this.holder.needed()).wants !== this.reportedWants;
  }

  private cool(): void {
    if (this.cooling) return;
    this.cooling = true;
    void CancellationScope.nonCancellable(() => sleep(REPORT_INTERVAL_MS)).then(() => {
      this.cooling = false;
    });
  }
}
