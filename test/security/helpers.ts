import * as http from 'node:http';
import * as net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import { startDashboard, type DashboardOptions } from '../../src/dashboard/dashboard-server';

export const TOKEN = 'a-long-dashboard-token-0123456789';

export type Dashboard = Awaited<ReturnType<typeof startDashboard>>;

/**
 * A dashboard whose Temporal server is nowhere (nothing listens on port 1): a request that gets past the
 * access rules to a job route answers 503 `no_server` within the read deadline, one that does not answers
 * 401 or 403 at once. So these tests see the access decision itself, with no server to set up.
 */
export async function serverlessDashboard(options: Partial<DashboardOptions> = {}): Promise<Dashboard> {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const jobs = new JobClient(client, 'nowhere');
  return startDashboard({ jobs, port: 0, protectReads: false, readDeadlineMs: 300, ...options });
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Sends `path` exactly as written (no normalisation by a client library: `..`, `//`, `%2e`, `#` reach the
 * server as they are) and reads the answer.
 */
export function rawRequest(
  url: string,
  path: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const lines = [
      `${method} ${path} HTTP/1.1`,
      ...Object.entries({
        Host: `${hostname}:${port}`,
        Connection: 'close',
        ...(body !== undefined
          ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }
          : {}),
        ...headers,
      }).map(([name, value]) => `${name}: ${value}`),
      '',
      body ?? '',
    ];
    socket.write(lines.join('\r\n'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    let failure: Error | undefined;
    socket.on('error', (err) => (failure = err)); // a server that answers before the body is sent closes
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.length === 0) return reject(failure ?? new Error(`no answer to ${method} ${path}`));
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headersOut: http.IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headersOut[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let content = rest.join('\r\n\r\n');
      if (/chunked/i.test(String(headersOut['transfer-encoding'] ?? ''))) content = unchunk(content);
      resolve({ status: Number(statusLine.split(' ')[1]), headers: headersOut, body: content });
    });
  });
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

/** The error object of an answer in the API's shape, or undefined when the body is not that shape. */
export function apiError(answer: RawAnswer): { code: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}
