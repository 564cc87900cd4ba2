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

export async function createJobClient(
  options: {
    settings?: ConnectionSettings;
    taskQueue?: string;
    app?: JobApplication;
    tracing?: JobTracing;
  } = {},
): Promise<JobClient> {
  const client = await connectClient(options.settings ?? connectionSettingsFromEnv(), {
    tracing: options.tracing,
  });
  return new JobClient(client, options.taskQueue ?? taskQueueFromEnv(), options.app);
}
