/**
 * `jobs ui`: the jobs dashboard (Oro's System › Jobs grid) and the public HTTP API behind it. Fastify serves
 * the API (routes in api-routes.ts, described by OpenAPI at /api/openapi.json), the page (web/, Preact + htm,
 * no build step) and the event streams (live-reads.ts).
 */
import * as fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { JobClient } from '../client/job-client';
import { isLoopback } from '../http/access-rules';
import { accessGuard, loopbackHostOnly, type AccessSettings } from './access';
import { MAX_BODY_BYTES, apiErrorOf } from './api-errors';
import { registerApiRoutes } from './api-routes';
import { RouteMethods } from './route-methods';
import { LiveReads, type ReadTimes, type StreamLimits } from './live-reads';
import { DEFAULT_READ_LIMITS, ReadGate, type ReadLimits } from './read-gate';
import { ReadSessions } from './read-session';
import { SECURITY_HEADERS, addSecurityHeaders } from './security-headers';

/** What the dashboard serves and how (`startDashboard`, `jobs ui`). */
export interface DashboardOptions extends AccessSettings {
  /** The client its reads and controls go through. */
  jobs: JobClient;
  /** The Temporal Web UI, for links to each job's workflow; none: no links. */
  webUiUrl?: string;
  /** The host it serves on (default 127.0.0.1): on a loopback host, only loopback Host headers are served. */
  host?: string;
  /** A read the Temporal server has not answered in this long is a 503 (default 10 s). */
  readDeadlineMs?: number;
  /** How often the event streams' views are read. */
  readTimes?: ReadTimes;
  /** Distinct views and open streams at most (default 100 and 1,000). */
  streamLimits?: Partial<StreamLimits>;
  /** Reads of the Temporal server in flight and queued at most (default 16 and 256). */
  readLimits?: Partial<ReadLimits>;
  /** A stream whose client reads nothing for this long is closed (default 30 s). */
  streamStallMs?: number;
  /** A request not received whole within this is cut off (default 30 s). */
  requestTimeoutMs?: number;
}

/** The page's files: web/ at the package's root (two levels above this file, in src/ and in dist/). */
export const WEB_DIRECTORY = path.resolve(__dirname, '..', '..', 'web');
/** Preact and htm in one browser module (13 KB): the page's only library. */
const PREACT_HTM = path.join(path.dirname(require.resolve('htm')), '..', 'preact', 'standalone.module.js');

/** The dashboard as a Fastify app, not yet listening (to embed or to test with `inject`). */
export async function createDashboard(
  options: DashboardOptions,
): Promise<{ app: FastifyInstance; live: LiveReads }> {
  const { jobs } = options;
  // Unknown properties are refused, not dropped: a misspelt option must not pass silently.
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: MAX_BODY_BYTES,
    // A request (its headers and body; not an event stream's answer) that takes longer is cut off: a client
    // sending a byte now and then cannot hold a connection for ever.
    requestTimeout,
    // Node's server takes the timeout from its constructor's options only (Fastify sets it afterwards).
    http: { requestTimeout, connectionsCheckingInterval: Math.max(100, Math.min(5000, requestTimeout / 2)) },
    // An id of up to 1,000 characters (the schema's limit), each up to 12 when percent-encoded; longer is a 400.
    routerOptions: { maxParamLength: 8000 },
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    // Addresses the router cannot take (bad percent-encoding, a parameter too long) answer in the API's shape.
    frameworkErrors: async (error, _request, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      await reply
        .code(400)
        .headers(SECURITY_HEADERS)
        .send({
          error: {
            code: 'bad_request',
            message: tooLong ? 'The address is too long.' : 'The address is not valid percent-encoding.',
          },
        });
    },
    clientErrorHandler: answerClientError,
  });
  // Answers go out as they are: the schemas document them (and validate requests), they do not filter them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const routes = new RouteMethods(app);
  /** A request no route takes: 405 when its path has routes for other methods, else 404. */
  const answerUnrouted = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const allowed = routes.allowed(decodedPath(path));
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      await reply
        .code(405)
        .header('Allow', allowed.join(', '))
        .send({
          error: {
            code: 'method_not_allowed',
            message: `${request.method} is not allowed here; ${allowed.join(', ')} is.`,
          },
        });
      return;
    }
    await reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${path}.` } });
  };
  app.setErrorHandler(async (err, request, reply) => {
    // A body an unrouted request carries fails to parse before the 404 handler runs: the route is what counts.
    if (request.routeOptions.url === undefined && (err as { statusCode?: number }).statusCode !== 413)
      return answerUnrouted(request, reply);
    const { status, code, message } = apiErrorOf(err);
    await reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler(answerUnrouted);
  const host = options.host ?? '127.0.0.1';
  const sessions = options.token ? new ReadSessions(options.token) : undefined;
  app.addHook('onRequest', addSecurityHeaders);
  if (isLoopback(host)) app.addHook('onRequest', loopbackHostOnly);
  app.addHook('onRequest', accessGuard(options, sessions));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'temporal-root-jobs HTTP API',
        version: '1',
        description:
          'Root jobs and their children on Temporal: list, read, start, interrupt, and follow a root live. Served by `jobs ui`. Changes need `Authorization: Bearer <token>` when the server has a token; reads too with --protect-reads, where event streams and links instead use the read session that POST /api/session opens (a token in an address is refused).',
      },
      components: {
        securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  const live = new LiveReads(options.readTimes, options.streamLimits);
  app.addHook('onClose', async () => live.close());
  registerApiRoutes(app, {
    jobs,
    live,
    gate: new ReadGate({ ...DEFAULT_READ_LIMITS, ...options.readLimits }),
    sessions,
    token: options.token,
    webUiUrl: options.webUiUrl,
    protectReads: options.protectReads,
    readDeadlineMs: options.readDeadlineMs ?? 10_000,
    streamStallMs: options.streamStallMs,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const preactHtm = fs.readFileSync(PREACT_HTM);
  app.get('/vendor/preact-htm.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=86400')
      .send(preactHtm),
  );
  await app.register(fastifyStatic, { root: WEB_DIRECTORY, prefix: '/', index: 'index.html' });
  return { app, live };
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // not percent-encoding: no route has it
  }
}

/** A request Node's parser refused (headers too large, not HTTP): answered in the API's shape, then closed. */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [400, 'The address or headers are too large.']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive whole in time.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code: 'bad_request', message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Starts the dashboard; resolves with its address once it listens. */
export async function startDashboard(
  options: DashboardOptions & { port: number },
): Promise<{ url: string; app: FastifyInstance; live: LiveReads; close: () => Promise<void> }> {
  const { app, live } = await createDashboard(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { url: `http://${shown}:${port}`, app, live, close: () => app.close() };
}
