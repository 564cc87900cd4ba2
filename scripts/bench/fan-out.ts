/**
 * `npm run bench -- fan-out N [--server tuned|stock|postgres|postgres-cluster|a,b] [--rounds R]`: one root with N no-op
 * children on a fresh server per run: wall time, children per second, the largest history in the tree (the
 * server warns at 10,240 events), the root's carry on continue-as-new, status reads timed while it runs, CPU
 * seconds and the peak memory of the worker (this process), the server and PostgreSQL. Several servers run interleaved, round after round, and the medians are put side by side.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import { connectClient } from '../../src/connection';
import { largestHistory } from '../../test/helpers/history-report';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import {
  measure,
  median,
  percentile,
  startBenchServer,
  type Measurement,
  type ServerTuning,
} from './harness';
import type { ServerSpec } from './server-spec';
import {
  persistenceByOperation,
  persistenceLines,
  sumByOperation,
  type OperationCost,
} from './persistence-metrics';
import { MODES, type BenchMode } from './modes';

interface FanOutRun extends Measurement {
  label: string;
  largestHistory: number;
  workflows: number;
  /** Bytes of the input the root's last run started with (what it carries over on continue-as-new). */
  rootCarryBytes: number;
  /** Milliseconds each status read (a page of 50) took while the root ran, one every few seconds. */
  reads: number[];
  /** The same, read from a process of its own (status-watcher.ts), as the CLI or the dashboard reads. */
  outsideReads: number[];
  /** The server's database calls by operation (PostgreSQL servers). */
  persistence?: OperationCost[];
}

/** Seconds between the status reads (and progress lines) while the root runs. */
const READ_EVERY_MS = 5000;
/** Milliseconds between the reads from a process of their own: the dashboard reads a watched root once a second. */
const WATCH_EVERY_MS = 1000;

export async function benchFanOut(
  children: number,
  mode: BenchMode,
  servers: ServerSpec[],
  rounds = 1,
  roots = 1,
): Promise<void> {
  const total = children * roots;
  const runs = new Map<string, FanOutRun[]>(servers.map((server) => [server.text, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const server of servers) {
      const run = await fanOutOnce(children, mode, server, roots);
      runs.get(server.text)!.push(run);
      if (rounds > 1 || servers.length > 1)
        process.stderr.write(`  round ${round}, ${server.text}: ${line(total, run)}\n`);
    }
  }
  const shape = roots === 1 ? 'one root' : `${roots} roots at once, each`;
  console.log(`fan-out: ${shape} with ${children} no-op children, ${MODES[mode].label}, maxParallel 50`);
  if (rounds > 1 || servers.length > 1) console.log(`  medians of ${rounds} interleaved round(s):`);
  for (const server of servers) {
    const all = runs.get(server.text)!;
    const pick = (value: (run: FanOutRun) => number) => median(all.map(value));
    console.log(`  ${all[0].label}`);
    console.log(
      `    wall time          ${pick((r) => r.seconds).toFixed(1)} s (${(total / pick((r) => r.seconds)).toFixed(1)} children/s)`,
    );
    console.log(`    workflows in tree  ${all[0].workflows} (root runs and batches)`);
    console.log(`    largest history    ${pick((r) => r.largestHistory)} events`);
    console.log(
      `    root carry         ${(pick((r) => r.rootCarryBytes) / 1024).toFixed(1)} KiB (its last run's input)`,
    );
    const readLine = (reads: number[], where: string) =>
      `median ${median(reads).toFixed(1)} ms, p95 ${percentile(reads, 0.95).toFixed(1)} ms, ` +
      `max ${Math.max(...reads).toFixed(1)} ms (${reads.length} reads of a page of 50 while it ran, ${where})`;
    const outside = all.flatMap((run) => run.outsideReads);
    if (outside.length > 0)
      console.log(`    status reads       ${readLine(outside, 'from a process of their own')}`);
    const reads = all.flatMap((run) => run.reads);
    if (reads.length > 0) console.log(`                       ${readLine(reads, "in the worker's process")}`);
    const postgres = server.kind.startsWith('postgres');
    console.log(
      `    CPU seconds        worker ${pick((r) => r.cpuSeconds.worker).toFixed(1)}, server ${pick((r) => r.cpuSeconds.server).toFixed(1)}` +
        (postgres ? `, PostgreSQL ${pick((r) => r.cpuSeconds.database).toFixed(1)}` : ''),
    );
    const perChild = (value: (run: FanOutRun) => number) => ((pick(value) * 1000) / total).toFixed(2);
    console.log(
      `    CPU-ms per child   worker ${perChild((r) => r.cpuSeconds.worker)}, server ${perChild((r) => r.cpuSeconds.server)}` +
        (postgres ? `, PostgreSQL ${perChild((r) => r.cpuSeconds.database)}` : ''),
    );
    const persistence = all.flatMap((run) => run.persistence ?? []);
    if (persistence.length > 0) {
      const [first, ...rest] = persistenceLines(sumByOperation(persistence), total * all.length);
      console.log(`    database calls     ${first}`);
      for (const more of rest) console.log(`                         ${more}`);
    }
    console.log(
      `    peak memory        worker ${pick((r) => r.peakRssMb.worker).toFixed(0)} MB, server ${pick((r) => r.peakRssMb.server).toFixed(0)} MB (RSS)` +
        (postgres
          ? `, PostgreSQL ${pick((r) => r.peakRssMb.database).toFixed(0)} MB (PSS, all its processes)`
          : ''),
    );
  }
  const seconds = (server: ServerSpec) => median(runs.get(server.text)!.map((run) => run.seconds));
  for (const server of servers.slice(1))
    console.log(
      `  children/s, ${server.text} against ${servers[0].text}: ${(seconds(servers[0]) / seconds(server)).toFixed(2)}×`,
    );
}

export async function fanOutOnce(
  children: number,
  mode: BenchMode,
  server: ServerTuning | ServerSpec,
  /** Roots of `children` each, started together (status reads and histories are the first one's). */
  roots = 1,
): Promise<FanOutRun> {
  const bench = await startBenchServer(server);
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const names = Array.from({ length: roots }, (_, i) => `fan-out-${children}${i ? `-${i + 1}` : ''}`);
    const name = names[0];
    const reads: number[] = [];
    const watcher = watchStatus(bench.address, bench.env.client.options.namespace, bench.taskQueue, name);
    const measured = await bench.worker.runUntil(
      measure(bench.pids, async () => {
        for (const each of names) await startFanOutRoot(jobs, each, children, mode);
        watcher.start();
        const inFlight = new Set<Promise<void>>();
        const ticker = setInterval(() => {
          const read = progress(jobs, name, reads);
          inFlight.add(read);
          void read.finally(() => inFlight.delete(read));
        }, READ_EVERY_MS);
        try {
          return await Promise.all(names.map((each) => jobs.wait(each)));
        } finally {
          clearInterval(ticker);
          // A read still in flight when the server stops would retry on a closed channel and end the process.
          await Promise.allSettled([...inFlight, watcher.stop()]);
        }
      }),
    );
    for (const final of measured.value as RootStatusAnswer[])
      if (final.status !== 'success' || final.counts.success !== children)
        throw new Error(`fan-out on ${bench.label} ended ${final.status}: ${JSON.stringify(final.counts)}`);
    // Read with a client of ours, which takes responses past 4 MiB: at a million children a page of 100 of the
    // tree's runs read 4.5 MB (and a root run's start event 6.0 MB, with a change since withdrawn).
    const namespace = bench.env.client.options.namespace;
    const reader = await connectClient({ address: bench.address, namespace });
    const [history, rootCarryBytes] = await Promise.all([
      largestHistory(reader, name),
      startInputBytes(reader, name),
    ]).finally(() => reader.connection.close());
    return {
      ...measured,
      label: bench.label,
      largestHistory: history.maxLength,
      workflows: history.workflows,
      rootCarryBytes,
      reads,
      outsideReads: watcher.reads,
      persistence: bench.metricsUrls && (await persistenceByOperation(bench.metricsUrls)),
    };
  } finally {
    await bench.teardown();
  }
}

