/**
 * The engine on the production path: a Temporal server (the same version as docker-compose.yml) on
 * PostgreSQL with SQL visibility and 4 history shards, started by the project's harness (src/prod-server/).
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { JobClient } from '../../src/client/job-client';
import { DuplicateJobError } from '../../src/errors';
import { createSeedApplication } from '../../src/example/seed-app';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createJobWorker } from '../../src/worker';
import { runJobs } from '../helpers/cli';
import { statusWhen, uniqueName } from '../helpers/jobs';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres';

describe('jobs on a Temporal server backed by PostgreSQL', () => {
  let pg: PostgresServer;
  let worker: Worker;
  let running: Promise<void>;
  let jobs: JobClient;
  const taskQueue = `pg-${randomUUID()}`;
  const app = createSeedApplication({ error: () => undefined });

  beforeAll(async () => {
    pg = await startPostgresServer();
    worker = await createJobWorker({ connection: pg.env.nativeConnection, taskQueue, app });
    running = worker.run();
    jobs = new JobClient(pg.env.client, taskQueue, app);
  }, 180_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await pg?.teardown();
  });

  it('runs the seed scenario: live statuses, Oro’s rule for the root, progress', async () => {
    const name = uniqueName('pg-seed');
    const parts = [
      { name: 'a', durationMs: 1500 },
      { name: 'flaky', failTimes: 1 },
      { name: 'bad', valid: false },
    ];
    await jobs.start('do_big_job', { name, data: { parts } });
    const live = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.running >= 1, 60_000);
    expect(live.status).toBe('running');
    expect(live.progress).toBeLessThan(1);

    const final = await jobs.wait(name);
    expect(final).toMatchObject({
      status: 'failed',
      total: 3,
      progress: 1,
      counts: { success: 2, failed: 1 },
    });
    const byName = Object.fromEntries(final.children.map((child) => [child.name, child]));
    expect(byName['do_small_job:a']).toMatchObject({ status: 'success', attempts: 1 });
    expect(byName['do_small_job:flaky']).toMatchObject({ status: 'success', attempts: 2 });
    expect(byName['do_small_job:bad']).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('interrupts gracefully (running children finish) and by force (they are cancelled)', async () => {
    const graceful = uniqueName('pg-graceful');
    const parts = [{ name: 'r', durationMs: 2000 }, { name: 'n1' }, { name: 'n2' }];
    await jobs.start('do_big_job', { name: graceful, maxParallel: 1, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, graceful, (root) => root.counts.running === 1, 60_000);
    await jobs.interrupt(graceful);
    expect(await jobs.wait(graceful)).toMatchObject({
      status: 'cancelled',
      interrupted: true,
      counts: { success: 1, cancelled: 2 },
    });

    const forced = uniqueName('pg-forced');
    await jobs.start('do_big_job', { name: forced, data: { parts: [{ name: 'long', durationMs: 60_000 }] } });
    await statusWhen<RootStatusAnswer>(jobs, forced, (root) => root.counts.running === 1, 60_000);
    const asked = Date.now();
    await jobs.interrupt(forced, { force: true });
    expect(await jobs.wait(forced)).toMatchObject({ status: 'cancelled', counts: { cancelled: 1 } });
    expect(Date.now() - asked).toBeLessThan(20_000);
  });

  it('keeps root names unique: another owner is refused, the same owner attaches', async () => {
    const name = uniqueName('pg-unique');
    const data = { parts: [{ name: 'a', durationMs: 2000 }] };
    const first = await jobs.start('do_big_job', { name, ownerId: 'owner-1', data });
    await expect(jobs.start('do_big_job', { name, ownerId: 'owner-2', data })).rejects.toThrow(
      DuplicateJobError,
    );
    const again = await jobs.start('do_big_job', { name, ownerId: 'owner-1', data });
    expect(again).toMatchObject({ id: first.id, runId: first.runId, attached: true });
    await jobs.wait(name);
  });

  it('finds failed roots through SQL visibility: jobs list --status failed', async () => {
    const failed = uniqueName('pg-list-failed');
    const fine = uniqueName('pg-list-fine');
    await jobs.start('do_big_job', { name: failed, data: { parts: [{ name: 'bad', valid: false }] } });
    await jobs.start('do_big_job', { name: fine, data: { parts: [{ name: 'ok' }] } });
    await Promise.all([jobs.wait(failed), jobs.wait(fine)]);

    const env = { ...process.env, TEMPORAL_ADDRESS: pg.server.address, TEMPORAL_TASK_QUEUE: taskQueue };
    const listed = await statusOfList(env);
    expect(listed.map((job) => job.id)).toContain(failed);
    expect(listed.map((job) => job.id)).not.toContain(fine);
    expect(listed.every((job) => job.status === 'failed')).toBe(true);
  });
});

/** `jobs list --status failed --json`; visibility on SQL is written as the workflow closes, so ask until it shows. */
async function statusOfList(env: NodeJS.ProcessEnv): Promise<{ id: string; status: string }[]> {
  for (let tries = 0; ; tries++) {
    const run = await runJobs(env, 'list', '--status', 'failed', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const listed = JSON.parse(run.stdout) as { id: string; status: string }[];
    if (listed.length > 0 || tries === 20) return listed;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
