import { largestHistory } from '../helpers/history-report';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';

const CHILDREN = 5000;
/** The server's warning threshold for one workflow's history. */
const HISTORY_WARNING = 10_240;

describe(`a root with ${CHILDREN} children on the dev server`, () => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it(
    'finishes every child and keeps every workflow history under the warning threshold',
    async () => {
      const name = uniqueName('big');
      const parts = Array.from({ length: CHILDREN }, (_, i) => ({ name: `part-${i}` }));
      const started = Date.now();
      await testbed.jobs.start('do_big_job', { name, maxParallel: 50, data: { parts } });
      const final = await testbed.jobs.wait(name);
      const seconds = (Date.now() - started) / 1000;

      expect(final).toMatchObject({ status: 'success', total: CHILDREN, progress: 1 });
      expect(final.counts.success).toBe(CHILDREN);
      const history = await largestHistory(testbed.client, name);
      // root + 25 batches: the children are activities of their batches
      expect(history.workflows).toBe(1 + CHILDREN / 200);
      expect(history.maxLength).toBeLessThan(HISTORY_WARNING);
      console.log(
        `${CHILDREN} children in ${seconds.toFixed(1)} s; longest history ${history.maxLength} events ` +
          `(${history.maxId}), root ${history.rootLength}`,
      );
    },
    15 * 60 * 1000,
  );
});
