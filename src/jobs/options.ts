/**
 * A root's start options: defaults, limits and checks, turned into the root workflow's input. Pure: the
 * client and follow-up starts use it, and bad input fails here, before anything starts.
 */
import {
  RERUNNABLE,
  type RerunnableStatus,
  type ChildPageRequest,
  type ChildRunMode,
  type FollowUpCondition,
  type FollowUpJob,
  type RetrySettings,
  type RootJobInput,
} from '../contract/jobs';
import { InvalidJobInputError } from '../errors';
import { invalidKeyReason, invalidNameReason } from './ids';
import { utf8Bytes } from './text';
import { isJobStatus } from './status';

/** Children running at once per root, by default; a worker's default capacity is the same (see worker.ts). */
export const DEFAULT_MAX_PARALLEL = 50;
/** A batch never has more activities or child workflows pending than this, far below the server's 2,000. */
export const MAX_PARALLEL = 200;
/** Children per batch: their name keys must fit one search attribute value (2 KB). */
export const BATCH_SIZE = 200;
/** A concurrency key's limit at most (its roots' own limits still apply). */
export const MAX_KEY_LIMIT = 10_000;
/** Every attempt of a child adds to a history: keep the count bounded. */
export const MAX_ATTEMPTS = 100;
/**
 * Child attempts one batch run holds at most (children × maxAttempts). Each attempt adds 3–8 events to the
 * batch's history (measured, activity and workflow mode) and Temporal ends a workflow at 51,200 events, so a
 * batch stays under about 20,000 even when every child uses every attempt.
 */
export const ATTEMPTS_PER_BATCH = 2_000;

/** Children per batch for a root: what was asked, fewer when its attempts would not fit (ATTEMPTS_PER_BATCH). */
export function batchSizeFor(requested: number, maxAttempts: number): number {
  return Math.max(1, Math.min(requested, Math.floor(ATTEMPTS_PER_BATCH / maxAttempts)));
}
export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
};
export const DEFAULT_CHILD_TIMEOUT_MS = 60 * 60 * 1000;
/** Well under the server's warning at 10,240 events. */
export const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 4000;
/** Temporal refuses a payload over 2 MB; the root's input carries its payload with a little more. */
export const MAX_ROOT_PAYLOAD_BYTES = 1_900_000;

/** How to start a root job (`JobClient.start`, `jobs start`). */
export interface StartJobOptions {
  /** The root's payload, given to the topic's planner. */
  data?: unknown;
  /** Unique job name, also the root's id (default: the topic). */
  name?: string;
  /** A start with the same owner as the open root attaches to it (redelivery). Default: a new id. */
  ownerId?: string;
  /** How many children may run at once (default 50, at most 200). */
  maxParallel?: number;
  /** Attempts per child before it is `failed` (default 3, at most 100). */
  maxAttempts?: number;
  /** Run every child as an activity of its batch or as a workflow of its own, whatever its topic says. */
  runChildrenAs?: ChildRunMode;
  /**
   * Roots with the same key together run at most the key's limit of children at once (`jobs limit KEY N`),
   * sharing them fairly; without a limit set, the key limits nothing.
   */
  concurrencyKey?: string;
  /** Jobs to start when this root stops (Oro's dependent jobs), on the statuses `followUpOn` names. */
  followUps?: FollowUpJob[];
  /** Root statuses after which follow-ups start (default success and failed). */
  followUpOn?: FollowUpCondition[];
  /** Children per batch workflow (default and most 200); smaller only to exercise batching. */
  batchSize?: number;
  /** The root continues as new past this many history events (default 4,000, well under the 10,240 warning). */
  continueAsNewAfterEvents?: number;
}

