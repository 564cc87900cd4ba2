import * as https from 'node:https';

/** How a Temporal server binary was found; `download` leaves it to the SDK's own cached download. */
export type ExecutableSource = 'env' | 'path' | 'cache' | 'provisioned' | 'download';

export type ServerExecutable =
  { type: 'existing-path'; path: string } | { type: 'cached-download'; downloadDir?: string };

export interface ResolvedExecutable {
  executable: ServerExecutable;
  source: ExecutableSource;
  /** One line for logs: what will run and why. */
  description: string;
}

export interface ResolveOptions {
  /** Build or download into the tools folder when nothing is found (default true). */
  provision?: boolean;
  /** Progress lines while provisioning (default: stderr). */
  log?: (line: string) => void;
}

export type Log = (line: string) => void;

export const defaultLog: Log = (line) => process.stderr.write(`${line}\n`);

/** The SDK downloads binaries from this site; only worth trying when it answers. */
const SDK_DOWNLOAD_PROBE = 'https://temporal.download/';

export function canReachSdkDownloads(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.request(SDK_DOWNLOAD_PROBE, { method: 'HEAD', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(false));
    request.end();
  });
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
