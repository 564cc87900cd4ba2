/**
 * Runs a command to its end, keeping its output: resolves with the output, or rejects saying what failed with
 * its last lines. Shared by the builds (go install, Maven) and the production harness's set-up scripts.
 */
import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each chunk of standard error as it comes (go -v names the packages it compiles there). */
  onStderr?: (text: string) => void;
  /** Aborting kills the command; the error then says why (the abort's reason, a string). */
  signal?: AbortSignal;
  /** How many of its last lines an error shows (default 15). */
  tailLines?: number;
}

export function runCommand(
  what: string,
  command: string,
  args: string[],
  options: RunCommandOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const tail = () =>
      output
        .trim()
        .split('\n')
        .slice(-(options.tailLines ?? 15))
        .join('\n');
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onStderr?.(text);
    });
    let settled = false;
    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      if (error) reject(error);
      else resolve(output);
    };
    // Aborted: say so at once (a grandchild may hold the output open a while yet).
    const abort = () => {
      child.kill('SIGKILL');
      settle(new Error(`${what} gave up (${String(options.signal?.reason)}):\n${tail()}`));
    };
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (err) => settle(new Error(`${what}: could not run ${command}: ${err.message}`)));
    child.on('close', (code) =>
      settle(code === 0 ? undefined : new Error(`${what} failed (exit ${code}):\n${tail()}`)),
    );
  });
}
