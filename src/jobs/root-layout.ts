/**
 * Where a running root's children are, small enough for its memo: its batches' sizes (a run of equal sizes
 * written once), its open batches whole, and its counts as a status read shows them. A status read pages with
 * it from the root's snapshot alone (one describe, no worker), asking only the batches that hold the page.
 * Pure: the root writes it (workflows/root/snapshot.ts), the status reader reads it.
 */
import {
  JOB_STATUSES,
  type BatchSummary,
  type OpenBatchEntry,
  type RootLayout,
  type RootRecord,
  type RootSnapshot,
  type RootWorkflowState,
  type StatusCounts,
} from '../contract/jobs';
import type { RootPage } from '../contract/messages';
import { batchWorkflowId } from './ids';
import { DEFAULT_PAGE_LIMIT, pageSlices } from './pages';
import { shownTotal } from './root-page';
import { jsonBytes } from './options';
import { emptyCounts } from './status';

/** A root with more open batches than this keeps no layout (reads ask it). */
export const LAYOUT_OPEN_BATCHES = 50;
/**
 * A snapshot stays within this many bytes of JSON (its layout, or its list of batches, is left out to fit):
 * Temporal warns of a memo over 2 KiB, the SDK in the worker's log and the server in its own. Room is left for
 * the memo's key and encoding.
 */
export const SNAPSHOT_BYTES = 1_800;

export function rootLayout(batches: readonly BatchSummary[]): RootLayout | undefined {
  const sizes: [number, number][] = [];
  const open: Record<string, OpenBatchEntry> = {};
  let openCount = 0;
  for (const [index, batch] of batches.entries()) {
    const last = sizes[sizes.length - 1];
    if (last && last[0] === batch.size) last[1]++;
    else sizes.push([batch.size, 1]);
    if (batch.done) continue;
    if (++openCount > LAYOUT_OPEN_BATCHES) return undefined;
    open[index] = openEntry(batch);
  }
  return { sizes, open, shown: shownTotal(batches) };
}

/**
 * A running root's snapshot at `at`: its record with where its children are, its layout or (without one: very
 * many open batches, or a root from before layouts replaying) its batches listed, when that fits in
 * SNAPSHOT_BYTES; else its record alone (a read then asks the root).
 */
export function rootSnapshot(state: RootWorkflowState, at: string, withLayout = true): RootSnapshot {
  const { kind: _kind, batches, ...record } = state;
  const bare: RootSnapshot = { ...record, at, batches: null };
  const layout = withLayout ? rootLayout(batches) : undefined;
  const fuller: RootSnapshot = layout
    ? { ...bare, layout }
    : { ...bare, batches: batches.map((batch) => [batch.size, batch.done ? 1 : 0]) };
  return jsonBytes(fuller) <= SNAPSHOT_BYTES ? fuller : bare;
}

/** An open batch in a few numbers: its slots, its counts in JOB_STATUSES order, then its waiting children. */
function openEntry({ slots, counts, waiting }: BatchSummary): OpenBatchEntry {
  const entry: OpenBatchEntry = [slots, ...JOB_STATUSES.map((status) => counts[status])];
  return waiting ? [...entry, waiting.new, waiting.failed_redelivered] : entry;
}

/** The open batch `index` of root `rootId`, as its root summed it up. */
function openBatch(rootId: string, index: number, size: number, entry: OpenBatchEntry): BatchSummary {
  const [slots, ...numbers] = entry;
  const counts = emptyCounts();
  JOB_STATUSES.forEach((status, at) => (counts[status] = numbers[at]));
  const [waitingNew, waitingRedelivered] = numbers.slice(JOB_STATUSES.length);
  return {
    id: batchWorkflowId(rootId, index),
    size,
    counts,
    slots,
    done: false,
    ...(waitingNew !== undefined
      ? { waiting: { new: waitingNew, failed_redelivered: waitingRedelivered } }
      : {}),
  };
}

/** A layout as this version writes it (a worker from before wrote open batches whole: reads ask the root). */
export function isCurrentLayout(layout: RootLayout | undefined): layout is RootLayout {
  return !!layout && Object.values(layout.open).every((entry) => Array.isArray(entry));
}

/** For each batch, its size and 1 once it has ended (what a snapshot listed before layouts). */
export function layoutEnds({ sizes, open }: RootLayout): [number, number][] {
  return batchSizes(sizes).map((size, index) => [size, index in open ? 0 : 1]);
}

/** Each batch's size for pageSlices (an unfiltered page needs no counts). */
function forPaging(sizes: readonly [number, number][]): { size: number; counts: StatusCounts }[] {
  return batchSizes(sizes).map((size) => ({ size, counts: emptyCounts() }));
}

/** Each batch's size in plan order, from runs of equal sizes. */
function batchSizes(sizes: readonly [number, number][]): number[] {
  return sizes.flatMap(([size, count]) => Array<number>(count).fill(size));
}

/**
 * A running root's page from its snapshot, as its page query would answer (root-page.ts) when the snapshot
 * was taken. An ended batch is given with empty counts: a read takes its children from its result.
 */
export function layoutPage(
  snapshot: RootSnapshot & { layout: RootLayout },
  request: { offset?: number; limit?: number },
): RootPage {
  const { at: _at, batches: _batches, layout, phase, ...record } = snapshot;
  const sizes = forPaging(layout.sizes);
  const page = pageSlices(sizes, { offset: request.offset, limit: request.limit }).map((slice) => ({
    index: slice.batch,
    offset: slice.offset,
    limit: slice.limit,
    batch: layoutBatch(record.id, layout, slice.batch, sizes[slice.batch].size),
  }));
  return { kind: 'root', ...record, phase, shown: layout.shown, page };
}

function layoutBatch(rootId: string, layout: RootLayout, index: number, size: number): BatchSummary {
  const entry = layout.open[index];
  if (entry) return openBatch(rootId, index, size, entry);
  return { id: batchWorkflowId(rootId, index), size, counts: emptyCounts(), slots: 0, done: true };
}

/**
 * The batches that hold an unfiltered page by a layout's sizes (at most `most`): sizes of batches already
 * planned never change, so an earlier layout tells where a later read's page is. Without sizes, the first page
 * is in batch 0.
 */
export function batchesOfPage(
  sizes: readonly [number, number][] | undefined,
  { offset = 0, limit = DEFAULT_PAGE_LIMIT }: { offset?: number; limit?: number },
  most: number,
): number[] {
  if (!sizes) return offset === 0 && limit > 0 ? [0] : [];
  return pageSlices(forPaging(sizes), { offset, limit })
    .slice(0, most)
    .map((slice) => slice.batch);
}

/**
 * What in a root's record a snapshot must show at once (an interrupt, a pause, a new limit, an error, the
 * phase): a change to these is written without waiting out the interval that counts wait.
 */
export function recordFlags(record: RootRecord & { phase: string }): string {
  const { interrupted, paused, pausedAt, maxParallel, error, phase, stoppedAt } = record;
  return JSON.stringify([interrupted, paused, pausedAt, maxParallel, error, phase, stoppedAt]);
}
