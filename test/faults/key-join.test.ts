/**
 * A root whose concurrency key cannot be joined (issue 18, 7): the join activity fails after its retries. The
 * root used to fail its workflow task for ever — `running`, its name locked, nothing said. It must end
 * `failed`, saying why, and run once `jobs retry` finds the key joinable again. (The join is refused by the
 * worker's own activity here; the server is real.)
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { JobClient } from '../../src/client/job-client';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';

const refuse = { join: true };

describe('a concurrency key that cannot be joined (dev server)', () => {
  let testbed: JobTestbed;
  let jobs: JobClient;
  beforeAll(async () => {
    testbed = await createJobTestbed(
      'dev-server',
      undefined,
      {},
      {
        activities: (own) => ({
          joinConcurrencyKey: async (input) => {
            if (refuse.join) throw ApplicationFailure.nonRetryable('the key refused us', 'KeyRefused');
            return own.joinConcurrencyKey(input);
          },
        }),
      },
    );
    jobs = testbed.jobs;
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('ends the root failed, naming the key, and `jobs retry` runs it once the key can be joined', async () => {
    const name = uniqueName('unjoinable');
    const key = uniqueName('tenant');
    const parts = [{ name: 'a' }, { name: 'b' }];
    await jobs.start('do_big_job', { name, concurrencyKey: key, data: { parts } });
    const failed = await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.stoppedAt !== null);
    expect(failed).toMatchObject({ status: 'failed', total: 0, interrupted: false });
    expect(failed.error).toContain(`could not join concurrency key "${key}"`);
    expect(failed.error).toContain('the key refused us');

    refuse.join = false;
    await jobs.retry(name);
    const rerun = await jobs.wait(name);
    expect(rerun).toMatchObject({ status: 'success', total: 2, error: null });
  });
});
