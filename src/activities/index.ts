/** The activities of the job worker, bound to an application's topics. */
import type { JobApplication } from '../application';
import type { JobActivities } from '../contract/activities';
import {
  batchesStillOpen,
  findBatchRun,
  loadBatchRun,
  lostBatchCounts,
  probeBatches,
} from './earlier-batch-runs';
import { cancelOwnRun } from './cancel-own-run';
import { endEarlierBatches } from './end-earlier-batches';
import { joinConcurrencyKey } from './join-concurrency-key';
import { keepBatchRecords } from './keep-batch-records';
import type { LocalInterrupts } from './local-interrupts';
import { planChildrenActivity } from './plan-children';
import { runChildProcessorActivity } from './run-child-processor';
import { runChildrenActivity } from './run-children';
import { startFollowUpJobsActivity } from './start-follow-up-jobs';

export function createActivities(app: JobApplication, localInterrupts: LocalInterrupts): JobActivities {
  return {
    planChildren: planChildrenActivity(app),
    runChildren: runChildrenActivity(app, localInterrupts),
    runChildProcessor: runChildProcessorActivity(app),
    startFollowUpJobs: startFollowUpJobsActivity(app),
    findBatchRun,
    loadBatchRun,
    lostBatchCounts,
    probeBatches,
    batchesStillOpen,
    joinConcurrencyKey,
    endEarlierBatches,
    cancelOwnRun,
    keepBatchRecords,
  };
}
