/**
 * The SDK helpers we use that it keeps in internal modules: decoding payloads read straight from a history
 * (a run's input, its result, a pack's outcome) through the client's converter and codec, and turning a raw
 * visibility listing into execution infos. This is the one file that imports them; test/unit/sdk-internals.test.ts
 * fails if an SDK release moves or changes them.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { LoadedDataConverter } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  decodeFromPayloadsAtIndex,
} from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

type Payload = temporal.api.common.v1.IPayload;
type RawExecution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

/** The `index`th value of `payloads`, decoded. */
export function decodePayloadAt<T>(
  converter: LoadedDataConverter,
  index: number,
  payloads: Payload[] | null | undefined,
): Promise<T> {
  return decodeFromPayloadsAtIndex<T>(converter, index, payloads);
}

/** Every value of `payloads`, decoded. */
export function decodePayloads(
  converter: LoadedDataConverter,
  payloads: Payload[] | null | undefined,
): Promise<unknown[]> {
  return decodeArrayFromPayloads(converter, payloads);
}

/** A raw listed execution as the client's `workflow.list` would give it. */
export function executionInfo(
  raw: RawExecution,
  converter: LoadedDataConverter,
  namespace: string,
): Promise<WorkflowExecutionInfo> {
  return executionInfoFromRaw(raw, converter, raw, namespace);
}
