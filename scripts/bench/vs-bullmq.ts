/**
 * `npm run bench -- vs-bullmq [N] [--rounds R]`: our fan-out against a BullMQ flow of the same shape,
 * interleaved round after round. Ours: one root of N no-op children, at most 50 at once, on a fresh tuned dev
 * server (in-memory SQLite) with one worker in this process. BullMQ: a parent job with N no-op children
 * (FlowProducer), one Worker at concurrency 50 in this process, on a fresh Redis (Debian's redis-server, no
 * persistence, as the dev server keeps nothing on disk). Each prints children/s, CPU seconds (this process,
 * and the server or Redis) and peak memory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FlowProducer, Worker as BullWorker, type Job } from 'bullmq';
import { ensureSystemPrograms } from '../../src/provisioning/debian-packages';
import { findOnPath } from '../../src/provisioning/paths';
import { freePort } from '../../src/provisioning/ports';
import { fanOutOnce } from './fan-out';
import { measure, median, type Measurement } from './harness';

const AT_ONCE = 50;
const REDIS = {
  what: 'Redis (the BullMQ benchmark)',
  present: () => !!findOnPath('redis-server'),
  packages: ['redis-server'],
  hint: 'install the redis-server package (apt-get install redis-server)',
};

export async function benchVsBullmq(children: number, rounds: number): Promise<void> {
  ensureSystemPrograms([REDIS]);
  const ours: Measurement[] = [];
  const bull: Measurement[] = [];
  for (let round = 1; round <= rounds; round++) {
    const a = await inOwnProcess('ours', children);
    ours.push(a);
    process.stderr.write(`  round ${round}, ours:   ${line(children, a)}\n`);
    const b = await inOwnProcess('bullmq', children);
    bull.push(b);
    process.stderr.write(`  round ${round}, BullMQ: ${line(children, b)}\n`);
  }
  console.log(
    `vs-bullmq: a root of ${children} no-op children, ${AT_ONCE} at once; medians of ${rounds} round(s)`,
  );
  const rate = (runs: Measurement[]) => children / median(runs.map((run) => run.seconds));
  for (const [label, runs, server] of [
    ['ours (tuned dev server)', ours, 'server'],
    [`BullMQ ${bullVersion()} (Redis ${redisVersion()})`, bull, 'Redis'],
  ] as const) {
    const cpu = (pick: (run: Measurement) => number) => median(runs.map(pick));
    const worker = cpu((run) => run.cpuSeconds.worker);
    const other = cpu((run) => run.cpuSeconds.server);
    console.log(`  ${label}`);
    console.log(
      `    children/s         ${rate(runs).toFixed(0)} (${cpu((run) => run.seconds).toFixed(1)} s)`,
    );
    console.log(
      `    CPU seconds        worker ${worker.toFixed(1)}, ${server} ${other.toFixed(1)}; ` +
        `${(((worker + other) * 1000) / children).toFixed(2)} CPU-ms per child`,
    );
    console.log(
      `    peak memory        worker ${cpu((run) => run.peakRssMb.worker).toFixed(0)} MB, ` +
        `${server} ${cpu((run) => run.peakRssMb.server).toFixed(0)} MB (RSS)`,
    );
  }
  console.log(`  children/s, ours against BullMQ: ${(rate(ours) / rate(bull)).toFixed(2)}×`);
}

/**
 * Each run in a process of its own, so that one's peak memory is not the other's (a flow of 100,000 children
 * leaves the process that added it holding over a gigabyte).
 */
async function inOwnProcess(side: 'ours' | 'bullmq', children: number): Promise<Measurement> {
  const index = path.join(__dirname, 'index.ts');
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', index, 'vs-bullmq-run', String(children), '--only', side],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`the ${side} run exited ${code}`)),
    );
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measurement;
}

/** One side's run, in this process: prints its measurement as the last line of JSON. */
export async function vsBullmqRun(children: number, side: string): Promise<void> {
  const run = side === 'ours' ? await fanOutOnce(children, 'packed', 'tuned') : await bullFlowOnce(children);
  const { seconds, cpuSeconds, peakRssMb } = run;
  console.log(JSON.stringify({ seconds, cpuSeconds, peakRssMb }));
}

/** A BullMQ flow: the parent completes once its N children have. */
async function bullFlowOnce(children: number): Promise<Measurement> {
  const redis = await startRedis();
  const connection = { host: '127.0.0.1', port: redis.port };
  const flows = new FlowProducer({ connection });
  const workers: BullWorker[] = [];
  try {
    let parentDone!: () => void;
    const done = new Promise<void>((resolve) => (parentDone = resolve));
    workers.push(
      new BullWorker('children', async () => true, { connection, concurrency: AT_ONCE }),
      new BullWorker('roots', async (job: Job) => job.getChildrenValues().then(() => true), { connection }),
    );
    workers[1].on('completed', () => parentDone());
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    const measured = await measure({ server: redis.process.pid!, database: () => [] }, async () => {
      await flows.add({
        name: 'root',
        queueName: 'roots',
        children: Array.from({ length: children }, (_, i) => ({
          name: `c${i}`,
          queueName: 'children',
          data: {},
        })),
      });
      await done;
    });
    return measured;
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await flows.close();
    redis.process.kill('SIGTERM');
    await new Promise((resolve) => redis.process.once('exit', resolve));
  }
}

async function startRedis(): Promise<{ process: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}) before it was ready: ${out}`)),
    );
  });
  child.stdout!.resume();
  return { process: child, port };
}

function line(children: number, run: Measurement): string {
  const cpu = run.cpuSeconds.worker + run.cpuSeconds.server;
  return `${run.seconds.toFixed(1)} s, ${(children / run.seconds).toFixed(0)} children/s, ${cpu.toFixed(1)} CPU s`;
}

function bullVersion(): string {
  const file = path.join(__dirname, '..', '..', 'node_modules', 'bullmq', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function redisVersion(): string {
  return execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?';
}
