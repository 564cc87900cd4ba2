/**
 * Job ids are workflow ids: a root's is its job name, a child's is `<root id>/<child name>`, a batch's is
 * `<root id>/batch/<n>` (names cannot contain "/", so the three never collide). Pure: used by workflows too.
 */

export const MAX_NAME_LENGTH = 200;
/** The longest workflow id a server accepts as commonly configured (limit.maxIDLength; 1,000 on the dev server). */
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

/** Why `name` cannot be a job name, or undefined when it can. */
export function invalidNameReason(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a job name must be a non-empty string';
  if (name.length > MAX_NAME_LENGTH)
    return `job name "${name.slice(0, 40)}…" is longer than ${MAX_NAME_LENGTH} characters`;
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

/** The workflow that shares a concurrency key's slots among its roots. */
export function concurrencyKeyWorkflowId(key: string): string {
  return `jobs-concurrency-key:${key}`;
}

/** Keys are short names: their workflow id must stay well within the server's limit. */
export const MAX_CONCURRENCY_KEY_LENGTH = 200;
