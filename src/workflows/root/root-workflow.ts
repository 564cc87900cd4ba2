/**
 * A big job: plans its children and starts one batch workflow per page (planning.ts), lends its running
 * slots to its batches, derives its status and progress from their reports with Oro's rule (root-run.ts),
 * notices a batch that closed without telling it (batch-watch.ts), and starts follow-up jobs when it stops. Where an interrupt is handled: `RootRun.interrupt()`. The root
 * continues as new when its history grows long; its batches outlive that.
 */
import type { RootCarry } from '../../contract/carry';
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { carryFull } from '../../jobs/carry-size';
import { compactState } from '../../jobs/batch-runs';
import { jsonBytes } from '../../jobs/options';
import { totalOf } from '../../jobs/status';
import { rootPage } from '../../jobs/root-page';
import type { RootJobInput, RootWorkflowState } from '../../contract/jobs';
import { startFollowUpJobs } from '../activity-proxies';
import {
  SNAPSHOT_MEMO_KEY,
  batchReportSignal,
  type BatchReport,
  interruptSignal,
  keyGrantSignal,
  rootJobQuery,
  rootPageQuery,
} from '../../contract/messages';
import { setControlHandlers } from './controls';
import { RootKeyLease } from './key-lease';
import { keepSnapshot, snapshotOf } from './snapshot';
import { planPages, startBatches } from './planning';
import { RootBatchWatch } from './batch-watch';
import { RootReruns } from './reruns';
import { closeAs, watchCancelRequest } from '../job-close';
import { RootRun } from './root-run';

/** A root that stopped planning early keeps its cursor in its record (patched; fixture retry-unplanned). */
const KEEP_UNPLANNED = 'keep-unplanned';
/** A root with a concurrency key joins it before it plans; a failed join fails the root (patched; fixture key-join-first). */
const JOIN_KEY_FIRST = 'join-key-first';

/** A root stops only once its batches have closed, not only reported their end (patched; fixture batches-closed). */
const WAIT_BATCHES_CLOSED = 'wait-batches-closed';

/** Pages (batches) one planner activity returns at most. */
const PAGES_PER_PLANNING = 10;
/** Batches open at once (running, or waiting for slots); planning waits while this many are. */
const BATCH_WINDOW = 20;

export async function rootJobWorkflow(input: RootJobInput, carried?: RootCarry): Promise<RootWorkflowState> {
  const run = new RootRun(input, carried, new Date().toISOString(), workflowInfo().startTime.toISOString());
  const { state } = run;
  const reruns = new RootReruns(run, input, carried?.rerunSequence);
  const key = input.concurrencyKey;
  const keyLease = key ? new RootKeyLease(run, key, carried?.keyLease) : undefined;
  let cursor = carried?.cursor ?? null;
  let planned = carried?.planned ?? false;

  setHandler(rootJobQuery, () => state);
  setHandler(rootPageQuery, (request) => rootPage(state, request)); // a status read's: O(page), not O(batches)
  setHandler(interruptSignal, ({ force }) => run.interrupt(force));
  const takeReport = (report: BatchReport) => {
    // A batch an earlier root of this id left running (that root was terminated) still reports here.
    if (report.rootRun !== undefined && report.rootRun !== workflowInfo().firstExecutionRunId) return;
    run.onReport(report);
    reruns.afterReport(report);
  };
  setHandler(batchReportSignal, takeReport);
  const batchWatch = new RootBatchWatch(run, reruns, takeReport);
  setControlHandlers(run, reruns); // pause, resume, scale, retry
  setHandler(keyGrantSignal, (grant) => keyLease?.onGrant(grant));
  // Cancelling the root from a client or the Web UI means a graceful interrupt.
  const cancel = watchCancelRequest(() => run.interrupt(false));

  const historyIsLong = () =>
    workflowInfo().historyLength > input.continueAsNewAfterEvents || workflowInfo().continueAsNewSuggested;
  const carry = async () => {
    await condition(
      () => allHandlersFinished() && run.signalsInFlight === 0 && reruns.starting === 0 && !keyLease?.joining,
    );
    const { pool, forced, durations } = run;
    const rerunSequence = reruns.lastSequence;
    // The snapshot goes on in the next run's memo (not carried by default): reads need not wait for its first task.
    const next = makeContinueAsNewFunc<typeof rootJobWorkflow>({
      memo: { [SNAPSHOT_MEMO_KEY]: snapshotOf(run) },
    });
    return next(input, {
      state: compactState(state), // alike ended batches written once: the carry stays small
      pool,
      cursor,
      planned,
      forced,
      durations,
      ...(rerunSequence > 0 ? { rerunSequence } : {}),
      ...(keyLease ? { keyLease: keyLease.carry() } : {}),
    });
  };

  return CancellationScope.nonCancellable(async () => {
    run.showDetails(); // current details do not survive a continue-as-new
    batchWatch.start(); // a batch closed without telling the root (terminated, failed) is noticed
    void keepSnapshot(run);
    if (keyLease && patched(JOIN_KEY_FIRST)) {
      const notJoined = await keyLease.join();
      if (notJoined) run.ledger.fail(notJoined);
    }
    void keyLease?.keepReporting();
    if (carried?.rerun) reruns.retry(carried.rerun); // a finished root run again (`jobs retry`)
    const names = new Set<string>();
    let inputBytes: number | undefined;
    while (!planned) {
      // A sliding window: planning stays a few batches ahead of the running ones, so memory and the
      // server's load stay bounded however many children a root has.
      await condition(() => run.openBatches < BATCH_WINDOW || state.interrupted || historyIsLong());
      if (state.interrupted || state.error) break;
      if (historyIsLong()) return carry();
      const pages = Math.min(PAGES_PER_PLANNING, BATCH_WINDOW - run.openBatches);
      const full = carryFull((inputBytes ??= jsonBytes(input)), compactState(state), pages);
      if (full) {
        run.ledger.fail(full);
        break;
      }
      const planning = await planPages(run, input, cursor, names, pages);
      if (!planning) break;
      await startBatches(run, input, planning.pages, planning.nextCursor === null);
      cursor = planning.nextCursor;
      planned = cursor === null;
      if (!planned && historyIsLong()) return carry();
    }
    // Stopped planning early (interrupted, or the planner failed): where it would go on is kept for a rerun.
    run.ledger.planningDone(!planned && patched(KEEP_UNPLANNED) ? { cursor } : undefined);
    planned = true;
    run.refresh();
    for (;;) {
      await condition(() => run.allDone || historyIsLong());
      if (!run.allDone) return carry();
      if (!patched(WAIT_BATCHES_CLOSED)) break;
      await batchWatch.allClosed();
      if (run.allDone) break; // else a retry reopened batches while they closed
    }
    return stop();
  });

  async function stop(): Promise<RootWorkflowState> {
    const status = run.stop(new Date().toISOString());
    await keyLease?.leave();
    if (input.followUps.length > 0 && (input.followUpOn as string[]).includes(status)) {
      run.ledger.followUpsStarted(await startFollowUpJobs({ rootId: state.id, followUps: input.followUps }));
    }
    const ended = status === 'failed' ? state.counts.failed : state.counts.cancelled;
    const why = state.error ?? `${ended} of ${totalOf(state.counts)} children ${status}`;
    const memo = { [SNAPSHOT_MEMO_KEY]: snapshotOf(run) }; // lists show its last counts
    const record = compactState(state); // the result, failure detail or memo: as small as the carry
    return closeAs(record, `Job "${state.name}" ${status}: ${why}`, { cancel, memo }); // the Web UI agrees
  }
}
