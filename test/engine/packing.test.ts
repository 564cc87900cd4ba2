import { JobApplication } from '../../src/application';
import type { ChildJobState, RootStatusAnswer } from '../../src/contract/jobs';
import { packOutcomes, packsScheduled } from '../helpers/history';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { Client } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';

interface Quick {
  i: number;
  failOnce?: boolean;
  invalid?: boolean;
  slow?: boolean;
}

/** Short children, with a probe of how many run at once and a slow one the test releases or interrupts. */
function quickApplication() {
  const probe = { now: 0, max: 0, slowStarted: false };
  const app = new JobApplication()
    .topic<{ children: Quick[] }>('many', {
      plan: ({ children }) =>
        children.map((child) => ({ name: `q${child.i}`, topic: 'quick', payload: child })),
    })
    .topic<Quick>('quick', {
      process: async ({ i, failOnce, invalid, slow }, { attempt, signal }) => {
        probe.now++;
        probe.max = Math.max(probe.max, probe.now);
        try {
          if (failOnce && attempt === 1) throw new Error(`q${i} fails once`);
          if (invalid) return false;
          if (slow) {
            probe.slowStarted = true;
            await new Promise((resolve, reject) => {
              const timer = setTimeout(resolve, 60_000);
              signal.addEventListener('abort', () => {
                clearTimeout(timer);
                reject(new Error('aborted'));
              });
            });
          } else {
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          return { i, attempt };
        } finally {
          probe.now--;
        }
      },
    });
  return { app, probe };
}

describe('packing short children into one activity (time-skipping server)', () => {
  let testbed: JobTestbed;
  const { app, probe } = quickApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping', app);
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('runs short children many to an activity, each with its own status, retry and result', async () => {
    const name = uniqueName('packed');
    const children: Quick[] = Array.from({ length: 60 }, (_, i) => ({ i }));
    children[30].failOnce = true;
    children[45].invalid = true;
    await testbed.jobs.start('many', { name, batchSize: 20, maxParallel: 4, data: { children } });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', total: 60, progress: 1 });
    expect(final.counts).toMatchObject({ success: 59, failed: 1 });
    expect(probe.max).toBeLessThanOrEqual(4);

    const all = (await testbed.jobs.status(name, { limit: 100 })) as RootStatusAnswer;
    const byName = Object.fromEntries(all.children.map((child) => [child.name, child]));
    expect(byName.q30).toMatchObject({ status: 'success', attempts: 2, error: null });
    expect(byName.q45).toMatchObject({ status: 'failed', attempts: 1 });
    expect(byName.q45.error).toContain('returned false');
    expect((await testbed.jobs.status(`${name}/q59`)) as ChildJobState).toMatchObject({
      status: 'success',
      result: { i: 59, attempt: 1 },
    });

    // Fewer activities than children: after the first children told how short they are, they share tasks.
    const outcomes = (
      await Promise.all([0, 1, 2].map((batch) => activityCount(`${name}/batch/${batch}`)))
    ).reduce((sum, count) => sum + count, 0);
    expect(outcomes).toBeLessThan(30);
    const retried = await packOutcomes(testbed.client, `${name}/batch/1`);
    expect(
      retried.filter((outcome) => outcome.name === 'q30').map((o) => `${o.status}#${o.attempt}`),
    ).toEqual(['retry#1', 'success#2']);
  });

  it('the last children are shared among the slots: no pack runs on a few while the others stand idle', async () => {
    // Once 5 children had been timed, the 16-20 left went into one pack of one slot (50 children to a slot)
    // while the root's other 4 slots waited; each pack now takes at most the root's share of the children
    // waiting when it last granted slots (here at the start: 25 over 5 slots). A batch no longer shares its own
    // ready children over the slots it holds (PackingRule.ownShareAtEnd): that held slots other batches waited
    // for, and here it would save one round.
    const name = uniqueName('even-ends');
    const children: Quick[] = Array.from({ length: 25 }, (_, i) => ({ i }));
    await testbed.jobs.start('many', { name, maxParallel: 5, data: { children } });
    expect((await testbed.jobs.wait(name)).counts).toMatchObject({ success: 25 });
    const packs = (await packsScheduled(testbed.client, `${name}/batch/0`)).filter(
      (pack) => pack.children.length > 1,
    );
    expect(packs.length).toBeGreaterThan(0);
    const perSlot = packs.map((pack) => Math.ceil(pack.children.length / pack.slots));
    expect(Math.max(...perSlot)).toBeLessThanOrEqual(Math.ceil(25 / 5));
  });

  it('a forced interrupt stops one child of a pack; the rest of the pack finishes', async () => {
    const name = uniqueName('pack-interrupt');
    const children: Quick[] = Array.from({ length: 40 }, (_, i) => ({ i }));
    children[25].slow = true;
    probe.slowStarted = false;
    await testbed.jobs.start('many', { name, batchSize: 10, maxParallel: 2, data: { children } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, () => probe.slowStarted);
    await testbed.jobs.interrupt(`${name}/q25`, { force: true });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: false });
    expect(final.counts).toMatchObject({ success: 39, cancelled: 1 });
    const slow = (await testbed.jobs.status(`${name}/q25`)) as ChildJobState;
    expect(slow).toMatchObject({ status: 'cancelled', attempts: 1, interrupted: true });
    expect(slow.startedAt).not.toBeNull();
    // q25 shared its activity with other children, which succeeded.
    const outcomes = await packOutcomes(testbed.client, `${name}/batch/2`);
    const pack = outcomes.find((outcome) => outcome.name === 'q25');
    expect(pack?.status).toBe('cancelled');
    expect(outcomes.length).toBe(10);
    expect(await activityCount(`${name}/batch/2`)).toBeLessThan(10);
  });

  it('a status read counts as running only the children of a pack still running, not those it has finished', async () => {
    // Found by the model-based test: a long pack's finished children were read as running, over the limit.
    const name = uniqueName('pack-read');
    const children: Quick[] = Array.from({ length: 30 }, (_, i) => ({ i }));
    children[29].slow = true;
    probe.slowStarted = false;
    // One slot: batch 2's children go in one pack (two slots would share them out), q29 last.
    await testbed.jobs.start('many', { name, batchSize: 10, maxParallel: 1, data: { children } });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, () => probe.slowStarted);
    // q29's pack ran its other children before it; once its heartbeat tells how they ended, they read so.
    const read = await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (status) => status.counts.success === 29 || status.stoppedAt !== null,
    );
    expect(read).toMatchObject({ status: 'running', stoppedAt: null });
    expect(read.counts).toMatchObject({ running: 1, success: 29 });
    expect(read.children.find((child) => child.name === 'q29')).toMatchObject({ status: 'running' });
    // Some of those 29 finished in q29's pack, which has not returned: the batch has fewer than 9 outcomes.
    expect((await packOutcomes(testbed.client, `${name}/batch/2`)).length).toBeLessThan(9);
    await testbed.jobs.interrupt(`${name}/q29`, { force: true });
    expect((await testbed.jobs.wait(name)).counts).toMatchObject({ success: 29, cancelled: 1 });
  });

  it('a status read of a running root asks only the batches holding its page; the others count from their reports', async () => {
    // Issue 20: a read cost a query and a describe per running batch, so it slowed as the job grew.
    const name = uniqueName('page-reads');
    const children: Quick[] = Array.from({ length: 20 }, (_, i) => ({ i, slow: i >= 10 }));
    probe.slowStarted = false;
    await testbed.jobs.start('many', { name, batchSize: 10, maxParallel: 1, data: { children } });
    // Batch 1 runs once batch 0 is timed: its ten children in one pack of one slot, q10 first (it holds it).
    // Read as below (a page of batch 0 only): the root has heard of the pack from batch 1's report.
    const seen = await statusWhen<RootStatusAnswer>(
      testbed.jobs,
      name,
      (status) => probe.slowStarted && status.counts.success === 10 && status.counts.running === 1,
      30_000,
      { limit: 5 },
    );
    expect(seen.counts).toMatchObject({ success: 10, running: 1, new: 9 });
    const asked: string[] = [];
    const rootQueries: string[] = [];
    const counting = new Client({
      connection: testbed.client.connection,
      namespace: testbed.client.options.namespace,
      interceptors: {
        workflow: [
          {
            query: (input, next) => {
              asked.push(input.workflowExecution.workflowId);
              if (input.workflowExecution.workflowId === name) rootQueries.push(input.queryType);
              return next(input);
            },
            describe: (input, next) => (asked.push(input.workflowExecution.workflowId), next(input)),
          },
        ],
      },
    });
    const jobs = new JobClient(counting, testbed.taskQueue, app);
    // The first page is batch 0's (ended): batch 1 is not asked, and its waiting children still read as new.
    const read = (await jobs.status(name, { limit: 5 })) as RootStatusAnswer;
    expect(read.counts).toMatchObject({ success: 10, running: 1, new: 9 });
    expect(read.children.map((child) => child.name)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    expect(asked.filter((id) => id.startsWith(`${name}/batch/1`))).toEqual([]);
    // A page in batch 1 asks it, and shows its children as its pack runs them.
    const later = (await jobs.status(name, { offset: 10, limit: 3 })) as RootStatusAnswer;
    expect(later.children.map((child) => [child.name, child.status])).toEqual([
      ['q10', 'running'],
      ['q11', 'new'],
      ['q12', 'new'],
    ]);
    expect(asked.some((id) => id.startsWith(`${name}/batch/1`))).toBe(true);
    // The root is read from its snapshot, or (the time-skipping server cannot say what its pending task holds)
    // answers with its page alone, never its whole state (which lists every batch).
    expect(rootQueries.filter((query) => query !== 'rootPage')).toEqual([]);
    await testbed.jobs.interrupt(name, { force: true });
    expect((await testbed.jobs.wait(name)).counts).toMatchObject({ success: 10, cancelled: 10 });
  });

  async function activityCount(batchId: string): Promise<number> {
    const history = await testbed.client.workflow.getHandle(batchId).fetchHistory();
    return (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes).length;
  }
});
