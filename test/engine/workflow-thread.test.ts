import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { resolveTestServer } from '../../src/provisioning/test-server';
import { withJobWorkflowThread } from '../../src/workflow-thread';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';

/**
 * A job worker's workflow thread (src/workflow-thread.ts) records no promise stack traces unless asked to —
 * the `__stack_trace` query (the Web UI's "Stack Trace" tab) says so — and watches its calls into workflow
 * code itself. Fails should an SDK upgrade move what the worker relies on.
 */
describe('the workflow thread (time-skipping server)', () => {
  const stackTraceOf = async (testbed: JobTestbed) => {
    const name = uniqueName('stack-trace');
    await testbed.jobs.start('do_big_job', { name, data: { parts: [{ name: 'a' }] } });
    expect((await testbed.jobs.wait(name)).status).toBe('success');
    return testbed.client.workflow
      .getHandle(name)
      .query<string>('__stack_trace')
      .then(
        (trace) => ({ trace }),
        (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
      );
  };

  it('records no promise stack traces by default', async () => {
    const testbed = await createJobTestbed('time-skipping');
    try {
      expect(await stackTraceOf(testbed)).toEqual({
        error: expect.stringContaining('Workflow stack traces are not enabled on this worker'),
      });
    } finally {
      await testbed.teardown();
    }
  });

  it('records them with JOBS_WORKFLOW_STACK_TRACES=1', async () => {
    process.env.JOBS_WORKFLOW_STACK_TRACES = '1';
    const testbed = await createJobTestbed('time-skipping').finally(() => {
      delete process.env.JOBS_WORKFLOW_STACK_TRACES;
    });
    try {
      // The root has closed: the trace is of its last run, replayed, and names no pending promise.
      expect(await stackTraceOf(testbed)).toEqual({ trace: expect.any(String) });
    } finally {
      await testbed.teardown();
    }
  });

  it('stops the worker with a clear error when workflow code runs past the SDK limit (5 s)', async () => {
    const server = await resolveTestServer({ provision: false });
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: server.executable },
    });
    try {
      const taskQueue = `spin-${randomUUID()}`;
      const worker = await withJobWorkflowThread(() =>
        Worker.create({
          connection: env.nativeConnection,
          taskQueue,
          workflowsPath: require.resolve('../fixtures/spin-workflow'),
        }),
      );
      const running = worker.run().then(
        () => 'stopped',
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      const workflowId = `spin-${randomUUID()}`;
      await env.client.workflow.start('spinWorkflow', { taskQueue, workflowId });
      // The first task fails either way; the SDK's own watchdog says "Potential deadlock" and keeps the worker.
      const failure = await eventually('the spinning task to fail', async () => {
        const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
        return events?.find((event) => event.workflowTaskFailedEventAttributes)
          ?.workflowTaskFailedEventAttributes?.failure?.message;
      });
      if (worker.getState() === 'RUNNING') worker.shutdown();
      const ended = await running;
      const limit = /workflow code ran [\d.]+ s in one call, past the SDK's limit of 5 s/;
      expect(failure).toMatch(limit);
      expect(ended).toMatch(limit);
    } finally {
      await env.teardown();
    }
  });
});
