/**
 * `jobs pause|resume|scale|retry|limit` as a user runs them (real CLI process, dev server): what they print, their exit
 * codes, and one-line errors for bad input.
 */
import * as path from 'node:path';
import { createFlakyApplication } from '../fixtures/flaky-app';
import { createGatedApplication } from '../fixtures/gated-app';
import { runJobs, type CliRun } from '../helpers/cli';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { maxOverlap } from '../helpers/overlap';

describe('jobs pause, resume, scale, retry and limit (real CLI process, dev server)', () => {
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
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.running === 1);
    await eventually(
      'its processor to begin',
      async () => gate.started.some((child) => children.includes(child)) || undefined,
    );

    const paused = await jobs('pause', name);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(new RegExp(`^${name}: paused since \\S+Z, at most 1 children at once\\n$`));
    const status = await jobs('status', name);
    expect(status.stdout).toMatch(
      /paused since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: no child starts until `jobs resume`/,
    );
    gate.release(1);
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.success === 1);

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
    expect((await testbed.jobs.status(name)) as RootStatusAnswer).toMatchObject({
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

  it('limits roots sharing a concurrency key, shows the key, and refuses a bad limit in one line', async () => {
    const key = uniqueName('cli-tenant');
    const gatedApp = ['--app', path.join(__dirname, '..', 'fixtures', 'gated-app-module.ts')];
    expect(await jobs('limit', key)).toMatchObject({
      code: 0,
      stdout: `${key}: no limit, 0 slots held by 0 open roots\n`,
    });
    expect(await jobs('limit', key, '2')).toMatchObject({
      code: 0,
      stdout: `${key}: at most 2 children at once across its roots\n`,
    });
    expectOneLineError(
      await jobs('limit', key, '-3'),
      2,
      /the limit must be a whole number from 1 to 10000, or none; got "-3"/,
    );
    expectOneLineError(
      await jobs('limit', key, 'lots'),
      2,
      /the limit must be a whole number .*; got "lots"/,
    );
    expectOneLineError(await jobs('limit'), 2, /expected <key> \[limit\]/);
    expectOneLineError(
      await jobs(
        'start',
        'gated',
        ...gatedApp,
        '--concurrency-key',
        'k'.repeat(201),
        '--data',
        '{"names":["a"]}',
      ),
      2,
      /Concurrency key "k+…" is 201 bytes \(UTF-8\); the most is 200/,
    );
    expect(JSON.parse((await jobs('limit', key, '--json')).stdout)).toMatchObject({ key, limit: 2 });

    gate.open();
    const names = [uniqueName('cli-keyed-a'), uniqueName('cli-keyed-b')];
    const children = Array.from({ length: 6 }, (_, i) => `k${i}`);
    for (const name of names) {
      const data = JSON.stringify({ names: children });
      const started = await jobs(
        'start',
        'gated',
        ...gatedApp,
        '--name',
        name,
        '--concurrency-key',
        key,
        '--max-parallel',
        '5',
        '--data',
        data,
      );
      expect(started).toMatchObject({ code: 0, stdout: `${name}\n` });
    }
    expect((await jobs('status', names[0])).stdout).toContain(
      `concurrency key ${key}: shares \`jobs limit\``,
    );
    for (const name of names)
      expect(await jobs('wait', name)).toMatchObject({ code: 0, stdout: `${name}: success\n` });
    const records = await Promise.all(
      names.map(async (name) => ((await testbed.jobs.status(name)) as RootStatusAnswer).children),
    );
    const runs = records
      .flat()
      .map((child) => ({ start: Date.parse(child.startedAt ?? ''), end: Date.parse(child.stoppedAt ?? '') }));
    expect(runs).toHaveLength(12);
    expect(maxOverlap(runs)).toBeLessThanOrEqual(2);
  });
});
