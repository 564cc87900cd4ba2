import type { JobApplication, PlannedPage } from '../application';
import type { ChildSpec } from '../jobs/types';
import { InvalidJobInputError, NonRetryableJobError } from '../errors';

export interface PlanChildrenInput {
  rootId: string;
  topic: string;
  payload: unknown;
  cursor: string | null;
  pageSize: number;
}

/** Runs a root topic's planner for one page of children. It may do I/O: that is why it is an activity. */
export function planChildrenActivity(app: JobApplication) {
  return async function planChildren(input: PlanChildrenInput): Promise<PlannedPage> {
    let plan;
    try {
      plan = app.planner(input.topic);
    } catch (err) {
      if (err instanceof InvalidJobInputError) throw new NonRetryableJobError(err.message);
      throw err;
    }
    const planned = await plan(input.payload, { ...input });
    if (Array.isArray(planned)) {
      // The planner returned everything: hand it over one page per call, the cursor being an offset.
      const offset = input.cursor === null ? 0 : Number(input.cursor);
      const end = offset + input.pageSize;
      return {
        children: checkSpecs(planned.slice(offset, end), app),
        nextCursor: end < planned.length ? String(end) : null,
      };
    }
    if (!planned || !Array.isArray(planned.children)) {
      throw new NonRetryableJobError(
        `The planner of topic "${input.topic}" returned neither an array nor {children, nextCursor}.`,
      );
    }
    if (planned.children.length > input.pageSize) {
      throw new NonRetryableJobError(
        `The planner of topic "${input.topic}" returned ${planned.children.length} children in one page; at most ${input.pageSize} are allowed.`,
      );
    }
    return { children: checkSpecs(planned.children, app), nextCursor: planned.nextCursor ?? null };
  };
}

function checkSpecs(children: ChildSpec[], app: JobApplication): ChildSpec[] {
  return children.map((child) => {
    if (!child || typeof child.name !== 'string' || typeof child.topic !== 'string') {
      throw new NonRetryableJobError(
        `A planned child must be {name, topic, payload}; got ${JSON.stringify(child)}.`,
      );
    }
    if (!app.find(child.topic)?.process) {
      throw new NonRetryableJobError(
        `Child "${child.name}" names topic "${child.topic}", which has no processor.`,
      );
    }
    return { name: child.name, topic: child.topic, payload: child.payload };
  });
}
