/**
 * `npm run bench -- status-read N`: how long a status read takes on a root of N children — the root with a
 * page of 50 children, and one child by id — while the root runs and after it has finished.
 */
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { median, percentile, startBenchServer, type ServerTuning } from './harness';

const PAGE = 50;

export async function benchStatusRead(
  children: number,
  reads: number,
  tuning: ServerTuning,
  childMs = 50,
): Promise<void> {
  const bench = await startBenchServer(tuning);
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const name = `reads-${children}`;
    const figures = await bench.worker.runUntil(async () => {
      // Children of 50 ms (--child-ms), 20 at a time: the root runs long enough to read it many times.
      await jobs.start('bench_root', {
        name,
        maxParallel: 20,
        data: { count: children, topic: 'noop', durationMs: childMs },
      });
      // Every child planned (so every child id exists) and some finished.
      await waitFor(jobs, name, (root) => root.total === children && root.counts.success > 0);
      const first = done((await jobs.status(name, { limit: 0 })) as RootStatusAnswer);
      const running = await timeReads(jobs, name, children, reads);
      const last = done((await jobs.status(name, { limit: 0 })) as RootStatusAnswer);
      await jobs.wait(name);
      return { running, finished: await timeReads(jobs, name, children, reads), first, last };
    });
    // After the worker has stopped: a finished root needs none.
    const withoutWorker = await timeReads(jobs, name, children, reads);
    console.log(
      `status-read: a root of ${children} children of ${childMs} ms, ${reads} reads of each kind in a row, ${tuning} dev server`,
    );
    console.log(
      `  (while running: ${figures.first}/${children} done at the first read, ${figures.last} at the last)`,
    );
    console.log(
      `  ${'state'.padEnd(28)}  root + ${PAGE} children (median, p95, max)   one child by id (median, p95, max)`,
    );
    for (const [label, timing] of [
      ['running', figures.running],
      ['finished', figures.finished],
      ['finished, no worker running', withoutWorker],
    ] as const) {
      console.log(
        `  ${label.padEnd(28)}  ${ms(median(timing.root))}, ${ms(percentile(timing.root, 0.95))}, ${ms(Math.max(...timing.root))}   ` +
          `${ms(median(timing.child))}, ${ms(percentile(timing.child, 0.95))}, ${ms(Math.max(...timing.child))}`,
      );
    }
  } finally {
    await bench.teardown();
  }
}

async function timeReads(jobs: JobClient, name: string, children: number, reads: number) {
  const root: number[] = [];
  const child: number[] = [];
  for (let read = 0; read < reads; read++) {
    const offset = Math.floor((read / reads) * Math.max(0, children - PAGE));
    let started = performance.now();
    await jobs.status(name, { offset, limit: PAGE });
    root.push(performance.now() - started);
    started = performance.now();
    await jobs.status(`${name}/c${(read * 7919) % children}`);
    child.push(performance.now() - started);
  }
  return { root, child };
}

async function waitFor(
  jobs: JobClient,
  name: string,
  ready: (root: RootStatusAnswer) => boolean,
): Promise<void> {
  for (;;) {
    const root = (await jobs.status(name, { limit: 0 }).catch(() => undefined)) as
      RootStatusAnswer | undefined;
    if (root && ready(root)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function done(root: RootStatusAnswer): number {
  return root.counts.success + root.counts.failed + root.counts.cancelled;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`.padStart(9);
}
