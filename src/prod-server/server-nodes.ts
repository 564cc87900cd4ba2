/**
 * The Temporal server's processes: one with every service (the default), or a cluster of one process per service
 * — a frontend, a matching and an internal-worker node and N history nodes — that find each other through
 * membership on loopback ports (ringpop, seeded from the cluster_membership table in PostgreSQL). Each process has
 * its own config file (its own ports), its own log, and can be killed and started again alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitForExit, watchOutput, type WatchedOutput } from './child-process';
import { renderServerConfig, type ServerConfigInput, type ServerPorts } from './server-config';

/** A node of the server: `server` runs every service; the others one service each (`history-1`, …). */
export type NodeName = 'server' | 'frontend' | 'matching' | 'worker' | `history-${number}`;

export interface ClusterTopology {
  /** History nodes (1 or more). */
  historyNodes: number;
}

export class ServerNodes {
  private readonly processes = new Map<NodeName, { child: ChildProcess; output: WatchedOutput }>();
  /** Each node's ports, in start order. */
  readonly ports: Map<NodeName, ServerPorts>;

  constructor(
    private readonly serverBinary: string,
    private readonly dir: string,
    /** The config every node shares (stores, shards), without its ports. */
    private readonly shared: Omit<ServerConfigInput, 'ports'>,
    base: ServerPorts,
    topology: ClusterTopology | undefined,
    /** Free ports for the cluster's nodes (extraPortsFor). */
    extra: number[] = [],
  ) {
    this.ports = nodePorts(base, topology, extra);
  }

  get names(): NodeName[] {
    return [...this.ports.keys()];
  }

  /**
   * The node started alone, before the others: on a fresh database every process writes the cluster's metadata
   * if it finds none, and of two writing at once one exits ("Failed to apply cluster metadata").
   */
  get first(): NodeName {
    return this.ports.has('server') ? 'server' : 'frontend';
  }

  logFile(name: NodeName): string {
    return path.join(this.dir, `temporal-${name}.log`);
  }

  pid(name: NodeName): number | undefined {
    return this.processes.get(name)?.child.pid;
  }

  /** Starts one node on its ports and the shared databases (at once: the caller waits for it to serve). */
  start(name: NodeName): WatchedOutput {
    const ports = this.ports.get(name);
    if (!ports) throw new Error(`no node called ${name}; nodes: ${this.names.join(', ')}`);
    const configDir = path.join(this.dir, 'config');
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, `${name}.yaml`), renderServerConfig({ ...this.shared, ports }));
    const services = name === 'server' ? [] : ['--service', name.startsWith('history') ? 'history' : name];
    const args = [
      '--root',
      this.dir,
      '--config',
      'config',
      '--env',
      name,
      '--allow-no-auth',
      'start',
      ...services,
    ];
    const child = spawn(this.serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = watchOutput(child, this.logFile(name));
    this.processes.set(name, { child, output });
    return output;
  }

  /** The node's last log lines (for errors). */
  tail(name: NodeName): string {
    return this.processes.get(name)?.output.tail() ?? '';
  }

  exited(name: NodeName): boolean {
    const child = this.processes.get(name)?.child;
    return !child || child.exitCode !== null || child.signalCode !== null;
  }

  /** The first node that has exited, with its last lines; undefined while all run. */
  anyExited(): { name: NodeName; tail: string } | undefined {
    for (const [name, { output }] of this.processes) {
      if (this.exited(name)) return { name, tail: output.tail() };
    }
    return undefined;
  }

  /** A crash: SIGKILL, nothing flushed. */
  async kill(name: NodeName): Promise<void> {
    const child = this.processes.get(name)?.child;
    if (!child || this.exited(name)) return;
    child.kill('SIGKILL');
    await waitForExit(child, 10_000);
  }

  /** Stops every node (SIGTERM, SIGKILL after 15 s): the others together, then the frontend that clients use. */
  async stopAll(): Promise<void> {
    const stop = async (name: NodeName) => {
      const child = this.processes.get(name)?.child;
      if (!child || this.exited(name)) return;
      child.kill('SIGTERM');
      await waitForExit(child, 15_000).catch(() => child.kill('SIGKILL'));
    };
    await Promise.all(this.names.filter((name) => name !== 'frontend').map(stop));
    await stop('frontend');
  }

  killAllNow(): void {
    for (const { child } of this.processes.values()) child.kill('SIGKILL');
  }
}

/**
 * Each node's ports. Single process: `base`. A cluster: every node shares the frontend's address (clients and
 * the other nodes' configs name it) and the services' sections, and has its own metrics port; history node k
 * past the first takes its gRPC and membership ports from `extra`.
 */
function nodePorts(
  base: ServerPorts,
  topology: ClusterTopology | undefined,
  extra: number[],
): Map<NodeName, ServerPorts> {
  if (!topology) return new Map([['server', base]]);
  const { historyNodes } = topology;
  if (!Number.isInteger(historyNodes) || historyNodes < 1)
    throw new Error(`a cluster needs 1 or more history nodes; got ${historyNodes}`);
  const needed = extraPortsFor(topology);
  if (extra.length < needed) throw new Error(`the cluster needs ${needed} more ports; got ${extra.length}`);
  const free = [...extra];
  const take = () => free.shift() as number;
  const nodes = new Map<NodeName, ServerPorts>();
  for (const name of ['frontend', 'matching', 'worker'] as const)
    nodes.set(name, { ...base, metrics: take() });
  for (let k = 1; k <= historyNodes; k++) {
    const own =
      k === 1
        ? { history: base.history, membership: base.membership[1] }
        : { history: take(), membership: take() };
    const membership: ServerPorts['membership'] = [...base.membership];
    membership[1] = own.membership;
    nodes.set(`history-${k}`, { ...base, history: own.history, membership, metrics: take() });
  }
  return nodes;
}

/**
 * Free ports a topology needs beyond the single server's: a metrics port per node, and gRPC and membership
 * ports for each history node past the first.
 */
export function extraPortsFor(topology: ClusterTopology | undefined): number {
  return topology ? 3 + topology.historyNodes + (topology.historyNodes - 1) * 2 : 0;
}
