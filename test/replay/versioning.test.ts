/**
 * How to change workflow code that open roots run (docs/design.md, "Changing workflow code"): a history made by the
 * first version replays against the change guarded by `patched()`, and fails against the unguarded one.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { createTimeSkippingTestbed, type Testbed } from '../helpers/testbed';

const activities = { greet: async (name: string) => `hello ${name}`, audit: async () => undefined };

describe('changing workflow code safely (time-skipping server)', () => {
  let testbed: Testbed;
  beforeAll(async () => {
    testbed = await createTimeSkippingTestbed({
      workflowsPath: require.resolve('../workflows/versioned-v1'),
      workerOptions: { activities },
    });
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('replays an old history with patched(), and refuses the unguarded change', async () => {
    const workflowId = `versioned-${randomUUID()}`;
    const result = await testbed.client.workflow.execute('versionedWorkflow', {
      workflowId,
      taskQueue: testbed.taskQueue,
      args: ['ann'],
    });
    expect(result).toBe('hello ann');
    const history = await testbed.client.workflow.getHandle(workflowId).fetchHistory();

    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../workflows/versioned-v2') },
      history,
      workflowId,
    );
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('../workflows/versioned-v2-unsafe') },
        history,
        workflowId,
      ),
    ).rejects.toThrow(DeterminismViolationError);
  });
});