/** The benchmark's root: `children` no-op children in `mode`, 50 at once. */
/** A root of `children` children, 50 at once, that each do nothing (or work `durationMs`). */
export function startFanOutRoot(
  jobs: JobClient,
  name: string,
  children: number,
  mode: BenchMode,
  durationMs?: number,
) {
  return jobs.start('bench_root', {
    name,
    maxParallel: 50,
    ...MODES[mode].options,
    data: { count: children, topic: MODES[mode].topic, ...(durationMs ? { durationMs } : {}) },
  });
}

function line(children: number, run: FanOutRun): string {
  return `${run.seconds.toFixed(1)} s, ${(children / run.seconds).toFixed(0)} children/s, largest history ${run.largestHistory}`;
}

/** One timed status read (a page of 50, as a dashboard asks), written as a progress line. */
async function progress(jobs: JobClient, name: string, reads: number[]): Promise<void> {
  const began = performance.now();
  const status = (await jobs.status(name, { limit: 50 }).catch(() => undefined)) as
    RootStatusAnswer | undefined;
  if (!status || status.status !== 'running') return;
  const ms = performance.now() - began;
  reads.push(ms);
  const done = status.counts.success + status.counts.failed + status.counts.cancelled;
  process.stderr.write(
    `  ${done}/${status.total} done, ${status.counts.running} running (read in ${ms.toFixed(0)} ms)\n`,
  );
}

/** status-watcher.ts in a process of its own, reading `rootId` every WATCH_EVERY_MS once started. */
function watchStatus(address: string, namespace: string, taskQueue: string, rootId: string) {
  const reads: number[] = [];
  let child: ChildProcess | undefined;
  return {
    reads,
    start() {
      const args = [address, namespace, taskQueue, rootId, String(WATCH_EVERY_MS)];
      child = fork(path.join(__dirname, 'status-watcher.ts'), args, { execArgv: ['-r', 'tsx/cjs'] });
      child.on('message', (ms) => typeof ms === 'number' && reads.push(ms));
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}

/** Bytes of the payloads the workflow's latest run started with. */
async function startInputBytes(client: Client, workflowId: string): Promise<number> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  const payloads = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  return payloads.reduce((sum, payload) => sum + (payload.data?.length ?? 0), 0);
}
