/**
 * Makes sure the Temporal servers the project runs on are available: the Temporal CLI (dev server with
 * Web UI and SQLite), the time-skipping test server, and the Temporal server with its SQL tool and
 * PostgreSQL (the production path). Builds, fetches or installs what is missing, once.
 */
import { formatSeconds } from '../src/provisioning/executable';
import { resolveTemporalCli } from '../src/provisioning/temporal-cli';
import { resolveTestServer } from '../src/provisioning/test-server';
import { cachedServerDir, resolveTemporalServer } from '../src/provisioning/temporal-server';
import { resolvePostgres } from '../src/prod-server/postgres-binaries';

async function main(): Promise<void> {
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
