/**
 * Limits a user can hit get a clear, early error and change nothing: payloads too big for Temporal, a child
 * name too long for a workflow id, a result over the limit; and many children with payloads are split into
 * batches by size.
 */
import { JobApplication } from '../../src/application';
import { InvalidJobInputError, JobNotFoundError } from '../../src/errors';
import type { ChildJobState, RootWorkflowState, RootStatusAnswer } from '../../src/contract/jobs';
import { createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';
import { expandState } from '../../src/jobs/batch-runs';

function limitsApplication(): JobApplication {
  return new JobApplication()
    .topic<{ count: number; payloadBytes: number; nameLength?: number }>('fan', {
      plan: ({ count, payloadBytes, nameLength }) =>
        Array.from({ length: count }, (_, i) => ({
          name: nameLength ? `${i}`.padEnd(nameLength, 'x') : `c${i}`,
          topic: 'echo',
          payload: { blob: 'x'.repeat(payloadBytes) },
        })),
    })
    .topic<{ resultBytes: number }>('big_result', {
      plan: ({ resultBytes }) => [{ name: 'big', topic: 'result', payload: { resultBytes } }],
    })
    .topic<{ blob?: string }>('echo', { process: ({ blob }) => ({ length: blob?.length ?? 0 }) })
    .topic<{ resultBytes: number }>('result', { process: ({ resultBytes }) => 'r'.repeat(resultBytes) });
}

describe('limits (time-skipping server)', () => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping', limitsApplication());
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('refuses a root payload over what Temporal accepts, before anything starts', async () => {
    const name = uniqueName('huge');
    const start = testbed.jobs.start('fan', {
      name,
      data: { count: 1, payloadBytes: 1, pad: 'x'.repeat(2_000_000) },
    });
    await expect(start).rejects.toThrow(InvalidJobInputError);
    await expect(start).rejects.toThrow(
      /payload is 2\.0 MB; the most is 1\.9 MB \(Temporal refuses payloads over 2 MB\)/,
    );
    await expect(testbed.jobs.status(name)).rejects.toThrow(JobNotFoundError);
  });

  it('fails the root, saying why, when a child payload is over 256 KB', async () => {
    const name = uniqueName('fat-child');
    await testbed.jobs.start('fan', { name, data: { count: 2, payloadBytes: 300 * 1024 } });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', total: 0 });
    expect(final.error).toMatch(
      /Child "c0" has a payload of 300 KB; a child's payload may be at most 256 KB/,
    );
  });

  it('splits children whose payloads would make a batch too big into more batches', async () => {
    const name = uniqueName('split');
    // 300 children of 8 KB: 2.4 MB in all, far over what one batch may carry.
    await testbed.jobs.start('fan', { name, data: { count: 300, payloadBytes: 8 * 1024 } });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'success', total: 300 });
    const result = (await testbed.client.workflow.getHandle(name).result()) as RootWorkflowState;
    const { batches } = expandState(result); // alike ended batches are written once
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...batches.map((batch) => batch.size))).toBeLessThan(200);
  });

  it('fails the root when a child running as a workflow would get an id longer than servers accept', async () => {
    const name = uniqueName('long-ids').padEnd(100, 'r');
    await testbed.jobs.start('fan', {
      name,
      runChildrenAs: 'workflow',
      data: { count: 1, payloadBytes: 1, nameLength: 199 },
    });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'failed', total: 0 });
    expect(final.error).toMatch(/its workflow id is \d+ bytes; servers allow 255/);
  });

  it('fails a child whose result is over 32 KB, with the sizes', async () => {
    const name = uniqueName('big-result');
    await testbed.jobs.start('big_result', { name, data: { resultBytes: 40_000 } });
    const final = (await testbed.jobs.wait(name)) as RootStatusAnswer;
    expect(final.status).toBe('failed');
    const child = (await testbed.jobs.status(`${name}/big`)) as ChildJobState;
    expect(child).toMatchObject({ status: 'failed', attempts: 1 });
    expect(child.error).toMatch(/The result is 40002 bytes, over the 32768-byte limit/);
  });
});
