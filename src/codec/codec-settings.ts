/**
 * Whether payloads are encrypted, and with which key: JOBS_CODEC_KEY (the key, base64) or JOBS_CODEC_KEY_FILE
 * (a file holding it, base64 or the 32 raw bytes); JOBS_CODEC_KEY_ID names it (default: from its hash).
 * JOBS_CODEC_OLD_KEYS lists keys that only decrypt (`base64` or `id=base64`, comma-separated): a rotation
 * moves the old key there and sets a new one. Clients and workers that share a task queue must share the key.
 */
import * as fs from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, type CodecKey } from './aes-gcm-codec';

export class CodecKeyError extends Error {
  override readonly name = 'CodecKeyError';
}

/** The codec the environment asks for (see the file's header), or undefined: payloads stay plain. */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  let key: Buffer | undefined;
  let source = '';
  if (env.JOBS_CODEC_KEY_FILE) {
    source = `JOBS_CODEC_KEY_FILE (${env.JOBS_CODEC_KEY_FILE})`;
    let raw: Buffer;
    try {
      raw = fs.readFileSync(env.JOBS_CODEC_KEY_FILE);
    } catch (err) {
      throw new CodecKeyError(`Cannot read ${source}: ${(err as Error).message}`);
    }
    key = raw.length === 32 ? raw : Buffer.from(raw.toString('utf8').trim(), 'base64');
  } else if (env.JOBS_CODEC_KEY) {
    source = 'JOBS_CODEC_KEY';
    key = Buffer.from(env.JOBS_CODEC_KEY.trim(), 'base64');
  }
  if (!key) {
    if (env.JOBS_CODEC_OLD_KEYS) throw new CodecKeyError('JOBS_CODEC_OLD_KEYS needs JOBS_CODEC_KEY too.');
    return undefined;
  }
  checkKeyLength(source, key);
  const oldKeys = oldKeysFrom(env.JOBS_CODEC_OLD_KEYS ?? '');
  try {
    return new AesGcmCodec(key, env.JOBS_CODEC_KEY_ID || undefined, oldKeys);
  } catch (err) {
    throw new CodecKeyError((err as Error).message);
  }
}

/** `a2V5...,ops-2025=a2V5...`: keys that decrypt only, each with its id or the id from its hash. */
function oldKeysFrom(list: string): CodecKey[] {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item, index) => {
      // "=" only pads the end of base64: one before more key characters ends an id.
      const named = /^([^=]+)=([A-Za-z0-9+/_-]{4,}=*)$/.exec(item);
      const keyId = named ? named[1] : undefined;
      const key = Buffer.from(named ? named[2] : item, 'base64');
      checkKeyLength(`JOBS_CODEC_OLD_KEYS (item ${index + 1})`, key);
      return { key, keyId };
    });
}

function checkKeyLength(source: string, key: Buffer): void {
  if (key.length !== 32) {
    throw new CodecKeyError(
      `${source} must hold a 32-byte AES-256 key (base64, e.g. from \`openssl rand -base64 32\`); it holds ${key.length} bytes.`,
    );
  }
}

/** The data converter of clients and workers: with the codec when a key is configured. */
export function jobDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
