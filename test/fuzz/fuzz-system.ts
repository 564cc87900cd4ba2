/**
 * The real system the fuzzer drives: a dev server on a SQLite file of its own (so that it can be killed and
 * started again on its database), a client, and job workers in processes of their own (so that they can be
 * killed with SIGKILL).
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import { startDevServer, type DevServer } from '../../src/provisioning/dev-server';
import { freePort } from '../../src/provisioning/ports';
import { app, type ProcessorRun } from '../fixtures/fuzz-app';
import { killProcessGroup, startWorkerProcess } from '../helpers/worker-process';

const FUZZ_APP = path.join(__dirname, '..', 'fixtures', 'fuzz-app.ts');

export interface FuzzSystem {
  client: Client;
  jobs: JobClient;
  taskQueue: string;
  /** The server's gRPC address, for CLI processes. */
  address(): string;
  workers: ChildProcess[];
  /** Operations run, for the report. */
  operations: number;
  /** The longest wait for every root of a run to stop, once nothing held them. */
  slowestSettleMs: number;
  /** Times the server was killed and started again. */
  serverRestarts: number;
  startWorker(): Promise<void>;
  killWorker(): Promise<void>;
  /** Every processor run the workers have logged so far (a run a killed worker was in has no line). */
  processorRuns(): ProcessorRun[];
  /** Kills the server (SIGKILL) and starts it again on the same file and ports. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function createFuzzSystem(): Promise<FuzzSystem> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-fuzz-'));
  const options = {
    port: await freePort(),
    uiPort: await freePort(),
    dbFile: path.join(directory, 'temporal.sqlite'),
    logFile: path.join(directory, 'server.log'),
    log: () => undefined,
  };
  let server: DevServer = await startDevServer(options);
  const runsLog = path.join(directory, 'processor-runs.jsonl');
  process.env.FUZZ_RUNS_LOG = runsLog; // the worker processes inherit it
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `fuzz-${process.pid}-${Date.now()}`;
  const system: FuzzSystem = {
    client,
    jobs: new JobClient(client, taskQueue, app),
    taskQueue,
    address: () => server.address,
    processorRuns: () =>
      fs.existsSync(runsLog)
        ? fs
            .readFileSync(runsLog, 'utf8')
            .split('\n')
            .filter((line) => line.length > 0)
            .map((line) => JSON.parse(line) as ProcessorRun)
        : [],
    workers: [],
    operations: 0,
    slowestSettleMs: 0,
    serverRestarts: 0,
    async startWorker() {
      system.workers.push(await startWorkerProcess(server.address, taskQueue, FUZZ_APP));
    },
    async killWorker() {
      const worker = system.workers.shift();
      if (worker) killProcessGroup(worker);
    },
    async restartServer() {
      server.process.kill('SIGKILL');
      await server.exited;
      server = await startDevServer(options);
      system.serverRestarts++;
    },
    async close() {
      system.workers.splice(0).forEach((worker) => killProcessGroup(worker));
      await connection.close();
      await server.stop();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
  await system.startWorker();
  return system;
}
