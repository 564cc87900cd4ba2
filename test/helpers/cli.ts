import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The `jobs` command from the TypeScript sources (as `npm run jobs` runs it here); the compiled one
 * (bin/jobs.js over dist/) is run by test/package/pack.test.ts from an installed tarball.
 */
export const JOBS_COMMAND = [
  process.execPath,
  '-r',
  'tsx/cjs',
  path.join(projectRoot, 'src', 'cli', 'main.ts'),
];

/** Runs `jobs …` to completion, as a user would. */
export function runJobs(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(JOBS_COMMAND[0], [...JOBS_COMMAND.slice(1), ...args], { env, cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running `jobs …` command and resolves once its stdout shows `ready`. */
export function startJobs(
  env: NodeJS.ProcessEnv,
  ready: string,
  ...args: string[]
): Promise<{ process: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(JOBS_COMMAND[0], [...JOBS_COMMAND.slice(1), ...args], { env, cwd: projectRoot });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve({ process: child, output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`jobs ${args.join(' ')} exited (${code}) before "${ready}":\n${output}`)),
    );
  });
}
