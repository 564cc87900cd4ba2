/**
 * A model-based test of the whole engine (issue 18): fast-check draws a list of operations — start roots of
 * random sizes, modes and limits (some sharing a concurrency key), interrupt roots and children (graceful or
 * forced), pause, resume, scale, retry, set or lift the key's limit, terminate a batch as an operator would,
 * kill a worker process and start another, start a second worker, kill the server and start it again on its
 * database, let time pass —
 * and runs them against the real engine on a dev server, through JobClient, with workers in processes of
 * their own. After every operation and at the end, the invariants below must hold for every root; a failing
 * list is shrunk to a short one and printed with its seed (`npm run fuzz`).
 *
 * Invariants, after each operation: a status read answers; counts are never negative and sum to the total; a
 * root that has not stopped says no final status; a stopped root says what Oro's rule says of its counts (or
 * failed, with its error); no child has used more attempts than its limit; no more children run than the
 * largest limit the root (or its key) has had; a start is refused only while the root of that name has not
 * stopped (a stopping root is waited for). At the end, with a worker up and nothing paused: every root stops within
 * a bound, every child has a final status, and the root's counts are its children's; a child read by its id agrees
 * with the root's page, and a name the root never had is not found; measured from the processors'
 * own log, no more ran at once than a root's (or its key's) largest limit, and none began once an interrupt of it
 * or of its root had had time to reach the workers (until a retry put it back in line).
 */
import type { FuzzSystem as Real } from './fuzz-system';
import { checkInvariants, settle } from './invariants';
import { restartInterruptWindows, tolerate, type Model, type RootModel } from './model';
import { runJobs } from '../helpers/cli';
import fc from 'fast-check';
import { DuplicateJobError } from '../../src/errors';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { batchWorkflowId } from '../../src/jobs/ids';
import type { FuzzChild } from '../fixtures/fuzz-app';

const NAMES = 2;

/** The limit a run's concurrency key starts with. */
const KEY_LIMIT = 3;
/** The concurrency key some roots of a run share. */
const keyOf = (model: Model) => `fuzz-key-${model.run}`;

type Command = fc.AsyncCommand<Model, Real>;

const nameOf = (model: Model, index: number) => `fuzz-${model.run}-${index}`;

/** The root an operation on root `index` acts on: one the model has, so that no drawn operation is wasted. */
function target(model: Model, index: number): RootModel {
  const roots = [...model.roots.values()];
  return roots[index % roots.length];
}

/** An operation: what it does, then the invariants over every root. */
abstract class Operation implements Command {
  abstract act(model: Model, real: Real): Promise<void>;
  check(_model: Readonly<Model>): boolean {
    return _model !== undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    await this.act(model, real);
    real.operations++;
    await checkInvariants(model, real);
  }
}

export class Start extends Operation {
  constructor(
    readonly index: number,
    readonly children: FuzzChild[],
    readonly options: {
      maxParallel: number;
      maxAttempts: number;
      batchSize: number;
      workflow: boolean;
      keyed: boolean;
    },
  ) {
    super();
  }
  async act(model: Model, real: Real): Promise<void> {
    const name = nameOf(model, this.index);
    const { maxParallel, maxAttempts, batchSize, workflow, keyed } = this.options;
    const asked = Date.now();
    const tag = `${name}#${++model.starts}`;
    try {
      await real.jobs.start('fuzz_root', {
        name,
        maxParallel,
        maxAttempts,
        batchSize,
        continueAsNewAfterEvents: 300,
        ...(workflow ? { runChildrenAs: 'workflow' as const } : {}),
        ...(keyed ? { concurrencyKey: keyOf(model) } : {}),
        data: { children: this.children.map((child) => ({ ...child, root: tag })) },
      });
    } catch (err) {
      if (err instanceof DuplicateJobError) {
        // Refused: the root of that name must not have stopped before we asked (a stopping root is waited for).
        const open = (await real.jobs.status(name, { limit: 0 })) as RootStatusAnswer;
        if (open.stoppedAt !== null && Date.parse(open.stoppedAt) < asked - 1000)
          throw new Error(`${name}: a start was refused although its root had stopped at ${open.stoppedAt}`);
        return;
      }
      throw err;
    }
    model.limits.set(tag, { maxParallel, keyed });
    model.roots.set(name, {
      name,
      tag,
      size: this.children.length,
      maxAttempts,
      retries: 0,
      maxParallelSeen: maxParallel,
      paused: false,
      keyed,
    });
  }
  toString = () => `start #${this.index} ${this.children.length} children ${JSON.stringify(this.options)}`;
}

