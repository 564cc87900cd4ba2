/**
 * The event streams: a root (with a page of its children) or a page of the roots' list, sent at once and
 * whenever it changes. Each is what the matching GET answers (job-reads.ts); live-reads.ts keeps one reader
 * per distinct view however many streams follow it.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidJobInputError } from '../errors';
import { parseJobId } from '../jobs/ids';
import {
  childPageQuery,
  eventStream,
  jobIdParams,
  rootListQuery,
  routeErrors,
  streamLimit,
} from './api-schemas';
import { openEventStream } from './event-stream';
import type { ChildPageQuery, JobReads, RootListQuery } from './job-reads';
import type { LiveReads, ViewReader } from './live-reads';

export interface EventRouteContext {
  reads: JobReads;
  live: LiveReads;
  /** Security of reads in the OpenAPI description. */
  readSecurity: Array<Record<string, string[]>>;
  streamStallMs?: number;
}

export function registerEventRoutes(app: FastifyInstance, context: EventRouteContext): void {
  const { reads, live, readSecurity } = context;
  const follow = (key: string, view: ViewReader) => (send: Parameters<LiveReads['subscribe']>[2]) =>
    live.subscribe(key, view, send);

  app.get<{ Params: { id: string }; Querystring: ChildPageQuery }>(
    '/api/jobs/:id/events',
    {
      schema: {
        summary:
          'Follow a root: what GET /api/jobs/{id} answers for the same query (by default its record and counts, no children), at once and whenever it changes (server-sent events).',
        params: jobIdParams,
        querystring: { ...childPageQuery, properties: { ...childPageQuery.properties, limit: streamLimit } },
        security: readSecurity,
        response: { 200: eventStream, ...routeErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (parseJobId(id).kind !== 'root')
        throw new InvalidJobInputError(`"${id}" is a child job; events follow a root job.`);
      const { offset, limit, status } = request.query;
      const view: ViewReader = async () => {
        const answer = await reads.job(id, { offset, limit, status });
        const stopped = answer.stoppedAt !== null && answer.status !== 'running';
        return { event: { type: 'job', data: JSON.stringify(answer) }, stopped };
      };
      // An unknown id is a 404 before the stream opens: the view's first read (shared) finds it out. Each read
      // has its own deadline: the view reads on long after the request that opened it.
      const key = JSON.stringify(['job', id, offset, limit, status]);
      await openEventStream(reply, follow(key, view), context.streamStallMs);
    },
  );

  app.get<{ Querystring: RootListQuery }>(
    '/api/events',
    {
      schema: {
        summary:
          'Follow a page of the roots list: what GET /api/jobs answers for the same query, at once and whenever it changes (`roots` events).',
        querystring: rootListQuery,
        security: readSecurity,
        response: { 200: eventStream, ...routeErrors },
      },
    },
    async (request, reply) => {
      const { status, name, limit, cursor } = request.query;
      const view: ViewReader = async () => {
        const page = await reads.rootsPage({ status, name, limit, cursor });
        return { event: { type: 'roots', data: JSON.stringify(page) }, stopped: false };
      };
      const key = JSON.stringify(['roots', status, name, limit, cursor]);
      await openEventStream(reply, follow(key, view), context.streamStallMs);
    },
  );
}
