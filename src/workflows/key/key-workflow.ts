/**
 * A concurrency key (`--concurrency-key KEY`): one workflow per key shares `limit` running slots among the
 * roots that carry it, fairly (key-shares.ts). Roots report what they hold and want; the key grants and asks
 * back slots by signal. It runs as long as its key is used, and continues as new to keep its history short.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  balanceKey,
  createKeyState,
  heldInKey,
  joinKey,
  leaveKey,
  reportToKey,
  type KeyState,
} from '../../jobs/key-shares';
import { allowedTo, heldBy } from '../../jobs/slots';
import { keyGrantSignal, keyQuery, keyReportSignal, setKeyLimitSignal } from '../../contract/messages';

/** Well under the server's warning at 10,240 events. */
const CONTINUE_AS_NEW_AFTER_EVENTS = 4000;
/** While roots wait and nothing changes, the key checks this often that the roots holding its slots live. */
const PROBE_AFTER_MS = 10_000;

export async function concurrencyKeyWorkflow(input: { key: string }, carried?: KeyState): Promise<void> {
  const state = carried ?? createKeyState();
  let changed = true;
  let sending = 0;

  setHandler(keyReportSignal, ({ rootId, join, done, ...report }) => {
    if (done) leaveKey(state, rootId);
    else {
      if (join) joinKey(state, rootId);
      reportToKey(state, rootId, report);
    }
    changed = true;
  });
  setHandler(setKeyLimitSignal, ({ limit }) => {
    state.limit = limit;
    changed = true;
  });
  setHandler(keyQuery, () => ({
    key: input.key,
    limit: state.limit,
    held: heldInKey(state),
    roots: Object.entries(state.roots).map(([rootId, entry]) => ({
      rootId,
      held: heldBy(entry),
      allowed: allowedTo(entry),
      wants: entry.wants,
    })),
  }));

  const historyIsLong = () =>
    workflowInfo().historyLength > CONTINUE_AS_NEW_AFTER_EVENTS || workflowInfo().continueAsNewSuggested;
  // A root that is gone (terminated by hand) gives its slots back when a grant to it fails.
  const sendGrant = (rootId: string) => {
    const { granted, recalled = 0 } = state.roots[rootId];
    sending++;
    void getExternalWorkflowHandle(rootId)
      .signal(keyGrantSignal, { total: granted, recalled })
      .catch(() => {
        leaveKey(state, rootId);
        changed = true;
      })
      .finally(() => sending--);
  };
  for (;;) {
    const someWait = Object.values(state.roots).some((entry) => entry.wants > 0);
    const wake = () => changed || historyIsLong();
    const woken = someWait ? await condition(wake, PROBE_AFTER_MS) : (await condition(wake), true);
    if (historyIsLong()) break;
    if (!woken) {
      // Roots wait and nothing moved: make sure the roots holding slots are still there (grants repeat).
      Object.keys(state.roots)
        .filter((rootId) => heldBy(state.roots[rootId]) > 0)
        .forEach(sendGrant);
      continue;
    }
    changed = false;
    balanceKey(state).forEach(sendGrant);
  }
  await condition(() => allHandlersFinished() && sending === 0);
  await continueAsNew<typeof concurrencyKeyWorkflow>(input, state);
}
