/**
 * What a root that does not stop is waiting for, for the fuzzer's failure message: its open workflows (the
 * root and its batches), their pending activities and children, and the last events of each history.
 */
import type { Client } from '@temporalio/client';

const LAST_EVENTS = 8;

export async function diagnoseOpenRoot(client: Client, rootId: string): Promise<string> {
  const lines: string[] = [];
  try {
    const query = `(WorkflowId = '${rootId}' OR JobRootId = '${rootId}') AND ExecutionStatus = 'Running'`;
    for await (const execution of client.workflow.list({ query })) {
      const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
      const { raw } = await handle.describe();
      const activities = (raw.pendingActivities ?? []).map(
        (activity) =>
          `${activity.activityType?.name} #${activity.activityId} attempt ${activity.attempt} state ${activity.state}` +
          (activity.lastFailure?.message ? ` (${activity.lastFailure.message})` : ''),
      );
      const children = (raw.pendingChildren ?? []).map((child) => child.workflowId);
      const { events } = await handle.fetchHistory();
      const last = (events ?? []).slice(-LAST_EVENTS).map((event) => String(event.eventType));
      lines.push(
        `${execution.workflowId} (${execution.runId}): ${events?.length ?? 0} events, last ${last.join(', ')}` +
          `; pending activities [${activities.join('; ')}]; pending children [${children.join(', ')}]`,
      );
    }
  } catch (err) {
    lines.push(`(could not list its workflows: ${err instanceof Error ? err.message : String(err)})`);
  }
  return lines.join('\n');
}
