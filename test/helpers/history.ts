import type { Client } from '@temporalio/client';
import type { ChildOutcome, RunChildrenInput } from '../../src/contract/activities';
import { defaultPayloadConverter } from '@temporalio/common';

/** The arguments of every signal named `signalName` in a workflow's history, in order. */
export async function signalsReceived<T>(
  client: Client,
  workflowId: string,
  signalName: string,
): Promise<T[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.workflowExecutionSignaledEventAttributes)
    .filter((signal) => signal?.signalName === signalName)
    .map((signal) => defaultPayloadConverter.fromPayload<T>(signal!.input!.payloads![0]));
}

/** Every child outcome the packs of a batch reported (activity mode), in order. */
export async function packOutcomes(client: Client, batchId: string): Promise<ChildOutcome[]> {
  const history = await client.workflow.getHandle(batchId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.activityTaskCompletedEventAttributes?.result?.payloads?.[0])
    .filter((payload) => payload !== undefined)
    .flatMap((payload) => defaultPayloadConverter.fromPayload<ChildOutcome[]>(payload!));
}

/** The packs a batch handed to workers (activity mode): their children and slots, in order. */
export async function packsScheduled(client: Client, batchId: string): Promise<RunChildrenInput[]> {
  const history = await client.workflow.getHandle(batchId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.activityTaskScheduledEventAttributes)
    .filter((scheduled) => scheduled?.activityType?.name === 'runChildren')
    .map((scheduled) =>
      defaultPayloadConverter.fromPayload<RunChildrenInput>(scheduled!.input!.payloads![0]),
    );
}
