/**
 * What a status read shows. A batch counts a child `running` from the moment it hands it to a worker; the
 * server knows whether a worker has begun its pack (a pending activity's state) and, from the pack's
 * heartbeat, which of its children run. These pure functions combine the two, so that a child is `running`
 * only while its processor runs, and `new` (or `failed_redelivered`) until then.
 */
import type { ChildOutcome } from '../contract/activities';
import type {
  InFlightChild,
  ChildRecord,
  JobStatus,
  StatusCounts,
  StoredChild,
  WaitingChildren,
} from '../contract/jobs';

/** A pending pack activity as the server describes it. */
export interface PackState {
  /** A worker holds the current attempt (started, or started and asked to cancel). */
  started: boolean;
  /** The activity's attempt: above 1 after a worker was lost and the pack is retried. */
  attempt: number;
  startedAt: string | null;
  /** From the pack's last heartbeat: children whose processor has begun; null before its first heartbeat. */
  begun: Set<string> | null;
  progress: Record<string, number>;
  /** From the heartbeat: attempts each child lost to workers that died (null: older packs kept none). */
  lost?: Record<string, number> | null;
  /** From the heartbeat: how the children that have finished in this pack ended (the batch hears at its end). */
  ended?: Record<string, ChildOutcome['status']>;
}

/** A finished child's status while its pack runs on: a retry is on its way back to a worker. */
const AS_SHOWN: Record<ChildOutcome['status'], JobStatus> = {
  success: 'success',
  failed: 'failed',
  cancelled: 'cancelled',
  retry: 'failed_redelivered',
};

/** How the child ended in its still-running pack, if it has. */
function endedAs(flight: InFlightChild, pack: PackState): JobStatus | undefined {
  const status = pack.started ? pack.ended?.[flight.name] : undefined;
  return status && AS_SHOWN[status];
}

/** Attempts `flight` lost to workers that died running its pack: its own count, or (older packs) the pack's. */
function lostBy(flight: InFlightChild, pack: PackState): number {
  return pack.lost ? (pack.lost[flight.name] ?? 0) : pack.attempt - 1;
}

/** Whether the child's processor is running, as far as the server knows. */
function hasBegun(flight: InFlightChild, pack: PackState): boolean {
  if (!pack.started) return false;
  return pack.begun ? pack.begun.has(flight.name) : flight.first;
}

/**
 * `record` as a reader should see it. `pack` is its pack's state, or undefined when the pack is not pending
 * any more (its outcome is on its way to the batch): then the batch's view stands.
 */
export function refineRecord<R extends ChildRecord>(record: R, flight: InFlightChild, pack?: PackState): R {
  if (record.status !== 'running' || !pack) return record;
  const ended = endedAs(flight, pack);
  if (ended) return { ...record, status: ended, attempts: flight.attempts + lostBy(flight, pack) + 1 };
  if (!hasBegun(flight, pack)) {
    // Waiting for a worker, or in its pack for a free slot; attempts on workers that were lost count.
    const attempts = flight.attempts + lostBy(flight, pack);
    return { ...record, status: attempts > 0 ? 'failed_redelivered' : 'new', attempts };
  }
  return {
    ...record,
    attempts: flight.attempts + lostBy(flight, pack) + 1,
    startedAt: record.startedAt ?? pack.startedAt,
    progress: pack.progress[record.name] ?? record.progress,
  };
}

/** A batch's counts with its in-flight children refined. */
export function refineCounts(
  counts: StatusCounts,
  inFlight: InFlightChild[],
  packs: Map<string, PackState>,
): StatusCounts {
  const refined = { ...counts };
  for (const flight of inFlight) {
    const pack = packs.get(flight.pack);
    if (!pack) continue;
    const ended = endedAs(flight, pack);
    if (!ended && hasBegun(flight, pack)) continue;
    refined.running--;
    refined[ended ?? (flight.attempts + lostBy(flight, pack) > 0 ? 'failed_redelivered' : 'new')]++;
  }
  return refined;
}

/**
 * A batch's counts as its last report to the root gives them: the children waiting in their packs for a free
 * slot count as `new` (or `failed_redelivered`), not `running` (what refineCounts does with the server's view).
 */
export function shownCounts(counts: StatusCounts, waiting: WaitingChildren | undefined): StatusCounts {
  if (!waiting) return counts;
  const moved = Math.min(counts.running, waiting.new + waiting.failed_redelivered);
  const retried = Math.min(moved, waiting.failed_redelivered);
  return {
    ...counts,
    running: counts.running - moved,
    new: counts.new + moved - retried,
    failed_redelivered: counts.failed_redelivered + retried,
  };
}

/** A child's record as a page of children shows it: without its result. */
export function withoutResult({
  result: _result,
  resultInHistory: _inHistory,
  resultRunId: _run,
  ...record
}: StoredChild): ChildRecord {
  return record;
}
