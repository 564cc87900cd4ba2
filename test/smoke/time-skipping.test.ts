import { sleeper } from '../workflows/smoke';
import { createTimeSkippingTestbed, type Testbed } from '../helpers/testbed';

const HOUR = 60 * 60 * 1000;

describe('time-skipping test server (Java)', () => {
  let testbed: Testbed;

  beforeAll(async () => {
    testbed = await createTimeSkippingTestbed({ workflowsPath: require.resolve('../workflows/smoke') });
  });

  afterAll(async () => {
    await testbed?.teardown();
  });

  it('runs a workflow that sleeps one hour in a few seconds of wall time', async () => {
    expect(testbed.env.supportsTimeSkipping).toBe(true);
    const wallStart = Date.now();
    const workflowTimeSlept = await testbed.client.workflow.execute(sleeper, {
      taskQueue: testbed.taskQueue,
      workflowId: `sleeper-${Date.now()}`,
      args: [HOUR],
    });
    const wallElapsed = Date.now() - wallStart;
    expect(workflowTimeSlept).toBeGreaterThanOrEqual(HOUR);
    expect(wallElapsed).toBeLessThan(15_000);
  });
});
