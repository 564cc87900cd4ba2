/** Runs one of the deploy/ set-up scripts (shared with docker-compose.yml) with a time limit and its output kept. */
import { runCommand } from '../provisioning/run-command';

export async function runScript(
  what: string,
  script: string,
  env: Record<string, string>,
  /** Stops waiting when this says the script can no longer succeed (the server it waits for died). */
  hopeless?: () => boolean,
  timeoutMs = 120_000,
): Promise<void> {
  const stop = new AbortController();
  const started = Date.now();
  const watch = setInterval(() => {
    if (hopeless?.()) stop.abort('the server exited');
    else if (Date.now() - started > timeoutMs) stop.abort(`after ${timeoutMs / 1000} s`);
  }, 500);
  try {
    await runCommand(`${what} (${script})`, 'sh', [script], {
      env: { ...process.env, ...env },
      signal: stop.signal,
      tailLines: 10,
    });
  } finally {
    clearInterval(watch);
  }
}
