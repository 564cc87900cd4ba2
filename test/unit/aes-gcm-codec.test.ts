import { randomBytes } from 'node:crypto';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { codecFromEnv } from '../../src/codec/codec-settings';

const text = (value: string) => new TextEncoder().encode(value);
const payload = { metadata: { encoding: text('json/plain') }, data: text('{"secret":"s3cr3t"}') };

describe('the AES-256-GCM payload codec', () => {
  const codec = new AesGcmCodec(randomBytes(32), 'key-1');

  it('encrypts a payload whole (metadata too) and gets it back', async () => {
    const [sealed] = await codec.encode([payload]);
    expect(new TextDecoder().decode(sealed.metadata!.encoding!)).toBe('binary/encrypted');
    expect(new TextDecoder().decode(sealed.metadata!['encryption-key-id']!)).toBe('key-1');
    expect(Buffer.from(sealed.data!).includes('s3cr3t')).toBe(false);
    expect(Buffer.from(sealed.data!).includes('json/plain')).toBe(false);
    const [opened] = await codec.decode([sealed]);
    expect(Buffer.from(opened.data!).toString()).toBe('{"secret":"s3cr3t"}');
    expect(Buffer.from(opened.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('uses a new IV each time, and leaves payloads it did not encrypt alone', async () => {
    const [a] = await codec.encode([payload]);
    const [b] = await codec.encode([payload]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  it('refuses a tampered payload and names the key a payload needs', async () => {
    const [sealed] = await codec.encode([payload]);
    const tampered = Buffer.from(sealed.data!);
    tampered[20] ^= 1;
    await expect(codec.decode([{ ...sealed, data: tampered }])).rejects.toThrow(/unable to authenticate/);
    const other = new AesGcmCodec(randomBytes(32), 'key-2');
    await expect(other.decode([sealed])).rejects.toThrow('encrypted with key "key-1"; the codec has "key-2"');
  });

  it('reads its key from JOBS_CODEC_KEY, and none means no encryption', () => {
    expect(codecFromEnv({})).toBeUndefined();
    const key = randomBytes(32).toString('base64');
    expect(codecFromEnv({ JOBS_CODEC_KEY: key, JOBS_CODEC_KEY_ID: 'ops' })?.keyId).toBe('ops');
    expect(() => codecFromEnv({ JOBS_CODEC_KEY_FILE: '/nonexistent/key' })).toThrow(
      /Cannot read JOBS_CODEC_KEY_FILE/,
    );
  });
});
