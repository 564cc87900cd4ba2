/** `jobs pause|resume|scale`: changes to a running root, answered once the root has made them. */
import type { RootControlAnswer } from '../workflows/messages';
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
};
