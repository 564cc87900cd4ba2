/**
 * `npm run scan [-- --max-examples N]`: the dashboard's HTTP API and the codec server through Schemathesis,
 * the OpenAPI fuzzer, against a real dev server with a worker. Every operation of each OpenAPI document gets
 * generated requests (valid, invalid, odd methods, auth left out); every answer must be a documented status in
 * the documented shape, never a 500 nor a hang, and a guarded server must refuse what comes without its token.
 * test/security/scanner.test.ts runs a short scan in `npm test`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { JobClient } from '../src/client/job-client';
import { AesGcmCodec } from '../src/codec/aes-gcm-codec';
import { createCodecServer } from '../src/codec/codec-server';
import { connectClient, connectionSettingsFromEnv } from '../src/connection';
import { startDashboard } from '../src/dashboard/dashboard-server';
import { startDevServer } from '../src/provisioning/dev-server';
import { createSeedApplication } from '../src/example/seed-app';
import { freePort } from '../src/provisioning/ports';
import { resolveSchemathesis } from '../src/provisioning/schemathesis';
import { runCommand } from '../src/provisioning/run-command';
import { createJobWorker } from '../src/worker';

const TOKEN = randomBytes(24).toString('hex');
const CODEC_SPEC = path.resolve(__dirname, '..', 'docs', 'codec-openapi.json');

export interface ScanTarget {
  what: string;
  passed: boolean;
  /** Schemathesis's summary: its last lines. */
  summary: string;
}

/**
 * Semantic checks beyond a schema answer 400 to schema-valid input by design (an unknown topic, a payload its
 * topic refuses, a cursor this server did not give out): Schemathesis's positive_data_acceptance expects 2xx
 * there, so it is left out. Every other check runs.
 */
const EXCLUDED_CHECKS = ['positive_data_acceptance'];

export async function securityScan({
  maxExamples,
  seed,
  log = (line: string) => console.log(line),
}: {
  maxExamples: number;
  /** The same requests every time (the test); none: new ones each run. */
  seed?: number;
  log?: (line: string) => void;
}): Promise<ScanTarget[]> {
  const st = await resolveSchemathesis(log);
  // An event stream's first event is all a check needs: it sends the next one only when the job changes.
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-scan-')), 'schemathesis.toml');
  fs.writeFileSync(config, 'max-stream-events = 1\n');
  const port = await freePort();
  const server = await startDevServer({
    port,
    uiPort: await freePort(),
    dbFile: path.join(os.tmpdir(), `jobs-scan-${process.pid}-${port}.db`),
    log: () => undefined,
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `scan-${process.pid}`;
  const app = createSeedApplication({ error: () => undefined });
  const worker = await createJobWorker({ connection, taskQueue, app });
  const running = worker.run();
  const client: Client = await connectClient({ ...connectionSettingsFromEnv({}), address: server.address });
  const jobs = new JobClient(client, taskQueue, app);
  const open = await startDashboard({ jobs, port: 0, protectReads: false });
  const guarded = await startDashboard({ jobs, port: 0, token: TOKEN, protectReads: true });
  const codec = new AesGcmCodec(randomBytes(32));
  const codecOpen = createCodecServer(codec, { uiOrigins: ['http://127.0.0.1:8233'] });
  const codecGuarded = createCodecServer(codec, { uiOrigins: ['http://127.0.0.1:8233'], token: TOKEN });
  const codecUrls = await Promise.all([codecOpen, codecGuarded].map(listen));
  const auth = ['-H', `Authorization: Bearer ${TOKEN}`];
  const targets: Array<[string, string[]]> = [
    ['dashboard API, no token', [`${open.url}/api/openapi.json`]],
    ['dashboard API, token and --protect-reads', [`${guarded.url}/api/openapi.json`, ...auth]],
    ['codec server, loopback', [CODEC_SPEC, '--url', codecUrls[0]]],
    ['codec server, token', [CODEC_SPEC, '--url', codecUrls[1], ...auth]],
  ];
  const results: ScanTarget[] = [];
  try {
    for (const [what, args] of targets) {
      log(`Schemathesis: ${what}…`);
      const run = [
        '--config-file',
        config,
        'run',
        ...args,
        '--checks',
        'all',
        '--exclude-checks',
        EXCLUDED_CHECKS.join(','),
        '--max-examples',
        String(maxExamples),
        '--request-timeout',
        '20',
        '--no-color',
        ...(seed === undefined ? [] : ['--seed', String(seed)]),
      ];
      let output: string;
      let passed = true;
      try {
        // In a folder of its own: Schemathesis and Hypothesis keep their caches where they run.
        output = await runCommand(`st ${what}`, st, run, { tailLines: 200, cwd: path.dirname(config) });
      } catch (err) {
        output = (err as Error).message;
        passed = false;
      }
      const summary = output.slice(output.lastIndexOf('SUMMARY')).trim();
      results.push({ what, passed, summary: passed ? summary : output });
      log(`${passed ? 'passed' : 'FAILED'}: ${what}\n${passed ? summary : output}`);
    }
  } finally {
    await Promise.all([open.close(), guarded.close()]);
    await Promise.all([codecOpen, codecGuarded].map((s) => new Promise((resolve) => s.close(resolve))));
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await server.stop();
    fs.rmSync(path.dirname(config), { recursive: true, force: true });
    fs.rmSync(server.dbFile, { force: true });
  }
  return results;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const at = process.argv.indexOf('--max-examples');
  const maxExamples = at > 0 ? Number(process.argv[at + 1]) : 100;
  if (!Number.isInteger(maxExamples) || maxExamples < 1) {
    console.error('--max-examples must be a whole number of at least 1');
    process.exit(2);
  }
  securityScan({ maxExamples }).then(
    (results) => {
      const failed = results.filter((result) => !result.passed);
      console.log(
        failed.length === 0
          ? 'Scan clean.'
          : `Scan found problems in: ${failed.map((r) => r.what).join(', ')}`,
      );
      process.exit(failed.length === 0 ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
