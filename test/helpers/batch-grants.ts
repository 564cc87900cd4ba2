/**
 * What a batch's own history says it has been lent: for tests that must act only once a batch has taken a
 * new grant (a recall after a lower limit), which no status read shows.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { grantSlotsSignal, type SlotGrant } from '../../src/contract/messages';
import { eventually } from './testbed';

/** Waits until the batch has received a grant that `matches` and has run a workflow task since (applied it). */
export async function batchTookGrant(
  client: Client,
  batchId: string,
  matches: (grant: SlotGrant) => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(
    `batch ${batchId} to take the grant`,
    async () => {
      const events = (await client.workflow.getHandle(batchId).fetchHistory()).events ?? [];
      const at = events.findIndex((event) => {
        const signaled = event.workflowExecutionSignaledEventAttributes;
        const payload = signaled?.input?.payloads?.[0];
        if (signaled?.signalName !== grantSlotsSignal.name || !payload) return false;
        return matches(defaultPayloadConverter.fromPayload<SlotGrant>(payload));
      });
      if (at < 0) return undefined;
      return events.slice(at + 1).some((event) => event.workflowTaskCompletedEventAttributes) || undefined;
    },
    timeoutMs,
  );
}
