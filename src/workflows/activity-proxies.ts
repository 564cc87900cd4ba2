/** Activity stubs and their options, shared by the job workflows. */
import { proxyActivities } from '@temporalio/workflow';
import type { JobActivities } from '../activities';
import type { RetrySettings } from '../jobs/types';

/** Planning and follow-ups: short activities retried a few times. */
export const { planChildren, startFollowUpJobs } = proxyActivities<JobActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Retries are the job's own: Oro's failed_redelivered, with backoff, up to maxAttempts. */
export function processorActivity(retry: RetrySettings, startToCloseTimeoutMs: number) {
  return proxyActivities<JobActivities>({
    startToCloseTimeout: startToCloseTimeoutMs,
    // A killed worker is noticed within this, and the attempt is retried on another worker.
    heartbeatTimeout: '10 seconds',
    retry: {
      maximumAttempts: retry.maxAttempts,
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maxIntervalMs,
      nonRetryableErrorTypes: ['NonRetryableJobError'],
    },
  }).runChildProcessor;
}
