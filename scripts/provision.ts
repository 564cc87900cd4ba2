/**
 * `npm run provision`: what test/global-setup.ts does before every test run, by hand. The system programs
 * (from Debian's packages where missing), the Temporal CLI (dev server with Web UI and SQLite), the
 * time-skipping test server, the Temporal server with its SQL tool, and PostgreSQL (the production path).
 * Builds, fetches or installs what is missing, once.
 */
import { formatSeconds } from '../src/provisioning/executable';
import { resolveTemporalCli } from '../src/provisioning/temporal-cli';
import { resolveTestServer } from '../src/provisioning/test-server';
import { cachedServerDir, resolveTemporalServer } from '../src/provisioning/temporal-server';
import { POSTGRESQL_PROGRAM, resolvePostgres } from '../src/prod-server/postgres-binaries';
import { ensureSystemPrograms } from '../src/provisioning/debian-packages';
import { CHROMIUM, COMPOSE, JAVA, MAVEN } from '../src/provisioning/test-programs';

async function main(): Promise<void> {
  // What the tests need beside the servers (a JDK and Maven, Chromium, docker-compose, PostgreSQL).
  ensureSystemPrograms([JAVA, MAVEN, CHROMIUM, COMPOSE, POSTGRESQL_PROGRAM]);
  for (const [what, resolve] of [
    ['Temporal CLI', resolveTemporalCli],
    ['time-skipping test server', resolveTestServer],
  ] as const) {
    const started = Date.now();
    const resolved = await resolve();
    console.log(`${resolved.description} (${what} ready in ${formatSeconds(Date.now() - started)})`);
  }
  const started = Date.now();
  await resolveTemporalServer();
  const postgres = resolvePostgres();
  console.log(
    `Temporal server (project build): ${cachedServerDir()}; PostgreSQL ${postgres.version} ` +
      `(production path ready in ${formatSeconds(Date.now() - started)})`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
