/**
 * Who may do what on the dashboard. It binds to 127.0.0.1 unless told otherwise; reachable from elsewhere,
 * it needs a token, which every change (start, interrupt) then carries (`Authorization: Bearer <token>`), and
 * reads too when the user asks. What a request needs is decided from the route that matched it, never from the
 * raw address (the router decodes `/%61pi/jobs` into `/api/jobs`): only the routes listed in PUBLIC_ROUTES
 * are open to all, and a route nobody listed needs what a read needs. Requests from other sites are refused
 * always: a page elsewhere cannot make a browser start or interrupt a job here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  holdsBearer,
  hostProblem,
  isLoopback,
  printableHeader,
  weakTokenProblem,
} from '../http/access-rules';
import type { ReadSessions } from './read-session';

/** Who may use the dashboard. */
export interface AccessSettings {
  /** A bearer token that starting, interrupting and changing jobs need (and reads, with `protectReads`). */
  token?: string;
  /** Reads need the token too (or the read session it opens, for event streams and links). */
  protectReads: boolean;
}

/** Routes anyone may GET: the page, its files and the API's description. Anything else is guarded. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  '/*', // the page's static files (web/); @fastify/static refuses what lies outside that folder
  '/vendor/preact-htm.js',
  '/api/openapi.json',
  '/api/config', // says whether a token is needed, so the page can ask for one
]);

/** Why these settings cannot serve on `host`, or undefined. */
export function accessProblem(host: string, { token, protectReads }: AccessSettings): string | undefined {
  const weak = weakTokenProblem(token);
  if (weak) return weak;
  if (!isLoopback(host) && !token)
    return `--host ${host} makes the dashboard reachable from other machines: set JOBS_UI_TOKEN or --token, which starting and interrupting jobs will then need`;
  if (protectReads && !token) return '--protect-reads needs a token (JOBS_UI_TOKEN or --token)';
  return undefined;
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

/** Whether the route that matched `request` is open to anyone. */
export function isPublicRoute(request: FastifyRequest): boolean {
  return isRead(request.method) && PUBLIC_ROUTES.has(request.routeOptions.url ?? '');
}

export function accessGuard({ token, protectReads }: AccessSettings, sessions: ReadSessions | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const changes = !isRead(request.method);
    // A request no route takes runs nothing; it is answered 404 or 405 (the Origin checks still apply).
    const crossSite = crossSiteReason(request, changes && request.routeOptions.url !== undefined);
    if (crossSite) {
      await reply.code(403).send({ error: { code: 'cross_site', message: crossSite } });
      return;
    }
    if (Object.hasOwn((request.query as object | undefined) ?? {}, 'access_token')) {
      // Addresses land in history, logs and Referer headers: a token there is refused, not used.
      await reply.code(400).send({
        error: {
          code: 'bad_request',
          message:
            'A token in the address (access_token) is refused: send Authorization: Bearer <token>, or open a read session (POST /api/session) for event streams and links.',
        },
      });
      return;
    }
    if (!token || isPublicRoute(request) || (!changes && !protectReads)) return;
    const allowed =
      holdsBearer(request.headers.authorization, token) ||
      (!changes && !!sessions?.holds(request.headers.cookie));
    if (!allowed) {
      const what = changes ? 'Starting or interrupting a job' : 'Reading jobs';
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: { code: 'unauthorized', message: `${what} needs the dashboard's token.` } });
    }
  };
}

/** On a loopback address: a page on another name that resolves to 127.0.0.1 (DNS rebinding) is not ours. */
export async function loopbackHostOnly(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const problem = hostProblem(request.headers.host);
  if (problem) await reply.code(403).send({ error: { code: 'cross_site', message: problem } });
}

function crossSiteReason(request: FastifyRequest, changes: boolean): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || (changes && site === 'same-site'))
    return 'Requests from another site are refused.';
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return `Origin "${printableHeader(origin)}" is not a URL.`;
    }
    if (originHost !== request.headers.host) return `Requests from ${printableHeader(origin)} are refused.`;
  } else if (changes && origin === 'null') return 'Requests from an opaque origin are refused.';
  // A form on another site cannot send JSON without a preflight, which this server never grants.
  if (changes && !String(request.headers['content-type'] ?? '').startsWith('application/json'))
    return 'Changes must be sent as application/json.';
  return undefined;
}
