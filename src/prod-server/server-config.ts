/**
 * The Temporal server's configuration for a PostgreSQL store (the same plugin, databases and dynamic config as
 * docker-compose.yml): default store and SQL visibility on PostgreSQL 12+, 4 history shards, every service in
 * one process on loopback ports. Pure: it renders YAML from the ports it is given.
 */
export interface ServerPorts {
  /** Where clients connect (gRPC). */
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** One membership (ringpop) port per service. */
  membership: [number, number, number, number];
  metrics: number;
}

export interface ServerConfigInput {
  ports: ServerPorts;
  postgresPort: number;
  user: string;
  password: string;
  dynamicConfigFile: string;
  historyShards?: number;
  /** Connections each node keeps to the default store (default 20). */
  maxConns?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export const PORTS_NEEDED = 10;
/** History shards unless asked otherwise (fixed once the databases exist). */
export const DEFAULT_HISTORY_SHARDS = 4;

export function serverPorts(free: number[]): ServerPorts {
  if (free.length < PORTS_NEEDED)
    throw new Error(`the server needs ${PORTS_NEEDED} ports; got ${free.length}`);
  const [frontend, frontendHttp, history, matching, worker, m1, m2, m3, m4, metrics] = free;
  return { frontend, frontendHttp, history, matching, worker, membership: [m1, m2, m3, m4], metrics };
}

export function renderServerConfig(input: ServerConfigInput): string {
  const { ports, postgresPort, user, password } = input;
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${postgresPort}"
        connectProtocol: "tcp"
        user: ${JSON.stringify(user)}
        password: ${JSON.stringify(password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: string, grpc: number, membership: number, extra = '') => `  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `# Written by the project's PostgreSQL harness (src/prod-server/server-config.ts).
log:
  stdout: true
  level: ${input.logLevel ?? 'warn'}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${input.historyShards ?? DEFAULT_HISTORY_SHARDS}
  datastores:
    postgres-default:
${store('temporal', input.maxConns ?? 20)}
    postgres-visibility:
${store('temporal_visibility', 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: "127.0.0.1:${ports.metrics}"

services:
${service('frontend', ports.frontend, ports.membership[0], `\n      httpPort: ${ports.frontendHttp}`)}
${service('history', ports.history, ports.membership[1])}
${service('matching', ports.matching, ports.membership[2])}
${service('worker', ports.worker, ports.membership[3])}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: ${JSON.stringify(input.dynamicConfigFile)}
  pollInterval: "10s"
`;
}
