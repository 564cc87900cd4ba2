/**
 * Cursors of the roots list, sealed: the server's page token inside is opaque to us and the server answers a
 * malformed one with an error the client retries for many seconds, so a cursor from outside is taken only when
 * this dashboard (or one sharing its token) gave it out.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { InvalidJobInputError } from '../errors';
import { sameSecret } from '../http/access-rules';

export class CursorSeal {
  private readonly key: Buffer;

  /** With the dashboard's token, dashboards that share it accept each other's cursors; without, a random key. */
  constructor(token?: string) {
    this.key = token ? createHmac('sha256', token).update('jobs ui cursor').digest() : randomBytes(32);
  }

  seal(cursor: string): string {
    return `${cursor}.${this.tag(cursor)}`;
  }

  /** The cursor inside a sealed one; an InvalidJobInputError for any other. */
  open(sealed: string): string {
    const dot = sealed.lastIndexOf('.');
    const cursor = sealed.slice(0, dot);
    if (dot <= 0 || !sameSecret(sealed.slice(dot + 1), this.tag(cursor))) {
      throw new InvalidJobInputError(`cursor "${sealed.slice(0, 40)}" is not one this server gave out.`);
    }
    return cursor;
  }

  private tag(cursor: string): string {
    return createHmac('sha256', this.key).update(cursor).digest('base64url').slice(0, 22);
  }
}
