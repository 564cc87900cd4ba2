/**
 * A running root's snapshot in its memo (workflows/root/snapshot.ts), read from the server alone: a status read
 * pages from it with one describe when it is current, and falls back on it when no worker answers (a deploy, a
 * crash), answering with the children of the batches that have ended, from their results.
 */
import { temporal } from '@temporalio/proto';
import { SNAPSHOT_MEMO_KEY, interruptSignal } from '../contract/messages';
import type {
  ChildPageRequest,
  ChildRecord,
  RootLayout,
  RootStatusAnswer,
  RootSnapshot,
} from '../contract/jobs';
import { batchWorkflowId } from '../jobs/ids';
import { DEFAULT_PAGE_LIMIT } from '../jobs/pages';
import { isCurrentLayout, layoutEnds } from '../jobs/root-layout';
import { withoutResult } from '../jobs/status-view';
import { isoTime } from './run-history';
import type { WorkflowReads } from './workflow-reads';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** For roots that ran before pause and scale existed. */
export const RECORD_DEFAULTS = { paused: false, pausedAt: null };
/**
 * Events read back from a root's newest, a page at a time, to find what its pending workflow task holds: on a
 * root busy with 300,000 children its last completed task was 6 events back at the median, 39 at p95. A read
 * costs by its bytes (a planner's answer, pages of children, is 150 KB): a page of 32 took twice as long as
 * one of 12 on a saturated server (126 against 63 ms).
 */
const PENDING_EVENTS_PAGES = [12, 88];
/**
 * That read gives up after this long and the root is asked: on a saturated server it took 50–120 ms, and now
 * and then 2 s (`fan-out 1000000`), longer than the query it saves.
 */
const PENDING_READ_MS = 250;

/**
 * A running root's snapshot with its layout, when nothing the root has not handled yet would change its record
 * at once: an interrupt or a cancel request waiting in its pending workflow task makes it undefined (a read
 * after `jobs interrupt` then asks the root, which answers once it has handled it). Undefined too once the root
 * has closed, or for a snapshot without a layout (or with one as a worker from before wrote it).
 */
export async function currentSnapshot(
  reads: WorkflowReads,
  id: string,
): Promise<(RootSnapshot & { layout: RootLayout }) | undefined> {
  // Both at once (one round trip on a busy server); the history's end matters only with a task pending.
  const pending = interruptPending(reads, id);
  const description = await reads.describe(id).finally(() => pending);
  const interrupted = await pending;
  if (description.status.name !== 'RUNNING') return undefined;
  const snapshot = description.memo?.[SNAPSHOT_MEMO_KEY] as RootSnapshot | undefined;
  if (!isCurrentLayout(snapshot?.layout) || snapshot.phase === 'stopped') return undefined;
  if (description.raw.pendingWorkflowTask && interrupted) return undefined;
  if (resetSince(description.raw, snapshot.at)) return undefined;
  return snapshot as RootSnapshot & { layout: RootLayout };
}

/**
 * An operator reset the run (`temporal workflow reset`) after the snapshot was taken: the new run's memo holds
 * the snapshot its history had at the reset point, which may be far older than the root's record (a root reset
 * to its last workflow task showed as new, with no children). Its record is asked of it until it writes anew.
 */
function resetSince(
  raw: temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse,
  snapshotAt: string,
): boolean {
  const resetAt = isoTime(raw.workflowExtendedInfo?.lastResetTime);
  return resetAt !== undefined && Date.parse(resetAt) >= Date.parse(snapshotAt);
}

/**
 * Where a running root stands by its snapshot (one describe, no worker: its phase is written in the workflow
 * task that changes it); undefined once it has closed, or without a snapshot.
 */
export async function snapshotPhase(
  reads: WorkflowReads,
  id: string,
): Promise<Pick<RootSnapshot, 'status' | 'phase'> | undefined> {
  const description = await reads.describe(id);
  if (description.status.name !== 'RUNNING') return undefined;
  return description.memo?.[SNAPSHOT_MEMO_KEY] as RootSnapshot | undefined;
}

/**
 * An interrupt or cancel request since the root's last completed workflow task (or since its run began, when
 * it has completed none: a run that went on as new carries its memo). True also when neither is among the
 * events read, or the history cannot be read from its end within PENDING_READ_MS (the time-skipping server, a
 * busy server, a root just closed): the root is asked then.
 */
async function interruptPending(reads: WorkflowReads, workflowId: string): Promise<boolean> {
  const { client } = reads;
  const deadline = Date.now() + PENDING_READ_MS;
  let nextPageToken: Uint8Array | undefined;
  for (const maximumPageSize of PENDING_EVENTS_PAGES) {
    let events: HistoryEvent[];
    try {
      const page = await client.withDeadline(deadline, () =>
        client.workflowService.getWorkflowExecutionHistoryReverse({
          namespace: client.options.namespace,
          execution: { workflowId },
          maximumPageSize,
          nextPageToken,
        }),
      );
      events = page.history?.events ?? [];
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } catch {
      return true;
    }
    for (const event of events) {
      if (interrupts(event)) return true;
      // Handled up to here; or a run that has not finished its first task (it went on as new), from its start.
      if (event.workflowTaskCompletedEventAttributes || event.workflowExecutionStartedEventAttributes)
        return false;
    }
    if (!nextPageToken) break;
  }
  return true;
}

function interrupts(event: HistoryEvent): boolean {
  return (
    event.workflowExecutionSignaledEventAttributes?.signalName === interruptSignal.name ||
    !!event.workflowExecutionCancelRequestedEventAttributes
  );
}

/** A running root's status from its snapshot alone, when no worker answers: its ended batches' children. */
export async function readSnapshot(
  reads: WorkflowReads,
  id: string,
  { offset = 0, limit = DEFAULT_PAGE_LIMIT, status }: ChildPageRequest,
): Promise<RootStatusAnswer | undefined> {
  const snapshot = await reads.memo<RootSnapshot>(id, SNAPSHOT_MEMO_KEY);
  if (!snapshot) return undefined;
  const { at, phase: _phase, batches, layout, ...record } = snapshot;
  const children: ChildRecord[] = [];
  let skip = offset;
  for (const [index, [, ended]] of (layout ? layoutEnds(layout) : (batches ?? [])).entries()) {
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
