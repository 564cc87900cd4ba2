import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import {
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
  type ClientConfigTLS,
} from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { jobDataConverter } from './codec/codec-settings';
import { tracingPlugin, type JobTracing } from './tracing';

/**
 * Where the Temporal server is and how to reach it, as Temporal's own tools read it (`@temporalio/envconfig`):
 * a profile of the TOML config file (`TEMPORAL_CONFIG_FILE`, else `~/.config/temporalio/temporal.toml`;
 * `TEMPORAL_PROFILE` or `--profile` picks it, else `default`), overridden by TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*; then by the CLI's flags.
 */
export interface ConnectionSettings {
  /** host:port of the server's frontend (default 127.0.0.1:7233). */
  address: string;
  /** The Temporal namespace (default `default`). */
  namespace: string;
  /** An API key (Temporal Cloud); TLS is then on. */
  apiKey?: string;
  /** TLS settings, as Temporal's config file gives them. */
  tls?: ClientConfigTLS;
  /** gRPC headers sent with every call. */
  grpcMeta?: Record<string, string>;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TASK_QUEUE = 'jobs';

/** Earlier names of ours for the TLS files, still read when Temporal's own are not set. */
const FORMER_TLS_NAMES: Record<string, string> = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};

/** The settings from the environment and Temporal's config file (`profile` picks the profile). */
export function connectionSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  profile?: string,
): ConnectionSettings {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value) vars[name] = value;
  for (const [former, current] of Object.entries(FORMER_TLS_NAMES)) {
    if (vars[former] && !vars[current]) vars[current] = vars[former];
  }
  let loaded: ClientConfigProfile;
  try {
    loaded = loadClientConfigProfile({ profile, overrideEnvVars: vars });
  } catch (err) {
    throw new ConnectionConfigError(`Temporal connection settings: ${(err as Error).message}`);
  }
  return {
    address: loaded.address || DEFAULT_ADDRESS,
    namespace: loaded.namespace || 'default',
    ...(loaded.apiKey ? { apiKey: loaded.apiKey } : {}),
    ...(loaded.tls ? { tls: loaded.tls } : {}),
    ...(loaded.grpcMeta && Object.keys(loaded.grpcMeta).length ? { grpcMeta: loaded.grpcMeta } : {}),
  };
}

export function taskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}

/** TLS, API key and gRPC metadata, shared by the client's and the worker's connections. */
export function secureOptions(settings: ConnectionSettings): {
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
  metadata?: Record<string, string>;
} {
  const tls = settings.tls;
  if (tls && !tls.disabled && Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    throw new Error(
      'TLS needs both a client certificate and its key (TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or --tls-cert and --tls-key).',
    );
  }
  let options;
  try {
    options = toClientOptions(settings).connectionOptions;
  } catch (err) {
    throw new Error(`Cannot read a TLS file: ${(err as Error).message}`);
  }
  return {
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.grpcMeta ? { metadata: settings.grpcMeta } : {}),
  };
}

/**
 * gRPC options of our clients. Responses up to 128 MiB, as Temporal's other SDKs take: the TypeScript SDK means
 * to, but names the option so that grpc-js ignores it, and stops at 4 MiB; a page of a big root's or batch's
 * history, or of a visibility list, passes that.
 */
export const CLIENT_CHANNEL_ARGS = { 'grpc.max_receive_message_length': 128 * 2 ** 20 };

/** A Temporal client for the configured server; fails with the address when nothing answers there. */
export async function connectClient(
  settings: ConnectionSettings = connectionSettingsFromEnv(),
  options: { tracing?: JobTracing } = {},
): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: settings.address,
      connectTimeout: '5s',
      channelArgs: CLIENT_CHANNEL_ARGS,
      ...secureOptions(settings),
    });
  } catch (err) {
    throw new ServerUnreachableError(settings.address, (err as Error).message);
  }
  return new Client({
    connection,
    namespace: settings.namespace,
    dataConverter: jobDataConverter(),
    ...(options.tracing ? { plugins: [tracingPlugin(options.tracing)] } : {}),
  });
}

/** The worker's (native) connection to the configured server. */
export async function connectWorker(
  settings: ConnectionSettings = connectionSettingsFromEnv(),
): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: settings.address, ...secureOptions(settings) });
  } catch (err) {
    throw new ServerUnreachableError(settings.address, (err as Error).message);
  }
}

/** The connection settings cannot be used: an unknown profile, a config file that does not parse. */
export class ConnectionConfigError extends Error {
  override readonly name = 'ConnectionConfigError';
}

/** No Temporal server answered at the address: says how to start one. */
export class ServerUnreachableError extends Error {
  /** `'ServerUnreachableError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'ServerUnreachableError';
  constructor(
    /** The address tried. */
    readonly address: string,
    reason: string,
  ) {
    super(
      `Cannot reach a Temporal server at ${address} (${reason}). Start one with \`jobs dev\` (\`npm run dev-server\` in this repository), ` +
        'or point TEMPORAL_ADDRESS at yours.',
    );
  }
}
