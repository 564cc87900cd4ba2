/**
 * Faults a careful read of the engine found (issue 18), each shown on the dev server: a root that says
 * `success` while it still plans, `running` counted below zero during a child workflow's retry backoff, a root
 * that takes the id a concurrency key coordinates by.
 */
import { JobApplication } from '../../src/application';
import { InvalidJobInputError } from '../../src/errors';
import { batchWorkflowId, childJobId } from '../../src/jobs/ids';
import type { ChildJobState, RootStatusAnswer, StatusCounts } from '../../src/contract/jobs';
import { totalOf } from '../../src/jobs/status';
import { runJobs } from '../helpers/cli';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually, listWorkflowIds } from '../helpers/testbed';

/** Page 1 of `broken_planner` fails while this is set. */
const brokenPlanner = { broken: true };

/** `held` children run until the test releases them (or they are force-interrupted). */
const held = {
  started: [] as string[],
  waiting: [] as Array<() => void>,
  releaseAll: () => held.waiting.splice(0).forEach((go) => go()),
};

/** The planner's later pages wait for this; `planWaits` counts the planners waiting. */
const planning = {
  waiting: [] as Array<() => void>,
  release: () => planning.waiting.splice(0).forEach((go) => go()),
};

const app = new JobApplication()
  // Page 0: two children whose payloads fill one planner call each (250 KB; a call returns at most 480 KB),
  // so the first child's batch starts and finishes while a later call plans on. Page 1 waits for the test.
  .topic<Record<string, never>>('slow_planner', {
    plan: async (_payload, { cursor }) => {
      if (cursor !== null) {
        await new Promise<void>((resolve) => planning.waiting.push(resolve));
        return { children: [{ name: 'last', topic: 'quick' }], nextCursor: null };
      }
      const pad = 'x'.repeat(250_000);
      const children = ['first', 'second'].map((name) => ({ name, topic: 'quick', payload: { pad } }));
      return { children, nextCursor: '1' };
    },
  })
  .topic('quick', { process: async () => true })
  .topic('quick_root', { plan: () => [] })
  // Page 0's children fill a planner call each (250 KB), so they are planned before page 1, whose planner
  // fails while `brokenPlanner.broken`.
  .topic<Record<string, never>>('broken_planner', {
    plan: async (_payload, { cursor }) => {
      if (cursor !== null) {
        if (brokenPlanner.broken) throw new Error('the planner cannot read page 1');
        return {
          children: [{ name: 'late', topic: 'quick_flaky', payload: { failTimes: 0 } }],
          nextCursor: null,
        };
      }
      const pad = 'x'.repeat(250_000);
      const children = [
        { name: 'ok', topic: 'quick_flaky', payload: { failTimes: 0, pad } },
        { name: 'bad', topic: 'quick_flaky', payload: { failTimes: 1, pad } },
        { name: 'pad', topic: 'quick_flaky', payload: { failTimes: 0, pad } },
      ];
      return { children, nextCursor: '1' };
    },
  })
  .topic<{ failTimes: number }>('quick_flaky', {
    process: async ({ failTimes }, { attempt }) => {
      if (attempt <= failTimes) throw new Error(`failing attempt ${attempt} on purpose`);
      return true;
    },
  })
  .topic<{ failTimes: number }>('rerun_root', {
    plan: ({ failTimes }) => [
      { name: 'b', topic: 'flaky_workflow', payload: { failTimes } },
      { name: 'h', topic: 'held' },
    ],
  })
  .topic<{ names: string[] }>('held_root', {
    plan: ({ names }) => names.map((name) => ({ name, topic: 'held' })),
  })
  .topic('held', {
    pack: false,
    process: async (_payload, { jobName, signal }) => {
      held.started.push(jobName);
      await new Promise<void>((resolve) => {
        held.waiting.push(resolve);
        signal.addEventListener('abort', () => resolve());
      });
      return true;
    },
  })
  .topic<{ names: string[]; failTimes: number }>('flaky_workflows', {
    plan: ({ names, failTimes }) =>
      names.map((name) => ({ name, topic: 'flaky_workflow', payload: { failTimes } })),
  })
  .topic<{ failTimes: number }>('flaky_workflow', {
    runAs: 'workflow',
    process: async ({ failTimes }, { attempt }) => {
      if (attempt <= failTimes) throw new Error(`failing attempt ${attempt} on purpose`);
      return true;
    },
  });

