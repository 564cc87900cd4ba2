/**
 * The attacks that need jobs to exist: one size limit on every surface, hostile text in job data shown
 * escaped by every CLI view, hostile names from a planner refused, and a cap on the views one dashboard
 * reads. On the dev server, with a worker for a small application of hostile topics.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDashboard } from '../../src/dashboard/dashboard-server';
import { payloadTooLarge } from '../../src/jobs/options';
import type { ChildJobState, RootStatusAnswer } from '../../src/contract/jobs';
import { HOSTILE, app } from '../fixtures/hostile-app';
import { runJobs } from '../helpers/cli';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import { apiError, rawRequest, type Dashboard } from './helpers';

const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const APP_MODULE = path.join(__dirname, '..', 'fixtures', 'hostile-app.ts');

describe('attacks that need jobs (dev server)', () => {
  let testbed: JobTestbed;
  let dashboard: Dashboard;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
    dashboard = await startDashboard({
      jobs: testbed.jobs,
      port: 0,
      protectReads: false,
      streamLimits: { maxViews: 2 },
    });
    env = {
      ...process.env,
      TEMPORAL_ADDRESS: testbed.address,
      TEMPORAL_TASK_QUEUE: testbed.taskQueue,
      JOBS_APP: APP_MODULE,
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-security-'));
  });
  afterAll(async () => {
    await dashboard?.close();
    await testbed?.teardown();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (body: unknown) =>
    rawRequest(dashboard.url, '/api/jobs', { method: 'POST', body: JSON.stringify(body) });

  it('has one payload limit with one message, on the API, the CLI and the client', async () => {
    const payload = (bytes: number) => ({ children: [] as string[], pad: 'x'.repeat(bytes) });
    // 1.5 MB: under the limit everywhere (the API refused it with a 413 before).
    const accepted = await start({
      topic: 'hostile_root',
      name: uniqueName('size-ok'),
      data: payload(1_500_000),
    });
    expect(accepted.status).toBe(201);
    const file = path.join(dir, 'payload.json');
    fs.writeFileSync(file, JSON.stringify(payload(1_500_000)));
    const cliOk = await runJobs(
      env,
      'start',
      'hostile_root',
      '--name',
      uniqueName('size-ok-cli'),
      '--data',
      `@${file}`,
    );
    expect(cliOk.code).toBe(0);

    // 1.95 MB: over it everywhere, with the same words.
    const over = payload(1_950_000);
    const expected = payloadTooLarge("The root's payload", JSON.stringify(over).length);
    const api = await start({ topic: 'hostile_root', name: uniqueName('size-over'), data: over });
    expect({ status: api.status, error: apiError(api) }).toEqual({
      status: 400,
      error: { code: 'bad_request', message: expected },
    });
    fs.writeFileSync(file, JSON.stringify(over));
    const cli = await runJobs(
      env,
      'start',
      'hostile_root',
      '--name',
      uniqueName('size-over-cli'),
      '--data',
      `@${file}`,
    );
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 2, stderr: `jobs start: ${expected}\n` });
    await expect(testbed.jobs.start('hostile_root', { data: over })).rejects.toThrow(expected);

    // A body past what the API reads at all: the same limit named.
    const huge = await start({ topic: 'hostile_root', data: payload(5_000_000) });
    expect({ status: huge.status, error: apiError(huge) }).toEqual({
      status: 413,
      error: {
        code: 'too_large',
        message: expect.stringMatching(
          /^The root's payload is over 4\.2 MB; the most is 1\.9 MB \(Temporal refuses/,
        ),
      },
    });
  });

  it('refuses a payload file past the limit without reading it whole (/dev/zero)', async () => {
    const run = await runJobs(env, 'start', 'hostile_root', '--data', '@/dev/zero');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^jobs start: The root's payload is over 3\.8 MB; the most is 1\.9 MB/);
  });

  it('shows hostile job data escaped in every CLI view, and exactly in --json', async () => {
    const name = uniqueName('hostile');
    await testbed.jobs.start('hostile_root', { name, maxAttempts: 1, data: { children: ['c1'] } });
    const final = await testbed.jobs.wait(name);
    expect(final.status).toBe('failed');
    const runs = await Promise.all([
      runJobs(env, 'status', name),
      runJobs(env, 'status', `${name}/c1`),
      runJobs(env, 'watch', name),
      runJobs(env, 'list', '--name', name),
    ]);
    for (const run of runs) {
      for (const line of run.stdout.split('\n')) expect(UNSAFE.test(line)).toBe(false);
    }
    expect(runs[0].stdout).toContain(
      'boom\\x1b[2J\\x1b[H\\x1b]0;owned\\x07 \\u{202e}exe.txt\\x85\\u{2028}end',
    );
    const json = await runJobs(env, 'status', `${name}/c1`, '--json');
    expect(UNSAFE.test(json.stdout.replace(/\n/g, ''))).toBe(false);
    expect((JSON.parse(json.stdout) as ChildJobState).error).toContain(HOSTILE);
  });

  it('fails a root whose planner names a child with a bidi override, naming it escaped', async () => {
    const name = uniqueName('hostile-plan');
    await testbed.jobs.start('hostile_root', { name, data: { children: ['ok', 'evil\u202Etxt.exe'] } });
    const final = (await testbed.jobs.wait(name)) as RootStatusAnswer;
    expect(final).toMatchObject({ status: 'failed', total: 0 });
    expect(final.error).toMatch(/child "evil\\u202etxt\.exe": job name "evil\\u202etxt\.exe" holds U\+202E/);
    expect(UNSAFE.test(final.error ?? '')).toBe(false);
  });

  it('follows at most --max-views distinct views, and says so', async () => {
    const name = uniqueName('views');
    await testbed.jobs.start('hostile_root', { name, data: { children: [] } });
    await testbed.jobs.wait(name);
    const controllers: AbortController[] = [];
    const open = async (query: string) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${dashboard.url}/api/jobs/${name}/events?${query}`, {
        signal: controller.signal,
      });
      return { status: response.status, body: response.status === 200 ? undefined : await response.json() };
    };
    try {
      expect((await open('offset=0')).status).toBe(200);
      expect((await open('offset=1')).status).toBe(200);
      expect((await open('offset=0')).status).toBe(200); // a view already followed costs nothing more
      expect(await open('offset=2')).toEqual({
        status: 503,
        body: {
          error: {
            code: 'busy',
            message: expect.stringMatching(/follows 2 distinct views already \(--max-views\)/),
          },
        },
      });
    } finally {
      controllers.forEach((controller) => controller.abort());
    }
  });
});
