/**
 * Runs a root topic's planner: it may do I/O, which is why it is an activity. One call returns several pages
 * (one batch each), cut by count and by size, so that no batch's input nor this activity's result nears
 * Temporal's payload limit, whatever the planner's own pages hold.
 */
import type { PlannedPages, PlanChildrenInput } from '../contract/activities';
import { Context } from '@temporalio/activity';
import type { JobApplication, PlannedPage } from '../application';
import { InvalidJobInputError, NonRetryableJobError } from '../errors';
import { MAX_WORKFLOW_ID_LENGTH, childJobId, invalidNameReason } from '../jobs/ids';
import { quoted, utf8Bytes } from '../jobs/text';
import { jsonBytes } from '../jobs/options';
import { nameTakenEarlier } from './earlier-names';
import type { ChildSpec, PlannedChild } from '../contract/jobs';

const HEARTBEAT_EVERY_MS = 5000;
/** A child's payload travels in its batch's input and its activity's: keep it small. */
export const MAX_CHILD_PAYLOAD_BYTES = 256 * 1024;
/** A batch's children, payloads included, stay under this (Temporal warns about payloads over 512 KB). */
const BATCH_BYTES = 400 * 1024;
/** One call's pages stay under this in all. */
const RESULT_BYTES = 480 * 1024;

/** The planner's own cursor, and how many children of the page it gives there were already planned. */
interface Position {
  planner: string | null;
  skip: number;
}

export function planChildrenActivity(app: JobApplication) {
  return async function planChildren(input: PlanChildrenInput): Promise<PlannedPages> {
    // A dead worker is noticed by missed heartbeats, whatever the planner does meanwhile.
    const context = Context.current();
    const heartbeats = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      const planned = await planPages(input);
      if (!input.earlierBatchesSince || planned.pages.length === 0) return planned;
      const { client } = context;
      const duplicate = await nameTakenEarlier(
        client,
        input.rootId,
        input.earlierBatchesSince,
        planned.pages.flat(),
      );
      return duplicate === undefined ? planned : { ...planned, duplicate };
    } finally {
      clearInterval(heartbeats);
    }
  };

  async function planPages(input: PlanChildrenInput): Promise<PlannedPages> {
    let plan;
    try {
      plan = app.planner(input.topic);
    } catch (err) {
      if (err instanceof InvalidJobInputError) throw new NonRetryableJobError(err.message);
      throw err;
    }
    const pages: PlannedChild[][] = [];
    let page: PlannedChild[] = [];
    let pageBytes = 0;
    let totalBytes = 0;
    let position: Position | null =
      input.cursor === null ? { planner: null, skip: 0 } : JSON.parse(input.cursor);
    let everything: ChildSpec[] | undefined; // a planner that returns all its children is called once
    while (position && pages.length < input.maxPages) {
      const planned =
        everything ??
        (await plan(input.payload, {
          rootId: input.rootId,
          topic: input.topic,
          cursor: position.planner,
          pageSize: input.pageSize,
        }));
      const { children, nextCursor } = Array.isArray(planned)
        ? { children: (everything = planned), nextCursor: null }
        : plannerPage(planned, input.topic);
      let taken = position.skip;
      for (; taken < children.length; taken++) {
        const child = checkSpec(children[taken], app, input);
        const bytes = jsonBytes(child);
        const full = totalBytes + bytes > RESULT_BYTES; // this call's result is full: the child waits
        if (page.length > 0 && (full || page.length >= input.pageSize || pageBytes + bytes > BATCH_BYTES)) {
          pages.push(page);
          page = [];
          pageBytes = 0;
          if (full || pages.length >= input.maxPages) break;
        }
        page.push(child);
        pageBytes += bytes;
        totalBytes += bytes;
      }
      position =
        taken < children.length
          ? { planner: position.planner, skip: taken }
          : nextCursor === null
            ? null
            : { planner: nextCursor, skip: 0 };
      if (taken < children.length) break;
    }
    if (page.length > 0) pages.push(page);
    return { pages, nextCursor: position ? JSON.stringify(position) : null };
  }
}

function plannerPage(
  planned: PlannedPage,
  topic: string,
): { children: ChildSpec[]; nextCursor: string | null } {
  if (!planned || !Array.isArray(planned.children)) {
    throw new NonRetryableJobError(
      `The planner of topic "${topic}" returned neither an array nor {children, nextCursor}.`,
    );
  }
  return { children: planned.children, nextCursor: planned.nextCursor ?? null };
}

/** A planned child, checked, with what its topic says about running it. */
function checkSpec(child: ChildSpec, app: JobApplication, input: PlanChildrenInput): PlannedChild {
  if (!child || typeof child.name !== 'string' || typeof child.topic !== 'string') {
    throw new NonRetryableJobError(
      `A planned child must be {name, topic, payload}; got ${JSON.stringify(child)}.`,
    );
  }
  const nameProblem = invalidNameReason(child.name);
  if (nameProblem) throw new NonRetryableJobError(`child ${quoted(child.name)}: ${nameProblem}`);
  const topic = app.find(child.topic);
  if (!topic?.process) {
    throw new NonRetryableJobError(
      `Child "${child.name}" names topic "${child.topic}", which has no processor.`,
    );
  }
  const bytes = jsonBytes(child.payload);
  if (bytes > MAX_CHILD_PAYLOAD_BYTES) {
    throw new NonRetryableJobError(
      `Child "${child.name}" has a payload of ${Math.round(bytes / 1024)} KB; a child's payload may be at most ` +
        `${MAX_CHILD_PAYLOAD_BYTES / 1024} KB. Pass a reference (a file, a key) instead.`,
    );
  }
  const runAs = topic.runAs ?? 'activity';
  const idBytes = utf8Bytes(childJobId(input.rootId, child.name));
  if ((input.runChildrenAs ?? runAs) === 'workflow' && idBytes > MAX_WORKFLOW_ID_LENGTH) {
    throw new NonRetryableJobError(
      `child ${quoted(child.name)}: its workflow id is ${idBytes} bytes; servers allow ${MAX_WORKFLOW_ID_LENGTH} (limit.maxIDLength)`,
    );
  }
  return {
    name: child.name,
    topic: child.topic,
    payload: child.payload,
    runAs,
    pack: topic.pack ?? true,
  };
}
