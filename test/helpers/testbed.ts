import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { devServerTuningFlags } from '../../src/provisioning/dev-server-tuning';
import { freePort } from '../../src/provisioning/ports';
import { resolveTemporalCli } from '../../src/provisioning/temporal-cli';
import { resolveTestServer } from '../../src/provisioning/test-server';
import { jobSearchAttributes } from '../../src/search-attributes';
import { withJobWorkflowThread } from '../../src/workflow-thread';
import { registerJobSearchAttributes } from '../../src/testing/job-test-environment';
import { metricSamples } from './prometheus';

export interface WorkerSetup {
  /** Module exporting the workflows the worker runs. */
  workflowsPath: string;
  /** Workflow interceptor modules bundled with the workflows (test fixtures that hold or break a moment). */
  workflowInterceptorModules?: string[];
  /** Activities and any other worker options. */
  workerOptions?: Partial<
    Omit<WorkerOptions, 'connection' | 'taskQueue' | 'workflowsPath' | 'workflowBundle'>
  >;
}

export interface DevServerOptions {
  /** Serve the Web UI too, on a free port (default: no UI). */
  ui?: boolean;
  /** Serve the server's Prometheus metrics on a known free port (default: a port of its own choosing). */
  metrics?: boolean;
  /** Dynamic config on top of the project's (src/provisioning/dev-server-tuning.ts), e.g. a shorter window. */
  dynamicConfig?: Record<string, unknown>;
}

/** A Temporal server, a client on it, and a running worker on a task queue of its own. */
export interface Testbed {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** The server's gRPC host:port (dev server only). */
  address?: string;
  /** The Web UI's address, as http://127.0.0.1:port (dev server with `ui: true` only). */
  uiUrl?: string;
  /** The server's Prometheus metrics, as http://127.0.0.1:port/metrics (dev server with `metrics: true` only). */
  metricsUrl?: string;
  teardown(): Promise<void>;
}

const bundles = new Map<string, Promise<WorkflowBundle>>();

/** Bundling workflow code takes seconds; do it once per module (and interceptors) per test file. */
function bundleFor(
  workflowsPath: string,
  workflowInterceptorModules: string[] = [],
): Promise<WorkflowBundle> {
  const key = [workflowsPath, ...workflowInterceptorModules].join('\n');
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietBundlerLogger });
    bundles.set(key, bundle);
  }
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** Temporal's time-skipping test server (the Java one): timers fire as soon as nothing else is pending. */
export async function createTimeSkippingTestbed(setup: WorkerSetup): Promise<Testbed> {
  const server = await resolveTestServer({ provision: false });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: server.executable } });
  try {
    await registerJobSearchAttributes(env);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return startWorker(env, setup);
}

/** The Temporal CLI dev server (in-memory SQLite) with the project's search attributes registered. */
export async function createDevServerTestbed(
  setup: WorkerSetup,
  options: DevServerOptions = {},
): Promise<Testbed> {
  const { env, ...where } = await createDevServerEnvironment(options);
  return { ...(await startWorker(env, setup)), ...where };
}

/** The dev server alone, for tests that run their own workers; `address` is its gRPC host:port. */
export async function createDevServerEnvironment(
  options: DevServerOptions = {},
): Promise<{ env: TestWorkflowEnvironment; address: string; uiUrl?: string; metricsUrl?: string }> {
  const cli = await resolveTemporalCli({ provision: false });
  // The dev server picks some ports of its own (HTTP, metrics, membership) from the kernel's ephemeral
  // range; with two test files starting servers at once, one of them can be taken before it binds. That
  // start fails within seconds, so one more try with a fresh port costs little.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const uiPort = options.ui ? await freePort() : undefined;
    const metricsPort = options.metrics ? await freePort() : undefined;
    try {
      const env = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: cli.executable,
          port,
          searchAttributes: jobSearchAttributes,
          // The same server settings as `jobs dev` (see src/dev-server-tuning.ts).
          extraArgs: [
            ...devServerTuningFlags(),
            ...(metricsPort ? ['--metrics-port', String(metricsPort)] : []),
            ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
              '--dynamic-config-value',
              `${key}=${JSON.stringify(value)}`,
            ]),
          ],
          ...(uiPort ? { ui: true, uiPort } : {}),
        },
      });
      return {
        env,
        address: `127.0.0.1:${port}`,
        ...(uiPort ? { uiUrl: `http://127.0.0.1:${uiPort}` } : {}),
        ...(metricsPort ? { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` } : {}),
      };
    } catch (err) {
      const startFailed = err instanceof Error && err.message.includes('Failed to start ephemeral server');
      if (!startFailed || attempt === 2) throw err;
      console.warn(`The dev server did not start (${err.message.split(':')[0]}); trying once more.`);
    }
  }
}

async function startWorker(env: TestWorkflowEnvironment, setup: WorkerSetup): Promise<Testbed> {
  const taskQueue = `test-${randomUUID()}`;
  try {
    const workflowBundle = await bundleFor(setup.workflowsPath, setup.workflowInterceptorModules);
    // As a job worker runs its workflow thread (src/workflow-thread.ts).
    const worker = await withJobWorkflowThread(() =>
      Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace,
        taskQueue,
        workflowBundle,
        ...setup.workerOptions,
      }),
    );
    const running = worker.run();
    return {
      env,
      client: env.client,
      taskQueue,
      worker,
      async teardown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await env.teardown();
      },
    };
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The sum of a counter's series in the server's Prometheus metrics whose labels include `labels` (0 while
 * nothing has counted it).
 */
export async function serverCounter(
  metricsUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const wanted = Object.entries(labels);
  return (await metricSamples(metricsUrl))
    .filter(
      (sample) => sample.name === name && wanted.every(([label, value]) => sample.labels[label] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** The workflow ids a visibility query lists, sorted. */
export async function listWorkflowIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids.sort();
}
