/**
 * The Temporal server on PostgreSQL (src/prod-server/) for tests: a server and an SDK test environment on it
 * (`jobs worker` processes: worker-process.ts).
 */
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  TemporalOnPostgres,
  type TemporalOnPostgresOptions,
} from '../../src/prod-server/temporal-on-postgres';

const root = path.resolve(__dirname, '..', '..');
export const PID_APP = path.join(root, 'test', 'fixtures', 'pid-app.ts');

export interface PostgresServer {
  server: TemporalOnPostgres;
  env: TestWorkflowEnvironment;
  teardown(): Promise<void>;
}

/** The server in one process, or (`cluster`) in one per service and history node. */
export async function startPostgresServer(
  options: Pick<TemporalOnPostgresOptions, 'cluster' | 'shards'> = {},
): Promise<PostgresServer> {
  const server = await startOnce(options).catch((err: Error) => {
    // The ports are picked free and bound a moment later: a test file starting its own servers meanwhile can
    // take one (more likely for a cluster's 19). That start fails within seconds; one more try picks new ports.
    if (!/exited while starting|did not serve/.test(err.message)) throw err;
    console.warn(
      `The Temporal server on PostgreSQL did not start (${err.message.split('\n')[0]}); trying once more.`,
    );
    return startOnce(options);
  });
  try {
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
    return {
      server,
      env,
      async teardown() {
        await env.teardown();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

function startOnce(
  options: Pick<TemporalOnPostgresOptions, 'cluster' | 'shards'>,
): Promise<TemporalOnPostgres> {
  // fsync off: the tests kill the server, not the machine, and a durable PostgreSQL is slower to no purpose here.
  return TemporalOnPostgres.start({ ...options, durable: false, log: () => undefined });
}
