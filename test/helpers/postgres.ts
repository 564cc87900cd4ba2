/**
 * The Temporal server on PostgreSQL (src/prod-server/) for tests: a server and an SDK test environment on it
 * (`jobs worker` processes: worker-process.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { JobClient } from '../../src/client/job-client';
import { app as pidApp } from '../fixtures/pid-app';
import { childStatus, uniqueName } from './jobs';
import {
  TemporalOnPostgres,
  type TemporalOnPostgresOptions,
} from '../../src/prod-server/temporal-on-postgres';

const root = path.resolve(__dirname, '..', '..');
export const PID_APP = path.join(root, 'test', 'fixtures', 'pid-app.ts');

export interface PostgresServer {
  server: TemporalOnPostgres;
  env: TestWorkflowEnvironment;
  teardown(): Promise<void>;
}

/** The server in one process, or (`cluster`) in one per service and history node. */
export async function startPostgresServer(
  options: Pick<TemporalOnPostgresOptions, 'cluster' | 'shards'> = {},
): Promise<PostgresServer> {
  const server = await startOnce(options).catch((err: Error) => {
    // The ports are picked free and bound a moment later: a test file starting its own servers meanwhile can
    // take one (more likely for a cluster's 19). That start fails within seconds; one more try picks new ports.
    if (!/exited while starting|did not serve/.test(err.message)) throw err;
    console.warn(
      `The Temporal server on PostgreSQL did not start (${err.message.split('\n')[0]}); trying once more.`,
    );
    return startOnce(options);
  });
  try {
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
    return {
      server,
      env,
      async teardown() {
        await env.teardown();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

function startOnce(
  options: Pick<TemporalOnPostgresOptions, 'cluster' | 'shards'>,
): Promise<TemporalOnPostgres> {
  // fsync off: the tests kill the server, not the machine, and a durable PostgreSQL is slower to no purpose here.
  return TemporalOnPostgres.start({ ...options, durable: false, log: () => undefined });
}

/**
 * Two `jobs worker` processes (started by `startWorker` on a task queue) share one root's 24 children, and
 * both do some, as each child's result (its worker's pid) shows. Four processors each for eight children at once:
 * neither can take them all, however the machine is loaded.
 */
export async function expectTwoWorkersShareRoot(
  pg: PostgresServer,
  startWorker: (taskQueue: string, options: string[]) => Promise<ChildProcess>,
): Promise<void> {
  const taskQueue = `shared-${randomUUID()}`;
  const [first, second] = await Promise.all([
    startWorker(taskQueue, ['--processors', '4']),
    startWorker(taskQueue, ['--processors', '4']),
  ]);
  const jobs = new JobClient(pg.env.client, taskQueue, pidApp);
  const name = uniqueName('pg-shared');
  await jobs.start('spread', { name, maxParallel: 8, data: { count: 24, ms: 400 } });
  const final = await jobs.wait(name);
  expect(final).toMatchObject({ status: 'success', total: 24, counts: { success: 24 } });
  expect(final.children).toHaveLength(24);
  const pids = await Promise.all(
    final.children.map(
      async (child) => ((await childStatus(jobs, `${name}/${child.name}`)).result as { pid: number }).pid,
    ),
  );
  expect(new Set(pids)).toEqual(new Set([first.pid, second.pid]));
}
