import { formatSeconds, type Log } from './executable';
import { runCommand } from './run-command';

/**
 * Runs a long provisioning command, printing a line every `everyMs` so a person knows it is alive.
 * Resolves with the command's combined output; rejects with its tail when it fails.
 */
export async function runWithProgress(
  what: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; log: Log; everyMs?: number },
): Promise<string> {
  const started = Date.now();
  options.log(`${what}: ${command} ${args.join(' ')}`);
  const timer = setInterval(
    () => options.log(`${what}: still working (${formatSeconds(Date.now() - started)})`),
    options.everyMs ?? 15_000,
  );
  try {
    const output = await runCommand(what, command, args, options);
    options.log(`${what}: done in ${formatSeconds(Date.now() - started)}`);
    return output;
  } finally {
    clearInterval(timer);
  }
}
