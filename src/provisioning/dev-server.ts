import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { defaultLog, type Log } from './executable';
import { projectRoot } from './paths';
import { canConnect, waitForPort } from './ports';
import { resolveTemporalCli } from './temporal-cli';
import { devServerTuningFlags } from './dev-server-tuning';
import { searchAttributeFlags } from '../search-attributes';

export interface DevServerOptions {
  /** gRPC port (default 7233). */
  port?: number;
  /** Web UI port (default 8233). */
  uiPort?: number;
  /** SQLite file that keeps jobs across restarts (default `.data/temporal.sqlite`). */
  dbFile?: string;
  ip?: string;
  namespace?: string;
  log?: Log;
  /** Where the server's own output goes: this terminal (default) or a log file. */
  logFile?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  dbFile: string;
  process: ChildProcess;
  /** Resolves with the exit code once the server process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function defaultDevServerDbFile(): string {
  return path.join(projectRoot(), '.data', 'temporal.sqlite');
}

/**
 * Starts the Temporal CLI dev server (SQLite file, Web UI, the project's search attributes registered) as a
 * child process and resolves once its namespace answers.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? defaultLog;
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const dbFile = path.resolve(options.dbFile ?? defaultDevServerDbFile());
  const address = `${ip}:${port}`;

  for (const [what, p] of [
    ['gRPC', port],
    ['Web UI', uiPort],
  ] as const) {
    if (await canConnect(p, ip)) {
      throw new Error(
        `Port ${p} (${what}) on ${ip} is already in use: is a Temporal server already running?`,
      );
    }
  }
  const cli = await resolveTemporalCli({ log });
  if (cli.executable.type !== 'existing-path') {
    throw new Error('The dev server needs the Temporal CLI as a file; run `npm run provision` first.');
  }
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--namespace',
    namespace,
    '--db-filename',
    dbFile,
    // File-backed SQLite is slow without these (the Temporal SDK's own CI uses them too).
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--log-level',
    'warn',
    ...devServerTuningFlags(),
    ...searchAttributeFlags(),
  ];
  const output = options.logFile ? fs.openSync(options.logFile, 'a') : 'inherit';
  const child = spawn(cli.executable.path, args, { stdio: ['ignore', output, output] });
  if (typeof output === 'number') fs.closeSync(output);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Never leave a server behind when this process ends without stopping it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const startFailed = exited.then((code) => {
    throw new Error(`The Temporal dev server exited during start-up (exit ${code}); see its output above.`);
  });
  try {
    await Promise.race([waitUntilServing(address, namespace, port), startFailed]);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  startFailed.catch(() => undefined);
  return {
    address,
    uiUrl: `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${uiPort}`,
    dbFile,
    process: child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitUntilServing(address: string, namespace: string, port: number): Promise<void> {
  await waitForPort(port, 60_000);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
