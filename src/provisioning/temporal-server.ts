/**
 * The Temporal server itself (not the CLI's dev server) and its SQL schema tool, for the PostgreSQL-backed
 * server (`npm run prod-server`, the postgres tests and benchmark). Built once with Go into `.tools/`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLog, type Log } from './executable';
import { goInstall } from './go-install';
import { findOnPath, isExecutableFile, toolsDir } from './paths';

/**
 * The server the dev server embeds (CLI v1.5.1), with no replace directive, so `go install` takes it. Keep
 * docker-compose.yml's TEMPORAL_VERSION and TEMPORAL_ADMINTOOLS_VERSION in step (a test checks).
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';

export interface TemporalServerTools {
  /** The server binary (`temporal-server`). */
  server: string;
  /** The SQL schema tool (`temporal-sql-tool`): its folder goes first on PATH for deploy/setup-schema.sh. */
  sqlTool: string;
  /** The server's schema files (`postgresql/v12/...`), as admin-tools has them in /etc/temporal/schema. */
  schemaDir: string;
}

export function cachedServerDir(): string {
  return path.join(toolsDir(), 'temporal-server', TEMPORAL_SERVER_VERSION);
}

/** The cached build, or a new one when missing (several minutes on a cold Go cache). */
export async function resolveTemporalServer(
  options: { provision?: boolean; log?: Log } = {},
): Promise<TemporalServerTools> {
  const log = options.log ?? defaultLog;
  const dir = cachedServerDir();
  const tools = {
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema'),
  };
  const ready = () =>
    isExecutableFile(tools.server) && isExecutableFile(tools.sqlTool) && fs.existsSync(tools.schemaDir);
  if (ready()) return tools;
  if (options.provision === false) {
    throw new Error('The Temporal server has not been built yet; run `npm run provision`.');
  }
  if (!findOnPath('go')) {
    throw new Error(
      `Building the Temporal server ${TEMPORAL_SERVER_VERSION} needs Go (>= 1.23) on PATH; install Go, or put ` +
        `temporal-server and temporal-sql-tool in ${dir}.`,
    );
  }
  // Each provision builds in its own folder (`npm run provision` and `npm test` may run at once).
  const building = path.join(dir, `building-${process.pid}`);
  removeAbandonedBuilds(dir);
  fs.mkdirSync(building, { recursive: true });
  await goInstall({
    what: `Temporal server ${TEMPORAL_SERVER_VERSION}`,
    module: SERVER_MODULE,
    version: TEMPORAL_SERVER_VERSION,
    packages: ['cmd/server', 'cmd/tools/sql'],
    binDir: building,
    log,
  });
  // go install names binaries after their folders: server and sql. Another provision may have put them
  // in place meanwhile: a rename replaces a file whole, and the schema folder stays the first one's.
  fs.cpSync(path.join(moduleDir(), 'schema', 'postgresql'), path.join(building, 'schema', 'postgresql'), {
    recursive: true,
  });
  try {
    fs.renameSync(path.join(building, 'schema'), tools.schemaDir);
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  fs.renameSync(path.join(building, 'sql'), tools.sqlTool);
  fs.renameSync(path.join(building, 'server'), tools.server);
  fs.rmSync(building, { recursive: true, force: true });
  return tools;
}

/** Build folders of provisions that no longer run (killed halfway): each holds a server binary's worth. */
function removeAbandonedBuilds(dir: string): void {
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const pid = /^building(?:-(\d+))?$/.exec(entry);
    if (pid && !(pid[1] && isRunning(Number(pid[1]))))
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server module's source in Go's module cache (go install has just fetched it). */
function moduleDir(): string {
  const out = execFileSync(
    'go',
    ['mod', 'download', '-json', `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`],
    {
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out) as { Dir: string }).Dir;
}
