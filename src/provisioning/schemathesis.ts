/**
 * Schemathesis, the OpenAPI fuzzer the security scan runs (`npm run scan`, test/security/scanner.test.ts):
 * installed once from PyPI into a virtual environment under .tools/, with the machine's Python 3.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLog, type Log } from './executable';
import { findOnPath, isExecutableFile, toolsDir } from './paths';
import { runCommand } from './run-command';

export const SCHEMATHESIS_VERSION = '4.32.5';

/** The `st` command, installing it first when it is not there. */
export async function resolveSchemathesis(log: Log = defaultLog): Promise<string> {
  const venv = path.join(toolsDir(), 'schemathesis', SCHEMATHESIS_VERSION);
  const st = path.join(venv, 'bin', 'st');
  if (isExecutableFile(st)) return st;
  const python = findOnPath('python3');
  if (!python)
    throw new Error('The security scan needs Python 3 (Debian: `sudo apt-get install python3-venv`).');
  log(`Installing Schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv} (once)…`);
  fs.rmSync(venv, { recursive: true, force: true });
  await runCommand('python3 -m venv', python, ['-m', 'venv', venv]);
  await runCommand('pip install schemathesis', path.join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  if (!isExecutableFile(st)) throw new Error(`pip installed Schemathesis, but ${st} is not there.`);
  return st;
}
