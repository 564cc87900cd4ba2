/**
 * Rules shared by the two servers that face a network, the jobs dashboard and the codec server: what a
 * loopback host is, the Host check that defeats DNS rebinding, and constant-time comparison of secrets.
 */
import { timingSafeEqual } from 'node:crypto';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** Why a `Host` header is not a loopback name (a page on another name resolving to 127.0.0.1), or undefined. */
export function hostProblem(host: string | undefined): string | undefined {
  const hostname = (host ?? '').replace(/:\d+$/, '');
  return isLoopback(hostname) ? undefined : `Host "${printableHeader(host ?? '')}" is not served here.`;
}

/** Whether an Authorization header is `Bearer <token>`, compared in constant time. */
export function holdsBearer(header: string | undefined, token: string): boolean {
  return header?.startsWith('Bearer ') === true && sameSecret(header.slice(7), token);
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a token cannot be used, or undefined: a short one can be guessed. */
export function weakTokenProblem(token: string | undefined): string | undefined {
  return token !== undefined && token.length < 16
    ? 'the token is shorter than 16 characters; use a long random one (openssl rand -hex 32)'
    : undefined;
}

/** A header quoted back in an error: short and printable. */
export function printableHeader(value: string): string {
  return (value.length > 100 ? `${value.slice(0, 100)}…` : value).replace(/[^\x20-\x7e]/g, '?');
}
