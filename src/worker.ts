/**
 * The job worker: runs the root, batch and child workflows and the application's processors. `jobs worker`
 * (and `npm run worker`, for the seed example) runs one against TEMPORAL_ADDRESS until Ctrl-C.
 */
import { NativeConnection, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from './activities';
import { LocalInterrupts } from './activities/local-interrupts';
import { DEFAULT_MAX_PARALLEL } from './jobs/options';
import type { JobApplication } from './application';
import { jobDataConverter } from './codec/codec-settings';
import { tracingPlugin, type JobTracing } from './tracing';
import { withJobWorkflowThread } from './workflow-thread';

/** What a job worker runs, and where (`createJobWorker`). */
export interface JobWorkerOptions {
  /** A connection to the Temporal server (`connectWorker`). */
  connection: NativeConnection;
  /** The Temporal namespace (default `default`). */
  namespace?: string;
  /** The task queue its clients use. */
  taskQueue: string;
  /** The application whose planners and processors it runs. */
  app: JobApplication;
  /** Pre-bundled workflow code (tests bundle once); default: bundle src/workflows at start. */
  workflowBundle?: WorkflowBundle;
  /**
   * Processor activities run at once on this worker (default 50, the same as a root's default maxParallel,
   * so one worker runs one root at full speed). A pack of short children is one activity.
   */
  maxConcurrentProcessors?: number;
  /** How long a graceful stop waits for running processors (default 1 minute). */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** Default: encrypting payloads when a key is configured (JOBS_CODEC_KEY / JOBS_CODEC_KEY_FILE). */
  dataConverter?: WorkerOptions['dataConverter'];
  /** OpenTelemetry tracing of the workflows and processors (give the client the same; see tracing.ts). */
  tracing?: JobTracing;
}

/** Workflows a worker keeps in memory between tasks (the SDK's default grows with the heap: thousands). */
const MAX_CACHED_WORKFLOWS = 200;

/** The workflows module every job worker runs. */
export const JOB_WORKFLOWS_PATH = require.resolve('./workflows');

/** A Temporal worker for the job workflows and `app`'s processors; `run()` it, `shutdown()` to stop it. */
export function createJobWorker(options: JobWorkerOptions): Promise<Worker> {
  return withJobWorkflowThread(() => createWorker(options));
}

function createWorker(options: JobWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: JOB_WORKFLOWS_PATH }),
    ...jobWorkerSettings(options.app, options.maxConcurrentProcessors),
    // A graceful stop (Ctrl-C, SIGTERM) lets running processors finish for up to this long.
    shutdownGraceTime: options.shutdownGraceTime ?? '1 minute',
    dataConverter: options.dataConverter ?? jobDataConverter(),
    ...(options.tracing ? { plugins: [tracingPlugin(options.tracing)] } : {}),
  });
}

/** The activities and tuning of a job worker (tests use them with their own bundles). */
export function jobWorkerSettings(app: JobApplication, maxConcurrentProcessors = DEFAULT_MAX_PARALLEL) {
  // A root interrupted here stops the packs of its children running here at once (local-interrupts.ts).
  const localInterrupts = new LocalInterrupts();
  return {
    activities: createActivities(app, localInterrupts),
    sinks: localInterrupts.sinks(),
    maxConcurrentActivityTaskExecutions: maxConcurrentProcessors,
    // A heartbeat's reply is how an activity learns it is cancelled: a pack whose children begin one after
    // another heartbeats every 100 ms (heartbeat-pacer.ts), so that an interrupt stops what has not begun
    // within about that (each heartbeat costs the server a write; others heartbeat once a second).
    maxHeartbeatThrottleInterval: '100 ms',
    defaultHeartbeatThrottleInterval: '100 ms',
    // A big root opens all its batches at once and most wait for slots: keeping each in the cache costs
    // memory, while a waiting batch is cheap to replay (a handful of events) when its turn comes.
    maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
  } satisfies Partial<WorkerOptions>;
}

/**
 * Runs a worker until a shutdown signal (Ctrl-C, SIGTERM) has let its in-flight work finish (at most the
 * grace time, then processors see their signal fire and their children run again elsewhere), and says how
 * long the stop took.
 */
export async function runUntilStopped(worker: Worker, print: (line: string) => void): Promise<void> {
  let askedAt: number | undefined;
  const onSignal = () => {
    if (askedAt !== undefined) return;
    askedAt = Date.now();
    print('Stopping: running children finish first (at most 1 minute)…');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  try {
    await worker.run();
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  }
  if (askedAt !== undefined)
    print(`Worker stopped ${((Date.now() - askedAt) / 1000).toFixed(1)} s after it was asked to.`);
}
