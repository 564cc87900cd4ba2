import * as fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MAX_ROOT_PAYLOAD_BYTES, payloadTooLarge } from '../jobs/options';
import { isJobStatus } from '../jobs/status';
import type { ChildRunMode, JobStatus } from '../contract/jobs';
import { UsageError } from './exit-codes';

export type Options = ParseArgsConfig['options'];

/** parseArgs, with its errors turned into usage errors. */
export function parse(args: string[], options: Options, positionals: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // A name ending in "?" is optional (and comes last).
  const required = positionals.filter((name) => !name.endsWith('?')).length;
  const given = parsed.positionals.length;
  if (given < required || given > positionals.length) {
    const shown = positionals.map((p) => (p.endsWith('?') ? `[${p.slice(0, -1)}]` : `<${p}>`));
    throw new UsageError(`expected ${shown.join(' ') || 'no arguments'}`);
  }
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

export function wholeNumber(name: string, value: unknown, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) {
    throw new UsageError(`--${name} must be a whole number of at least ${minimum}; got "${value}"`);
  }
  return number;
}

/** A port option: a whole number from `minimum` (0: any free port) to 65535. */
export function portNumber(name: string, value: unknown, minimum: 0 | 1 = 1): number | undefined {
  const port = wholeNumber(name, value, minimum);
  if (port !== undefined && port > 65535)
    throw new UsageError(`--${name} must be ${minimum}–65535; got "${value}"`);
  return port;
}

export function statusOption(value: unknown): JobStatus | undefined {
  if (value === undefined) return undefined;
  if (!isJobStatus(value)) {
    throw new UsageError(
      `--status must be one of new, running, success, failed, failed_redelivered, cancelled; got "${value}"`,
    );
  }
  return value;
}

export function childMode(value: unknown): ChildRunMode | undefined {
  if (value === undefined) return undefined;
  if (value !== 'activity' && value !== 'workflow') {
    throw new UsageError(`--run-children-as must be activity or workflow; got "${value}"`);
  }
  return value;
}

/** `--data '{"a":1}'` or `--data @payload.json`. */
export function jsonData(value: unknown): unknown {
  if (value === undefined) return undefined;
  let text = String(value);
  let source = '--data';
  if (text.startsWith('@')) {
    source = text.slice(1);
    text = readBounded(source);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A payload file, read no further than a payload can be: a huge file (or /dev/zero) is refused with the one
 * size message, not read into memory.
 */
function readBounded(file: string): string {
  const most = 2 * MAX_ROOT_PAYLOAD_BYTES;
  const buffer = Buffer.alloc(most + 1);
  let length = 0;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    for (let read = -1; read !== 0 && length <= most; length += read)
      read = fs.readSync(fd, buffer, length, buffer.length - length, null);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  if (length > most) throw new UsageError(payloadTooLarge("The root's payload", most, true));
  return buffer.subarray(0, length).toString('utf8');
}
