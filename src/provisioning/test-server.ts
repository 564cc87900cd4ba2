import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  canReachSdkDownloads,
  defaultLog,
  type Log,
  type ResolveOptions,
  type ResolvedExecutable,
} from './executable';
import { findOnPath, isExecutableFile, projectRoot, toolsDir } from './paths';
import { freePort, waitForPort } from './ports';
import { runWithProgress } from './run-with-progress';

export const TEST_SERVER_ENV = 'TEMPORAL_TEST_SERVER_PATH';
const WRAPPER_NAME = 'temporal-test-server';

/** Where the Maven-resolved jars, their classpath and the class-data-sharing archive live. */
export function testServerHome(): string {
  return path.join(toolsDir(), 'test-server');
}

/** The committed wrapper that `exec`s the JVM (the SDK kills only its direct child). */
export function testServerWrapper(): string {
  return path.join(projectRoot(), 'scripts', WRAPPER_NAME);
}

const INSTALL_HINT =
  `Install JDK >= 11 with Maven (the project then fetches io.temporal:temporal-test-server itself), ` +
  `put a \`${WRAPPER_NAME}\` on PATH, or set ${TEST_SERVER_ENV}=/path/to/server; ` +
  `with internet access the SDK can also download it.`;

/**
 * Finds the time-skipping test server: $TEMPORAL_TEST_SERVER_PATH, `temporal-test-server` on PATH, the
 * project's Maven-resolved Java server, else resolves it with Maven, else the SDK's download, else fails.
 */
export async function resolveTestServer(options: ResolveOptions = {}): Promise<ResolvedExecutable> {
  const log = options.log ?? defaultLog;
  const fromEnv = process.env[TEST_SERVER_ENV];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv))
      throw new Error(`${TEST_SERVER_ENV}=${fromEnv} is not an executable file.`);
    return existing(fromEnv, 'env', `Test server from ${TEST_SERVER_ENV}: ${fromEnv}`);
  }
  const onPath = findOnPath(WRAPPER_NAME);
  if (onPath) return existing(onPath, 'path', `Test server on PATH: ${onPath}`);

  if (isProvisioned()) {
    return existing(testServerWrapper(), 'cache', `Java test server (project jars): ${testServerHome()}`);
  }
  if (options.provision === false) {
    throw new Error(
      `The test server has not been provisioned yet; run \`npm run provision\`. ${INSTALL_HINT}`,
    );
  }

  const failures: string[] = [];
  const missing = ['java', 'mvn'].filter((tool) => !findOnPath(tool));
  if (missing.length > 0) {
    failures.push(`${missing.join(' and ')} not installed`);
  } else {
    try {
      await provisionJavaTestServer(log);
      return existing(
        testServerWrapper(),
        'provisioned',
        `Java test server (fetched now): ${testServerHome()}`,
      );
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (await canReachSdkDownloads()) {
    return {
      executable: { type: 'cached-download' },
      source: 'download',
      description: 'Test server: downloaded by the Temporal SDK',
    };
  }
  failures.push('the SDK download site cannot be reached');
  throw new Error(`No time-skipping test server available (${failures.join('; ')}). ${INSTALL_HINT}`);
}

function isProvisioned(): boolean {
  return fs.existsSync(path.join(testServerHome(), 'classpath.txt'));
}

/** Copies the server's runtime jars from Maven, writes the classpath, then builds a CDS archive. */
async function provisionJavaTestServer(log: Log): Promise<void> {
  const home = testServerHome();
  const libDir = path.join(home, 'lib');
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true });
  await runWithProgress(
    'mvn temporal-test-server',
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      path.join(projectRoot(), 'tools', 'test-server', 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libDir}`,
    ],
    { log },
  );
  const jars = fs
    .readdirSync(libDir)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => path.join(libDir, name));
  if (!jars.some((jar) => path.basename(jar).startsWith('temporal-test-server-'))) {
    throw new Error(`Maven did not deliver temporal-test-server into ${libDir}`);
  }
  await dumpClassDataArchive(home, jars.join(path.delimiter), log);
  // Written last: its presence marks a complete provisioning.
  fs.writeFileSync(path.join(home, 'classpath.txt'), jars.join(path.delimiter));
}

/**
 * Starts the server once with -XX:ArchiveClassesAtExit so later starts map the loaded classes from a
 * shared archive: this roughly halves JVM start-up, keeping it well inside the SDK's 5 s readiness wait.
 */
async function dumpClassDataArchive(home: string, classpath: string, log: Log): Promise<void> {
  const archive = path.join(home, 'test-server.jsa');
  const port = await freePort();
  const started = Date.now();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child = spawn(
    java,
    [
      `-XX:ArchiveClassesAtExit=${archive}`,
      '-Xlog:cds=off',
      '-Xlog:cds+dynamic=off',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-cp',
      classpath,
      'io.temporal.testserver.TestServer',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitForPort(port, 30_000);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  if (fs.existsSync(archive)) {
    log(`Java test server: class-data archive written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    log('Java test server: no class-data archive was written; it will start without one (slower).');
  }
}

function existing(
  file: string,
  source: ResolvedExecutable['source'],
  description: string,
): ResolvedExecutable {
  return { executable: { type: 'existing-path', path: file }, source, description };
}
