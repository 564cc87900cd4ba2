/**
 * A root that carries a concurrency key: it runs only as many children as its key lets it (the key's
 * workflow shares them among its roots, key/key-workflow.ts). It joins the key as it starts, tells it what it
 * holds and wants, takes its grants (which cap the root's own slot pool), and leaves it when it stops.
 */
import type { KeyLeaseCarry, KeyLease } from '../../contract/carry';
import { CancellationScope, condition, getExternalWorkflowHandle, sleep } from '@temporalio/workflow';
import { concurrencyKeyWorkflowId } from '../../jobs/ids';
import { createKeyLease, keyAllowance, keyReport, takeKeyGrant } from '../../jobs/key-lease';
import { joinConcurrencyKey } from '../activity-proxies';
import { failureMessage } from '../failure-message';
import { keyReportSignal, type KeyReport } from '../../contract/messages';
import type { RootRun } from './root-run';

/** Reports that only change how many more it wants go out at most this often. */
const REPORT_INTERVAL_MS = 1000;

export class RootKeyLease {
  readonly lease: KeyLease;
  private joined: boolean;
  /** Joining is under way: a continue-as-new waits for it. */
  joining = false;
  /** It has left its key (the root stops): it reports nothing more. */
  private left = false;
  private reportedWants = 0;
  private cooling = false;
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
    for (;;) {
      await condition(() => this.left || this.urgent() || (!this.cooling && this.wantsChanged()));
      if (this.left) return;
      this.run.send(this.keyId, keyReportSignal, this.report());
    }
  }

  /** The key's grant: the root's pool may lend up to what the key allows (asking batches back if less). */
  onGrant(grant: { total: number; recalled: number }): void {
    takeKeyGrant(this.lease, grant);
    this.run.ledger.lease(keyAllowance(this.lease));
    this.run.lendSlots();
    this.run.refresh();
  }

  /** The root stops: every slot goes back to the key. */
  async leave(): Promise<void> {
    await condition(() => !this.joining);
    this.left = true;
    if (!this.joined) return;
    const report = { ...this.report(), released: this.lease.received, wants: 0, done: true };
    await getExternalWorkflowHandle(this.keyId)
      .signal(keyReportSignal, report)
      .catch(() => undefined);
  }

  /** Slots to give back, or more wanted when the key thought it wanted none. */
  private urgent(): boolean {
    const { release, wants } = keyReport(this.lease, this.run.pool);
    return release > 0 || (wants > 0 && this.reportedWants === 0);
  }

  private wantsChanged(): boolean {
    return keyReport(this.lease, this.run.pool).wants !== this.reportedWants;
  }

  private report(): KeyReport {
    const { release, wants } = keyReport(this.lease, this.run.pool);
    this.lease.released += release;
    this.run.ledger.lease(keyAllowance(this.lease));
    this.reportedWants = wants;
    this.cool();
    const { received, released } = this.lease;
    return { rootId: this.run.state.id, received, released, wants, done: false };
  }

  private cool(): void {
    if (this.cooling) return;
    this.cooling = true;
    void CancellationScope.nonCancellable(() => sleep(REPORT_INTERVAL_MS)).then(() => {
      this.cooling = false;
    });
  }
}
