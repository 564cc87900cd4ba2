import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { defaultLog, type ResolveOptions, type ResolvedExecutable } from './executable';
import { CLI_DOWNLOAD_ENV, downloadTemporalCli } from './cli-download';
import { findOnPath, isExecutableFile, toolsDir } from './paths';
import { goInstall } from './go-install';

/** The newest CLI tag that `go install` accepts (later tags carry a replace directive). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const CLI_MODULE_ROOT = 'github.com/temporalio/cli';
const CLI_MODULE = `${CLI_MODULE_ROOT}/cmd/temporal`;
const MIN_GO = [1, 25] as const;

export const TEMPORAL_CLI_ENV = 'TEMPORAL_CLI_PATH';

export function cachedTemporalCliPath(): string {
  return path.join(toolsDir(), 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

const INSTALL_HINT =
  `Install one of: Go >= ${MIN_GO.join('.')} (the project then builds the CLI itself with ` +
  `\`CGO_ENABLED=0 go install ${CLI_MODULE}@${TEMPORAL_CLI_VERSION}\`), the Temporal CLI on PATH as \`temporal\`, ` +
  `or set ${TEMPORAL_CLI_ENV}=/path/to/temporal; with internet access it is downloaded ` +
  `(${CLI_DOWNLOAD_ENV} names a mirror).`;

/**
 * Finds the Temporal CLI (the dev server with Web UI and SQLite): $TEMPORAL_CLI_PATH, `temporal` on PATH,
 * the project's cached copy, else downloads it from Temporal's download service when that answers within
 * seconds, else builds it with Go (minutes; offline from the Go module proxy), else fails saying what to install.
 */
export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<ResolvedExecutable> {
  const log = options.log ?? defaultLog;
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) {
      throw new Error(`${TEMPORAL_CLI_ENV}=${fromEnv} is not an executable file.`);
    }
    return existing(fromEnv, 'env', `Temporal CLI from ${TEMPORAL_CLI_ENV}: ${fromEnv}`);
  }
  const onPath = findOnPath('temporal');
  if (onPath) return existing(onPath, 'path', `Temporal CLI on PATH: ${onPath}`);

  const cached = cachedTemporalCliPath();
  if (isExecutableFile(cached)) return existing(cached, 'cache', `Temporal CLI (project build): ${cached}`);
  if (options.provision === false) {
    throw new Error(
      `The Temporal CLI has not been provisioned yet; run \`npm run provision\`. ${INSTALL_HINT}`,
    );
  }

  const failures: string[] = [];
  const notDownloaded = await downloadTemporalCli(TEMPORAL_CLI_VERSION, cached, log);
  if (!notDownloaded) return existing(cached, 'provisioned', `Temporal CLI (downloaded now): ${cached}`);
  failures.push(notDownloaded);
  log(`Temporal CLI: no download (${notDownloaded}); building it with Go instead.`);
  const goVersion = detectGoVersion();
  if (!goVersion) {
    failures.push('Go is not installed');
  } else if (!atLeast(goVersion, MIN_GO)) {
    failures.push(`Go ${goVersion.join('.')} is older than ${MIN_GO.join('.')}`);
  } else {
    try {
      await buildTemporalCli(cached, log);
      return existing(cached, 'provisioned', `Temporal CLI (built now): ${cached}`);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  throw new Error(`No Temporal CLI available (${failures.join('; ')}). ${INSTALL_HINT}`);
}

async function buildTemporalCli(target: string, log: (line: string) => void): Promise<void> {
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (once; several minutes on a cold cache).`);
  await goInstall({
    what: `Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    module: CLI_MODULE_ROOT,
    version: TEMPORAL_CLI_VERSION,
    packages: ['cmd/temporal'],
    binDir: path.dirname(target),
    log,
  });
  if (!isExecutableFile(target)) throw new Error(`go install finished but ${target} is missing`);
}

function existing(
  file: string,
  source: ResolvedExecutable['source'],
  description: string,
): ResolvedExecutable {
  return { executable: { type: 'existing-path', path: file }, source, description };
}

function detectGoVersion(): number[] | undefined {
  if (!findOnPath('go')) return undefined;
  try {
    const out = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    const match = /go(\d+)\.(\d+)/.exec(out);
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  } catch {
    return undefined;
  }
}

function atLeast(version: number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) > minimum[i];
  }
  return true;
}
