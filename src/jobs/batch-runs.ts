/**
 * A root's batches as they travel: in its continue-as-new carry, its final result (or failure detail, or
 * memo). Consecutive ended batches that are alike (same size, same counts, first run) are written once, with
 * `repeat`, so a root of a million children that all succeed carries a few entries instead of thousands; what
 * stays listed one by one is what differs (open batches, batches with failed or cancelled children, reruns).
 * Pure: the root workflow writes this form, the ledger and the client read it back.
 */
import type { BatchSummary, RootWorkflowState, StatusCounts } from '../contract/jobs';
import { batchWorkflowId } from './ids';

/** The batches in their travelling form: runs of alike ended batches written once, with `repeat`. */
export function compactBatches(rootId: string, batches: readonly BatchSummary[]): BatchSummary[] {
  const out: BatchSummary[] = [];
  let last: BatchSummary | undefined;
  let lastFoldable = false;
  for (const [index, batch] of batches.entries()) {
    const canFold = foldable(batch) && batch.id === batchWorkflowId(rootId, index);
    if (last && canFold && lastFoldable && alike(last, batch)) {
      last.repeat = (last.repeat ?? 1) + 1;
      continue;
    }
    last = { ...batch, counts: { ...batch.counts } };
    lastFoldable = canFold;
    out.push(last);
  }
  return out;
}

/** Every batch again, one entry each (a fresh object each: the ledger changes them); the ids follow the index. */
export function expandBatches(rootId: string, batches: readonly BatchSummary[]): BatchSummary[] {
  const out: BatchSummary[] = [];
  for (const { repeat = 1, ...batch } of batches) {
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`a batch summary repeats ${repeat} times`);
    for (let copy = 0; copy < repeat; copy++) {
      const id = copy === 0 ? batch.id : batchWorkflowId(rootId, out.length);
      out.push({ ...batch, id, counts: { ...batch.counts } });
    }
  }
  return out;
}

/** A root's state with its batches in the travelling form. */
export function compactState<S extends RootWorkflowState>(state: S): S {
  return { ...state, batches: compactBatches(state.id, state.batches) };
}

/** A root's state read from a carry or a result, every batch listed. */
export function expandState<S extends RootWorkflowState>(state: S): S {
  return { ...state, batches: expandBatches(state.id, state.batches) };
}

/** Ended, its first run, nothing asked of it: only its size and counts tell it from its neighbours. */
function foldable(batch: BatchSummary): boolean {
  return batch.done && batch.slots === 0 && !batch.run && !batch.rerun && !batch.waiting && !batch.repeat;
}

function alike(a: BatchSummary, b: BatchSummary): boolean {
  return a.size === b.size && sameCounts(a.counts, b.counts);
}

function sameCounts(a: StatusCounts, b: StatusCounts): boolean {
  const keys = Object.keys(a) as (keyof StatusCounts)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
