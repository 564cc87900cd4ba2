/**
 * `jobs pause|resume|scale|retry`: changes to a root, answered once the root has made them; and
 * `jobs limit`: a concurrency key's limit, shared by every root started with that key.
 */
import { type RerunnableStatus } from '../contract/jobs';
import { MAX_KEY_LIMIT } from '../jobs/options';
import type { KeyView, RootControlAnswer } from '../contract/messages';
import { parse, wholeNumber } from './args';
import { connectionOptions, jobClient, print, printJson, requireRootId, type Command } from './context';
import { ExitCode, UsageError } from './exit-codes';

const withJson = { ...connectionOptions, json: { type: 'boolean' as const } };

function describe(answer: RootControlAnswer): string {
  const state = answer.paused ? `paused since ${answer.pausedAt}` : 'not paused';
  return `${answer.id}: ${state}, at most ${answer.maxParallel} children at once`;
}

function report(answer: RootControlAnswer, json: unknown): number {
  if (json) printJson(answer);
  else print([describe(answer)]);
  return ExitCode.ok;
}

export const controlCommands: Record<string, Command> = {
  async pause(args) {
    const { values, positionals } = parse(args, withJson, ['id']);
    requireRootId(positionals[0], 'pause');
    const jobs = await jobClient(values);
    return report(await jobs.pause(positionals[0]), values.json);
  },

  async resume(args) {
    const { values, positionals } = parse(args, withJson, ['id']);
    requireRootId(positionals[0], 'resume');
    const jobs = await jobClient(values);
    return report(await jobs.resume(positionals[0]), values.json);
  },

  async scale(args) {
    const { values, positionals } = parse(args, { ...withJson, 'max-parallel': { type: 'string' } }, ['id']);
    requireRootId(positionals[0], 'scale');
    const maxParallel = wholeNumber('max-parallel', values['max-parallel'], 1);
    if (maxParallel === undefined) throw new UsageError('scale needs --max-parallel N');
    const jobs = await jobClient(values);
    return report(await jobs.scale(positionals[0], maxParallel), values.json);
  },

  async retry(args) {
    const { values, positionals } = parse(args, { ...withJson, status: { type: 'string' } }, ['id']);
    requireRootId(positionals[0], 'retry');
    const statuses = rerunStatuses(values.status);
    const jobs = await jobClient(values);
    const outcome = await jobs.retry(positionals[0], { statuses });
    if (values.json) printJson(outcome);
    else print([outcome.message]);
    return ExitCode.ok;
  },

  async limit(args) {
    // A negative limit would read as an option: take it as the limit, to refuse it by name below.
    const negative = args.filter((arg) => /^-\d/.test(arg));
    const rest = args.filter((arg) => !/^-\d/.test(arg));
    const { values, positionals } = parse(rest, withJson, negative.length ? ['key'] : ['key', 'limit?']);
    const [key, given = negative[0]] = positionals;
    const jobs = await jobClient(values);
    if (given === undefined) {
      const view = await jobs.concurrencyKey(key);
      if (values.json) printJson(view);
      else print(describeKey(view));
      return ExitCode.ok;
    }
    const answer = await jobs.limit(key, keyLimit(given));
    if (values.json) printJson(answer);
    else
      print([
        `${key}: ${answer.limit === null ? 'no limit' : `at most ${answer.limit} children at once`} across its roots`,
      ]);
    return ExitCode.ok;
  },
};

/** `N` (1 to MAX_KEY_LIMIT) or `none`, which lifts the limit. */
function keyLimit(value: string): number | null {
  if (value === 'none') return null;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KEY_LIMIT) {
    throw new UsageError(
      `the limit must be a whole number from 1 to ${MAX_KEY_LIMIT}, or none; got "${value}"`,
    );
  }
  return limit;
}

function describeKey(view: KeyView): string[] {
  const limit = view.limit === null ? 'no limit' : `limit ${view.limit}`;
  const lines = [`${view.key}: ${limit}, ${view.held} slots held by ${view.roots.length} open roots`];
  for (const root of view.roots) {
    lines.push(`  ${root.rootId}: holds ${root.held}, may use ${root.allowed}, wants ${root.wants} more`);
  }
  return lines;
}

/** `--status failed`, `--status cancelled` or `--status failed,cancelled` (default failed). */
function rerunStatuses(value: unknown): RerunnableStatus[] {
  if (value === undefined) return ['failed'];
  const statuses = String(value).split(',');
  if (!statuses.every((status) => status === 'failed' || status === 'cancelled')) {
    throw new UsageError(`--status must be failed, cancelled or failed,cancelled; got "${value}"`);
  }
  return statuses as RerunnableStatus[];
}
