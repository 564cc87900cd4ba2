/**
 * `npm run bench -- compare N`: the job engine against bare Temporal doing the same work on the same
 * kind of server, interleaved round after round, one fresh dev server per run: N no-op children, 50 at once.
 */
import { JobClient } from '../../src/client/job-client';
import { measure, median, startBenchServer, type BenchServer, type Measurement } from './harness';
import { MODES, type BenchMode } from './modes';
import type { ServerSpec } from './server-spec';

const WINDOW = 50;

interface Variant {
  name: string;
  /** The bare variant this one is compared with. */
  against?: string;
  /** Bare Temporal: its worker as the SDK starts one (with promise stack traces), not as ours runs. */
  bare?: boolean;
  run(server: BenchServer, count: number): Promise<void>;
}

function ours(mode: BenchMode) {
  const { topic, options } = MODES[mode];
  return async ({ env, taskQueue }: BenchServer, count: number) => {
    const jobs = new JobClient(env.client, taskQueue);
    const { id } = await jobs.start('bench_root', {
      name: 'bench',
      maxParallel: WINDOW,
      data: { count, topic },
      ...options,
    });
    const final = await jobs.wait(id);
    if (final.counts.success !== count)
      throw new Error(`only ${final.counts.success} of ${count} children succeeded`);
  };
}

/** Bare Temporal's run of N children (`baseline-workflows.ts`); also what `breakdown --bare` measures. */
export function bare(workflowType: 'bareActivitiesWorkflow' | 'bareChildWorkflowsWorkflow') {
  return async ({ env, taskQueue }: BenchServer, count: number) => {
    const done = await env.client.workflow.execute(workflowType, {
      workflowId: 'bare',
      taskQueue,
      args: [count, WINDOW],
    });
    if (done !== count) throw new Error(`only ${String(done)} of ${count} items finished`);
  };
}

const variants: Variant[] = [
  { name: 'bare: activities', bare: true, run: bare('bareActivitiesWorkflow') },
  { name: 'ours: activities, packed', against: 'bare: activities', run: ours('packed') },
  { name: 'ours: activities, one per task', against: 'bare: activities', run: ours('single') },
  { name: 'bare: child workflows', bare: true, run: bare('bareChildWorkflowsWorkflow') },
  { name: 'ours: child workflows', against: 'bare: child workflows', run: ours('workflow') },
];

export async function benchCompare(
  count: number,
  rounds: number,
  server: ServerSpec,
  only?: string,
): Promise<void> {
  // The variants asked for, and the bare ones they are compared with.
  const asked = variants.filter((variant) => !only || variant.name.includes(only));
  const needed = new Set(
    asked.flatMap((variant) => [variant.name, ...(variant.against ? [variant.against] : [])]),
  );
  const chosen = variants.filter((variant) => needed.has(variant.name));
  const results = new Map<string, Measurement[]>(chosen.map((variant) => [variant.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of chosen) {
      const bench = await startBenchServer(server, { stackTraces: variant.bare });
      try {
        const measured = await bench.worker.runUntil(measure(bench.pids, () => variant.run(bench, count)));
        results.get(variant.name)!.push(measured);
        process.stderr.write(
          `round ${round}/${rounds} ${variant.name}: ${measured.seconds.toFixed(2)} s (${(count / measured.seconds).toFixed(0)}/s)\n`,
        );
      } finally {
        await bench.teardown();
      }
    }
  }
  console.log(
    `compare: ${count} no-op children, ${WINDOW} at once, one fresh server (${server.text}) per run, ` +
      `one worker in the process, ${rounds} interleaved round(s); medians`,
  );
  const header = [
    'variant',
    'wall s',
    'items/s',
    'CPU s (worker+server)',
    'peak RSS MB (worker/server)',
    'ratio',
  ];
  const rows = chosen.map((variant) => {
    const runs = results.get(variant.name)!;
    const seconds = median(runs.map((run) => run.seconds));
    const base = variant.against
      ? median(results.get(variant.against)?.map((run) => run.seconds) ?? [])
      : NaN;
    return [
      variant.name,
      seconds.toFixed(2),
      (count / seconds).toFixed(1),
      `${median(runs.map((run) => run.cpuSeconds.worker)).toFixed(1)}+${median(runs.map((run) => run.cpuSeconds.server)).toFixed(1)}`,
      `${median(runs.map((run) => run.peakRssMb.worker)).toFixed(0)}/${median(runs.map((run) => run.peakRssMb.server)).toFixed(0)}`,
      Number.isNaN(base) ? '' : `${(base / seconds).toFixed(2)}x ${variant.against}`,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  for (const row of [header, ...rows])
    console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`);
}
