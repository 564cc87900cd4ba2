/**
 * Faults on the production path (Temporal on PostgreSQL): `jobs worker` processes killed and shared, and the
 * server itself killed with SIGKILL and started again on the same databases.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { JobClient } from '../../src/client/job-client';
import { isFinal } from '../../src/jobs/status';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createJobWorker } from '../../src/worker';
import { childStatus, statusWhen, uniqueName } from '../helpers/jobs';
import { app as pidApp } from '../fixtures/pid-app';
import {
  PID_APP,
  expectTwoWorkersShareRoot,
  startPostgresServer,
  type PostgresServer,
} from '../helpers/postgres';
import { killProcessGroup, startWorkerProcess } from '../helpers/worker-process';

describe('faults on a Temporal server backed by PostgreSQL', () => {
  let pg: PostgresServer;
  const workers: ChildProcess[] = [];
  const worker = async (taskQueue: string, options: string[] = []) => {
    const started = await startWorkerProcess(pg.server.address, taskQueue, PID_APP, options);
    workers.push(started);
    return started;
  };
  /** The worker process that ran each child, from the child's result (its own record). */
  const pidOf = async (jobs: JobClient, root: string, child: string) =>
    ((await childStatus(jobs, `${root}/${child}`)).result as { pid: number }).pid;

  beforeAll(async () => {
    pg = await startPostgresServer();
  }, 180_000);
  afterAll(async () => {
    workers.forEach((process) => killProcessGroup(process));
    await pg?.teardown();
  });

  it('two worker processes share one root’s children, and both do some', async () => {
    await expectTwoWorkersShareRoot(pg, worker);
    workers.splice(0).forEach((process) => killProcessGroup(process, 'SIGTERM'));
  });

  it('a worker killed with SIGKILL: its children run again on another worker, each ends once', async () => {
    const taskQueue = `pg-${randomUUID()}`;
    const doomed = await worker(taskQueue);
    const jobs = new JobClient(pg.env.client, taskQueue, pidApp);
    const name = uniqueName('pg-worker-kill');
    await jobs.start('spread', { name, maxParallel: 6, data: { count: 6, ms: 4000 } });
    const before = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.running >= 3, 60_000);
    killProcessGroup(doomed);
    const runningAtKill = before.children
      .filter((child) => child.status === 'running')
      .map((child) => child.name);

    const survivor = await worker(taskQueue);
    const final = (await jobs.wait(name)) as RootStatusAnswer;
    expect(final).toMatchObject({ status: 'success', total: 6, progress: 1 });
    for (const child of final.children) expect(isFinal(child.status)).toBe(true);
    for (const child of final.children.filter((c) => runningAtKill.includes(c.name))) {
      expect(child.attempts).toBeGreaterThanOrEqual(2);
      expect(await pidOf(jobs, name, child.name)).toBe(survivor.pid);
    }
  }, 180_000);

  it('the server killed with SIGKILL and started again: PostgreSQL kept everything, the root finishes', async () => {
    const taskQueue = `pg-${randomUUID()}`;
    const jobs = new JobClient(pg.env.client, taskQueue, pidApp);
    const inProcess = await createJobWorker({ connection: pg.env.nativeConnection, taskQueue, app: pidApp });
    const name = uniqueName('pg-server-kill');
    const final = await inProcess.runUntil(async () => {
      await jobs.start('spread', { name, maxParallel: 2, data: { count: 10, ms: 500 } });
      const before = await statusWhen<RootStatusAnswer>(
        jobs,
        name,
        (root) => root.counts.success >= 3,
        60_000,
      );
      await pg.server.killServer();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await pg.server.startServer();
      // A worker's answer, not the snapshot's (which leaves out a running batch's children while none answers).
      const after = await statusWhen<RootStatusAnswer>(jobs, name, (root) => !root.snapshotAt, 60_000);
      // What had finished before the crash is still there, as it was.
      for (const done of before.children.filter((child) => child.status === 'success')) {
        expect(after.children.find((child) => child.name === done.name)).toMatchObject({
          status: 'success',
          attempts: done.attempts,
          stoppedAt: done.stoppedAt,
        });
      }
      return jobs.wait(name);
    });
    expect(final).toMatchObject({ status: 'success', total: 10, progress: 1, counts: { success: 10 } });
  }, 180_000);
});
