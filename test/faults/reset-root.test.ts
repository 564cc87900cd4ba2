/**
 * An operator resets a running root with Temporal's own reset, as `temporal workflow reset --type
 * LastWorkflowTask` does: the server closes the run and starts a new one from the history up to its last
 * workflow task. The new run replays to where the old one stood; the batches it had started run on and report to
 * it, so every child runs once and the root ends as if nothing had happened.
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createGatedApplication } from '../fixtures/gated-app';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';

const { EVENT_TYPE_WORKFLOW_TASK_COMPLETED } = temporal.api.enums.v1.EventType;

describe('a root reset by an operator to its last workflow task (dev server)', () => {
  let testbed: JobTestbed;
  const { app, gate } = createGatedApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
  });
  afterAll(async () => {
    gate.open();
    await testbed?.teardown();
  });

  /** What `temporal workflow reset --type LastWorkflowTask` asks of the server; returns the new run's id. */
  async function resetToLastWorkflowTask(workflowId: string): Promise<string> {
    const handle = testbed.client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const events = (await handle.fetchHistory()).events ?? [];
    const last = events.filter((event) => event.eventType === EVENT_TYPE_WORKFLOW_TASK_COMPLETED).pop();
    const reset = await testbed.client.workflowService.resetWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId, runId },
      workflowTaskFinishEventId: last!.eventId,
      reason: 'an operator',
      requestId: randomUUID(),
    });
    return reset.runId;
  }

  it('runs every child once and ends success, its records as before the reset', async () => {
    const { jobs } = testbed;
    const name = uniqueName('reset-last');
    const before = gate.started.length;
    const names = ['a', 'b', 'c', 'd'];
    await jobs.start('gated', { name, batchSize: 2, maxParallel: 2, data: { names } });
    await eventually('two children running', async () => (gate.running === 2 ? true : undefined));
    const running = (await jobs.status(name, { limit: 10 })) as RootStatusAnswer;

    const newRun = await resetToLastWorkflowTask(name);
    expect((await testbed.client.workflow.getHandle(name).describe()).runId).toBe(newRun);
    const after = (await jobs.status(name, { limit: 10 })) as RootStatusAnswer;
    expect(after).toMatchObject({ status: 'running', createdAt: running.createdAt, total: 4 });
    expect(after.children.map(({ name: child, status }) => [child, status])).toEqual(
      running.children.map(({ name: child, status }) => [child, status]),
    );

    for (const child of names) gate.releaseNamed(child);
    expect(await jobs.wait(name)).toMatchObject({ status: 'success', total: 4, counts: { success: 4 } });
    const final = (await jobs.status(name, { limit: 10 })) as RootStatusAnswer;
    expect(final.children.map(({ name: child, status, attempts }) => [child, status, attempts])).toEqual(
      names.map((child) => [child, 'success', 1]),
    );
    // Each processor began once: nothing the reset run replayed was handed to a worker again.
    expect(gate.started.slice(before).sort()).toEqual(names);
  });
});
