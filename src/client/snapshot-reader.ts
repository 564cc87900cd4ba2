/**
 * A running root's status when no worker answers (a deploy, a crash): its record from the snapshot it keeps in
 * its memo (at most a few seconds older than its last change), and the children of the batches that have
 * ended, from their results. Both are read from the server alone.
 */
import { SNAPSHOT_MEMO_KEY } from '../contract/messages';
import type { ChildPageRequest, ChildRecord, RootStatusAnswer, RootSnapshot } from '../contract/jobs';
import { batchWorkflowId } from '../jobs/ids';
import { DEFAULT_PAGE_LIMIT } from '../jobs/pages';
import { withoutResult } from '../jobs/status-view';
import type { WorkflowReads } from './workflow-reads';

/** For roots that ran before pause and scale existed. */
export const RECORD_DEFAULTS = { paused: false, pausedAt: null };

export async function readSnapshot(
  reads: WorkflowReads,
  id: string,
  { offset = 0, limit = DEFAULT_PAGE_LIMIT, status }: ChildPageRequest,
): Promise<RootStatusAnswer | undefined> {
  const snapshot = await reads.memo<RootSnapshot>(id, SNAPSHOT_MEMO_KEY);
  if (!snapshot) return undefined;
  const { at, phase: _phase, batches, ...record } = snapshot;
  const children: ChildRecord[] = [];
  let skip = offset;
  for (const [index, [, ended]] of (batches ?? []).entries()) {
    if (children.length >= limit) break;
    if (!ended) continue; // a running batch answers only through a worker
    const closed = await reads.closedBatch(batchWorkflowId(id, index));
    if (!closed.closed) continue;
    const matching = closed.result.children.filter((child) => !status || child.status === status);
    const take = matching.slice(skip, skip + limit - children.length);
    skip = Math.max(0, skip - matching.length);
    children.push(...take.map(withoutResult));
  }
  return { kind: 'root', ...RECORD_DEFAULTS, ...record, children, snapshotAt: at };
}
