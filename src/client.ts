/** The client entry point: a JobClient for the configured Temporal server. */
import type { JobApplication } from './application';
import {
  connectClient,
  connectionSettingsFromEnv,
  taskQueueFromEnv,
  type ConnectionSettings,
} from './connection';
import { JobClient } from './client/job-client';
import type { JobTracing } from './tracing';

/**
 * A JobClient connected as Temporal's own tools connect (`connectionSettingsFromEnv`: the config file's profile,
 * TEMPORAL_* variables), on the task queue TEMPORAL_TASK_QUEUE names (default `jobs`).
 */
export async function createJobClient(
  options: {
    /** Where the server is (default: from the environment). */
    settings?: ConnectionSettings;
    /** The workers' task queue (default: TEMPORAL_TASK_QUEUE, else `jobs`). */
    taskQueue?: string;
    /** When given, unknown topics and rejected payloads are refused before anything starts. */
    app?: JobApplication;
    /** OpenTelemetry spans for the client's calls. */
    tracing?: JobTracing;
  } = {},
): Promise<JobClient> {
  const client = await connectClient(options.settings ?? connectionSettingsFromEnv(), {
    tracing: options.tracing,
  });
  return new JobClient(client, options.taskQueue ?? taskQueueFromEnv(), options.app);
}
