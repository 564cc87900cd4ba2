/** `npm run prod-server`: refuses bad configuration in one line, at once, and serves on the port it is given. */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from '../../src/provisioning/ports';
import { runJobs } from '../helpers/cli';

const root = path.resolve(__dirname, '..', '..');

function prodServer(...args: string[]) {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/prod-server.ts', ...args], {
    cwd: root,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm run prod-server', () => {
  let afterEnd = () => undefined as unknown;
  afterAll(() => afterEnd());

  it('refuses a bad port and a port that is taken, in one line, before starting anything', async () => {
    const bad = prodServer('--port', 'seventy');
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toBe(
      'prod-server: --port must be a whole number from 1 to 65535; got "seventy"\n',
    );
    const noNodes = prodServer('--nodes', '0');
    expect(await noNodes.exited).toBe(2);
    expect(noNodes.output().stderr).toBe(
      'prod-server: --nodes must be a whole number from 1 to 16; got "0"\n',
    );
    const both = prodServer('--nodes', '2', '--history-nodes', '2');
    expect(await both.exited).toBe(2);
    expect(both.output().stderr).toBe(
      'prod-server: give --nodes or --history-nodes (the same thing), not both\n',
    );

    const taken = net.createServer().listen(await freePort(), '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = prodServer('--port', String(port));
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toBe(
        `prod-server: Port ${port} on 127.0.0.1 is taken; choose another with --port.\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('serves on the port it is given until Ctrl-C, then leaves nothing running', async () => {
    const port = await freePort();
    const run = prodServer('--port', String(port));
    afterEnd = () => run.child.kill('SIGINT');
    const deadline = Date.now() + 120_000;
    while (!run.output().stdout.includes('Ctrl-C stops')) {
      if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(JSON.stringify(run.output()));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(run.output().stdout).toContain(
      `Temporal server on PostgreSQL serving on 127.0.0.1:${port} (namespace default).`,
    );
    const listed = await runJobs({ ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}` }, 'list');
    expect(listed).toMatchObject({ code: 0, stdout: 'no root jobs\n' });

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toContain('Stopped; nothing left running.');
    const stillThere = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    });
    expect(stillThere).toBe(false);
  });

  it('--nodes 3: a process per service and three history nodes, all gone after Ctrl-C', async () => {
    const run = prodServer('--nodes', '3', '--shards', '8');
    const previous = afterEnd;
    afterEnd = () => {
      previous();
      run.child.kill('SIGINT');
    };
    const deadline = Date.now() + 180_000;
    while (!run.output().stdout.includes('Ctrl-C stops')) {
      if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(JSON.stringify(run.output()));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const nodes = /nodes: (.*)/.exec(run.output().stdout)?.[1] ?? '';
    const pids = [...nodes.matchAll(/(\S+) \(pid (\d+)\)/g)].map((match) => ({
      node: match[1],
      pid: Number(match[2]),
    }));
    expect(pids.map((entry) => entry.node)).toEqual([
      'frontend',
      'matching',
      'worker',
      'history-1',
      'history-2',
      'history-3',
    ]);
    const address = /serving on (127\.0\.0\.1:\d+)/.exec(run.output().stdout)?.[1];
    const listed = await runJobs({ ...process.env, TEMPORAL_ADDRESS: address }, 'list');
    expect(listed).toMatchObject({ code: 0, stdout: 'no root jobs\n' });

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toContain('Stopped; nothing left running.');
    const alive = pids.filter(({ pid }) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
