/**
 * The test kit (temporal-root-jobs/testing) from its sources: an environment on the dev server, the helpers
 * that read jobs, the fake ChildContext and the planner runner, and their refusals. The example of docs/testing-your-jobs.md runs
 * on the time-skipping server from the packed tarball (test/package/).
 */
import { JobApplication } from '../../src/application';
import {
  childrenByStatus,
  createJobTestEnvironment,
  fakeChildContext,
  runPlanner,
  waitForStatus,
  type JobTestEnvironment,
} from '../../src/testing';

let release!: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
const app = new JobApplication()
  .topic<{ names: string[] }>('parts', {
    plan: ({ names }) => names.map((name) => ({ name, topic: name === 'held' ? 'held' : 'part' })),
  })
  .topic('part', { process: () => true })
  .topic('held', { process: () => released })
  .topic<{ pages: number }>('paged', {
    plan: (_payload, { cursor }) => {
      const page = Number(cursor ?? 0);
      return {
        children: [{ name: `p${page}`, topic: 'part' }],
        nextCursor: page < 2 ? String(page + 1) : null,
      };
    },
  });

describe('the test kit on the dev server', () => {
  let testEnv: JobTestEnvironment;
  beforeAll(async () => {
    testEnv = await createJobTestEnvironment({ app, server: 'dev', log: () => undefined });
  });
  afterAll(async () => {
    release();
    await testEnv?.teardown();
  });

  it('runs a root on its own worker; waitForStatus and childrenByStatus read it', async () => {
    const { jobs } = testEnv;
    await jobs.start('parts', { name: 'kit-root', data: { names: ['a', 'held', 'b'] } });
    await waitForStatus(jobs, 'kit-root/a', 'success');
    expect((await childrenByStatus(jobs, 'kit-root')).success).toEqual(expect.arrayContaining(['a', 'b']));
    await expect(waitForStatus(jobs, 'kit-root/a', 'failed')).rejects.toThrow(
      'Job "kit-root/a" ended success, not failed.',
    );
    await expect(waitForStatus(jobs, 'kit-root/held', 'success', { timeoutMs: 300 })).rejects.toThrow(
      /is (new|running) after 300 ms, not success/,
    );
    release();
    expect(await jobs.wait('kit-root')).toMatchObject({ status: 'success', counts: { success: 3 } });
    const byStatus = await childrenByStatus(jobs, 'kit-root');
    expect(byStatus).toMatchObject({ success: ['a', 'held', 'b'], failed: [], new: [] });
    await expect(childrenByStatus(jobs, 'kit-root/a')).rejects.toThrow(/is a child job/);
    await expect(waitForStatus(jobs, 'kit-root/never', 'success', { timeoutMs: 300 })).rejects.toThrow(
      'Job "kit-root/never" does not exist after 300 ms, not success.',
    );
  });

  it('refuses an unknown server by name', async () => {
    await expect(createJobTestEnvironment({ app, server: 'prod' as 'dev' })).rejects.toThrow(
      `server must be 'time-skipping' or 'dev'; got "prod"`,
    );
  });
});

describe('fakeChildContext and runPlanner (no server)', () => {
  it('records progress and aborts the signal on interrupt', async () => {
    const fake = fakeChildContext({ jobName: 'x', rootId: 'r', attempt: 2 });
    expect(fake.context).toMatchObject({ jobId: 'r/x', jobName: 'x', rootId: 'r', attempt: 2 });
    fake.context.reportProgress(0.5);
    fake.context.reportProgress(1);
    expect(fake.progress).toEqual([0.5, 1]);
    expect(fake.context.signal.aborted).toBe(false);
    fake.interrupt();
    expect(fake.context.signal.aborted).toBe(true);
    expect(() => fakeChildContext({ attempt: 0 })).toThrow(/attempt must be a whole number from 1/);
  });

  it('plans page after page, as the engine cuts them into batches', async () => {
    const plan = await runPlanner(app, 'paged', { pages: 3 });
    expect(plan.children.map((child) => child.name)).toEqual(['p0', 'p1', 'p2']);
    const many = await runPlanner(app, 'parts', { names: ['a', 'b', 'c', 'd', 'e'] }, { batchSize: 2 });
    expect(many).toMatchObject({ batches: 3 });
    expect(many.children[0]).toMatchObject({ name: 'a', topic: 'part', runAs: 'activity', pack: true });
  });

  it('refuses what the engine refuses: names twice, bad names, unknown topics', async () => {
    await expect(runPlanner(app, 'parts', { names: ['a', 'a'] })).rejects.toThrow(
      'The planner of "parts" planned two children named "a"',
    );
    await expect(runPlanner(app, 'parts', { names: ['a/b'] })).rejects.toThrow(/"a\/b"/);
    await expect(runPlanner(app, 'nope', {})).rejects.toThrow(/nope/);
  });
});
