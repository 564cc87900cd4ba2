/** Starting a root job by its unique name: Temporal's one-open-execution-per-id rule is the lock. */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/client';
import type { JobApplication } from '../application';
import { DuplicateJobError } from '../errors';
import { rootJobInput, type StartJobOptions } from '../jobs/options';
import { JobOwnerId, JobStatusAttribute, newJobSearchAttributes } from '../search-attributes';
import { isFinal } from '../jobs/status';
import type { JobStatus, RootJobInput } from '../contract/jobs';
import type { rootJobWorkflow } from '../workflows';

/** A root job just started (or found open, for the same owner). */
export interface StartedJob {
  /** Its job id (its name). */
  id: string;
  /** Its workflow's first run id. */
  runId: string;
  /** True when a same-owner start found the open root and returned it instead of starting another. */
  attached: boolean;
}

/** A root whose status is final closes within moments; a start of its name waits this long for it. */
const STOPPING_WAIT_MS = 30_000;

/** Starts a root job; the building block of JobClient.start and of follow-up jobs. */
export async function startRootJob(
  client: Client,
  taskQueue: string,
  app: JobApplication | undefined,
  topic: string,
  options: StartJobOptions = {},
): Promise<StartedJob> {
  const input = rootJobInput(topic, options, randomUUID());
  app?.checkRootStart(topic, options.data);
  for (let tries = 0; ; tries++) {
    try {
      const handle = await client.workflow.start<typeof rootJobWorkflow>(
        'rootJobWorkflow',
        rootStartOptions(taskQueue, input, [input]),
      );
      return { id: input.id, runId: handle.firstExecutionRunId, attached: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const handle = client.workflow.getHandle(input.id);
      const open = await handle.describe();
      if (open.status.name !== 'RUNNING' && tries < 2) continue; // it closed meanwhile: the name is free
      const status = open.typedSearchAttributes.get(JobStatusAttribute);
      if (status && isFinal(status as JobStatus) && tries < 2) {
        // It has stopped (its status is final) and is closing: starting its follow-ups, leaving its key.
        await client
          .withAbortSignal(AbortSignal.timeout(STOPPING_WAIT_MS), () => handle.result())
          .catch(() => undefined);
        continue;
      }
      const openOwner = open.typedSearchAttributes.get(JobOwnerId);
      if (openOwner === input.ownerId) return { id: input.id, runId: open.runId, attached: true };
      throw new DuplicateJobError(input.name, openOwner, open.startTime);
    }
  }
}

/** How a root's workflow starts: one open root per name (Temporal refuses a second open execution per id). */
export function rootStartOptions(
  taskQueue: string,
  input: RootJobInput,
  args: Parameters<typeof rootJobWorkflow>,
  summary = `Job ${input.name} (${input.topic})`,
) {
  return {
    workflowId: input.id,
    taskQueue,
    args,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: summary,
    typedSearchAttributes: newJobSearchAttributes('root', input.name, input.id, input.ownerId),
  };
}
