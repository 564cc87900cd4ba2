/**
 * `jobs pause|resume|scale|retry` as a user runs them (real CLI process, dev server): what they print, their exit
 * codes, and one-line errors for bad input.
 */
import { createFlakyApplication } from '../fixtures/flaky-app';
import { createGatedApplication } from '../fixtures/gated-app';
import { runJobs, type CliRun } from '../helpers/cli';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';
import type { RootJobStatus } from '../../src/jobs/types';

describe('jobs pause, resume, scale and retry (real CLI process, dev server)', () => {
  let testbed: JobTestbed;
  let env: NodeJS.ProcessEnv;
  const { app, gate } = createGatedApplication();
  const { flaky } = createFlakyApplication(app);
  const jobs = (...args: string[]) => runJobs(env, ...args);

  function expectOneLineError(run: CliRun, code: number, text: RegExp): void {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(text) });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  }

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
    env = { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.taskQueue };
  });
  afterAll(async () => {
    gate.open();
    await testbed?.teardown();
  });

  it('pauses, shows it, scales and resumes a running root', async () => {
    const name = uniqueName('cli-controls');
    const children = ['c0', 'c1', 'c2', 'c3', 'c4'];
    await testbed.jobs.start('gated', { name, maxParallel: 1, data: { names: children } });
    await statusWhen<RootJobStatus>(testbed.jobs, name, (root) => root.counts.running === 1);

    const paused = await jobs('pause', name);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(new RegExp(`^${name}: paused since \\S+Z, at most 1 children at once\\n$`));
    const status = await jobs('status', name);
    expect(status.stdout).toMatch(
      /paused since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: no child starts until `jobs resume`/,
    );
    gate.release(1);
    await statusWhen<RootJobStatus>(testbed.jobs, name, (root) => root.counts.success === 1);

    const scaled = await jobs('scale', name, '--max-parallel', '3', '--json');
    expect(scaled.code).toBe(0);
    expect(JSON.parse(scaled.stdout)).toMatchObject({ id: name, paused: true, maxParallel: 3 });
    expect(gate.started.filter((child) => children.includes(child))).toHaveLength(1); // still paused

    const resumed = await jobs('resume', name);
    expect(resumed).toMatchObject({ code: 0, stdout: `${name}: not paused, at most 3 children at once\n` });
    await eventually('three children to run at once', async () => gate.running === 3 || undefined);
    gate.open();
    expect(await jobs('wait', name)).toMatchObject({ code: 0, stdout: `${name}: success\n` });
  });

  it('refuses bad input in one line with exit code 2, and changes nothing', async () => {
    const name = uniqueName('cli-refused');
    expectOneLineError(await jobs('pause', name), 2, new RegExp(`No job with id "${name}"`));
    expectOneLineError(await jobs('resume', `${name}/c0`), 2, /resume takes a root job id/);
    expectOneLineError(await jobs('scale', name), 2, /scale needs --max-parallel N/);
    expectOneLineError(
      await jobs('scale', name, '--max-parallel=-2'),
      2,
      /--max-parallel must be a whole number of at least 1; got "-2"/,
    );

    gate.open();
    await testbed.jobs.start('gated', { name, maxParallel: 2, data: { names: ['x'] } });
    expectOneLineError(
      await jobs('scale', name, '--max-parallel', '500'),
      2,
      /maxParallel must be a whole number from 1 to 200; got 500/,
    );
    await testbed.jobs.wait(name);
    expectOneLineError(await jobs('pause', name), 2, /has already finished \(success\); only an open root/);
    expect((await testbed.jobs.status(name)) as RootJobStatus).toMatchObject({
      paused: false,
      maxParallel: 2,
    });
  });

  it('retries a finished root: its failed children rerun, attempts going on; bad input is refused', async () => {
    const name = uniqueName('cli-retry');
    flaky.failing = new Set(['b']);
    await testbed.jobs.start('flaky_root', { name, maxAttempts: 1, data: { names: ['a', 'b'] } });
    expect(await jobs('wait', name)).toMatchObject({ code: 1, stdout: `${name}: failed\n` });

    expectOneLineError(
      await jobs('retry', name, '--status', 'cancelled'),
      2,
      /has no cancelled children to rerun/,
    );
    expectOneLineError(
      await jobs('retry', name, '--status', 'success'),
      2,
      /--status must be failed, cancelled/,
    );
    flaky.failing.clear();
    const retried = await jobs('retry', name);
    expect(retried).toMatchObject({
      code: 0,
      stdout: `Job "${name}" runs again: 1 failed children rerun, the others keep their records.\n`,
    });
    expect(await jobs('wait', name)).toMatchObject({ code: 0, stdout: `${name}: success\n` });
    const child = JSON.parse((await jobs('status', `${name}/b`, '--json')).stdout);
    expect(child).toMatchObject({ status: 'success', attempts: 2, result: { name: 'b', attempt: 2 } });
    expectOneLineError(await jobs('retry', `${name}-unknown`), 2, /No job with id/);
  });
});
