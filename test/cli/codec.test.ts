/**
 * Payload encryption (JOBS_CODEC_KEY): job payloads and results are unreadable in Temporal's raw history,
 * readable through the client and through `jobs codec-server`, the Web UI's codec endpoint.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { JobClient } from '../../src/client/job-client';
import { createSeedApplication } from '../../src/example/seed-app';
import { freePort } from '../../src/provisioning/ports';
import { createJobWorker } from '../../src/worker';
import { runJobs, startJobs } from '../helpers/cli';
import { uniqueName } from '../helpers/jobs';
import { createDevServerEnvironment } from '../helpers/testbed';

const SECRET = 'top-secret-part';

/**
 * Every payload in a history (inputs, results, memos, summaries, signals, failures' details) but search
 * attributes, which Temporal indexes and so never encodes.
 */
function payloadsIn(
  value: unknown,
  found: temporal.api.common.v1.IPayload[] = [],
): temporal.api.common.v1.IPayload[] {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return found;
  const candidate = value as temporal.api.common.v1.IPayload;
  if (candidate.metadata && candidate.data !== undefined && ArrayBuffer.isView(candidate.data))
    found.push(candidate);
  else {
    // Patch markers (`patched()`) are written by the SDK's core as plain JSON holding the patch's name only.
    const marker = (
      value as {
        markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, unknown> };
      }
    ).markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') return found;
    // A local activity's marker (a batch's records, keepBatchRecords): its result is ours, encoded; its `data`
    // is the SDK's own (sequence, attempt, activity type, times), plain JSON.
    if (marker?.markerName === 'core_local_activity') return payloadsIn(marker.details?.result, found);
    for (const [key, child] of Object.entries(value))
      if (key !== 'searchAttributes') payloadsIn(child, found);
  }
  return found;
}

describe('encrypted payloads (AES-256-GCM codec, dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  const key = randomBytes(32);
  const codec = new AesGcmCodec(key);
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('keeps payloads unreadable in the history, readable with the key, and serves the Web UI’s codec endpoint', async () => {
    const taskQueue = `codec-${randomUUID()}`;
    const dataConverter = { payloadCodecs: [codec] };
    const app = createSeedApplication({ error: () => undefined });
    const worker = await createJobWorker({ connection: env.nativeConnection, taskQueue, app, dataConverter });
    const jobs = new JobClient(new Client({ connection: env.connection, dataConverter }), taskQueue, app);
    const name = uniqueName('encrypted');
    const final = await worker.runUntil(async () => {
      await jobs.start('do_big_job', { name, data: { parts: [{ name: SECRET }, { name: 'other' }] } });
      return jobs.wait(name);
    });
    expect(final).toMatchObject({ status: 'success', counts: { success: 2 } });
    expect(final.children.map((child) => child.name)).toContain(`do_small_job:${SECRET}`);

    // The raw history, as the server stores it: no payload in it can be read without the key. (Names stay
    // readable: a child's name is in its activity's id, like a root's in its workflow id.)
    for (const id of [name, `${name}/batch/0`]) {
      const payloads = payloadsIn(await env.client.workflow.getHandle(id).fetchHistory());
      expect(payloads.length).toBeGreaterThan(3);
      for (const payload of payloads) {
        expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
        expect(Buffer.from(payload.data!).includes(SECRET)).toBe(false);
      }
    }
    const history = await env.client.workflow.getHandle(name).fetchHistory();
    const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');

    // The CLI with the key reads the job; without it, it cannot.
    const vars = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue };
    const withKey = { ...vars, JOBS_CODEC_KEY: key.toString('base64') };
    const read = await runJobs(withKey, 'status', `${name}/do_small_job:${SECRET}`, '--json');
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ status: 'success', result: { name: SECRET } });
    expect((await runJobs(vars, 'status', `${name}/do_small_job:${SECRET}`)).code).not.toBe(0);

    // The codec server decrypts the raw payload for the Web UI's origin.
    const port = await freePort();
    const server = await startJobs(withKey, 'Ctrl-C stops it', 'codec-server', '--port', String(port));
    try {
      const url = `http://127.0.0.1:${port}`;
      const body = {
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(input.data!).toString('base64'),
          },
        ],
      };
      const ui = 'http://127.0.0.1:8233';
      const decoded = await fetch(`${url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ui, 'X-Namespace': 'default' },
        body: JSON.stringify(body),
      });
      expect(decoded.status).toBe(200);
      expect(decoded.headers.get('access-control-allow-origin')).toBe(ui);
      const [plain] = (
        (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }
      ).payloads;
      expect(Buffer.from(plain.metadata.encoding, 'base64').toString()).toBe('json/plain');
      expect(JSON.parse(Buffer.from(plain.data, 'base64').toString())).toMatchObject({
        name,
        payload: { parts: [{ name: SECRET }, { name: 'other' }] },
      });

      const preflight = await fetch(`${url}/decode`, {
        method: 'OPTIONS',
        headers: { Origin: ui, 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Namespace');
      const elsewhere = await fetch(`${url}/decode`, {
        method: 'POST',
        headers: { Origin: 'http://evil.example' },
        body: JSON.stringify(body),
      });
      expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
      expect((await fetch(`${url}/decode`, { method: 'POST', body: 'not json' })).status).toBe(400);
    } finally {
      server.process.kill('SIGINT');
      await server.exited;
    }
  });

  it('refuses a key that is not 32 bytes, in one line with exit code 2', async () => {
    const run = await runJobs(
      { ...process.env, TEMPORAL_ADDRESS: address, JOBS_CODEC_KEY: 'c2hvcnQ=' },
      'list',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'jobs list: JOBS_CODEC_KEY must hold a 32-byte AES-256 key (base64, e.g. from `openssl rand -base64 32`); it holds 5 bytes.\n',
    );
    const server = await runJobs({ ...process.env, JOBS_CODEC_KEY: '' }, 'codec-server');
    expect(server).toMatchObject({
      code: 2,
      stderr: 'jobs codec-server: codec-server needs the key: set JOBS_CODEC_KEY or JOBS_CODEC_KEY_FILE\n',
    });
  });
});
