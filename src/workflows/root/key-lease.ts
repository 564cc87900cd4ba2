/**
 * A root that carries a concurrency key: it runs only as many children as its key lets it (the key's
 * workflow shares them among its roots, key/key-workflow.ts). It joins the key as it starts, tells it what it
 * holds and wants, takes its grants (which cap the root's own slot pool), and leaves it when it stops.
 */
import type { KeyLeaseCarry, KeyLease } from '../../contract/carry';
import { condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { concurrencyKeyWorkflowId } from '../../jobs/ids';
import { createKeyLease, heldKeyLease, keyAllowance, keyNeeds } from '../../jobs/key-lease';
import { takeGrant } from '../../jobs/slots';
import { joinConcurrencyKey } from '../activity-proxies';
import { failureMessage } from '../failure-message';
import { LeaseReporter } from '../lease-reporter';
import { keyReportSignal, type KeyReport, type LeaseGrant } from '../../contract/messages';
import type { RootRun } from './root-run';

/** A root reports to its key as a batch reports to its root (lease-reporter.ts). */
const KEY_REPORTS_AS_BATCHES = 'key-reports-as-batches';

export class RootKeyLease {
  readonly lease: KeyLease;
  private joined: boolean;
  /** Joining is under way: a continue-as-new waits for it. */
  joining = false;
  /** It has left its key (the root stops): it reports nothing more. */
  private left = false;
  private readonly reports: LeaseReporter;
  private readonly keyId: string;

  constructor(
    private readonly run: RootRun,
    private readonly key: string,
    carried?: KeyLeaseCarry,
  ) {
    this.keyId = concurrencyKeyWorkflowId(key);
    this.lease = carried?.lease ?? createKeyLease();
    this.joined = carried?.joined ?? false;
    run.ledger.lease(keyAllowance(this.lease));
    const holder = {
      lease: () => heldKeyLease(this.lease, run.pool),
      needed: () => keyNeeds(run.pool),
      giveBack: (count: number) => {
        this.lease.released += count;
        run.ledger.lease(keyAllowance(this.lease));
      },
    };
    this.reports = new LeaseReporter(holder, 0, !patched(KEY_REPORTS_AS_BATCHES));
  }

  carry(): KeyLeaseCarry {
    return { lease: this.lease, joined: this.joined };
  }

  /**
   * Joins the key (once per root). A join that fails after its retries is the root's error, not a workflow
   * task failing for ever: the root plans nothing and ends failed, and `jobs retry` tries again.
   */
  async join(): Promise<string | undefined> {
    if (this.joined) return undefined;
    this.joining = true;
    try {
      await joinConcurrencyKey({ key: this.key, report: { ...this.report(), join: true } });
      this.joined = true;
      return undefined;
    } catch (err) {
      this.left = true; // it holds nothing of the key and reports nothing
      return `could not join concurrency key ${JSON.stringify(this.key)}: ${failureMessage(err)}`;
    } finally {
      this.joining = false;
    }
  }

  /** Reports whenever what it gives back or wants changes (joining first where the root did not). */
  async keepReporting(): Promise<void> {
    if (this.left) return; // its join failed
    if (!this.joined) {
      const error = await this.join();
      if (error) return this.run.failWithoutKey(error);
    }
    if (this.left) return;
    await this.reports.run((lease) => this.run.send(this.keyId, keyReportSignal, this.keyReport(lease)));
  }

  /** The key's grant: the root's pool may lend up to what the key allows (asking batches back if less). */
  onGrant(grant: LeaseGrant): void {
    takeGrant(this.lease, grant);
    this.run.ledger.lease(keyAllowance(this.lease));
    this.run.lendSlots();
    this.run.refresh();
  }

  /** The root stops: every slot goes back to the key. */
  async leave(): Promise<void> {
    await condition(() => !this.joining);
    this.left = true;
    if (!this.joined) return;
    const report = { ...this.keyReport(this.reports.last()), done: true };
    await getExternalWorkflowHandle(this.keyId)
      .signal(keyReportSignal, report)
      .catch(() => undefined);
  }

  private report(): KeyReport {
    return this.keyReport(this.reports.report());
  }

  private keyReport({
    received,
    released,
    wants,
  }: {
    received: number;
    released: number;
    wants: number;
  }): KeyReport {
    return { rootId: this.run.state.id, received, released, wants, done: false };
  }
}
