/**
 * Makes sure both Temporal servers the project runs on are available: the Temporal CLI (dev server with
 * Web UI and SQLite) and the time-skipping test server. Builds or fetches what is missing, once.
 */
import { formatSeconds } from '../src/provisioning/executable';
import { resolveTemporalCli } from '../src/provisioning/temporal-cli';
import { resolveTestServer } from '../src/provisioning/test-server';

async function main(): Promise<void> {
  for (const [what, resolve] of [
    ['Temporal CLI', resolveTemporalCli],
    ['time-skipping test server', resolveTestServer],
  ] as const) {
    const started = Date.now();
    const resolved = await resolve();
    console.log(`${resolved.description} (${what} ready in ${formatSeconds(Date.now() - started)})`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
