/**
 * `npm run bench -- ui-attack [children] [--baseline DIR] [--rounds R]`: what an attacker can make the jobs
 * dashboard cost. On a running root of N children, `jobs ui` (its own process) faces two attacks in turn:
 * `views`, 10,000 event streams at once, each on a view of its own; `slow`, 100 streams on the root's largest
 * page that never read a byte. For each: the streams it took and refused, its peak memory and CPU, and the
 * Temporal server's CPU over the window. With --baseline DIR (another checkout of this project, whose own
 * `jobs ui` runs as "before"), both dashboards face the same attacks, interleaved round by round.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { JobClient } from '../../src/client/job-client';
import { freePort, waitForPort } from '../../src/provisioning/ports';
import { median, processCpuSeconds, processRss, startBenchServer } from './harness';

/** Long enough for a stream that reads nothing to be dropped (after 30 s). */
const WINDOW_MS = 45_000;
const ROOT = 'ui-attack';
const PARALLEL = 20;
const ATTACKS = { views: 10_000, slow: 100 } as const;
type Attack = keyof typeof ATTACKS;

interface Outcome {
  dashboard: string;
  attack: Attack;
  taken: number;
  refused: number;
  droppedByServer: number;
  dashboardPeakMb: number;
  dashboardCpu: number;
  serverCpu: number;
}

export async function benchUiAttack(children: number, rounds: number, baseline?: string): Promise<void> {
  const bench = await startBenchServer('tuned');
  const dashboards: Array<[string, string]> = [['this checkout', path.resolve(__dirname, '..', '..')]];
  if (baseline) dashboards.unshift([`baseline (${baseline})`, path.resolve(baseline)]);
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const outcomes = await bench.worker.runUntil(async () => {
      const windowsMs = rounds * dashboards.length * 2 * (WINDOW_MS + 15_000) + 30_000;
      const durationMs = Math.max(50, Math.ceil((windowsMs * PARALLEL) / children));
      await jobs.start('bench_root', {
        name: ROOT,
        maxParallel: PARALLEL,
        data: { count: children, topic: 'noop', durationMs },
      });
      const measured: Outcome[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? dashboards : [...dashboards].reverse();
        for (const [label, dir] of order)
          for (const attack of Object.keys(ATTACKS) as Attack[])
            measured.push(
              await underAttack(label, dir, attack, bench.address, bench.taskQueue, bench.pids.server),
            );
      }
      await jobs.interrupt(ROOT, { force: true });
      await jobs.wait(ROOT);
      return measured;
    });
    console.log(
      `ui-attack: jobs ui (own process) on a running root of ${children} children, ${bench.label}; ` +
        `${WINDOW_MS / 1000} s per window, ${rounds} round(s), medians`,
    );
    console.log(
      '  dashboard                attack  streams  taken  refused  dropped  dashboard peak  dashboard CPU  Temporal server CPU',
    );
    for (const [label] of dashboards)
      for (const attack of Object.keys(ATTACKS) as Attack[]) {
        const of = outcomes.filter((o) => o.dashboard === label && o.attack === attack);
        const pick = (key: keyof Outcome) => median(of.map((o) => o[key] as number));
        console.log(
          `  ${label.slice(0, 24).padEnd(24)} ${attack.padStart(6)}  ${String(ATTACKS[attack]).padStart(7)}` +
            `  ${pick('taken').toFixed(0).padStart(5)}  ${pick('refused').toFixed(0).padStart(7)}` +
            `  ${pick('droppedByServer').toFixed(0).padStart(7)}  ${`${pick('dashboardPeakMb').toFixed(0)} MB`.padStart(14)}` +
            `  ${pct(pick('dashboardCpu')).padStart(13)}  ${pct(pick('serverCpu')).padStart(19)}`,
        );
      }
    console.log('  (CPU: share of one core over the window; dropped: streams the dashboard closed itself)');
  } finally {
    await bench.teardown();
  }
}

async function underAttack(
  label: string,
  dir: string,
  attack: Attack,
  address: string,
  taskQueue: string,
  serverPid: number,
): Promise<Outcome> {
  const port = await freePort();
  const dashboard = startDashboard(dir, address, taskQueue, port);
  try {
    await waitForPort(port, 60_000);
    // The largest page each dashboard serves (10,000 before the limit was capped, 100 after).
    const limit = (await accepts(port, 10_000)) ? 10_000 : 100;
    const clients = fork(
      path.join(__dirname, 'attack-clients.ts'),
      [attack, String(port), ROOT, String(ATTACKS[attack]), String(limit)],
      { execArgv: ['-r', 'tsx/cjs'] },
    );
    await new Promise((resolve) => clients.once('message', resolve)); // 'open'
    const dashboardBefore = processCpuSeconds(dashboard.pid!);
    const serverBefore = processCpuSeconds(serverPid);
    let peak = processRss(dashboard.pid!);
    const sampler = setInterval(() => (peak = Math.max(peak, processRss(dashboard.pid!))), 250);
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    clearInterval(sampler);
    const stats = await new Promise<{
      open: number;
      refused: number;
      failed: number;
      closedByServer: number;
    }>((resolve) => {
      clients.once('message', (message) => resolve(message as never));
      clients.send('stats');
    });
    const seconds = WINDOW_MS / 1000;
    const outcome: Outcome = {
      dashboard: label,
      attack,
      taken: stats.open,
      refused: stats.refused + stats.failed,
      droppedByServer: stats.closedByServer,
      dashboardPeakMb: peak / 2 ** 20,
      dashboardCpu: (processCpuSeconds(dashboard.pid!) - dashboardBefore) / seconds,
      serverCpu: (processCpuSeconds(serverPid) - serverBefore) / seconds,
    };
    clients.send('close');
    await new Promise((resolve) => clients.once('exit', resolve));
    return outcome;
  } finally {
    dashboard.kill('SIGKILL');
    await new Promise((resolve) => dashboard.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the server settles between windows
  }
}

function startDashboard(dir: string, address: string, taskQueue: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    ['-r', 'tsx/cjs', path.join(dir, 'src', 'cli', 'main.ts'), 'ui', '--port', String(port)],
    {
      cwd: dir,
      env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, JOBS_UI_TOKEN: '' },
      stdio: 'ignore',
    },
  );
}

async function accepts(port: number, limit: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/api/jobs/${ROOT}?limit=${limit}`);
  await response.arrayBuffer();
  return response.status === 200;
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
