/**
 * The Temporal server on PostgreSQL (src/prod-server/) for tests: a server and an SDK test environment on it
 * (`jobs worker` processes: worker-process.ts).
 */
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TemporalOnPostgres } from '../../src/prod-server/temporal-on-postgres';

const root = path.resolve(__dirname, '..', '..');
export const PID_APP = path.join(root, 'test', 'fixtures', 'pid-app.ts');

export interface PostgresServer {
  server: TemporalOnPostgres;
  env: TestWorkflowEnvironment;
  teardown(): Promise<void>;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const server = await TemporalOnPostgres.start({ log: () => undefined });
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