class Interrupt extends Operation {
  constructor(
    readonly index: number,
    readonly child: number | null,
    readonly force: boolean,
    /** Through the CLI (`jobs interrupt`), as an operator would, rather than JobClient. */
    readonly viaCli: boolean,
  ) {
    super();
  }
  check(model: Readonly<Model>): boolean {
    return model.roots.size > 0;
  }
  async act(model: Model, real: Real): Promise<void> {
    const root = target(model, this.index);
    const child = this.child === null ? null : `c${this.child % Math.max(1, root.size)}`;
    const id = child === null ? root.name : `${root.name}/${child}`;
    let accepted = false;
    if (!this.viaCli)
      await tolerate(
        async () => (accepted = (await real.jobs.interrupt(id, { force: this.force })).interrupted),
      );
    else {
      const env = { ...process.env, TEMPORAL_ADDRESS: real.address(), TEMPORAL_TASK_QUEUE: real.taskQueue };
      const { code, stderr } = await runJobs(env, 'interrupt', id, ...(this.force ? ['--force'] : []));
      // 2: the job had stopped or never started, said in one line; anything else is a fault.
      if (code !== 0 && code !== 2) throw new Error(`jobs interrupt ${id} exited ${code}: ${stderr}`);
      accepted = code === 0;
    }
    // A child its root has not planned yet is not found (exit 2): nothing was interrupted, and once planned it
    // runs (seen in a run whose root planned 30 s late, after the server was killed three times).
    if (accepted) model.interrupts.push({ tag: root.tag, child, from: Date.now(), until: Infinity });
  }
  toString = () =>
    `interrupt #${this.index}${this.child === null ? '' : ` child ${this.child}`}${this.force ? ' (forced)' : ''}` +
    (this.viaCli ? ' via the CLI' : '');
}

export class Control extends Operation {
  constructor(
    readonly index: number,
    readonly what: 'pause' | 'resume' | 'scale' | 'retry',
    readonly value: number,
  ) {
    super();
  }
  check(model: Readonly<Model>): boolean {
    return model.roots.size > 0;
  }
  async act(model: Model, real: Real): Promise<void> {
    const root = target(model, this.index);
    const { jobs } = real;
    if (this.what === 'pause')
      await tolerate(async () => (await jobs.pause(root.name), (root.paused = true)));
    if (this.what === 'resume')
      await tolerate(async () => (await jobs.resume(root.name), (root.paused = false)));
    if (this.what === 'scale') {
      root.maxParallelSeen = Math.max(root.maxParallelSeen, this.value);
      model.limits.set(root.tag, { maxParallel: root.maxParallelSeen, keyed: root.keyed });
      await tolerate(() => jobs.scale(root.name, this.value));
    }
    if (this.what === 'retry') {
      root.retries++;
      // Children interrupted before are back in line: they may run again.
      for (const window of model.interrupts)
        if (window.tag === root.tag) window.until = Math.min(window.until, Date.now());
      // A running root stays paused through a retry; a finished one runs again unpaused. Which one it met is
      // not known here, so the model keeps `paused` and the end resumes it either way (harmless when unpaused).
      const statuses = this.value % 2 === 0 ? (['failed'] as const) : (['failed', 'cancelled'] as const);
      await tolerate(() => jobs.retry(root.name, { statuses: [...statuses] }));
    }
  }
  toString = () => `${this.what} #${this.index}${this.what === 'scale' ? ` to ${this.value}` : ''}`;
}

class TerminateBatch extends Operation {
  constructor(
    readonly index: number,
    readonly batch: number,
  ) {
    super();
  }
  check(model: Readonly<Model>): boolean {
    return model.roots.size > 0;
  }
  async act(model: Model, real: Real): Promise<void> {
    const handle = real.client.workflow.getHandle(
      batchWorkflowId(target(model, this.index).name, this.batch),
    );
    await handle.terminate('the model-based test, as an operator').catch(() => undefined); // gone or closed
  }
  toString = () => `terminate #${this.index}/batch/${this.batch}`;
}

