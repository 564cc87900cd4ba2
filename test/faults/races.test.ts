/**
 * Races, on the real dev server: many starts of one name at once, and interrupts that meet a child being
 * started, a root still planning, or an earlier interrupt. Nothing is lost: one root per name, every
 * interrupted job ends cancelled, every root stops.
 */
import { DuplicateJobError } from '../../src/errors';
import { JobApplication } from '../../src/application';
import { createSeedApplication } from '../../src/example/seed-app';
import type { ChildJobState, RootStatusAnswer } from '../../src/contract/jobs';
import { runJobs } from '../helpers/cli';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually, listWorkflowIds } from '../helpers/testbed';

/** The seed application, and a root whose planner takes half a second a page. */
function raceApplication(): JobApplication {
  const app = createSeedApplication({ error: () => undefined });
  return app.topic<{ pages: number }>('slow_plan', {
    plan: async ({ pages }, { cursor }) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const page = Number(cursor ?? 0);
      return {
        children: [
          {
            name: `page-${page}`,
            topic: 'do_small_job',
            payload: { name: `page-${page}`, durationMs: 5000 },
          },
        ],
        nextCursor: page + 1 < pages ? String(page + 1) : null,
      };
    },
  });
}

describe('racing starts and interrupts (dev server)', () => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', raceApplication());
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('20 starts of one name with different owners: one root, 19 DuplicateJobErrors; CLI exit 3', async () => {
    const name = uniqueName('racing');
    // The root stays open until the test ends it (a CLI process may take seconds to start on a busy machine).
    const data = { parts: [{ name: 'a', durationMs: 600_000 }] };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        testbed.jobs.start('do_big_job', { name, ownerId: `owner-${i}`, data }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toHaveLength(19);
    for (const outcome of refused)
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateJobError);

    const env = { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.taskQueue };
    const cli = await Promise.all(
      [1, 2, 3].map((i) =>
        runJobs(
          env,
          'start',
          'do_big_job',
          '--name',
          name,
          '--owner',
          `cli-${i}`,
          '--data',
          JSON.stringify(data),
        ),
      ),
    );
    expect(cli.map((run) => run.code)).toEqual([3, 3, 3]);
    await testbed.jobs.interrupt(name, { force: true });
    await testbed.jobs.wait(name);
    const executions = await eventually('the root in visibility', async () => {
      const ids = await listWorkflowIds(testbed.client, `WorkflowId = '${name}'`);
      return ids.length > 0 ? ids : undefined;
    });
    expect(executions).toEqual([name]);
  });

  it('10 starts of one name with the same owner all attach to the one root', async () => {
    const name = uniqueName('attach');
    const data = { parts: [{ name: 'a', durationMs: 2000 }] };
    const started = await Promise.all(
      Array.from({ length: 10 }, () =>
        testbed.jobs.start('do_big_job', { name, ownerId: 'the-owner', data }),
      ),
    );
    expect(new Set(started.map((job) => job.runId)).size).toBe(1);
    expect(started.filter((job) => !job.attached)).toHaveLength(1);
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', total: 1 });
  });

  it('a forced interrupt of a child whose workflow is being started still cancels it', async () => {
    const roots = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const name = uniqueName(`in-flight-${i}`);
        await testbed.jobs.start('do_big_job', {
          name,
          runChildrenAs: 'workflow',
          data: { parts: [{ name: 'x', durationMs: 30_000 }] },
        });
        // Right away: the batch may still be starting the child's workflow.
        await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.total === 1, 20_000);
        await testbed.jobs.interrupt(`${name}/do_small_job:x`, { force: true });
        return name;
      }),
    );
    for (const name of roots) {
      expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'cancelled', interrupted: false });
      expect((await testbed.jobs.status(`${name}/do_small_job:x`)) as ChildJobState).toMatchObject({
        status: 'cancelled',
      });
    }
  });

  it('an interrupt while the root still plans stops planning, and the root stops', async () => {
    const name = uniqueName('planning');
    // Ten pages a planner call, a second a page: the interrupt comes while the first call runs.
    await testbed.jobs.start('slow_plan', { name, data: { pages: 20 } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const interruptedAt = Date.now();
    await testbed.jobs.interrupt(name, { force: true });
    const final = await testbed.jobs.wait(name);
    expect(Date.now() - interruptedAt).toBeLessThan(5000); // it did not wait for the planner to return
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true, total: 0 });
  });

  it('a graceful interrupt, then a forced one: the running child is stopped by the second', async () => {
    const name = uniqueName('twice');
    await testbed.jobs.start('do_big_job', { name, data: { parts: [{ name: 'long', durationMs: 60_000 }] } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.running === 1);
    await testbed.jobs.interrupt(name);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(((await testbed.jobs.status(name)) as RootStatusAnswer).counts.running).toBe(1); // graceful: it runs on
    const forcedAt = Date.now();
    await testbed.jobs.interrupt(name, { force: true });
    const final = await testbed.jobs.wait(name);
    expect(Date.now() - forcedAt).toBeLessThan(15_000);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true });
    expect(final.children[0]).toMatchObject({ status: 'cancelled' });
  });
});