describe('soundness faults (dev server)', () => {
  let testbed: JobTestbed;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
    env = { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.taskQueue };
  });
  afterAll(async () => {
    planning.release();
    held.releaseAll();
    await testbed?.teardown();
  });

  it('says no final status while pages remain to be planned, in its reads nor its search attribute', async () => {
    const name = uniqueName('still-planning');
    await testbed.jobs.start('slow_planner', { name, data: {} });
    const root = await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (status) => status.counts.success >= 1 && planning.waiting.length === 1,
    );
    expect(root).toMatchObject({ status: 'running', stoppedAt: null });
    const listed = await listWorkflowIds(testbed.client, `WorkflowId = '${name}' AND JobStatus = 'success'`);
    expect(listed).toEqual([]);
    planning.release();
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', total: 3 });
  });

  it('never counts running below zero while a child workflow waits out a retry', async () => {
    const name = uniqueName('backoff');
    // Backoffs of 1, 2 and 4 s: windows in which the child is failed_redelivered with its workflow open.
    await testbed.jobs.start('flaky_workflows', {
      name,
      maxAttempts: 4,
      data: { names: ['w'], failTimes: 3 },
    });
    const seen: StatusCounts[] = [];
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => {
      seen.push(root.counts);
      return root.counts.failed_redelivered === 1 && seen.length > 1;
    });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'success', children: [expect.objectContaining({ attempts: 4 })] });
    for (const counts of seen.filter((sample) => totalOf(sample) > 0)) {
      expect(Math.min(...Object.values(counts))).toBeGreaterThanOrEqual(0);
      expect(totalOf(counts)).toBe(1);
    }
  });

  it("refuses a root named like a concurrency key's own workflow", async () => {
    await expect(testbed.jobs.start('quick_root', { name: 'jobs-concurrency-key:k' })).rejects.toThrow(
      InvalidJobInputError,
    );
    const run = await runJobs(
      env,
      'start',
      'do_big_job',
      '--name',
      'jobs-concurrency-key:k',
      '--data',
      '{"parts":[]}',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/starts with "jobs-concurrency-key:", which names the engine's own workflows/);
  });

  it('ends a root whose batch an operator terminated: unfinished children fail, naming it', async () => {
    const name = uniqueName('terminated-batch');
    await testbed.jobs.start('held_root', { name, maxParallel: 2, data: { names: ['a', 'b', 'c', 'd'] } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.running === 2);
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).terminate('an operator');
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', total: 4, counts: { failed: 4 } });
    const child = await testbed.jobs.status(`${name}/a`);
    expect(child).toMatchObject({
      status: 'failed',
      error: 'batch 0 was terminated before this child ended',
    });
    // The name is free again.
    await testbed.jobs.start('quick_root', { name });
    expect((await testbed.jobs.wait(name)).status).toBe('success'); // a root of no children
  });

  it('fails a child workflow an operator terminated, naming how, and runs its siblings (docs/operating.md)', async () => {
    const name = uniqueName('terminated-child');
    await testbed.jobs.start('held_root', {
      name,
      maxParallel: 2,
      runChildrenAs: 'workflow',
      data: { names: ['ta', 'tb', 'tc'] },
    });
    await eventually('child ta to run', async () => (held.started.includes('ta') ? true : undefined));
    await testbed.client.workflow.getHandle(childJobId(name, 'ta')).terminate('an operator');
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.failed === 1);
    await eventually('every child to have run', async () => {
      held.releaseAll();
      return ['tb', 'tc'].every((child) => held.started.includes(child)) ? true : undefined;
    });
    held.releaseAll();
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', counts: { failed: 1, success: 2 } });
    const child = (await testbed.jobs.status(`${name}/ta`)) as ChildJobState;
    expect(child.status).toBe('failed');
    expect(child.error).toBe('child workflow ended abnormally: terminated');
  });

  it('takes a cancel of a batch (Request Cancellation) as a graceful interrupt of its children (docs/operating.md)', async () => {
    const name = uniqueName('cancelled-batch');
    await testbed.jobs.start('held_root', { name, maxParallel: 1, data: { names: ['ca', 'cb', 'cc'] } });
    await eventually('child ca to run', async () => (held.started.includes('ca') ? true : undefined));
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).cancel();
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.cancelled === 2);
    held.releaseAll();
    const final = await testbed.jobs.wait(name);
    expect(final.counts).toMatchObject({ success: 1, cancelled: 2, running: 0, new: 0 });
    expect(held.started.filter((child) => child === 'cb' || child === 'cc')).toEqual([]);
    expect(await testbed.jobs.status(`${name}/ca`)).toMatchObject({ status: 'success' });
  });

  it('ends it too when the batch was started before the root continued as new (probed)', async () => {
    const name = uniqueName('terminated-after-can');
    const { runId } = await testbed.jobs.start('held_root', {
      name,
      maxParallel: 1,
      continueAsNewAfterEvents: 20,
      data: { names: ['x', 'y'] },
    });
    await eventually('the root to continue as new with its batch open', async () => {
      const described = await testbed.client.workflow.getHandle(name).describe();
      return described.runId !== runId && held.started.some((started) => started === 'x') ? true : undefined;
    });
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).terminate('an operator');
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', counts: { failed: 2 } });
  });

  it('answers a status read while its batches are still being started (found by the model-based test)', async () => {
    const name = uniqueName('starting-batches');
    await testbed.jobs.start('held_root', {
      name,
      batchSize: 1,
      runChildrenAs: 'workflow',
      data: { names: ['s1', 's2', 's3', 's4', 's5', 's6'] },
    });
    // The root lists a batch before its workflow exists: a read then must not fail with "No job with id".
    const reads = [];
    for (let read = 0; read < 30; read++) reads.push(await testbed.jobs.status(name, { limit: 10 }));
    expect(reads.every((root) => (root as RootStatusAnswer).id === name)).toBe(true);
    await testbed.jobs.interrupt(name, { force: true });
    await testbed.jobs.wait(name);
  });

  it("follows a rerun child workflow's own transitions (its new workflow counts them from 1 again)", async () => {
    const name = uniqueName('rerun-sequences');
    // b fails its 4 attempts; h keeps the root running; then b reruns (attempts 5..8) and fails 5, 6 and 7.
    await testbed.jobs.start('rerun_root', {
      name,
      maxAttempts: 4,
      runChildrenAs: 'workflow',
      data: { failTimes: 7 },
    });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.failed === 1, 60_000);
    await testbed.jobs.retry(name);
    // Between its retries the rerun child reads failed_redelivered with its attempts so far (its new
    // workflow's transitions were dropped as stale before: it read running, 4 attempts, all along).
    const seen = await statusWhen<ChildJobState>(
      testbed.jobs,
      `${name}/b`,
      (child) => child.status === 'failed_redelivered' && child.attempts >= 5,
      60_000,
    );
    expect(seen.error).toMatch(/failing attempt \d on purpose/);
    held.releaseAll();
    const final = await testbed.jobs.wait(name);
    expect(final.children.find((child) => child.name === 'b')).toMatchObject({
      status: 'success',
      attempts: 8,
    });
  }, 120_000);

  it('retrying a root that stopped while planning plans the rest, not only reruns what failed', async () => {
    const name = uniqueName('retry-unplanned');
    await testbed.jobs.start('broken_planner', { name, maxAttempts: 1, data: {} });
    const failed = await testbed.jobs.wait(name);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot read page 1/) });
    expect(failed.total).toBeLessThan(4);
    brokenPlanner.broken = false;
    await testbed.jobs.retry(name);
    // Every child is planned and ends: not a success of the few planned before.
    expect(await testbed.jobs.wait(name)).toMatchObject({
      status: 'success',
      total: 4,
      counts: { success: 4 },
    });
  }, 120_000);

  it('never runs more than its limit after a batch is terminated (found by the model-based test)', async () => {
    const name = uniqueName('terminated-limit');
    // One slot: a held child of batch 0 runs; terminating batch 0 must not let batch 1 start a child while
    // the held one may still run on its worker (its slot is lent to no one until the worker surely stopped).
    await testbed.jobs.start('held_root', {
      name,
      maxParallel: 1,
      batchSize: 2,
      data: { names: ['a', 'b', 'c', 'd'] },
    });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.running === 1);
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).terminate('an operator');
    const startedBefore = held.started.length;
    const seen: number[] = [];
    const final = await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (root) => {
        seen.push(root.counts.running);
        if (held.started.length > startedBefore) held.releaseAll(); // let batch 1's children finish
        return root.stoppedAt !== null;
      },
      90_000,
    );
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    expect(final).toMatchObject({ status: 'failed', counts: { failed: 2, success: 2 } });
  }, 120_000);
});
