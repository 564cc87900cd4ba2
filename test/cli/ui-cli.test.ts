import * as net from 'node:net';
import { freePort } from '../../src/provisioning/ports';
import { runJobs, startJobs, type CliRun } from '../helpers/cli';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';

describe('jobs ui (real CLI process, dev server)', () => {
  let testbed: JobTestbed;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server');
    env = { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.taskQueue };
    delete env.JOBS_UI_TOKEN;
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  const expectOneLineError = (run: CliRun, text: RegExp) => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(text) });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  };

  it('serves the dashboard and the API until Ctrl-C', async () => {
    const name = uniqueName('ui-cli');
    await testbed.jobs.start('do_big_job', { name, data: { parts: [{ name: 'a' }] } });
    await testbed.jobs.wait(name);
    const port = await freePort();
    const ui = await startJobs(env, 'Press Ctrl-C', 'ui', '--port', String(port));
    expect(ui.output()).toContain(`Jobs dashboard: http://127.0.0.1:${port}`);
    expect(ui.output()).toContain('no token needed');
    const answer = await fetch(`http://127.0.0.1:${port}/api/jobs/${name}`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id: name, status: 'success', progress: 1 });
    ui.process.kill('SIGINT');
    expect(await ui.exited).toBe(0);
    await expect(connects(port)).resolves.toBe(false);
  });

  it('needs a token to serve beyond this machine, and then asks it for changes', async () => {
    expectOneLineError(
      await runJobs(env, 'ui', '--host', '0.0.0.0', '--port', '0'),
      /--host 0\.0\.0\.0 makes the dashboard reachable from other machines: set JOBS_UI_TOKEN or --token/,
    );
    expectOneLineError(await runJobs(env, 'ui', '--token', 'short'), /shorter than 16 characters/);
    expectOneLineError(await runJobs(env, 'ui', '--protect-reads'), /--protect-reads needs a token/);
    expectOneLineError(await runJobs(env, 'ui', '--port', 'eighty'), /--port/);

    const port = await freePort();
    const token = 'token-from-the-environment-123';
    const ui = await startJobs(
      { ...env, JOBS_UI_TOKEN: token },
      'Press Ctrl-C',
      'ui',
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
    );
    expect(ui.output()).toContain('Starting and interrupting jobs need the token.');
    const post = (authorization?: string) =>
      fetch(`http://127.0.0.1:${port}/api/jobs`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: JSON.stringify({ topic: 'nope' }),
      });
    expect((await post()).status).toBe(401);
    expect((await post(`Bearer ${token}`)).status).toBe(400); // past the token: the unknown topic
    const taken = await runJobs(env, 'ui', '--port', String(port), '--host', '127.0.0.1');
    expectOneLineError(taken, new RegExp(`ui cannot listen on 127\\.0\\.0\\.1:${port}`));
    ui.process.kill('SIGINT');
    expect(await ui.exited).toBe(0);
  });
});

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
