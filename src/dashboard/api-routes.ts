/**
 * The HTTP API: list roots, read a root (with a page of children) or a child, start a root, interrupt a root
 * or a child, and follow a root (or the list) as server-sent events. Every answer for a job is the JSON the
 * CLI prints with --json; errors are `{ "error": { "code", "message" } }` (api-errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { JobClient } from '../client/job-client';
import { InvalidJobInputError } from '../errors';
import {
  childPageQuery,
  errorAnswer,
  interruptAnswer,
  interruptBody,
  jobAnswer,
  jobIdParams,
  listedRoot,
  rootListQuery,
  routeErrors,
  sessionAnswer,
  sessionBody,
  startBody,
  startedAnswer,
} from './api-schemas';
import { CursorSeal } from './cursor-seal';
import { registerEventRoutes } from './event-routes';
import { jobReads, type ChildPageQuery, type RootListQuery } from './job-reads';
import type { LiveReads } from './live-reads';
import type { ReadGate } from './read-gate';
import type { ReadSessions } from './read-session';

interface RouteContext {
  jobs: JobClient;
  live: LiveReads;
  gate: ReadGate;
  /** Set when the dashboard has a token. */
  sessions?: ReadSessions;
  token?: string;
  webUiUrl?: string;
  protectReads: boolean;
  readDeadlineMs: number;
  streamStallMs?: number;
}

type IdParams = { id: string };
const secure = (protocol: string, forwarded: unknown) => protocol === 'https' || forwarded === 'https';

export function registerApiRoutes(app: FastifyInstance, context: RouteContext): void {
  const { jobs, live, gate, protectReads } = context;
  const reads = jobReads(jobs, gate, context.readDeadlineMs, new CursorSeal(context.token));
  // The OpenAPI description says what this server needs: a token for changes when it has one, for reads too
  // with protectReads.
  const changeSecurity = context.sessions ? [{ token: [] }] : [];
  const readSecurity = protectReads ? [{ token: [] }] : [];

  app.get<{ Querystring: RootListQuery }>(
    '/api/jobs',
    {
      schema: {
        summary: 'List root jobs: running ones first, then the most recently closed; paged by cursor.',
        querystring: rootListQuery,
        security: readSecurity,
        response: {
          200: {
            type: 'object',
            properties: {
              jobs: { type: 'array', items: listedRoot },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...routeErrors,
        },
      },
    },
    async (request) => reads.rootsPage(request.query),
  );

  app.post<{ Body: { topic: string; data?: unknown } & Record<string, unknown> }>(
    '/api/jobs',
    {
      schema: {
        summary:
          'Start a root job (as `jobs start`): 201 started, 200 attached to the same owner’s open root.',
        body: startBody,
        security: changeSecurity,
        response: {
          200: startedAnswer,
          201: startedAnswer,
          409: errorAnswer,
          413: errorAnswer,
          ...routeErrors,
        },
      },
    },
    async (request, reply) => {
      const { topic, ...options } = request.body;
      const started = await jobs.start(topic, options);
      return reply.code(started.attached ? 200 : 201).send(started);
    },
  );

  app.get<{ Params: IdParams; Querystring: ChildPageQuery }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'Read a root with one page of its children (filter by status), or a child with its result.',
        params: jobIdParams,
        querystring: childPageQuery,
        security: readSecurity,
        response: { 200: jobAnswer, ...routeErrors },
      },
    },
    async (request) => reads.job(request.params.id, request.query),
  );

  app.post<{ Params: IdParams; Body: { force?: boolean } | null }>(
    '/api/jobs/:id/interrupt',
    {
      schema: {
        summary:
          'Interrupt a root or a child: what has not started never starts; running work finishes, or with force is cancelled.',
        params: jobIdParams,
        body: interruptBody,
        security: changeSecurity,
        response: { 200: interruptAnswer, ...routeErrors },
      },
    },
    async (request) => jobs.interrupt(request.params.id, { force: request.body?.force === true }),
  );

  registerEventRoutes(app, { reads, live, readSecurity, streamStallMs: context.streamStallMs });

  app.post(
    '/api/session',
    {
      schema: {
        summary:
          'Open a read session: a cookie that lets event streams and Web UI links read jobs (when reads need the token) without the token in their address. It grants reads only and ends within the hour.',
        body: sessionBody,
        security: changeSecurity,
        response: { 200: sessionAnswer, ...routeErrors },
      },
    },
    async (request, reply) => {
      const { sessions } = context;
      if (!sessions) return { expiresAt: null }; // no token: reads need nothing
      const { header, expiresAt } = sessions.cookie(
        secure(request.protocol, request.headers['x-forwarded-proto']),
      );
      return reply.header('Set-Cookie', header).send({ expiresAt: new Date(expiresAt).toISOString() });
    },
  );

  app.get(
    '/api/config',
    {
      schema: {
        summary:
          'What the page needs to know: namespace, task queue, the Web UI and whether a token is needed.',
        response: {
          200: {
            type: 'object',
            properties: {
              namespace: { type: 'string' },
              taskQueue: { type: 'string' },
              webUi: { type: 'boolean' },
              changesNeedToken: { type: 'boolean' },
              readsNeedToken: { type: 'boolean' },
            },
          },
        },
      },
    },
    async () => ({
      namespace: jobs.client.options.namespace,
      taskQueue: jobs.taskQueue,
      webUi: !!context.webUiUrl,
      changesNeedToken: !!context.sessions,
      readsNeedToken: protectReads,
    }),
  );

  app.get<{ Params: IdParams }>(
    '/web-ui/:id',
    { schema: { hide: true, params: jobIdParams } },
    async (request, reply) => {
      if (!context.webUiUrl)
        throw new InvalidJobInputError('No Temporal Web UI address was given (--web-ui).');
      const workflowId = await reads.read(() => jobs.workflowOf(request.params.id));
      const namespace = encodeURIComponent(jobs.client.options.namespace);
      return reply.redirect(
        `${context.webUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`,
      );
    },
  );
}
