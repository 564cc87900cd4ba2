/**
 * Payload encryption at rest (AES-256-GCM): every payload the client and the worker send to Temporal is
 * encrypted whole (its metadata included), with a random 12-byte IV; the key's id travels in the payload's
 * metadata so a payload can say which key it needs. Temporal's own `encryption` sample uses this layout.
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

export class AesGcmCodec implements PayloadCodec {
  /** `key`: 32 bytes; `keyId`: a short name saved with each payload (default: from the key's hash). */
  constructor(
    private readonly key: Buffer,
    readonly keyId = crypto.createHash('sha256').update(key).digest('hex').slice(0, 12),
  ) {
    if (key.length !== 32) throw new Error(`An AES-256 key is 32 bytes; this one is ${key.length}.`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: text(ENCRYPTED_ENCODING), [KEY_ID]: text(this.keyId) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (read(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = read(payload.metadata?.[KEY_ID]);
      if (keyId !== this.keyId) {
        throw new Error(`This payload was encrypted with key "${keyId}"; the codec has key "${this.keyId}".`);
      }
      const sealed = Buffer.from(payload.data ?? []);
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
