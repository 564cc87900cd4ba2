/**
 * Pause, resume and a new parallel limit on a running root (time-skipping server): what starts, and when,
 * is read from the records and from the children's processors themselves.
 */
import { InvalidJobInputError, JobFinishedError, JobNotFoundError } from '../../src/errors';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createGatedApplication } from '../fixtures/gated-app';
import { createJobTestbed, rootStatus, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

describe('controls of a running root (time-skipping server)', () => {
  let testbed: JobTestbed;
  const { app, gate } = createGatedApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping', app);
  });
  afterAll(async () => {
    gate.open();
    await testbed?.teardown();
  });
  const names = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  const running = (status: RootStatusAnswer) => status.counts.running;
  const startedOf = (prefix: string) => gate.started.filter((name) => name.startsWith(prefix)).length;

  it('pause: running children finish, none starts for a week, resume goes on where it stopped', async () => {
    const name = uniqueName('paused');
    await testbed.jobs.start('gated', { name, maxParallel: 2, data: { names: names(6, 'p') } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => running(root) === 2);
    await eventually('both processors to begin', async () => startedOf('p') === 2 || undefined);

    const paused = await testbed.jobs.pause(name);
    expect(paused).toMatchObject({ paused: true, phase: 'running', maxParallel: 2 });
    expect(paused.pausedAt).not.toBeNull();
    gate.release(2);
    const idle = await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.success === 2);
    expect(idle).toMatchObject({ status: 'running', paused: true, counts: { new: 4, running: 0 } });

    await testbed.env.sleep(WEEK_MS);
    const aWeekLater = await rootStatus(testbed.jobs, name);
    expect(aWeekLater).toMatchObject({ status: 'running', paused: true, counts: { success: 2, new: 4 } });
    expect(startedOf('p')).toBe(2);

    expect(await testbed.jobs.resume(name)).toMatchObject({ paused: false });
    await eventually('the next children to start', async () => startedOf('p') === 4 || undefined);
    gate.release(10);
    await eventually('the last children to start', async () => startedOf('p') === 6 || undefined);
    gate.release(10);
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'success', paused: false, counts: { success: 6 } });
    expect(final.pausedAt).toBe(paused.pausedAt);
  });

  it('pause during planning: planning goes on, nothing more starts until resume', async () => {
    const name = uniqueName('paused-planning');
    await testbed.jobs.start('gated_paged', { name, maxParallel: 4, data: { names: names(4, 'q') } });
    // One planner activity plans a few pages; here it waits before its second page.
    await eventually(
      'the planner to be at its second page',
      async () => gate.planningWaits() === 1 || undefined,
    );
    const paused = await testbed.jobs.pause(name);
    expect(paused).toMatchObject({ paused: true, phase: 'planning' });
    gate.releasePlanning();
    const planned = await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.total === 4);
    expect(planned).toMatchObject({ paused: true, counts: { new: 4 } });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a batch with slots would have started them
    expect(startedOf('q')).toBe(0);

    await testbed.jobs.resume(name);
    await eventually('the rest to start', async () => startedOf('q') === 4 || undefined);
    gate.release(4);
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', counts: { success: 4 } });
  });

  it('a paused root can still be interrupted: waiting children end cancelled', async () => {
    const name = uniqueName('paused-interrupt');
    await testbed.jobs.start('gated', { name, maxParallel: 1, data: { names: names(3, 'i') } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => running(root) === 1);
    await eventually('its processor to begin', async () => startedOf('i') === 1 || undefined);
    await testbed.jobs.pause(name);
    await testbed.jobs.interrupt(name);
    gate.releaseNamed('i0');
    // Bounded, and saying what waits at the gate: a child begun after the interrupt would wait there for ever.
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.stoppedAt !== null, 60_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}; waiting at the gate: ${gate.waitingNames().join(', ') || 'none'}`);
      },
    );
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({
      status: 'cancelled',
      interrupted: true,
      counts: { success: 1, cancelled: 2 },
    });
    expect(startedOf('i')).toBe(1);
  });

  it('scale down: nothing is stopped, and no child starts until fewer than the new limit run', async () => {
    const name = uniqueName('scale-down');
    await testbed.jobs.start('gated', { name, maxParallel: 4, data: { names: names(8, 'd') } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => running(root) === 4);
    await eventually('four processors to begin', async () => startedOf('d') === 4 || undefined);

    expect(await testbed.jobs.scale(name, 1)).toMatchObject({ maxParallel: 1 });
    for (let finished = 1; finished <= 3; finished++) {
      gate.release(1);
      await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.success === finished);
    }
    expect(startedOf('d')).toBe(4); // three finished, one still runs: nothing new yet
    gate.release(1);
    await eventually('one child to start once none runs', async () => startedOf('d') === 5 || undefined);
    expect((await rootStatus(testbed.jobs, name)).counts).toMatchObject({ success: 4, running: 1, new: 3 });

    // Scale up: two more start at once, with no child finishing meanwhile.
    await testbed.jobs.scale(name, 3);
    await eventually('two more children to start', async () => startedOf('d') === 7 || undefined);
    expect((await rootStatus(testbed.jobs, name)).counts).toMatchObject({ running: 3, new: 1 });
    gate.release(10);
    await eventually('the last child to start', async () => startedOf('d') === 8 || undefined);
    gate.release(10);
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', maxParallel: 3 });
  });

  it('refuses bad input with an error that names it, and changes nothing', async () => {
    const name = uniqueName('refused');
    await expect(testbed.jobs.pause(name)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(testbed.jobs.pause(`${name}/child`)).rejects.toThrow(/pause takes a root job id/);
    await testbed.jobs.start('gated', { name, maxParallel: 1, data: { names: names(1, 'r') } });
    await expect(testbed.jobs.scale(name, 0)).rejects.toThrow(InvalidJobInputError);
    await expect(testbed.jobs.scale(name, 201)).rejects.toThrow(
      /maxParallel must be a whole number from 1 to 200/,
    );
    await eventually('the child to start', async () => startedOf('r') === 1 || undefined);
    gate.release(1);
    await testbed.jobs.wait(name);
    const refused = testbed.jobs.pause(name);
    await expect(refused).rejects.toBeInstanceOf(JobFinishedError);
    await expect(refused).rejects.toThrow(`Job "${name}" has already finished (success)`);
  });
});
