/** Activity stubs and their options, shared by the job workflows. */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { JobActivities } from '../contract/activities';
import type { RetrySettings } from '../contract/jobs';

/**
 * Follow-ups, a batch's earlier run, probing batches, joining a key, closing Cancelled: short activities (a few
 * calls to the server) retried a few times; one whose worker died runs again within a minute.
 */
export const {
  startFollowUpJobs,
  findBatchRun,
  loadBatchRun,
  lostBatchCounts,
  probeBatches,
  batchesStillOpen,
  joinConcurrencyKey,
  endEarlierBatches,
  cancelOwnRun,
} = proxyActivities<JobActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** A batch's records at its end (keep-batch-records.ts): in the worker, no call to the server. */
export const { keepBatchRecords } = proxyLocalActivities<JobActivities>({
  startToCloseTimeout: '1 minute',
});

/**
 * The planner, which may read for long (a file, a database): it heartbeats, so a worker that dies while it plans
 * is noticed within 30 s, not at its timeout, and planning goes on elsewhere.
 */
export const { planChildren } = proxyActivities<JobActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** A killed worker is noticed within this, and its work is retried on another worker. */
const HEARTBEAT_TIMEOUT = '10 seconds';
/**
 * An interrupt cancels a processor activity and waits for its answer: one no worker had begun is cancelled,
 * one that runs says which children finish (graceful) and which stop (forced). (The SDK's effective default
 * is TRY_CANCEL, which would report it cancelled at once.)
 */
const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;

/**
 * A pack of children (activity mode). A child's retries are the batch's own (Oro's failed_redelivered); the
 * activity is retried only when its worker is lost, and it counts those attempts against each child's limit.
 */
export function packActivity(
  retry: RetrySettings,
  startToCloseTimeoutMs: number,
  activityId: string,
  summary: string,
) {
  return proxyActivities<JobActivities>({
    // Status reads find the pack by this id (its first child's name); the Web UI shows the summary.
    activityId,
    summary,
    startToCloseTimeout: startToCloseTimeoutMs,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType,
    retry: {
      maximumAttempts: retry.maxAttempts + 1,
      initialInterval: '1 second',
      maximumInterval: '10 seconds',
    },
  }).runChildren;
}

/** One child's processor (child-workflow mode): retried with backoff up to maxAttempts. */
export function processorActivity(retry: RetrySettings, startToCloseTimeoutMs: number) {
  return proxyActivities<JobActivities>({
    startToCloseTimeout: startToCloseTimeoutMs,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType,
    retry: {
      maximumAttempts: retry.maxAttempts,
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maxIntervalMs,
      nonRetryableErrorTypes: ['NonRetryableJobError'],
    },
  }).runChildProcessor;
}
