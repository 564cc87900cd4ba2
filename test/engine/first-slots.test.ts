/**
 * Batches started together share the root's free slots (time-skipping server): before any child has shown how
 * long it takes, every batch wants a slot per child, and the first batch used to take them all.
 */
import { createGatedApplication } from '../fixtures/gated-app';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';

describe('the first slots of a root (time-skipping server)', () => {
  let testbed: JobTestbed;
  const { app, gate } = createGatedApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping', app);
  });
  afterAll(async () => {
    gate.open();
    await testbed?.teardown();
  });

  it('go to every batch started together, not all to the first', async () => {
    const name = uniqueName('shared');
    const names = Array.from({ length: 12 }, (_, i) => `f${i}`);
    // Four batches of three children, four slots: one each.
    await testbed.jobs.start('gated', { name, batchSize: 3, maxParallel: 4, data: { names } });
    await eventually('four processors to begin', async () => gate.waitingNames().length === 4 || undefined);
    const batchOf = (child: string) => Math.floor(Number(child.slice(1)) / 3);
    expect(gate.waitingNames().map(batchOf).sort()).toEqual([0, 1, 2, 3]);
    expect(gate.maxRunning).toBe(4);

    gate.open();
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', counts: { success: 12 } });
    expect(gate.maxRunning).toBe(4);
  });

  it('go to the first batch of child workflows that wants them: nothing is packed, and it keeps them', async () => {
    gate.close();
    const name = uniqueName('kept');
    const names = Array.from({ length: 12 }, (_, i) => `k${i}`);
    // Two batches of six children, four slots: all four in batch 0 (two each when shared).
    await testbed.jobs.start('gated', {
      name,
      batchSize: 6,
      maxParallel: 4,
      runChildrenAs: 'workflow',
      data: { names },
    });
    await eventually('four processors to begin', async () => gate.waitingNames().length === 4 || undefined);
    const batchOf = (child: string) => Math.floor(Number(child.slice(1)) / 6);
    expect(gate.waitingNames().map(batchOf)).toEqual([0, 0, 0, 0]);

    gate.open();
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', counts: { success: 12 } });
  });
});
