/**
 * A Temporal server on PostgreSQL, set up as docker-compose.yml sets it up, without Docker: a throwaway
 * PostgreSQL cluster, the two databases and their schemas (deploy/setup-schema.sh), the server with 4 history
 * shards and SQL visibility, then the namespace and the job search attributes (deploy/setup-namespace.sh).
 * `stop()` leaves nothing running and nothing on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { defaultLog, type Log } from '../provisioning/executable';
import { projectRoot } from '../provisioning/paths';
import { canConnect, freePort } from '../provisioning/ports';
import { duration } from '../provisioning/progress-line';
import { resolveTemporalCli } from '../provisioning/temporal-cli';
import { resolveTemporalServer, type TemporalServerTools } from '../provisioning/temporal-server';
import { waitForExit, watchOutput } from './child-process';
import { POSTGRES_PASSWORD, POSTGRES_USER, PostgresCluster } from './postgres-cluster';
import { PORTS_NEEDED, renderServerConfig, serverPorts, type ServerPorts } from './server-config';
import { runScript } from './run-script';

export interface TemporalOnPostgresOptions {
  /** The frontend's gRPC port (default: a free one). */
  port?: number;
  namespace?: string;
  log?: Log;
}

export class TemporalOnPostgres {
  private server?: ChildProcess;

  private constructor(
    readonly postgres: PostgresCluster,
    readonly namespace: string,
    private readonly tools: TemporalServerTools,
    private readonly dir: string,
    private readonly ports: ServerPorts,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.ports.frontend}`;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.ports.metrics}/metrics`;
  }

  get serverPid(): number | undefined {
    return this.server?.pid;
  }

  get serverLogFile(): string {
    return path.join(this.dir, 'temporal-server.log');
  }

  static async start(options: TemporalOnPostgresOptions = {}): Promise<TemporalOnPostgres> {
    const log = options.log ?? defaultLog;
    const step = stepTimer(log);
    if (options.port !== undefined && (await canConnect(options.port))) {
      throw new Error(`Port ${options.port} on 127.0.0.1 is taken; choose another with --port.`);
    }
    const tools = await resolveTemporalServer({ log });
    const cli = await resolveTemporalCli({ log });
    if (cli.executable.type !== 'existing-path')
      throw new Error('The PostgreSQL harness needs a local Temporal CLI.');
    const cliDir = path.dirname(cli.executable.path);
    step('Temporal server and CLI found');

    const postgres = await PostgresCluster.start({ log });
    step(`PostgreSQL ${postgres.version} on 127.0.0.1:${postgres.port}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-jobs-server-'));
    const ports = serverPorts(await distinctFreePorts(PORTS_NEEDED, options.port));
    const harness = new TemporalOnPostgres(postgres, options.namespace ?? 'default', tools, dir, ports);
    const killOnExit = () => harness.server?.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await runScript('schema set-up', path.join(projectRoot(), 'deploy', 'setup-schema.sh'), {
        PATH: `${path.dirname(tools.sqlTool)}${path.delimiter}${process.env.PATH}`,
        POSTGRES_SEEDS: '127.0.0.1',
        DB_PORT: String(postgres.port),
        POSTGRES_USER,
        POSTGRES_PWD: POSTGRES_PASSWORD,
        TEMPORAL_SCHEMA_DIR: tools.schemaDir,
      });
      step('databases temporal and temporal_visibility created, schemas up to date');
      await harness.startServer();
      step(`Temporal server ${path.basename(path.dirname(tools.server))} serving on ${harness.address}`);
      await runScript(
        'namespace set-up',
        path.join(projectRoot(), 'deploy', 'setup-namespace.sh'),
        {
          PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
          TEMPORAL_ADDRESS: harness.address,
          TEMPORAL_NAMESPACE: harness.namespace,
        },
        () => harness.serverExited(),
      );
      await harness.waitForNamespace();
      step(`namespace ${harness.namespace} and the job search attributes ready`);
      return harness;
    } catch (err) {
      await harness.stop();
      throw err;
    }
  }

  /** Starts the server (again, after `killServer`) on the same ports and databases; resolves once it serves. */
  async startServer(): Promise<void> {
    const configDir = path.join(this.dir, 'config');
    fs.mkdirSync(configDir, { recursive: true });
    const config = renderServerConfig({
      ports: this.ports,
      postgresPort: this.postgres.port,
      user: POSTGRES_USER,
      password: POSTGRES_PASSWORD,
      dynamicConfigFile: path.join(projectRoot(), 'deploy', 'dynamicconfig', 'development-sql.yaml'),
    });
    fs.writeFileSync(path.join(configDir, 'postgres.yaml'), config);
    const args = ['--root', this.dir, '--config', 'config', '--env', 'postgres', '--allow-no-auth', 'start'];
    const server = spawn(this.tools.server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.server = server;
    const output = watchOutput(server, this.serverLogFile);
    const deadline = Date.now() + 120_000;
    while (!(await canConnect(this.ports.frontend))) {
      if (this.serverExited()) {
        throw new Error(`The Temporal server exited while starting:\n${output.tail()}`);
      }
      if (Date.now() > deadline)
        throw new Error(`The Temporal server did not serve within 120 s:\n${output.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  serverExited(): boolean {
    return !this.server || this.server.exitCode !== null || this.server.signalCode !== null;
  }

  /** A crash, as the tests make one: SIGKILL, nothing flushed. PostgreSQL keeps what was committed. */
  async killServer(): Promise<void> {
    if (!this.server || this.serverExited()) return;
    this.server.kill('SIGKILL');
    await waitForExit(this.server, 10_000);
  }

  async stop(): Promise<void> {
    if (this.server && !this.serverExited()) {
      this.server.kill('SIGTERM');
      await waitForExit(this.server, 15_000).catch(() => this.server?.kill('SIGKILL'));
    }
    await this.postgres.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A new namespace reaches the frontend's cache within seconds: wait until a visibility query answers. */
  private async waitForNamespace(): Promise<void> {
    const connection = await Connection.connect({ address: this.address });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await connection.workflowService.listWorkflowExecutions({
            namespace: this.namespace,
            query: `JobKind = 'root'`,
          });
          return;
        } catch (err) {
          if (Date.now() > deadline)
            throw new Error(`Namespace ${this.namespace} is not usable: ${String(err)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
      await connection.close();
    }
  }
}

async function distinctFreePorts(count: number, first?: number): Promise<number[]> {
  const ports = new Set<number>(first === undefined ? [] : [first]);
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function stepTimer(log: Log): (what: string) => void {
  let last = Date.now();
  return (what) => {
    log(`[postgres server] ${what} (${duration(Date.now() - last)})`);
    last = Date.now();
  };
}
