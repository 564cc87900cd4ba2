/**
 * A root stops only once its batches have closed (found by the fuzzer in CI): a batch sends its last report and
 * closes a moment later, and a root that stopped at the report freed its name while the batch was still open.
 * A new root of that name then failed at once ("starting batch 0 failed: Workflow execution already
 * started"), and its status read showed the old batch's children. The moment is held open here by a workflow
 * interceptor (test/fixtures/hold-batch-close.ts) until the test lets the batch close; the server is real.
 */
import { DuplicateJobError } from '../../src/errors';
import { JobClient } from '../../src/client/job-client';
import type { RootJobStatus } from '../../src/contract/jobs';
import { batchWorkflowId } from '../../src/jobs/ids';
import { createSeedApplication } from '../../src/example/seed-app';
import { JOB_WORKFLOWS_PATH, jobWorkerSettings } from '../../src/worker';
import { statusWhen, uniqueName } from '../helpers/jobs';
import { createDevServerTestbed, type Testbed } from '../helpers/testbed';

describe('a root whose batch has reported its end but not closed (dev server)', () => {
  let testbed: Testbed;
  let jobs: JobClient;
  beforeAll(async () => {
    const app = createSeedApplication({ error: () => undefined });
    testbed = await createDevServerTestbed({
      workflowsPath: JOB_WORKFLOWS_PATH,
      workflowInterceptorModules: [require.resolve('../fixtures/hold-batch-close')],
      workerOptions: jobWorkerSettings(app),
    });
    jobs = new JobClient(testbed.client, testbed.taskQueue, app);
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('stays running, its name taken, until the batch closes; then a root of that name runs anew', async () => {
    const name = uniqueName('held-root');
    const data = { parts: [{ name: 'a' }, { name: 'b' }] };
    await jobs.start('do_big_job', { name, data });
    const finished = await statusWhen<RootJobStatus>(jobs, name, (root) => root.counts.success === 2);
    expect(finished).toMatchObject({ status: 'running', stoppedAt: null });

    const again = jobs.start('do_big_job', { name, data, ownerId: 'someone-else' });
    await expect(again).rejects.toBeInstanceOf(DuplicateJobError);

    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 2 });

    await jobs.start('do_big_job', { name, data, ownerId: 'someone-else' });
    const first = await statusWhen<RootJobStatus>(jobs, name, (root) => root.counts.success === 2);
    expect(first.error).toBeNull();
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 2, error: null });
  });

  it('reruns a batch retried while it closes, and the closing run does not count as the new one', async () => {
    const name = uniqueName('held-retry');
    const parts = [{ name: 'a' }, { name: 'b', failTimes: 1 }];
    await jobs.start('do_big_job', { name, maxAttempts: 1, data: { parts } });
    await statusWhen<RootJobStatus>(
      jobs,
      name,
      (root) => root.counts.failed === 1 && root.counts.success === 1,
    );
    await jobs.retry(name);
    const release = () =>
      testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    await release(); // the run that failed closes only now; the rerun waits for it, and it must not stand for the rerun
    await statusWhen<RootJobStatus>(jobs, name, (root) => root.counts.success === 2);
    await release(); // the rerun's own close
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 2, error: null });
  });
});
