/** `npm run bench -- <name> [count] [options]`: benchmarks that print figures. */
import { parseArgs } from 'node:util';
import { benchCompare } from './compare';
import { benchFanOut } from './fan-out';
import type { ServerTuning } from './harness';
import { MODES, type BenchMode } from './modes';
import { benchServerStart } from './server-start';
import { benchStatusRead } from './status-read';

const usage = `usage: npm run bench -- <benchmark> [count] [options]
  server-start [rounds]                      start-up times of both Temporal servers, interleaved
  compare [children] [--rounds R] [--only TEXT] [--server stock|tuned]
                                             the job engine against bare Temporal, one fresh dev server per run
  fan-out [children] [--mode packed|single|workflow] [--server stock|tuned]
                                             one root: wall time, children/s, largest history, CPU, peak memory
  status-read [children] [--reads N] [--server stock|tuned]
                                             status read latency on a running and on a finished root
  --server: tuned (as \`jobs dev\` starts the dev server, the default) or stock (as the SDK's createLocal starts it)`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
      server: { type: 'string', default: 'tuned' },
      mode: { type: 'string', default: 'packed' },
      reads: { type: 'string', default: '20' },
    },
  });
  const [name, countArg] = positionals;
  const count = wholeNumber(
    countArg ?? (name === 'server-start' ? '7' : name === 'status-read' ? '10000' : '1000'),
  );
  const server = values.server as ServerTuning;
  if (server !== 'stock' && server !== 'tuned') return fail(`--server must be stock or tuned`);
  if (!(values.mode! in MODES)) return fail(`--mode must be one of ${Object.keys(MODES).join(', ')}`);
  switch (name) {
    case 'server-start':
      return benchServerStart(count);
    case 'compare':
      return benchCompare(count, wholeNumber(values.rounds!), server, values.only);
    case 'fan-out':
      return benchFanOut(count, values.mode as BenchMode, server);
    case 'status-read':
      return benchStatusRead(count, wholeNumber(values.reads!), server);
    default:
      return fail(name ? `unknown benchmark "${name}"` : 'which benchmark?');
  }
}

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`"${text}" is not a whole number of at least 1`);
  return value;
}

function fail(problem: string): never {
  console.error(`${problem}\n${usage}`);
  process.exit(2);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
