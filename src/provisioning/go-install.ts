/**
 * `go install module/pkg@version` with a real progress bar: the packages the build has to compile are
 * listed first (`go list -deps`, those that are stale), then counted off as `go install -v` names them.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { formatSeconds, type Log } from './executable';
import { progressLine } from './progress-line';
import { runCommand } from './run-command';

const run = promisify(execFile);

export interface GoInstall {
  /** What is built, for the progress lines. */
  what: string;
  module: string;
  version: string;
  /** Package paths inside the module (e.g. `cmd/server`). */
  packages: string[];
  binDir: string;
  log: Log;
}

const BUILD_ENV = { CGO_ENABLED: '0' };

export async function goInstall({ what, module, version, packages, binDir, log }: GoInstall): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(binDir, { recursive: true });
  const env = { ...process.env, ...BUILD_ENV, GOBIN: binDir, GOFLAGS: '-mod=mod' };
  log(`${what}: fetching ${module}@${version} (the Go module proxy) and listing what to compile…`);
  const toBuild = await stalePackages(module, version, packages, env).catch(() => undefined);
  const targets = packages.map((pkg) => `${module}/${pkg}@${version}`);
  const args = ['install', '-v', '-ldflags', '-s -w', ...targets];
  log(`${what}: go ${args.join(' ')}${toBuild ? ` (${toBuild.size} packages to compile)` : ''}`);

  let built = 0;
  let shown = '';
  const show = () => {
    const line = progressLine(what, built, toBuild?.size, Date.now() - started);
    if (line !== shown) log(line);
    shown = line;
  };
  const timer = setInterval(show, 3000);
  try {
    await runCommand(`${what}: go install`, 'go', args, {
      env,
      onStderr: (text) => {
        for (const name of text.split('\n')) if (toBuild?.has(name.trim())) built++;
      },
    });
  } finally {
    clearInterval(timer);
  }
  if (toBuild) built = toBuild.size; // main packages are linked, which -v does not name when cached
  show();
  log(`${what}: done in ${formatSeconds(Date.now() - started)}`);
}

/** The packages `go install` will compile: every dependency whose cached build is stale. */
async function stalePackages(
  module: string,
  version: string,
  packages: string[],
  env: NodeJS.ProcessEnv,
): Promise<Set<string>> {
  const download = await run('go', ['mod', 'download', '-json', `${module}@${version}`], { env });
  const { Dir } = JSON.parse(download.stdout) as { Dir: string };
  const listed = await run(
    'go',
    ['list', '-deps', '-f', '{{if .Stale}}{{.ImportPath}}{{end}}', ...packages.map((pkg) => `./${pkg}`)],
    { env, cwd: path.resolve(Dir), maxBuffer: 64 * 1024 * 1024 },
  );
  return new Set(listed.stdout.split('\n').filter(Boolean));
}
