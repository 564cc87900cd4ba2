/**
 * `npm run bench -- latency [roots]`: how soon work starts and stops, on a fresh tuned dev server with one
 * worker in this process. Start → first child running: from `jobs.start` to the first processor beginning, for
 * each of `roots` roots in turn (p50, p99). Graceful interrupt → last child start: a root of 1,000 children of
 * 100 ms at maxParallel 50 is interrupted once 100 have begun; from `jobs.interrupt` to the last processor
 * that begins after it (0 when none does), for 10 roots (p50, max).
 */
import { JobClient } from '../../src/client/job-client';
import { processorStarts } from './bench-app';
import { median, percentile, startBenchServer } from './harness';

const INTERRUPTED_ROOTS = 10;

export async function benchLatency(roots: number): Promise<void> {
  const bench = await startBenchServer('tuned');
  const starts = new Map<string, number[]>();
  processorStarts.observe = (rootId, at) => {
    const list = starts.get(rootId);
    if (list) list.push(at);
    else starts.set(rootId, [at]);
  };
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const { toFirst, toLast } = await bench.worker.runUntil(async () => {
      const toFirst: number[] = [];
      for (let i = 0; i < roots; i++) {
        const name = `latency-start-${i}`;
        const asked = performance.now();
        await jobs.start('bench_root', { name, data: { count: 4, topic: 'noop' } });
        await until(() => (starts.get(name)?.length ?? 0) > 0);
        toFirst.push(starts.get(name)![0] - asked);
        await jobs.wait(name);
      }
      const toLast: number[] = [];
      for (let i = 0; i < INTERRUPTED_ROOTS; i++) {
        const name = `latency-interrupt-${i}`;
        await jobs.start('bench_root', {
          name,
          maxParallel: 50,
          data: { count: 1000, topic: 'noop', durationMs: 100 },
        });
        await until(() => (starts.get(name)?.length ?? 0) >= 100);
        const asked = performance.now();
        await jobs.interrupt(name);
        await jobs.wait(name);
        const after = (starts.get(name) ?? []).filter((at) => at >= asked);
        toLast.push(after.length > 0 ? Math.max(...after) - asked : 0);
      }
      return { toFirst, toLast };
    });
    console.log(`latency: tuned dev server, one worker`);
    console.log(
      `  start → first child running (${roots} roots)         p50 ${ms(median(toFirst))}, p99 ${ms(percentile(toFirst, 0.99))}`,
    );
    console.log(
      `  graceful interrupt → last child start (${INTERRUPTED_ROOTS} roots)   p50 ${ms(median(toLast))}, max ${ms(Math.max(...toLast))}`,
    );
  } finally {
    delete processorStarts.observe;
    await bench.teardown();
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
