/**
 * `jobs`: the command line of temporal-root-jobs. Connection settings follow Temporal's own environment
 * variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY/CA, TEMPORAL_API_KEY).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectClient,
  connectWorker,
  connectionSettingsFromEnv,
  ServerUnreachableError,
  taskQueueFromEnv,
  type ConnectionSettings,
} from '../connection';
import { startDevServer } from '../dev-server';
import { DuplicateJobError, InvalidJobInputError, JobNotFoundError } from '../errors';
import { JobClient } from '../client/job-client';
import { parseJobId } from '../jobs/ids';
import type { ChildJobState, RootJobStatus } from '../jobs/types';
import { createJobWorker, runUntilStopped } from '../worker';
import { loadApplication } from './app-loader';
import { childMode, jsonData, parse, statusOption, wholeNumber, type Options } from './args';
import { ExitCode, UsageError } from './exit-codes';
import { childLines, childrenTable, rootHeader, table } from './render';
import { watchRoot } from './watch';

const USAGE = `usage: jobs <command> [options]

  dev [--port P] [--ui-port U] [--db FILE]      run the Temporal dev server (Web UI, SQLite) until Ctrl-C
  worker [--app MODULE]                         run a worker for the application's topics until Ctrl-C
  start <topic> [--data JSON|@file] [--name NAME] [--owner ID] [--max-parallel N] [--max-attempts N]
        [--run-children-as activity|workflow] [--json]
  status <id> [--status S] [--offset N] [--limit N] [--json]
  watch <id>                                    live view until the root stops (exits like wait)
  wait <id> [--timeout SECONDS]                 exit 0 success, 1 failed, 2 cancelled, 124 timeout
  list [--status S] [--name NAME] [--limit N] [--json]
  interrupt <id> [--force]                      graceful by default; --force also stops running children

connection: --address (TEMPORAL_ADDRESS, default 127.0.0.1:7233), --namespace (TEMPORAL_NAMESPACE),
  --task-queue (TEMPORAL_TASK_QUEUE, default jobs), --tls-cert/--tls-key/--tls-ca (TEMPORAL_TLS_CERT/KEY/CA),
  --api-key (TEMPORAL_API_KEY); --app MODULE (JOBS_APP): a module exporting your JobApplication.
exit codes: 2 bad usage or input, 3 name taken by another owner, 4 server unreachable, 1 other errors.`;

const connectionOptions: Options = {
  address: { type: 'string' },
  namespace: { type: 'string' },
  'task-queue': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'api-key': { type: 'string' },
  app: { type: 'string' },
};

type Values = Record<string, string | boolean | undefined>;

function settingsFrom(values: Values): ConnectionSettings {
  const env = connectionSettingsFromEnv();
  const pick = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  return {
    address: pick('address') ?? env.address,
    namespace: pick('namespace') ?? env.namespace,
    tlsCertPath: pick('tls-cert') ?? env.tlsCertPath,
    tlsKeyPath: pick('tls-key') ?? env.tlsKeyPath,
    tlsCaPath: pick('tls-ca') ?? env.tlsCaPath,
    tls: env.tls,
    apiKey: pick('api-key') ?? env.apiKey,
  };
}

async function jobClient(values: Values): Promise<JobClient> {
  const app = loadApplication(values.app as string | undefined);
  const client = await connectClient(settingsFrom(values));
  return new JobClient(client, (values['task-queue'] as string | undefined) ?? taskQueueFromEnv(), app);
}

const print = (lines: string[]) => process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function exitCodeOf(root: RootJobStatus): number {
  if (root.status === 'success') return ExitCode.ok;
  return root.status === 'failed' ? ExitCode.failed : ExitCode.cancelled;
}

function requireRootId(id: string, command: string): void {
  if (parseJobId(id).kind !== 'root')
    throw new UsageError(`${command} takes a root job id; "${id}" is a child job`);
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async dev(args) {
    const { values } = parse(
      args,
      { port: { type: 'string' }, 'ui-port': { type: 'string' }, db: { type: 'string' } },
      [],
    );
    const server = await startDevServer({
      port: wholeNumber('port', values.port, 1),
      uiPort: wholeNumber('ui-port', values['ui-port'], 1),
      dbFile: values.db as string | undefined,
    });
    print([
      `Temporal dev server ready`,
      `  gRPC:    ${server.address}`,
      `  Web UI:  ${server.uiUrl}`,
      `  SQLite:  ${server.dbFile}`,
      'Press Ctrl-C to stop.',
    ]);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.on(signal, () => void server.stop());
    const code = await server.exited;
    print(['Temporal dev server stopped.']);
    return code ?? 0;
  },

  async worker(args) {
    const { values } = parse(args, connectionOptions, []);
    const app = loadApplication(values.app as string | undefined);
    const settings = settingsFrom(values);
    const taskQueue = (values['task-queue'] as string | undefined) ?? taskQueueFromEnv();
    const connection = await connectWorker(settings);
    const worker = await createJobWorker({ connection, namespace: settings.namespace, taskQueue, app });
    print([
      `Worker for topics ${app.topics.join(', ')} polling task queue "${taskQueue}" on ${settings.address}.`,
      'Ctrl-C stops it after in-flight work.',
    ]);
    await runUntilStopped(worker, (line) => print([line]));
    await connection.close();
    return ExitCode.ok;
  },

  async start(args) {
    const { values, positionals } = parse(
      args,
      {
        ...connectionOptions,
        data: { type: 'string' },
        name: { type: 'string' },
        owner: { type: 'string' },
        'max-parallel': { type: 'string' },
        'max-attempts': { type: 'string' },
        'run-children-as': { type: 'string' },
        json: { type: 'boolean' },
      },
      ['topic'],
    );
    const data = jsonData(values.data);
    const maxParallel = wholeNumber('max-parallel', values['max-parallel'], 1);
    const maxAttempts = wholeNumber('max-attempts', values['max-attempts'], 1);
    const runChildrenAs = childMode(values['run-children-as']);
    const jobs = await jobClient(values);
    const started = await jobs.start(positionals[0], {
      data,
      name: values.name as string | undefined,
      ownerId: values.owner as string | undefined,
      maxParallel,
      maxAttempts,
      runChildrenAs,
    });
    if (values.json) printJson(started);
    else print([started.attached ? `${started.id} (already running for this owner: attached)` : started.id]);
    return ExitCode.ok;
  },

  async status(args) {
    const { values, positionals } = parse(
      args,
      {
        ...connectionOptions,
        status: { type: 'string' },
        offset: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      ['id'],
    );
    const request = {
      status: statusOption(values.status),
      offset: wholeNumber('offset', values.offset, 0),
      limit: wholeNumber('limit', values.limit, 0),
    };
    const jobs = await jobClient(values);
    const answer = await jobs.status(positionals[0], request);
    if (values.json) printJson(answer);
    else if ('children' in answer) print([...rootHeader(answer), '', ...childrenTable(answer.children)]);
    else print(childLines(answer as ChildJobState));
    return ExitCode.ok;
  },

  async watch(args) {
    const { values, positionals } = parse(args, connectionOptions, ['id']);
    requireRootId(positionals[0], 'watch');
    const jobs = await jobClient(values);
    return exitCodeOf(await watchRoot(jobs, positionals[0]));
  },

  async wait(args) {
    const { values, positionals } = parse(args, { ...connectionOptions, timeout: { type: 'string' } }, [
      'id',
    ]);
    const [id] = positionals;
    requireRootId(id, 'wait');
    const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0)) {
      throw new UsageError(`--timeout must be a number of seconds; got "${values.timeout}"`);
    }
    const jobs = await jobClient(values);
    await jobs.status(id, { limit: 0 }); // an unknown id fails now, not at the timeout
    const abort = new AbortController();
    const timedOut =
      timeoutSeconds === undefined
        ? new Promise<never>(() => undefined)
        : sleep(timeoutSeconds * 1000, 'timeout' as const, { signal: abort.signal });
    const outcome = await Promise.race([jobs.wait(id), timedOut]);
    abort.abort();
    if (outcome === 'timeout') {
      process.stderr.write(`jobs: ${id} did not stop within ${timeoutSeconds} s\n`);
      return ExitCode.timeout;
    }
    print([`${id}: ${outcome.status}${outcome.interrupted ? ' (interrupted)' : ''}`]);
    return exitCodeOf(outcome);
  },

  async list(args) {
    const { values } = parse(
      args,
      {
        ...connectionOptions,
        status: { type: 'string' },
        name: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      [],
    );
    const filter = {
      status: statusOption(values.status),
      name: values.name as string | undefined,
      limit: wholeNumber('limit', values.limit, 1) ?? 100,
    };
    const jobs = await jobClient(values);
    const roots = await jobs.list(filter);
    if (values.json) printJson(roots);
    else if (roots.length === 0) print(['no root jobs']);
    else
      print(
        table(
          ['ID', 'STATUS', 'STARTED', 'CLOSED', 'OWNER'],
          roots.map((r) => [r.id, r.status ?? '?', r.startTime, r.closeTime ?? '-', r.ownerId ?? '-']),
        ),
      );
    return ExitCode.ok;
  },

  async interrupt(args) {
    const { values, positionals } = parse(args, { ...connectionOptions, force: { type: 'boolean' } }, ['id']);
    const jobs = await jobClient(values);
    const outcome = await jobs.interrupt(positionals[0], { force: Boolean(values.force) });
    print([outcome.message]);
    return ExitCode.ok;
  },
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    print([USAGE]);
    return command ? ExitCode.ok : ExitCode.usage;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`jobs: unknown command "${command}"; \`jobs --help\` lists the commands\n`);
    return ExitCode.usage;
  }
  try {
    return await run(args);
  } catch (err) {
    const [code, message] = describeError(err);
    process.stderr.write(`jobs ${command}: ${message}\n`);
    return code;
  }
}

function describeError(err: unknown): [number, string] {
  if (err instanceof UsageError || err instanceof InvalidJobInputError || err instanceof JobNotFoundError) {
    return [ExitCode.usage, err.message];
  }
  if (err instanceof DuplicateJobError) return [ExitCode.duplicate, err.message];
  if (err instanceof ServerUnreachableError) return [ExitCode.unreachable, err.message];
  if (err instanceof WorkflowFailedError)
    return [ExitCode.failed, `the job's workflow failed: ${err.cause?.message ?? err.message}`];
  return [ExitCode.failed, err instanceof Error ? err.message : String(err)];
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
