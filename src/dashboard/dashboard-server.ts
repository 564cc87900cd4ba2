/**
 * `jobs ui`: the jobs dashboard (Oro's System › Jobs grid) and the public HTTP API behind it. Fastify serves
 * the API (routes in api-routes.ts, described by OpenAPI at /api/openapi.json), the page (web/, Preact + htm,
 * no build step) and the event streams (live-reads.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { JobClient } from '../client/job-client';
import { accessGuard, isLoopback, loopbackHostOnly, type AccessSettings } from './access';
import { apiErrorOf } from './api-errors';
import { registerApiRoutes } from './api-routes';
import { LiveReads, type ReadTimes } from './live-reads';

export interface DashboardOptions extends AccessSettings {
  jobs: JobClient;
  /** The Temporal Web UI, for links to each job's workflow; none: no links. */
  webUiUrl?: string;
  /** The host it serves on (default 127.0.0.1): on a loopback host, only loopback Host headers are served. */
  host?: string;
  /** A read the Temporal server has not answered in this long is a 503 (default 10 s). */
  readDeadlineMs?: number;
  /** How often the event streams' views are read. */
  readTimes?: ReadTimes;
}

/** The page's files: web/ at the package's root (two levels above this file, in src/ and in dist/). */
export const WEB_DIRECTORY = path.resolve(__dirname, '..', '..', 'web');
/** Preact and htm in one browser module (13 KB): the page's only library. */
const PREACT_HTM = path.join(path.dirname(require.resolve('htm')), '..', 'preact', 'standalone.module.js');

export async function createDashboard(
  options: DashboardOptions,
): Promise<{ app: FastifyInstance; live: LiveReads }> {
  const { jobs } = options;
  // Unknown properties are refused, not dropped: a misspelt option must not pass silently.
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  // Answers go out as they are: the schemas document them (and validate requests), they do not filter them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(async (err, _request, reply) => {
    const { status, code, message } = apiErrorOf(err);
    await reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler(async (request, reply) => {
    await reply.code(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` },
    });
  });
  const host = options.host ?? '127.0.0.1';
  if (isLoopback(host)) app.addHook('onRequest', loopbackHostOnly);
  app.addHook('onRequest', accessGuard(options));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'temporal-root-jobs HTTP API',
        version: '1',
        description:
          'Root jobs and their children on Temporal: list, read, start, interrupt, and follow a root live. Served by `jobs ui`. Changes need `Authorization: Bearer <token>` when the server has a token; reads too with --protect-reads (event streams may pass it as `access_token`).',
      },
      components: {
        securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  const live = new LiveReads(options.readTimes);
  app.addHook('onClose', async () => live.close());
  registerApiRoutes(app, {
    jobs,
    live,
    webUiUrl: options.webUiUrl,
    tokenSet: !!options.token,
    protectReads: options.protectReads,
    readDeadlineMs: options.readDeadlineMs ?? 10_000,
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
