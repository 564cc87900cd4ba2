/**
 * `retry`: failed or cancelled children run again, attempts going on from where they were, on a finished
 * root (a new run of it) and on a running one (time-skipping server).
 */
import { InvalidJobInputError } from '../../src/errors';
import type { ChildJobState, ChildRunMode, RootStatusAnswer } from '../../src/contract/jobs';
import { createFlakyApplication } from '../fixtures/flaky-app';
import { createJobTestbed, rootStatus, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';

describe('retry (time-skipping server)', () => {
  let testbed: JobTestbed;
  const { app, flaky } = createFlakyApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping', app);
  });
  afterAll(async () => {
    flaky.release();
    await testbed?.teardown();
  });
  const byName = (root: RootStatusAnswer) =>
    Object.fromEntries(root.children.map((child) => [child.name, child]));

  it.each<ChildRunMode>(['activity', 'workflow'])(
    'a finished root (%s mode) runs again: only its failed children rerun, attempts going on',
    async (mode) => {
      const name = uniqueName(`retry-${mode}`);
      flaky.failing = new Set([`${mode}-b`, `${mode}-c`]);
      const names = ['a', 'b', 'c', 'd'].map((child) => `${mode}-${child}`);
      await testbed.jobs.start('flaky_root', {
        name,
        maxAttempts: 2,
        batchSize: 2,
        runChildrenAs: mode,
        data: { names },
      });
      const failed = await testbed.jobs.wait(name);
      expect(failed).toMatchObject({ status: 'failed', counts: { success: 2, failed: 2 } });
      const before = byName(await rootStatus(testbed.jobs, name));
      expect(before[`${mode}-b`]).toMatchObject({ status: 'failed', attempts: 2 });

      flaky.failing.clear();
      const outcome = await testbed.jobs.retry(name);
      expect(outcome).toMatchObject({ id: name, rerun: 2, restarted: true, statuses: ['failed'] });
      const final = await testbed.jobs.wait(name);
      expect(final).toMatchObject({ status: 'success', progress: 1, counts: { success: 4 }, total: 4 });
      const after = byName(await rootStatus(testbed.jobs, name));
      for (const child of [`${mode}-b`, `${mode}-c`]) {
        expect(after[child]).toMatchObject({ status: 'success', attempts: 3, error: null });
        expect(((await testbed.jobs.status(`${name}/${child}`)) as ChildJobState).result).toEqual({
          name: child,
          attempt: 3,
        });
      }
      // The others keep their records and results from the first run.
      for (const child of [`${mode}-a`, `${mode}-d`]) expect(after[child]).toEqual(before[child]);
      expect(((await testbed.jobs.status(`${name}/${mode}-a`)) as ChildJobState).result).toEqual({
        name: `${mode}-a`,
        attempt: 1,
      });
    },
  );

  it('reruns cancelled children of an interrupted root when asked, not its failed ones', async () => {
    const name = uniqueName('retry-cancelled');
    flaky.failing = new Set(['f']);
    flaky.holding = new Set(['h']);
    await testbed.jobs.start('flaky_root', {
      name,
      maxAttempts: 1,
      maxParallel: 1,
      data: { names: ['f', 'h', 'w1', 'w2'] },
    });
    await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (root) => root.counts.running === 1 && root.counts.failed === 1,
    );
    await testbed.jobs.interrupt(name, { force: true });
    const interrupted = await testbed.jobs.wait(name);
    expect(interrupted).toMatchObject({ status: 'cancelled', counts: { failed: 1, cancelled: 3 } });

    flaky.failing.clear();
    flaky.release();
    const outcome = await testbed.jobs.retry(name, { statuses: ['cancelled'] });
    expect(outcome).toMatchObject({ rerun: 3, restarted: true });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', interrupted: false, counts: { success: 3, failed: 1 } });
    const children = byName(await rootStatus(testbed.jobs, name));
    expect(children.h).toMatchObject({ status: 'success', attempts: 2 }); // its forced-off attempt counts
    expect(children.w1).toMatchObject({ status: 'success', attempts: 1 }); // it had never started
    expect(children.f).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('on a running root, puts its failed children back in line, in running and in ended batches', async () => {
    const name = uniqueName('retry-running');
    flaky.failing = new Set(['x', 'y']);
    flaky.holding = new Set(['hold']);
    // Batch 0 (hold, x) runs on while hold waits: it takes the rerun itself. Batch 1 (y, z) has ended: it
    // is started again.
    await testbed.jobs.start('flaky_root', {
      name,
      maxAttempts: 1,
      batchSize: 2,
      data: { names: ['hold', 'x', 'y', 'z'] },
    });
    await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (root) => root.counts.failed === 2 && root.counts.success === 1,
    );
    flaky.failing.clear();
    const outcome = await testbed.jobs.retry(name);
    expect(outcome).toMatchObject({ rerun: 2, restarted: false });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.success === 3);
    expect((await rootStatus(testbed.jobs, name)).status).toBe('running'); // hold still runs
    flaky.release();
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'success', counts: { success: 4 } });
    const children = byName(await rootStatus(testbed.jobs, name));
    expect(children.x).toMatchObject({ attempts: 2, status: 'success' });
    expect(children.y).toMatchObject({ attempts: 2, status: 'success' });
    expect(children.z).toMatchObject({ attempts: 1, status: 'success' });
  });

  it('refuses what it cannot do, with an error that names it', async () => {
    const name = uniqueName('retry-refused');
    await expect(testbed.jobs.retry(name)).rejects.toThrow(`No job with id "${name}"`);
    await expect(testbed.jobs.retry(`${name}/a`)).rejects.toThrow(/retry takes a root job id/);
    await expect(testbed.jobs.retry(name, { statuses: ['success' as never] })).rejects.toBeInstanceOf(
      InvalidJobInputError,
    );
    flaky.failing.clear();
    await testbed.jobs.start('flaky_root', { name, data: { names: ['ok'] } });
    await testbed.jobs.wait(name);
    await expect(testbed.jobs.retry(name)).rejects.toThrow(`Job "${name}" has no failed children to rerun.`);
    expect((await rootStatus(testbed.jobs, name)).status).toBe('success');
  });
});
