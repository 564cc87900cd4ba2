/**
 * `npm run bench -- ui-load N [--streams 0,1,10,100,500] [--rounds R]`: what open event streams cost the jobs
 * dashboard. `jobs ui` runs as a process of its own beside a root of N children that keeps running; for each
 * count of streams on that root, held for a window, it prints the dashboard's CPU and memory, the Temporal
 * server's CPU and the events each stream got. The counts run in turn, reversed every other round; medians.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { JobClient } from '../../src/client/job-client';
import { freePort, waitForPort } from '../../src/provisioning/ports';
import { median, processCpuSeconds, processRss, startBenchServer } from './harness';

const WINDOW_MS = 8000;
const ROOT = 'ui-load';
const PARALLEL = 20;

interface Window {
  streams: number;
  dashboardCpu: number;
  dashboardRssMb: number;
  serverCpu: number;
  eventsPerStream: number;
}

export async function benchUiLoad(children: number, streamCounts: number[], rounds: number): Promise<void> {
  const bench = await startBenchServer('tuned');
  const port = await freePort();
  const dashboard = startDashboardProcess(bench.address, bench.taskQueue, port);
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const windows = await bench.worker.runUntil(async () => {
      await waitForPort(port, 30_000); // jobs ui listens once its routes are ready
      // Children 20 at a time, each long enough that the root runs (and changes) all through the windows.
      const windowsMs = rounds * streamCounts.length * (WINDOW_MS + 3000) + 20_000;
      const durationMs = Math.max(50, Math.ceil((windowsMs * PARALLEL) / children));
      await jobs.start('bench_root', {
        name: ROOT,
        maxParallel: PARALLEL,
        data: { count: children, topic: 'noop', durationMs },
      });
      const measured: Window[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? streamCounts : [...streamCounts].reverse();
        for (const streams of order)
          measured.push(await holdStreams(port, dashboard.pid!, bench.pids.server, streams));
      }
      const final = await jobs.status(ROOT, { limit: 0 });
      if (final.status !== 'running')
        console.warn(`  (the root had stopped, ${final.status}, before the last window: use more children)`);
      await jobs.interrupt(ROOT, { force: true });
      await jobs.wait(ROOT);
      return measured;
    });
    console.log(
      `ui-load: jobs ui (own process) on a running root of ${children} children, ${bench.label}; ` +
        `${WINDOW_MS / 1000} s per window, ${rounds} round(s), medians`,
    );
    console.log(`  streams  dashboard CPU  dashboard RSS  Temporal server CPU  events per stream`);
    for (const streams of streamCounts) {
      const of = windows.filter((window) => window.streams === streams);
      const pick = (key: keyof Window) => median(of.map((window) => window[key]));
      console.log(
        `  ${String(streams).padStart(7)}  ${pct(pick('dashboardCpu'))}  ${`${pick('dashboardRssMb').toFixed(0)} MB`.padStart(13)}` +
          `  ${pct(pick('serverCpu')).padStart(19)}  ${pick('eventsPerStream').toFixed(1).padStart(17)}`,
      );
    }
    console.log('  (CPU: share of one core over the window; events: record changes sent to each stream)');
  } finally {
    dashboard.kill('SIGINT');
    await new Promise((resolve) => dashboard.once('exit', resolve));
    await bench.teardown();
  }
}

function startDashboardProcess(address: string, taskQueue: string, port: number): ChildProcess {
  const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
  return spawn(process.execPath, ['-r', 'tsx/cjs', main, 'ui', '--port', String(port)], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, JOBS_UI_TOKEN: '' },
    stdio: 'ignore',
  });
}

/** Opens `streams` event streams on the root (from a process of their own), holds them for a window, measures. */
async function holdStreams(
  port: number,
  dashboardPid: number,
  serverPid: number,
  streams: number,
): Promise<Window> {
  const clients = fork(path.join(__dirname, 'stream-clients.ts'), [String(port), ROOT, String(streams)], {
    execArgv: ['-r', 'tsx/cjs'],
  });
  const ask = () =>
    new Promise<number[]>((resolve) => {
      clients.once('message', (counts) => resolve(counts as number[]));
      clients.send('counts');
    });
  await new Promise((resolve) => clients.once('message', resolve)); // 'open'
  await new Promise((resolve) => setTimeout(resolve, 1000)); // all connected and sent their first event
  const dashboardBefore = processCpuSeconds(dashboardPid);
  const serverBefore = processCpuSeconds(serverPid);
  const countsBefore = await ask();
  let rss = processRss(dashboardPid);
  const sampler = setInterval(() => (rss = Math.max(rss, processRss(dashboardPid))), 250);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  clearInterval(sampler);
  const seconds = WINDOW_MS / 1000;
  const countsAfter = await ask();
  const window: Window = {
    streams,
    dashboardCpu: (processCpuSeconds(dashboardPid) - dashboardBefore) / seconds,
    dashboardRssMb: rss / 2 ** 20,
    serverCpu: (processCpuSeconds(serverPid) - serverBefore) / seconds,
    eventsPerStream: streams ? median(countsAfter.map((count, index) => count - countsBefore[index])) : 0,
  };
  clients.send('close');
  await new Promise((resolve) => clients.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the dashboard lets go of them
  return window;
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(13);
