import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSeedApplication } from '../../src/example/seed-app';
import { JobClient } from '../../src/client/job-client';
import { isFinal } from '../../src/jobs/status';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createJobWorker } from '../../src/worker';
import { createDevServerEnvironment, eventually } from '../helpers/testbed';
import { statusWhen, uniqueName } from '../helpers/jobs';
import { killProcessGroup, startWorkerProcess } from '../helpers/worker-process';

const FUZZ_APP = path.join(__dirname, '..', 'fixtures', 'fuzz-app.ts');

describe('a worker killed while children run (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('still brings every child to exactly one final status and the root to its final status', async () => {
    const taskQueue = `crash-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const doomed = await startWorkerProcess(address, taskQueue);
    const name = uniqueName('crash');
    const parts = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, durationMs: 4000 }));
    await jobs.start('do_big_job', { name, maxParallel: 6, data: { parts } });
    const before = await statusWhen<RootStatusAnswer>(
      jobs,
      name,
      (status) => status.counts.running >= 3,
      60_000,
    );

    killProcessGroup(doomed);
    const runningAtKill = before.children
      .filter((child) => child.status === 'running')
      .map((child) => child.name);

    const survivor = await createJobWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      app: createSeedApplication(),
    });
    const final = await survivor.runUntil(() => jobs.wait(name));

    expect(final).toMatchObject({ status: 'success', total: 6, progress: 1 });
    expect(final.children).toHaveLength(6);
    for (const child of final.children) {
      expect(isFinal(child.status)).toBe(true);
      expect(child.stoppedAt).not.toBeNull();
    }
    // Those that were running when the worker died ran again on the new worker.
    for (const child of final.children.filter((c) => runningAtKill.includes(c.name))) {
      expect(child.attempts).toBeGreaterThanOrEqual(2);
    }
  }, 180_000);

  it('loses no child of a pack whose worker is killed mid-pack: each ends in exactly one final status', async () => {
    const taskQueue = `crash-pack-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const doomed = await startWorkerProcess(address, taskQueue);
    const name = uniqueName('crash-pack');
    // Short children (so they are packed, a few to a slot), enough of them to kill the worker halfway.
    const parts = Array.from({ length: 240 }, (_, i) => ({ name: `p${i}`, durationMs: 60 }));
    await jobs.start('do_big_job', { name, maxParallel: 6, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, name, (status) => status.counts.success >= 60, 60_000);
    killProcessGroup(doomed);

    const survivor = await createJobWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      app: createSeedApplication(),
    });
    const final = await survivor.runUntil(() => jobs.wait(name));
    expect(final).toMatchObject({ status: 'success', total: 240, progress: 1 });
    expect(final.counts.success).toBe(240);
    const all = (await jobs.status(name, { limit: 240 })) as RootStatusAnswer;
    expect(new Set(all.children.map((child) => child.name)).size).toBe(240);
    expect(all.children.every((child) => child.status === 'success' && child.stoppedAt !== null)).toBe(true);
    // The packs the killed worker held ran again on the survivor, as a later attempt.
    expect(all.children.some((child) => child.attempts >= 2)).toBe(true);
    // And children were packed: fewer activities than children.
    const activities = await Promise.all(
      [0, 1].map(async (batch) => {
        const history = await env.client.workflow.getHandle(`${name}/batch/${batch}`).fetchHistory();
        return (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes).length;
      }),
    );
    expect(activities[0] + activities[1]).toBeLessThan(240);
  }, 180_000);

  it("interrupting one child takes no other pack's retries: a worker lost afterwards loses nothing else", async () => {
    const taskQueue = `crash-interrupt-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const doomed = await startWorkerProcess(address, taskQueue);
    const name = uniqueName('crash-interrupt');
    // Long enough that both are still running when the worker dies, even on a loaded machine.
    const parts = [
      { name: 'x', durationMs: 20_000 },
      { name: 'y', durationMs: 20_000 },
    ];
    await jobs.start('do_big_job', { name, maxParallel: 2, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, name, (status) => status.counts.running === 2, 120_000);
    await jobs.interrupt(`${name}/do_small_job:x`); // graceful: x would finish its work
    const batch = env.client.workflow.getHandle(`${name}/batch/0`);
    await eventually('the interrupt to reach x pack', async () => {
      const events = (await batch.fetchHistory()).events ?? [];
      return events.some((event) => event.activityTaskCancelRequestedEventAttributes) ? true : undefined;
    });
    killProcessGroup(doomed);

    const survivor = await createJobWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      app: createSeedApplication(),
    });
    const final = await survivor.runUntil(() => jobs.wait(name));
    const byName = Object.fromEntries(final.children.map((child) => [child.name, child]));
    // y's pack was never asked to cancel: the server retried it on the survivor.
    expect(byName['do_small_job:y']).toMatchObject({ status: 'success', attempts: 2 });
    // x's pack was, so it was not retried; x had begun and was interrupted: cancelled.
    expect(byName['do_small_job:x']).toMatchObject({ status: 'cancelled' });
    expect(final).toMatchObject({ status: 'cancelled', counts: { success: 1, cancelled: 1 } });
  }, 180_000);

  it('plans on another worker within seconds when the worker planning dies (not at the planner timeout)', async () => {
    const taskQueue = `crash-planning-${randomUUID()}`;
    const jobs = new JobClient(env.client, taskQueue);
    const doomed = await startWorkerProcess(address, taskQueue, FUZZ_APP);
    const name = uniqueName('crash-planning');
    const children = [{ name: 'c0', ms: 0, failTimes: 0, invalid: false }];
    await jobs.start('slow_plan', { name, data: { children, planMs: 8000 } });
    await eventually('the planner to be running', async () => {
      const { raw } = await env.client.workflow.getHandle(name).describe();
      return raw.pendingActivities?.some(
        (activity) => activity.activityType?.name === 'planChildren' && activity.state === 2,
      )
        ? true
        : undefined;
    });
    killProcessGroup(doomed);
    const survivor = await startWorkerProcess(address, taskQueue, FUZZ_APP);
    try {
      // Within the jest timeout only if the dead planner is noticed by its heartbeat (30 s), not its 1-hour limit.
      expect((await jobs.wait(name)).status).toBe('success');
    } finally {
      killProcessGroup(survivor);
    }
  }, 120_000);
});
