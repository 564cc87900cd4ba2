/**
 * Who may do what on the dashboard. It binds to 127.0.0.1 unless told otherwise; reachable from elsewhere,
 * it needs a token, which every change (start, interrupt) then carries (`Authorization: Bearer <token>`), and
 * reads too when the user asks. Requests from other sites are refused always: a page elsewhere cannot make
 * a browser start or interrupt a job here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface AccessSettings {
  token?: string;
  /** Reads need the token too. */
  protectReads: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** Why these settings cannot serve on `host`, or undefined. */
export function accessProblem(host: string, { token, protectReads }: AccessSettings): string | undefined {
  if (token !== undefined && token.length < 16)
    return 'the token is shorter than 16 characters; use a long random one (openssl rand -hex 32)';
  if (!isLoopback(host) && !token)
    return `--host ${host} makes the dashboard reachable from other machines: set JOBS_UI_TOKEN or --token, which starting and interrupting jobs will then need`;
  if (protectReads && !token) return '--protect-reads needs a token (JOBS_UI_TOKEN or --token)';
  return undefined;
}

export function accessGuard({ token, protectReads }: AccessSettings) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    const crossSite = crossSiteReason(request, changes);
    if (crossSite) {
      await reply.code(403).send({ error: { code: 'cross_site', message: crossSite } });
      return;
    }
    if (!token || !readsJobs(request.url) || (!changes && !protectReads)) return;
    if (!holdsToken(request, token, !changes)) {
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
  const hostname = (request.headers.host ?? '').replace(/:\d+$/, '');
  if (!isLoopback(hostname)) {
    await reply
      .code(403)
      .send({ error: { code: 'cross_site', message: `Host "${request.headers.host}" is not served here.` } });
  }
}

/** The API and the Web UI links (which look a job up) read jobs; the page's files and the API's description do not. */
function readsJobs(url: string): boolean {
  if (url.startsWith('/api/openapi.json')) return false;
  return url.startsWith('/api/') || url.startsWith('/web-ui/');
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
      return `Origin "${origin}" is not a URL.`;
    }
    if (originHost !== request.headers.host) return `Requests from ${origin} are refused.`;
  } else if (changes && origin === 'null') return 'Requests from an opaque origin are refused.';
  // A form on another site cannot send JSON without a preflight, which this server never grants.
  if (changes && !String(request.headers['content-type'] ?? '').startsWith('application/json'))
    return 'Changes must be sent as application/json.';
  return undefined;
}

function holdsToken(request: FastifyRequest, token: string, allowQuery: boolean): boolean {
  const header = request.headers.authorization;
  let given = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  // An EventSource cannot set headers: reads may carry the token as access_token (RFC 6750).
  if (given === undefined && allowQuery) given = (request.query as { access_token?: string }).access_token;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
