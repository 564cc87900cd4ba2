/**
 * Workers stop: a graceful stop (SIGTERM) lets running children finish and says how long it took; with no
 * worker left, a status read still answers from the root's snapshot, saying how old it is.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { JobClient } from '../../src/client/job-client';
import { createSeedApplication } from '../../src/example/seed-app';
import type { RootSnapshot, RootStatusAnswer } from '../../src/contract/jobs';
import { JOB_WORKFLOWS_PATH, jobWorkerSettings } from '../../src/worker';
import { runJobs, startJobs } from '../helpers/cli';
import { statusWhen, uniqueName } from '../helpers/jobs';
import { rootJobQuery, SNAPSHOT_MEMO_KEY } from '../../src/contract/messages';
import { createDevServerEnvironment, eventually } from '../helpers/testbed';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

describe('no worker running (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** Batch 0 (of 5): five quick children; batch 1: five slow ones. */
  const quickThenSlow = [
    ...Array.from({ length: 5 }, (_, i) => ({ name: `quick${i}` })),
    ...Array.from({ length: 5 }, (_, i) => ({ name: `slow${i}`, durationMs: 60_000 })),
  ];

  const worker = (taskQueue: string) =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: JOB_WORKFLOWS_PATH,
      ...jobWorkerSettings(createSeedApplication({ error: () => undefined })),
    });

  it('a graceful stop (SIGTERM) lets running children finish, bounded, and prints how long it took', async () => {
    const taskQueue = `stop-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const shell = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue };
    const stopping = await startJobs(shell, 'polling', 'worker');
    const name = uniqueName('sigterm');
    const parts = Array.from({ length: 4 }, (_, i) => ({ name: `p${i}`, durationMs: 4000 }));
    await jobs.start('do_big_job', { name, maxParallel: 4, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.running === 4);
    stopping.process.kill('SIGTERM');
    expect(await stopping.exited).toBe(0);
    const stoppedIn = /Worker stopped ([\d.]+) s after it was asked to/.exec(stopping.output());
    expect(stoppedIn).not.toBeNull();
    expect(Number(stoppedIn![1])).toBeLessThan(30);

    const survivor = await worker(taskQueue);
    const final = await survivor.runUntil(() => jobs.wait(name));
    expect(final).toMatchObject({ status: 'success', total: 4 });
    // They finished on the worker that was stopping: no second attempt.
    expect(final.children.map((child) => child.attempts)).toEqual([1, 1, 1, 1]);
  }, 120_000);

  it('a status read of a running root, and an interrupt, ask no worker about the root; a read waits for it to take the interrupt', async () => {
    const taskQueue = `current-${randomUUID()}`;
    const rootQueries: string[] = [];
    // Every call the client makes, by method (a gRPC interceptor on a connection of its own).
    const calls: string[] = [];
    const countCalls: Interceptor = (options, nextCall) => {
      calls.push(String(options.method_definition.path).replace(/^.*\//, ''));
      return nextCall(options) as ReturnType<Interceptor>;
    };
    const connection = await Connection.connect({ address, interceptors: [countCalls] });
    const counting = new Client({
      connection,
      namespace: env.client.options.namespace,
      interceptors: {
        workflow: [{ query: (input, next) => (rootQueries.push(input.queryType), next(input)) }],
      },
    });
    // Long enough for a worker to start on a loaded machine: the read must wait for the root, not fall back.
    const jobs = new JobClient(counting, taskQueue, undefined, 120_000, 120_000);
    const name = uniqueName('current');
    const parts = quickThenSlow;
    const first = await worker(taskQueue);
    await first.runUntil(async () => {
      await jobs.start('do_big_job', { name, batchSize: 5, data: { parts } });
      await eventually('the root to keep a snapshot with its five finished children', async () => {
        const { memo } = await env.client.workflow.getHandle(name).describe();
        const snapshot = memo?.[SNAPSHOT_MEMO_KEY] as RootSnapshot | undefined;
        return (snapshot?.layout && snapshot.layout.shown.success === 5) || undefined;
      });
      rootQueries.length = 0;
      calls.length = 0;
      // Page 1 is batch 0's (ended, read from its result): nothing is asked of a worker.
      const read = (await jobs.status(name, { limit: 5 })) as RootStatusAnswer;
      expect(read).toMatchObject({ status: 'running', total: 10, interrupted: false });
      expect(read.counts.success).toBe(5);
      expect(read.children.map((child) => child.status)).toEqual(Array(5).fill('success'));
      expect(rootQueries).toEqual([]);
      // Three calls, at once: the root described and the end of its history read, and the end of batch 0's
      // history, its result (read ahead: the first page is in batch 0).
      expect(calls.sort()).toEqual([
        'DescribeWorkflowExecution',
        'GetWorkflowExecutionHistoryReverse',
        'GetWorkflowExecutionHistoryReverse',
      ]);
    });

    // No worker: `interrupt` goes by the root's snapshot, not a query only a worker answers; the interrupt then
    // waits in the root's pending task, where its snapshot cannot show it.
    rootQueries.length = 0;
    expect(await jobs.interrupt(name, { force: true })).toMatchObject({ interrupted: true });
    expect(rootQueries).toEqual([]);
    const read = jobs.status(name, { limit: 5 }) as Promise<RootStatusAnswer>;
    const second = await worker(taskQueue);
    await second.runUntil(async () => {
      const answer = await read;
      expect(answer.interrupted).toBe(true);
      expect(answer.snapshotAt).toBeUndefined();
      expect(rootQueries).toContain('rootPage');
      expect(await jobs.wait(name)).toMatchObject({ status: 'cancelled' });
    });
    await connection.close();
  }, 120_000);

  it('with no worker, a status read answers from the snapshot and says how old it is', async () => {
    const taskQueue = `snapshot-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const name = uniqueName('snapshot');
    const parts = quickThenSlow;
    const first = await worker(taskQueue);
    await first.runUntil(async () => {
      await jobs.start('do_big_job', { name, batchSize: 5, data: { parts } });
      await statusWhen<RootStatusAnswer>(
        jobs,
        name,
        (root) => root.counts.success === 5 && root.counts.running === 5,
      );
      await eventually('the root to keep a snapshot of its five finished children', async () => {
        const { memo } = await env.client.workflow.getHandle(name).describe();
        const snapshot = memo?.[SNAPSHOT_MEMO_KEY] as { counts?: { success?: number } } | undefined;
        return snapshot?.counts?.success === 5 || undefined;
      });
    });

    const answer = (await jobs.status(name)) as RootStatusAnswer;
    expect(answer.snapshotAt).toBeDefined();
    expect(answer).toMatchObject({ id: name, status: 'running', total: 10 });
    expect(answer.counts.success).toBe(5);
    expect(answer.children.map((child) => child.name)).toEqual(
      parts.slice(0, 5).map((part) => `do_small_job:${part.name}`),
    );

    const shell = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue };
    const cli = await runJobs(shell, 'status', name);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cli.stdout).toMatch(/as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, no worker answered/);

    await env.client.workflow.getHandle(name).signal('interrupt', { force: true });
    const second = await worker(taskQueue);
    expect(await second.runUntil(() => jobs.wait(name))).toMatchObject({ status: 'cancelled' });
  }, 120_000);
});

