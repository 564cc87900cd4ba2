/**
 * A concurrency key shared by several roots (dev server): never more than its limit run at once,
 * measured from the children's records and from their processors; the roots share the slots fairly; a lower
 * limit stops nothing and a lifted one lets each root run at its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidJobInputError } from '../../src/errors';
import type { ChildRecord, RootStatusAnswer } from '../../src/contract/jobs';
import { createGatedApplication } from '../fixtures/gated-app';
import { createTimedApplication } from '../fixtures/timed-app';
import { batchWorkflowId } from '../../src/jobs/ids';
import { batchTookGrant } from '../helpers/batch-grants';
import { createJobTestbed, rootStatus, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { maxOverlap, type Interval } from '../helpers/overlap';
import { eventually } from '../helpers/testbed';

const CHILD_MS = 300;
const CHILDREN = 20;
const LIMIT = 3;

function runsOf(children: ChildRecord[]): Interval[] {
  return children.map((child) => ({
    start: Date.parse(child.startedAt ?? ''),
    end: Date.parse(child.stoppedAt ?? ''),
  }));
}

// On the dev server, not the Java time-skipping one: nothing here needs skipped time, and under this
// traffic (signals between workflows while activities complete) the test server's time-skipping lock
// accounting has failed ("IllegalStateException: Unbalanced lock and unlock calls"), losing an activity
// completion and stalling the test.
describe('a concurrency key shared by three roots (dev server)', () => {
  let testbed: JobTestbed;
  const { app, log } = createTimedApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
  });
  afterAll(async () => {
    await testbed?.teardown();
  });

  it('runs at most the limit at once across its roots, and each root gets its share', async () => {
    const key = uniqueName('tenant');
    expect(await testbed.jobs.limit(key, LIMIT)).toEqual({ key, limit: LIMIT });
    const names = ['a', 'b', 'c'].map((letter) => uniqueName(`keyed-${letter}`));
    const startedAt: Record<string, number> = {};
    const start = async (name: string) => {
      startedAt[name] = Date.now();
      await testbed.jobs.start('timed', {
        name,
        maxParallel: 10,
        concurrencyKey: key,
        data: { count: CHILDREN, ms: CHILD_MS },
      });
    };
    // The first root has the key to itself for a while, then the other two join.
    await start(names[0]);
    // From its processors, not a status read (whose counts may be a second behind): the others join early.
    await eventually('the first root to run two children', async () =>
      log.runs.filter((run) => run.rootId === names[0]).length >= 2 ? true : undefined,
    );
    await start(names[1]);
    await start(names[2]);

    const finals = await Promise.all(names.map((name) => testbed.jobs.wait(name)));
    for (const final of finals) {
      expect(final).toMatchObject({ status: 'success', concurrencyKey: key, counts: { success: CHILDREN } });
    }
    const records = await Promise.all(
      names.map(async (name) => (await rootStatus(testbed.jobs, name)).children),
    );
    const runs = records.map(runsOf);
    const all = runs.flat();
    expect(all).toHaveLength(3 * CHILDREN);
    expect(all.every(({ start, end }) => start > 0 && end >= start)).toBe(true);

    const mostAtOnce = maxOverlap(all);
    expect(mostAtOnce).toBeLessThanOrEqual(LIMIT);
    expect(log.maxRunning).toBeLessThanOrEqual(LIMIT);
    expect(mostAtOnce).toBe(LIMIT); // the limit is used, not only respected

    // Fairness, from the order in which children started (not from wall-clock shares, which a busy machine
    // skews): while all three roots had children waiting — from the last root's first start to the first
    // root's last start — each started a fair part of the children, and a root that joined started one soon.
    const starts = runs
      .flatMap((root, index) => root.map((run) => ({ index, start: run.start })))
      .sort((a, b) => a.start - b.start);
    const from = Math.min(...runs[2].map((run) => run.start));
    const to = Math.min(...runs.map((root) => Math.max(...root.map((run) => run.start))));
    const contended = starts.filter(({ start }) => start >= from && start <= to);
    const perRoot = [0, 1, 2].map((index) => contended.filter((run) => run.index === index).length);
    const firstStartsAfterJoin = [1, 2].map((index) => {
      const first = starts.findIndex((run) => run.index === index);
      return starts.slice(0, first).filter((run) => run.start >= startedAt[names[index]]).length;
    });
    const figures = {
      limit: LIMIT,
      childMs: CHILD_MS,
      mostAtOnceFromRecords: mostAtOnce,
      mostAtOnceInProcessors: log.maxRunning,
      contendedStarts: contended.length,
      startsPerRoot: perRoot,
      othersStartedBeforeFirstStartAfterJoin: firstStartsAfterJoin,
    };
    fs.mkdirSync('test-artifacts', { recursive: true });
    fs.writeFileSync(
      path.join('test-artifacts', 'concurrency-key-fairness.json'),
      JSON.stringify(figures, null, 2),
    );
    expect(contended.length).toBeGreaterThanOrEqual(3 * LIMIT);
    // A fair part is a third each; none starves while another has children waiting.
    for (const count of perRoot) expect(count).toBeGreaterThanOrEqual(Math.floor(contended.length / 6));
    // A root that joins does not wait for the first one to finish: it starts a child before that one's last.
    const lastOfFirst = Math.max(...runs[0].map((run) => run.start));
    for (const index of [1, 2])
      expect(Math.min(...runs[index].map((run) => run.start))).toBeLessThan(lastOfFirst);
  });

  it('refuses a bad key or limit by name', async () => {
    await expect(testbed.jobs.limit('k', -1)).rejects.toThrow(/The limit must be a whole number/);
    await expect(testbed.jobs.limit('k', 1.5)).rejects.toThrow(InvalidJobInputError);
    await expect(testbed.jobs.limit('', 3)).rejects.toThrow(/A concurrency key must be a non-empty name/);
    await expect(
      testbed.jobs.start('timed', { concurrencyKey: 'x'.repeat(201), data: { count: 1, ms: 1 } }),
    ).rejects.toThrow(/is 201 bytes \(UTF-8\); the most is 200/);
  });
});

describe('a concurrency key whose limit changes (dev server)', () => {
  let testbed: JobTestbed;
  const { app, gate } = createGatedApplication();
  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
  });
  afterAll(async () => {
    gate.open();
    await testbed?.teardown();
  });
  const startedOf = (prefix: string) => gate.started.filter((name) => name.startsWith(prefix)).length;

  it('a lower limit stops nothing and starts nothing until fewer run; a lifted one frees each root', async () => {
    const key = uniqueName('tenant');
    await testbed.jobs.limit(key, 4);
    const name = uniqueName('keyed-gated');
    const names = Array.from({ length: 10 }, (_, i) => `g${i}`);
    await testbed.jobs.start('gated', { name, maxParallel: 6, concurrencyKey: key, data: { names } });
    // A status read counts a child running once a worker holds it; the gate, once its processor has begun.
    await eventually('four children to begin', async () => startedOf('g') === 4 || undefined);
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.running === 4);
    expect(startedOf('g')).toBe(4);

    await testbed.jobs.limit(key, 1);
    await eventually('the key to ask its slots back', async () => {
      const view = await testbed.jobs.concurrencyKey(key);
      return view.roots[0]?.allowed === 1 ? view : undefined;
    });
    // The recall then goes key → root → batch by signal: release once the batch has taken it.
    await batchTookGrant(testbed.client, batchWorkflowId(name, 0), (grant) => (grant.recalled ?? 0) >= 3);
    gate.release(3);
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (root) => root.counts.success === 3);
    expect(startedOf('g')).toBe(4); // one still runs: at the limit, nothing new
    gate.release(1);
    await eventually('the next child to start', async () => startedOf('g') === 5 || undefined);
    expect(gate.running).toBe(1);

    await testbed.jobs.limit(key, null); // lifted: the root runs at its own limit again
    await eventually('the root to run at its own limit', async () => startedOf('g') === 10 || undefined);
    expect(gate.running).toBe(6); // the one still running and the five left: its own limit
    gate.release(6);
    expect(await testbed.jobs.wait(name)).toMatchObject({ status: 'success', counts: { success: 10 } });
    // The root left its key as it stopped; the key takes that in its next turn.
    await eventually('the key to see its root gone', async () => {
      const view = await testbed.jobs.concurrencyKey(key);
      return view.roots.length === 0 ? view : undefined;
    });
    expect(await testbed.jobs.concurrencyKey(key)).toEqual({ key, limit: null, held: 0, roots: [] });
  });

  it('a root terminated by hand gives its slots back once the key finds it gone', async () => {
    const key = uniqueName('tenant');
    await testbed.jobs.limit(key, 2);
    const gone = uniqueName('keyed-gone');
    await testbed.jobs.start('gated', {
      name: gone,
      concurrencyKey: key,
      data: { names: ['x0', 'x1'] },
    });
    await eventually('both children to begin', async () => startedOf('x') === 2 || undefined);
    await testbed.client.workflow.getHandle(gone).terminate('terminated by hand in a test');
    gate.release(2); // its children finish (its batch outlives it); the key is never told

    const next = uniqueName('keyed-next');
    await testbed.jobs.start('gated', { name: next, concurrencyKey: key, data: { names: ['y0', 'y1'] } });
    // The key checks the roots holding its slots after 10 s of roots waiting.
    await eventually('the next root to get the slots', async () => startedOf('y') === 2 || undefined, 60_000);
    gate.release(2);
    expect(await testbed.jobs.wait(next)).toMatchObject({ status: 'success', counts: { success: 2 } });
  });
});
