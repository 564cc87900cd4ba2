/**
 * `jobs`: the command line of temporal-root-jobs. Connection settings follow Temporal's environment
 * configuration (a profile of its TOML config file, TEMPORAL_* variables; see src/connection.ts), then the flags.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CodecKeyError } from '../codec/codec-settings';
import { ConnectionConfigError, ServerUnreachableError } from '../connection';
import { DuplicateJobError, InvalidJobInputError, JobFinishedError, JobNotFoundError } from '../errors';
import type { Command } from './context';
import { printable } from './printable';
import { controlCommands } from './control-commands';
import { ExitCode, UsageError } from './exit-codes';
import { jobCommands } from './job-commands';
import { serverCommands } from './server-commands';
import { uiCommand } from './ui-command';

const USAGE = `usage: jobs <command> [options]

  dev [--port P] [--ui-port U] [--db FILE]      run the Temporal dev server (Web UI, SQLite) until Ctrl-C
  worker [--app MODULE] [--processors N] [--metrics-port N] [--metrics-host H]
                                                run a worker for the application's topics until Ctrl-C;
                                                at most N processors at once (default 50); Prometheus
                                                metrics on http://H:N/metrics (H: 127.0.0.1)
  codec-server [--port 8888] [--host H] [--token T] [--ui-origin URL]...
                                                decrypts payloads for the Web UI (JOBS_CODEC_KEY[_FILE]);
                                                a token (JOBS_CODEC_TOKEN) is needed beyond this machine
  ui [--port 8234] [--host 127.0.0.1] [--token T] [--protect-reads] [--web-ui URL]
     [--max-views 100] [--max-streams 1000]
                                                the jobs dashboard and its HTTP API until Ctrl-C; a token
                                                (JOBS_UI_TOKEN) is needed to serve beyond this machine
  start <topic> [--data JSON|@file] [--name NAME] [--owner ID] [--max-parallel N] [--max-attempts N]
        [--run-children-as activity|workflow] [--concurrency-key KEY] [--json]
  status <id> [--status S] [--offset N] [--limit N] [--json]
  watch <id>                                    live view until the root stops (exits like wait)
  wait <id> [--timeout SECONDS]                 exit 0 success, 1 failed, 2 cancelled, 124 timeout
  list [--status S] [--name NAME] [--limit N] [--json]
  interrupt <id> [--force]                      graceful by default; --force also stops running children
  pause <id>                                    start no more children (running ones finish) until resume
  resume <id>                                   go on where the root paused
  scale <id> --max-parallel N                   a new parallel limit, up or down, for a running root
  retry <id> [--status failed|cancelled|failed,cancelled]
                                                run those children again (default failed), attempts going
                                                on; a finished root runs again under its name
  limit <key> [N|none] [--json]                 all roots started with --concurrency-key KEY run at most N
                                                children at once, shared fairly; without N: show the key

connection: as Temporal's own tools read it: a profile of the config file (TEMPORAL_CONFIG_FILE, else
  ~/.config/temporalio/temporal.toml; --profile or TEMPORAL_PROFILE, else default), overridden by TEMPORAL_ADDRESS
  (default 127.0.0.1:7233), TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_CLIENT_CERT_PATH/_KEY_PATH,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH, …, then by --address, --namespace, --api-key, --tls-cert/--tls-key/--tls-ca;
  --task-queue (TEMPORAL_TASK_QUEUE, default jobs); --app MODULE (JOBS_APP): a module exporting your JobApplication.
exit codes: 2 bad usage or input (also: unknown job, a finished root for pause/resume/scale, nothing to
  retry), 3 name taken by another owner, 4 server unreachable, 1 other errors (also: no worker took a change in time).`;

const commands: Record<string, Command> = {
  ...serverCommands,
  ...uiCommand,
  ...jobCommands,
  ...controlCommands,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? ExitCode.ok : ExitCode.usage;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(
      `jobs: unknown command "${printable(command)}"; \`jobs --help\` lists the commands\n`,
    );
    return ExitCode.usage;
  }
  try {
    return await run(args);
  } catch (err) {
    const [code, message] = describeError(err);
    process.stderr.write(`jobs ${command}: ${printable(message)}\n`);
    return code;
  }
}

function describeError(err: unknown): [number, string] {
  if (
    err instanceof UsageError ||
    err instanceof ConnectionConfigError ||
    err instanceof CodecKeyError ||
    err instanceof InvalidJobInputError ||
    err instanceof JobNotFoundError ||
    err instanceof JobFinishedError
  ) {
    return [ExitCode.usage, err.message];
  }
  if (err instanceof DuplicateJobError) return [ExitCode.duplicate, err.message];
  if (err instanceof ServerUnreachableError) return [ExitCode.unreachable, err.message];
  if (err instanceof WorkflowFailedError)
    return [ExitCode.failed, `the job's workflow failed: ${err.cause?.message ?? err.message}`];
  if (!(err instanceof Error)) return [ExitCode.failed, String(err)];
  // An SDK error names the call; its cause (a gRPC status) says why.
  const cause = (err as { cause?: unknown }).cause;
  const why = cause instanceof Error && !err.message.includes(cause.message) ? ` (${cause.message})` : '';
  return [ExitCode.failed, `${err.message}${why}`.split('\n')[0]];
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
