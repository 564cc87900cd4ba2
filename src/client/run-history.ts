/**
 * One event of a workflow run, read without a worker and without the rest of its history: the start event
 * (its input) or the close event (its result).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { JobNotFoundError } from '../errors';
import { decodePayloadAt } from './sdk-internals';
import { FINAL_RECORD_MEMO_KEY, JOB_FAILED_TYPE } from '../contract/messages';

const { HistoryEventFilterType } = temporal.api.enums.v1;

export type Closed<T> = { closed: true; result: T } | { closed: false };

/** A run of a workflow: the latest one when `runId` is not given. */
export interface RunRef {
  workflowId: string;
  runId?: string;
}

async function firstEvent(
  client: Client,
  { workflowId, runId }: RunRef,
  closeEvent: boolean,
): Promise<temporal.api.history.v1.IHistoryEvent | undefined> {
  try {
    const response = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: closeEvent ? undefined : 1,
      historyEventFilterType: closeEvent
        ? HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT
        : HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
      waitNewEvent: false,
    });
    return response.history?.events?.[0];
  } catch (err) {
    if ((err as { code?: number }).code === 5 /* NOT_FOUND */) throw new JobNotFoundError(workflowId);
    throw err;
  }
}

/** Clients whose server cannot read a history from its end (the time-skipping test server). */
const noReverseReads = new WeakSet<Client>();
export const UNSUPPORTED = Symbol('unsupported');

/**
 * A run's newest events (`count` of them, newest first), read from its end: its close event first once it has
 * closed, at once while it runs (a close-event read is held open by the server until the run closes).
 */
export async function lastEvents(
  client: Client,
  execution: RunRef,
  count = 1,
): Promise<temporal.api.history.v1.IHistoryEvent[] | typeof UNSUPPORTED> {
  if (noReverseReads.has(client)) return UNSUPPORTED;
  try {
    const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution,
      maximumPageSize: count,
    });
    return history?.events ?? [];
  } catch (err) {
    const { code } = err as { code?: number };
    if (code === 5 /* NOT_FOUND */) throw new JobNotFoundError(execution.workflowId);
    if (code !== 12 /* UNIMPLEMENTED */) throw err;
    noReverseReads.add(client);
    return UNSUPPORTED;
  }
}

export function isCloseEvent(event: temporal.api.history.v1.IHistoryEvent): boolean {
  return !!(
    event.workflowExecutionCompletedEventAttributes ||
    event.workflowExecutionFailedEventAttributes ||
    event.workflowExecutionTimedOutEventAttributes ||
    event.workflowExecutionCanceledEventAttributes ||
    event.workflowExecutionTerminatedEventAttributes ||
    event.workflowExecutionContinuedAsNewEventAttributes
  );
}

/** The first argument a run was started with. */
export async function runInput<T>(client: Client, run: RunRef): Promise<T> {
  const event = await firstEvent(client, run, false);
  const payloads = event?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads) throw new Error(`The run of "${run.workflowId}" has no start event to read.`);
  return decodePayloadAt<T>(client.options.loadedDataConverter, 0, payloads);
}

/**
 * A finished run's result, from its close event (one call, no replay; a cancelled job's from its memo). On a
 * running one the time-skipping test server, which cannot read a history from its end, waits for it to close.
 */
export async function runResult<T>(client: Client, run: RunRef): Promise<Closed<T>> {
  const outcome = await runOutcome<T>(client, run);
  if (outcome.kind === 'lost')
    throw new Error(`The workflow of job "${run.workflowId}" did not complete normally (${outcome.how}).`);
  return outcome.kind === 'result' ? { closed: true, result: outcome.result } : { closed: false };
}

/** How a run ended: with its result, still open (or gone on as new), or without a result (`how` it closed). */
export type RunOutcome<T> =
  | { kind: 'result'; result: T; closedAt: string }
  | { kind: 'open' }
  | { kind: 'lost'; how: string; closedAt: string };

export async function runOutcome<T>(client: Client, run: RunRef): Promise<RunOutcome<T>> {
  return (
    (await runOutcomeNow<T>(client, run)) ?? outcomeOf<T>(client, run, await firstEvent(client, run, true))
  );
}

/**
 * runOutcome without waiting on a run that is still open (one call); undefined where the server cannot tell
 * without waiting (the time-skipping test server).
 */
export async function runOutcomeNow<T>(client: Client, run: RunRef): Promise<RunOutcome<T> | undefined> {
  const tail = await lastEvents(client, run);
  if (tail === UNSUPPORTED) return undefined;
  return outcomeOf<T>(client, run, tail[0] && isCloseEvent(tail[0]) ? tail[0] : undefined);
}

export async function outcomeOf<T>(
  client: Client,
  run: RunRef,
  event: temporal.api.history.v1.IHistoryEvent | undefined,
): Promise<RunOutcome<T>> {
  if (!event) return { kind: 'open' };
  const completed = event.workflowExecutionCompletedEventAttributes;
  if (completed) {
    const result = await decodePayloadAt<T>(
      client.options.loadedDataConverter,
      0,
      completed.result?.payloads,
    );
    return { kind: 'result', result, closedAt: eventTime(event) };
  }
  // A job that ended failed or cancelled closes its workflow so (workflows/job-close.ts).
  const failure = event.workflowExecutionFailedEventAttributes?.failure;
  if (failure?.applicationFailureInfo?.type === JOB_FAILED_TYPE) {
    const details = failure.applicationFailureInfo.details?.payloads;
    const result = await decodePayloadAt<T>(client.options.loadedDataConverter, 0, details);
    return { kind: 'result', result, closedAt: eventTime(event) };
  }
  if (event.workflowExecutionCanceledEventAttributes) {
    const { memo } = await client.workflow.getHandle(run.workflowId, run.runId).describe();
    const record = memo?.[FINAL_RECORD_MEMO_KEY] as T | undefined;
    if (record !== undefined) return { kind: 'result', result: record, closedAt: eventTime(event) };
  }
  if (event.workflowExecutionContinuedAsNewEventAttributes) return { kind: 'open' }; // raced a new run
  return { kind: 'lost', how: closeName(event), closedAt: eventTime(event) };
}

/** How a run closed without a result, in words: "terminated", "failed", "timed out", "cancelled". */
function closeName(event: temporal.api.history.v1.IHistoryEvent): string {
  if (event.workflowExecutionTerminatedEventAttributes) return 'terminated';
  if (event.workflowExecutionFailedEventAttributes) return 'failed';
  if (event.workflowExecutionTimedOutEventAttributes) return 'timed out';
  if (event.workflowExecutionCanceledEventAttributes) return 'cancelled';
  const type = event.eventType ?? 0;
  return temporal.api.enums.v1.EventType[type] ?? `event ${type}`;
}

/** When an event happened (ISO-8601); now if the server did not say. */
export function eventTime(event: temporal.api.history.v1.IHistoryEvent): string {
  return isoTime(event.eventTime) ?? new Date().toISOString();
}

/** A protobuf timestamp as ISO-8601 (to the millisecond); undefined when absent. */
export function isoTime(
  time: { seconds?: unknown; nanos?: number | null } | null | undefined,
): string | undefined {
  if (!time) return undefined;
  return new Date(Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6)).toISOString();
}
