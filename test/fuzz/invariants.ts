/**
 * The invariants the fuzzer checks over every root after each operation (checkInvariants) and at the end of a
 * run, once nothing holds the roots (settle): see test/fuzz/engine-model.ts for the list.
 */
import type { ChildJobState, ChildRecord, RootStatusAnswer } from '../../src/contract/jobs';
import { JobNotFoundError } from '../../src/errors';
import { finalRootStatus, isFinal, totalOf } from '../../src/jobs/status';
import { maxOverlap } from '../helpers/overlap';
import { diagnoseOpenRoot } from './diagnose';
import type { FuzzSystem as Real } from './fuzz-system';
import { tolerate, type Model, type RootModel } from './model';

/**
 * An interrupt reaches a pack that is running within a heartbeat or two (the worker's heartbeats go out every
 * second): a child in it may begin meanwhile. Past this, one that begins is a fault.
 */
const INTERRUPT_REACHES_MS = 10_000;
/** Once nothing holds them, every root stops within this. */
const SETTLE_MS = 180_000;

/** Checks every root of the model; throws naming the root and the broken invariant. */
export async function checkInvariants(model: Model, real: Real, final = false): Promise<void> {
  for (const root of model.roots.values()) {
    let read: RootStatusAnswer;
    try {
      read = (await real.jobs.status(root.name, { limit: 200 })) as RootStatusAnswer;
    } catch (err) {
      throw new Error(`${root.name}: a status read failed: ${withCause(err)}`);
    }
    const fail = (what: string) => {
      throw new Error(
        `${root.name}: ${what}\n${JSON.stringify({ ...read, children: read.children.slice(0, 5) })}`,
      );
    };
    const { counts } = read;
    if (Object.values(counts).some((count) => count < 0)) fail('a count is negative');
    if (totalOf(counts) !== read.total) fail(`counts sum to ${totalOf(counts)}, the total is ${read.total}`);
    if (read.total > root.size) fail(`${read.total} children, ${root.size} planned`);
    if (read.stoppedAt === null) {
      if (isFinal(read.status)) fail(`says ${read.status} although it has not stopped`);
    } else {
      const rule = read.error && !read.interrupted ? 'failed' : finalRootStatus(counts, read.interrupted);
      if (read.status !== rule) fail(`stopped ${read.status}, while its rule says ${rule}`);
    }
    const limit = root.maxAttempts * (1 + root.retries);
    for (const record of read.children) {
      if (record.attempts > limit) fail(`child ${record.name} used ${record.attempts} attempts of ${limit}`);
    }
    const limitRead = Math.min(root.maxParallelSeen, root.keyed ? model.keyLimitSeen : Infinity);
    if (counts.running > limitRead && (await overLimitAgain(real, root.name, limitRead))) {
      if (counts.running > root.maxParallelSeen)
        fail(`${counts.running} children running, its limit is ${root.maxParallelSeen}`);
      fail(`${counts.running} children running, its key's limit is at most ${model.keyLimitSeen}`);
    }
    if (final) {
      if (read.stoppedAt === null) fail('has not stopped');
      if (!read.error && !read.interrupted && read.total !== root.size)
        fail(`stopped with ${read.total} of ${root.size} children`);
      const pages =
        read.children.length < read.total
          ? ((await real.jobs.status(root.name, { limit: 1000 })) as RootStatusAnswer).children
          : read.children;
      if (pages.some((record) => !isFinal(record.status))) fail('a child has no final status');
      const byStatus = Object.fromEntries(Object.keys(counts).map((status) => [status, 0])) as Record<
        string,
        number
      >;
      for (const record of pages) byStatus[record.status]++;
      if (JSON.stringify(byStatus) !== JSON.stringify({ ...byStatus, ...counts }))
        fail(`its counts are not its children's: ${JSON.stringify(byStatus)}`);
      await checkChildReads(real, root, pages, fail);
    }
  }
}

/**
 * A child read by its id says what the root's page says of it, and a name this root never had is not found: a
 * name is used again, and an earlier root's batches (ended or left running) must not answer for the new one.
 */
