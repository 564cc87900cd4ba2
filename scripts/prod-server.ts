/**
 * `npm run prod-server [-- --port P] [--nodes N] [--shards S]`: the Temporal server on PostgreSQL, set up as
 * docker-compose.yml sets it up (src/prod-server/), in the foreground until Ctrl-C; `--nodes N` (or
 * `--history-nodes N`) runs it as a cluster: a process per service (frontend, matching, internal worker) and N
 * history nodes. Its data lives in a temporary folder that goes with it: it is for trying the production path
 * and for tests, not for keeping jobs.
 */
import { parseArgs } from 'node:util';
import { untilStopped } from '../src/cli/until-stopped';
import { TemporalOnPostgres } from '../src/prod-server/temporal-on-postgres';

/** A whole number from `min` to `max`, or an error naming the option. */
function wholeOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  let port: number | undefined;
  let historyNodes: number | undefined;
  let shards: number | undefined;
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string' },
        nodes: { type: 'string' },
        'history-nodes': { type: 'string' },
        shards: { type: 'string' },
      },
      strict: true,
    });
    port = wholeOption('port', values.port, 1, 65535);
    if (values.nodes !== undefined && values['history-nodes'] !== undefined)
      throw new Error('give --nodes or --history-nodes (the same thing), not both');
    historyNodes =
      wholeOption('nodes', values.nodes, 1, 16) ??
      wholeOption('history-nodes', values['history-nodes'], 1, 16);
    shards = wholeOption('shards', values.shards, 1, 1024);
  } catch (err) {
    console.error(`prod-server: ${(err as Error).message}`);
    return 2;
  }
  const server = await TemporalOnPostgres.start({
    port,
    shards,
    cluster: historyNodes === undefined ? undefined : { historyNodes },
    log: (line) => console.log(line),
  });
  console.log(`Temporal server on PostgreSQL serving on ${server.address} (namespace ${server.namespace}).`);
  console.log(`  TEMPORAL_ADDRESS=${server.address} npm run -s jobs -- worker`);
  console.log(`  server metrics: ${server.metricsUrl}; its log: ${server.serverLogFile}`);
  if (historyNodes !== undefined)
    console.log(
      `  nodes: ${server.nodes.names.map((name) => `${name} (pid ${server.nodes.pid(name)})`).join(', ')}`,
    );
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
