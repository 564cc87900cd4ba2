/**
 * An application's topics: each topic name is bound to a planner (for root jobs), a processor (for child
 * jobs), or both. Workers run them; clients use them to refuse unknown topics and invalid payloads up front.
 */
import type { ChildRunMode, ChildSpec } from './contract/jobs';
import { InvalidJobInputError } from './errors';

/** What a child's processor knows about the job it runs. */
export interface ChildContext {
  /** The child's job id, `<root id>/<name>`. */
  jobId: string;
  /** The child's name among its root's children. */
  jobName: string;
  /** Its root's job id. */
  rootId: string;
  /** The child's topic. */
  topic: string;
  /** 1 on the first attempt, 2 on the first retry, … */
  attempt: number;
  /** Fires when the job is force-interrupted (or its worker shuts down): stop and throw. */
  signal: AbortSignal;
  /** The job's own progress, 0..1, shown in its status. */
  reportProgress(progress: number): void;
}

/** What a root's planner knows about the root it plans. */
export interface PlanContext {
  /** The root's job id (its name). */
  rootId: string;
  /** The root's topic. */
  topic: string;
  /** null for the first page, then the `nextCursor` the planner returned. */
  cursor: string | null;
  /** Children a page should hold at most (a planner that pages may return fewer). */
  pageSize: number;
}

/** One page of a root's children, for planners that plan page by page. */
export interface PlannedPage {
  /** This page's children. */
  children: ChildSpec[];
  /** null when this was the last page. */
  nextCursor: string | null;
}

/** Decides a root's children. Return them all (the engine pages them), or one page at a time. */
export type RootPlanner<P = unknown> = (
  payload: P,
  context: PlanContext,
) => Promise<ChildSpec[] | PlannedPage> | ChildSpec[] | PlannedPage;

/**
 * Runs one child job. Return true, nothing or a value (kept as the child's result) for `success`; false to
 * fail at once without retries; throw to retry with backoff (NonRetryableJobError fails at once).
 */
export type ChildProcessor<P = unknown> = (payload: P, context: ChildContext) => Promise<unknown> | unknown;

/** What a topic does: plan root jobs, process child jobs, or both. */
export interface TopicDefinition<P = unknown> {
  /** One line for `jobs topics` and the dashboard. */
  description?: string;
  /** Plans a root job of this topic. */
  plan?: RootPlanner<P>;
  /** Runs a child job of this topic. */
  process?: ChildProcessor<P>;
  /** Why a payload is unacceptable, or undefined when it is fine. Checked before a job is started. */
  validate?: (payload: unknown) => string | undefined;
  /**
   * How a child job of this topic runs: `'activity'` (default), an activity of its batch workflow; or
   * `'workflow'`, a workflow of its own, listed and searchable in the Web UI. A root's `runChildrenAs` overrides it.
   */
  runAs?: ChildRunMode;
  /** Let short children of this topic share one activity task (default true; activity mode only). */
  pack?: boolean;
}

/**
 * An application's topics, defined once and given to workers (which run them) and clients (which refuse unknown
 * topics and invalid payloads before anything starts).
 */
export class JobApplication {
  private readonly definitions = new Map<string, TopicDefinition>();

  /** Defines a topic; throws when the name is taken or the definition has neither plan nor process. */
  topic<P>(name: string, definition: TopicDefinition<P>): this {
    if (this.definitions.has(name)) throw new Error(`Topic "${name}" is defined twice.`);
    if (!definition.plan && !definition.process)
      throw new Error(`Topic "${name}" needs a plan or a process function.`);
    if (definition.runAs !== undefined && definition.runAs !== 'activity' && definition.runAs !== 'workflow')
      throw new Error(`Topic "${name}": runAs must be 'activity' or 'workflow'.`);
    this.definitions.set(name, definition as TopicDefinition);
    return this;
  }

  /** The topics' names, in the order they were defined. */
  get topics(): string[] {
    return [...this.definitions.keys()];
  }

  /** A topic's definition, or undefined. */
  find(name: string): TopicDefinition | undefined {
    return this.definitions.get(name);
  }

  /** The planner of a topic that can start root jobs; throws InvalidJobInputError otherwise. */
  planner(topic: string): RootPlanner {
    const plan = this.require(topic).plan;
    if (!plan)
      throw new InvalidJobInputError(`Topic "${topic}" has no planner, so it cannot start a root job.`);
    return plan;
  }

  /** The processor of a topic that can run child jobs; throws InvalidJobInputError otherwise. */
  processor(topic: string): ChildProcessor {
    const process = this.require(topic).process;
    if (!process)
      throw new InvalidJobInputError(`Topic "${topic}" has no processor, so it cannot run a child job.`);
    return process;
  }

  /** Throws InvalidJobInputError when the topic cannot start a root job with this payload. */
  checkRootStart(topic: string, payload: unknown): void {
    this.planner(topic);
    const problem = this.require(topic).validate?.(payload);
    if (problem) throw new InvalidJobInputError(`Payload rejected by topic "${topic}": ${problem}`);
  }

  private require(topic: string): TopicDefinition {
    const definition = this.definitions.get(topic);
    if (!definition) {
      throw new InvalidJobInputError(
        `Unknown topic "${topic}". Known topics: ${this.topics.join(', ') || 'none'}.`,
      );
    }
    return definition;
  }
}
