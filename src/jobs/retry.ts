/** Oro's redelivery with backoff, as pure functions: whether a failed attempt is retried, and when. */
import type { RetrySettings } from '../contract/jobs';

/** Another attempt follows attempt `attempt` (1-based) when it failed in a way that may pass. */
export function willRetry(maxAttempts: number, attempt: number, retryable: boolean): boolean {
  return retryable && attempt < maxAttempts;
}

/** How long to wait after failed attempt `attempt` (1-based): initial × coefficient^(attempt-1), capped. */
export function retryDelayMs(retry: RetrySettings, attempt: number): number {
  const delay = retry.initialIntervalMs * retry.backoffCoefficient ** Math.max(0, attempt - 1);
  return Math.min(retry.maxIntervalMs, Math.round(delay));
}
