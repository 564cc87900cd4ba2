/**
 * A Temporal server, a job worker for your application and a JobClient, for tests of your own jobs. The
 * time-skipping server (the default) fires timers as soon as nothing else is pending while a test waits on a
 * job, so retries' backoff and long waits cost no real time; `server: 'dev'` runs the Temporal CLI dev server.
 */
import { randomUUID } from 'node:crypto';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Duration } from '@temporalio/common';
import { DefaultLogger, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import type { JobApplication } from '../application';
import { JobClient } from '../client/job-client';
import { devServerTuningFlags } from '../provisioning/dev-server-tuning';
import { resolveTemporalCli } from '../provisioning/temporal-cli';
import { resolveTestServer } from '../provisioning/test-server';
import { jobSearchAttributes } from '../search-attributes';
import { createJobWorker } from '../worker';

/** What `createJobTestEnvironment` starts. */
export interface JobTestEnvironmentOptions {
  /** The application under test: its worker runs it, its client checks starts against it. */
  app: JobApplication;
  /** 'time-skipping' (default): Temporal's Java test server; 'dev': the Temporal CLI dev server. */
  server?: 'time-skipping' | 'dev';
  /** Default: a fresh one per environment. */
  taskQueue?: string;
  /** Processors run at once by the worker (default 50). */
  maxConcurrentProcessors?: number;
  /** Lines about finding or fetching the server (default: stderr; fetching happens once per machine). */
  log?: (line: string) => void;
  /**
   * The lowest level of the SDK's own log lines that reach the console (default `WARN`: a test's output stays
   * its own). Applies when the process has not installed a Temporal Runtime of its own before.
   */
  logLevel?: LogLevel;
}

/** A server, a running worker for the app and a client, for one test file. */
export interface JobTestEnvironment {
  /** A JobClient on the worker's task queue. */
  jobs: JobClient;
  /** The running worker. */
  worker: Worker;
  /** Temporal's test environment (its `client`, `nativeConnection`, `sleep`). */
  env: TestWorkflowEnvironment;
  /** The worker's task queue. */
  taskQueue: string;
  /** Moves the server's clock on by `duration` (time-skipping), or waits that long (dev server). */
  skip(duration: Duration): Promise<void>;
  /** Stops the worker (letting running processors finish) and the server. */
  teardown(): Promise<void>;
}

/**
 * Starts the server (found or fetched as the project's own tests do, offline too), registers the job search
 * attributes, and runs a worker for `options.app`; `teardown()` stops both.
 */
export async function createJobTestEnvironment(
  options: JobTestEnvironmentOptions,
): Promise<JobTestEnvironment> {
  const server = options.server ?? 'time-skipping';
  quietRuntime(options.logLevel ?? 'WARN');
  if (server !== 'time-skipping' && server !== 'dev') {
    throw new Error(`server must be 'time-skipping' or 'dev'; got ${JSON.stringify(server)}`);
  }
  const env =
    server === 'dev' ? await startDevServer(options.log) : await startTimeSkippingServer(options.log);
  const taskQueue = options.taskQueue ?? `jobs-test-${randomUUID()}`;
  try {
    const worker = await createJobWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      app: options.app,
      maxConcurrentProcessors: options.maxConcurrentProcessors,
      // The environment's client uses the SDK's data converter: so does its worker (no codec from the shell).
      dataConverter: {},
      shutdownGraceTime: '5 seconds',
    });
    const running = worker.run();
    return {
      jobs: new JobClient(env.client, taskQueue, options.app),
      worker,
      env,
      taskQueue,
      skip: (duration) => env.sleep(duration),
      async teardown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await env.teardown();
        }
      },
    };
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

/** The SDK's Runtime logging at `level` and above, unless the process installed one already. */
function quietRuntime(level: LogLevel): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Installed already (by the user, or by an earlier environment in this process): theirs stands.
  }
}

async function startTimeSkippingServer(log?: (line: string) => void): Promise<TestWorkflowEnvironment> {
  const { executable } = await resolveTestServer({ log });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
  try {
    await registerJobSearchAttributes(env);
    return env;
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

/** The test server has no `--search-attribute` flag: the engine's attributes are registered by call. */
export async function registerJobSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace,
    searchAttributes: Object.fromEntries(
      jobSearchAttributes.map((key) => [
        key.name,
        key.type === SearchAttributeType.KEYWORD_LIST
          ? temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
          : temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
}

async function startDevServer(log?: (line: string) => void): Promise<TestWorkflowEnvironment> {
  const { executable } = await resolveTemporalCli({ log });
  return TestWorkflowEnvironment.createLocal({
    server: { executable, searchAttributes: jobSearchAttributes, extraArgs: devServerTuningFlags() },
  });
}
