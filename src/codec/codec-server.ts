/**
 * `jobs codec-server`: Temporal's codec-server convention, so the Web UI (and `temporal` CLI) can show
 * encrypted payloads to people who hold the key. POST /decode and /encode take and return
 * `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`; CORS lets the Web UI's origin call it.
 */
import * as http from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function createCodecServer(codec: PayloadCodec, uiOrigins: string[]): http.Server {
  return http.createServer((request, response) => {
    const origin = request.headers.origin;
    if (origin && uiOrigins.includes(origin)) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Vary', 'Origin');
    }
    if (request.method === 'OPTIONS') {
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      response.writeHead(204).end();
      return;
    }
    const path = (request.url ?? '').split('?')[0].replace(/\/+$/, '');
    const run = path.endsWith('/decode') ? codec.decode : path.endsWith('/encode') ? codec.encode : undefined;
    if (request.method !== 'POST' || !run) {
      reply(response, 404, { error: 'POST /encode or /decode' });
      return;
    }
    readBody(request)
      .then(async (body) => {
        const { payloads } = JSON.parse(body) as { payloads?: JsonPayload[] };
        if (!Array.isArray(payloads)) throw new SyntaxError('the body must be {"payloads": [...]}');
        const out = await run.call(codec, payloads.map(fromJson));
        reply(response, 200, { payloads: out.map(toJson) });
      })
      .catch((err: Error) => reply(response, err instanceof SyntaxError ? 400 : 422, { error: err.message }));
  });
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new SyntaxError('the body is over 8 MB'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
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
