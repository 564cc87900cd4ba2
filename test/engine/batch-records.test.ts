import { JobApplication } from '../../src/application';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import type { BatchResult } from '../../src/contract/messages';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { decodePayloadAt } from '../../src/client/sdk-internals';
import { UNSUPPORTED, lastEvents } from '../../src/client/run-history';
import { batchWorkflowId } from '../../src/jobs/ids';
import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/** Children c0…c{count-1}: c2, c5 fail once and then succeed, c3 and c7 fail for good; the others succeed. */
const app = new JobApplication()
  .topic<{ count: number }>('fan_out', {
    plan: ({ count }) =>
      Array.from({ length: count }, (_, i) => ({ name: `c${i}`, topic: 'work', payload: { i } })),
  })
  .topic<{ i: number }>('work', {
    process: ({ i }, { attempt }) => {
      if (i % 4 === 3) return false;
      if (i % 3 === 2 && attempt === 1) throw new Error('once');
      return { i };
    },
  });

describe.each<['time-skipping' | 'dev-server']>([['time-skipping'], ['dev-server']])(
  "a batch's records stay in its own history (%s)",
  (server) => {
    let testbed: JobTestbed;
    beforeAll(async () => {
      testbed = await createJobTestbed(server, app);
    });
    afterAll(async () => {
      await testbed?.teardown();
    });

    it("ends with counts alone, so its root's history holds no records; reads still have every record", async () => {
      const name = uniqueName('kept');
      await testbed.jobs.start('fan_out', { name, batchSize: 3, maxAttempts: 2, data: { count: 8 } });
      const final = await testbed.jobs.wait(name);
      expect(final.counts).toMatchObject({ success: 6, failed: 2 });

      // Every batch closed with its counts; the root's history got those and not one child's record.
      const { events } = await testbed.client.workflow.getHandle(name).fetchHistory();
      const converter = testbed.client.options.loadedDataConverter;
      const results = await Promise.all(
        (events ?? [])
          .map((event) => event.childWorkflowExecutionCompletedEventAttributes?.result?.payloads)
          .filter((payloads) => payloads !== undefined)
          .map((payloads) => decodePayloadAt<BatchResult>(converter, 0, payloads)),
      );
      expect(results).toHaveLength(3);
      expect(results.map((result) => result.children)).toEqual([[], [], []]);
      expect(results.reduce((sum, { counts }) => sum + counts.success + counts.failed, 0)).toBe(8);

      // Read from the batches' own histories: each child's status and attempts, across the three batches.
      const page = (await testbed.jobs.status(name, { limit: 8 })) as RootStatusAnswer;
      expect(page.children.map(({ name: child, status, attempts }) => [child, status, attempts])).toEqual(
        Array.from({ length: 8 }, (_, i) => [
          `c${i}`,
          i % 4 === 3 ? 'failed' : 'success',
          i % 4 !== 3 && i % 3 === 2 ? 2 : 1,
        ]),
      );
      if (server === 'dev-server') {
        // One call reads a closed batch: its close event and the marker with its records are its last events.
        const tail = await lastEvents(testbed.client, { workflowId: batchWorkflowId(name, 1) }, 4);
        const types = tail === UNSUPPORTED ? [] : tail.map((event) => EventType[event.eventType ?? 0]);
        expect(types.slice(0, 2)).toEqual([
          'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
          'EVENT_TYPE_MARKER_RECORDED',
        ]);
      }
      const child = await testbed.jobs.status(`${name}/c5`);
      expect(child).toMatchObject({ status: 'success', attempts: 2, result: { i: 5 } });
    });
  },
);