export function rootJobInput(topic: string, options: StartJobOptions, defaultOwnerId: string): RootJobInput {
  const name = options.name ?? topic;
  const nameProblem = invalidNameReason(name);
  if (nameProblem) throw new InvalidJobInputError(nameProblem);
  const maxParallel = wholeNumber(
    'maxParallel',
    options.maxParallel ?? DEFAULT_MAX_PARALLEL,
    1,
    MAX_PARALLEL,
  );
  const maxAttempts = wholeNumber(
    'maxAttempts',
    options.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    1,
    MAX_ATTEMPTS,
  );
  const batchSize = wholeNumber('batchSize', options.batchSize ?? BATCH_SIZE, 1, BATCH_SIZE);
  const continueAsNewAfterEvents = wholeNumber(
    'continueAsNewAfterEvents',
    options.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS,
    10,
  );
  const ownerId = options.ownerId ?? defaultOwnerId;
  if (typeof ownerId !== 'string' || ownerId.length === 0)
    throw new InvalidJobInputError('ownerId must be a non-empty string.');
  for (const [what, value] of [
    ["The root's payload", options.data],
    ['The follow-up jobs', options.followUps],
  ] as const) {
    const bytes = jsonBytes(value);
    if (bytes > MAX_ROOT_PAYLOAD_BYTES) throw new InvalidJobInputError(payloadTooLarge(what, bytes));
  }
  const { runChildrenAs } = options;
  if (runChildrenAs !== undefined && runChildrenAs !== 'activity' && runChildrenAs !== 'workflow') {
    throw new InvalidJobInputError(
      `runChildrenAs must be "activity" or "workflow"; got ${JSON.stringify(runChildrenAs)}.`,
    );
  }
  const { concurrencyKey } = options;
  if (concurrencyKey !== undefined) checkConcurrencyKey(concurrencyKey);
  return {
    id: name,
    name,
    topic,
    ownerId,
    payload: options.data,
    maxParallel,
    retry: { ...DEFAULT_RETRY, maxAttempts },
    followUps: options.followUps ?? [],
    followUpOn: options.followUpOn ?? ['success', 'failed'],
    batchSize: batchSizeFor(batchSize, maxAttempts),
    ...(runChildrenAs ? { runChildrenAs } : {}),
    ...(concurrencyKey ? { concurrencyKey } : {}),
    childTimeoutMs: DEFAULT_CHILD_TIMEOUT_MS,
    continueAsNewAfterEvents,
  };
}

/**
 * The one message for a payload over MAX_ROOT_PAYLOAD_BYTES, whatever surface refused it (the client, the
 * CLI, the HTTP API). `over`: the size is only known to be past `bytes` (a request body the API did not read).
 */
export function payloadTooLarge(what: string, bytes: number, over = false): string {
  return (
    `${what} is ${over ? 'over ' : ''}${(bytes / 1e6).toFixed(1)} MB; the most is ` +
    `${(MAX_ROOT_PAYLOAD_BYTES / 1e6).toFixed(1)} MB (Temporal refuses payloads over 2 MB). Pass a reference ` +
    '(a file, a key) and let the planner read it, page by page.'
  );
}

/** The size of a value as JSON, in UTF-8 bytes (0 for undefined). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : utf8Bytes(text);
}

/** `value` when it is a whole number in [minimum, maximum]; an InvalidJobInputError naming the option otherwise. */
export function wholeNumber(name: string, value: number, minimum: number, maximum?: number): number {
  if (!Number.isInteger(value) || value < minimum || (maximum !== undefined && value > maximum)) {
    const range = maximum === undefined ? `of at least ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new InvalidJobInputError(`${name} must be a whole number ${range}; got ${value}.`);
  }
  return value;
}

/** A concurrency key: a short printable name (it names the key's workflow). */
export function checkConcurrencyKey(key: unknown): string {
  const problem = invalidKeyReason(key);
  if (problem) throw new InvalidJobInputError(`${problem[0].toUpperCase()}${problem.slice(1)}.`);
  return key as string;
}

/** A concurrency key's limit: children of all its roots at once; null lifts it. */
export function checkKeyLimit(limit: unknown): number | null {
  if (limit === null) return null;
  return wholeNumber('The limit', limit as number, 1, MAX_KEY_LIMIT);
}

/** A root's parallel limit, at start or changed while it runs (`jobs scale`). */
export function checkMaxParallel(value: number): number {
  return wholeNumber('maxParallel', value, 1, MAX_PARALLEL);
}

/** The statuses `jobs retry` reruns: failed and/or cancelled. */
export function checkRerunStatuses(statuses: unknown): RerunnableStatus[] {
  const valid =
    Array.isArray(statuses) &&
    statuses.length > 0 &&
    statuses.every((status) => (RERUNNABLE as readonly unknown[]).includes(status));
  if (!valid) {
    throw new InvalidJobInputError(
      `Retry reruns children that are failed or cancelled; got ${JSON.stringify(statuses)}.`,
    );
  }
  return [...new Set(statuses as RerunnableStatus[])];
}

export function checkPageRequest({ offset, limit, status }: ChildPageRequest): void {
  if (offset !== undefined) wholeNumber('offset', offset, 0);
  if (limit !== undefined) wholeNumber('limit', limit, 0);
  if (status !== undefined && !isJobStatus(status)) {
    throw new InvalidJobInputError(`Unknown status "${status}".`);
  }
}
