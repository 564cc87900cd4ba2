/**
 * A batch's children in workflow mode: each runs as a child workflow of its own (`launch`), which retries its
 * processor itself and tells the batch its transitions; its final record settles the child, and an interrupt
 * is sent to it.
 */
import type { ChildJobState, InFlightChild } from '../../contract/jobs';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { newJobSearchAttributes } from '../../search-attributes';
import { childJobWorkflow } from '../child/child-workflow';
import { howClosed } from '../failure-message';
import { closedJob } from '../job-close';
import { notify } from '../notify';
import { interruptSignal } from '../../contract/messages';
import type { DispatchedBatch } from './dispatched-batch';

export class ChildWorkflows {
  private readonly running = new Set<number>();
  /** Records that cancelled child workflows told before closing (a Cancelled close carries none). */
  private readonly cancelledRecords = new Map<number, ChildJobState>();

  constructor(private readonly batch: DispatchedBatch) {}

  /** Runs child `index` (already dispatched in the book) as a workflow of its own. */
  async launch(index: number): Promise<void> {
    const record = this.batch.book.records[index];
    const { payload } = this.batch.book.specs[index];
    const attemptsBefore = this.batch.book.attemptsBeforeRerun(index);
    this.running.add(index);
    this.batch.lease.inFlight++;
    try {
      const child = await startChild(childJobWorkflow, {
        workflowId: record.id,
        args: [
          {
            id: record.id,
            rootId: this.batch.input.rootId,
            ownerId: this.batch.input.ownerId,
            name: record.name,
            topic: record.topic,
            payload,
            retry: this.batch.input.retry,
            childTimeoutMs: this.batch.input.childTimeoutMs,
            createdAt: this.batch.input.createdAt,
            ...(attemptsBefore > 0 ? { attemptsBefore } : {}),
            closesByStatus: true,
          },
        ],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `${record.name} (${record.topic})`,
        // Running from its start, as the batch counts it: the child need not upsert it (a visibility write).
        typedSearchAttributes: newJobSearchAttributes(
          'child',
          record.name,
          this.batch.input.rootId,
          this.batch.input.ownerId,
          'running',
        ),
      });
      // An interrupt that came while the child was being started reaches it now.
      const force = this.batch.interrupts.get(index);
      if (force !== undefined) notify(record.id, interruptSignal, { force });
      this.settle(index, await child.result());
    } catch (err) {
      // A job that ended failed or cancelled closes its workflow so (job-close.ts).
      const closed = closedJob<ChildJobState>(err);
      if (closed === 'cancelled') {
        const told = this.cancelledRecords.get(index);
        if (told) this.settle(index, told);
        else this.batch.change(index, { type: 'cancel', at: this.batch.now() });
      } else if (closed) this.settle(index, closed.record);
      else {
        const error = `child workflow ended abnormally: ${howClosed(err)}`;
        this.batch.change(index, { type: 'fail', error, at: this.batch.now() });
      }
    } finally {
      this.batch.lease.inFlight--;
      this.running.delete(index);
      this.cancelledRecords.delete(index);
      this.batch.interrupts.delete(index);
    }
  }

  private settle(index: number, final: ChildJobState): void {
    const { attempts: attempt, startedAt, stoppedAt, error, result } = final;
    const at = stoppedAt ?? this.batch.now();
    if (final.status === 'success')
      this.batch.change(index, { type: 'succeed', attempt, at, startedAt, result });
    else if (final.status === 'cancelled')
      this.batch.change(index, { type: 'cancel', attempt, at, startedAt });
    else this.batch.change(index, { type: 'fail', attempt, at, startedAt, error: error ?? 'failed' });
  }

  /** A child workflow's final record, told before it closes Cancelled. */
  cancelled(record: ChildJobState): void {
    const index = this.batch.book.indexOf(record.name);
    if (index !== undefined && this.running.has(index)) this.cancelledRecords.set(index, record);
  }

  /** Tells child `index`'s workflow of an interrupt; false if it has none running. */
  interrupt(index: number, force: boolean): boolean {
    if (!this.running.has(index)) return false;
    notify(this.batch.book.records[index].id, interruptSignal, { force });
    return true;
  }

  /** Children whose workflow runs now. */
  indexes(): number[] {
    return [...this.running];
  }

  inFlightOf(index: number): InFlightChild | null {
    if (!this.running.has(index)) return null;
    const { name, id } = this.batch.book.records[index];
    return { name, pack: id, workflow: true, attempts: 0, first: true };
  }
}
