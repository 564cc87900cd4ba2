/**
 * `npm run prod-server [-- --port P]`: the Temporal server on PostgreSQL, set up as docker-compose.yml sets
 * it up (src/prod-server/), in the foreground until Ctrl-C. Its data lives in a temporary folder that goes
 * with it: it is for trying the production path and for tests, not for keeping jobs.
 */
import { parseArgs } from 'node:util';
import { untilStopped } from '../src/cli/until-stopped';
import { TemporalOnPostgres } from '../src/prod-server/temporal-on-postgres';

async function main(): Promise<number> {
  let port: number | undefined;
  try {
    const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`--port must be 1–65535; got "${values.port}"`);
    }
  } catch (err) {
    console.error(`prod-server: ${(err as Error).message}`);
    return 2;
  }
  const server = await TemporalOnPostgres.start({ port, log: (line) => console.log(line) });
  console.log(`Temporal server on PostgreSQL serving on ${server.address} (namespace ${server.namespace}).`);
  console.log(`  TEMPORAL_ADDRESS=${server.address} npm run -s jobs -- worker`);
  console.log(`  server metrics: ${server.metricsUrl}; its log: ${server.serverLogFile}`);
  console.log('Ctrl-C stops the server and PostgreSQL and removes their data.');
  await untilStopped();
  console.log('Stopping…');
  await server.stop();
  console.log('Stopped; nothing left running.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`prod-server: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
