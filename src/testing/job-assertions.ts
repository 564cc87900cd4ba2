/** Reading a job's state in a test: wait for a status, and which children ended how. */
import type { JobStatus, RootStatusAnswer } from '../contract/jobs';
import { JOB_STATUSES } from '../contract/jobs';
import type { JobClient, JobStatusAnswer } from '../client/job-client';
import { isFinal } from '../jobs/status';
import { JobNotFoundError } from '../errors';

/** Children read per status call while listing them all. */
const PAGE = 500;

/**
 * Waits until the job (root or child, by id) has `status`, and returns its status answer. Fails at once when
 * the job reaches another final status, and after `timeoutMs` (default 20 s) otherwise; a child its root has
 * not planned yet is waited for. To wait for a root to finish, `jobs.wait(id)` is better: on the time-skipping server it lets timers fire.
 */
export async function waitForStatus(
  jobs: JobClient,
  id: string,
  status: JobStatus,
  { timeoutMs = 20_000 }: { timeoutMs?: number } = {},
): Promise<JobStatusAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A child exists once its root has planned it: until then it is waited for too.
    const answer = await jobs.status(id, { limit: 0 }).catch((err: unknown) => {
      if (err instanceof JobNotFoundError) return undefined;
      throw err;
    });
    if (answer?.status === status) return answer;
    if (answer && isFinal(answer.status))
      throw new Error(`Job "${id}" ended ${answer.status}, not ${status}.`);
    if (Date.now() > deadline) {
      const now = answer ? `is ${answer.status}` : 'does not exist';
      throw new Error(`Job "${id}" ${now} after ${timeoutMs} ms, not ${status}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A root's children's names by their status now (every status present, empty when none). */
export async function childrenByStatus(
  jobs: JobClient,
  rootId: string,
): Promise<Record<JobStatus, string[]>> {
  const byStatus = Object.fromEntries(JOB_STATUSES.map((status) => [status, [] as string[]])) as Record<
    JobStatus,
    string[]
  >;
  for (let offset = 0; ; offset += PAGE) {
    const answer = await jobs.status(rootId, { offset, limit: PAGE });
    if (answer.kind !== 'root') throw new Error(`"${rootId}" is a child job; childrenByStatus takes a root.`);
    const { children, total } = answer as RootStatusAnswer;
    for (const child of children) byStatus[child.status].push(child.name);
    if (children.length === 0 || offset + PAGE >= total) return byStatus;
  }
}
