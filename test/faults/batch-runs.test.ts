/**
 * A batch's runs as the root sees them (issue 18), each case found by the fuzzer or a read and held here
 * deterministically on a real dev server:
 * - a root stops only once its batches have closed: one that stopped at the last report freed its name while
 *   a batch was still open, and a new root of that name failed at once ("Workflow execution already started");
 * - a retry that reopens a batch still closing is not undone when that run's close reaches the root later;
 * - a grant sent to a batch run that has closed, which Temporal delivers by workflow id to the rerun that
 *   replaced it, is ignored there;
 * - a batch whose last run was terminated after its last report (found by the fuzzer: terminated, then the run
 *   replacing it too) is read from that run's history, where status reads failed;
 * - such a batch ends with the counts that history gives, not those the root last heard (found by the fuzzer:
 *   its counts and its children's disagreed by the children that ended in the second before it was terminated).
 * The moment between a batch's last report and its close is held open by a workflow interceptor
 * (test/fixtures/hold-batch-close.ts) for roots named held-…, until the test lets the batch close.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { JobActivities } from '../../src/contract/activities';
import { DuplicateJobError } from '../../src/errors';
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { batchWorkflowId } from '../../src/jobs/ids';
import { batchPageQuery, grantSlotsSignal } from '../../src/contract/messages';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { HeldStep } from '../helpers/held-step';
import { eventually } from '../helpers/testbed';

/** An operator terminates a batch, then the run the root starts to replace it. */
async function terminateTwice(batch: WorkflowHandle): Promise<void> {
  const first = (await batch.describe()).runId;
  await batch.terminate('an operator, once');
  await eventually('the run replacing it', async () => {
    const { runId, status } = await batch.describe();
    return runId !== first && status.name === 'RUNNING' ? true : undefined;
  });
  await batch.terminate('an operator, twice');
}

/** The root's reads of a lost batch's counts (roots named held-stalled-…) wait until the test lets them. */
const counts = new HeldStep();
/** A run replacing a lost batch of a root named slow-load-… loads the run before only once the test lets it. */
const loads = new HeldStep();

