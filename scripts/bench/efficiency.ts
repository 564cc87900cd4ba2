/**
 * `npm run bench -- efficiency [N] [--rounds R]`: real work close to the ideal. One root of N children that
 * each work 10 ms, then one of N that each work 100 ms, at maxParallel 50, on a fresh tuned dev server per run:
 * wall time against the ideal (N × duration / 50), and the most children the records show running at once
 * (which must not pass 50), with the CPU per child and how many ran in each tenth of the run.
 */
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { measure, median, startBenchServer } from './harness';

const AT_ONCE = 50;
const DURATIONS_MS = [10, 100];

export async function benchEfficiency(children: number, rounds: number): Promise<void> {
  const runs = new Map<number, EfficiencyRun[]>(DURATIONS_MS.map((ms) => [ms, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const durationMs of DURATIONS_MS) {
      const run = await efficiencyOnce(children, durationMs);
      runs.get(durationMs)!.push(run);
      process.stderr.write(
        `  round ${round}, ${durationMs} ms: ${run.seconds.toFixed(2)} s, ${run.atOnce} at once, ` +
          `${run.cpuMsPerChild.toFixed(2)} CPU-ms per child (worker and server); ` +
          `running on average, by tenth of the run: ${run.timeline.join(' ')}\n`,
      );
    }
  }
  console.log(
    `efficiency: a root of ${children} children at maxParallel ${AT_ONCE}; medians of ${rounds} round(s)`,
  );
  console.log(`  child works   ideal s   wall s   ideal/wall   most at once (records)   CPU-ms per child`);
  for (const durationMs of DURATIONS_MS) {
    const all = runs.get(durationMs)!;
    const ideal = (children * durationMs) / AT_ONCE / 1000;
    const wall = median(all.map((run) => run.seconds));
    const atOnce = Math.max(...all.map((run) => run.atOnce));
    console.log(
      `  ${`${durationMs} ms`.padEnd(12)}  ${ideal.toFixed(2).padStart(7)}  ${wall.toFixed(2).padStart(7)}` +
        `   ${(ideal / wall).toFixed(3).padStart(10)}   ${String(atOnce).padEnd(22)}   ` +
        median(all.map((run) => run.cpuMsPerChild)).toFixed(2),
    );
  }
}

interface EfficiencyRun {
  seconds: number;
  /** The most children the records show running at once. */
  atOnce: number;
  /** How many ran on average in each tenth of the run. */
  timeline: number[];
  /** CPU of the worker (this process) and the server, per child. */
  cpuMsPerChild: number;
}

async function efficiencyOnce(children: number, durationMs: number): Promise<EfficiencyRun> {
  const bench = await startBenchServer('tuned');
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const name = `efficiency-${durationMs}`;
    const {
      seconds,
      cpuSeconds,
      value: final,
    } = await bench.worker.runUntil(() =>
      measure(bench.pids, async () => {
        await jobs.start('bench_root', {
          name,
          maxParallel: AT_ONCE,
          data: { count: children, topic: 'noop', durationMs },
        });
        return jobs.wait(name);
      }),
    );
    if (final.status !== 'success') throw new Error(`the root ended ${final.status}`);
    const read = (await jobs.status(name, { limit: children })) as RootStatusAnswer;
    return {
      seconds,
      atOnce: mostAtOnce(read.children),
      timeline: busyTimeline(read.children, 10),
      cpuMsPerChild: ((cpuSeconds.worker + cpuSeconds.server) * 1000) / children,
    };
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

/** How many children ran on average in each of `parts` equal spans from the first start to the last stop. */
export function busyTimeline(
  records: { startedAt: string | null; stoppedAt: string | null }[],
  parts: number,
): number[] {
  const runs = records
    .filter((record) => record.startedAt && record.stoppedAt)
    .map((record) => [Date.parse(record.startedAt!), Date.parse(record.stoppedAt!)] as const);
  if (runs.length === 0) return [];
  const first = Math.min(...runs.map(([start]) => start));
  const span = Math.max(1, Math.max(...runs.map(([, stop]) => stop)) - first);
  const busy = new Array<number>(parts).fill(0);
  for (const [start, stop] of runs) {
    for (let part = 0; part < parts; part++) {
      const from = first + (span * part) / parts;
      const to = first + (span * (part + 1)) / parts;
      busy[part] += Math.max(0, Math.min(stop, to) - Math.max(start, from));
    }
  }
  return busy.map((ms) => Math.round((ms / (span / parts)) * 10) / 10);
}
