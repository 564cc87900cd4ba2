/**
 * `retry`: children that ended failed or cancelled run again, their attempts going on from where they were.
 * A running root puts them back in line itself; a finished root is started again under its name (so it is
 * refused while another root of that name is open), keeping its other children's final records and results.
 */
import type { RootCarry } from '../contract/carry';
import { type RerunnableStatus, type RootJobInput, type RootWorkflowState } from '../contract/jobs';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DuplicateJobError, InvalidJobInputError, JobFinishedError } from '../errors';
import { parseJobId } from '../jobs/ids';
import { checkRerunStatuses } from '../jobs/options';
import { createSlotPool } from '../jobs/slots';
import { countIn } from '../jobs/status';
import { JobOwnerId } from '../search-attributes';
import type { rootJobWorkflow } from '../workflows';
import type { RootControls } from './root-controls';
import { runInput, runOutcome } from './run-history';
import { compactState, expandState } from '../jobs/batch-runs';
import { rootStartOptions } from './start-root-job';

/** What a retry (`JobClient.retry`) did. */
export interface RetryOutcome {
  /** The root retried. */
  id: string;
  /** Children put back in line (for a running root: as far as it knew its counts). */
  rerun: number;
  /** The statuses whose children were put back. */
  statuses: RerunnableStatus[];
  /** True when the root had finished and a new run of it started. */
  restarted: boolean;
  /** One line for people: what happened. */
  message: string;
}

export async function retryRoot(
  client: Client,
  taskQueue: string,
  controls: RootControls,
  id: string,
  statuses: RerunnableStatus[] = ['failed'],
): Promise<RetryOutcome> {
  if (parseJobId(id).kind !== 'root')
    throw new InvalidJobInputError(`retry takes a root job id; "${id}" is a child job.`);
  const which = checkRerunStatuses(statuses);
  const described = what(which);
  try {
    const { rerun } = await controls.retryOpen(id, which);
    const message = `${rerun} ${described} children of running job "${id}" are back in line.`;
    return { id, rerun, statuses: which, restarted: false, message };
  } catch (err) {
    if (!(err instanceof JobFinishedError)) throw err;
  }
  // Finished (or finishing: it may still start its follow-ups).
  await client.workflow
    .getHandle(id)
    .result()
    .catch(() => undefined);
  const last = await runOutcome<RootWorkflowState>(client, { workflowId: id });
  if (last.kind === 'open')
    throw new Error(`Job "${id}" started again meanwhile; see \`jobs status ${id}\`.`);
  if (last.kind === 'lost')
    throw new InvalidJobInputError(
      `Job "${id}" did not stop by itself (its workflow was ${last.how}): it cannot be retried; start it again.`,
    );
  const rerun = countIn(last.result.counts, which);
  const unplanned = last.result.unplanned;
  if (rerun === 0 && !unplanned)
    throw new InvalidJobInputError(`Job "${id}" has no ${described} children to rerun.`);
  const input = await runInput<RootJobInput>(client, { workflowId: id });
  const carried = carryForRerun(expandState(last.result), input, which);
  try {
    await client.workflow.start<typeof rootJobWorkflow>(
      'rootJobWorkflow',
      rootStartOptions(taskQueue, input, [input, carried], `Job ${input.name} (${input.topic}), rerun`),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const open = await client.workflow.getHandle(id).describe();
    throw new DuplicateJobError(input.name, open.typedSearchAttributes.get(JobOwnerId), open.startTime);
  }
  const rest = unplanned ? '; planning goes on where it stopped' : '';
  const message = `Job "${id}" runs again: ${rerun} ${described} children rerun, the others keep their records${rest}.`;
  return { id, rerun, statuses: which, restarted: true, message };
}

/** The finished root's record, running again with every batch ended: the root reopens those to rerun. */
function carryForRerun(state: RootWorkflowState, input: RootJobInput, rerun: RerunnableStatus[]): RootCarry {
  const maxParallel = state.maxParallel ?? input.maxParallel;
  return {
    // Written as the root writes its own carry: a big root's record stays within a payload.
    state: compactState({
      ...withoutUnplanned(state),
      status: 'new', // the run sets its status (and search attribute) from its children at once
      phase: state.unplanned ? 'planning' : 'running',
      interrupted: false,
      error: null,
      startedAt: new Date().toISOString(),
      stoppedAt: null,
      followUps: [],
      paused: false,
      maxParallel,
      batches: state.batches.map(({ rerun: _asked, ...batch }) => ({ ...batch, slots: 0, done: true })),
    }),
    pool: createSlotPool(maxParallel),
    // Children it never planned (it stopped while planning) are planned now, from where it stopped.
    cursor: state.unplanned?.cursor ?? null,
    planned: !state.unplanned,
    forced: false,
    durations: {},
    rerun,
  };
}

function withoutUnplanned({ unplanned: _unplanned, ...state }: RootWorkflowState): RootWorkflowState {
  return state;
}

function what(statuses: RerunnableStatus[]): string {
  return statuses.join(' or ');
}
