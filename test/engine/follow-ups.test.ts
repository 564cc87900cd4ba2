import { JobNotFoundError } from '../../src/errors';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import type { RootStatusAnswer } from '../../src/contract/jobs';

describe('follow-up jobs (time-skipping server)', () => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('starts follow-ups when the root ends success', async () => {
    const name = uniqueName('with-follow-up');
    const followUpName = `${name}-next`;
    await testbed.jobs.start('do_big_job', {
      name,
      data: { parts: [{ name: 'a' }] },
      followUps: [{ topic: 'do_big_job', name: followUpName, payload: { parts: [{ name: 'next' }] } }],
    });
    const final = await testbed.jobs.wait(name);
    expect(final.followUps).toEqual([{ topic: 'do_big_job', id: followUpName, started: true, error: null }]);
    expect(await testbed.jobs.wait(followUpName)).toMatchObject({ status: 'success', total: 1 });
  });

  it('does not start follow-ups after an interrupt', async () => {
    const name = uniqueName('interrupted-follow-up');
    const followUpName = `${name}-next`;
    await testbed.jobs.start('do_big_job', {
      name,
      data: { parts: [{ name: 'slow', durationMs: 30_000 }] },
      followUps: [{ topic: 'do_big_job', name: followUpName, payload: { parts: [{ name: 'next' }] } }],
    });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (status) => status.status === 'running');
    await testbed.jobs.interrupt(name, { force: true });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true, followUps: [] });
    await expect(testbed.jobs.status(followUpName)).rejects.toThrow(JobNotFoundError);
  });

  it('starts follow-ups after an interrupt when asked to', async () => {
    const name = uniqueName('cancel-follow-up');
    const followUpName = `${name}-cleanup`;
    await testbed.jobs.start('do_big_job', {
      name,
      maxParallel: 1,
      data: { parts: [{ name: 'slow', durationMs: 30_000 }, { name: 'never' }] },
      followUps: [{ topic: 'do_big_job', name: followUpName, payload: { parts: [] } }],
      followUpOn: ['cancelled'],
    });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (status) => status.status === 'running');
    await testbed.jobs.interrupt(name, { force: true });
    expect((await testbed.jobs.wait(name)).followUps[0]).toMatchObject({ id: followUpName, started: true });
    expect(await testbed.jobs.wait(followUpName)).toMatchObject({ status: 'success' });
  });
});
