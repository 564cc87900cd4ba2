import type { Client } from '@temporalio/client';
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
