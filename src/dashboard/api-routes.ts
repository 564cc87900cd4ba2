/**
 * The HTTP API: list roots, read a root (with a page of children) or a child, start a root, interrupt a root
 * or a child, and follow a root (or the list) as server-sent events. Every answer for a job is the JSON the
 * CLI prints with --json; errors are `{ "error": { "code", "message" } }` (api-errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { JobClient } from '../client/job-client';
import { InvalidJobInputError } from '../errors';
import { parseJobId } from '../jobs/ids';
import type { JobStatus } from '../jobs/types';
import {
  childPageQuery,
  errorAnswer,
  eventStream,
  interruptAnswer,
  interruptBody,
  jobAnswer,
  jobIdParams,
  listedRoot,
  rootListQuery,
  startBody,
  startedAnswer,
  streamLimit,
} from './api-schemas';
import { isDeadlineExceeded } from '../client/deadline';
import { ReadTimeoutError } from './api-errors';
import { openEventStream } from './event-stream';
import type { LiveReads, ViewReader } from './live-reads';

interface RouteContext {
  jobs: JobClient;
  live: LiveReads;
  webUiUrl?: string;
  tokenSet: boolean;
  protectReads: boolean;
  readDeadlineMs: number;
}

type IdParams = { id: string };
type RootListQuery = { status?: JobStatus; name?: string; limit: number; cursor?: string };
type ChildPageQuery = { offset: number; limit: number; status?: JobStatus };
const errors = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer, 503: errorAnswer };
const reads = (protectReads: boolean) => (protectReads ? [{ token: [] }] : []);

export function registerApiRoutes(app: FastifyInstance, context: RouteContext): void {
  const { jobs, live, protectReads } = context;
  /** A read answers within the deadline or is a 503: the client would otherwise retry a lost server for long. */
  const read = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await jobs.client.withDeadline(Date.now() + context.readDeadlineMs, ask);
    } catch (err) {
      if (!isDeadlineExceeded(err)) throw err;
      throw new ReadTimeoutError(
        `The Temporal server did not answer within ${context.readDeadlineMs / 1000} s; is it running?`,
      );
    }
  };
  // What a GET answers and what its event stream sends: one read for both.
  const readRootsPage = ({ status, name, limit, cursor }: RootListQuery) =>
    read(() => jobs.listPage({ status, name }, { limit, cursor }));
  const readJob = (id: string, { offset, limit, status }: ChildPageQuery) =>
    read(() => jobs.status(id, { offset, limit, status }));

  app.get<{ Querystring: RootListQuery }>(
    '/api/jobs',
    {
      schema: {
        summary: 'List root jobs: running ones first, then the most recently closed; paged by cursor.',
        querystring: rootListQuery,
        security: reads(protectReads),
        response: {
          200: {
            type: 'object',
            properties: {
              jobs: { type: 'array', items: listedRoot },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => readRootsPage(request.query),
  );

  app.post<{ Body: { topic: string; data?: unknown } & Record<string, unknown> }>(
    '/api/jobs',
    {
      schema: {
        summary:
          'Start a root job (as `jobs start`): 201 started, 200 attached to the same owner’s open root.',
        body: startBody,
        security: [{ token: [] }],
        response: { 200: startedAnswer, 201: startedAnswer, 409: errorAnswer, ...errors },
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
        security: reads(protectReads),
        response: { 200: jobAnswer, ...errors },
      },
    },
    async (request) => readJob(request.params.id, request.query),
  );

  app.post<{ Params: IdParams; Body: { force?: boolean } | null }>(
    '/api/jobs/:id/interrupt',
    {
      schema: {
        summary:
          'Interrupt a root or a child: what has not started never starts; running work finishes, or with force is cancelled.',
        params: jobIdParams,
        body: interruptBody,
        security: [{ token: [] }],
        response: { 200: interruptAnswer, ...errors },
      },
    },
    async (request) => jobs.interrupt(request.params.id, { force: request.body?.force === true }),
  );

  app.get<{ Params: IdParams; Querystring: ChildPageQuery }>(
    '/api/jobs/:id/events',
    {
      schema: {
        summary:
          'Follow a root: what GET /api/jobs/{id} answers for the same query (by default its record and counts, no children), at once and whenever it changes (server-sent events).',
        params: jobIdParams,
        querystring: { ...childPageQuery, properties: { ...childPageQuery.properties, limit: streamLimit } },
        security: reads(protectReads),
        produces: ['text/event-stream'],
        response: { 200: eventStream, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (parseJobId(id).kind !== 'root')
        throw new InvalidJobInputError(`"${id}" is a child job; events follow a root job.`);
      const { offset, limit, status } = request.query;
      const view: ViewReader = async () => {
        const answer = await readJob(id, { offset, limit, status });
        const stopped = answer.stoppedAt !== null && answer.status !== 'running';
        return { event: { type: 'job', data: JSON.stringify(answer) }, stopped };
      };
      const key = JSON.stringify(['job', id, offset, limit, status]);
      // An unknown id is a 404 before the stream opens: the view's first read (shared) finds it out. Each read
      // has its own deadline: the view reads on long after the request that opened it.
      await openEventStream(reply, (send) => live.subscribe(key, view, send));
    },
  );

  app.get<{ Querystring: RootListQuery }>(
    '/api/events',
    {
      schema: {
        summary:
          'Follow a page of the roots list: what GET /api/jobs answers for the same query, at once and whenever it changes (`roots` events).',
        querystring: rootListQuery,
        security: reads(protectReads),
        produces: ['text/event-stream'],
        response: { 200: eventStream, ...errors },
      },
    },
    async (request, reply) => {
      const { status, name, limit, cursor } = request.query;
      const view: ViewReader = async () => {
        const page = await readRootsPage({ status, name, limit, cursor });
        return { event: { type: 'roots', data: JSON.stringify(page) }, stopped: false };
      };
      const key = JSON.stringify(['roots', status, name, limit, cursor]);
      await openEventStream(reply, (send) => live.subscribe(key, view, send));
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
      changesNeedToken: context.tokenSet,
      readsNeedToken: protectReads,
    }),
  );

  app.get<{ Params: IdParams }>(
    '/web-ui/:id',
    { schema: { hide: true, params: jobIdParams } },
    async (request, reply) => {
      if (!context.webUiUrl)
        throw new InvalidJobInputError('No Temporal Web UI address was given (--web-ui).');
      const workflowId = await read(() => jobs.workflowOf(request.params.id));
      const namespace = encodeURIComponent(jobs.client.options.namespace);
      return reply.redirect(
        `${context.webUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`,
      );
    },
  );
}
