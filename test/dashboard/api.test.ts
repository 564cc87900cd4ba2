import * as http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import { startDashboard } from '../../src/dashboard/dashboard-server';
import { freePort } from '../../src/provisioning/ports';
import { runJobs } from '../helpers/cli';
import { createJobTestbed, statusWhen, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually } from '../helpers/testbed';
import { createSeedApplication } from '../../src/example/seed-app';
import type { RootStatusAnswer } from '../../src/contract/jobs';

type Dashboard = Awaited<ReturnType<typeof startDashboard>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
type Json = any;
const TOKEN = 'a-long-dashboard-token-0123456789';

/** Every endpoint of the HTTP API and its errors, against a dev server and a running worker. */
describe('the HTTP API (dev server)', () => {
  let testbed: JobTestbed;
  let open: Dashboard;
  let guarded: Dashboard;
  let privateReads: Dashboard;
  // The seed app, and `held_big_job`, whose child `slow` runs until the test lets it finish.
  let letSlowFinish: () => void = () => undefined;
  const slowMayFinish = new Promise<void>((resolve) => (letSlowFinish = resolve));
  const app = createSeedApplication()
    .topic<{ names: string[] }>('held_big_job', {
      plan: ({ names }) => names.map((name) => ({ name, topic: 'held_small_job' })),
    })
    .topic('held_small_job', {
      pack: false,
      process: async (_payload, { jobName }) => {
        if (jobName === 'slow') await slowMayFinish;
        return true;
      },
    });

  beforeAll(async () => {
    testbed = await createJobTestbed('dev-server', app);
    const jobs = testbed.jobs;
    open = await startDashboard({ jobs, port: 0, protectReads: false, webUiUrl: 'http://127.0.0.1:9' });
    guarded = await startDashboard({ jobs, port: 0, token: TOKEN, protectReads: false });
    privateReads = await startDashboard({ jobs, port: 0, token: TOKEN, protectReads: true });
  });
  afterAll(async () => {
    letSlowFinish();
    await Promise.all([open, guarded, privateReads].map((dashboard) => dashboard?.close()));
    await testbed?.teardown();
  });

  async function call(
    dashboard: Dashboard,
    path: string,
    {
      method = 'GET',
      body,
      headers = {},
    }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> {
    const response = await fetch(`${dashboard.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (a redirect, the page)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
  const expectError = (
    answer: { status: number; body: Json },
    status: number,
    code: string,
    message: RegExp,
  ) => {
    expect(answer).toMatchObject({
      status,
      body: { error: { code, message: expect.stringMatching(message) } },
    });
  };
  const jobPath = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;

  /** The first event of `type` on a stream, then the stream is closed. */
  async function firstEvent(
    dashboard: Dashboard,
    path: string,
    type: string,
    headers: Record<string, string> = {},
  ): Promise<Json> {
    const controller = new AbortController();
    const response = await fetch(`${dashboard.url}${path}`, { signal: controller.signal, headers });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    let buffer = '';
    let found: Json;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const match = new RegExp(`^event: ${type}\\ndata: (.*)$`, 'm').exec(buffer);
      if (match) {
        found = JSON.parse(match[1]);
        break; // leaving the loop cancels the body, which closes the stream
      }
    }
    controller.abort();
    if (found === undefined) throw new Error(`no ${type} event on ${path}`);
    return found;
  }

  it('starts a root (201), attaches its owner (200), refuses another owner (409) and bad input (400)', async () => {
    const name = uniqueName('api-start');
    const data = { parts: [{ name: 'a', durationMs: 3000 }, { name: 'b' }] };
    const started = await call(open, '/api/jobs', {
      method: 'POST',
      body: { topic: 'do_big_job', name, ownerId: 'me', data },
    });
    expect(started).toMatchObject({
      status: 201,
      body: { id: name, attached: false, runId: expect.any(String) },
    });
    const again = await call(open, '/api/jobs', {
      method: 'POST',
      body: { topic: 'do_big_job', name, ownerId: 'me', data },
    });
    expect(again).toMatchObject({ status: 200, body: { id: name, attached: true } });
    const other = await call(open, '/api/jobs', {
      method: 'POST',
      body: { topic: 'do_big_job', name, ownerId: 'you', data },
    });
    expectError(other, 409, 'duplicate', new RegExp(`"${name}" is already open \\(owner me`));

    const post = (body: unknown) => call(open, '/api/jobs', { method: 'POST', body });
    expectError(await post({ topic: 'nope' }), 400, 'bad_request', /Unknown topic "nope"/);
    expectError(
      await post({ topic: 'do_big_job', maxParallel: 0 }),
      400,
      'bad_request',
      /maxParallel must be a whole number from 1/,
    );
    expectError(await post({ topic: 'do_big_job', name: 'a/b' }), 400, 'bad_request', /contains "\/"/);
    expectError(await post({ topic: 'do_big_job', data: { parts: 'x' } }), 400, 'bad_request', /parts/);
    expectError(await post({ name: 'no-topic' }), 400, 'bad_request', /topic/);
    expectError(
      await post({ topic: 'do_big_job', colour: 'red' }),
      400,
      'bad_request',
      /body must NOT have additional properties \("colour"\)/,
    );
    expectError(await post('{"topic": '), 400, 'bad_request', /JSON/);
    // Nothing already accepted was lost: the root runs on.
    expect((await testbed.jobs.wait(name)).status).toBe('success');
  });

  it('reads a root with a page of children as `jobs status --json` does, and a child with its result', async () => {
    const name = uniqueName('api-read');
    await testbed.jobs.start('do_big_job', {
      name,
      data: { parts: [{ name: 'a' }, { name: 'b' }, { name: 'bad', valid: false }] },
    });
    await testbed.jobs.wait(name);
    const env = { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.taskQueue };
    for (const query of ['', '?limit=2', '?offset=1&limit=1', '?status=failed']) {
      const flags = new URLSearchParams(query.slice(1));
      const cli = await runJobs(
        env,
        'status',
        name,
        '--json',
        ...[...flags].flatMap(([key, value]) => [`--${key}`, value]),
      );
      expect(cli.code).toBe(0);
      const api = await call(open, `${jobPath(name)}${query}`);
      expect(api.status).toBe(200);
      expect(api.body).toEqual(JSON.parse(cli.stdout));
    }
    const page = await call(open, `${jobPath(name)}?status=failed`);
    expect(page.body).toMatchObject({
      status: 'failed',
      total: 3,
      children: [{ name: 'do_small_job:bad', status: 'failed' }],
    });
    const child = await call(open, jobPath(`${name}/do_small_job:a`));
    expect(child).toMatchObject({
      status: 200,
      body: { kind: 'child', rootId: name, status: 'success', result: { name: 'a' } },
    });

    expectError(await call(open, jobPath('no-such-job')), 404, 'not_found', /No job with id "no-such-job"/);
    expectError(await call(open, jobPath(`${name}/do_small_job:zz`)), 404, 'not_found', /No job with id/);
    expectError(await call(open, `${jobPath(name)}?offset=-1`), 400, 'bad_request', /offset/);
    expectError(await call(open, `${jobPath(name)}?status=done`), 400, 'bad_request', /status/);
    expectError(await call(open, `${jobPath(name)}?limit=x`), 400, 'bad_request', /limit/);
  });

  it('lists roots with counts and progress, filtered and paged by cursor', async () => {
    const prefix = uniqueName('api-list');
    for (const suffix of ['1', '2', '3']) {
      await testbed.jobs.start('do_big_job', {
        name: `${prefix}-${suffix}`,
        data: { parts: [{ name: 'a' }] },
      });
      await testbed.jobs.wait(`${prefix}-${suffix}`);
    }
    const named = await eventually('visibility to list the root', async () => {
      const answer = await call(open, `/api/jobs?name=${prefix}-2`);
      return answer.body.jobs?.[0]?.countsAt ? answer : undefined;
    });
    expect(named.body).toMatchObject({
      jobs: [
        {
          id: `${prefix}-2`,
          status: 'success',
          progress: 1,
          total: 1,
          counts: { success: 1 },
          topic: 'do_big_job',
        },
      ],
      nextCursor: null,
    });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: Json } = await call(
        open,
        `/api/jobs?status=success&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.jobs.length).toBeLessThanOrEqual(2);
      for (const job of answer.body.jobs) {
        expect(job.status).toBe('success');
        expect(seen.has(job.id)).toBe(false); // no root twice across pages
        seen.add(job.id);
      }
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    for (const suffix of ['1', '2', '3']) expect(seen.has(`${prefix}-${suffix}`)).toBe(true);

    expectError(await call(open, '/api/jobs?status=great'), 400, 'bad_request', /status/);
    expectError(await call(open, '/api/jobs?limit=0'), 400, 'bad_request', /limit/);
    expectError(await call(open, '/api/jobs?limit=5000'), 400, 'bad_request', /limit/);
    expectError(
      await call(open, '/api/jobs?cursor=not-a-cursor'),
      400,
      'bad_request',
      /cursor "not-a-cursor"/,
    );
  });

  it('interrupts a child and a root; streams a root as it changes', async () => {
    const name = uniqueName('api-interrupt');
    const names = ['slow', 'waiting', 'other'];
    await testbed.jobs.start('held_big_job', { name, maxParallel: 1, data: { names } });
    await statusWhen(testbed.jobs, name, (status) => status.status === 'running');

    const controller = new AbortController();
    const stream = await fetch(`${open.url}${jobPath(name)}/events`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: Json[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type === 'job' && data) events.push(JSON.parse(data));
        }
      }
    })().catch(() => undefined);
    // `slow` runs until the stream has shown the root running (a read may fail on a loaded machine: it is
    // sent again a second later).
    await eventually('the stream to send the running root', async () =>
      events.some((event) => event.status === 'running') ? true : undefined,
    );

    const child = await call(open, `${jobPath(`${name}/waiting`)}/interrupt`, {
      method: 'POST',
      body: {},
    });
    expect(child).toMatchObject({
      status: 200,
      body: { interrupted: true, message: expect.stringMatching(/graceful/) },
    });
    const root = await call(open, `${jobPath(name)}/interrupt`, { method: 'POST', body: { force: false } });
    expect(root).toMatchObject({ status: 200, body: { id: name, interrupted: true } });
    // The interrupt reaches the children waiting before `slow` ends and hands its slot on.
    await statusWhen<RootStatusAnswer>(testbed.jobs, name, (status) => status.counts.cancelled === 2);
    letSlowFinish();
    const final = await testbed.jobs.wait(name);
    expect(final).toMatchObject({
      status: 'cancelled',
      interrupted: true,
      counts: { success: 1, cancelled: 2 },
    });
    await eventually('the stream to send the final record', async () =>
      events.some((event) => event.status === 'cancelled') ? true : undefined,
    );
    controller.abort();
    await reading;
    expect(events[0]).toMatchObject({ id: name, children: [] }); // sent at once
    // Nothing is sent twice in a row: an event is a change.
    for (let i = 1; i < events.length; i++) expect(events[i]).not.toEqual(events[i - 1]);

    // A stream follows what the matching GET answers: a page of children, a page of the list.
    const paged = await firstEvent(open, `${jobPath(name)}/events?limit=2&status=cancelled`, 'job');
    expect(paged).toEqual((await call(open, `${jobPath(name)}?limit=2&status=cancelled`)).body);
    expect(paged.children).toHaveLength(2);
    const listed = await firstEvent(open, `/api/events?name=${name}`, 'roots');
    expect(listed).toMatchObject({ jobs: [{ id: name, status: 'cancelled' }], nextCursor: null });
    // Every stream closed: nothing is read any more.
    await eventually('the views to close', async () => (open.live.stats().views === 0 ? true : undefined));

    const after = await call(open, `${jobPath(name)}/interrupt`, { method: 'POST', body: {} });
    expect(after).toMatchObject({
      status: 200,
      body: { interrupted: false, message: expect.stringMatching(/already finished/) },
    });
    expectError(
      await call(open, `${jobPath('no-such-job')}/interrupt`, { method: 'POST', body: {} }),
      404,
      'not_found',
      /no-such-job/,
    );
    expectError(
      await call(open, `${jobPath(name)}/interrupt`, { method: 'POST', body: { force: 'yes' } }),
      400,
      'bad_request',
      /force/,
    );
    expectError(await call(open, `${jobPath('no-such-job')}/events`), 404, 'not_found', /no-such-job/);
    expectError(await call(open, `${jobPath(`${name}/slow`)}/events`), 400, 'bad_request', /is a child job/);
    const webUi = await call(open, `/web-ui/${encodeURIComponent(`${name}/slow`)}`);
    expect(webUi.status).toBe(302);
    expect(webUi.headers.get('location')).toBe(
      `http://127.0.0.1:9/namespaces/default/workflows/${encodeURIComponent(`${name}/batch/0`)}`,
    );
  });

  it('serves the page, its config and the OpenAPI description', async () => {
    const page = await call(open, '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script type="module" src="\/app.js">/);
    expect((await call(open, '/vendor/preact-htm.js')).status).toBe(200);
    expect(await call(open, '/api/config')).toMatchObject({
      status: 200,
      body: { namespace: 'default', taskQueue: testbed.taskQueue, webUi: true, changesNeedToken: false },
    });
    const openapi = await call(open, '/api/openapi.json');
    expect(Object.keys(openapi.body.paths).sort()).toEqual([
      '/api/config',
      '/api/events',
      '/api/jobs',
      '/api/jobs/{id}',
      '/api/jobs/{id}/events',
      '/api/jobs/{id}/interrupt',
      '/api/session',
    ]);
    expectError(await call(open, '/api/nothing'), 404, 'not_found', /No route GET \/api\/nothing/);
  });

  it('needs the token for changes (and for reads when asked), refuses other sites', async () => {
    const body = { topic: 'do_big_job', name: uniqueName('api-token'), data: { parts: [{ name: 'a' }] } };
    expectError(
      await call(guarded, '/api/jobs', { method: 'POST', body }),
      401,
      'unauthorized',
      /needs the dashboard's token/,
    );
    const wrong = { Authorization: 'Bearer not-the-token-at-all-000000' };
    expectError(
      await call(guarded, '/api/jobs', { method: 'POST', body, headers: wrong }),
      401,
      'unauthorized',
      /token/,
    );
    const right = { Authorization: `Bearer ${TOKEN}` };
    expect((await call(guarded, '/api/jobs', { method: 'POST', body, headers: right })).status).toBe(201);
    expect((await call(guarded, '/api/jobs?limit=1')).status).toBe(200); // reads are public here
    expect((await call(guarded, '/api/config')).body).toMatchObject({
      changesNeedToken: true,
      readsNeedToken: false,
    });

    expectError(await call(privateReads, '/api/jobs?limit=1'), 401, 'unauthorized', /Reading jobs needs/);
    expect((await call(privateReads, '/api/jobs?limit=1', { headers: right })).status).toBe(200);
    // A token in an address is refused, for reads and changes alike: it would land in logs and history.
    expectError(
      await call(privateReads, `/api/jobs?limit=1&access_token=${TOKEN}`),
      400,
      'bad_request',
      /access_token/,
    );
    expect((await call(privateReads, '/')).status).toBe(200); // the page itself loads, then asks for the token
    // Event streams and Web UI links read with the read session the token opens (a cookie for reads only).
    const link = `/web-ui/${encodeURIComponent(body.name)}`;
    expectError(await call(privateReads, link), 401, 'unauthorized', /Reading jobs needs/);
    const session = await call(privateReads, '/api/session', { method: 'POST', body: {}, headers: right });
    expect(session.status).toBe(200);
    const cookie = { Cookie: String(session.headers.get('set-cookie')).split(';')[0] };
    // Past the access rules, the link needs the Web UI's address, which this dashboard was not given.
    expectError(await call(privateReads, link, { headers: cookie }), 400, 'bad_request', /--web-ui/);
    expect(await firstEvent(privateReads, `${jobPath(body.name)}/events`, 'job', cookie)).toMatchObject({
      id: body.name,
    });
    expectError(
      await call(privateReads, `${jobPath(body.name)}/interrupt`, {
        method: 'POST',
        body: {},
        headers: cookie,
      }),
      401,
      'unauthorized',
      /token/,
    );

    const otherSite = { Origin: 'http://evil.example', ...right };
    expectError(
      await call(guarded, '/api/jobs', { method: 'POST', body, headers: otherSite }),
      403,
      'cross_site',
      /evil\.example/,
    );
    const fetchedCrossSite = { 'Sec-Fetch-Site': 'cross-site', ...right };
    expectError(
      await call(guarded, '/api/jobs?limit=1', { headers: fetchedCrossSite }),
      403,
      'cross_site',
      /another site/,
    );
    const form = { 'Content-Type': 'application/x-www-form-urlencoded', ...right };
    expectError(
      await call(guarded, '/api/jobs', { method: 'POST', body: 'topic=do_big_job', headers: form }),
      403,
      'cross_site',
      /application\/json/,
    );
    // fetch() sends its own Host header: a page on another name resolving to 127.0.0.1 (DNS rebinding).
    const rebound = await new Promise<{ status: number; body: Json }>((resolve, reject) => {
      const request = http.get(
        `${open.url}/api/jobs?limit=1`,
        { headers: { Host: `rebound.example:${new URL(open.url).port}` } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      request.on('error', reject);
    });
    expectError(rebound, 403, 'cross_site', /rebound\.example/);
    await testbed.jobs.wait(body.name);
  });

  it('keeps a stream going past the read deadline: each read has its own', async () => {
    const quick = await startDashboard({
      jobs: testbed.jobs,
      port: 0,
      protectReads: false,
      readDeadlineMs: 1500,
    });
    try {
      const name = uniqueName('api-long-stream');
      const parts = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, durationMs: 800 }));
      await testbed.jobs.start('do_big_job', { name, maxParallel: 1, data: { parts } });
      const controller = new AbortController();
      const response = await fetch(`${quick.url}${jobPath(name)}/events`, { signal: controller.signal });
      const stop = setTimeout(() => controller.abort(), 4000);
      let text = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
          text += Buffer.from(chunk).toString();
      } catch {
        // aborted after 4 s, well past the 1.5 s deadline of the request that opened the stream
      }
      clearTimeout(stop);
      expect(text).not.toContain('event: problem');
      expect(text.split('event: job').length - 1).toBeGreaterThanOrEqual(3);
      await testbed.jobs.wait(name);
    } finally {
      await quick.close();
    }
  });

  it('answers 503 when the Temporal server cannot be reached', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const jobs = new JobClient(new Client({ connection }), 'jobs', undefined, 2000);
    const dead = await startDashboard({
      jobs,
      port: 0,
      protectReads: false,
      readDeadlineMs: 3000,
      webUiUrl: 'http://127.0.0.1:8233',
    });
    try {
      const unreachable = /Temporal server (cannot be reached|did not answer within 3 s)/;
      expectError(await call(dead, jobPath('anything')), 503, 'no_server', unreachable);
      // The Web UI link looks the job up too: a read with the same deadline, not the client's ~20 s of retries.
      expectError(await call(dead, '/web-ui/anything'), 503, 'no_server', /did not answer within 3 s/);
    } finally {
      await dead.close();
      await connection.close();
    }
  });
});
