/**
 * The SDK helpers src/client/sdk-internals.ts takes from the SDK's internal modules: this fails when an SDK
 * release moves or changes one, before a status read does.
 */
import { defaultDataConverter, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { decodePayloadAt, decodePayloads, executionInfo } from '../../src/client/sdk-internals';

const converter = defaultDataConverter as Parameters<typeof decodePayloadAt>[0];
const payloads = [{ a: 1 }, 'two', null].map((value) => defaultPayloadConverter.toPayload(value));

describe('the SDK internals we use', () => {
  it('decode one payload of several, and all of them', async () => {
    await expect(decodePayloadAt(converter, 1, payloads)).resolves.toBe('two');
    await expect(decodePayloads(converter, payloads)).resolves.toEqual([{ a: 1 }, 'two', null]);
  });

  it('turn a raw listed execution into what workflow.list gives', async () => {
    const raw = temporal.api.workflow.v1.WorkflowExecutionInfo.fromObject({
      execution: { workflowId: 'root-1', runId: 'run-1' },
      type: { name: 'rootJobWorkflow' },
      taskQueue: 'jobs',
      status: 'WORKFLOW_EXECUTION_STATUS_RUNNING',
      startTime: { seconds: 1_796_000_000, nanos: 0 },
      historyLength: 7,
    });
    const info = await executionInfo(raw, converter, 'default');
    expect(info).toMatchObject({
      workflowId: 'root-1',
      runId: 'run-1',
      type: 'rootJobWorkflow',
      taskQueue: 'jobs',
      status: { name: 'RUNNING' },
      historyLength: 7,
    });
    expect(info.startTime.toISOString()).toBe(new Date(1_796_000_000_000).toISOString());
  });
});
