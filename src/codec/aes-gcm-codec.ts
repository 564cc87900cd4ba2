/**
 * Payload encryption at rest (AES-256-GCM): every payload the client and the worker send to Temporal is
 * encrypted whole (its metadata included), with a random 12-byte IV and a 16-byte tag; the key's id travels in
 * the payload's metadata so a payload can say which key it needs. Temporal's own `encryption` sample uses this
 * layout. A codec encrypts with its current key and decrypts with it or with any older key it was given, by
 * id, so that keys can be rotated while histories written with the old one stay readable.
 */
import * as crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = (value: string) => new TextEncoder().encode(value);
const read = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** A key the codec decrypts with (an older one, after a rotation). */
export interface CodecKey {
  /** 32 bytes. */
  key: Buffer;
  /** A short name saved with each payload (default: from the key's hash). */
  keyId?: string;
}

/** A key's id by default: the first 12 hex digits of its SHA-256. */
export function defaultKeyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/** Temporal's PayloadCodec that encrypts every payload with AES-256-GCM (see the file's header). */
export class AesGcmCodec implements PayloadCodec {
  /** The id of the key that encrypts, saved in each payload. */
  readonly keyId: string;
  private readonly keys = new Map<string, Buffer>();

  /** `key`: 32 bytes, the one that encrypts; `oldKeys` only decrypt, by the id saved in each payload. */
  constructor(key: Buffer, keyId?: string, oldKeys: CodecKey[] = []) {
    this.keyId = keyId ?? defaultKeyId(key);
    for (const [bytes, id] of [
      [key, this.keyId] as const,
      ...oldKeys.map((old) => [old.key, old.keyId] as const),
    ]) {
      if (bytes.length !== 32) throw new Error(`An AES-256 key is 32 bytes; this one is ${bytes.length}.`);
      const name = id ?? defaultKeyId(bytes);
      if (this.keys.has(name)) throw new Error(`Two codec keys have the id "${name}".`);
      this.keys.set(name, bytes);
    }
  }

  /** The ids this codec decrypts, its own first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** Encrypts each payload whole with the current key. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.keyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: text(ENCRYPTED_ENCODING), [KEY_ID]: text(this.keyId) }, data: sealed };
    });
  }

  /** Decrypts each encrypted payload with the key its id names; passes others through. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (read(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = read(payload.metadata?.[KEY_ID]);
      const key = keyId === undefined ? undefined : this.keys.get(keyId);
      if (!key) {
        throw new PayloadDecryptionError(
          `This payload was encrypted with key "${keyId}"; the codec has ${this.keyIds.map((id) => `"${id}"`).join(', ')}.`,
        );
      }
      const sealed = Buffer.from(payload.data ?? []);
      // A shorter tag would be accepted by GCM and is far easier to forge: the layout is pinned.
      if (sealed.length < IV_BYTES + TAG_BYTES) {
        throw new PayloadDecryptionError(
          `This payload is ${sealed.length} bytes, shorter than an IV and a tag (${IV_BYTES + TAG_BYTES}): it was not encrypted by this codec.`,
        );
      }
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch (err) {
        throw new PayloadDecryptionError(
          `This payload cannot be decrypted with key "${keyId}": ${(err as Error).message}.`,
        );
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
