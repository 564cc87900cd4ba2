/**
 * Whether payloads are encrypted, and with which key: JOBS_CODEC_KEY (the key, base64) or JOBS_CODEC_KEY_FILE
 * (a file holding it, base64 or the 32 raw bytes); JOBS_CODEC_KEY_ID names it (default: from its hash).
 * Clients and workers that share a task queue must share the key.
 */
import * as fs from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';

export class CodecKeyError extends Error {
  override readonly name = 'CodecKeyError';
}

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
  if (!key) return undefined;
  if (key.length !== 32) {
    throw new CodecKeyError(
      `${source} must hold a 32-byte AES-256 key (base64, e.g. from \`openssl rand -base64 32\`); it holds ${key.length} bytes.`,
    );
  }
  return new AesGcmCodec(key, env.JOBS_CODEC_KEY_ID || undefined);
}

/** The data converter of clients and workers: with the codec when a key is configured. */
export function jobDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
