/**
 * Workers stop: a graceful stop (SIGTERM) lets running children finish and says how long it took; with no
 * worker left, a status read still answers from the root's snapshot, saying how old it is.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { JobClient } from '../../src/client/job-client';
import { createSeedApplication } from '../../src/example/seed-app';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { JOB_WORKFLOWS_PATH, jobWorkerSettings } from '../../src/worker';
import { runJobs, startJobs } from '../helpers/cli';
import { statusWhen, uniqueName } from '../helpers/jobs';
import { createDevServerEnvironment } from '../helpers/testbed';

describe('no worker running (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

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

  it('with no worker, a status read answers from the snapshot and says how old it is', async () => {
    const taskQueue = `snapshot-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const name = uniqueName('snapshot');
    // Batch 0: five quick children; batch 1: five slow ones.
    const parts = [
      ...Array.from({ length: 5 }, (_, i) => ({ name: `quick${i}` })),
      ...Array.from({ length: 5 }, (_, i) => ({ name: `slow${i}`, durationMs: 60_000 })),
    ];
    const first = await worker(taskQueue);
    await first.runUntil(async () => {
      await jobs.start('do_big_job', { name, batchSize: 5, data: { parts } });
      await statusWhen<RootStatusAnswer>(
        jobs,
        name,
        (root) => root.counts.success === 5 && root.counts.running === 5,
      );
      await new Promise((resolve) => setTimeout(resolve, 6000)); // past the snapshot interval
    });

    const started = Date.now();
    const answer = (await jobs.status(name)) as RootStatusAnswer;
    expect(Date.now() - started).toBeLessThan(10_000);
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