/**
 * The server refuses a query at once (FAILED_PRECONDITION, "no poller seen for task queue recently") once no
 * worker has polled its task queue for `matching.queryPollerUnavailableWindow` (20 s by default; 1 s here): a
 * deploy's gap, or the moments after a server restart before the workers poll again. A status read then
 * answers from the snapshot, as when no worker answers in time, and a worker that comes back is asked again.
 */
describe('no worker polled for a while (dev server, the server refuses queries at once)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    ({ env } = await createDevServerEnvironment({
      // One partition per task queue: the server refuses only on a queue's root partition (of 4 by default).
      dynamicConfig: {
        'matching.queryPollerUnavailableWindow': '1s',
        'matching.numTaskqueueReadPartitions': 1,
        'matching.numTaskqueueWritePartitions': 1,
      },
    }));
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('a status read answers from the snapshot, then from the worker that polls again', async () => {
    const taskQueue = `refused-${randomUUID()}`;
    // The server refuses a query 1 s before its deadline (the root's: 3 s), after its worker's sticky queue (1 s).
    const jobs = new JobClient(env.client, taskQueue);
    const name = uniqueName('refused');
    const parts = Array.from({ length: 3 }, (_, i) => ({ name: `slow${i}`, durationMs: 60_000 }));
    const settings = jobWorkerSettings(createSeedApplication({ error: () => undefined }));
    const newWorker = () =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowsPath: JOB_WORKFLOWS_PATH,
        ...settings,
        stickyQueueScheduleToStartTimeout: '1s',
      });
    const first = await newWorker();
    await first.runUntil(async () => {
      await jobs.start('do_big_job', { name, data: { parts } });
      await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.running === 3);
      await eventually('the root to keep a snapshot', async () => {
        const { memo } = await env.client.workflow.getHandle(name).describe();
        return (memo?.[SNAPSHOT_MEMO_KEY] as { total?: number } | undefined)?.total === 3 || undefined;
      });
    });
    // The server now refuses a query to the root at once.
    await eventually('the server to refuse queries for want of a poller', () =>
      env.client.workflow
        .getHandle(name)
        .query(rootJobQuery)
        .then(
          () => undefined,
          (err: { cause?: { code?: number; details?: string } }) =>
            err.cause?.code === 9 && /no poller seen/.test(err.cause.details ?? '') ? true : undefined,
        ),
    );

    const answer = (await jobs.status(name)) as RootStatusAnswer;
    expect(answer).toMatchObject({ id: name, total: 3 });
    expect(answer.snapshotAt).toBeDefined();

    const second = await newWorker();
    await second.runUntil(async () => {
      // A read while the new worker starts polling: refused until it polls, then answered by it.
      const live = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.snapshotAt === undefined);
      expect(live).toMatchObject({ id: name, status: 'running', total: 3 });
      await env.client.workflow.getHandle(name).signal('interrupt', { force: true });
      expect(await jobs.wait(name)).toMatchObject({ status: 'cancelled' });
    });
  }, 120_000);
});
