/**
 * How long each Temporal server takes from spawn to accepting connections on its port: the figure the SDK's
 * ~5 s readiness wait is measured against. Runs the variants interleaved, round after round, and prints medians.
 */
import { spawn } from 'node:child_process';
import { freePort, waitForPort } from '../../src/provisioning/ports';
import { resolveTemporalCli } from '../../src/provisioning/temporal-cli';
import { resolveTestServer } from '../../src/provisioning/test-server';

interface Variant {
  name: string;
  command: string;
  args: (port: number) => string[];
  env?: NodeJS.ProcessEnv;
}

export async function benchServerStart(rounds: number): Promise<void> {
  const testServer = await resolveTestServer({ provision: false });
  const cli = await resolveTemporalCli({ provision: false });
  if (testServer.executable.type !== 'existing-path' || cli.executable.type !== 'existing-path') {
    throw new Error('Both servers must be local files; run `npm run provision` first.');
  }
  const variants: Variant[] = [
    {
      name: 'Java test server, no class-data archive',
      command: testServer.executable.path,
      args: (port) => [String(port)],
      env: { ...process.env, TEMPORAL_TEST_SERVER_CDS: 'off' },
    },
    {
      name: 'Java test server, with class-data archive',
      command: testServer.executable.path,
      args: (port) => [String(port)],
    },
    {
      name: 'Temporal CLI dev server (in-memory, headless)',
      command: cli.executable.path,
      args: (port) => ['server', 'start-dev', '--port', String(port), '--headless', '--log-level', 'error'],
    },
  ];
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      samples.get(variant.name)!.push(await timeToListen(variant));
    }
    process.stderr.write(`round ${round}/${rounds} done\n`);
  }
  console.log(`server start-up, spawn to port accepting connections (${rounds} rounds, interleaved)`);
  const baseline = median(samples.get(variants[0].name)!);
  for (const variant of variants) {
    const values = samples.get(variant.name)!;
    console.log(
      `  ${variant.name.padEnd(48)} median ${ms(median(values))}  min ${ms(Math.min(...values))}  ` +
        `max ${ms(Math.max(...values))}  (${(median(values) / baseline).toFixed(2)}x of the first)`,
    );
  }
  console.log('  the SDK gives a server about 5000 ms (50 attempts, 100 ms apart)');
}

async function timeToListen(variant: Variant): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(variant.command, variant.args(port), { env: variant.env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitForPort(port, 30_000);
    return performance.now() - started;
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`.padStart(8);
}
