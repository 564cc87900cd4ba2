/**
 * Responses past gRPC's default 4 MiB (a page of a big history or of a visibility list): our clients take them,
 * where the SDK's default connection stops at 4 MiB (src/connection.ts, CLIENT_CHANNEL_ARGS).
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection } from '@temporalio/client';
import { connectClient } from '../../src/connection';
import { createDevServerEnvironment } from '../helpers/testbed';

describe('responses over 4 MiB (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('connectClient reads a history page of about 5 MiB, which the SDK default connection refuses', async () => {
    // A workflow no worker runs, with five signals of 1 MiB each: its history is one page of about 5 MiB.
    const workflowId = `large-${randomUUID()}`;
    const handle = await env.client.workflow.start('noSuchWorkflow', {
      workflowId,
      taskQueue: `nobody-${randomUUID()}`,
    });
    const mebibyte = 'x'.repeat(2 ** 20 - 64);
    for (let i = 0; i < 5; i++) await handle.signal('big', mebibyte);

    // The SDK's defaults but its retries (it retries RESOURCE_EXHAUSTED for about 40 s).
    const sdkDefault = await Connection.connect({ address, interceptors: [] });
    try {
      await expect(
        new Client({ connection: sdkDefault }).workflow.getHandle(workflowId).fetchHistory(),
      ).rejects.toThrow(/larger than max/);
    } finally {
      await sdkDefault.close();
    }

    const ours = await connectClient({ address, namespace: 'default' });
    try {
      const { events } = await ours.workflow.getHandle(workflowId).fetchHistory();
      expect(events?.filter((event) => event.workflowExecutionSignaledEventAttributes)).toHaveLength(5);
    } finally {
      await ours.connection.close();
      await handle.terminate();
    }
  }, 60_000);
});
