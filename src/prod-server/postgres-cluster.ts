/**
 * A throwaway PostgreSQL cluster: `initdb` in a temporary folder, `postgres` on a loopback port as a child
 * process (no system service), removed again by `stop()`. Run as the `postgres` user when we are root, since
 * PostgreSQL refuses to run as root.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canConnect, freePort } from '../provisioning/ports';
import type { Log } from '../provisioning/executable';
import { resolvePostgres } from './postgres-binaries';
import { waitForExit, watchOutput } from './child-process';

export const POSTGRES_USER = 'temporal';
export const POSTGRES_PASSWORD = 'temporal';

const SETTINGS = ['max_connections=300'];
/**
 * Speed over crash safety, for tests: the cluster lives as long as a test run (a Temporal server restart keeps
 * it, a machine crash would not). Without these, PostgreSQL runs as production does: every commit on disk.
 */
const NOT_DURABLE = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

export class PostgresCluster {
  private constructor(
    readonly port: number,
    readonly version: string,
    private readonly dir: string,
    private readonly process: ChildProcess,
    readonly logFile: string,
  ) {}

  static async start(options: {
    port?: number;
    log: Log;
    /** Commits reach the disk before they count (fsync on), as in production (default true). */
    durable?: boolean;
    /** More `name=value` settings (the benchmarks try knobs with them). */
    settings?: string[];
    /** Only these CPUs (a `taskset -c` list), to measure what a core of PostgreSQL is worth. */
    cpus?: string;
  }): Promise<PostgresCluster> {
    const binaries = resolvePostgres(options.log);
    const port = options.port ?? (await freePort());
    if (await canConnect(port))
      throw new Error(`PostgreSQL: port ${port} on 127.0.0.1 is taken; choose another.`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-jobs-pg-'));
    const asUser = runAs(dir);
    const data = path.join(dir, 'data');
    const logFile = path.join(dir, 'postgres.log');
    try {
      execFileSync(
        ...asUser(binaries.initdb, ['-D', data, '-U', POSTGRES_USER, '--auth=trust', '-E', 'UTF8', '-N']),
        {
          stdio: 'pipe',
        },
      );
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `PostgreSQL: initdb failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`,
      );
    }
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    const durability = options.durable === false ? NOT_DURABLE : [];
    for (const setting of [...SETTINGS, ...durability, ...(options.settings ?? [])]) args.push('-c', setting);
    const [file, fileArgs] = asUser(binaries.postgres, args);
    const pinned: [string, string[]] = options.cpus
      ? ['taskset', ['-c', options.cpus, file, ...fileArgs]]
      : [file, fileArgs];
    const child = spawn(...pinned, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = watchOutput(child, logFile);
    try {
      await output.waitFor(/database system is ready to accept connections/, 60_000, 'PostgreSQL');
    } catch (err) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    // Should this process end without stop() (an uncaught error), PostgreSQL goes with it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    return new PostgresCluster(port, binaries.version, dir, child, logFile);
  }

  /** The postmaster (its backends are its children). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Fast shutdown (open sessions are ended), then the folder goes. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGINT');
      await waitForExit(this.process, 20_000).catch(() => this.process.kill('SIGKILL'));
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** How to run a PostgreSQL program: as is, or (as root) as the `postgres` user, who then owns `dir`. */
function runAs(dir: string): (file: string, args: string[]) => [string, string[]] {
  if (process.getuid?.() !== 0) return (file, args) => [file, args];
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  } catch {
    throw new Error(
      'PostgreSQL will not run as root, and there is no `postgres` user to run it as: create one.',
    );
  }
  fs.chownSync(dir, uid, gid);
  // setpriv execs the program itself (runuser would stay in between and not pass on every signal).
  return (file, args) => [
    'setpriv',
    [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', file, ...args],
  ];
}
