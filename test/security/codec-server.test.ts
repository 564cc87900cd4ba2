/**
 * The codec server holds the key: tried as an attacker would, from another machine, another site, another
 * Host name, with payloads it did not make.
 */
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { createCodecServer } from '../../src/codec/codec-server';
import { codecFromEnv } from '../../src/codec/codec-settings';
import { rawRequest, type RawAnswer } from './helpers';

const UI = 'http://127.0.0.1:8233';
const TOKEN = 'codec-token-0123456789abcdef';
const text = (value: string) => Buffer.from(value).toString('base64');
const plainPayload = { metadata: { encoding: text('json/plain') }, data: text('{"secret":"s3cr3t"}') };

async function listen(server: http.Server, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(url, path, { method: 'POST', body: JSON.stringify(body), headers });
const errorOf = (answer: RawAnswer) => (JSON.parse(answer.body) as { error: string }).error;

describe('the codec server, attacked', () => {
  const codec = new AesGcmCodec(randomBytes(32), 'key-1');
  const servers: http.Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });
  async function serve(options: { host?: string; token?: string } = {}): Promise<string> {
    const server = createCodecServer(codec, { uiOrigins: [UI], ...options });
    servers.push(server);
    return listen(server, options.host);
  }

  it('on loopback, answers loopback Host names only (no DNS rebinding)', async () => {
    const url = await serve();
    const rebound = await post(url, '/decode', { payloads: [] }, { Host: 'rebound.example:8888' });
    expect({ status: rebound.status, error: errorOf(rebound) }).toEqual({
      status: 403,
      error: 'Host "rebound.example:8888" is not served here.',
    });
    expect((await post(url, '/decode', { payloads: [] })).status).toBe(200);
  });

  it('refuses to serve other machines without a token, and then needs it on every request', async () => {
    expect(() => createCodecServer(codec, { uiOrigins: [UI], host: '0.0.0.0' })).toThrow(
      /--host 0\.0\.0\.0 lets other machines decrypt payloads: set JOBS_CODEC_TOKEN or --token/,
    );
    expect(() => createCodecServer(codec, { uiOrigins: [UI], host: '0.0.0.0', token: 'short' })).toThrow(
      /shorter than 16 characters/,
    );
    const url = await serve({ host: '0.0.0.0', token: TOKEN });
    const [sealed] = await codec.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"s3cr3t"') },
    ]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(sealed.data!).toString('base64'),
        },
      ],
    };
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: 'Bearer wrong-token-wrong-token' },
      { Authorization: TOKEN },
    ]) {
      const answer = await post(url, '/decode', body, headers);
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain(Buffer.from('"s3cr3t"').toString('base64'));
    }
    const allowed = await post(url, '/decode', body, { Authorization: `Bearer ${TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(Buffer.from(JSON.parse(allowed.body).payloads[0].data, 'base64').toString()).toBe('"s3cr3t"');
    // Served beyond loopback, any Host is fine (the token is what guards it).
    expect(
      (
        await post(
          url,
          '/encode',
          { payloads: [] },
          { Host: 'codec.internal', Authorization: `Bearer ${TOKEN}` },
        )
      ).status,
    ).toBe(200);
  });

  it('lets a browser call it from the Web UI only', async () => {
    const url = await serve();
    const fromUi = await post(url, '/decode', { payloads: [] }, { Origin: UI });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers['access-control-allow-origin']).toBe(UI);
    for (const headers of [{ Origin: 'http://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }] as Record<
      string,
      string
    >[]) {
      const answer = await post(url, '/decode', { payloads: [] }, headers);
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    const preflight = await rawRequest(url, '/decode', {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example' },
    });
    expect(preflight.status).toBe(403);
  });

  it('refuses a payload shorter than an IV and a tag, and a tag shorter than 16 bytes', async () => {
    const url = await serve();
    const metadata = { encoding: text('binary/encrypted'), 'encryption-key-id': text('key-1') };
    for (const bytes of [0, 12, 20, 27]) {
      const answer = await post(url, '/decode', {
        payloads: [{ metadata, data: randomBytes(bytes).toString('base64') }],
      });
      expect({ status: answer.status, error: errorOf(answer) }).toEqual({
        status: 422,
        error: `This payload is ${bytes} bytes, shorter than an IV and a tag (28): it was not encrypted by this codec.`,
      });
    }
    // A real payload cut to a 4-byte tag: GCM would take a 4-byte tag if the codec let it choose.
    const [sealed] = await codec.encode([{ metadata: {}, data: Buffer.from('x') }]);
    const cut = Buffer.from(sealed.data!).subarray(0, sealed.data!.length - 12);
    await expect(codec.decode([{ ...sealed, data: cut }])).rejects.toThrow(/cannot be decrypted|shorter/);
  });

  it('answers any body with a clear 4xx, never a crash (generated bodies)', async () => {
    const url = await serve();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ payloads: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
          fc.record({
            payloads: fc.array(
              fc.record({
                metadata: fc.dictionary(
                  fc.string({ maxLength: 20 }),
                  fc.oneof(fc.base64String(), fc.jsonValue()),
                ),
                data: fc.oneof(fc.base64String({ maxLength: 80 }), fc.jsonValue()),
              }),
              { maxLength: 3 },
            ),
          }),
        ),
        fc.constantFrom('/decode', '/encode'),
        async (body, path) => {
          const answer = await post(url, path, body);
          expect([200, 400, 422]).toContain(answer.status);
          expect(answer.headers['content-type']).toBe('application/json');
          if (answer.status !== 200) expect(typeof errorOf(answer)).toBe('string');
        },
      ),
      { numRuns: 200 },
    );
    expect((await post(url, '/decode', { payloads: [plainPayload] })).status).toBe(200);
  });
});

describe('codec key rotation', () => {
  it('encrypts with the new key and still decrypts what the old one encrypted, by key id', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = codecFromEnv({ JOBS_CODEC_KEY: oldKey.toString('base64') })!;
    const [written] = await before.encode([{ metadata: {}, data: Buffer.from('"kept"') }]);
    const after = codecFromEnv({
      JOBS_CODEC_KEY: newKey.toString('base64'),
      JOBS_CODEC_KEY_ID: 'key-2026',
      JOBS_CODEC_OLD_KEYS: ` ${oldKey.toString('base64')} , ops-old=${randomBytes(32).toString('base64')}`,
    })!;
    expect(after.keyIds).toEqual(['key-2026', before.keyId, 'ops-old']);
    const [read] = await after.decode([written]);
    expect(Buffer.from(read.data!).toString()).toBe('"kept"');
    const [rewritten] = await after.encode([{ metadata: {}, data: Buffer.from('"new"') }]);
    expect(Buffer.from(rewritten.metadata!['encryption-key-id']!).toString()).toBe('key-2026');
    await expect(before.decode([rewritten])).rejects.toThrow(
      `encrypted with key "key-2026"; the codec has "${before.keyId}"`,
    );
    expect(() =>
      codecFromEnv({ JOBS_CODEC_KEY: newKey.toString('base64'), JOBS_CODEC_OLD_KEYS: 'c2hvcnQ=' }),
    ).toThrow(/JOBS_CODEC_OLD_KEYS \(item 1\) must hold a 32-byte AES-256 key/);
    expect(() => codecFromEnv({ JOBS_CODEC_OLD_KEYS: oldKey.toString('base64') })).toThrow(
      /needs JOBS_CODEC_KEY/,
    );
  });
});
