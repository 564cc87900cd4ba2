/**
 * Runs a root topic's planner: it may do I/O, which is why it is an activity. One call plans several pages
 * (one batch each), so that planning a large root takes few round trips to the server.
 */
import type { JobApplication, PlannedPage } from '../application';
import type { ChildSpec, PlannedChild } from '../jobs/types';
import { InvalidJobInputError, NonRetryableJobError } from '../errors';

/** Planned pages stop growing past this, well under Temporal's payload limits. */
const PLANNED_BYTES = 512 * 1024;

export interface PlanChildrenInput {
  rootId: string;
  topic: string;
  payload: unknown;
  cursor: string | null;
  pageSize: number;
  /** The most pages one call returns. */
  maxPages: number;
}

export interface PlannedPages {
  pages: PlannedChild[][];
  /** Where the next call goes on; null when every child is planned. */
  nextCursor: string | null;
}

export function planChildrenActivity(app: JobApplication) {
  return async function planChildren(input: PlanChildrenInput): Promise<PlannedPages> {
    let plan;
    try {
      plan = app.planner(input.topic);
    } catch (err) {
      if (err instanceof InvalidJobInputError) throw new NonRetryableJobError(err.message);
      throw err;
    }
    const pages: PlannedChild[][] = [];
    let cursor = input.cursor;
    let bytes = 0;
    let everything: ChildSpec[] | undefined; // a planner that returns all its children is called once
    const planPage = async (pageCursor: string | null) => {
      const planned =
        everything ??
        (await plan(input.payload, {
          rootId: input.rootId,
          topic: input.topic,
          cursor: pageCursor,
          pageSize: input.pageSize,
        }));
      if (Array.isArray(planned)) everything = planned;
      return planned;
    };
    do {
      const { children, nextCursor } = checkPage(await planPage(cursor), input, cursor, app);
      if (children.length > 0) pages.push(children);
      cursor = nextCursor;
      bytes += JSON.stringify(children).length;
    } while (cursor !== null && pages.length < input.maxPages && bytes < PLANNED_BYTES);
    return { pages, nextCursor: cursor };
  };
}

/** One page of children out of what the planner returned for `cursor`. */
function checkPage(
  planned: ChildSpec[] | PlannedPage,
  { topic, pageSize }: PlanChildrenInput,
  cursor: string | null,
  app: JobApplication,
): { children: PlannedChild[]; nextCursor: string | null } {
  if (Array.isArray(planned)) {
    // The planner returned everything: hand it over one page at a time, the cursor being an offset.
    const offset = cursor === null ? 0 : Number(cursor);
    const end = offset + pageSize;
    return {
      children: checkSpecs(planned.slice(offset, end), app),
      nextCursor: end < planned.length ? String(end) : null,
    };
  }
  if (!planned || !Array.isArray(planned.children)) {
    throw new NonRetryableJobError(
      `The planner of topic "${topic}" returned neither an array nor {children, nextCursor}.`,
    );
  }
  if (planned.children.length > pageSize) {
    throw new NonRetryableJobError(
      `The planner of topic "${topic}" returned ${planned.children.length} children in one page; at most ${pageSize} are allowed.`,
    );
  }
  return { children: checkSpecs(planned.children, app), nextCursor: planned.nextCursor ?? null };
}

/** The planned children, each with what its topic says about running it. */
function checkSpecs(children: ChildSpec[], app: JobApplication): PlannedChild[] {
  return children.map((child) => {
    if (!child || typeof child.name !== 'string' || typeof child.topic !== 'string') {
      throw new NonRetryableJobError(
        `A planned child must be {name, topic, payload}; got ${JSON.stringify(child)}.`,
      );
    }
    const topic = app.find(child.topic);
    if (!topic?.process) {
      throw new NonRetryableJobError(
        `Child "${child.name}" names topic "${child.topic}", which has no processor.`,
      );
    }
    return {
      name: child.name,
      topic: child.topic,
      payload: child.payload,
      runAs: topic.runAs ?? 'activity',
      pack: topic.pack ?? true,
    };
  });
}
