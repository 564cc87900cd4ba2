/**
 * A Temporal server on PostgreSQL, set up as docker-compose.yml sets it up, without Docker: a throwaway
 * PostgreSQL cluster, the two databases and their schemas (deploy/setup-schema.sh), the server with 4 history
 * shards and SQL visibility, then the namespace and the job search attributes (deploy/setup-namespace.sh).
 * `stop()` leaves nothing running and nothing on disk.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { defaultLog, type Log } from '../provisioning/executable';
import { projectRoot } from '../provisioning/paths';
import { canConnect, freePort } from '../provisioning/ports';
import { duration } from '../provisioning/progress-line';
import { resolveTemporalCli } from '../provisioning/temporal-cli';
import { resolveTemporalServer } from '../provisioning/temporal-server';
import { POSTGRES_PASSWORD, POSTGRES_USER, PostgresCluster } from './postgres-cluster';
import { PORTS_NEEDED, serverPorts, type ServerPorts } from './server-config';
import { ServerNodes, extraPortsFor, type ClusterTopology, type NodeName } from './server-nodes';
import { runScript } from './run-script';

export interface TemporalOnPostgresOptions {
  /** The frontend's gRPC port (default: a free one). */
  port?: number;
  namespace?: string;
  log?: Log;
  /** Run each service as a process of its own, with this many history nodes (default: one process). */
  cluster?: ClusterTopology;
  /** History shards (default 4); fixed once the databases are created. */
  shards?: number;
  /** PostgreSQL puts every commit on disk first (fsync on, as production runs it; default true). */
  durable?: boolean;
  /** Knobs the benchmarks try: more PostgreSQL settings (`name=value`), connections per node to the default store, and dynamic config added to deploy/dynamicconfig/development-sql.yaml. */
  tuning?: {
    postgresSettings?: string[];
    /** PostgreSQL on these CPUs only (a `taskset -c` list). */
    postgresCpus?: string;
    maxConns?: number;
    dynamicConfig?: Record<string, unknown>;
  };
}

export class TemporalOnPostgres {
  private constructor(
    readonly postgres: PostgresCluster,
    readonly namespace: string,
    private readonly dir: string,
    private readonly ports: ServerPorts,
    /** The server's processes: one, or one per service and history node. */
    readonly nodes: ServerNodes,
  ) {}

  /** Leaves no server process behind if ours exits without calling stop(). */
  private readonly killOnExit = () => this.nodes.killAllNow();

  get address(): string {
    return `127.0.0.1:${this.ports.frontend}`;
  }

  /** The metrics of the single server, or of the cluster's frontend. */
  get metricsUrl(): string {
    return this.metricsUrlOf(this.nodes.first);
  }

  /** The metrics of every node (one for the single server). */
  get metricsUrls(): string[] {
    return this.nodes.names.map((name) => this.metricsUrlOf(name));
  }

  get serverPid(): number | undefined {
    return this.nodes.pid(this.nodes.first);
  }

  get serverLogFile(): string {
    return this.nodes.logFile(this.nodes.first);
  }

  private metricsUrlOf(name: NodeName): string {
    return `http://127.0.0.1:${this.nodes.ports.get(name)!.metrics}/metrics`;
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

    const postgres = await PostgresCluster.start({
      log,
      durable: options.durable,
      settings: options.tuning?.postgresSettings,
      cpus: options.tuning?.postgresCpus,
    });
    step(`PostgreSQL ${postgres.version} on 127.0.0.1:${postgres.port}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-jobs-server-'));
    const free = await distinctFreePorts(PORTS_NEEDED + extraPortsFor(options.cluster), options.port);
    const ports = serverPorts(free.slice(0, PORTS_NEEDED));
    const shared = {
      postgresPort: postgres.port,
      user: POSTGRES_USER,
      password: POSTGRES_PASSWORD,
      dynamicConfigFile: writeDynamicConfig(dir, options.tuning?.dynamicConfig),
      historyShards: options.shards,
      maxConns: options.tuning?.maxConns,
    };
    const nodes = new ServerNodes(
      tools.server,
      dir,
      shared,
      ports,
      options.cluster,
      free.slice(PORTS_NEEDED),
    );
    const harness = new TemporalOnPostgres(postgres, options.namespace ?? 'default', dir, ports, nodes);
    process.once('exit', harness.killOnExit);
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
      const shape = options.cluster
        ? `${nodes.names.length} processes (${nodes.names.join(', ')})`
        : 'one process';
      step(
        `Temporal server ${path.basename(path.dirname(tools.server))} serving on ${harness.address}, ${shape}`,
      );
      await runScript(
        'namespace set-up',
        path.join(projectRoot(), 'deploy', 'setup-namespace.sh'),
        {
          PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
          TEMPORAL_ADDRESS: harness.address,
          TEMPORAL_NAMESPACE: harness.namespace,
        },
        () => harness.serverExited(),
      ).catch((err: unknown) => {
        // The script only knows the server went away; the node that exited knows why.
        const exited = nodes.anyExited();
        if (exited)
          throw new Error(
            `The Temporal server's ${exited.name} exited during the namespace set-up:\n${exited.tail}`,
          );
        throw err;
      });
      await harness.waitForNamespace();
      step(`namespace ${harness.namespace} and the job search attributes ready`);
      return harness;
    } catch (err) {
      await harness.stop();
      throw err;
    }
  }

  /** Starts the server's processes (again, after `killServer`), `nodes.first` alone first; resolves once it serves. */
  async startServer(): Promise<void> {
    if (this.nodes.exited(this.nodes.first)) {
      this.nodes.start(this.nodes.first);
      await this.serving();
    }
    for (const name of this.nodes.names) if (this.nodes.exited(name)) this.nodes.start(name);
    await this.serving();
  }

  /** Starts one node again (after `killNode`); resolves once the frontend answers. */
  async startNode(name: NodeName): Promise<void> {
    this.nodes.start(name);
    await this.serving();
  }

  /** A crash of one node, as the tests make one: SIGKILL, nothing flushed. */
  killNode(name: NodeName): Promise<void> {
    return this.nodes.kill(name);
  }

  private async serving(): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!(await canConnect(this.ports.frontend))) {
      const exited = this.nodes.anyExited();
      if (exited)
        throw new Error(`The Temporal server's ${exited.name} exited while starting:\n${exited.tail}`);
      if (Date.now() > deadline)
        throw new Error(
          `The Temporal server did not serve within 120 s:\n${this.nodes.tail(this.nodes.first)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  serverExited(): boolean {
    return this.nodes.anyExited() !== undefined;
  }

  /** A crash of the whole server, as the tests make one: SIGKILL, nothing flushed. PostgreSQL keeps what was committed. */
  async killServer(): Promise<void> {
    for (const name of this.nodes.names) await this.nodes.kill(name);
  }

  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    await this.nodes.stopAll();
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

/** The deploy dynamic config, or a copy of it in `dir` with `extra` added. */
function writeDynamicConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const deployed = path.join(projectRoot(), 'deploy', 'dynamicconfig', 'development-sql.yaml');
  if (Object.keys(extra).length === 0) return deployed;
  let text = fs.readFileSync(deployed, 'utf8');
  for (const [key, value] of Object.entries(extra)) {
    if (new RegExp(`^${key.replace(/\./g, '\\.')}:`, 'm').test(text))
      throw new Error(`dynamic config ${key} is already set in ${deployed}`);
    text += `${key}:\n  - value: ${JSON.stringify(value)}\n    constraints: {}\n`;
  }
  const file = path.join(dir, 'dynamicconfig.yaml');
  fs.writeFileSync(file, text);
  return file;
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
