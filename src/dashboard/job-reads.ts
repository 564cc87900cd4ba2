/**
 * The dashboard's reads of jobs, shared by a GET and its event stream so that a stream sends what the GET
 * answers. Each read waits its turn at the gate (which bounds the reads in flight) and then answers within
 * the deadline or is a 503: the client would otherwise retry a lost server for long.
 */
import type { JobClient } from '../client/job-client';
import { isDeadlineExceeded } from '../client/deadline';
import type { JobStatus } from '../contract/jobs';
import { ReadTimeoutError } from './api-errors';
import type { CursorSeal } from './cursor-seal';
import type { ReadGate } from './read-gate';

export type RootListQuery = { status?: JobStatus; name?: string; limit: number; cursor?: string };
export type ChildPageQuery = { offset: number; limit: number; status?: JobStatus };

export interface JobReads {
  read<T>(ask: () => Promise<T>): Promise<T>;
  /** A page of the roots list; its cursors are sealed (cursor-seal.ts). */
  rootsPage(query: RootListQuery): ReturnType<JobClient['listPage']>;
  job(id: string, query: ChildPageQuery): ReturnType<JobClient['status']>;
}

export function jobReads(jobs: JobClient, gate: ReadGate, deadlineMs: number, cursors: CursorSeal): JobReads {
  const read = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await gate.run(() => jobs.client.withDeadline(Date.now() + deadlineMs, ask));
    } catch (err) {
      if (!isDeadlineExceeded(err)) throw err;
      throw new ReadTimeoutError(
        `The Temporal server did not answer within ${deadlineMs / 1000} s; is it running?`,
      );
    }
  };
  return {
    read,
    rootsPage: async ({ status, name, limit, cursor }) => {
      const opened = cursor === undefined ? undefined : cursors.open(cursor);
      const page = await read(() => jobs.listPage({ status, name }, { limit, cursor: opened }));
      return { ...page, nextCursor: page.nextCursor === null ? null : cursors.seal(page.nextCursor) };
    },
    job: (id, { offset, limit, status }) => read(() => jobs.status(id, { offset, limit, status })),
  };
}
