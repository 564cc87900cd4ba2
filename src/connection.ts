import * as fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/**
 * Where the Temporal server is and how to reach it, following Temporal's own environment variables:
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY / TEMPORAL_TLS_CA (file paths),
 * TEMPORAL_TLS (true for server-verified TLS without a client certificate), TEMPORAL_API_KEY.
 */
export interface ConnectionSettings {
  address: string;
  namespace: string;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tls?: boolean;
  apiKey?: string;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TASK_QUEUE = 'jobs';

export function connectionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  return {
    address: env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    tlsCertPath: env.TEMPORAL_TLS_CERT || undefined,
    tlsKeyPath: env.TEMPORAL_TLS_KEY || undefined,
    tlsCaPath: env.TEMPORAL_TLS_CA || undefined,
    tls: env.TEMPORAL_TLS === 'true' || undefined,
    apiKey: env.TEMPORAL_API_KEY || undefined,
  };
}

export function taskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}

/** TLS and API key options shared by the client's and the worker's connections. */
function secureOptions(settings: ConnectionSettings): {
  tls: ConnectionOptions['tls'];
  apiKey: string | undefined;
} {
  const read = (what: string, file: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`Cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  if (Boolean(settings.tlsCertPath) !== Boolean(settings.tlsKeyPath)) {
    throw new Error(
      'TLS needs both a client certificate and its key (TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY).',
    );
  }
  const clientCertPair =
    settings.tlsCertPath && settings.tlsKeyPath
      ? { crt: read('certificate', settings.tlsCertPath), key: read('key', settings.tlsKeyPath) }
      : undefined;
  const serverRootCACertificate = settings.tlsCaPath ? read('CA certificate', settings.tlsCaPath) : undefined;
  const useTls = Boolean(clientCertPair || serverRootCACertificate || settings.tls || settings.apiKey);
  return {
    tls: useTls ? { clientCertPair, serverRootCACertificate } : undefined,
    apiKey: settings.apiKey,
  };
}

/** A Temporal client for the configured server; fails with the address when nothing answers there. */
export async function connectClient(
  settings: ConnectionSettings = connectionSettingsFromEnv(),
): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: settings.address,
      connectTimeout: '5s',
      ...secureOptions(settings),
    });
  } catch (err) {
    throw new ServerUnreachableError(settings.address, (err as Error).message);
  }
  return new Client({ connection, namespace: settings.namespace });
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

export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(
      `Cannot reach a Temporal server at ${address} (${reason}). Start one with \`jobs dev\` (\`npm run dev-server\` in this repository), ` +
        'or point TEMPORAL_ADDRESS at yours.',
    );
  }
}
