/** `jobs worker` as a process of its own, as a user runs it, for tests that kill or share workers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { JOBS_COMMAND, projectRoot } from './cli';

/**
 * Starts `jobs worker [--app MODULE]` (default: the seed application) in its own process group, so
 * SIGKILL takes all of it at once; resolves once it polls.
 */
export function startWorkerProcess(
  address: string,
  taskQueue: string,
  app?: string,
  /** More `jobs worker` options (`--processors 4`). */
  options: string[] = [],
): Promise<ChildProcess> {
  const args = [...JOBS_COMMAND.slice(1), 'worker', ...(app ? ['--app', app] : []), ...options];
  const worker = spawn(JOBS_COMMAND[0], args, {
    cwd: projectRoot,
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
