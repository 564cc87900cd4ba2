/**
 * JSON Schemas of the HTTP API: Fastify validates requests with them, and the OpenAPI description
 * (docs/openapi.json, `npm run openapi`) is built from them. Answers are sent as they are (see
 * dashboard-server.ts): the schemas document them, they do not filter them.
 */
import { JOB_STATUSES } from '../jobs/types';

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
    'An error: 400 bad input, 401 no or wrong token, 403 cross-site, 404 unknown job, 409 name taken or job finished, 503 no Temporal server (or no worker answered).',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: {
          type: 'string',
          enum: [
            'bad_request',
            'unauthorized',
            'cross_site',
            'not_found',
            'duplicate',
            'finished',
            'no_worker',
            'no_server',
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
    kind: { type: 'string', enum: ['child'], description: 'Set on a child.' },
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
    id: { type: 'string', description: 'A root id, or a child id `<root id>/<child name>` (URL-encoded).' },
  },
} as const;

export const rootListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status,
    name: { type: 'string', description: 'Exact job name.' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    cursor: { type: 'string', description: 'nextCursor of the page before.' },
    access_token: { type: 'string' },
  },
} as const;

export const childPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    offset: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 0, maximum: 10000, default: 50 },
    status,
    access_token: { type: 'string' },
  },
} as const;

/** An event stream on a root sends its record only, unless asked for a page of children. */
export const streamLimit = { type: 'integer', minimum: 0, maximum: 10000, default: 0 } as const;

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
    'Server-sent events (text/event-stream): `job` (a root) or `roots` (a page of the list), the JSON the matching GET answers, sent at once and whenever it changes; `problem`: a read failed (an error object), the stream goes on; a comment every 15 s keeps it open. Each distinct query is read once a second however many streams follow it.',
  type: 'string',
} as const;
