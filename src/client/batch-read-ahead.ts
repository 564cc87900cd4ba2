/**
 * A status read of a running root reads the ended batches that hold its page while the root is described, not
 * after: on a saturated server each call waits its turn. Where the page is comes from the sizes in the root's
 * layout at an earlier read (sizes of batches already planned never change), or, for the first page, batch 0.
 */
import type { ChildPageRequest, RootLayout } from '../contract/jobs';
import type { BatchResult } from '../contract/messages';
import { batchWorkflowId } from '../jobs/ids';
import { batchesOfPage } from '../jobs/root-layout';
import type { ClosedBatch, WorkflowReads } from './workflow-reads';

/**
 * Batches read ahead, by index: what their results said, or undefined when the read failed or the server cannot
 * read a history from its end (the time-skipping server: a close-event read would wait on a running batch).
 */
export type EarlyBatches = Map<number, Promise<ClosedBatch | undefined>>;

/** Batches a read reads ahead, at most. */
const EARLY_BATCHES = 4;
/** Roots whose batch sizes are remembered (the least recently read are forgotten). */
const REMEMBERED_ROOTS = 200;

export class BatchReadAhead {
  private readonly sizes = new Map<string, RootLayout['sizes']>();

  constructor(private readonly reads: WorkflowReads) {}

  /** Starts reading the batches that hold `request`'s page of root `id`, as far as they are known. */
  start(id: string, request: ChildPageRequest): EarlyBatches {
    const early: EarlyBatches = new Map();
    for (const index of batchesOfPage(this.sizes.get(id), request, EARLY_BATCHES)) {
      const read = this.reads.closedBatchNow(batchWorkflowId(id, index)).catch(() => undefined);
      early.set(index, read);
    }
    return early;
  }

  /** The sizes in the layout just read. */
  remember(id: string, sizes: RootLayout['sizes']): void {
    this.sizes.delete(id); // read last, forgotten last
    this.sizes.set(id, sizes);
    if (this.sizes.size > REMEMBERED_ROOTS) this.sizes.delete(this.sizes.keys().next().value!);
  }

  /** A root read without its snapshot (finished, or holding an interrupt): nothing is read ahead next time. */
  forget(id: string): void {
    this.sizes.delete(id);
  }
}

/**
 * A batch's result read ahead, when it can stand for the batch the root's snapshot says has ended: read before
 * the root was described, it could be of an earlier run of the batch that a later one replaced in between — a
 * rerun (only a batch with failed or cancelled children is rerun or replaced), or a batch of an earlier root of
 * the same name (closed before this one was created). Either is read again after the describe, as is a batch of a
 * root without its creation time.
 */
export function standsForEnded(
  early: ClosedBatch | undefined,
  rootCreatedAt: string | null,
): BatchResult | undefined {
  if (!early?.closed || !early.closedAt || !rootCreatedAt) return undefined;
  if (Date.parse(early.closedAt) < Date.parse(rootCreatedAt)) return undefined;
  const { counts } = early.result;
  return counts.failed === 0 && counts.cancelled === 0 ? early.result : undefined;
}
