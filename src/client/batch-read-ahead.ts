/**
 * A status read of a running root reads the ended batches that hold its page while the root is described, not
 * after: on a saturated server each call waits its turn. Where the page is comes from the sizes in the root's
 * layout at an earlier read (sizes of batches already planned never change), or, for the first page, batch 0.
 */
import type { RootLayout } from '../contract/jobs';
import type { BatchResult } from '../contract/messages';
import type { ChildPageRequest } from '../contract/jobs';
import { batchWorkflowId } from '../jobs/ids';
import { batchesOfPage } from '../jobs/root-layout';
import type { Closed, WorkflowReads } from './workflow-reads';

/**
 * Batches read ahead, by index: what their results said, or undefined when the read failed or the server cannot
 * read a history from its end (the time-skipping server: a close-event read would wait on a running batch).
 */
export type EarlyBatches = Map<number, Promise<Closed<BatchResult> | undefined>>;

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

  forget(id: string): void {
    this.sizes.delete(id);
  }
}
