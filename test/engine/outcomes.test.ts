import type { StartJobOptions } from '../../src/jobs/options';
import type { ChildTransition } from '../../src/contract/messages';
import { packOutcomes, signalsReceived } from '../helpers/history';
import { childStatus, createJobTestbed, uniqueName, type JobTestbed } from '../helpers/jobs';

describe.each<[string, StartJobOptions]>([
  ['activity mode', {}],
  ['child-workflow mode', { runChildrenAs: 'workflow' }],
])('child outcomes, %s (time-skipping server)', (mode, modeOptions) => {
  let testbed: JobTestbed;
  beforeAll(async () => {
    testbed = await createJobTestbed('time-skipping');
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('runs every child to success and ends the root success', async () => {
    const name = uniqueName('all-good');
    const started = await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      data: { parts: [{ name: 'a', durationMs: 50 }, { name: 'b' }, { name: 'c' }] },
    });
    expect(started).toMatchObject({ id: name, attached: false });
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({ id: name, status: 'success', interrupted: false, progress: 1, total: 3 });
    expect(final.counts).toEqual({
      new: 0,
      running: 0,
      success: 3,
      failed: 0,
      failed_redelivered: 0,
      cancelled: 0,
    });
    expect(final.children.map((child) => [child.name, child.status, child.attempts])).toEqual([
      ['do_small_job:a', 'success', 1],
      ['do_small_job:b', 'success', 1],
      ['do_small_job:c', 'success', 1],
    ]);
    for (const child of final.children) {
      expect(child.id).toBe(`${name}/${child.name}`);
      expect(child.startedAt).not.toBeNull();
      expect(child.stoppedAt).not.toBeNull();
    }
    const own = await childStatus(testbed.jobs, `${name}/do_small_job:a`);
    expect(own).toMatchObject({ kind: 'child', rootId: name, status: 'success', progress: 1 });
    expect(own.result).toMatchObject({ name: 'a' });
  });

  it('fails a child at once, without retry, when its processor returns false', async () => {
    const name = uniqueName('invalid');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      data: { parts: [{ name: 'ok' }, { name: 'bad', valid: false }] },
    });
    const final = await testbed.jobs.wait(name);
    expect(final.status).toBe('failed');
    expect(final.progress).toBe(1);
    const bad = final.children.find((child) => child.name === 'do_small_job:bad')!;
    expect(bad).toMatchObject({ status: 'failed', attempts: 1 });
    expect(bad.error).toContain('returned false');
    expect(testbed.loggedErrors.some((line) => line.includes('"name":"bad"'))).toBe(true);
  });

  it('retries a throwing child (failed_redelivered) until it succeeds', async () => {
    const name = uniqueName('flaky');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      data: { parts: [{ name: 'flaky', failTimes: 2 }] },
    });
    const final = await testbed.jobs.wait(name);
    expect(final.status).toBe('success');
    expect(final.children[0]).toMatchObject({ status: 'success', attempts: 3, error: null });
    if (mode === 'activity mode') {
      // Each attempt is its own activity of the batch; the batch waits out the backoff between them.
      const outcomes = await packOutcomes(testbed.client, `${name}/batch/0`);
      expect(outcomes.map((o) => `${o.status}#${o.attempt}`)).toEqual(['retry#1', 'retry#2', 'success#3']);
    } else {
      const transitions = await signalsReceived<ChildTransition>(
        testbed.client,
        `${name}/batch/0`,
        'childTransition',
      );
      // The batch counts a child running from its start; it hears of each retry and of each attempt after it.
      expect(transitions.map((t) => `${t.status}#${t.attempt}`)).toEqual([
        'failed_redelivered#1',
        'running#2',
        'failed_redelivered#2',
        'running#3',
      ]);
    }
  });

  it('fails a child with the last error once its attempts are used up', async () => {
    const name = uniqueName('hopeless');
    await testbed.jobs.start('do_big_job', {
      name,
      ...modeOptions,
      maxAttempts: 2,
      data: { parts: [{ name: 'hopeless', failTimes: 5 }, { name: 'fine' }] },
    });
    const final = await testbed.jobs.wait(name);
    expect(final.status).toBe('failed');
    expect(final.counts).toMatchObject({ success: 1, failed: 1 });
    const hopeless = final.children.find((child) => child.name === 'do_small_job:hopeless')!;
    expect(hopeless).toMatchObject({ status: 'failed', attempts: 2 });
    expect(hopeless.error).toContain('failing on purpose on attempt 2');
  });
});
