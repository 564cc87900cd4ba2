/** What every `jobs` command shares: connection options, the JobClient, and output helpers. */
import { printable, printableJson } from './printable';
import {
  connectClient,
  connectionSettingsFromEnv,
  taskQueueFromEnv,
  type ConnectionSettings,
} from '../connection';
import { JobClient } from '../client/job-client';
import { parseJobId } from '../jobs/ids';
import type { RootStatusAnswer } from '../contract/jobs';
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
  profile: { type: 'string' },
  app: { type: 'string' },
};

export type Values = Record<string, string | boolean | undefined>;

/** TEMPORAL_* variables and the config file's profile (`--profile`), then the flags over them. */
export function settingsFrom(values: Values): ConnectionSettings {
  const pick = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const base = connectionSettingsFromEnv(process.env, pick('profile'));
  const file = (name: string) => (pick(name) ? { path: pick(name)! } : undefined);
  const tlsFlags = {
    ...(file('tls-cert') ? { clientCert: file('tls-cert') } : {}),
    ...(file('tls-key') ? { clientKey: file('tls-key') } : {}),
    ...(file('tls-ca') ? { serverCACert: file('tls-ca') } : {}),
  };
  const tls = Object.keys(tlsFlags).length ? { ...base.tls, ...tlsFlags, disabled: false } : base.tls;
  return {
    ...base,
    address: pick('address') ?? base.address,
    namespace: pick('namespace') ?? base.namespace,
    ...(tls ? { tls } : {}),
    ...(pick('api-key') ? { apiKey: pick('api-key') } : {}),
  };
}

export async function jobClient(values: Values): Promise<JobClient> {
  const app = loadApplication(values.app as string | undefined);
  const client = await connectClient(settingsFrom(values));
  return new JobClient(client, (values['task-queue'] as string | undefined) ?? taskQueueFromEnv(), app);
}

/** Lines for people, each shown as it is written: job data in them cannot steer the terminal (printable.ts). */
export const print = (lines: string[]) =>
  process.stdout.write(lines.length ? `${lines.map(printable).join('\n')}\n` : '');
export const printJson = (value: unknown) =>
  process.stdout.write(`${printableJson(JSON.stringify(value, null, 2))}\n`);

export function exitCodeOf(root: RootStatusAnswer): number {
  if (root.status === 'success') return ExitCode.ok;
  return root.status === 'failed' ? ExitCode.failed : ExitCode.cancelled;
}

export function requireRootId(id: string, command: string): void {
  if (parseJobId(id).kind !== 'root')
    throw new UsageError(`${command} takes a root job id; "${id}" is a child job`);
}