/** Sets or lifts the run's concurrency key's limit (`jobs limit KEY N|none`). */
class Limit extends Operation {
  constructor(readonly limit: number | null) {
    super();
  }
  async act(model: Model, real: Real): Promise<void> {
    // Lowering cancels nothing: children over the new limit finish, so the largest limit seen bounds them.
    model.keyLimitSeen = this.limit === null ? Infinity : Math.max(model.keyLimitSeen, this.limit);
    await real.jobs.limit(keyOf(model), this.limit);
  }
  toString = () => `limit the key to ${this.limit ?? 'none'}`;
}

class KillWorker extends Operation {
  async act(model: Model, real: Real): Promise<void> {
    await real.killWorker();
    await real.startWorker();
    restartInterruptWindows(model);
  }
  toString = () => 'kill a worker (SIGKILL) and start another';
}

class RestartServer extends Operation {
  async act(model: Model, real: Real): Promise<void> {
    await real.restartServer();
    restartInterruptWindows(model);
  }
  toString = () => 'kill the server (SIGKILL) and start it again on its database';
}

class AddWorker extends Operation {
  check(model: Readonly<Model>): boolean {
    return model.workers < 2;
  }
  async act(model: Model, real: Real): Promise<void> {
    await real.startWorker();
    model.workers++;
  }
  toString = () => 'start a second worker';
}

class Wait extends Operation {
  constructor(readonly ms: number) {
    super();
  }
  async act(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
  }
  toString = () => `wait ${this.ms} ms`;
}

const child = (index: number) =>
  fc
    .record({
      ms: fc.integer({ min: 0, max: 300 }),
      failTimes: fc.oneof(
        { weight: 4, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
      ),
      invalid: fc.oneof(
        { weight: 9, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map((spec): FuzzChild => ({ name: `c${index}`, ...spec }));

const index = fc.integer({ min: 0, max: NAMES - 1 });

const start = fc
  .tuple(
    index,
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 20 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 2 }),
  )
  .chain(([i, size, maxParallel, maxAttempts, batchSize, workflow, keyed]) =>
    fc.tuple(...Array.from({ length: size }, (_, n) => child(n))).map(
      (children) =>
        new Start(i, children, {
          maxParallel,
          maxAttempts,
          batchSize,
          workflow: workflow && size <= 15,
          keyed: keyed === 0,
        }),
    ),
  );

export const commands = fc.commands(
  [
    start,
    start,
    fc
      .tuple(index, fc.option(fc.integer({ min: 0, max: 39 }), { nil: null }), fc.boolean(), fc.boolean())
      .map(([i, c, force, viaCli]) => new Interrupt(i, c, force, viaCli)),
    fc
      .tuple(
        index,
        fc.constantFrom('pause' as const, 'resume' as const, 'scale' as const, 'retry' as const),
        fc.integer({ min: 1, max: 8 }),
      )
      .map(([i, what, value]) => new Control(i, what, value)),
    fc.tuple(index, fc.integer({ min: 0, max: 3 })).map(([i, batch]) => new TerminateBatch(i, batch)),
    fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }).map((limit) => new Limit(limit)),
    fc.constant(new KillWorker()),
    fc.constant(new RestartServer()),
    fc.constant(new AddWorker()),
    fc.integer({ min: 100, max: 3000 }).map((ms) => new Wait(ms)),
  ],
  { maxCommands: 16, size: 'medium' },
);

let runs = 0;

/** One run of a drawn list of operations, then the end: settle and check. */
export async function runModel(real: Real, cmds: Iterable<Command>): Promise<void> {
  const model: Model = {
    run: `${process.pid}-${++runs}-${Date.now()}`,
    roots: new Map(),
    workers: real.workers.length,
    keyLimitSeen: KEY_LIMIT,
    starts: 0,
    limits: new Map(),
    interrupts: [],
  };
  await real.jobs.limit(keyOf(model), KEY_LIMIT); // before any keyed root starts: the bound holds from the first
  await fc.asyncModelRun(() => ({ model, real }), cmds);
  await settle(model, real);
}
