/**
 * A worker killed (SIGKILL) at each point of a child's life: before its processor starts, while it runs, and
 * after it returned but before the result was recorded. Another worker takes over; the child ends once, in
 * success (a processor that had returned is not reported failed), its lost attempt counted.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { JobClient } from '../../src/client/job-client';
import type { ChildJobState } from '../../src/contract/jobs';
import { JOB_WORKFLOWS_PATH, jobWorkerSettings } from '../../src/worker';
import { createCrashApp, type CrashPoint } from '../fixtures/crash-app';
import { projectRoot } from '../helpers/cli';
import { uniqueName } from '../helpers/jobs';
import { createDevServerEnvironment } from '../helpers/testbed';

describe("a worker killed at each point of a child's life (dev server)", () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it.each<CrashPoint>(['before', 'during', 'after'])(
    '%s its processor: the child still ends once, in success',
    async (at) => {
      const taskQueue = `crash-${at}-${randomUUID()}`;
      const jobs = new JobClient(env.client, taskQueue);
      const doomed = spawn(
        path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
        ['test/fixtures/crash-worker.ts'],
        {
          cwd: projectRoot,
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: address,
            TEMPORAL_TASK_QUEUE: taskQueue,
            CRASH_AT: at,
            CRASH_VICTIM: 'victim',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const died = new Promise<NodeJS.Signals | null>((resolve) =>
        doomed.on('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        doomed.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        void died.then(() => reject(new Error('the crashing worker exited before it was ready')));
      });

      const name = uniqueName(`crash-${at}`);
      await jobs.start('crash_root', { name, data: { names: ['victim', 'a', 'b'] } });
      expect(await died).not.toBe(0);

      const survivor = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowsPath: JOB_WORKFLOWS_PATH,
        ...jobWorkerSettings(createCrashApp()),
      });
      const final = await survivor.runUntil(() => jobs.wait(name));
      expect(final).toMatchObject({ status: 'success', total: 3 });
      expect(final.counts.success).toBe(3);
      const victim = (await jobs.status(`${name}/victim`)) as ChildJobState;
      // The attempt the lost worker had begun counts; the survivor's attempt is the one that succeeded.
      expect(victim).toMatchObject({
        status: 'success',
        attempts: 2,
        error: null,
        result: { name: 'victim', attempt: 2 },
      });
    },
    120_000,
  );

  it('charges a worker lost mid-pack to the children it was running, not to those waiting in its packs', async () => {
    const taskQueue = `crash-pack-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const doomed = spawn(
      path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
      ['test/fixtures/crash-worker.ts'],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          CRASH_AFTER_QUICK: '60',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const died = new Promise<string>((resolve) =>
      doomed.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    await new Promise<void>((resolve, reject) => {
      doomed.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      void died.then(() => reject(new Error('the crashing worker exited before it was ready')));
    });
    const name = uniqueName('crash-pack');
    // Quick children are packed (after 5 have shown how long they take): many wait in a pack behind each slot.
    await jobs.start('quick_root', { name, maxParallel: 4, maxAttempts: 1, data: { count: 300 } });
    expect(['SIGKILL', 'exit 137']).toContain(await died); // tsx passes on its child's SIGKILL as 137
    const survivor = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: JOB_WORKFLOWS_PATH,
      ...jobWorkerSettings(createCrashApp()),
    });
    const final = await survivor.runUntil(() => jobs.wait(name));
    expect(final.total).toBe(300);
    expect(final.counts.success + final.counts.failed).toBe(300);
    // At most one child per slot was running when the worker died: only those lost their one attempt.
    expect(final.counts.failed).toBeLessThanOrEqual(4);
  }, 120_000);
});
