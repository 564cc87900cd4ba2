import { ActivityCancellationDetails } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { RunChildrenInput, ChildOutcome } from '../../src/contract/activities';
import { runChildrenActivity } from '../../src/activities/run-children';
import { LocalInterrupts } from '../../src/activities/local-interrupts';
import { JobApplication } from '../../src/application';
import { DEFAULT_RETRY } from '../../src/jobs/options';

/** The pack activity as a plain function, in the SDK's activity test environment (no server involved). */
function packRunner() {
  const ran: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const app = new JobApplication().topic<{ fail?: boolean }>('work', {
    process: async ({ fail }, { jobName }) => {
      ran.push(jobName);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (fail) throw new Error(`${jobName} failed`);
      return { done: jobName };
    },
  });
  return { run: runChildrenActivity(app, new LocalInterrupts()), ran, mostAtOnce: () => mostAtOnce };
}

const input = (names: string[], slots: number): RunChildrenInput => ({
  slots,
  maxAttempts: DEFAULT_RETRY.maxAttempts,
  children: names.map((name) => ({ name, topic: 'work', attempt: 1, payload: { fail: name === 'bad' } })),
});

/** A client whose batch answers the pack's interrupts query with `answer()`. */
const batchAnswering = (answer: () => Promise<Record<string, boolean>>) =>
  ({
    workflow: { getHandle: () => ({ query: answer }) },
    withAbortSignal: (_signal: AbortSignal, fn: () => unknown) => fn(),
  }) as never;

/** A pack of batch 0 of root "root", its id its first child's name. */
const packInfo = () => ({ activityId: 'a', workflowExecution: { workflowId: 'root/batch/0', runId: 'run' } });

