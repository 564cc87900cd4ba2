/** What every `jobs` command shares: connection options, the JobClient, and output helpers. */
import {
  connectClient,
  connectionSettingsFromEnv,
  taskQueueFromEnv,
  type ConnectionSettings,
} from '../connection';
import { JobClient } from '../client/job-client';
import { parseJobId } from '../jobs/ids';
import type { RootJobStatus } from '../jobs/types';
import { loadApplication } from './app-loader';
import type { Options } from './args';
import { ExitCode, UsageError } from './exit-codes';

export type Command = (args: string[]) => Promise<number>;

export const connectionOptions: Options = {
  address: { type: 'string' },
  namespace: { type: 'string' },
  'task-queue': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'api-key': { type: 'string' },
  app: { type: 'string' },
};

export type Values = Record<string, string | boolean | undefined>;

export function settingsFrom(values: Values): ConnectionSettings {
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

export async function jobClient(values: Values): Promise<JobClient> {
  const app = loadApplication(values.app as string | undefined);
  const client = await connectClient(settingsFrom(values));
  return new JobClient(client, (values['task-queue'] as string | undefined) ?? taskQueueFromEnv(), app);
}

export const print = (lines: string[]) => process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export function exitCodeOf(root: RootJobStatus): number {
  if (root.status === 'success') return ExitCode.ok;
  return root.status === 'failed' ? ExitCode.failed : ExitCode.cancelled;
}

export function requireRootId(id: string, command: string): void {
  if (parseJobId(id).kind !== 'root')
    throw new UsageError(`${command} takes a root job id; "${id}" is a child job`);
}
