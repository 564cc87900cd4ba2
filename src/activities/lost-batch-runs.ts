/**
 * A batch run that closed without its result (terminated by an operator, failed, timed out): its children's
 * records are rebuilt from its history, the way the run itself built them: its start (the planned children, or
 * the earlier run it reran) and then every outcome it received, in order: the packs' activities (activity
 * mode) and its child workflows (workflow mode). Children it had not seen end are left as they were: the new
 * run of the batch that asked for this fails them, naming why.
 */
import type { ChildOutcome } from '../contract/activities';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { eventTime } from '../client/run-history';
import { decodePayloadAt } from '../client/sdk-internals';
import { ChildBook } from '../jobs/child-book';
import type { ChildEvent } from '../jobs/transitions';
import type { ChildBatchInput, ChildJobState, PlannedChild, StoredChild } from '../contract/jobs';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

export interface RebuiltRun {
  children: PlannedChild[];
  records: StoredChild[];
}

/**
 * The records of `runId`, from its history. `earlier` loads the run a rerun started from (its records, its
 * children); a run that was not a rerun starts from its planned children.
 */
export async function rebuildRun(
  client: Client,
  batchId: string,
  runId: string,
  earlier: (runId: string) => Promise<RebuiltRun>,
): Promise<RebuiltRun> {
  const history = await client.workflow.getHandle(batchId, runId).fetchHistory();
  const events = history.events ?? [];
  const decode = <T>(payloads: Payloads, index = 0) =>
    decodePayloadAt<T>(client.options.loadedDataConverter, index, payloads?.payloads);
  const input = await decode<ChildBatchInput>(events[0]?.workflowExecutionStartedEventAttributes?.input);
  let book: ChildBook;
  if (input.rerunOf) {
    const before = await earlier(input.rerunOf.runId);
    book = new ChildBook(before.children, input.rootId, input.createdAt, before.records);
    book.rerun(input.rerunOf.statuses);
  } else {
    book = new ChildBook(input.children, input.rootId, input.createdAt);
  }
  const at = (event: HistoryEvent) => eventTime(event);
  const scheduled = new Map<string, HistoryEvent>();
  for (const event of events) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes) scheduled.set(id, event);
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const start = scheduled.get(String(completed.scheduledEventId));
      if (start?.activityTaskScheduledEventAttributes?.activityType?.name !== 'runChildren') continue;
      const outcomes = await decode<ChildOutcome[]>(completed.result);
      for (const outcome of outcomes) apply(book, outcome.name, outcomeEvent(outcome));
    }
    const child = event.childWorkflowExecutionCompletedEventAttributes;
    if (child) {
      const record = await decode<ChildJobState>(child.result);
      apply(book, record.name, recordEvent(record, at(event)));
    }
    const failed = event.childWorkflowExecutionFailedEventAttributes;
    const details = failed?.failure?.applicationFailureInfo?.details;
    if (details) {
      const record = await decode<ChildJobState>(details);
      apply(book, record.name, recordEvent(record, at(event)));
    }
  }
  return { children: book.specs, records: book.records };
}

function apply(book: ChildBook, name: string, event: ChildEvent): void {
  const index = book.indexOf(name);
  if (index !== undefined) book.apply(index, event);
}

/** What the batch applied for a pack's outcome (BatchDispatcher.settle). */
function outcomeEvent(outcome: ChildOutcome): ChildEvent {
  const { attempt, startedAt, stoppedAt: at, error = '' } = outcome;
  switch (outcome.status) {
    case 'success':
      return { type: 'succeed', attempt, at, startedAt, result: outcome.result };
    case 'failed':
      return { type: 'fail', attempt, at, startedAt, error };
    case 'cancelled':
      return { type: 'cancel', attempt, at, startedAt };
    case 'retry':
      return { type: 'retry', attempt, error, startedAt };
  }
}

/** What the batch applied for a child workflow's final record (BatchDispatcher.settleChildWorkflow). */
function recordEvent(final: ChildJobState, closedAt: string): ChildEvent {
  const { attempts: attempt, startedAt, error, result } = final;
  const at = final.stoppedAt ?? closedAt;
  if (final.status === 'success') return { type: 'succeed', attempt, at, startedAt, result };
  if (final.status === 'cancelled') return { type: 'cancel', attempt, at, startedAt };
  return { type: 'fail', attempt, at, startedAt, error: error ?? 'failed' };
}
