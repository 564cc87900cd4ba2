/**
 * A closed batch's final records. A batch that ended under patch records-in-memo keeps them in its memo, and
 * its result (which its root's history copies) holds its counts only; an older batch's result holds them.
 */
import type { Client } from '@temporalio/client';
import { BATCH_RECORDS_MEMO_KEY, type BatchResult } from '../contract/messages';
import type { RunOutcome, RunRef } from './run-history';

/**
 * The outcome with its records in the result, from the run's memo where the result says they are there: as
 * read with the close (runOutcomeNow's `closingMemoKey`), or else described (one call more). A batch's latest run read (no `runId`) whose memo holds none has been followed by a new
 * run since its close was read (a rerun): that run is still open.
 */
export async function withBatchRecords(
  client: Client,
  run: RunRef,
  outcome: RunOutcome<BatchResult>,
): Promise<RunOutcome<BatchResult>> {
  if (outcome.kind !== 'result' || !outcome.result.recordsInMemo) return outcome;
  const children = Array.isArray(outcome.closingMemo)
    ? outcome.closingMemo
    : (await client.workflow.getHandle(run.workflowId, run.runId).describe()).memo?.[BATCH_RECORDS_MEMO_KEY];
  if (Array.isArray(children)) return { ...outcome, result: { ...outcome.result, children } };
  if (run.runId === undefined) return { kind: 'open' };
  throw new Error(`Run ${run.runId} of batch ${run.workflowId} has no records in its memo.`);
}
