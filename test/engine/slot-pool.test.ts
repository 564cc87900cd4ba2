import { JobApplication } from '../../src/application';
import type { ChildJobState, RootStatusAnswer } from '../../src/contract/jobs';
import { isFinal } from '../../src/jobs/status';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';

/** Children that record how many of them run at once; `hold` keeps one running until released. */
function probeApplication() {
  const probe = { now: 0, max: 0, release: () => undefined as void };
  let held: Promise<void> = Promise.resolve();
  const app = new JobApplication()
    .topic<{ names: string[] }>('fan_out', {
      plan: ({ names }) => names.map((name) => ({ name, topic: 'work', payload: { hold: name === 'hold' } })),
    })
    .topic<{ hold: boolean }>('work', {
      pack: false,
      process: async ({ hold }) => {
        probe.now++;
        probe.max = Math.max(probe.max, probe.now);
        if (hold) {
          held = new Promise((resolve) => (probe.release = resolve));
          await held;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        probe.now--;
        return true;
      },
    });
  return { app, probe };
}

describe('one slot pool per root (time-skipping server)', () => {
  let testbed: JobTestbed;
  const { app, probe } = probeApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping', app);
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('strands no batch when every child of a later batch is interrupted before its turn', async () => {
    const name = uniqueName('stranded');
    // Six children in three batches of two, one running at a time; the first is held while we interrupt.
    await testbed.jobs.start('fan_out', {
      name,
      batchSize: 2,
      maxParallel: 1,
      data: { names: ['hold', 'a', 'b', 'c', 'd', 'e'] },
    });
    try {
      await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.running === 1);
      expect((await testbed.jobs.status(`${name}/hold`)) as ChildJobState).toMatchObject({
        status: 'running',
      });
      await testbed.jobs.interrupt(`${name}/b`);
      await testbed.jobs.interrupt(`${name}/c`);
      // Batch 1 ends at once, all its children cancelled; the slot must still reach batch 2.
      await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.cancelled === 2);
    } finally {
      probe.release();
    }
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ status: 'cancelled', interrupted: false, total: 6 });
    expect(final.counts).toMatchObject({ success: 4, cancelled: 2, new: 0, running: 0 });
    expect(final.children.map((child) => `${child.name}:${child.status}`)).toEqual([
      'hold:success',
      'a:success',
      'b:cancelled',
      'c:cancelled',
      'd:success',
      'e:success',
    ]);
    expect(probe.max).toBe(1);
  });

  it('keeps the parallel limit across overlapping batches', async () => {
    probe.max = probe.now;
    const name = uniqueName('limit');
    const names = Array.from({ length: 12 }, (_, i) => `c${i}`);
    await testbed.jobs.start('fan_out', { name, batchSize: 3, maxParallel: 4, data: { names } });
    const final = await testbed.jobs.wait(name);
    expect(final.counts.success).toBe(12);
    expect(final.children.every((child) => isFinal(child.status))).toBe(true);
    expect(probe.max).toBeLessThanOrEqual(4);
    expect(probe.max).toBeGreaterThan(1);
  });
});
