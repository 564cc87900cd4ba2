/**
 * Rerunning a root's failed or cancelled children (`jobs retry`): where a retry is handled. A running batch
 * puts them back in line itself (a signal); an ended batch is reopened and started again as a new run,
 * which loads its children from the run before. A retry a batch missed because it was just ending is
 * noticed in its last report, and the batch is reopened instead.
 */
import { type RerunnableStatus, type RootJobInput } from '../../contract/jobs';
import { countIn, rerunCounts, unendedAsFailed } from '../../jobs/status';
import { rerunChildrenSignal, type BatchReport } from '../../contract/messages';
import { rerunBatch } from './planning';
import type { RootRun } from './root-run';

export class RootReruns {
  /** Batches being started again (or a lost one's counts being read): a continue-as-new waits for them. */
  starting = 0;

  constructor(
    private readonly run: RootRun,
    private readonly input: RootJobInput,
    /** Numbers rerun requests, so a batch can tell a new one from one it has taken. */
    private sequence = 0,
  ) {}

  get lastSequence(): number {
    return this.sequence;
  }

  /** Puts the children in `statuses` back in line; returns how many, as far as the root knows now. */
  retry(statuses: RerunnableStatus[]): number {
    const { run } = this;
    let count = 0;
    run.state.batches.forEach((batch, index) => {
      const matching = countIn(batch.counts, statuses);
      if (batch.done) {
        if (matching > 0) this.reopen(index, statuses);
      } else if (run.startedBatches.has(index)) {
        // Its counts may be a second old: ask it even when the root knows of no such child in it.
        run.send(batch.id, rerunChildrenSignal, run.ledger.askRerun(index, statuses, ++this.sequence));
      }
      count += matching;
    });
    run.refresh();
    return count;
  }

  /** After a batch's report: a batch that ended without taking the rerun asked of it is reopened. */
  afterReport(report: BatchReport): void {
    const batch = this.run.state.batches[report.index];
    const asked = batch?.rerun;
    if (!asked) return;
    if ((report.reruns ?? 0) >= asked.sequence) this.run.ledger.rerunTaken(report.index);
    else if (report.done) {
      this.run.ledger.rerunTaken(report.index);
      if (countIn(batch.counts, asked.statuses) > 0) this.reopen(report.index, asked.statuses);
      this.run.refresh();
    }
  }

  /**
   * Batch `index` closed without its result (`lost`: how): a new run of it rebuilds its records from the
   * closed run's history and fails the children that had not ended, naming why; the root then ends by its rule.
   */
  replaceLost(index: number, lost: string): void {
    const { run } = this;
    const counts = unendedAsFailed(run.state.batches[index].counts);
    run.batchReplaced(index, counts);
    this.starting++;
    void rerunBatch(run, this.input, index, { statuses: [], counts, lost }).finally(() => this.starting--);
    run.refresh();
  }

  private reopen(index: number, statuses: RerunnableStatus[]): void {
    const { run } = this;
    const counts = rerunCounts(run.state.batches[index].counts, statuses);
    run.batchReopened(index, counts, countIn(counts, ['new']));
    this.starting++;
    void rerunBatch(run, this.input, index, { statuses, counts }).finally(() => this.starting--);
  }
}
