import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../src/provisioning/ports';
import { runJobs, startJobs } from '../helpers/cli';
import { eventually } from '../helpers/testbed';
import { uniqueName } from '../helpers/jobs';

describe('`jobs dev` and `jobs worker` (real CLI processes)', () => {
  it('serves a dev server with the Web UI, runs a worker on it, and both stop cleanly on Ctrl-C', async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-dev-')), 'temporal.sqlite');
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: uniqueName('cli-worker'),
    };

    const startDev = () =>
      startJobs(env, 'Press Ctrl-C', 'dev', '--port', String(port), '--ui-port', String(uiPort), '--db', db);
    const dev = await startDev();
    expect(dev.output()).toContain(`gRPC:    127.0.0.1:${port}`);
    expect(dev.output()).toContain(`Web UI:  http://127.0.0.1:${uiPort}`);
    const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(ui.status).toBe(200);

    const worker = await startJobs(env, 'polling task queue', 'worker');
    const name = uniqueName('via-cli-worker');
    expect(
      (
        await runJobs(
          env,
          'start',
          'do_big_job',
          '--name',
          name,
          '--data',
          '{"parts":[{"name":"a","durationMs":300}]}',
        )
      ).code,
    ).toBe(0);
    expect(await runJobs(env, 'wait', name)).toMatchObject({ code: 0, stdout: `${name}: success\n` });

    worker.process.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    dev.process.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(fs.existsSync(db)).toBe(true);

    // The SQLite file keeps the jobs: a restarted server still lists the finished root.
    const again = await startDev();
    const listed = await eventually('the root after a restart', async () => {
      const run = await runJobs(env, 'list', '--name', name, '--json');
      const roots = run.code === 0 ? JSON.parse(run.stdout) : [];
      return roots.length === 1 ? roots : undefined;
    });
    expect(listed[0]).toMatchObject({ id: name, status: 'success' });
    again.process.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 120_000);

  it('refuses a port that is already taken', async () => {
    const port = await freePort();
    const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}` };
    const dev = await startJobs(
      env,
      'Press Ctrl-C',
      'dev',
      '--port',
      String(port),
      '--ui-port',
      String(await freePort()),
      '--db',
      path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-dev-')), 'x.sqlite'),
    );
    try {
      const second = await runJobs(env, 'dev', '--port', String(port));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`Port ${port} (gRPC) on 127.0.0.1 is already in use`);
    } finally {
      dev.process.kill('SIGINT');
      await dev.exited;
    }
  }, 60_000);
});
