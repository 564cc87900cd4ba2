/**
 * Child names must be unique in a root. A root checks each page against the names it planned in this run; the
 * names an earlier run of it planned (before a continue-as-new) it no longer holds, so the planner asks the
 * server: the root's batches and their name keys (JobChildKeys, a short hash), then the own children of those
 * whose keys match the page's. A key matches by chance now and then, so a match is checked against the names.
 * The batches listed are kept per root in this process (`BatchKeyIndex`), and each later page lists only the
 * batches started since: one question per page whose cost does not grow with the root.
 * Visibility is eventually consistent: a batch started in the last moment before the continue-as-new may not
 * be listed yet (docs/library.md says so).
 */
import type { Client } from '@temporalio/client';
import { runInput } from '../client/run-history';
import { queryString } from '../client/visibility-query';
import type { ChildBatchInput, PlannedChild } from '../contract/jobs';
import { BatchKeyIndex } from '../jobs/batch-key-index';
import { childKey } from '../jobs/ids';
import { JobChildKeys } from '../search-attributes';

/** Keys this process keeps in all roots' indexes (about 55 MB a million); past it, the roots asked longest ago are forgotten. */
const MAX_INDEXED_KEYS = 1_000_000;

/** Per root (id and start): its index, and the listing under way (one at a time). Oldest-used first. */
const indexes = new Map<string, { index: BatchKeyIndex; listing: Promise<void> }>();

/** The first name of `children` that a batch of the root's earlier runs already holds, if any. */
export async function nameTakenEarlier(
  client: Client,
  rootId: string,
  since: string,
  children: PlannedChild[],
): Promise<string | undefined> {
  let index: BatchKeyIndex;
  try {
    index = await listedBatches(client, rootId, since);
  } catch {
    return undefined; // a server without a visibility list (the time-skipping test server): not checked
  }
  const names = new Set(children.map((child) => child.name));
  const batches = index.holding(new Set(children.map((child) => childKey(child.name))));
  for (const [workflowId, runId] of batches) {
    const input = await runInput<ChildBatchInput>(client, { workflowId, runId });
    const taken = input.children.find((child) => names.has(child.name));
    if (taken) return taken.name;
  }
  return undefined;
}

/** The root's batches, brought up to date with those started since the last listing. */
async function listedBatches(client: Client, rootId: string, since: string): Promise<BatchKeyIndex> {
  const key = `${rootId}\n${since}`;
  const entry = indexes.get(key) ?? { index: new BatchKeyIndex(), listing: Promise.resolve() };
  indexes.delete(key);
  indexes.set(key, entry); // now the most recently used
  const listing = entry.listing.then(() =>
    entry.index.refresh(since, async function* (from) {
      const query = `JobRootId = ${queryString(rootId)} AND JobKind = 'batch' AND StartTime >= ${queryString(from)}`;
      for await (const execution of client.workflow.list({ query })) {
        const { workflowId, runId, startTime } = execution;
        yield { workflowId, runId, startTime, keys: execution.typedSearchAttributes.get(JobChildKeys) ?? [] };
      }
    }),
  );
  entry.listing = listing.catch(() => undefined);
  await listing;
  forgetOldest();
  return entry.index;
}

function forgetOldest(): void {
  let total = 0;
  for (const { index } of indexes.values()) total += index.size;
  for (const [key, { index }] of indexes) {
    if (total <= MAX_INDEXED_KEYS || indexes.size === 1) break;
    indexes.delete(key);
    total -= index.size;
  }
}
