/** Runs one of the deploy/ set-up scripts (shared with docker-compose.yml) with a time limit and its output kept. */
import { spawn } from 'node:child_process';

export function runScript(
  what: string,
  script: string,
  env: Record<string, string>,
  /** Stops waiting when this says the script can no longer succeed (the server it waits for died). */
  hopeless?: () => boolean,
  timeoutMs = 120_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const tail = () => output.trim().split('\n').slice(-10).join('\n');
    const started = Date.now();
    const watch = setInterval(() => {
      if (hopeless?.() || Date.now() - started > timeoutMs) {
        child.kill('SIGKILL');
        clearInterval(watch);
        reject(
          new Error(
            `${what} (${script}) gave up${hopeless?.() ? ': the server exited' : ' after 120 s'}:\n${tail()}`,
          ),
        );
      }
    }, 500);
    child.on('error', (err) => {
      clearInterval(watch);
      reject(new Error(`${what}: could not run sh: ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(watch);
      if (code === 0) resolve();
      else reject(new Error(`${what} (${script}) failed (exit ${code}):\n${tail()}`));
    });
  });
}
