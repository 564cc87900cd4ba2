import { resolvePostgres } from '../src/prod-server/postgres-binaries';
import { resolveTemporalCli } from '../src/provisioning/temporal-cli';
import { resolveTemporalServer, cachedServerDir } from '../src/provisioning/temporal-server';
import { resolveTestServer } from '../src/provisioning/test-server';

/** Builds or fetches every server the tests run on before the test files start, so they never race to provision. */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[provision] ${line}\n`);
  for (const resolve of [resolveTemporalCli, resolveTestServer]) {
    const resolved = await resolve({ log });
    log(resolved.description);
  }
  // The production path (test/postgres): the Temporal server on PostgreSQL.
  await resolveTemporalServer({ log });
  log(`Temporal server and SQL tool (project build): ${cachedServerDir()}`);
  const postgres = resolvePostgres(log);
  log(`PostgreSQL ${postgres.version}: ${postgres.postgres}`);
}
