/**
 * A command-line tool from PyPI, installed once into a virtual environment under .tools/ with the machine's
 * Python 3 (Schemathesis for the security scan, kubernetes-validate for the Kubernetes manifests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLog, type Log } from './executable';
import { findOnPath, isExecutableFile, toolsDir } from './paths';
import { runCommand } from './run-command';

export interface PythonTool {
  /** The PyPI package. */
  package: string;
  version: string;
  /** The command it installs into the environment's bin/. */
  command: string;
  /** What needs it, for the error when Python is missing. */
  neededBy: string;
}

/** The tool's command, installing it first when it is not there. */
export async function resolvePythonTool(tool: PythonTool, log: Log = defaultLog): Promise<string> {
  const venv = path.join(toolsDir(), tool.package, tool.version);
  const command = path.join(venv, 'bin', tool.command);
  if (isExecutableFile(command)) return command;
  const python = findOnPath('python3');
  if (!python)
    throw new Error(`${tool.neededBy} needs Python 3 (Debian: \`sudo apt-get install python3-venv\`).`);
  log(`Installing ${tool.package} ${tool.version} from PyPI into ${venv} (once)…`);
  fs.rmSync(venv, { recursive: true, force: true });
  await runCommand('python3 -m venv', python, ['-m', 'venv', venv]);
  await runCommand(`pip install ${tool.package}`, path.join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `${tool.package}==${tool.version}`,
  ]);
  if (!isExecutableFile(command))
    throw new Error(`pip installed ${tool.package}, but ${command} is not there.`);
  return command;
}
