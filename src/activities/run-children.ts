/**
 * Runs a pack of child jobs in one activity task (activity mode): at most `slots` processors at once, the
 * children in order, and returns each one's outcome. It throws only when its worker stops, so that the pack
 * runs again elsewhere; children that had finished by then are not run again (their outcomes travel in the
 * heartbeat details), and an interrupted child that had not begun never begins.
 */
import type { RunChildrenInput, PackHeartbeat, PackChild, ChildOutcome } from '../contract/activities';
import { CancelledFailure, Context } from '@temporalio/activity';
import type { JobApplication } from '../application';
import type { LocalInterrupts } from './local-interrupts';
import { lostAttempts } from '../jobs/lost-attempts';
import { childrenToStop } from '../jobs/pack-interrupts';
import { willRetry } from '../jobs/retry';
import { HeartbeatPacer } from './heartbeat-pacer';
import { watchInterrupts } from './interrupt-watch';
import { jobMetrics } from './job-metrics';
import { invokeProcessor } from './invoke-processor';

const HEARTBEAT_EVERY_MS = 1000;
/** Outcomes kept in heartbeat details stay under this, so a heartbeat never nears the payload limit. */
const RECORDED_OUTCOMES_BYTES = 256 * 1024;

export function runChildrenActivity(app: JobApplication, localInterrupts: LocalInterrupts) {
  return async function runChildren(input: RunChildrenInput): Promise<ChildOutcome[]> {
    const context = Context.current();
    const metrics = jobMetrics();
    const batchId = context.info.workflowExecution!.workflowId;
    const rootId = batchId.slice(0, batchId.lastIndexOf('/batch/'));
    const earlier = context.info.heartbeatDetails as PackHeartbeat | undefined;
    // Attempts of this pack whose worker was lost count for the children that had begun in them, only.
    const names = input.children.map((child) => child.name);
    const lost = lostAttempts(names, input.slots, context.info.attempt, earlier);
    const endings: Record<string, ChildOutcome['status']> = Object.fromEntries(
      Object.values(earlier?.done ?? {}).map((done) => [done.name, done.status]),
    );
    const beat: PackHeartbeat = {
      begun: Object.keys(earlier?.done ?? {}),
      progress: {},
      done: { ...earlier?.done },
      ended: endings,
      lost,
      attempt: context.info.attempt,
    };
    let recordedBytes = JSON.stringify(beat.done).length;
    const aborts = new Map(input.children.map((child) => [child.name, new AbortController()]));
    let settled = 0;
    const begun = new Set(beat.begun);
    const interrupts = watchInterrupts(
      context,
      batchId,
      context.info.activityId,
      () => settled === input.children.length,
      (interrupts) => childrenToStop(names, begun, interrupts).forEach((name) => aborts.get(name)?.abort()),
      { local: localInterrupts, rootId, children: names },
    );
    const pacer = new HeartbeatPacer(() => context.heartbeat(beat));
    const heartbeats = setInterval(() => pacer.now(), HEARTBEAT_EVERY_MS);

    const runOne = async (child: PackChild): Promise<ChildOutcome> => {
      const recorded = beat.done[child.name];
      if (recorded) return recorded;
      // An interrupt has reached the pack: which children it stops comes before any other begins.
      const held = interrupts.answered();
      if (held) await held;
      const attempt = child.attempt + (lost[child.name] ?? 0);
      const startedAt = new Date();
      const outcome = (status: ChildOutcome['status'], extra: Partial<ChildOutcome> = {}): ChildOutcome => ({
        name: child.name,
        status,
        attempt,
        startedAt: startedAt.toISOString(),
        stoppedAt: new Date().toISOString(),
        ...extra,
      });
      const signal = aborts.get(child.name)!.signal;
      if (signal.aborted) return outcome('cancelled', { attempt: attempt - 1, startedAt: null });
      const maxAttempts = child.maxAttempts ?? input.maxAttempts;
      if (attempt > maxAttempts) {
        return outcome('failed', {
          attempt: attempt - 1,
          startedAt: null,
          error: `No attempts left: the worker running attempt ${attempt - 1} was lost.`,
        });
      }
      beat.begun.push(child.name);
      begun.add(child.name);
      pacer.soon(); // so that a worker lost from now on charges this child (the SDK throttles it too)
      metrics.started(child.topic);
      const invocation = await invokeProcessor(app, child.topic, child.payload, {
        jobId: `${rootId}/${child.name}`,
        jobName: child.name,
        rootId,
        topic: child.topic,
        attempt,
        signal,
        reportProgress(progress) {
          beat.progress[child.name] = Math.min(1, Math.max(0, Number(progress) || 0));
        },
      });
      const ended = (status: ChildOutcome['status'], extra: Partial<ChildOutcome>) => {
        const statusMetric = status === 'retry' ? 'failed_redelivered' : status;
        metrics.finished(child.topic, statusMetric, Date.now() - startedAt.getTime());
        return outcome(status, extra);
      };
      switch (invocation.kind) {
        case 'success':
          return ended('success', { result: invocation.result });
        case 'failed':
          return ended('failed', { error: invocation.error });
        case 'aborted':
          return ended('cancelled', { error: invocation.error });
        case 'threw':
          return ended(willRetry(maxAttempts, attempt, true) ? 'retry' : 'failed', {
            error: invocation.error,
          });
      }
    };

    const outcomes: ChildOutcome[] = new Array(input.children.length);
    let next = 0;
    const lane = async () => {
      while (next < input.children.length) {
        const position = next++;
        const result = await runOne(input.children[position]);
        outcomes[position] = result;
        settled++;
        endings[result.name] = result.status;
        const bytes = JSON.stringify(result).length;
        if (result.status !== 'cancelled' && recordedBytes + bytes <= RECORDED_OUTCOMES_BYTES) {
          beat.done[result.name] = result;
          recordedBytes += bytes;
        }
      }
    };
    try {
      const lanes = Array.from({ length: Math.max(1, Math.min(input.slots, input.children.length)) }, lane);
      // Status reads take the first `slots` children of a started pack as running; once some wait their
      // turn, a heartbeat (the first goes out at once) says which have begun.
      if (input.children.length > input.slots) pacer.now();
      await Promise.all(lanes);
      await interrupts.cancelled(() => pacer.now());
      if (context.cancellationSignal.aborted && !context.cancellationDetails?.cancelRequested) {
        // The worker is stopping: what was aborted runs again elsewhere; what finished is in the heartbeat.
        pacer.now();
        throw new CancelledFailure('the worker running this pack is stopping');
      }
      return outcomes;
    } finally {
      clearInterval(heartbeats);
      pacer.stop();
      interrupts.stop();
    }
  };
}
