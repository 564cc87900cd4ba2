/**
 * OpenTelemetry tracing (optional): with the same JobTracing on the client and the worker, a root job is one
 * trace, from the client's start through the root and batch workflows to the processors, caught here by an
 * in-memory exporter.
 */
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { JobClient } from '../../src/client/job-client';
import { createSeedApplication } from '../../src/example/seed-app';
import { tracingPlugin, type JobTracing } from '../../src/tracing';
import { createJobWorker } from '../../src/worker';
import { uniqueName } from '../helpers/jobs';
import { createDevServerEnvironment } from '../helpers/testbed';

describe('tracing a root job with OpenTelemetry (dev server)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    ({ env } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('makes one trace of the client start, the root and batch workflows and every processor', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing: JobTracing = {
      spanProcessor: new SimpleSpanProcessor(exporter),
      serviceName: 'jobs-test',
    };
    const taskQueue = `tracing-${randomUUID()}`;
    const app = createSeedApplication({ error: () => undefined });
    const worker = await createJobWorker({ connection: env.nativeConnection, taskQueue, app, tracing });
    const client = new Client({ connection: env.connection, plugins: [tracingPlugin(tracing)] });
    const jobs = new JobClient(client, taskQueue, app);
    const name = uniqueName('traced');
    await worker.runUntil(async () => {
      await jobs.start('do_big_job', { name, data: { parts: [{ name: 'a' }, { name: 'b' }] } });
      return jobs.wait(name);
    });

    const spans = exporter.getFinishedSpans();
    const start = spans.find((span) => span.name === 'StartWorkflow:rootJobWorkflow');
    expect(start).toBeDefined();
    const trace = spans.filter((span) => span.spanContext().traceId === start!.spanContext().traceId);
    const names = new Set(trace.map((span) => span.name));
    for (const expected of [
      'StartWorkflow:rootJobWorkflow',
      'RunWorkflow:rootJobWorkflow',
      'RunActivity:planChildren',
      'StartChildWorkflow:childBatchWorkflow',
      'RunWorkflow:childBatchWorkflow',
      'RunActivity:runChildren',
    ]) {
      expect({ expected, found: names.has(expected) }).toEqual({ expected, found: true });
    }
    // Each span has a parent in the same trace, but the client's start.
    const ids = new Set(trace.map((span) => span.spanContext().spanId));
    const orphans = trace.filter((span: ReadableSpan) => span !== start && !ids.has(span.parentSpanId ?? ''));
    expect(orphans.map((span) => span.name)).toEqual([]);
    expect(start!.resource.attributes['service.name']).toBe('jobs-test');
  });
});
