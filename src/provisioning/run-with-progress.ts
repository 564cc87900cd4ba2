import { spawn } from 'node:child_process';
import { formatSeconds, type Log } from './executable';

/**
 * Runs a long provisioning command, printing a line every `everyMs` so a person knows it is alive.
 * Resolves with the command's combined output; rejects with its tail when it fails.
 */
export function runWithProgress(
  what: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; log: Log; everyMs?: number },
): Promise<string> {
  const started = Date.now();
  options.log(`${what}: ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setInterval(
      () => options.log(`${what}: still working (${formatSeconds(Date.now() - started)})`),
      options.everyMs ?? 15_000,
    );
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new Error(`${what}: could not run ${command}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) {
        options.log(`${what}: done in ${formatSeconds(Date.now() - started)}`);
        resolve(output);
      } else {
        const tail = output.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`${what} failed (exit ${code}):\n${tail}`));
      }
    });
  });
}
