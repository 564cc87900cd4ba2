/**
 * The Temporal server itself fails while children run: killed (SIGKILL) and started again on the same SQLite
 * file, or paused (SIGSTOP) for 20 s. The worker and the client recover by themselves, the root ends, and every
 * child has exactly one final record.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { JobClient } from '../../src/client/job-client';
import { startDevServer, type DevServer } from '../../src/provisioning/dev-server';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { freePort } from '../../src/provisioning/ports';
import { JOB_WORKFLOWS_PATH, jobWorkerSettings } from '../../src/worker';
import { createCrashApp } from '../fixtures/crash-app';
import { startJobs } from '../helpers/cli';
import { statusWhen, uniqueName } from '../helpers/jobs';

interface Rig {
  server: DevServer;
  restart(): Promise<void>;
  jobs: JobClient;
  worker: Worker;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** A dev server on a SQLite file of its own, a client and a running worker for the crash application. */
async function rig(): Promise<Rig> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-server-fault-'));
  const options = {
    port: await freePort(),
    uiPort: await freePort(),
    dbFile: path.join(directory, 'temporal.sqlite'),
  };
  const logFile = path.join(directory, 'server.log');
  const log = () => undefined;
  const result: Partial<Rig> = { server: await startDevServer({ ...options, logFile, log }) };
  const address = result.server!.address;
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const taskQueue = `server-fault-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: JOB_WORKFLOWS_PATH,
    ...jobWorkerSettings(createCrashApp(undefined, 400)),
  });
  const running = worker.run();
  return Object.assign(result, {
    jobs: new JobClient(client, taskQueue),
    worker,
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue },
    async restart() {
      result.server = await startDevServer({ ...options, logFile, log });
    },
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await result.server!.stop();
    },
  }) as Rig;
}

const names = Array.from({ length: 30 }, (_, i) => `c${i}`);

function expectEveryChildOnce(final: RootStatusAnswer): void {
  expect(final).toMatchObject({ status: 'success', total: names.length, progress: 1 });
  expect(final.counts.success).toBe(names.length);
  expect(final.children.map((child) => child.name).sort()).toEqual([...names].sort());
  for (const child of final.children) expect(child.attempts).toBeGreaterThanOrEqual(1);
}

describe('the Temporal server killed or paused while children run (dev server on a file)', () => {
  it('SIGKILL, then a restart on the same file: the root ends success, every child once', async () => {
    const { server, restart, jobs, close } = await rig();
    try {
      const name = uniqueName('server-killed');
      await jobs.start('crash_root', { name, maxParallel: 5, data: { names } });
      await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success >= 5, 60_000);
      server.process.kill('SIGKILL');
      await server.exited;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await restart();
      expect((await jobs.wait(name)).status).toBe('success');
      expectEveryChildOnce((await jobs.status(name, { limit: 100 })) as RootStatusAnswer);
    } finally {
      await close();
    }
  }, 180_000);

  it('SIGSTOP for 20 s, then SIGCONT: the worker and a watching CLI recover by themselves', async () => {
    const { server, jobs, env, close } = await rig();
    try {
      const name = uniqueName('server-paused');
      await jobs.start('crash_root', { name, maxParallel: 5, data: { names } });
      await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success >= 5, 60_000);
      const watching = await startJobs(env, 'done', 'watch', name);
      server.process.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      server.process.kill('SIGCONT');
      expect(await watching.exited).toBe(0);
      expect(watching.output()).toMatch(/success 100\.0% 30\/30 done/);
      expectEveryChildOnce((await jobs.status(name, { limit: 100 })) as RootStatusAnswer);
    } finally {
      await close();
    }
  }, 180_000);
});
