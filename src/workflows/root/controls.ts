/**
 * The root's controls, each a Workflow Update refused (before anything changes) once the root has stopped:
 * pause and resume (where a pause is handled), a new parallel limit, and a rerun of failed or cancelled
 * children (RootReruns). Pause and scale work through the slot pool: slots over the limit are asked back
 * from the batches, which return them as running children finish; nothing running is stopped.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { JobFinishedError } from '../../errors';
import { checkMaxParallel, checkRerunStatuses } from '../../jobs/options';
import { pauseUpdate, retryUpdate, scaleUpdate, type RootControlAnswer } from '../../contract/messages';
import type { RootReruns } from './reruns';
import type { RootRun } from './root-run';

export function setControlHandlers(run: RootRun, reruns: RootReruns): void {
  setHandler(
    pauseUpdate,
    ({ paused }) => {
      pause(run, paused);
      return answer(run);
    },
    { validator: (_request) => checkOpen(run) },
  );
  setHandler(
    scaleUpdate,
    ({ maxParallel }) => {
      scale(run, maxParallel);
      return answer(run);
    },
    {
      validator: ({ maxParallel }) => {
        checkOpen(run);
        checkMaxParallel(maxParallel);
      },
    },
  );
  setHandler(retryUpdate, ({ statuses }) => ({ id: run.state.id, rerun: reruns.retry(statuses) }), {
    validator: ({ statuses }) => {
      checkOpen(run);
      checkNotInterrupted(run);
      checkRerunStatuses(statuses);
    },
  });
}

/** Paused, no child starts (running ones finish); resumed, slots go out again. */
function pause(run: RootRun, paused: boolean): void {
  if (!run.ledger.pause(paused, new Date().toISOString())) return;
  run.lendSlots();
  run.showDetails();
}

/** A new parallel limit: up at once, down as running children finish (none is stopped). */
function scale(run: RootRun, maxParallel: number): void {
  run.ledger.resize(maxParallel);
  run.lendSlots();
  run.showDetails();
}

/** What a control answers: the record as it stands now. */
function answer(run: RootRun): RootControlAnswer {
  const { id, status, phase, paused, pausedAt, maxParallel, counts } = run.state;
  return { id, status, phase, paused, pausedAt, maxParallel, counts };
}

/** Controls change only a root that has not stopped (the client turns this into a JobFinishedError). */
function checkOpen(run: RootRun): void {
  const { id, phase, status } = run.state;
  if (phase !== 'stopped') return;
  const { message, name: type } = new JobFinishedError(id, status);
  throw ApplicationFailure.create({ type, message, details: [id, status], nonRetryable: true });
}

/** A rerun would undo an interrupt: refused until the root has stopped (then `jobs retry` runs it anew). */
function checkNotInterrupted(run: RootRun): void {
  if (!run.state.interrupted) return;
  const message = `Job "${run.state.id}" is interrupted; retry it once it has stopped.`;
  throw ApplicationFailure.create({ type: 'InvalidJobInputError', message, nonRetryable: true });
}
