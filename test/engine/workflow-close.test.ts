import { WorkflowFailedError } from '@temporalio/client';
import type { StartJobOptions } from '../../src/jobs/options';
import { childStatus, createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';

/** A job's workflow closes the way its status says, so that the Temporal Web UI agrees with it. */
describe.each<[string, StartJobOptions]>([
  ['activity mode', {}],
  ['child-workflow mode', { runChildrenAs: 'workflow' }],
])('workflow close status, %s (time-skipping server)', (mode, modeOptions) => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });
  const closeStatus = async (workflowId: string) =>
    (await testbed.client.workflow.getHandle(workflowId).describe()).status.name;

  it('success completes, failed fails with the record readable, cancelled is cancelled', async () => {
    const good = uniqueName('close-good');
    await testbed.jobs.start('do_big_job', { name: good, ...modeOptions, data: { parts: [{ name: 'a' }] } });
    expect((await testbed.jobs.wait(good)).status).toBe('success');
    expect(await closeStatus(good)).toBe('COMPLETED');

    const bad = uniqueName('close-failed');
    await testbed.jobs.start('do_big_job', {
      name: bad,
      ...modeOptions,
      data: { parts: [{ name: 'ok' }, { name: 'bad', valid: false }] },
    });
    const failed = await testbed.jobs.wait(bad);
    expect(failed).toMatchObject({ status: 'failed', progress: 1, total: 2 });
    expect(await closeStatus(bad)).toBe('FAILED');
    const failure = await testbed.client.workflow
      .getHandle(bad)
      .result()
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toBe(
      `Job "${bad}" failed: 1 of 2 children failed`,
    );
    // Read again, as a status read after the fact would.
    expect(await testbed.jobs.status(bad)).toMatchObject({
      status: 'failed',
      counts: { failed: 1, success: 1 },
    });
    const badChild = await childStatus(testbed.jobs, `${bad}/do_small_job:bad`);
    expect(badChild).toMatchObject({ status: 'failed', attempts: 1 });
    if (mode === 'child-workflow mode') expect(await closeStatus(badChild.id)).toBe('FAILED');

    const stopped = uniqueName('close-cancelled');
    await testbed.jobs.start('do_big_job', {
      name: stopped,
      ...modeOptions,
      maxParallel: 1,
      data: { parts: [{ name: 'long', durationMs: 3000 }, { name: 'never' }] },
    });
    await statusWhen(testbed.jobs, stopped, (status) => status.status === 'running');
    await testbed.jobs.interrupt(stopped, { force: true });
    const cancelled = await testbed.jobs.wait(stopped);
    expect(cancelled).toMatchObject({ status: 'cancelled', interrupted: true, counts: { cancelled: 2 } });
    expect(await closeStatus(stopped)).toBe('CANCELLED');
    const longChild = await childStatus(testbed.jobs, `${stopped}/do_small_job:long`);
    expect(longChild).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(longChild.startedAt).not.toBeNull();
    if (mode === 'child-workflow mode') expect(await closeStatus(longChild.id)).toBe('CANCELLED');
  });
});
