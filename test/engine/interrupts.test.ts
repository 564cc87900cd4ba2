import type { ChildRecord, ChildJobState, RootStatusAnswer } from '../../src/contract/jobs';
import { createJobTestbed, rootStatus, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { isFinal } from '../../src/jobs/status';
import type { StartJobOptions } from '../../src/jobs/options';

const byName = (children: ChildRecord[]) =>
  Object.fromEntries(children.map((child) => [child.name.split(':')[1], child]));
/** The named children run, and the root (whose counts follow its batches' reports) says running too. */
const running =
  (...names: string[]) =>
  (status: RootStatusAnswer) =>
    status.status === 'running' && names.every((name) => byName(status.children)[name]?.status === 'running');

describe.each<[string, StartJobOptions]>([
  ['activity mode', {}],
  ['child-workflow mode', { runChildrenAs: 'workflow' }],
])('interrupts, %s (time-skipping server)', (_mode, modeOptions) => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('graceful: running children finish, the rest never start, the root ends cancelled', async () => {
    const name = uniqueName('graceful');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      maxParallel: 2,
      data: {
        parts: [
          { name: 'r1', durationMs: 4000 },
          { name: 'r2', durationMs: 4000 },
          { name: 'n1' },
          { name: 'n2' },
          { name: 'n3' },
        ],
      },
    });
    await statusWhen(testbed.jobs, name, running('r1', 'r2'));
    const outcome = await testbed.jobs.interrupt(name);
    expect(outcome.interrupted).toBe(true);

    // The root stays running while its running children finish.
    const meanwhile = await statusWhen<RootStatusAnswer>(testbed.jobs, name, (status) => status.interrupted);
    expect(meanwhile.status).toBe('running');

    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true, progress: 0.4 });
    const children = byName(final.children);
    expect([children.r1.status, children.r2.status]).toEqual(['success', 'success']);
    for (const never of ['n1', 'n2', 'n3']) {
      expect(children[never]).toMatchObject({ status: 'cancelled', attempts: 0, startedAt: null });
    }
    expect(final.counts).toMatchObject({ success: 2, cancelled: 3 });
  });

  it('forced: running processors are aborted and end cancelled', async () => {
    const name = uniqueName('forced');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      data: {
        parts: [
          { name: 'long1', durationMs: 60_000 },
          { name: 'long2', durationMs: 60_000 },
        ],
      },
    });
    await statusWhen(testbed.jobs, name, running('long1', 'long2'));
    const interruptedAt = Date.now();
    await testbed.jobs.interrupt(name, { force: true });
    const final = await testbed.jobs.wait(name);
    expect(Date.now() - interruptedAt).toBeLessThan(15_000);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true });
    expect(final.children.map((child) => child.status)).toEqual(['cancelled', 'cancelled']);
    expect(final.children[0].startedAt).not.toBeNull();
  });

  it('one child at a time: a waiting child never starts, a running one finishes or is forced', async () => {
    const name = uniqueName('single');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      maxParallel: 1,
      data: {
        parts: [
          { name: 'a', durationMs: 1500 },
          { name: 'b', durationMs: 60_000 },
          { name: 'c' },
          { name: 'd' },
        ],
      },
    });
    await statusWhen(testbed.jobs, name, running('a'));
    await testbed.jobs.interrupt(`${name}/do_small_job:c`);
    const c = await statusWhen<ChildJobState>(testbed.jobs, `${name}/do_small_job:c`, (child) =>
      isFinal(child.status),
    );
    expect(c).toMatchObject({ status: 'cancelled', attempts: 0 });
    await testbed.jobs.interrupt(`${name}/do_small_job:a`);

    await statusWhen(testbed.jobs, name, running('b'));
    expect(byName((await rootStatus(testbed.jobs, name)).children).a.status).toBe('success');
    await testbed.jobs.interrupt(`${name}/do_small_job:b`, { force: true });

    const final = await testbed.jobs.wait(name);
    const children = byName(final.children);
    expect([children.a.status, children.b.status, children.c.status, children.d.status]).toEqual([
      'success',
      'cancelled',
      'cancelled',
      'success',
    ]);
    // Oro's rule: any cancelled child makes the root cancelled, but the root itself was not interrupted.
    expect(final).toMatchObject({ status: 'cancelled', interrupted: false });
  });

  it('cancelling the root workflow through the client is a graceful interrupt', async () => {
    const name = uniqueName('cancelled');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      maxParallel: 1,
      data: { parts: [{ name: 'x', durationMs: 4000 }, { name: 'y' }] },
    });
    await statusWhen(testbed.jobs, name, running('x'));
    await testbed.client.workflow.getHandle(name).cancel();
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: true });
    expect(final.children.map((child) => child.status)).toEqual(['success', 'cancelled']);
  });

  it('interrupting a finished job changes nothing and says so', async () => {
    const name = uniqueName('done');
    await testbed.jobs.start('do_big_job', { name, ...modeOptions, data: { parts: [{ name: 'only' }] } });
    await testbed.jobs.wait(name);
    const outcome = await testbed.jobs.interrupt(name, { force: true });
    expect(outcome.interrupted).toBe(false);
    expect(outcome.message).toContain('already finished (success)');
    expect(await rootStatus(testbed.jobs, name)).toMatchObject({ status: 'success', interrupted: false });
  });
});
