/**
 * Programs the tests need from Debian's packages (a JDK and Maven, Chromium, docker-compose, PostgreSQL):
 * installed with apt-get, with a progress line, where the machine allows it (root with apt-get); otherwise
 * one line that says what to install. Never a silent skip.
 */
import { spawnSync } from 'node:child_process';
import { defaultLog, type Log } from './executable';
import { findOnPath } from './paths';
import { duration } from './progress-line';

export interface SystemProgram {
  /** For messages: "Chromium (the Web UI test)". */
  what: string;
  /** True when it is there. */
  present: () => boolean;
  /** Debian packages that provide it. */
  packages: string[];
  /** What to do by hand, where we may not install. */
  hint: string;
}

export function canInstallDebianPackages(): boolean {
  return process.getuid?.() === 0 && !!findOnPath('apt-get');
}

/** Installs what is missing of `programs` in one apt-get run; throws one line per program it cannot provide. */
export function ensureSystemPrograms(
  programs: SystemProgram[],
  log: Log = defaultLog,
  mayInstall = canInstallDebianPackages(),
): void {
  const missing = programs.filter((program) => !program.present());
  if (missing.length === 0) return;
  if (!mayInstall) {
    throw new Error(missing.map((program) => `${program.what} is missing: ${program.hint}`).join('\n'));
  }
  const packages = [...new Set(missing.flatMap((program) => program.packages))];
  const started = Date.now();
  log(
    `Installing Debian packages for ${missing.map((program) => program.what).join(', ')}: ${packages.join(' ')}…`,
  );
  const aptGet = (...args: string[]) =>
    spawnSync('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      encoding: 'utf8',
    });
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...packages];
  let result = aptGet(...install);
  if (result.status !== 0) {
    log('Refreshing the package lists (apt-get update) and trying again…');
    aptGet('update', '-qq');
    result = aptGet(...install);
  }
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`apt-get install ${packages.join(' ')} failed:\n${tail}`);
  }
  const still = missing.filter((program) => !program.present());
  if (still.length > 0) {
    throw new Error(
      `apt-get installed ${packages.join(' ')}, but ${still.map((p) => p.what).join(', ')} is still missing.`,
    );
  }
  log(`Installed ${packages.join(' ')} in ${duration(Date.now() - started)}.`);
}
