/**
 * `npm run bench -- fan-out N`: one root with N no-op children on a fresh dev server (in-memory SQLite):
 * wall time, children per second, the largest history in the tree (the server warns at 10,240 events),
 * CPU seconds and the peak memory of the worker (this process) and of the server.
 */
import { JobClient } from '../../src/client/job-client';
import { largestHistory } from '../../src/history-report';
import type { RootJobStatus } from '../../src/jobs/types';
import { measure, startBenchServer, type ServerTuning } from './harness';
import { MODES, type BenchMode } from './modes';

export async function benchFanOut(children: number, mode: BenchMode, server: ServerTuning): Promise<void> {
  const bench = await startBenchServer(server);
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const name = `fan-out-${children}`;
    const measured = await bench.worker.runUntil(
      measure(bench.pid, async () => {
        await jobs.start('bench_root', {
          name,
          maxParallel: 50,
          ...MODES[mode].options,
          data: { count: children, topic: MODES[mode].topic },
        });
        const ticker = setInterval(() => void progress(jobs, name), 10_000);
        try {
          return await jobs.wait(name);
        } finally {
          clearInterval(ticker);
        }
      }),
    );
    const final: RootJobStatus = measured.value;
    const history = await largestHistory(bench.env.client, name);
    console.log(
      `fan-out: one root with ${children} no-op children, ${MODES[mode].label}, maxParallel 50, ${server} dev server (in-memory SQLite)`,
    );
    console.log(`  root status        ${final.status}, counts ${JSON.stringify(final.counts)}`);
    console.log(
      `  wall time          ${measured.seconds.toFixed(1)} s (${(children / measured.seconds).toFixed(1)} children/s)`,
    );
    console.log(`  workflows in tree  ${history.workflows} (root runs and batches)`);
    console.log(
      `  largest history    ${history.maxLength} events (${history.maxId}); root: ${history.rootLength}`,
    );
    console.log(
      `  CPU seconds        worker ${measured.cpuSeconds.worker.toFixed(1)}, server ${measured.cpuSeconds.server.toFixed(1)}`,
    );
    console.log(
      `  peak RSS           worker ${measured.peakRssMb.worker.toFixed(0)} MB, server ${measured.peakRssMb.server.toFixed(0)} MB`,
    );
  } finally {
    await bench.teardown();
  }
}

async function progress(jobs: JobClient, name: string): Promise<void> {
  const status = (await jobs.status(name, { limit: 0 }).catch(() => undefined)) as RootJobStatus | undefined;
  if (!status) return;
  const done = status.counts.success + status.counts.failed + status.counts.cancelled;
  process.stderr.write(`  ${done}/${status.total} done, ${status.counts.running} running\n`);
}
