import type { WorkerOptions } from '@temporalio/worker';
import type { JobApplication } from '../../src/application';
import { createSeedApplication } from '../../src/example/seed-app';
import { JobClient, type JobStatusAnswer } from '../../src/client/job-client';
import type { JobActivities } from '../../src/contract/activities';
import type { ChildJobState, RootStatusAnswer } from '../../src/contract/jobs';
import { JOB_WORKFLOWS_PATH, jobWorkerSettings } from '../../src/worker';
import {
  createDevServerTestbed,
  createTimeSkippingTestbed,
  eventually,
  type DevServerOptions,
  type Testbed,
} from './testbed';

export interface JobTestbed extends Testbed {
  jobs: JobClient;
  /** What the seed application's invalid-data branch logged. */
  loggedErrors: string[];
}

/** What a test changes in the worker of its testbed. */
export interface WorkerChanges {
  /** Workflow interceptor modules bundled with the workflows (fixtures that hold a moment open). */
  workflowInterceptorModules?: string[];
  /** Activities that replace the worker's own (to refuse or hold a step); given the worker's own. */
  activities?: (own: JobActivities) => Partial<JobActivities>;
  /** Worker options that replace the job worker's own (a slower heartbeat, to take one path away). */
  workerOptions?: Partial<WorkerOptions>;
}

/** A server with a job worker running the seed application (or `app`), and a JobClient for it. */
export async function createJobTestbed(
  server: 'time-skipping' | 'dev-server',
  app?: JobApplication,
  devServerOptions: DevServerOptions = {},
  changes: WorkerChanges = {},
): Promise<JobTestbed> {
  const loggedErrors: string[] = [];
  const application = app ?? createSeedApplication({ error: (message) => loggedErrors.push(message) });
  const settings = jobWorkerSettings(application);
  const setup = {
    workflowsPath: JOB_WORKFLOWS_PATH,
    workflowInterceptorModules: changes.workflowInterceptorModules,
    workerOptions: {
      ...settings,
      ...changes.workerOptions,
      activities: { ...settings.activities, ...changes.activities?.(settings.activities) },
    },
  };
  const testbed =
    server === 'time-skipping'
      ? await createTimeSkippingTestbed(setup)
      : await createDevServerTestbed(setup, devServerOptions);
  return { ...testbed, jobs: new JobClient(testbed.client, testbed.taskQueue, application), loggedErrors };
}

export async function rootStatus(jobs: JobClient, id: string, limit = 1000): Promise<RootStatusAnswer> {
  return (await jobs.status(id, { limit })) as RootStatusAnswer;
}

export async function childStatus(jobs: JobClient, id: string): Promise<ChildJobState> {
  return (await jobs.status(id)) as ChildJobState;
}

/** Waits until the job's status answer satisfies `ready`. */
export function statusWhen<T extends JobStatusAnswer>(
  jobs: JobClient,
  id: string,
  ready: (status: T) => boolean,
  timeoutMs = 30_000,
  page: { offset?: number; limit?: number } = { limit: 1000 },
): Promise<T> {
  return eventually(
    `job ${id} to reach the expected state`,
    async () => {
      const status = (await jobs.status(id, page)) as T;
      return ready(status) ? status : undefined;
    },
    timeoutMs,
  );
}

let counter = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++counter}`;
}
