/**
 * Child names must be unique in a root. A root checks each page against the names it planned in this run; the
 * names an earlier run of it planned (before a continue-as-new) it no longer holds, so the planner asks the
 * server: the batches whose name keys (JobChildKeys, a short hash) match the page's, then those batches' own
 * children. A key matches by chance now and then, so a match is checked against the names themselves.
 * Visibility is eventually consistent: a batch started in the last moment before the continue-as-new may not
 * be listed yet (docs/library.md says so).
 */
import type { Client } from '@temporalio/client';
import { runInput } from '../client/run-history';
import { queryString } from '../client/visibility-query';
import type { ChildBatchInput, PlannedChild } from '../contract/jobs';
import { childKey } from '../jobs/ids';

/** Keys asked per visibility query. */
const KEYS_PER_QUERY = 100;

/** The first name of `children` that a batch of the root's earlier runs already holds, if any. */
export async function nameTakenEarlier(
  client: Client,
  rootId: string,
  since: string,
  children: PlannedChild[],
): Promise<string | undefined> {
  const names = new Set(children.map((child) => child.name));
  const keys = [...new Set(children.map((child) => childKey(child.name)))];
  const batches = new Map<string, string>(); // workflow id → run id of the run that was planned
  for (let at = 0; at < keys.length; at += KEYS_PER_QUERY) {
    const listed = keys
      .slice(at, at + KEYS_PER_QUERY)
      .map(queryString)
      .join(', ');
    // Since the root started: an earlier root of the same name has batches of the same ids.
    const query =
      `JobRootId = ${queryString(rootId)} AND JobKind = 'batch' AND StartTime >= ${queryString(since)} ` +
      `AND JobChildKeys IN (${listed})`;
    try {
      for await (const execution of client.workflow.list({ query })) {
        batches.set(execution.workflowId, execution.runId);
      }
    } catch {
      return undefined; // a server without a visibility list (the time-skipping test server): not checked
    }
  }
  for (const [workflowId, runId] of batches) {
    const input = await runInput<ChildBatchInput>(client, { workflowId, runId });
    const taken = input.children.find((child) => names.has(child.name));
    if (taken) return taken.name;
  }
  return undefined;
}
