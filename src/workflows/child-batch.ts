/**
 * A page of one root's children (see README, "Fan-out design"). It holds their records, starts their child
 * workflows while it has running slots, reports its counts to the root, and hands unused slots to the next
 * batch. Where a child is started: `launch()`. Where an interrupt reaches children: `interrupt()`.
 */
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  sleep,
  startChild,
} from '@temporalio/workflow';
import { countStatuses, isFinal } from '../jobs/status';
import { childJobId } from '../jobs/ids';
import type { ChildBatchInput, ChildPage, ChildRecord } from '../jobs/types';
import { newJobSearchAttributes } from '../search-attributes';
import { childJobWorkflow } from './child-job';
import { notify } from './notify';
import {
  batchReportSignal,
  childPageQuery,
  childTransitionSignal,
  findChildQuery,
  grantSlotsSignal,
  interruptChildSignal,
  interruptSignal,
} from './messages';

/** At most one report to the root per this interval, so the root's history grows with time, not children. */
const REPORT_INTERVAL_MS = 1000;

export async function childBatchWorkflow(input: ChildBatchInput): Promise<void> {
  const records: ChildRecord[] = input.children.map((spec) => ({
    id: childJobId(input.rootId, spec.name),
    name: spec.name,
    topic: spec.topic,
    status: 'new',
    attempts: 0,
    error: null,
    progress: 0,
    createdAt: input.createdAt,
    startedAt: null,
    stoppedAt: null,
  }));
  const indexByName = new Map(records.map((record, index) => [record.name, index]));
  const lastSequence = new Map<number, number>();
  /** Every child before this index has been started, or had ended (interrupted) before its turn. */
  let nextToLaunch = 0;
  let inFlight = 0;
  let slots = 0;
  let finals = 0;
  let dirty = true;

  const allFinal = () => finals === records.length;
  function nextLaunchable(): number | undefined {
    while (nextToLaunch < records.length && isFinal(records[nextToLaunch].status)) nextToLaunch++;
    return nextToLaunch < records.length ? nextToLaunch : undefined;
  }
  const canLaunch = () => inFlight < slots && nextLaunchable() !== undefined;
  const surplus = () => (input.nextBatchId && nextLaunchable() === undefined ? slots - inFlight : 0);

  function settle(index: number, update: Partial<ChildRecord>): void {
    const wasFinal = isFinal(records[index].status);
    records[index] = { ...records[index], ...update };
    if (!wasFinal && isFinal(records[index].status)) finals++;
    dirty = true;
  }

  async function launch(index: number): Promise<void> {
    const record = records[index];
    const spec = input.children[index];
    nextToLaunch = index + 1;
    inFlight++;
    try {
      const child = await startChild(childJobWorkflow, {
        workflowId: record.id,
        args: [
          {
            id: record.id,
            rootId: input.rootId,
            ownerId: input.ownerId,
            name: record.name,
            topic: record.topic,
            payload: spec.payload,
            retry: input.retry,
            childTimeoutMs: input.childTimeoutMs,
            createdAt: input.createdAt,
          },
        ],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `${record.name} (${record.topic})`,
        typedSearchAttributes: newJobSearchAttributes('child', record.name, input.rootId, input.ownerId),
      });
      settle(index, await child.result());
    } catch (err) {
      const error = `child workflow ended abnormally: ${(err as Error).message}`;
      settle(index, { status: 'failed', error, stoppedAt: new Date().toISOString() });
    } finally {
      inFlight--;
    }
  }

  function interrupt(index: number, force: boolean): void {
    const record = records[index];
    if (isFinal(record.status)) return;
    if (index >= nextToLaunch) {
      // Not started yet: it never will be.
      settle(index, { status: 'cancelled', stoppedAt: new Date().toISOString() });
      return;
    }
    notify(record.id, interruptSignal, { force });
  }

  function interruptAll(force: boolean): void {
    records.forEach((_, index) => interrupt(index, force));
  }

  setHandler(grantSlotsSignal, (count) => {
    slots += count;
  });
  setHandler(childTransitionSignal, (transition) => {
    const index = indexByName.get(transition.name);
    if (index === undefined || isFinal(records[index].status)) return;
    if ((lastSequence.get(index) ?? 0) >= transition.sequence) return;
    lastSequence.set(index, transition.sequence);
    const { status, attempts, startedAt, error } = transition;
    settle(index, { status, attempts, startedAt, error });
  });
  setHandler(interruptSignal, ({ force }) => interruptAll(force));
  setHandler(interruptChildSignal, ({ name, force }) => {
    const index = indexByName.get(name);
    if (index !== undefined) interrupt(index, force);
  });
  setHandler(childPageQuery, ({ offset = 0, limit = 50, status }): ChildPage => {
    const matching = status ? records.filter((record) => record.status === status) : records;
    return { matched: matching.length, children: matching.slice(offset, offset + limit) };
  });
  setHandler(findChildQuery, (name) => {
    const index = indexByName.get(name);
    return index === undefined ? null : records[index];
  });
  // "Request Cancellation" on a batch means a graceful interrupt of its children.
  CancellationScope.current().cancelRequested.catch(() => interruptAll(false));

  await CancellationScope.nonCancellable(async () => {
    const reporting = reportToRoot();
    for (;;) {
      await condition(() => allFinal() || canLaunch() || surplus() > 0);
      while (canLaunch()) void launch(nextLaunchable()!);
      if (surplus() > 0) grantSurplus();
      if (allFinal()) break;
    }
    await reporting;
  });

  /** Slots this batch cannot use any more run the next batch's children. */
  function grantSurplus(): void {
    const count = surplus();
    slots -= count;
    notify(input.nextBatchId!, grantSlotsSignal, count);
  }

  async function reportToRoot(): Promise<void> {
    const root = getExternalWorkflowHandle(input.rootId); // no run id: the root may have continued as new
    for (;;) {
      await condition(() => dirty);
      dirty = false;
      const done = allFinal();
      await root.signal(batchReportSignal, { index: input.index, counts: countStatuses(records), done });
      if (done) return;
      await sleep(REPORT_INTERVAL_MS);
    }
  }
}
