/**
 * Root jobs from Temporal's visibility, a page at a time: each with its status, owner and times from its
 * search attributes, and its counts and progress from the snapshot in its memo (final once it has stopped, at
 * most a few seconds old while it runs), so a list of thousands of roots costs one call per page.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { InvalidJobInputError } from '../errors';
import { isJobStatus, totalOf } from '../jobs/status';
import type { JobStatus, RootSnapshot, StatusCounts } from '../contract/jobs';
import { JobName, JobOwnerId, JobStatusAttribute } from '../search-attributes';
import { SNAPSHOT_MEMO_KEY } from '../contract/messages';
import { executionInfo } from './sdk-internals';
import { queryString } from './visibility-query';

/** A job's workflow as Temporal's visibility lists it (its search attributes). */
export interface ListedJob {
  /** Its job id (its workflow id). */
  id: string;
  /** Its name. */
  name: string;
  /** Its status as last set on its search attributes; null on workflows that never set one. */
  status: JobStatus | null;
  /** Its owner id, when set. */
  ownerId: string | null;
  /** When its workflow started (ISO-8601). */
  startTime: string;
  /** When its workflow closed, or null while it runs. */
  closeTime: string | null;
}

/** A root job in a list (`JobClient.listPage`): also its counts and progress from its last snapshot. */
export interface ListedRoot extends ListedJob {
  /** Its topic, from its snapshot. */
  topic: string | null;
  /** It was interrupted. */
  interrupted: boolean;
  /** The share of its children that have stopped, from its snapshot. */
  progress: number | null;
  /** Its children's statuses, from its snapshot. */
  counts: StatusCounts | null;
  /** Its children planned so far, from its snapshot. */
  total: number | null;
  /** When its counts were taken (the root's last snapshot); null before its first. */
  countsAt: string | null;
}

/** Which roots a list shows. */
export interface RootListFilter {
  /** Only roots with this status. */
  status?: JobStatus;
  /** Exact job name. */
  name?: string;
}

/** One page of a roots list. */
export interface RootListPage {
  /** Running roots first, then the most recently closed. */
  jobs: ListedRoot[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export const MAX_LIST_LIMIT = 1000;

/** The visibility query for root jobs (running ones first, then the most recently closed). */
export function rootQuery({ status, name }: RootListFilter): string {
  const clauses = [`JobKind = 'root'`];
  if (status) clauses.push(`JobStatus = '${status}'`);
  if (name) clauses.push(`JobName = ${queryString(name)}`);
  return clauses.join(' AND ');
}

export function listedJobOf(execution: WorkflowExecutionInfo): ListedJob {
  const status = execution.typedSearchAttributes.get(JobStatusAttribute);
  return {
    id: execution.workflowId,
    name: execution.typedSearchAttributes.get(JobName) ?? execution.workflowId,
    status: isJobStatus(status) ? status : null,
    ownerId: execution.typedSearchAttributes.get(JobOwnerId) ?? null,
    startTime: execution.startTime.toISOString(),
    closeTime: execution.closeTime?.toISOString() ?? null,
  };
}

export async function listRootPage(
  client: Client,
  filter: RootListFilter,
  { limit = 50, cursor }: { limit?: number; cursor?: string },
): Promise<RootListPage> {
  const { namespace, loadedDataConverter } = client.options;
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    query: rootQuery(filter),
    pageSize: limit,
    nextPageToken: cursor === undefined ? undefined : pageToken(cursor),
  });
  const executions = await Promise.all(
    (response.executions ?? []).map((raw) => executionInfo(raw, loadedDataConverter, namespace)),
  );
  const token = response.nextPageToken;
  return {
    jobs: executions.map(listedRootOf),
    nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null,
  };
}

/**
 * The server's page token from a cursor. Visibility's tokens are JSON objects; a cursor that does not decode to
 * one is refused here, as the server answers a bad token with an error that the client retries for many seconds
 * (the HTTP API takes only cursors it sealed itself: dashboard/cursor-seal.ts).
 */
function pageToken(cursor: string): Buffer {
  const token = Buffer.from(cursor, 'base64url');
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(token.toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  // Tokens are JSON objects; anything else (`[]`, `"x"`, `0`) the server fails on, and the client retries it.
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidJobInputError(`cursor "${cursor.slice(0, 40)}" is not one this server gave out.`);
  return token;
}

function listedRootOf(execution: WorkflowExecutionInfo): ListedRoot {
  const listed = listedJobOf(execution);
  const snapshot = execution.memo?.[SNAPSHOT_MEMO_KEY] as RootSnapshot | undefined;
  const counts = snapshot?.counts ?? null;
  // The search attribute follows every change; the snapshot may be a few seconds older.
  return {
    ...listed,
    status: listed.status ?? snapshot?.status ?? null,
    topic: snapshot?.topic ?? null,
    interrupted: snapshot?.interrupted ?? false,
    progress: snapshot?.progress ?? null,
    counts,
    total: counts ? totalOf(counts) : null,
    countsAt: snapshot?.at ?? null,
  };
}
