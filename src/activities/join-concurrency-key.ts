/** A root joins its concurrency key: the key's workflow starts with the first root that carries it. */
import { Context } from '@temporalio/activity';
import { concurrencyKeyWorkflowId } from '../jobs/ids';
import { type KeyReport, keyReportSignal } from '../contract/messages';
import type { concurrencyKeyWorkflow } from '../workflows';

export async function joinConcurrencyKey({ key, report }: { key: string; report: KeyReport }): Promise<void> {
  const { client, info } = Context.current();
  await client.workflow.signalWithStart<typeof concurrencyKeyWorkflow, [KeyReport]>(
    'concurrencyKeyWorkflow',
    {
      workflowId: concurrencyKeyWorkflowId(key),
      taskQueue: info.taskQueue,
      args: [{ key }],
      signal: keyReportSignal,
      signalArgs: [report],
      staticSummary: `Concurrency key ${key}`,
    },
  );
}
