/**
 * PostgreSQL's server programs (initdb, postgres) from Debian's packages: on PATH or under
 * /usr/lib/postgresql/<version>/bin. Installed with apt-get where the machine allows it (root), else one line
 * saying what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLog, type Log } from '../provisioning/executable';
import { findOnPath, isExecutableFile } from '../provisioning/paths';
import { duration } from '../provisioning/progress-line';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  version: string;
}

const DEBIAN_DIR = '/usr/lib/postgresql';

export function findPostgres(): PostgresBinaries | undefined {
  const initdb = findOnPath('initdb');
  const postgres = findOnPath('postgres');
  if (initdb && postgres) return withVersion(initdb, postgres);
  if (!fs.existsSync(DEBIAN_DIR)) return undefined;
  const versions = fs
    .readdirSync(DEBIAN_DIR)
    .filter((name) => isExecutableFile(path.join(DEBIAN_DIR, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return undefined;
  const bin = path.join(DEBIAN_DIR, versions[0], 'bin');
  return withVersion(path.join(bin, 'initdb'), path.join(bin, 'postgres'));
}

/** PostgreSQL's programs, installing Debian's `postgresql` package when they are missing and we may. */
export function resolvePostgres(log: Log = defaultLog): PostgresBinaries {
  const found = findPostgres();
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && findOnPath('apt-get');
  if (!canInstall) {
    throw new Error(
      'PostgreSQL is not installed: install its server (Debian: `sudo apt-get install postgresql`), or put ' +
        'initdb and postgres on PATH.',
    );
  }
  const started = Date.now();
  log('PostgreSQL: installing Debian package postgresql with apt-get (once)…');
  const aptGet = (...args: string[]) =>
    spawnSync('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      encoding: 'utf8',
    });
  const installArgs = ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'];
  let install = aptGet(...installArgs);
  if (install.status !== 0) {
    log('PostgreSQL: refreshing the package lists (apt-get update) and trying again…');
    aptGet('update', '-qq');
    install = aptGet(...installArgs);
  }
  if (install.status !== 0) {
    const tail = `${install.stdout ?? ''}${install.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`PostgreSQL: apt-get install postgresql failed:\n${tail}`);
  }
  log(`PostgreSQL: installed in ${duration(Date.now() - started)}`);
  const installed = findPostgres();
  if (!installed) throw new Error('PostgreSQL: apt-get installed postgresql but initdb is still missing.');
  return installed;
}

function withVersion(initdb: string, postgres: string): PostgresBinaries {
  const out = execFileSync(postgres, ['--version'], { encoding: 'utf8' });
  return { initdb, postgres, version: /(\d+(\.\d+)?)/.exec(out)?.[1] ?? 'unknown' };
}
