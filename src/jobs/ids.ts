/**
 * Job ids are workflow ids: a root's is its job name, a child's is `<root id>/<child name>`, a batch's is
 * `<root id>/batch/<n>` (names cannot contain "/", so the three never collide). Pure: used by workflows too.
 */
import { UNSAFE_CHARACTER, quoted, utf8Bytes } from './text';

/** A job name's most bytes (UTF-8, as the server counts an id's length). */
export const MAX_NAME_BYTES = 200;
/** The longest workflow id, in bytes, a server accepts as commonly configured (limit.maxIDLength; 1,000 on the dev server). */
export const MAX_WORKFLOW_ID_LENGTH = 255;

export function childJobId(rootId: string, childName: string): string {
  return `${rootId}/${childName}`;
}

export function batchWorkflowId(rootId: string, index: number): string {
  return `${rootId}/batch/${index}`;
}

export type ParsedJobId = { kind: 'root'; rootId: string } | { kind: 'child'; rootId: string; name: string };

export function parseJobId(id: string): ParsedJobId {
  const slash = id.indexOf('/');
  if (slash < 0) return { kind: 'root', rootId: id };
  return { kind: 'child', rootId: id.slice(0, slash), name: id.slice(slash + 1) };
}

/** A pack of several children runs as an activity named `<first child's name> +<count of the others>`. */
const PACK_ID = / \+\d+$/;

/** Workflow ids of our own that are not job names: a root named so would take the id. */
const RESERVED_PREFIXES = ['jobs-concurrency-key:'];

/** Why `name` cannot be a job name, or undefined when it can: the rule of the client and of the planner. */
export function invalidNameReason(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a job name must be a non-empty string';
  const reserved = RESERVED_PREFIXES.find((prefix) => name.startsWith(prefix));
  if (reserved)
    return `job name ${quoted(name.slice(0, 40))} starts with "${reserved}", which names the engine's own workflows`;
  const unsafe = UNSAFE_CHARACTER.exec(name);
  if (unsafe) {
    const code = unsafe[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `job name ${quoted(name.slice(0, 40))} holds U+${code}, a control, format or bidi character, at position ${unsafe.index}; names are shown on terminals and pages, so they hold printable characters only`;
  }
  if (PACK_ID.test(name))
    return `job name ${quoted(name.slice(0, 40))} ends like the id of a pack of children ("<first child> +<count>")`;
  const bytes = utf8Bytes(name);
  if (bytes > MAX_NAME_BYTES)
    return `job name "${name.slice(0, 40)}…" is ${bytes} bytes (UTF-8); the most is ${MAX_NAME_BYTES}`;
  return plannedNameReason(name);
}

/**
 * The check the root workflow has always made of each planned name, kept as it was: open roots replay it.
 * The planner's activity applies invalidNameReason before the workflow sees a name.
 */
export function plannedNameReason(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a job name must be a non-empty string';
  if (name.length > 200) return `job name "${name.slice(0, 40)}…" is longer than 200 characters`;
  if (name.includes('/'))
    return `job name "${name}" contains "/", which separates a root from its children in job ids`;
  if (name.trim() !== name || [...name].some((char) => char.charCodeAt(0) < 0x20)) {
    return `job name "${name}" has leading or trailing spaces or control characters`;
  }
  return undefined;
}

/**
 * A short key of a child's name (24 bits of FNV-1a, 4 base64url characters). A batch lists its children's
 * keys in the `JobChildKeys` search attribute, so one visibility query finds the batch that holds a child.
 */
export function childKey(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let key = '';
  for (let shift = 18; shift >= 0; shift -= 6) key += alphabet[(hash >>> shift) & 63];
  return key;
}

/** The workflow that shares a concurrency key's slots among its roots (no job name starts so). */
export function concurrencyKeyWorkflowId(key: string): string {
  return `${RESERVED_PREFIXES[0]}${key}`;
}

/** Keys are short names: their workflow id must stay well within the server's limit (UTF-8 bytes). */
export const MAX_CONCURRENCY_KEY_BYTES = 200;

/** Why `key` cannot be a concurrency key, or undefined: a printable name of at most 200 bytes. */
export function invalidKeyReason(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.trim().length === 0) return 'a concurrency key must be a non-empty name';
  if (UNSAFE_CHARACTER.test(key) || key.trim() !== key)
    return `concurrency key ${quoted(key.slice(0, 40))} has leading or trailing spaces or a control, format or bidi character`;
  if (utf8Bytes(key) > MAX_CONCURRENCY_KEY_BYTES)
    return `concurrency key "${key.slice(0, 40)}…" is ${utf8Bytes(key)} bytes (UTF-8); the most is ${MAX_CONCURRENCY_KEY_BYTES}`;
  return undefined;
}
