/**
 * The job engine's own metrics, beside the SDK's, through the worker runtime's meter (exported by
 * `jobs worker --metrics-port N` as Prometheus): processor attempts started and finished by status, and how
 * long processors ran, by topic.
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { JobStatus } from '../contract/jobs';

export interface JobMetrics {
  started(topic: string): void;
  finished(topic: string, status: JobStatus, durationMs: number): void;
}

const NONE: JobMetrics = { started: () => undefined, finished: () => undefined };

/** The metrics of the activity running now (a no-op outside an activity, as in unit tests). */
export function jobMetrics(): JobMetrics {
  let meter: MetricMeter;
  try {
    meter = Context.current().metricMeter;
  } catch {
    return NONE;
  }
  const started = meter.createCounter('jobs_children_started', '1', 'Child job processor attempts started');
  const finished = meter.createCounter(
    'jobs_children_finished',
    '1',
    'Child job processor attempts finished, by the status they left the child in',
  );
  const duration = meter.createHistogram(
    'jobs_processor_duration',
    'int',
    'ms',
    'How long a child job processor attempt ran',
  );
  return {
    started: (topic) => started.add(1, { topic }),
    finished(topic, status, durationMs) {
      finished.add(1, { topic, status });
      duration.record(Math.max(0, Math.round(durationMs)), { topic });
    },
  };
}
