/**
 * Oro's RootJobStatusCalculator as pure functions, used inside workflows (so deterministic) and by clients.
 */
import {
  JOB_STATUSES,
  RERUNNABLE,
  type JobStatus,
  type RerunnableStatus,
  type StatusCounts,
} from '../contract/jobs';

export function emptyCounts(): StatusCounts {
  return { new: 0, running: 0, success: 0, failed: 0, failed_redelivered: 0, cancelled: 0 };
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

/** success, failed and cancelled are final: the job will not change again. */
export function isFinal(status: JobStatus): boolean {
  return status === 'success' || status === 'failed' || status === 'cancelled';
}

export function countStatuses(statuses: Iterable<{ status: JobStatus }>): StatusCounts {
  const counts = emptyCounts();
  for (const { status } of statuses) counts[status]++;
  return counts;
}

export function addCounts(into: StatusCounts, from: StatusCounts): StatusCounts {
  for (const status of JOB_STATUSES) into[status] += from[status];
  return into;
}

export function subtractCounts(from: StatusCounts, counts: StatusCounts): StatusCounts {
  for (const status of JOB_STATUSES) from[status] -= counts[status];
  return from;
}

export function totalOf(counts: StatusCounts): number {
  return JOB_STATUSES.reduce((sum, status) => sum + counts[status], 0);
}

/**
 * Oro's root status rule: with no child new, running or failed_redelivered, any cancelled → cancelled, else
 * any failed → failed, else success; otherwise running once any child moved past new, else new.
 */
export function rootStatus(counts: StatusCounts): JobStatus {
  if (counts.new === 0 && counts.running === 0 && counts.failed_redelivered === 0) {
    if (counts.cancelled > 0) return 'cancelled';
    if (counts.failed > 0) return 'failed';
    return 'success';
  }
  const movedPastNew = totalOf(counts) - counts.new;
  return movedPastNew > 0 ? 'running' : 'new';
}

/**
 * The status of a root that has not stopped: Oro's rule, but never final. While pages remain to be planned, an
 * error waits to be told, or the last batch's report is still being taken in, every child planned so far may
 * have finished; the root says so only when it stops (finalRootStatus). With no child yet it is new.
 */
export function liveRootStatus(counts: StatusCounts): JobStatus {
  if (totalOf(counts) === 0) return 'new';
  const status = rootStatus(counts);
  return isFinal(status) ? 'running' : status;
}

/**
 * A root's figures from its children's counts while it has not stopped: the one place both the root workflow
 * (RootLedger.recount) and status reads (which count from fresher batch reads) derive them.
 */
export function liveRootFigures(counts: StatusCounts): {
  counts: StatusCounts;
  total: number;
  progress: number;
  status: JobStatus;
} {
  return { counts, total: totalOf(counts), progress: rootProgress(counts), status: liveRootStatus(counts) };
}

/** An interrupted root ends cancelled even when its running children all succeeded (Oro's interrupt). */
export function finalRootStatus(counts: StatusCounts, interrupted: boolean): JobStatus {
  return interrupted ? 'cancelled' : rootStatus(counts);
}

/** round((success + failed) / children, 4), 0 when there are no children. */
export function rootProgress(counts: StatusCounts): number {
  const total = totalOf(counts);
  if (total === 0) return 0;
  return Math.round(((counts.success + counts.failed) / total) * 10_000) / 10_000;
}

/** One line for the Web UI's current details, e.g. "7/20 done, 1 failed, 2 running". */
export function describeProgress(counts: StatusCounts): string {
  const total = totalOf(counts);
  const done = counts.success + counts.failed + counts.cancelled;
  const parts = [`${done}/${total} done`];
  for (const status of ['failed', 'cancelled', 'running', 'failed_redelivered'] as const) {
    if (counts[status] > 0)
      parts.push(`${counts[status]} ${status === 'failed_redelivered' ? 'retrying' : status}`);
  }
  return parts.join(', ');
}

/** Counts once children that had not ended (new, running, waiting for a retry) count as failed. */
export function unendedAsFailed(counts: StatusCounts): StatusCounts {
  const unended = counts.new + counts.running + counts.failed_redelivered;
  return { ...counts, new: 0, running: 0, failed_redelivered: 0, failed: counts.failed + unended };
}

/** Children counted in any of `statuses`. */
export function countIn(counts: StatusCounts, statuses: readonly JobStatus[]): number {
  return statuses.reduce((sum, status) => sum + counts[status], 0);
}

/** Counts once the children in `statuses` are back in line (a rerun): they count as new until they run. */
export function rerunCounts(counts: StatusCounts, statuses: readonly JobStatus[]): StatusCounts {
  const after = { ...counts };
  for (const status of statuses) {
    after.new += after[status];
    after[status] = 0;
  }
  return after;
}

/** A rerun request to a running batch (`jobs retry`): `sequence` grows per request. */
export interface RerunRequest {
  sequence: number;
  statuses: RerunnableStatus[];
}

/**
 * The next rerun request to a running batch. It carries the statuses of the request before it while the batch
 * has not confirmed that one: a batch takes only the newest request, so one that arrives first (signals from
 * two quick retries may be delivered out of order) must not lose the earlier.
 */
export function rerunRequest(
  unconfirmed: RerunRequest | undefined,
  statuses: readonly RerunnableStatus[],
  sequence: number,
): RerunRequest {
  const asked = RERUNNABLE.filter(
    (status) => statuses.includes(status) || unconfirmed?.statuses.includes(status),
  );
  return { sequence, statuses: asked };
}
