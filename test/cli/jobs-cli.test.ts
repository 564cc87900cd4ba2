import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';
import { runJobs, type CliRun as Run } from '../helpers/cli';

describe('the jobs command line (real CLI process, dev server)', () => {
  let testbed: JobTestbed;
  let env: NodeJS.ProcessEnv;

  const jobs = (...args: string[]) => runJobs(env, ...args);

  /** One clear line on stderr, never a stack trace. */
  function expectOneLineError(run: Run, code: number, text: RegExp): void {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(text) });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server');
    env = { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.taskQueue };
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('starts a root, refuses another owner (exit 3), attaches the same owner, pages its status', async () => {
    const name = uniqueName('cli');
    const payloadFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-cli-')), 'payload.json');
    fs.writeFileSync(
      payloadFile,
      JSON.stringify({
        parts: [
          { name: 'a', durationMs: 60_000 },
          { name: 'b', valid: false },
        ],
      }),
    );

    const startAs = (owner: string, ...more: string[]) =>
      jobs('start', 'do_big_job', '--data', `@${payloadFile}`, '--name', name, '--owner', owner, ...more);
    const started = await startAs('o1', '--json');
    expect(started.code).toBe(0);
    const startedJson = JSON.parse(started.stdout);
    expect(startedJson).toEqual({ id: name, runId: expect.any(String), attached: false });

    expectOneLineError(await startAs('o2'), 3, /already open \(owner o1/);
    const attached = await startAs('o1', '--json');
    expect(JSON.parse(attached.stdout)).toEqual({ ...startedJson, attached: true });

    // The long child holds the root open for as long as the checks above take; stop it now.
    expect((await jobs('interrupt', `${name}/do_small_job:a`, '--force')).code).toBe(0);
    const waited = await jobs('wait', name);
    expect(waited).toMatchObject({ code: 2, stdout: `${name}: cancelled\n` });

    const status = await jobs('status', name, '--json');
    expect(status.code).toBe(0);
    const answer = JSON.parse(status.stdout);
    expect(Object.keys(answer)).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'ownerId',
        'status',
        'interrupted',
        'progress',
        'createdAt',
        'startedAt',
        'stoppedAt',
        'counts',
        'total',
        'children',
      ]),
    );
    expect(answer).toMatchObject({ id: name, ownerId: 'o1', status: 'cancelled', total: 2, progress: 0.5 });
    expect(Object.keys(answer.children[0]).sort()).toEqual(
      [
        'attempts',
        'createdAt',
        'error',
        'id',
        'name',
        'progress',
        'startedAt',
        'status',
        'stoppedAt',
        'topic',
      ].sort(),
    );
    const failedOnly = JSON.parse((await jobs('status', name, '--status', 'failed', '--json')).stdout);
    expect(failedOnly.children.map((child: { name: string }) => child.name)).toEqual(['do_small_job:b']);
    const page = JSON.parse((await jobs('status', name, '--offset', '1', '--limit', '1', '--json')).stdout);
    expect(page.children.map((child: { name: string }) => child.name)).toEqual(['do_small_job:b']);

    const text = await jobs('status', name);
    expect(text.stdout).toContain('CANCELLED');
    expect(text.stdout).toMatch(/do_small_job:b\s+failed\s+1/);

    const listed = await eventually('the root in `jobs list`', async () => {
      const run = await jobs('list', '--status', 'cancelled', '--name', name, '--json');
      const roots = JSON.parse(run.stdout);
      return roots.length === 1 ? roots : undefined;
    });
    expect(listed[0]).toMatchObject({ id: name, status: 'cancelled', ownerId: 'o1' });

    const failing = uniqueName('cli-failed');
    await jobs(
      'start',
      'do_big_job',
      '--name',
      failing,
      '--data',
      '{"parts":[{"name":"bad","valid":false}]}',
    );
    expect(await jobs('wait', failing)).toMatchObject({ code: 1, stdout: `${failing}: failed\n` });
  });

  it('interrupts a root (wait exits 2) and a child, and watches a root to its end (exit 0)', async () => {
    const name = uniqueName('cli-interrupt');
    const data = JSON.stringify({ parts: [{ name: 'long', durationMs: 60_000 }, { name: 'later' }] });
    expect(
      (await jobs('start', 'do_big_job', '--data', data, '--name', name, '--max-parallel', '1')).code,
    ).toBe(0);
    await eventually('the long child to run', async () => {
      const answer = JSON.parse((await jobs('status', name, '--status', 'running', '--json')).stdout);
      return answer.children.length === 1 ? true : undefined;
    });
    const timedOut = await jobs('wait', name, '--timeout', '0.2');
    expect({ code: timedOut.code, stderr: timedOut.stderr }).toEqual({
      code: 124,
      stderr: `jobs: ${name} did not stop within 0.2 s\n`,
    });
    const interrupted = await jobs('interrupt', name, '--force');
    expect(interrupted).toMatchObject({ code: 0, stdout: expect.stringContaining('Interrupt sent') });
    expect(await jobs('wait', name)).toMatchObject({ code: 2, stdout: `${name}: cancelled (interrupted)\n` });
    expect((await jobs('interrupt', name)).stdout).toContain('already finished (cancelled)');

    const quick = uniqueName('cli-watch');
    await jobs(
      'start',
      'do_big_job',
      '--data',
      JSON.stringify({ parts: [{ name: 'x', durationMs: 500 }, { name: 'y' }] }),
      '--name',
      quick,
      '--run-children-as',
      'workflow',
    );
    const watched = await jobs('watch', quick);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/success 100\.0% 2\/2 done/);
    // Each child ran as a workflow of its own.
    const own = await testbed.client.workflow.getHandle(`${quick}/do_small_job:x`).describe();
    expect(own.status.name).toBe('COMPLETED');

    const child = uniqueName('cli-child');
    await jobs(
      'start',
      'do_big_job',
      '--data',
      JSON.stringify({ parts: [{ name: 'slow', durationMs: 60_000 }, { name: 'skip' }] }),
      '--name',
      child,
      '--max-parallel',
      '1',
    );
    // maxParallel 1 and a minute-long first child: "skip" is certainly still waiting.
    expect((await jobs('interrupt', `${child}/do_small_job:skip`)).code).toBe(0);
    const skipped = await eventually('the waiting child to be cancelled', async () => {
      const answer = JSON.parse((await jobs('status', `${child}/do_small_job:skip`, '--json')).stdout);
      return answer.status === 'cancelled' ? answer : undefined;
    });
    expect(skipped).toMatchObject({ attempts: 0, startedAt: null });
    expect((await jobs('interrupt', `${child}/do_small_job:slow`, '--force')).code).toBe(0);
    expect(await jobs('wait', child)).toMatchObject({ code: 2, stdout: `${child}: cancelled\n` });
  });

  it('gives bad input one clear line and a non-zero exit, and changes nothing', async () => {
    const name = uniqueName('cli-bad');
    expectOneLineError(await jobs('start', 'nope', '--name', name), 2, /Unknown topic "nope"/);
    expectOneLineError(
      await jobs('start', 'do_big_job', '--data', '{not json', '--name', name),
      2,
      /--data is not valid JSON/,
    );
    expectOneLineError(
      await jobs('start', 'do_big_job', '--data', '{"parts": 3}', '--name', name),
      2,
      /Payload rejected by topic "do_big_job"/,
    );
    expectOneLineError(
      await jobs('start', 'do_big_job', '--data', '@/no/such/file.json'),
      2,
      /cannot read \/no\/such\/file.json/,
    );
    expectOneLineError(
      await jobs('start', 'do_big_job', '--max-parallel', 'lots'),
      2,
      /--max-parallel must be a whole number/,
    );
    expectOneLineError(
      await jobs('start', 'do_big_job', '--run-children-as', 'threads', '--name', name),
      2,
      /--run-children-as must be activity or workflow/,
    );
    expectOneLineError(await jobs('status', name), 2, /No job with id/);
    expectOneLineError(await jobs('status', name, '--status', 'weird'), 2, /--status must be one of/);
    expectOneLineError(await jobs('status'), 2, /expected <id>/);
    expectOneLineError(await jobs('frobnicate'), 2, /unknown command "frobnicate"/);
    expect((await jobs('frobnicate')).code).toBe(2);
    const unreachable = await runJobs({ ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, 'list');
    expectOneLineError(unreachable, 4, /Cannot reach a Temporal server at 127\.0\.0\.1:1/);
    const customApp = path.join(__dirname, '..', 'fixtures', 'custom-app.ts');
    expectOneLineError(
      await jobs('start', 'do_big_job', '--app', customApp, '--name', name),
      2,
      /Unknown topic "do_big_job". Known topics: greet_all, greet/,
    );
    expectOneLineError(
      await jobs('start', 'greet_all', '--app', customApp, '--name', name, '--data', '{"count":"x"}'),
      2,
      /Payload rejected by topic "greet_all": count must be a whole number/,
    );
    expectOneLineError(
      await jobs('start', 'greet_all', '--app', '/no/such/app.ts'),
      2,
      /cannot load the application module/,
    );
    // Nothing was started by any of the refused commands.
    expectOneLineError(await jobs('status', name), 2, /No job with id/);
  });
});
