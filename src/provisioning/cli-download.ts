/**
 * The Temporal CLI from Temporal's own download service, as the SDK fetches it (seconds, where building it with
 * Go takes minutes): `<base>/cli/<version>?platform=…&arch=…` answers with the archive's address and the file
 * in it. Tried only when the service answers within a few seconds, so an offline machine goes on to Go at once.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { formatSeconds, type Log } from './executable';
import { progressLine } from './progress-line';

const run = promisify(execFile);

/** Where the CLI is downloaded from; a mirror (or a test's local server) can stand in. */
export const CLI_DOWNLOAD_ENV = 'TEMPORAL_CLI_DOWNLOAD_URL';
const DEFAULT_BASE = 'https://temporal.download';
/** The service must answer within this to be used: offline, the probe costs no more. */
const ANSWER_WITHIN_MS = 5000;

interface DownloadInfo {
  archive_url: string;
  file_to_extract: string;
}

export function cliDownloadBase(): string {
  return (process.env[CLI_DOWNLOAD_ENV] ?? DEFAULT_BASE).replace(/\/+$/, '');
}

/** Why the download cannot be used, or undefined once `target` holds a CLI that runs. */
export async function downloadTemporalCli(
  version: string,
  target: string,
  log: Log,
  base = cliDownloadBase(),
): Promise<string | undefined> {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform as string];
  if (!arch || !platform) return `no download for ${process.platform}/${process.arch}`;
  const started = Date.now();
  let info: DownloadInfo;
  try {
    const response = await fetch(`${base}/cli/${version}?platform=${platform}&arch=${arch}&format=tar.gz`, {
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    if (!response.ok) return `${base} answered ${response.status}`;
    info = (await response.json()) as DownloadInfo;
    if (typeof info.archive_url !== 'string' || typeof info.file_to_extract !== 'string')
      return `${base} answered without an archive`;
  } catch (err) {
    return `${base} cannot be reached (${(err as Error).message})`;
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-cli-'));
  try {
    log(`Downloading the Temporal CLI ${version} from ${base}…`);
    const archive = path.join(work, 'cli.tar.gz');
    const response = await fetch(info.archive_url);
    if (!response.ok || !response.body) return `the archive ${info.archive_url} answered ${response.status}`;
    const size = Number(response.headers.get('content-length')) || undefined;
    let received = 0;
    const timer = setInterval(
      () =>
        log(
          progressLine(`Temporal CLI ${version}`, mb(received), size && mb(size), Date.now() - started, 'MB'),
        ),
      2000,
    );
    try {
      const counted = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).on(
        'data',
        (chunk: Buffer) => (received += chunk.length),
      );
      await pipeline(counted, fs.createWriteStream(archive));
    } finally {
      clearInterval(timer);
    }
    const inside = path.normalize(info.file_to_extract);
    if (path.isAbsolute(inside) || inside.startsWith('..'))
      return `the archive names an unsafe file: ${inside}`;
    await run('tar', ['-xzf', archive, '-C', work, inside]);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(work, inside), `${target}.part`);
    fs.chmodSync(`${target}.part`, 0o755);
    await run(`${target}.part`, ['--version']); // it runs here
    fs.renameSync(`${target}.part`, target);
    log(`Temporal CLI ${version}: downloaded in ${formatSeconds(Date.now() - started)}`);
    return undefined;
  } catch (err) {
    fs.rmSync(`${target}.part`, { force: true });
    return `the download failed (${(err as Error).message.split('\n')[0]})`;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e6);
}
