/** `jobs dev` and `jobs worker`: the processes a user runs, each until Ctrl-C. */
import { connectWorker, taskQueueFromEnv } from '../connection';
import { startDevServer } from '../provisioning/dev-server';
import { createJobWorker, runUntilStopped } from '../worker';
import { loadApplication } from './app-loader';
import { parse, portNumber, wholeNumber } from './args';
import { connectionOptions, print, settingsFrom, type Command } from './context';
import { untilStopped } from './until-stopped';
import { ExitCode, UsageError } from './exit-codes';
import { exposeMetrics } from './metrics';
import { codecFromEnv } from '../codec/codec-settings';
import { codecAccessProblem, createCodecServer } from '../codec/codec-server';

/** The Web UI's origins by default: the dev server's (jobs dev, npm start) and the compose stack's. */
const UI_ORIGINS = ['http://127.0.0.1:8233', 'http://localhost:8233', 'http://localhost:8080'];

export const serverCommands: Record<string, Command> = {
  async 'codec-server'(args) {
    const { values } = parse(
      args,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'ui-origin': { type: 'string', multiple: true },
      },
      [],
    );
    const codec = codecFromEnv();
    if (!codec) throw new UsageError('codec-server needs the key: set JOBS_CODEC_KEY or JOBS_CODEC_KEY_FILE');
    const port = portNumber('port', values.port) ?? 8888;
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const token = (values.token as string | undefined) ?? (process.env.JOBS_CODEC_TOKEN || undefined);
    const problem = codecAccessProblem(host, token);
    if (problem) throw new UsageError(problem);
    const origins = ((values['ui-origin'] as unknown as string[] | undefined) ?? UI_ORIGINS).map(uiOrigin);
    const server = createCodecServer(codec, { uiOrigins: origins, host, token });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new UsageError(`codec-server cannot listen on ${host}:${port}: ${err.message}`)),
      );
      server.listen(port, host, resolve);
    });
    const older = codec.keyIds.slice(1);
    print([
      `Codec server for key "${codec.keyId}"${older.length ? ` (and older ${older.map((id) => `"${id}"`).join(', ')}, to decrypt)` : ''} on http://${host}:${port} (POST /encode, /decode; CORS for ${origins.join(', ')}).`,
      token
        ? 'Every request needs the token (Authorization: Bearer; the temporal CLI: --codec-auth).'
        : 'Bound to this machine only; no token needed.',
      'In the Web UI: Settings (the gear) › Codec Server, enter this address. Ctrl-C stops it.',
    ]);
    await untilStopped();
    await new Promise((resolve) => server.close(resolve));
    return ExitCode.ok;
  },

  async dev(args) {
    const { values } = parse(
      args,
      { port: { type: 'string' }, 'ui-port': { type: 'string' }, db: { type: 'string' } },
      [],
    );
    const server = await startDevServer({
      port: portNumber('port', values.port),
      uiPort: portNumber('ui-port', values['ui-port']),
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
    const { values } = parse(
      args,
      {
        ...connectionOptions,
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
        processors: { type: 'string' },
      },
      [],
    );
    const metricsPort = portNumber('metrics-port', values['metrics-port']);
    const maxConcurrentProcessors = wholeNumber('processors', values.processors, 1);
    const app = loadApplication(values.app as string | undefined);
    const settings = settingsFrom(values);
    const taskQueue = (values['task-queue'] as string | undefined) ?? taskQueueFromEnv();
    const metrics = metricsPort
      ? exposeMetrics((values['metrics-host'] as string | undefined) ?? '127.0.0.1', metricsPort)
      : undefined;
    const connection = await connectWorker(settings);
    const worker = await createJobWorker({
      connection,
      namespace: settings.namespace,
      taskQueue,
      app,
      maxConcurrentProcessors,
    });
    print([
      `Worker for topics ${app.topics.join(', ')} polling task queue "${taskQueue}" on ${settings.address}.`,
      ...(metrics ? [`Prometheus metrics (the SDK's and the job engine's): ${metrics}`] : []),
      'Ctrl-C stops it after in-flight work.',
    ]);
    await runUntilStopped(worker, (line) => print([line]));
    await connection.close();
    return ExitCode.ok;
  },
};

/** A --ui-origin: scheme, host and port, as a browser sends it in Origin. */
function uiOrigin(value: string): string {
  let origin: string | undefined;
  try {
    origin = new URL(value).origin;
  } catch {
    origin = undefined;
  }
  if (!origin || origin === 'null' || origin !== value.replace(/\/$/, ''))
    throw new UsageError(
      `--ui-origin must be an origin such as http://localhost:8080 (no path); got "${value}"`,
    );
  return origin;
}