describe('a batch run that has ended, closing, or been replaced (dev server)', () => {
  let testbed: JobTestbed;
  let jobs: JobClient;
  beforeAll(async () => {
    const workflowInterceptorModules = [
      require.resolve('../fixtures/hold-batch-close'),
      require.resolve('../fixtures/mute-batch-reports'),
      require.resolve('../fixtures/stall-replacement'),
    ];
    // A root named held-stalled-… takes a lost batch's counts only once the test lets it.
    const activities = (own: JobActivities): Partial<JobActivities> => ({
      lostBatchCounts: async (input) => {
        if (input.batchId.startsWith('held-stalled-')) await counts.wait();
        return own.lostBatchCounts(input);
      },
      loadBatchRun: async (input) => {
        if (input.batchId.startsWith('slow-load-')) await loads.wait();
        return own.loadBatchRun(input);
      },
    });
    testbed = await createJobTestbed('dev-server', undefined, {}, { workflowInterceptorModules, activities });
    jobs = testbed.jobs;
  });
  afterAll(async () => {
    counts.release();
    loads.release();
    await testbed?.teardown();
  });

  it('stays running, its name taken, until the batch closes; then a root of that name runs anew', async () => {
    const name = uniqueName('held-root');
    const data = { parts: [{ name: 'a' }, { name: 'b' }] };
    await jobs.start('do_big_job', { name, data });
    const finished = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success === 2);
    expect(finished).toMatchObject({ status: 'running', stoppedAt: null });

    const again = jobs.start('do_big_job', { name, data, ownerId: 'someone-else' });
    await expect(again).rejects.toBeInstanceOf(DuplicateJobError);

    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 2 });

    await jobs.start('do_big_job', { name, data, ownerId: 'someone-else' });
    const first = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success === 2);
    expect(first.error).toBeNull();
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 2, error: null });
  });

  it('reruns a batch retried while it closes, and the closing run does not count as the new one', async () => {
    const name = uniqueName('held-retry');
    const parts = [{ name: 'a' }, { name: 'b', failTimes: 1 }];
    await jobs.start('do_big_job', { name, maxAttempts: 1, data: { parts } });
    await statusWhen<RootStatusAnswer>(
      jobs,
      name,
      (root) => root.counts.failed === 1 && root.counts.success === 1,
    );
    await jobs.retry(name);
    const release = () =>
      testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    await release(); // the run that failed closes only now; the rerun waits for it, and it must not stand for the rerun
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success === 2);
    await release(); // the rerun's own close
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 2, error: null });
  });

  it('ignores a grant meant for the run that a rerun replaced: no more run than maxParallel', async () => {
    const name = uniqueName('late-grant');
    const parts = [1, 2, 3, 4].map((n) => ({ name: `p${n}`, failTimes: 1, durationMs: 60_000 }));
    const options = { name, maxAttempts: 1, maxParallel: 1, runChildrenAs: 'workflow' as const };
    await jobs.start('do_big_job', { ...options, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.failed === 4);
    await jobs.retry(name);
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.running === 1);
    // A grant the root sent the first run just before it closed, delivered (by workflow id) to the rerun.
    const batch = testbed.client.workflow.getHandle(batchWorkflowId(name, 0));
    await batch.signal(grantSlotsSignal, { total: 10, durations: {} });
    const page = await batch.query(batchPageQuery, { offset: 0, limit: 0 });
    expect(page.inFlight).toHaveLength(1);
    await jobs.interrupt(name, { force: true });
    expect(await jobs.wait(name)).toMatchObject({ status: 'cancelled' });
  });

  it('reads a batch whose last run was terminated (it and the run replacing it) as the root counted it', async () => {
    // held-: the run replacing batch 1 fails b at once and ends, and stays open until told (so it can be terminated).
    const name = uniqueName('held-twice-terminated');
    const parts = [{ name: 'a' }, { name: 'b', durationMs: 60_000 }];
    await jobs.start('do_big_job', { name, batchSize: 1, maxParallel: 2, data: { parts } });
    await statusWhen<RootStatusAnswer>(
      jobs,
      name,
      (root) => root.counts.success === 1 && root.counts.running === 1,
    );
    const batch = testbed.client.workflow.getHandle(batchWorkflowId(name, 1));
    await terminateTwice(batch);
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');

    // The replacing run had sent its last report (b failed) before it was terminated: the root counted that.
    const final = await jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', counts: { success: 1, failed: 1 } });
    // Its last run left no result: reads rebuild its records from that run's history.
    const read = (await jobs.status(name, { limit: 10 })) as RootStatusAnswer;
    const b = read.children.find((child) => child.name === 'do_small_job:b');
    expect(b).toMatchObject({ status: 'failed' });
    expect(b?.error).toContain('terminated');
    expect(await jobs.status(`${name}/do_small_job:b`)).toMatchObject({ status: 'failed' });
  });

  it('ends a batch terminated twice with the counts its history gives, not those it last heard', async () => {
    // held-muted-: the batch's reports never reach the root (mute-batch-reports), and it closes only when told.
    const name = uniqueName('held-muted-twice');
    const parts = [{ name: 'a' }, { name: 'b' }, { name: 'c', durationMs: 60_000 }];
    await jobs.start('do_big_job', { name, maxParallel: 3, data: { parts } });
    // The batch is asked directly: two children have succeeded, which the root has not heard.
    await statusWhen<RootStatusAnswer>(
      jobs,
      name,
      (root) => root.counts.success === 2 && root.counts.running === 1,
    );
    const batch = testbed.client.workflow.getHandle(batchWorkflowId(name, 0));
    await terminateTwice(batch);

    const final = await jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', counts: { success: 2, failed: 1 } });
    const read = (await jobs.status(name, { limit: 10 })) as RootStatusAnswer;
    expect(read.children.map((child) => child.status).sort()).toEqual(['failed', 'success', 'success']);
  });

  it('reads a root whose batch run was terminated before any worker ran it', async () => {
    // held-stalled-: the run replacing the lost batch never completes a workflow task (stall-replacement).
    const name = uniqueName('held-stalled');
    await jobs.start('do_big_job', { name, data: { parts: [{ name: 'a', durationMs: 60_000 }] } });
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.running === 1);
    const batch = testbed.client.workflow.getHandle(batchWorkflowId(name, 0));
    await terminateTwice(batch);
    await eventually("the root to ask for the lost batch's counts", async () =>
      counts.asked > 0 ? true : undefined,
    );

    // Until the root has ended it, the batch is open in the root's view, and its run holds nothing to read.
    const read = (await jobs.status(name, { limit: 10 })) as RootStatusAnswer;
    expect(read).toMatchObject({ stoppedAt: null, total: 1 });
    counts.release();
    expect(await jobs.wait(name)).toMatchObject({ status: 'failed', counts: { failed: 1 } });
  });

  it('runs the rerun a retry asks of the run replacing a lost batch while that run loads the run before', async () => {
    const name = uniqueName('slow-load');
    const parts = [
      { name: 'a', valid: false },
      { name: 'b', durationMs: 3_000 },
    ];
    await jobs.start('do_big_job', { name, maxAttempts: 1, maxParallel: 2, data: { parts } });
    await statusWhen<RootStatusAnswer>(
      jobs,
      name,
      (root) => root.counts.failed === 1 && root.counts.running === 1,
    );
    await testbed.client.workflow.getHandle(batchWorkflowId(name, 0)).terminate('an operator');
    await eventually('the run replacing it to load the run before', async () => loads.asked > 0 || undefined);
    // The root counts b failed (its batch was lost) and asks the open replacement to rerun a and b in place.
    expect(await jobs.retry(name)).toMatchObject({ rerun: 2, restarted: false });
    loads.release();
    const final = await jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', counts: { failed: 1, success: 1 } });
    expect(final.children.find((child) => child.name === 'do_small_job:b')).toMatchObject({
      status: 'success',
    });
  });
});
