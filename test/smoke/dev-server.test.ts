import { randomUUID } from 'node:crypto';
import { tagged } from '../workflows/smoke';
import { createDevServerTestbed, eventually, listWorkflowIds, type Testbed } from '../helpers/testbed';
import { JobName } from '../../src/search-attributes';

describe('Temporal CLI dev server', () => {
  let testbed: Testbed;

  beforeAll(async () => {
    testbed = await createDevServerTestbed({ workflowsPath: require.resolve('../workflows/smoke') });
  });

  afterAll(async () => {
    await testbed?.teardown();
  });

  it('finds a workflow started through the client by a search attribute', async () => {
    const name = `smoke-${randomUUID()}`;
    const handle = await testbed.client.workflow.start(tagged, {
      taskQueue: testbed.taskQueue,
      workflowId: name,
      args: [0],
      typedSearchAttributes: [{ key: JobName, value: name }],
    });
    await handle.result();

    const found = await eventually('the workflow in visibility', async () => {
      const ids = await listWorkflowIds(testbed.client, `JobName = '${name}'`);
      return ids.length > 0 ? ids : undefined;
    });
    expect(found).toEqual([name]);
    expect(await listWorkflowIds(testbed.client, `JobName = 'other-${name}'`)).toEqual([]);
  });
});
