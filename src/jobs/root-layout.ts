/**
 * Where a running root's children are, small enough for its memo: its batches' sizes (a run of equal sizes
 * written once), its open batches whole, and its counts as a status read shows them. A status read pages with
 * it from the root's snapshot alone (one describe, no worker), asking only the batches that hold the page.
 * Pure: the root writes it (workflows/root/snapshot.ts), the status reader reads it.
 */
import type { BatchSummary, RootLayout, RootRecord, RootSnapshot } from '../contract/jobs';
import type { RootPage } from '../contract/messages';
import { batchWorkflowId } from './ids';
import { pageSlices } from './pages';
import { shownTotal } from './root-page';
import { emptyCounts } from './status';

/** A root with more open batches than this keeps no layout (reads ask it): its memo stays a few KB. */
export const LAYOUT_OPEN_BATCHES = 50;

export function rootLayout(batches: readonly BatchSummary[]): RootLayout | undefined {
  const sizes: [number, number][] = [];
  const open: Record<string, BatchSummary> = {};
  let openCount = 0;
  for (const [index, batch] of batches.entries()) {
    const last = sizes[sizes.length - 1];
    if (last && last[0] === batch.size) last[1]++;
    else sizes.push([batch.size, 1]);
    if (batch.done) continue;
    if (++openCount > LAYOUT_OPEN_BATCHES) return undefined;
    open[index] = batch;
  }
  return { sizes, open, shown: shownTotal(batches) };
}

/** For each batch, its size and 1 once it has ended (what a snapshot listed before layouts). */
export function layoutEnds({ sizes, open }: RootLayout): [number, number][] {
  const ends: [number, number][] = [];
  for (const [size, count] of sizes)
    for (let copy = 0; copy < count; copy++) ends.push([size, ends.length in open ? 0 : 1]);
  return ends;
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
  const sizes = layoutEnds(layout).map(([size]) => ({ size, counts: emptyCounts() }));
  const page = pageSlices(sizes, { offset: request.offset, limit: request.limit }).map((slice) => ({
    index: slice.batch,
    offset: slice.offset,
    limit: slice.limit,
    batch: layout.open[slice.batch] ?? endedBatch(record, slice.batch, sizes[slice.batch].size),
  }));
  return { kind: 'root', ...record, phase, shown: layout.shown, page };
}

function endedBatch(record: RootRecord, index: number, size: number): BatchSummary {
  return { id: batchWorkflowId(record.id, index), size, counts: emptyCounts(), slots: 0, done: true };
}

/**
 * What in a root's record a snapshot must show at once (an interrupt, a pause, a new limit, an error, the
 * phase): a change to these is written without waiting out the interval that counts wait.
 */
export function recordFlags(record: RootRecord & { phase: string }): string {
  const { interrupted, paused, pausedAt, maxParallel, error, phase, stoppedAt } = record;
  return JSON.stringify([interrupted, paused, pausedAt, maxParallel, error, phase, stoppedAt]);
}
