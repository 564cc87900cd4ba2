/**
 * A read session: what lets an event stream or a Web UI link read jobs when reads need the token, without
 * the token in an address (addresses land in history, proxies' logs and Referer headers). The page trades the
 * token for it once (`POST /api/session` with `Authorization: Bearer`); it is a cookie the page's script
 * cannot read (HttpOnly), that no other site's request carries (SameSite=Strict), that grants reads only,
 * and that ends within the hour. Signed with a key derived from the token: a new token ends every session,
 * and dashboards that share a token share sessions.
 */
import { createHmac } from 'node:crypto';
import { sameSecret } from '../http/access-rules';

export const READ_SESSION_COOKIE = 'jobs_ui_read';
export const READ_SESSION_MS = 60 * 60 * 1000;

export class ReadSessions {
  private readonly key: Buffer;

  constructor(
    token: string,
    private readonly lifetimeMs = READ_SESSION_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', token).update('jobs ui read session').digest();
  }

  /** A new session: the cookie's value and when it ends. */
  open(): { value: string; expiresAt: number } {
    const expiresAt = this.now() + this.lifetimeMs;
    return { value: `v1.${expiresAt}.${this.sign(expiresAt)}`, expiresAt };
  }

  /** The Set-Cookie header of a new session (Secure when the page came over https). */
  cookie(secure: boolean): { header: string; expiresAt: number } {
    const { value, expiresAt } = this.open();
    const attributes = [
      `${READ_SESSION_COOKIE}=${value}`,
      'Path=/',
      `Max-Age=${Math.floor(this.lifetimeMs / 1000)}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(secure ? ['Secure'] : []),
    ];
    return { header: attributes.join('; '), expiresAt };
  }

  /** Whether a Cookie header holds a session that is ours and has not ended. */
  holds(cookieHeader: string | undefined): boolean {
    if (!cookieHeader) return false;
    for (const part of cookieHeader.split(';')) {
      const [name, value] = part.trim().split('=', 2);
      if (name === READ_SESSION_COOKIE && value !== undefined && this.valid(value)) return true;
    }
    return false;
  }

  private valid(value: string): boolean {
    const match = /^v1\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return false;
    const expiresAt = Number(match[1]);
    return sameSecret(match[2], this.sign(expiresAt)) && expiresAt > this.now();
  }

  private sign(expiresAt: number): string {
    return createHmac('sha256', this.key).update(`read-session:${expiresAt}`).digest('base64url');
  }
}
