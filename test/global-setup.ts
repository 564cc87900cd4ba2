import { POSTGRESQL_PROGRAM, resolvePostgres } from '../src/prod-server/postgres-binaries';
import { ensureSystemPrograms } from '../src/provisioning/debian-packages';
import { resolveTemporalCli } from '../src/provisioning/temporal-cli';
import { resolveTemporalServer, cachedServerDir } from '../src/provisioning/temporal-server';
import { CHROMIUM, COMPOSE, JAVA, MAVEN } from '../src/provisioning/test-programs';
import { resolveTestServer } from '../src/provisioning/test-server';

/**
 * Provisions everything the tests need before the test files start, so they never race to do it: the
 * system programs (installed from Debian's packages where the machine allows), then every Temporal server.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[provision] ${line}\n`);
  ensureSystemPrograms([JAVA, MAVEN, CHROMIUM, COMPOSE, POSTGRESQL_PROGRAM], log);
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
