/**
 * PostgreSQL's server programs (initdb, postgres) from Debian's packages: on PATH or under
 * /usr/lib/postgresql/<version>/bin. Installed with apt-get where the machine allows it (root), else one line
 * saying what to install.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLog, type Log } from '../provisioning/executable';
import { findOnPath, isExecutableFile } from '../provisioning/paths';
import { ensureSystemPrograms, type SystemProgram } from '../provisioning/debian-packages';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  version: string;
}

const DEBIAN_DIR = '/usr/lib/postgresql';

/** Where initdb and postgres are, without running them. */
function locatePostgres(): { initdb: string; postgres: string } | undefined {
  const initdb = findOnPath('initdb');
  const postgres = findOnPath('postgres');
  if (initdb && postgres) return { initdb, postgres };
  if (!fs.existsSync(DEBIAN_DIR)) return undefined;
  const versions = fs
    .readdirSync(DEBIAN_DIR)
    .filter((name) => isExecutableFile(path.join(DEBIAN_DIR, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return undefined;
  const bin = path.join(DEBIAN_DIR, versions[0], 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

function findPostgres(): PostgresBinaries | undefined {
  const found = locatePostgres();
  return found && withVersion(found.initdb, found.postgres);
}

export const POSTGRESQL_PROGRAM: SystemProgram = {
  what: 'PostgreSQL (the production-path tests)',
  present: () => locatePostgres() !== undefined,
  packages: ['postgresql'],
  hint: 'install its server (Debian: `sudo apt-get install postgresql`), or put initdb and postgres on PATH.',
};

/** PostgreSQL's programs, installing Debian's `postgresql` package when they are missing and we may. */
export function resolvePostgres(log: Log = defaultLog): PostgresBinaries {
  ensureSystemPrograms([POSTGRESQL_PROGRAM], log);
  return findPostgres()!;
}

function withVersion(initdb: string, postgres: string): PostgresBinaries {
  const out = execFileSync(postgres, ['--version'], { encoding: 'utf8' });
  return { initdb, postgres, version: /(\d+(\.\d+)?)/.exec(out)?.[1] ?? 'unknown' };
}
