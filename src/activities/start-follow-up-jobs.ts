import { Context } from '@temporalio/activity';
import type { StartFollowUpJobsInput } from '../contract/activities';
import type { JobApplication } from '../application';
import type { FollowUpOutcome } from '../contract/jobs';
import { startRootJob } from '../client/start-root-job';

/** Starts a stopped root's follow-up jobs as new root jobs (Oro's dependent jobs) on the same task queue. */
export function startFollowUpJobsActivity(app: JobApplication) {
  return async function startFollowUpJobs(input: StartFollowUpJobsInput): Promise<FollowUpOutcome[]> {
    const context = Context.current();
    const outcomes: FollowUpOutcome[] = [];
    for (const followUp of input.followUps) {
      const id = followUp.name ?? followUp.topic;
      try {
        const started = await startRootJob(context.client, context.info.taskQueue, app, followUp.topic, {
          data: followUp.payload,
          name: id,
          // Same owner on a retry of this activity: attach instead of a duplicate-name failure.
          ownerId: `follow-up-of:${input.rootId}:${context.info.workflowExecution!.runId}`,
        });
        outcomes.push({ topic: followUp.topic, id: started.id, started: true, error: null });
      } catch (err) {
        outcomes.push({ topic: followUp.topic, id, started: false, error: (err as Error).message });
      }
    }
    return outcomes;
  };
}
