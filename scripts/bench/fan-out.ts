/**
 * A root with N instant children on the real dev server (in-memory SQLite): wall time, children per second,
 * and the longest workflow history in the tree (the server warns at 10,240 events).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { createSeedApplication } from '../../src/example/seed-app';
import { JobClient } from '../../src/job-client';
import { resolveTemporalCli } from '../../src/provisioning/temporal-cli';
import { jobSearchAttributes } from '../../src/search-attributes';
import { createJobWorker } from '../../src/worker';
import { largestHistory } from '../../src/history-report';

export async function benchFanOut(children: number, maxParallel = 50): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await resolveTemporalCli({ provision: false });
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: cli.executable, searchAttributes: jobSearchAttributes },
  });
  try {
    const taskQueue = `bench-${randomUUID()}`;
    const worker = await createJobWorker({
      connection: env.nativeConnection,
      taskQueue,
      app: createSeedApplication(),
    });
    const jobs = new JobClient(env.client, taskQueue);
    const name = `fan-out-${children}`;
    const parts = Array.from({ length: children }, (_, i) => ({ name: `p${i}` }));
    const result = await worker.runUntil(async () => {
      const started = performance.now();
      await jobs.start('do_big_job', { name, maxParallel, data: { parts } });
      const ticker = setInterval(async () => {
        const status = await jobs.status(name, { limit: 0 }).catch(() => undefined);
        if (status && 'counts' in status) {
          process.stderr.write(
            `  ${status.counts.success + status.counts.failed}/${status.total} done, ${status.counts.running} running\n`,
          );
        }
      }, 10_000);
      const final = await jobs.wait(name).finally(() => clearInterval(ticker));
      return { final, seconds: (performance.now() - started) / 1000 };
    });
    const history = await largestHistory(env.client, name);
    console.log(
      `fan-out: one root with ${children} children, maxParallel ${maxParallel}, dev server (in-memory SQLite)`,
    );
    console.log(
      `  root status          ${result.final.status}, counts ${JSON.stringify(result.final.counts)}`,
    );
    console.log(
      `  wall time            ${result.seconds.toFixed(1)} s (${(children / result.seconds).toFixed(1)} children/s)`,
    );
    console.log(`  workflows in tree    ${history.workflows}`);
    console.log(
      `  longest history      ${history.maxLength} events (${history.maxId}); root: ${history.rootLength}`,
    );
  } finally {
    await env.teardown();
  }
}
