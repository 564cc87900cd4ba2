/**
 * What every benchmark run shares: a fresh server (the dev server on in-memory SQLite, or the Temporal server
 * on PostgreSQL), one worker in this process with the job engine's settings, and measurements of wall time,
 * CPU seconds (this process, the server, PostgreSQL) and peak memory.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DEV_SERVER_DYNAMIC_CONFIG, devServerTuningFlags } from '../../src/provisioning/dev-server-tuning';
import { DEFAULT_HISTORY_SHARDS } from '../../src/prod-server/server-config';
import { TemporalOnPostgres } from '../../src/prod-server/temporal-on-postgres';
import { parseServerSpec, type ServerKind, type ServerSpec } from './server-spec';
import { TEMPORAL_SERVER_VERSION } from '../../src/provisioning/temporal-server';
import { resolveTemporalCli } from '../../src/provisioning/temporal-cli';
import { freePort } from '../../src/provisioning/ports';
import { jobSearchAttributes } from '../../src/search-attributes';
import { jobWorkerSettings } from '../../src/worker';
import { withJobWorkflowThread } from '../../src/workflow-thread';
import { createBenchApplication } from './bench-app';

export interface BenchServer {
  env: TestWorkflowEnvironment;
  /** The Temporal server's gRPC host:port, for processes of their own. */
  address: string;
  /**
   * The Temporal server's process (a cluster's frontend, its other nodes in `otherServers`, counted with it), and
   * the database's (PostgreSQL's postmaster and backends; none for SQLite).
   */
  pids: { server: number; otherServers?: number[]; database: () => number[] };
  /** The server's metrics endpoints (every node of a cluster). */
  metricsUrls?: string[];
  /** PostgreSQL's port on 127.0.0.1 (user and password `temporal`), for a look inside. */
  databasePort?: number;
  /** For the figures' headings. */
  label: string;
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
 * project's own dev server runs with (src/dev-server-tuning.ts). `postgres`: the Temporal server on
 * PostgreSQL, as docker-compose.yml runs it (src/prod-server/).
 */
export type ServerTuning = ServerKind;

/** How the bench's worker runs: `stackTraces`, as the SDK starts a worker (bare Temporal's baselines). */
export interface BenchWorkerOptions {
  stackTraces?: boolean;
}

export async function startBenchServer(
  server: ServerTuning | ServerSpec = 'tuned',
  workerOptions: BenchWorkerOptions = {},
): Promise<BenchServer> {
  installQuietRuntime();
  bundle ??= bundleInOwnProcess();
  const spec = typeof server === 'string' ? parseServerSpec(server) : server;
  const tuning = spec.kind;
  if (tuning === 'postgres' || tuning === 'postgres-cluster')
    return startPostgresBenchServer(spec, workerOptions);
  const cli = await resolveTemporalCli({ provision: false });
  const port = await freePort();
  const metricsPort = await freePort();
  // In a file as `jobs dev` keeps it (src/provisioning/dev-server.ts), removed with the server's temporary dir.
  const dbDir = spec.dbFile ? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-db-')) : undefined;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli.executable,
      port,
      searchAttributes: jobSearchAttributes,
      ...(dbDir ? { dbFilename: path.join(dbDir, 'temporal.db') } : {}),
      extraArgs: [
        ...devServerTuningFlags({
          ...(tuning === 'tuned' ? DEV_SERVER_DYNAMIC_CONFIG : {}),
          ...spec.dynamicConfig,
        }),
        ...['--metrics-port', String(metricsPort)],
        ...(dbDir ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'] : []),
      ],
      // The bare baselines' histories pass the server's warning threshold: that is theirs to bear, not news.
      log: { format: 'pretty', level: 'error' },
    },
  });
  const pids = { server: serverPid(port), database: () => [] };
  const knobs = Object.entries(spec.dynamicConfig).map(([key, value]) => `; ${key}=${JSON.stringify(value)}`);
  const label = `${tuning} dev server (${dbDir ? 'SQLite in a file' : 'in-memory SQLite'}${knobs.join('')})`;
  const bench = await withWorker(env, `127.0.0.1:${port}`, pids, label, workerOptions, async () => {
    await env.teardown();
    if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
  });
  return { ...bench, metricsUrls: [`http://127.0.0.1:${metricsPort}/metrics`] };
}

