/**
 * The Temporal server on PostgreSQL (src/prod-server/) for tests: a server, an SDK test environment on it,
 * and `jobs worker` processes to start and kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TemporalOnPostgres } from '../../src/prod-server/temporal-on-postgres';
import { JOBS_COMMAND } from './cli';

const root = path.resolve(__dirname, '..', '..');
export const PID_APP = path.join(root, 'test', 'fixtures', 'pid-app.ts');

export interface PostgresServer {
  server: TemporalOnPostgres;
  env: TestWorkflowEnvironment;
  teardown(): Promise<void>;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const server = await TemporalOnPostgres.start({ log: () => undefined });
  try {
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
    return {
      server,
      env,
      async teardown() {
        await env.teardown();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** `jobs worker --app MODULE` as a user runs it, in its own process group (SIGKILL takes all of it). */
export function startWorkerProcess(address: string, taskQueue: string, app = PID_APP): Promise<ChildProcess> {
  const worker = spawn(JOBS_COMMAND[0], [...JOBS_COMMAND.slice(1), 'worker', '--app', app], {
    cwd: root,
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let errors = '';
  worker.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    worker.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('polling task queue')) resolve(worker);
    });
    worker.on('exit', (code) => reject(new Error(`worker process exited early (${code}):\n${errors}`)));
  });
}

export function killProcessGroup(worker: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-worker.pid!, signal);
  } catch {
    // already gone
  }
}
