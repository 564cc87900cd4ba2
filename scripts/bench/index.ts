/** `npm run bench -- <name> [count] [options]`: benchmarks that print figures. */
import { parseArgs } from 'node:util';
import { benchBreakdown } from './breakdown';
import { benchCompare } from './compare';
import { benchEfficiency } from './efficiency';
import { benchFanOut } from './fan-out';
import { benchLatency } from './latency';
import { parseServerSpec, type ServerSpec } from './server-spec';
import { MODES, type BenchMode } from './modes';
import { benchServerStart } from './server-start';
import { benchStatusRead } from './status-read';
import { benchUiAttack } from './ui-attack';
import { benchUiLoad } from './ui-load';
import { benchVsBullmq, vsBullmqRun } from './vs-bullmq';

const usage = `usage: npm run bench -- <benchmark> [count] [options]
  server-start [rounds]                      start-up times of both Temporal servers, interleaved
  compare [children] [--rounds R] [--only TEXT] [--server stock|tuned|dev/dc.KEY=VALUE]
                                             the job engine against bare Temporal, one fresh dev server per run
  fan-out [children] [--mode packed|single|workflow] [--server tuned|stock|postgres|postgres,dev] [--rounds R]
          [--roots N]                        one root (or N at once, of that many each): wall time, children/s,
                                             largest history, root carry, status reads while it runs, CPU,
                                             CPU-ms per child, database calls per child, peak memory;
                                             several servers run interleaved round after round (default 1 round)
  breakdown [children] [--mode packed|single|workflow] [--child-ms MS] [--bare]
                                             one root: CPU-ms per child (server; worker by thread), requests to
                                             the server and its database calls by operation, and per child
                                             from its histories: events by type, tasks, payload bytes;
                                             --bare: the same for bare Temporal doing the mode's work
  efficiency [children] [--rounds R]         children of 10 ms and of 100 ms at maxParallel 50: wall time
                                             against the ideal (N x duration / 50), most at once from records
  latency [roots]                            start → first child running (p50, p99 over the roots, default
                                             50); graceful interrupt → last child start (p50, max)
  vs-bullmq [children] [--rounds R]          our fan-out against a BullMQ flow of the same shape (50 at once) on
                                             a Redis it starts, interleaved: children/s, CPU, peak memory
  status-read [children] [--reads N] [--child-ms MS] [--server stock|tuned]
                                             status read latency on a running and on a finished root
  ui-load [children] [--streams 0,1,10,100,500] [--rounds R]
                                             open event streams on a running root: the dashboard's CPU and
                                             memory, the Temporal server's CPU (jobs ui in its own process)
  ui-attack [children] [--baseline DIR] [--rounds R]
                                             10,000 distinct views at once, and 100 streams that never read:
                                             what each costs the dashboard and the Temporal server; with
                                             --baseline, another checkout's jobs ui faces the same, interleaved
  --server: tuned (or dev: as \`jobs dev\` starts the dev server, the default), stock (as the SDK's createLocal
            starts it), or postgres (the Temporal server on PostgreSQL, as docker-compose.yml runs it; fan-out only)
            or postgres-cluster (two history nodes); a postgres server takes knobs after slashes:
            postgres/shards=16/history=2/conns=40/durable=off/pg.commit_delay=200/dc.KEY=VALUE; a dev server
            one: dev/db=file (SQLite in a file, as \`jobs dev\` keeps it; in memory by default)`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string' },
      roots: { type: 'string' },
      only: { type: 'string' },
      server: { type: 'string', default: 'tuned' },
      mode: { type: 'string', default: 'packed' },
      reads: { type: 'string', default: '20' },
      streams: { type: 'string', default: '0,1,10,100,500' },
      baseline: { type: 'string' },
      'child-ms': { type: 'string' },
      bare: { type: 'boolean', default: false },
    },
  });
  const [name, countArg] = positionals;
  const count = wholeNumber(
    countArg ??
      (name === 'server-start'
        ? '7'
        : name === 'latency'
          ? '50'
          : name === 'status-read' || name === 'ui-load' || name === 'ui-attack' || name === 'efficiency'
            ? '10000'
            : '1000'),
  );
  let specs: ServerSpec[];
  try {
    specs = String(values.server).split(',').map(parseServerSpec);
  } catch (err) {
    return fail(`--server: ${(err as Error).message}`);
  }
  if (new Set(specs.map((spec) => spec.text)).size < specs.length)
    return fail(`--server names a server twice`);
  if (specs.length > 1 && name !== 'fan-out') return fail(`several servers at once are for fan-out`);
  if (specs.some((spec) => spec.kind.startsWith('postgres')) && name !== 'fan-out')
    return fail(`--server postgres and postgres-cluster are for fan-out`);
  const server = specs[0].kind;
  if (!(values.mode! in MODES)) return fail(`--mode must be one of ${Object.keys(MODES).join(', ')}`);
  switch (name) {
    case 'server-start':
      return benchServerStart(count);
    case 'compare':
      return benchCompare(count, wholeNumber(values.rounds ?? '3'), specs[0], values.only);
    case 'fan-out':
      return benchFanOut(
        count,
        values.mode as BenchMode,
        specs,
        wholeNumber(values.rounds ?? '1'),
        wholeNumber(values.roots ?? '1'),
      );
    case 'breakdown':
      if (values.bare && (values['child-ms'] !== undefined || values.mode === 'single'))
        return fail('--bare measures no-op children, --mode packed (bare activities) or workflow');
      return benchBreakdown(count, values.mode as BenchMode, childMsOf(values['child-ms'], 0), values.bare);
    case 'efficiency':
      return benchEfficiency(count, wholeNumber(values.rounds ?? '1'));
    case 'latency':
      return benchLatency(count);
    case 'vs-bullmq':
      return benchVsBullmq(count, wholeNumber(values.rounds ?? '3'));
    case 'vs-bullmq-run': // one side of vs-bullmq, in its own process
      return vsBullmqRun(count, values.only ?? '');
    case 'status-read':
      return benchStatusRead(count, wholeNumber(values.reads!), server, childMsOf(values['child-ms'], 50));
    case 'ui-load':
      return benchUiLoad(count, streamCounts(values.streams!), wholeNumber(values.rounds ?? '1'));
    case 'ui-attack':
      return benchUiAttack(count, wholeNumber(values.rounds ?? '1'), values.baseline);
    default:
      return fail(name ? `unknown benchmark "${name}"` : 'which benchmark?');
  }
}

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`"${text}" is not a whole number of at least 1`);
  return value;
}

/** --child-ms: how long each child works (`fallback` when not given). */
function childMsOf(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : wholeNumber(text);
}

function streamCounts(text: string): number[] {
  const counts = text.split(',').map(Number);
  if (!counts.every((count) => Number.isInteger(count) && count >= 0))
    fail(`--streams must be whole numbers, comma-separated; got "${text}"`);
  return counts;
}

function fail(problem: string): never {
  console.error(`${problem}\n${usage}`);
  process.exit(2);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