/** On PostgreSQL, fsync on (as production runs it) unless the spec says otherwise: one process, or a cluster. */
async function startPostgresBenchServer(
  spec: ServerSpec,
  workerOptions: BenchWorkerOptions,
): Promise<BenchServer> {
  const cluster = spec.historyNodes === undefined ? undefined : { historyNodes: spec.historyNodes };
  const server = await TemporalOnPostgres.start({
    log: () => undefined,
    cluster,
    shards: spec.shards,
    durable: spec.durable,
    tuning: {
      postgresSettings: spec.postgresSettings,
      postgresCpus: spec.postgresCpus,
      maxConns: spec.maxConns,
      dynamicConfig: spec.dynamicConfig,
    },
  });
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
  const postmaster = server.postgres.pid!;
  const others = server.nodes.names.filter((name) => name !== 'server' && name !== 'frontend');
  const pids = {
    server: server.serverPid!,
    otherServers: others.map((name) => server.nodes.pid(name)!),
    database: () => [postmaster, ...childrenOf(postmaster).map((child) => child.pid)],
  };
  const shape = cluster
    ? `a cluster of ${server.nodes.names.length} processes, ${cluster.historyNodes} history`
    : 'one process';
  const knobs = spec.text.split('/').slice(1);
  const label =
    `Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL ${server.postgres.version} ` +
    `(fsync ${spec.durable ? 'on' : 'off'}, ${spec.shards ?? DEFAULT_HISTORY_SHARDS} shards, ${shape}` +
    `${knobs.length ? `; ${knobs.join(', ')}` : ''})`;
  const bench = await withWorker(env, server.address, pids, label, workerOptions, async () => {
    await env.teardown();
    await server.stop();
  });
  return { ...bench, metricsUrls: server.metricsUrls, databasePort: server.postgres.port };
}

async function withWorker(
  env: TestWorkflowEnvironment,
  address: string,
  pids: BenchServer['pids'],
  label: string,
  { stackTraces = false }: BenchWorkerOptions,
  stop: () => Promise<void>,
): Promise<BenchServer> {
  const taskQueue = `bench-${randomUUID()}`;
  const settings = jobWorkerSettings(createBenchApplication());
  const workflowBundle = await bundle!;
  const create = () =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      ...settings,
      // The baselines' activity, beside the engine's.
      activities: { ...settings.activities, noop: async () => undefined },
    });
  // Our workers leave out the SDK's promise stack traces (src/workflow-thread.ts); the SDK's default keeps them.
  const worker = await (stackTraces ? create() : withJobWorkflowThread(create));
  return { env, address, pids, label, taskQueue, worker, teardown: stop };
}

/** The child processes of `pid`: their ids and command lines. */
function childrenOf(pid: number): { pid: number; args: string }[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const [id, ...args] = line.trim().split(/\s+/);
        return { pid: Number(id), args: args.join(' ') };
      });
  } catch {
    return []; // ps exits 1 when there are none
  }
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
  const server = childrenOf(process.pid).find((child) => child.args.includes(`--port ${port}`));
  if (!server) throw new Error(`cannot find the dev server on port ${port}`);
  return server.pid;
}

export interface Measurement {
  seconds: number;
  /** CPU seconds of this process (worker and client), of the server and of the database (PostgreSQL). */
  cpuSeconds: { worker: number; server: number; database: number };
  /** Peak memory, MB: resident for the worker and the server; proportional (PSS, shared pages split) summed over
   * PostgreSQL's processes. */
  peakRssMb: { worker: number; server: number; database: number };
}

/** Runs `work` while measuring it. */
export async function measure<T>(
  pids: BenchServer['pids'],
  work: () => Promise<T>,
): Promise<{ value: T } & Measurement> {
  const serverPids = [pids.server, ...(pids.otherServers ?? [])];
  const serverCpu = () => sum(serverPids.map(processCpuSeconds));
  const serverRss = () => sum(serverPids.map(processRss));
  const cpuBefore = process.cpuUsage();
  const serverBefore = serverCpu();
  const databaseBefore = new Map(pids.database().map((pid) => [pid, processCpuSeconds(pid)]));
  let workerPeak = process.memoryUsage().rss;
  let serverPeak = serverRss();
  let databasePeak = 0;
  const sampler = setInterval(() => {
    workerPeak = Math.max(workerPeak, process.memoryUsage().rss);
    serverPeak = Math.max(serverPeak, serverRss());
    databasePeak = Math.max(databasePeak, sum(pids.database().map(processPss)));
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
        server: serverCpu() - serverBefore,
        database: sum(pids.database().map((pid) => processCpuSeconds(pid) - (databaseBefore.get(pid) ?? 0))),
      },
      peakRssMb: {
        worker: workerPeak / 2 ** 20,
        server: serverPeak / 2 ** 20,
        database: databasePeak / 2 ** 20,
      },
    };
  } finally {
    clearInterval(sampler);
  }
}

const TICKS_PER_SECOND = 100;

export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds from a /proc `stat` file (a process's, or a thread's under /proc/self/task); 0 once gone. */
export function statCpuSeconds(file: string): number {
  try {
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0; // a backend or thread that has ended
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** A size in kB from a /proc/<pid> file (`VmRSS:` in status, `Pss:` in smaps_rollup), in bytes; 0 once gone. */
function procBytes(pid: number, file: string, field: string): number {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/${file}`, 'utf8')
      .split('\n')
      .find((row) => row.startsWith(`${field}:`));
    return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export const processRss = (pid: number) => procBytes(pid, 'status', 'VmRSS');
/** Proportional set size: a process's private pages plus its share of the pages it shares. */
const processPss = (pid: number) => procBytes(pid, 'smaps_rollup', 'Pss');

/** The value `p` (0..1) of the way up the sorted values (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
