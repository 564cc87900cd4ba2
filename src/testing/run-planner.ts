/**
 * Runs a root topic's planner as the engine does, without any server: page after page through its cursor,
 * each child checked (name, topic, payload size) and names checked unique across the whole plan.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { JobApplication } from '../application';
import { planChildrenActivity } from '../activities/plan-children';
import type { PlannedChild } from '../contract/jobs';
import type { PlannedPages } from '../contract/activities';
import { plannedNameReason } from '../jobs/ids';
import { BATCH_SIZE } from '../jobs/options';

/** What a planner planned (`runPlanner`). */
export interface PlannerRun {
  /** Every child planned, in order, with how it will run. */
  children: PlannedChild[];
  /** The batches the engine would start (one per page of at most `batchSize`). */
  batches: number;
}

/** Runs `topic`'s planner on `payload` as the engine would, without a server; throws what the engine would. */
export async function runPlanner(
  app: JobApplication,
  topic: string,
  payload: unknown,
  { rootId = 'test-root', batchSize = BATCH_SIZE }: { rootId?: string; batchSize?: number } = {},
): Promise<PlannerRun> {
  const planChildren = planChildrenActivity(app);
  const environment = new MockActivityEnvironment();
  const children: PlannedChild[] = [];
  const names = new Set<string>();
  let batches = 0;
  let cursor: string | null = null;
  do {
    const planned: PlannedPages = await environment.run(planChildren, {
      rootId,
      topic,
      payload,
      cursor,
      pageSize: batchSize,
      maxPages: 10,
    });
    for (const page of planned.pages) {
      batches++;
      for (const child of page) {
        const reason = plannedNameReason(child.name);
        if (reason)
          throw new Error(`The planner of "${topic}" planned child ${JSON.stringify(child.name)}: ${reason}`);
        if (names.has(child.name)) {
          throw new Error(
            `The planner of "${topic}" planned two children named ${JSON.stringify(child.name)}`,
          );
        }
        names.add(child.name);
        children.push(child);
      }
    }
    cursor = planned.nextCursor;
  } while (cursor !== null);
  return { children, batches };
}
