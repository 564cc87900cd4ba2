/**
 * How a run of a batch ended, with its children's records. A batch that keeps its records (ChildBatchInput
 * `keepsRecords`) returns its counts alone and keeps them in its own history, as a local activity's result
 * (keep-batch-records.ts): among its last events, so they are read in the same call as its close event.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { StoredChild } from '../contract/jobs';
import type { BatchResult } from '../contract/messages';
import {
  UNSUPPORTED,
  isCloseEvent,
  lastEvents,
  outcomeOf,
  runOutcome,
  type RunOutcome,
  type RunRef,
} from './run-history';
import { decodePayloadAt } from './sdk-internals';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The close event, the marker with the records, the task that wrote both: read in one page. */
const TAIL_EVENTS = 4;
/** The marker the SDK records a local activity's result in, with the activity's type in its data. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const KEEP_RECORDS = 'keepBatchRecords';

/** As runOutcomeNow: undefined where the server cannot read a history from its end. */
export async function batchOutcomeNow(
  client: Client,
  run: RunRef,
): Promise<RunOutcome<BatchResult> | undefined> {
  const tail = await lastEvents(client, run, TAIL_EVENTS);
  if (tail === UNSUPPORTED) return undefined;
  const close = tail[0] && isCloseEvent(tail[0]) ? tail[0] : undefined;
  return withRecords(client, run, await outcomeOf<BatchResult>(client, run, close), tail);
}

/** As runOutcome: on the time-skipping server, waits for a running batch to close. */
export async function batchOutcome(client: Client, run: RunRef): Promise<RunOutcome<BatchResult>> {
  return (
    (await batchOutcomeNow(client, run)) ??
    withRecords(client, run, await runOutcome<BatchResult>(client, run), [])
  );
}

async function withRecords(
  client: Client,
  run: RunRef,
  outcome: RunOutcome<BatchResult>,
  tail: HistoryEvent[],
): Promise<RunOutcome<BatchResult>> {
  if (outcome.kind !== 'result' || !outcome.result.recordsKept) return outcome;
  // Not among the last events (the time-skipping server; a local activity that outlasted its workflow task):
  // the whole history of the run, which has closed.
  const marker = keptRecords(tail) ?? keptRecords(await runEvents(client, run));
  if (!marker)
    throw new Error(`Batch "${run.workflowId}" ended without the records it keeps in its history.`);
  const children = await decodePayloadAt<StoredChild[]>(client.options.loadedDataConverter, 0, marker);
  const { recordsKept: _kept, ...result } = outcome.result;
  return { ...outcome, result: { ...result, children } };
}

/** The payloads of the newest keepBatchRecords result among `events`. */
function keptRecords(events: HistoryEvent[]): temporal.api.common.v1.IPayload[] | undefined {
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) continue;
    const data = marker.details?.data?.payloads?.[0]?.data;
    const type = data && (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string });
    if (type && type.activity_type === KEEP_RECORDS) return marker.details?.result?.payloads ?? undefined;
  }
  return undefined;
}

/** Every event of a run, newest first. */
async function runEvents(client: Client, { workflowId, runId }: RunRef): Promise<HistoryEvent[]> {
  const { events } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return [...(events ?? [])].reverse();
}
