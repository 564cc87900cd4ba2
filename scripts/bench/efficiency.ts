/**
 * `npm run bench -- efficiency [N] [--rounds R]`: real work close to the ideal. One root of N children that
 * each work 10 ms, then one of N that each work 100 ms, at maxParallel 50, on a fresh tuned dev server per run:
 * wall time against the ideal (N × duration / 50), and the most children the records show running at once
 * (which must not pass 50).
 */
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { median, startBenchServer } from './harness';

const AT_ONCE = 50;
const DURATIONS_MS = [10, 100];

export async function benchEfficiency(children: number, rounds: number): Promise<void> {
  const runs = new Map<number, { seconds: number; atOnce: number }[]>(DURATIONS_MS.map((ms) => [ms, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const durationMs of DURATIONS_MS) {
      const run = await efficiencyOnce(children, durationMs);
      runs.get(durationMs)!.push(run);
      process.stderr.write(
        `  round ${round}, ${durationMs} ms: ${run.seconds.toFixed(2)} s, ${run.atOnce} at once\n`,
      );
    }
  }
  console.log(
    `efficiency: a root of ${children} children at maxParallel ${AT_ONCE}; medians of ${rounds} round(s)`,
  );
  console.log(`  child works   ideal s   wall s   ideal/wall   most at once (records)`);
  for (const durationMs of DURATIONS_MS) {
    const all = runs.get(durationMs)!;
    const ideal = (children * durationMs) / AT_ONCE / 1000;
    const wall = median(all.map((run) => run.seconds));
    const atOnce = Math.max(...all.map((run) => run.atOnce));
    console.log(
      `  ${`${durationMs} ms`.padEnd(12)}  ${ideal.toFixed(2).padStart(7)}  ${wall.toFixed(2).padStart(7)}` +
        `   ${(ideal / wall).toFixed(3).padStart(10)}   ${atOnce}`,
    );
  }
}

async function efficiencyOnce(
  children: number,
  durationMs: number,
): Promise<{ seconds: number; atOnce: number }> {
  const bench = await startBenchServer('tuned');
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const name = `efficiency-${durationMs}`;
    const { seconds, final } = await bench.worker.runUntil(async () => {
      const started = performance.now();
      await jobs.start('bench_root', {
        name,
        maxParallel: AT_ONCE,
        data: { count: children, topic: 'noop', durationMs },
      });
      const final = await jobs.wait(name);
      return { seconds: (performance.now() - started) / 1000, final };
    });
    if (final.status !== 'success') throw new Error(`the root ended ${final.status}`);
    const read = (await jobs.status(name, { limit: children })) as RootStatusAnswer;
    return { seconds, atOnce: mostAtOnce(read.children) };
  } finally {
    await bench.teardown();
  }
}

/** The most children whose processors' runs overlap, from their records' start and stop times. */
export function mostAtOnce(records: { startedAt: string | null; stoppedAt: string | null }[]): number {
  const edges: [number, number][] = [];
  for (const { startedAt, stoppedAt } of records) {
    if (!startedAt || !stoppedAt) continue;
    edges.push([Date.parse(startedAt), 1], [Date.parse(stoppedAt), -1]);
  }
  // At one instant a stop comes before a start: a slot handed on is not two running.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, change] of edges) most = Math.max(most, (running += change));
  return most;
}
