import { DuplicateJobError, InvalidJobInputError, JobNotFoundError } from '../../src/errors';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import type { RootStatusAnswer } from '../../src/contract/jobs';

describe('unique root names (time-skipping server)', () => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('refuses a second owner, attaches the same owner, and frees the name once the root has finished', async () => {
    const name = uniqueName('unique');
    const data = { parts: [{ name: 'slow', durationMs: 4000 }, { name: 'quick' }] };
    const first = await testbed.jobs.start('do_big_job', { name, ownerId: 'owner-1', data });

    const refused = testbed.jobs.start('do_big_job', { name, ownerId: 'owner-2', data });
    await expect(refused).rejects.toThrow(DuplicateJobError);
    await expect(refused).rejects.toThrow(/already open \(owner owner-1, started 20\d\d-/);

    const redelivered = await testbed.jobs.start('do_big_job', { name, ownerId: 'owner-1', data });
    expect(redelivered).toEqual({ id: name, runId: first.runId, attached: true });

    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'success', total: 2, ownerId: 'owner-1' });

    const again = await testbed.jobs.start('do_big_job', {
      name,
      ownerId: 'owner-2',
      data: { parts: [{ name: 'x' }] },
    });
    expect(again.attached).toBe(false);
    expect(again.runId).not.toBe(first.runId);
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', ownerId: 'owner-2', total: 1 });
  });

  it('refuses bad input before anything starts', async () => {
    await expect(testbed.jobs.start('no_such_topic')).rejects.toThrow(/Unknown topic "no_such_topic"/);
    await expect(testbed.jobs.start('do_small_job', { data: { name: 'x' } })).rejects.toThrow(
      /has no planner/,
    );
    await expect(testbed.jobs.start('do_big_job', { data: { parts: 'nope' } })).rejects.toThrow(
      InvalidJobInputError,
    );
    await expect(
      testbed.jobs.start('do_big_job', { data: { parts: [{ name: 'a' }, { name: 'a' }] } }),
    ).rejects.toThrow(/used twice/);
    await expect(testbed.jobs.start('do_big_job', { name: 'a/b', data: { parts: [] } })).rejects.toThrow(
      /contains "\/"/,
    );
    await expect(testbed.jobs.start('do_big_job', { maxParallel: 0, data: { parts: [] } })).rejects.toThrow(
      /maxParallel/,
    );
    await expect(testbed.jobs.status(uniqueName('missing'))).rejects.toThrow(JobNotFoundError);
    await expect(testbed.jobs.status(`${uniqueName('missing')}/child`)).rejects.toThrow(JobNotFoundError);
  });

  it('ends a root with no children success at once', async () => {
    const name = uniqueName('empty');
    await testbed.jobs.start('do_big_job', { name, data: { parts: [] } });
    expect(await testbed.jobs.wait(name)).toMatchObject({
      status: 'success',
      total: 0,
      progress: 0,
      children: [],
    });
  });

  it('shows live counts while a child runs and another waits', async () => {
    const name = uniqueName('live');
    await testbed.jobs.start('do_big_job', {
      name,
      maxParallel: 1,
      data: { parts: [{ name: 'a', durationMs: 60_000 }, { name: 'b' }] },
    });
    const during = await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (status) => status.counts.running === 1,
    );
    expect(during).toMatchObject({ status: 'running', progress: 0, total: 2 });
    expect(during.counts).toMatchObject({ new: 1, running: 1 });
    expect(during.children.map((child) => child.status)).toEqual(['running', 'new']);
    await testbed.jobs.interrupt(name, { force: true });
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'cancelled', interrupted: true });
  });
});