async function checkChildReads(
  real: Real,
  root: RootModel,
  pages: ChildRecord[],
  fail: (what: string) => never,
): Promise<void> {
  const sample = new Set([pages[0], pages[Math.floor(pages.length / 2)], pages[pages.length - 1]]);
  for (const record of sample) {
    if (!record) continue;
    const one = (await real.jobs.status(`${root.name}/${record.name}`)) as ChildJobState;
    if (one.kind !== 'child' || one.status !== record.status || one.attempts !== record.attempts)
      fail(
        `child ${record.name} read by id: ${JSON.stringify(one)}; its page says ${JSON.stringify(record)}`,
      );
  }
  const stranger = `${root.name}/c${root.size}`;
  const found = await real.jobs.status(stranger).catch((err: unknown) => {
    if (err instanceof JobNotFoundError) return undefined;
    throw err;
  });
  if (found) fail(`${stranger} was found, the root has ${root.size} children: ${JSON.stringify(found)}`);
}

/** An error's message with its cause's (a ServiceError's gRPC code and details say what the server refused). */
function withCause(err: unknown): string {
  const { message, cause } = err as Error & { cause?: { code?: number; details?: string; message?: string } };
  const ours = ((err as Error).stack ?? '').split('\n').filter((line) => line.includes('/src/'));
  const said = cause ? `${message} (cause: code ${cause.code}, ${cause.details ?? cause.message})` : message;
  return [said, ...ours.slice(0, 6)].join('\n');
}

/**
 * A status read asks the root's running batches at once, each answering for its own instant: a slot that moves
 * from one batch to another meanwhile (a child ends in one, the root lends the slot, the other begins a child)
 * can be counted in both. That lasts a moment, so a read over the limit counts only if the next two are too;
 * what ran at once is measured exactly from the processors' own log at the end (checkProcessorRuns).
 */
async function overLimitAgain(real: Real, name: string, limit: number): Promise<boolean> {
  for (let again = 0; again < 2; again++) {
    const read = (await real.jobs.status(name, { limit: 0 })) as RootStatusAnswer;
    if (read.counts.running <= limit) return false;
  }
  return true;
}

/** Lets every root finish: a worker up, nothing paused; then each must stop within SETTLE_MS. */
export async function settle(model: Model, real: Real): Promise<void> {
  if (real.workers.length === 0) await real.startWorker();
  for (const root of model.roots.values()) {
    if (root.paused) await tolerate(() => real.jobs.resume(root.name));
  }
  const settling = Date.now();
  const deadline = settling + SETTLE_MS;
  for (const root of model.roots.values()) {
    for (;;) {
      const read = (await real.jobs.status(root.name, { limit: 0 })) as RootStatusAnswer;
      if (read.stoppedAt !== null) break;
      if (Date.now() > deadline)
        throw new Error(
          `${root.name}: still ${read.status} ${SETTLE_MS / 1000} s after nothing held it: ${JSON.stringify(read)}\n` +
            (await diagnoseOpenRoot(real.client, root.name)),
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  real.slowestSettleMs = Math.max(real.slowestSettleMs, Date.now() - settling);
  await checkInvariants(model, real, true);
  checkProcessorRuns(model, real);
}

/**
 * Measured from the processors themselves (each run logs its start and end in the worker): no more of a root's
 * children ran at once than its largest limit, nor of the keyed roots than the key's; and none began once an
 * interrupt of it (or of its root) had had time to reach the workers, until a retry put it back in line.
 */
function checkProcessorRuns(model: Model, real: Real): void {
  const runs = real.processorRuns().filter((run) => model.limits.has(run.root));
  for (const [tag, { maxParallel }] of model.limits) {
    const most = maxOverlap(runs.filter((run) => run.root === tag));
    if (most > maxParallel)
      throw new Error(`${tag}: ${most} processors ran at once, its limit is ${maxParallel}`);
  }
  for (const { tag, child, from, until } of model.interrupts) {
    const late = runs.find(
      (run) =>
        run.root === tag &&
        (child === null || run.name === child) &&
        run.start > from + INTERRUPT_REACHES_MS &&
        run.start < until,
    );
    if (late)
      throw new Error(
        `${tag}: child ${late.name} began ${late.start - from} ms after an interrupt of ${child ?? 'its root'}`,
      );
  }
  const keyed = runs.filter((run) => model.limits.get(run.root)?.keyed);
  const most = maxOverlap(keyed);
  if (most > model.keyLimitSeen)
    throw new Error(
      `${most} processors of the key's roots ran at once, its limit is at most ${model.keyLimitSeen}`,
    );
}
