/**
 * Changes to an open root: pause, resume, a new parallel limit. Each is a Workflow Update, so the answer
 * comes once the root has made the change; the root refuses it (before anything changes) once it has stopped.
 */
import { type RerunnableStatus } from '../contract/jobs';
import {
  type Client,
  type WorkflowUpdateFailedError as UpdateFailed,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { InvalidJobInputError, JobFinishedError, JobNotFoundError } from '../errors';
import { parseJobId } from '../jobs/ids';
import { checkMaxParallel } from '../jobs/options';
import { isDeadlineExceeded } from './deadline';
import { isJobStatus } from '../jobs/status';
import { JobStatusAttribute } from '../search-attributes';
import {
  pauseUpdate,
  retryUpdate,
  scaleUpdate,
  type RetryAnswer,
  type RootControlAnswer,
} from '../contract/messages';

/** A change no worker took within the client's timeout: it may still apply once a worker runs. */
export class NoWorkerTookChangeError extends Error {
  /** `'NoWorkerTookChangeError'`: tells the error apart where classes do not survive (logs, other realms). */
  override readonly name = 'NoWorkerTookChangeError';
}

export class RootControls {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeoutMs: number,
  ) {}

  pause(id: string): Promise<RootControlAnswer> {
    return this.update('pause', id, pauseUpdate, { paused: true });
  }

  resume(id: string): Promise<RootControlAnswer> {
    return this.update('resume', id, pauseUpdate, { paused: false });
  }

  async scale(id: string, maxParallel: number): Promise<RootControlAnswer> {
    checkMaxParallel(maxParallel);
    return this.update('scale', id, scaleUpdate, { maxParallel });
  }

  /** Reruns a running root's children in these statuses (a finished root: see root-retry.ts). */
  retryOpen(id: string, statuses: RerunnableStatus[]): Promise<RetryAnswer> {
    return this.update('retry', id, retryUpdate, { statuses });
  }

  private async update<Ret, Arg>(
    command: string,
    id: string,
    update: UpdateDefinition<Ret, [Arg]>,
    arg: Arg,
  ): Promise<Ret> {
    if (parseJobId(id).kind !== 'root')
      throw new InvalidJobInputError(`${command} takes a root job id; "${id}" is a child job.`);
    const handle = this.client.workflow.getHandle(id);
    try {
      return await this.client.withDeadline(Date.now() + this.timeoutMs, () =>
        handle.executeUpdate(update, { args: [arg] }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw refusal(err);
      if (err instanceof WorkflowNotFoundError) throw await this.notOpen(id);
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(err)) {
        throw new NoWorkerTookChangeError(
          `No worker took the ${command} of "${id}" within ${this.timeoutMs / 1000} s: is a worker ` +
            `(\`jobs worker\`) running on task queue "${this.taskQueue}"? The change may still apply once one runs.`,
        );
      }
      throw err;
    }
  }

  /** The root is not open: it has finished (and says how), or there is no such job. */
  private async notOpen(id: string): Promise<Error> {
    try {
      const described = await this.client.workflow.getHandle(id).describe();
      const status = described.typedSearchAttributes.get(JobStatusAttribute);
      return new JobFinishedError(id, isJobStatus(status) ? status : described.status.name.toLowerCase());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return new JobNotFoundError(id);
      throw err;
    }
  }
}

/** The root's validator refused the change: the same error class, with the root's message. */
function refusal(err: UpdateFailed): Error {
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure)) return err;
  if (cause.type === 'JobFinishedError') {
    const [jobId, status] = (cause.details ?? []) as string[];
    return new JobFinishedError(jobId, status);
  }
  if (cause.type === 'InvalidJobInputError') return new InvalidJobInputError(cause.message);
  return new Error(cause.message);
}
