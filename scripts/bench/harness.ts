/**
 * What every benchmark run shares: a fresh dev server (in-memory SQLite), one worker in this process with the
 * job engine's settings, and measurements of wall time, CPU seconds (this process and the server) and peak RSS.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { devServerTuningFlags } from '../../src/dev-server-tuning';
import { resolveTemporalCli } from '../../src/provisioning/temporal-cli';
import { freePort } from '../../src/provisioning/ports';
import { jobSearchAttributes } from '../../src/search-attributes';
import { jobWorkerSettings } from '../../src/worker';
import { createBenchApplication } from './bench-app';

export interface BenchServer {
  env: TestWorkflowEnvironment;
  pid: number;
  taskQueue: string;
  worker: Worker;
  teardown(): Promise<void>;
}

let bundle: Promise<WorkflowBundle> | undefined;

/** Workers log every poll at INFO; a benchmark wants warnings only. */
function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by the caller
  }
}

/**
 * `stock`: the dev server as `TestWorkflowEnvironment.createLocal` starts it. `tuned`: with the settings the
 * project's own dev server runs with (src/dev-server-tuning.ts).
 */
export type ServerTuning = 'stock' | 'tuned';

export async function startBenchServer(tuning: ServerTuning = 'tuned'): Promise<BenchServer> {
  installQuietRuntime();
  bundle ??= bundleInOwnProcess();
  const cli = await resolveTemporalCli({ provision: false });
  const port = await freePort();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli.executable,
      port,
      searchAttributes: jobSearchAttributes,
      extraArgs: tuning === 'tuned' ? devServerTuningFlags() : [],
      // The bare baselines' histories pass the server's warning threshold: that is theirs to bear, not news.
      log: { format: 'pretty', level: 'error' },
    },
  });
  const pid = serverPid(port);
  const taskQueue = `bench-${randomUUID()}`;
  const settings = jobWorkerSettings(createBenchApplication());
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundle,
    ...settings,
    // The baselines' activity, beside the engine's.
    activities: { ...settings.activities, noop: async () => undefined },
  });
  return {
    env,
    pid,
    taskQueue,
    worker,
    async teardown() {
      await env.teardown();
    },
  };
}

/** The workflow bundle, built by scripts/bench/bundle-workflows.ts in a process of its own. */
async function bundleInOwnProcess(): Promise<WorkflowBundle> {
  const file = path.join(os.tmpdir(), `bench-workflows-${process.pid}.js`);
  const tsx = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  execFileSync(tsx, [path.join(__dirname, 'bundle-workflows.ts'), file], { stdio: 'inherit' });
  try {
    return { code: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The dev server listening on `port` (a child of this process). */
function serverPid(port: number): number {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const line = out.split('\n').find((row) => row.includes(`--port ${port}`));
  if (!line) throw new Error(`cannot find the dev server on port ${port}`);
  return Number(line.trim().split(/\s+/)[0]);
}

export interface Measurement {
  seconds: number;
  /** CPU seconds of this process (worker and client) and of the server. */
  cpuSeconds: { worker: number; server: number };
  /** Peak resident memory, MB. */
  peakRssMb: { worker: number; server: number };
}

/** Runs `work` while measuring it. */
export async function measure<T>(
  serverPid: number,
  work: () => Promise<T>,
): Promise<{ value: T } & Measurement> {
  const cpuBefore = process.cpuUsage();
  const serverBefore = processCpuSeconds(serverPid);
  let workerPeak = process.memoryUsage().rss;
  let serverPeak = processRss(serverPid);
  const sampler = setInterval(() => {
    workerPeak = Math.max(workerPeak, process.memoryUsage().rss);
    serverPeak = Math.max(serverPeak, processRss(serverPid));
  }, 250);
  const started = performance.now();
  try {
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      value,
      seconds,
      cpuSeconds: {
        worker: (cpu.user + cpu.system) / 1e6,
        server: processCpuSeconds(serverPid) - serverBefore,
      },
      peakRssMb: { worker: workerPeak / 2 ** 20, server: serverPeak / 2 ** 20 },
    };
  } finally {
    clearInterval(sampler);
  }
}

const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
}

function processRss(pid: number): number {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((row) => row.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
