/**
 * Asks the server to cancel a job's own workflow run. A workflow cannot cancel itself (the server refuses a
 * cancel request aimed at its sender), and only a run whose cancellation was requested may close Cancelled:
 * a job that ended `cancelled` asks this, so that the Temporal Web UI shows it Cancelled too.
 */
import { Context } from '@temporalio/activity';

export async function cancelOwnRun({
  workflowId,
  runId,
}: {
  workflowId: string;
  runId: string;
}): Promise<void> {
  await Context.current().client.workflow.getHandle(workflowId, runId).cancel();
}
