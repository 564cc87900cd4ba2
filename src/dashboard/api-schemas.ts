/**
 * JSON Schemas of the HTTP API: Fastify validates requests with them, and the OpenAPI description
 * (docs/openapi.json, `npm run openapi`) is built from them. Answers are sent as they are (see
 * dashboard-server.ts): the schemas document them, they do not filter them.
 */
import { JOB_STATUSES } from '../contract/jobs';

/** The most items a page of the API holds (the dashboard shows 50): a larger answer is read page by page. */
export const MAX_PAGE_LIMIT = 100;
/** No root holds this many children; a larger offset is a mistake, not a page. */
export const MAX_OFFSET = 100_000_000;

const nullableString = { type: ['string', 'null'] } as const;
const status = { type: 'string', enum: [...JOB_STATUSES] } as const;
const counts = {
  type: 'object',
  description: 'Children by status.',
  properties: Object.fromEntries(JOB_STATUSES.map((name) => [name, { type: 'integer' }])),
} as const;

export const errorAnswer = {
  type: 'object',
  description:
    'An error: 400 bad input, 401 no or wrong token, 403 cross-site, 404 unknown job or route, 405 method not allowed on that route, 409 name taken or job finished, 413 body too large, 503 no Temporal server, no worker answered, or a limit of the dashboard reached (busy).',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: {
          type: 'string',
          enum: [
            'bad_request',
            'method_not_allowed',
            'unauthorized',
            'cross_site',
            'not_found',
            'duplicate',
            'finished',
            'no_worker',
            'no_server',
            'busy',
            'too_large',
            'internal',
          ],
        },
        message: { type: 'string' },
      },
    },
  },
} as const;

const childRecord = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string', description: '`<root id>/<child name>`' },
    name: { type: 'string' },
    topic: { type: 'string' },
    status,
    attempts: { type: 'integer' },
    error: nullableString,
    progress: { type: 'number', minimum: 0, maximum: 1 },
    createdAt: nullableString,
    startedAt: nullableString,
    stoppedAt: nullableString,
  },
} as const;

const rootRecord = {
  id: { type: 'string' },
  name: { type: 'string' },
  topic: { type: 'string' },
  ownerId: { type: 'string' },
  status,
  interrupted: { type: 'boolean' },
  progress: { type: 'number', minimum: 0, maximum: 1 },
  createdAt: nullableString,
  startedAt: nullableString,
  stoppedAt: nullableString,
  error: nullableString,
  counts,
  total: { type: 'integer' },
  paused: { type: 'boolean' },
  maxParallel: { type: 'integer' },
} as const;

export const jobAnswer = {
  description:
    'The same JSON as `jobs status <id> --json`: for a root, its record, counts and one page of children; for a child, its own record with its result.',
  type: 'object',
  additionalProperties: true,
  properties: {
    ...rootRecord,
    children: { type: 'array', items: childRecord },
    snapshotAt: { type: 'string', description: 'Set when no worker answered: the snapshot this comes from.' },
    kind: {
      type: 'string',
      enum: ['root', 'child'],
      description: 'Which the answer is about: a root or a child.',
    },
    rootId: { type: 'string', description: 'Set on a child.' },
    result: { description: 'Set on a child: what its processor returned.' },
  },
} as const;

export const listedRoot = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    topic: nullableString,
    status: { type: ['string', 'null'], enum: [...JOB_STATUSES, null] },
    ownerId: nullableString,
    startTime: { type: 'string' },
    closeTime: nullableString,
    interrupted: { type: 'boolean' },
    progress: { type: ['number', 'null'] },
    counts: { ...counts, type: ['object', 'null'] },
    total: { type: ['integer', 'null'] },
    countsAt: { ...nullableString, description: "When the counts were taken (the root's snapshot)." },
  },
} as const;

export const jobIdParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 1000,
      description: 'A root id, or a child id `<root id>/<child name>` (URL-encoded).',
    },
  },
} as const;

export const rootListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status,
    name: { type: 'string', maxLength: 1000, description: 'Exact job name.' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 },
    cursor: { type: 'string', maxLength: 4100, description: 'nextCursor of the page before.' },
  },
} as const;

export const childPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
    limit: { type: 'integer', minimum: 0, maximum: MAX_PAGE_LIMIT, default: 50 },
    status,
  },
} as const;

/** An event stream on a root sends its record only, unless asked for a page of children. */
export const streamLimit = { type: 'integer', minimum: 0, maximum: MAX_PAGE_LIMIT, default: 0 } as const;

export const startBody = {
  type: 'object',
  required: ['topic'],
  additionalProperties: false,
  properties: {
    topic: { type: 'string', minLength: 1 },
    data: { description: "The root's payload, checked by its topic's processor." },
    name: { type: 'string', description: 'Unique while open; default: the topic.' },
    ownerId: { type: 'string' },
    maxParallel: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    runChildrenAs: { type: 'string', enum: ['activity', 'workflow'] },
    concurrencyKey: { type: 'string' },
  },
} as const;

export const interruptBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { force: { type: 'boolean', default: false } },
} as const;

export const startedAnswer = {
  type: 'object',
  properties: { id: { type: 'string' }, runId: { type: 'string' }, attached: { type: 'boolean' } },
} as const;

export const interruptAnswer = {
  type: 'object',
  properties: { id: { type: 'string' }, interrupted: { type: 'boolean' }, message: { type: 'string' } },
} as const;

export const eventStream = {
  description:
    'Server-sent events: `job` (a root) or `roots` (a page of the list), the JSON the matching GET answers, sent at once and whenever it changes; `problem`: a read failed (an error object), the stream goes on; a comment every 15 s keeps it open. Each distinct query is read once a second however many streams follow it.',
  content: {
    'text/event-stream': {
      schema: {
        type: 'object',
        properties: {
          event: { type: 'string', enum: ['job', 'roots', 'problem'] },
          data: { type: 'string', description: 'JSON' },
        },
      },
    },
  },
} as const;

export const sessionAnswer = {
  type: 'object',
  description:
    'A read session opened: a cookie (HttpOnly, SameSite=Strict) lets event streams and Web UI links read jobs until expiresAt, without the token in their address.',
  properties: { expiresAt: { type: ['string', 'null'] } },
} as const;

/** The body of POST /api/session: nothing but JSON (so that a form elsewhere cannot send it). */
export const sessionBody = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The errors every route may answer. */
export const routeErrors = {
  400: errorAnswer,
  401: errorAnswer,
  403: errorAnswer,
  404: errorAnswer,
  405: errorAnswer,
  503: errorAnswer,
} as const;
