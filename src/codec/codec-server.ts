/**
 * `jobs codec-server`: Temporal's codec-server convention, so the Web UI (and `temporal` CLI) can show
 * encrypted payloads to people who hold the key. POST /decode and /encode take and return
 * `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`.
 *
 * It holds the key, so it follows the dashboard's rules: on a loopback address it answers only loopback
 * `Host` names (no DNS rebinding); anywhere else it needs a token (`Authorization: Bearer`, which the
 * `temporal` CLI sends with --codec-auth and the Web UI with codec.passAccessToken); a browser may call it
 * only from the configured Web UI origins (CORS, and any other Origin is refused outright).
 */
import * as http from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import {
  holdsBearer,
  hostProblem,
  isLoopback,
  printableHeader,
  weakTokenProblem,
} from '../http/access-rules';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export interface CodecServerOptions {
  /** The Web UI origins a browser may call it from. */
  uiOrigins: string[];
  /** The address it listens on (default 127.0.0.1): loopback answers loopback Host names only. */
  host?: string;
  /** Required off loopback: requests carry `Authorization: Bearer <token>`. */
  token?: string;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Why these settings cannot serve on `host`, or undefined (the dashboard's rule). */
export function codecAccessProblem(host: string, token: string | undefined): string | undefined {
  const weak = weakTokenProblem(token);
  if (weak) return weak;
  if (!isLoopback(host) && !token)
    return `--host ${host} lets other machines decrypt payloads: set JOBS_CODEC_TOKEN or --token, which every request will then need`;
  return undefined;
}

export function createCodecServer(codec: PayloadCodec, options: CodecServerOptions | string[]): http.Server {
  const { uiOrigins, host = '127.0.0.1', token } = Array.isArray(options) ? { uiOrigins: options } : options;
  const problem = codecAccessProblem(host, token);
  if (problem) throw new Error(problem);
  const loopbackOnly = isLoopback(host);
  // A request not received whole in 30 s is cut off: a byte now and then holds no connection for ever.
  return http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (request, response) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-store');
    const origin = request.headers.origin;
    const known = origin !== undefined && uiOrigins.includes(origin);
    if (known) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    response.setHeader('Vary', 'Origin');
    const refused =
      (loopbackOnly ? hostProblem(request.headers.host) : undefined) ??
      (origin !== undefined && !known
        ? `Requests from ${printableHeader(origin)} are refused.`
        : undefined) ??
      (request.headers['sec-fetch-site'] === 'cross-site' && !known
        ? 'Requests from another site are refused.'
        : undefined);
    if (refused) {
      reply(response, 403, { error: refused });
      return;
    }
    if (request.method === 'OPTIONS') {
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      response.writeHead(204).end();
      return;
    }
    if (token && !holdsBearer(request.headers.authorization, token)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      reply(response, 401, { error: 'The codec server needs its token (Authorization: Bearer <token>).' });
      return;
    }
    const path = (request.url ?? '').split('?')[0].replace(/\/+$/, '');
    const run = path.endsWith('/decode') ? codec.decode : path.endsWith('/encode') ? codec.encode : undefined;
    if (!run) {
      reply(response, 404, { error: 'POST /encode or /decode' });
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST, OPTIONS');
      reply(response, 405, { error: `${request.method} is not allowed here; POST is.` });
      return;
    }
    readBody(request)
      .then(async (body) => {
        const out = await run.call(codec, payloadsOf(body).map(fromJson));
        reply(response, 200, { payloads: out.map(toJson) });
      })
      .catch((err: Error) =>
        reply(response, err instanceof BadRequest ? err.status : 422, { error: err.message }),
      );
  });
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest(413, 'the body is over 8 MB'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The body's payloads, each checked: an object of base64 strings. */
function payloadsOf(body: string): JsonPayload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new BadRequest(400, `the body is not JSON: ${(err as Error).message}`);
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new BadRequest(400, 'the body must be {"payloads": [...]}');
  payloads.forEach((payload: unknown, index) => {
    if (!isPayload(payload))
      throw new BadRequest(400, `payloads[${index}] must be {"metadata": {name: base64}, "data": base64}`);
  });
  return payloads as JsonPayload[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isBase64 = (value: unknown) => typeof value === 'string' && BASE64.test(value);

function isPayload(value: unknown): value is JsonPayload {
  if (!isObject(value)) return false;
  const { metadata = {}, data = '' } = value;
  return isObject(metadata) && Object.values(metadata).every(isBase64) && isBase64(data);
}

const fromJson = ({ metadata = {}, data = '' }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(data, 'base64'),
});

const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  ),
  data: Buffer.from(data ?? []).toString('base64'),
});