describe('the pack activity', () => {
  it('runs its children in order, no more at once than its slots, each with its own outcome', async () => {
    const { run, ran, mostAtOnce } = packRunner();
    const outcomes: ChildOutcome[] = await new MockActivityEnvironment(packInfo()).run(
      run,
      input(['a', 'b', 'bad', 'c', 'd'], 2),
    );
    expect(ran).toEqual(['a', 'b', 'bad', 'c', 'd']);
    expect(mostAtOnce()).toBe(2);
    expect(outcomes.map((o) => [o.name, o.status, o.attempt])).toEqual([
      ['a', 'success', 1],
      ['b', 'success', 1],
      ['bad', 'retry', 1],
      ['c', 'success', 1],
      ['d', 'success', 1],
    ]);
    expect(outcomes[0].result).toEqual({ done: 'a' });
    expect(outcomes[2].error).toBe('bad failed');
  });

  it('after a lost worker, runs again only what it had not finished, as the next attempt', async () => {
    const { run, ran } = packRunner();
    const finished: ChildOutcome = {
      name: 'a',
      status: 'success',
      attempt: 1,
      startedAt: '2026-11-28T10:00:00.000Z',
      stoppedAt: '2026-11-28T10:00:00.005Z',
      result: { done: 'a' },
    };
    const env = new MockActivityEnvironment({
      attempt: 2,
      heartbeatDetails: { begun: ['a', 'b'], progress: {}, done: { a: finished } },
    });
    const outcomes: ChildOutcome[] = await env.run(run, input(['a', 'b'], 2));
    expect(ran).toEqual(['b']);
    expect(outcomes).toEqual([
      finished,
      expect.objectContaining({ name: 'b', status: 'success', attempt: 2 }),
    ]);
  });

  it('charges a lost worker to the child it was running, not to those waiting in the pack', async () => {
    const { run, ran } = packRunner();
    // One slot: v had begun when its worker died; a and b had not.
    const env = new MockActivityEnvironment({
      ...packInfo(),
      attempt: 2,
      heartbeatDetails: { begun: ['v'], progress: {}, done: {}, attempt: 1 },
    });
    const outcomes: ChildOutcome[] = await env.run(run, { ...input(['v', 'a', 'b'], 1), maxAttempts: 1 });
    expect(ran).toEqual(['a', 'b']);
    expect(outcomes.map((o) => [o.name, o.status, o.attempt])).toEqual([
      ['v', 'failed', 1],
      ['a', 'success', 1],
      ['b', 'success', 1],
    ]);
    expect(outcomes[0].error).toContain('No attempts left');
  });

  it('fails a child whose attempts were used up by lost workers, without running it', async () => {
    const { run, ran } = packRunner();
    const env = new MockActivityEnvironment({ ...packInfo(), attempt: 4 }); // three workers lost on attempts 1..3
    const [outcome]: ChildOutcome[] = await env.run(run, input(['a'], 1));
    expect(ran).toEqual([]);
    expect(outcome).toMatchObject({ status: 'failed', attempt: 3, startedAt: null });
    expect(outcome.error).toContain('No attempts left');
  });

  it('once an interrupt reaches it, begins no child until its batch has said which are interrupted', async () => {
    const ran: string[] = [];
    let finishA!: () => void;
    const app = new JobApplication().topic('work', {
      process: async (_payload, { jobName }) => {
        ran.push(jobName);
        if (jobName === 'a') await new Promise<void>((resolve) => (finishA = resolve));
      },
    });
    let answer!: (interrupts: Record<string, boolean>) => void;
    const asked = new Promise<Record<string, boolean>>((resolve) => (answer = resolve));
    // The batch's answer to the pack's query, held until the test gives it.
    const env = new MockActivityEnvironment(packInfo(), { client: batchAnswering(() => asked) });
    const outcomes: Promise<ChildOutcome[]> = env.run(
      runChildrenActivity(app, new LocalInterrupts()),
      input(['a', 'b', 'c'], 1),
    );
    await until(() => ran.length === 1);
    env.cancel('CANCELLED', new ActivityCancellationDetails({ cancelRequested: true }));
    finishA(); // the slot is free, and b is next: it waits for the answer
    // Time for b to begin if nothing held it (a loaded machine can only hide the fault, never fake one).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ran).toEqual(['a']);
    answer({ b: false }); // b is interrupted (gracefully), c is not
    expect((await outcomes).map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['a', 'success'],
      ['b', 'cancelled'],
      ['c', 'success'],
    ]);
    expect(ran).toEqual(['a', 'c']);
  });

  describe('told by its root, interrupted on the same worker, before its batch cancels it', () => {
    /** A pack of a, b, c with one slot, `a` running until the test ends it (or its processor is aborted). */
    function heldPack() {
      const ran: string[] = [];
      let finishA!: () => void;
      const app = new JobApplication().topic('work', {
        process: async (_payload, { jobName, signal }) => {
          ran.push(jobName);
          if (jobName !== 'a') return;
          await new Promise<void>((resolve, reject) => {
            finishA = resolve;
            signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
          });
        },
      });
      const local = new LocalInterrupts();
      // Once cancelled, the pack asks its batch (when children are left to run): every child is interrupted.
      const answer = async () => ({ a: false, b: false, c: false });
      const env = new MockActivityEnvironment(packInfo(), { client: batchAnswering(answer) });
      let returned = false;
      const running: Promise<ChildOutcome[]> = env.run(
        runChildrenActivity(app, local),
        input(['a', 'b', 'c'], 1),
      );
      const outcomes = running.finally(() => (returned = true));
      const statuses = async () => (await outcomes).map((outcome) => [outcome.name, outcome.status]);
      return { ran, local, env, statuses, finishA: () => finishA(), returned: () => returned };
    }
    const cancelRequested = new ActivityCancellationDetails({ cancelRequested: true });

    it('graceful: begins no other child, and returns only once the cancel has come', async () => {
      const pack = heldPack();
      await until(() => pack.ran.length === 1);
      pack.local.rootInterrupted('root', false);
      pack.finishA();
      // Time for b to begin, or the pack to return, if the hint did not hold them.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pack.ran).toEqual(['a']);
      expect(pack.returned()).toBe(false);
      pack.env.cancel('CANCELLED', cancelRequested);
      expect(await pack.statuses()).toEqual([
        ['a', 'success'],
        ['b', 'cancelled'],
        ['c', 'cancelled'],
      ]);
      expect(pack.ran).toEqual(['a']);
      expect(pack.local.listenedRoots).toBe(0);
    });

    it('forced: the running processor is aborted too', async () => {
      const pack = heldPack();
      await until(() => pack.ran.length === 1);
      pack.local.rootInterrupted('root', true);
      pack.env.cancel('CANCELLED', cancelRequested);
      expect(await pack.statuses()).toEqual([
        ['a', 'cancelled'],
        ['b', 'cancelled'],
        ['c', 'cancelled'],
      ]);
      expect(pack.ran).toEqual(['a']);
    });

    it("another root's interrupt changes nothing", async () => {
      const pack = heldPack();
      await until(() => pack.ran.length === 1);
      pack.local.rootInterrupted('root2', true);
      pack.local.rootInterrupted('roo', true);
      pack.finishA();
      expect(await pack.statuses()).toEqual([
        ['a', 'success'],
        ['b', 'success'],
        ['c', 'success'],
      ]);
    });
  });
});

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}
