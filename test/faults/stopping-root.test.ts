/**
 * A name is free once its root's status says it has stopped (issue 18): a root that has stopped still closes
 * a moment later (it starts its follow-ups, leaves its key), and a start of its name in that moment was
 * refused as a duplicate although `jobs status` said the root had ended. The moment is held open here by
 * the follow-up activity, which waits until the test's start has seen the stopping root; the server is real.
 */
import type { Client } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';

let release: () => void = () => undefined;
const followUpsHeld = () => new Promise<void>((resolve) => (release = resolve));

/** The client, telling `onDescribe` of every describe its handles make (the start's look at an open root). */
function watchDescribes(client: Client, onDescribe: (workflowId: string) => void): Client {
  const workflow = new Proxy(client.workflow, {
    get(target, property, receiver) {
      if (property !== 'getHandle') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<typeof target.getHandle>) => {
        const handle = target.getHandle(...args);
        const describe = async () => {
          const described = await handle.describe();
          onDescribe(args[0]);
          return described;
        };
        return { ...handle, describe };
      };
    },
  });
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'workflow' ? workflow : (Reflect.get(target, property, receiver) as unknown),
  });
}

describe('a start of a name whose root has stopped and is closing (dev server)', () => {
  let testbed: JobTestbed;
  let jobs: JobClient;
  let watchedJobs: JobClient;
  beforeAll(async () => {
    testbed = await createJobTestbed(
      'dev-server',
      undefined,
      {},
      {
        activities: (own) => ({
          startFollowUpJobs: async (input) => {
            await followUpsHeld();
            return own.startFollowUpJobs(input);
          },
        }),
      },
    );
    jobs = testbed.jobs;
    watchedJobs = new JobClient(
      watchDescribes(testbed.client, () => release()),
      testbed.taskQueue,
    );
  });
  afterAll(async () => {
    release();
    await testbed?.teardown();
  });

  it('waits for it to close and starts a new root, instead of refusing the name', async () => {
    const name = uniqueName('stopping');
    const data = { parts: [{ name: 'a' }] };
    const followUps = [{ topic: 'do_big_job', name: `${name}-next`, payload: { parts: [] } }];
    await jobs.start('do_big_job', { name, data, followUps });
    const stopped = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.stoppedAt !== null);
    expect(stopped.status).toBe('success');

    const again = await watchedJobs.start('do_big_job', { name, data, ownerId: 'someone-else' });
    expect(again.attached).toBe(false);
    expect(await jobs.wait(name)).toMatchObject({ ownerId: 'someone-else', status: 'success', total: 1 });
  });
});
