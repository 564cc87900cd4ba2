/** The system programs `npm test` needs beside the Temporal servers, and the Debian packages that bring them. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { SystemProgram } from './debian-packages';
import { findOnPath } from './paths';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const succeeds = (command: string, ...args: string[]) => {
  try {
    return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
};

export const JAVA: SystemProgram = {
  what: 'a JDK (the Java time-skipping test server)',
  present: () => !!findOnPath('java'),
  packages: ['openjdk-17-jdk-headless'],
  hint: 'install JDK 11 or newer (Debian: `sudo apt-get install openjdk-17-jdk-headless`).',
};

export const MAVEN: SystemProgram = {
  what: 'Maven (fetching the Java test server)',
  present: () => !!findOnPath('mvn'),
  packages: ['maven'],
  hint: 'install Maven (Debian: `sudo apt-get install maven`).',
};

export const CHROMIUM: SystemProgram = {
  what: 'Chromium (the Web UI test)',
  present: () => fs.existsSync(CHROMIUM_PATH),
  packages: ['chromium'],
  hint: `install Chromium (Debian: \`sudo apt-get install chromium\`), or set CHROMIUM_PATH (looked for ${CHROMIUM_PATH}).`,
};

export const COMPOSE: SystemProgram = {
  what: 'docker compose or docker-compose (validating docker-compose.yml)',
  present: () => succeeds('docker', 'compose', 'version') || succeeds('docker-compose', 'version'),
  packages: ['docker-compose'],
  hint: "install the compose plugin or Debian's docker-compose (`sudo apt-get install docker-compose`).",
};
