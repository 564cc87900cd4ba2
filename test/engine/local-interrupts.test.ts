/**
 * A root interrupted on the worker that runs packs of its children tells them at once (a Temporal sink), before
 * its batches cancel them. This worker heartbeats seldom, so that a pack hears of its cancel only seconds later:
 * without the root's word, the children after the running one would begin meanwhile.
 */
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createGatedApplication } from '../fixtures/gated-app';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';

describe('a root interrupted on the worker running its packs (time-skipping server)', () => {
  let testbed: JobTestbed;
  const { app, gate } = createGatedApplication();
  beforeAll(async () => {
    const seldom = '3 seconds';
    testbed = await createJobTestbed(
      'time-skipping',
      app,
      {},
      { workerOptions: { maxHeartbeatThrottleInterval: seldom, defaultHeartbeatThrottleInterval: seldom } },
    );
  });
  afterAll(async () => {
    gate.open();
    await testbed?.teardown();
  });

  it('graceful: a pack begins no child once the root has taken the interrupt', async () => {
    const name = uniqueName('told-here');
    const names = Array.from({ length: 40 }, (_, i) => `t${i}`);
    // The first ten pass at once: their times make the rest short children, packed one after another.
    for (const passing of names.slice(0, 10)) gate.releaseNamed(passing);
    await testbed.jobs.start('gated', { name, maxParallel: 1, data: { names, topic: 'gated_packed_child' } });
    await eventually('the eleventh child to wait', async () => gate.waitingNames()[0] === 't10' || undefined);

    await testbed.jobs.interrupt(name);
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.interrupted);
    gate.open();
    const final = await testbed.jobs.wait(name);
    expect(gate.started).toEqual(names.slice(0, 11));
    expect(final).toMatchObject({
      status: 'cancelled',
      interrupted: true,
      counts: { success: 11, cancelled: 29 },
    });
  });
});
