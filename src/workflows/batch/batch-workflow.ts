/**
 * A page of one root's children (see docs/design.md, "Fan-out design"). It holds their records, hands them to
 * workers while it holds running slots lent by the root (`BatchDispatcher.launchPack` / `launchChildWorkflow`),
 * gives slots back when it cannot use them, reports its counts, and ends with every child's final record.
 * Where an interrupt reaches children: `BatchDispatcher.interrupt`.
 */
import {
  type BatchResult,
  batchPageQuery,
  childCancelledSignal,
  childTransitionSignal,
  findChildQuery,
  grantSlotsSignal,
  interruptChildSignal,
  interruptSignal,
  packInterruptsQuery,
  rerunChildrenSignal,
} from '../../contract/messages';
import { CancellationScope, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { ChildBook, type RoundsOf } from '../../jobs/child-book';
import { evenRounds, mergeDurations, packRounds } from '../../jobs/packing';
import { spareSlots, takeGrant } from '../../jobs/slots';
import { withoutResult } from '../../jobs/status-view';
import type { ChildBatchInput } from '../../contract/jobs';
import { keepBatchRecords, loadBatchRun } from '../activity-proxies';
import { BatchReporter } from './reporter';
import { BatchDispatcher } from './dispatcher';
import { packingRule } from '../packing-rule';

const RERUN_SEQUENCES = 'rerun-sequences';
/**
 * Packs take no more than their share of the children waiting, in the batch and (as its root says) in the root,
 * so that the last packs end together; the root hears of children handed out, so its count of those waiting is
 * current (patched; fixture even-ends).
 */
const EVEN_ENDS = 'even-ends';
/**
 * A batch whose history is this long takes no rerun in place (each adds attempts to it): the root starts a
 * new run of it, with a history of its own, once it ends (RootReruns.afterReport).
 */
const RERUN_IN_PLACE_MAX_EVENTS = 20_000;

export async function childBatchWorkflow(input: ChildBatchInput): Promise<BatchResult> {
  const packing = packingRule();
  const evenEnds = patched(EVEN_ENDS);
  const book = await openBook(input);
  const dispatcher = new BatchDispatcher(input, book, () => reporter.changed());
  let reruns = 0;
  let closing = false;
  const reporter = new BatchReporter(
    input.rootId,
    input.index,
    {
      counts: () => book.counts(),
      waiting: () => dispatcher.waiting(),
      lease: dispatcher.lease,
      // At the root's end, spare slots the ready children can use are kept, not given back.
      needed: () => {
        const wanted = book.slotsWanted(roundsOf);
        if (!book.someReady((kind) => endShare(fullRounds(kind)) !== undefined)) return wanted;
        return Math.max(wanted, Math.min(spareSlots(dispatcher.lease), book.readyCount));
      },
      durations: dispatcher.durations,
      reruns: () => reruns,
    },
    input.rootRun,
  );
  const lastSequence = new Map<number, number>();
  /** Near the root's end, the most children a slot takes (the root says, with the start and each grant). */
  let endRounds = input.endRounds;
  /** A kind of child's rounds as its processors' times allow (packing.ts). */
  const fullRounds: RoundsOf = (spec) => packRounds(dispatcher.durations, spec.topic, spec.pack, packing);
  /** The root's share, once its end has come for a kind of child (the share is less than full packs). */
  const endShare = (full: number) =>
    evenEnds && endRounds !== undefined && endRounds < full ? endRounds : undefined;
  const roundsOf: RoundsOf = (spec) => {
    const full = fullRounds(spec);
    return endShare(full) ?? full;
  };
  /**
   * Under an older rule, at the root's end a pack also takes no more than its share of the batch's slots (not
   * in what the batch asks for: that would grow with what it holds); see PackingRule.ownShareAtEnd.
   */
  const packRoundsOf: RoundsOf = (spec) => {
    const full = fullRounds(spec);
    const share = endShare(full);
    if (share === undefined || !packing.ownShareAtEnd) return share ?? full;
    const { received, released } = dispatcher.lease;
    return Math.min(share, evenRounds(book.readyCount, received - released) ?? Infinity);
  };
  const interruptAll = (force: boolean) =>
    book.records.forEach((_, index) => dispatcher.interrupt(index, force));

  setHandler(grantSlotsSignal, ({ durations, run: forRun, endRounds: cap, ...grant }) => {
    if ((forRun ?? 0) !== (input.run ?? 0)) return; // sent to an earlier run of this batch, which has closed
    takeGrant(dispatcher.lease, grant);
    mergeDurations(dispatcher.durations, durations);
    endRounds = cap;
  });
  setHandler(interruptSignal, ({ force }) => interruptAll(force));
  // A rerun while it runs (`jobs retry`); once it closes, the root starts a new run of it instead.
  setHandler(rerunChildrenSignal, ({ sequence, statuses }) => {
    if (closing || sequence <= reruns || workflowInfo().historyLength > RERUN_IN_PLACE_MAX_EVENTS) return;
    reruns = sequence;
    const rerun = book.rerun(statuses);
    // A rerun child's new workflow numbers its transitions from 1 again (runs before this kept the old count).
    if (patched(RERUN_SEQUENCES)) rerun.forEach((index) => lastSequence.delete(index));
    if (rerun.length > 0) reporter.changed();
  });
  setHandler(interruptChildSignal, ({ name, force }) => {
    const index = book.indexOf(name);
    if (index !== undefined) dispatcher.interrupt(index, force);
  });
  setHandler(childTransitionSignal, ({ name, sequence, status, attempt, at, error }) => {
    const index = book.indexOf(name);
    if (index === undefined || (lastSequence.get(index) ?? 0) >= sequence) return;
    lastSequence.set(index, sequence);
    if (status === 'running') dispatcher.childTransition(index, { type: 'start', attempt, at });
    else dispatcher.childTransition(index, { type: 'retry', attempt, error: error ?? '' });
  });
  setHandler(childCancelledSignal, (record) => dispatcher.childCancelled(record));
  setHandler(batchPageQuery, ({ offset, limit, statuses }) => {
    const matching = statuses
      ? book.records.filter((record) => statuses.includes(record.status))
      : book.records;
    return {
      counts: book.counts(),
      inFlight: dispatcher.inFlight(),
      matched: matching.length,
      children: matching.slice(offset, offset + limit).map(withoutResult),
      createdAt: input.createdAt,
    };
  });
  setHandler(findChildQuery, (name) => {
    const index = book.indexOf(name);
    if (index === undefined) return null;
    return {
      record: book.records[index],
      inFlight: dispatcher.inFlightOf(index),
      interrupted: dispatcher.isInterrupted(index),
      createdAt: input.createdAt,
    };
  });
  setHandler(packInterruptsQuery, (pack) => dispatcher.packInterrupts(pack));
  // "Request Cancellation" on a batch means a graceful interrupt of its children.
  CancellationScope.current().cancelRequested.catch(() => interruptAll(false));

  return CancellationScope.nonCancellable(async () => {
    const reporting = reporter.run();
    const canLaunch = () => spareSlots(dispatcher.lease) > 0 && book.readyCount > 0;
    for (;;) {
      await condition(() => book.allFinal || canLaunch());
      if (book.allFinal) break;
      while (canLaunch()) {
        const pack = book.takePack(spareSlots(dispatcher.lease), packRoundsOf);
        if (book.specs[pack.indexes[0]].runAs === 'workflow')
          void dispatcher.launchChildWorkflow(pack.indexes[0]);
        else dispatcher.launchPack(pack);
      }
      // Children handed out count running: the root hears of it within a second, not only when a pack ends.
      if (evenEnds) reporter.handedOut();
    }
    closing = true; // a rerun from now on is the root's to start: the result must match the last report
    await reporter.finish(); // gives every slot back
    await reporting;
    const counts = book.counts();
    const records = book.resultRecords();
    if (!input.keepsRecords) return { index: input.index, counts, children: records };
    // Kept in the batch's own history: the root's history copies the result, and needs only the counts (a root
    // of 200,000 children carried 43 MB of records it never read). Fixture records-kept.
    await keepBatchRecords(records);
    return { index: input.index, counts, children: [], recordsKept: true };
  });
}

/** The batch's children: as planned, or — for a rerun — as its earlier run left them, the chosen ones in line. */
async function openBook(input: ChildBatchInput): Promise<ChildBook> {
  if (!input.rerunOf) return new ChildBook(input.children, input.rootId, input.createdAt);
  const { runId, statuses, counts, lost } = input.rerunOf;
  // While the earlier run loads, status reads get the counts the root expects (and no page of children).
  setHandler(batchPageQuery, () => ({
    counts,
    inFlight: [],
    matched: 0,
    children: [],
    createdAt: input.createdAt,
  }));
  setHandler(findChildQuery, () => null);
  const earlier = await loadBatchRun({ batchId: workflowInfo().workflowId, runId });
  const book = new ChildBook(earlier.children, input.rootId, input.createdAt, earlier.records);
  book.rerun(statuses);
  if (lost) {
    // The run before closed without its result: what it had not seen end will not end now.
    const error = `batch ${input.index} was ${lost} before this child ended`;
    const at = new Date().toISOString();
    book.records.forEach((_, index) => book.apply(index, { type: 'fail', error, at }));
  }
  return book;
}
