/**
 * The dashboard's access rules, tried as an attacker would: every spelling of a guarded path, tokens in
 * addresses, read sessions forged, tampered or used for changes, files outside web/, oversized addresses.
 * No Temporal server is needed: see serverlessDashboard.
 */
import * as net from 'node:net';
import fc from 'fast-check';
import { READ_SESSION_COOKIE, ReadSessions } from '../../src/dashboard/read-session';
import { CONTENT_SECURITY_POLICY } from '../../src/dashboard/security-headers';
import { TOKEN, apiError, rawRequest, serverlessDashboard, type Dashboard, type RawAnswer } from './helpers';

const BEARER = { Authorization: `Bearer ${TOKEN}` };
const JSON_BODY = '{}';

/** What a request that the access rules stopped answers: never a job route's 200 or its 503. */
function expectStopped(answer: RawAnswer, path: string): void {
  const refused = [400, 401, 403, 404, 405, 414, 431].includes(answer.status);
  if (!refused) throw new Error(`${path} was served (${answer.status}): ${answer.body.slice(0, 200)}`);
  expect(apiError(answer)).toBeDefined();
}

describe('dashboard access (no Temporal server needed)', () => {
  let privateReads: Dashboard;
  let guarded: Dashboard;
  beforeAll(async () => {
    privateReads = await serverlessDashboard({ token: TOKEN, protectReads: true });
    guarded = await serverlessDashboard({ token: TOKEN, protectReads: false });
  });
  afterAll(async () => {
    await Promise.all([privateReads?.close(), guarded?.close()]);
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(privateReads.url, path, { headers });
  const post = (dashboard: Dashboard, path: string, headers: Record<string, string> = {}) =>
    rawRequest(dashboard.url, path, { method: 'POST', headers, body: JSON_BODY });

  it('decides from the route that matched: a percent-encoded /api is guarded like /api', async () => {
    for (const path of ['/%61pi/jobs', '/%61%70%69/jobs', '/api/%6aobs', '/%61pi/events', '/%77eb-ui/x'])
      expectStopped(await get(path), path);
    for (const path of ['/%61pi/jobs', '/%61pi/jobs/x/interrupt', '/api/jobs/x/%69nterrupt'])
      expectStopped(await post(guarded, path), `POST ${path}`);
    // The same spelling with the token gets through to the Temporal server (which is not there): the router
    // does take it for /api/jobs, so the refusal above is the access rule's.
    const through = await get('/%61pi/jobs', BEARER);
    expect({ status: through.status, code: apiError(through)?.code }).toEqual({
      status: 503,
      code: 'no_server',
    });
  });

  it('never serves a guarded route, whatever the spelling (generated paths)', async () => {
    const segment = (text: string) =>
      fc
        .array(fc.constantFrom('plain', 'lower', 'upper', 'double'), {
          minLength: text.length,
          maxLength: text.length,
        })
        .map((ways) =>
          [...text]
            .map((char, i) => {
              const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
              if (ways[i] === 'lower') return `%${hex}`;
              if (ways[i] === 'upper') return `%${hex.toUpperCase()}`;
              if (ways[i] === 'double') return `%25${hex}`;
              return char;
            })
            .join(''),
        );
    const route = fc.constantFrom(
      ['api', 'jobs'],
      ['api', 'jobs', 'root-1'],
      ['api', 'jobs', 'root-1', 'events'],
      ['api', 'events'],
      ['web-ui', 'root-1'],
      ['api', 'jobs', 'root-1%2Fchild'],
    );
    const decoration = fc.record({
      lead: fc.constantFrom('/', '//', '/./', '/x/../'),
      joiner: fc.constantFrom('/', '//', '/./'),
      tail: fc.constantFrom('', '/', ';x=1', '#frag', '?', '?limit=1', '/.'),
      upper: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        route.chain((parts) => fc.tuple(...parts.map(segment))),
        decoration,
        async (parts, { lead, joiner, tail, upper }) => {
          const joined = parts.join(joiner);
          const path = `${lead}${upper ? joined.toUpperCase() : joined}${tail}`;
          expectStopped(await get(path), path);
          expectStopped(await post(guarded, path.replace(/events$/, 'interrupt')), `POST ${path}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a token in the address, for reads and changes alike', async () => {
    for (const path of [
      `/api/jobs?access_token=${TOKEN}`,
      `/web-ui/x?access_token=${TOKEN}`,
      `/api/jobs?acc%65ss_token=${TOKEN}`,
    ]) {
      const answer = await get(path);
      expect({ status: answer.status, error: apiError(answer) }).toEqual({
        status: 400,
        error: {
          code: 'bad_request',
          message: expect.stringMatching(/token in the address \(access_token\) is refused/),
        },
      });
    }
  });

  it('opens read sessions for the token only: a cookie for reads, never for changes', async () => {
    expectStopped(await post(privateReads, '/api/session'), 'POST /api/session without the token');
    const opened = await post(privateReads, '/api/session', BEARER);
    expect(opened.status).toBe(200);
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toMatch(
      new RegExp(
        `^${READ_SESSION_COOKIE}=v1\\.\\d+\\.[A-Za-z0-9_-]{43}; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict$`,
      ),
    );
    const cookie = { Cookie: setCookie.split(';')[0] };

    const read = await get('/api/jobs', cookie); // reaches the (missing) Temporal server
    expect({ status: read.status, code: apiError(read)?.code }).toEqual({ status: 503, code: 'no_server' });
    expectStopped(
      await post(privateReads, '/api/jobs/x/interrupt', cookie),
      'an interrupt with only the cookie',
    );

    const value = setCookie.split(';')[0].split('=')[1];
    const tampered = value.replace(/\.(\d+)\./, (_, at: string) => `.${Number(at) + 1000}.`);
    expectStopped(
      await get('/api/jobs', { Cookie: `${READ_SESSION_COOKIE}=${tampered}` }),
      'a longer session',
    );
    const otherToken = new ReadSessions('another-token-of-enough-length').open().value;
    expectStopped(
      await get('/api/jobs', { Cookie: `${READ_SESSION_COOKIE}=${otherToken}` }),
      "another token's session",
    );
    expectStopped(
      await get('/api/jobs', { Cookie: `${READ_SESSION_COOKIE}=v1.99999999999999.${'A'.repeat(43)}` }),
      'a forged session',
    );
  });

  it('ends a read session after its lifetime', () => {
    let now = 1_000_000;
    const sessions = new ReadSessions(TOKEN, 60_000, () => now);
    const cookie = `${READ_SESSION_COOKIE}=${sessions.open().value}`;
    expect(sessions.holds(cookie)).toBe(true);
    now += 60_001;
    expect(sessions.holds(cookie)).toBe(false);
  });

  it('serves web/ only: no path reaches a file outside it', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/..%2fpackage.json',
      '/vendor/../../package.json',
      '/%252e%252e/package.json',
      '/web/../package.json',
      '/..\\package.json',
      '/./../src/dashboard/access.ts',
    ]) {
      const answer = await get(path);
      expect(answer.body).not.toMatch(/"temporal-root-jobs"|accessGuard/);
      expect(answer.status).not.toBe(200);
    }
    expect((await get('/app.js')).status).toBe(200); // the page's own files are served
  });

  it('answers an address too long for it in the API shape, and goes on serving', async () => {
    for (const path of [`/api/jobs/${'x'.repeat(3000)}`, `/${'a'.repeat(20_000)}`, `/api/jobs/%E0%A4%A`]) {
      const answer = await get(path);
      expect([400, 401, 404]).toContain(answer.status);
      expect(apiError(answer)).toBeDefined();
    }
    expect((await get('/api/config')).status).toBe(200);
  });

  it('cuts off a request whose body never arrives (a byte now and then holds no connection for ever)', async () => {
    const slow = await serverlessDashboard({ requestTimeoutMs: 1000 });
    try {
      const { port } = new URL(slow.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.write(
        `POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"to`,
      );
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await slow.close();
    }
  });

  it('reads a long child id (two 200-byte names) like a short one', async () => {
    const id = encodeURIComponent(`${'r'.repeat(200)}/${'é'.repeat(100)}`);
    const answer = await get(`/api/jobs/${id}`, BEARER);
    expect({ status: answer.status, code: apiError(answer)?.code }).toEqual({
      status: 503,
      code: 'no_server',
    });
  });

  it('sends a strict Content-Security-Policy, no Referer and no caching of job data', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const refused = await get('/api/jobs');
    expect(refused.status).toBe(401);
    expect(refused.headers['referrer-policy']).toBe('no-referrer');
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('keeps page sizes to what the page uses', async () => {
    for (const path of [
      '/api/jobs?limit=101',
      '/api/jobs/x?limit=101',
      '/api/jobs/x/events?limit=101',
      '/api/jobs/x?offset=100000001',
    ]) {
      const answer = await get(path, BEARER);
      expect({ status: answer.status, code: apiError(answer)?.code }).toEqual({
        status: 400,
        code: 'bad_request',
      });
    }
  });
});
