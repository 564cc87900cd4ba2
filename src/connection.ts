import { Client, Connection } from '@temporalio/client';

/** Where the Temporal server is, following Temporal's own environment variables. */
export interface ConnectionSettings {
  address: string;
  namespace: string;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TASK_QUEUE = 'jobs';

export function connectionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  return {
    address: env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
  };
}

export function taskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}

/** A Temporal client for the configured server; fails with the address when nothing answers there. */
export async function connectClient(
  settings: ConnectionSettings = connectionSettingsFromEnv(),
): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.address, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(
      `Cannot reach a Temporal server at ${settings.address} (${(err as Error).message}). ` +
        'Start one with `npm run dev-server`, or set TEMPORAL_ADDRESS.',
    );
  }
  return new Client({ connection, namespace: settings.namespace });
}
