import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';

/**
 * A job worker's workflow thread records no promise stack traces (src/workflow-thread.ts), unless asked to:
 * the `__stack_trace` query (the Web UI's "Stack Trace" tab) says so. Fails should an SDK upgrade move what
 * the worker relies on to leave them out.
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
});
