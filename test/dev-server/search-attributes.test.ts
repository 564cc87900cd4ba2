import type { Client } from '@temporalio/client';
import { eventually, listWorkflowIds } from '../helpers/testbed';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { childKey } from '../../src/jobs/ids';

/** Visibility is eventually consistent: wait until the query returns what is expected. */
function listed(client: Client, query: string, expected: string[]): Promise<string[]> {
  return eventually(`${query} to list ${expected.join(', ')}`, async () => {
    const found = await listWorkflowIds(client, query);
    return JSON.stringify(found) === JSON.stringify([...expected].sort()) ? found : undefined;
  });
}

describe('search attributes on the dev server', () => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('filters running roots and the failed children of one root', async () => {
    const name = uniqueName('visible');
    await testbed.jobs.start('do_big_job', {
      name,
      runChildrenAs: 'workflow', // each child a workflow of its own, listed with its JobStatus
      data: { parts: [{ name: 'ok' }, { name: 'bad', valid: false }, { name: 'slow', durationMs: 8000 }] },
    });
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (status) => status.status === 'running');
    await listed(testbed.client, `JobKind = 'root' AND JobStatus = 'running' AND JobName = '${name}'`, [
      name,
    ]);
    await listed(testbed.client, `JobRootId = '${name}' AND JobKind = 'child' AND JobStatus = 'running'`, [
      `${name}/do_small_job:slow`,
    ]);

    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'failed' });
    await listed(testbed.client, `JobRootId = '${name}' AND JobKind = 'child' AND JobStatus = 'failed'`, [
      `${name}/do_small_job:bad`,
    ]);
    await listed(testbed.client, `JobRootId = '${name}' AND JobKind = 'child' AND JobStatus = 'success'`, [
      `${name}/do_small_job:ok`,
      `${name}/do_small_job:slow`,
    ]);
    await listed(testbed.client, `JobKind = 'root' AND JobStatus = 'running' AND JobName = '${name}'`, []);

    // Its batch starts a child workflow `running`; the child writes its status only when it changes, and
    // records no patch marker (each upsert, its own or the SDK's for a patch, is a visibility write).
    const history = await testbed.client.workflow.getHandle(`${name}/do_small_job:ok`).fetchHistory();
    const events = history.events ?? [];
    const upserts = events.filter((event) => event.upsertWorkflowSearchAttributesEventAttributes);
    expect(upserts).toHaveLength(1);
    expect(events.filter((event) => event.markerRecordedEventAttributes)).toHaveLength(0);

    const listedRoots = await eventually('the root in JobClient.list', async () => {
      const roots = await testbed.jobs.list({ status: 'failed', name });
      return roots.length === 1 ? roots : undefined;
    });
    expect(listedRoots[0]).toMatchObject({ id: name, name, status: 'failed' });
    expect(listedRoots[0].closeTime).not.toBeNull();
  });

  it('finds the batch that holds a child (activity mode) with one query on its name key', async () => {
    const name = uniqueName('keys');
    const parts = Array.from({ length: 450 }, (_, i) => ({ name: `p${i}` }));
    await testbed.jobs.start('do_big_job', { name, data: { parts } });
    await testbed.jobs.wait(name);
    const query = `JobRootId = '${name}' AND JobKind = 'batch' AND JobChildKeys = '${childKey('do_small_job:p321')}'`;
    const batches = await listed(testbed.client, query, [`${name}/batch/1`]);
    expect(batches).toEqual([`${name}/batch/1`]);
    expect(await testbed.jobs.status(`${name}/do_small_job:p321`)).toMatchObject({
      status: 'success',
      result: { name: 'p321' },
    });
  });
});
