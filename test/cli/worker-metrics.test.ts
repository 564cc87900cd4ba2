/** `jobs worker --metrics-port N`: Prometheus metrics of the SDK and of the job engine, scraped while jobs run. */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { JobClient } from '../../src/client/job-client';
import { freePort } from '../../src/provisioning/ports';
import { runJobs, startJobs } from '../helpers/cli';
import { uniqueName } from '../helpers/jobs';
import { createDevServerEnvironment } from '../helpers/testbed';

/** The value of one sample line, e.g. `jobs_children_finished_total{status="success",topic="do_small_job"} 3`. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const line = metrics
    .split('\n')
    .find(
      (row) =>
        row.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => row.includes(`${key}="${value}"`)),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('jobs worker --metrics-port (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('serves the SDK’s metrics and the engine’s: children started and finished by status, processor time', async () => {
    const taskQueue = `metrics-${randomUUID()}`;
    const port = await freePort();
    const vars = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue };
    const worker = await startJobs(vars, 'Ctrl-C stops it', 'worker', '--metrics-port', String(port));
    try {
      expect(worker.output()).toContain(
        `Prometheus metrics (the SDK's and the job engine's): http://127.0.0.1:${port}/metrics`,
      );
      const jobs = new JobClient(env.client, taskQueue);
      const name = uniqueName('metrics');
      const parts = [
        { name: 'a' },
        { name: 'b' },
        { name: 'flaky', failTimes: 1 },
        { name: 'bad', valid: false },
      ];
      await jobs.start('do_big_job', { name, data: { parts } });
      expect(await jobs.wait(name)).toMatchObject({ status: 'failed', counts: { success: 3, failed: 1 } });

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const topic = 'do_small_job';
      expect(sample(metrics, 'jobs_children_started_total', { topic })).toBe(5); // flaky ran twice
      expect(sample(metrics, 'jobs_children_finished_total', { topic, status: 'success' })).toBe(3);
      expect(sample(metrics, 'jobs_children_finished_total', { topic, status: 'failed' })).toBe(1);
      expect(sample(metrics, 'jobs_children_finished_total', { topic, status: 'failed_redelivered' })).toBe(
        1,
      );
      expect(sample(metrics, 'jobs_processor_duration_count', { topic })).toBe(5);
      // The SDK's own, from the same endpoint.
      expect(metrics).toMatch(/^temporal_activity_execution_latency\w*\{/m);
      expect(metrics).toMatch(/^temporal_workflow_completed\w*\{/m);
    } finally {
      worker.process.kill('SIGINT');
      await worker.exited;
    }
  });

  it('refuses a bad metrics port in one line with exit code 2', async () => {
    const run = await runJobs(
      { ...process.env, TEMPORAL_ADDRESS: address },
      'worker',
      '--metrics-port',
      'none',
    );
    expect(run).toMatchObject({
      code: 2,
      stderr: 'jobs worker: --metrics-port must be a whole number of at least 1; got "none"\n',
    });
  });

  it('refuses a bad --processors in one line with exit code 2', async () => {
    const run = await runJobs({ ...process.env, TEMPORAL_ADDRESS: address }, 'worker', '--processors', '0');
    expect(run).toMatchObject({
      code: 2,
      stderr: 'jobs worker: --processors must be a whole number of at least 1; got "0"\n',
    });
  });
});
