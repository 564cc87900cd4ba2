/** `jobs start|status|watch|wait|list|interrupt`: starting root jobs and following them. */
import { rootJobInput } from '../jobs/options';
import type { ChildJobState } from '../contract/jobs';
import { childMode, jsonData, parse, statusOption, wholeNumber } from './args';
import {
  connectionOptions,
  exitCodeOf,
  jobClient,
  print,
  printJson,
  requireRootId,
  type Command,
} from './context';
import { ExitCode, UsageError } from './exit-codes';
import { printable } from './printable';
import { sleepLong } from './sleep-long';
import { childLines, childrenTable, rootHeader, table } from './render';
import { watchRoot } from './watch';

export const jobCommands: Record<string, Command> = {
  async start(args) {
    const { values, positionals } = parse(
      args,
      {
        ...connectionOptions,
        data: { type: 'string' },
        name: { type: 'string' },
        owner: { type: 'string' },
        'max-parallel': { type: 'string' },
        'max-attempts': { type: 'string' },
        'run-children-as': { type: 'string' },
        'concurrency-key': { type: 'string' },
        json: { type: 'boolean' },
      },
      ['topic'],
    );
    const data = jsonData(values.data);
    const maxParallel = wholeNumber('max-parallel', values['max-parallel'], 1);
    const maxAttempts = wholeNumber('max-attempts', values['max-attempts'], 1);
    const runChildrenAs = childMode(values['run-children-as']);
    const options = {
      data,
      name: values.name as string | undefined,
      ownerId: values.owner as string | undefined,
      maxParallel,
      maxAttempts,
      runChildrenAs,
      concurrencyKey: values['concurrency-key'] as string | undefined,
    };
    rootJobInput(positionals[0], options, 'cli'); // bad input is refused before any connection
    const jobs = await jobClient(values);
    const started = await jobs.start(positionals[0], options);
    if (values.json) printJson(started);
    else print([started.attached ? `${started.id} (already running for this owner: attached)` : started.id]);
    return ExitCode.ok;
  },

  async status(args) {
    const { values, positionals } = parse(
      args,
      {
        ...connectionOptions,
        status: { type: 'string' },
        offset: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      ['id'],
    );
    const request = {
      status: statusOption(values.status),
      offset: wholeNumber('offset', values.offset, 0),
      limit: wholeNumber('limit', values.limit, 0),
    };
    const jobs = await jobClient(values);
    const answer = await jobs.status(positionals[0], request);
    if (values.json) printJson(answer);
    else if (answer.kind === 'root') print([...rootHeader(answer), '', ...childrenTable(answer.children)]);
    else print(childLines(answer as ChildJobState));
    return ExitCode.ok;
  },

  async watch(args) {
    const { values, positionals } = parse(args, connectionOptions, ['id']);
    requireRootId(positionals[0], 'watch');
    const jobs = await jobClient(values);
    return exitCodeOf(await watchRoot(jobs, positionals[0]));
  },

  async wait(args) {
    const { values, positionals } = parse(args, { ...connectionOptions, timeout: { type: 'string' } }, [
      'id',
    ]);
    const [id] = positionals;
    requireRootId(id, 'wait');
    const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0)) {
      throw new UsageError(`--timeout must be a number of seconds; got "${values.timeout}"`);
    }
    const jobs = await jobClient(values);
    await jobs.status(id, { limit: 0 }); // an unknown id fails now, not at the timeout
    const abort = new AbortController();
    const timedOut =
      timeoutSeconds === undefined
        ? new Promise<never>(() => undefined)
        : sleepLong(timeoutSeconds * 1000, abort.signal).then(() => 'timeout' as const);
    const outcome = await Promise.race([jobs.wait(id), timedOut]);
    abort.abort();
    if (outcome === 'timeout') {
      process.stderr.write(`jobs: ${printable(id)} did not stop within ${timeoutSeconds} s\n`);
      return ExitCode.timeout;
    }
    print([`${id}: ${outcome.status}${outcome.interrupted ? ' (interrupted)' : ''}`]);
    return exitCodeOf(outcome);
  },

  async list(args) {
    const { values } = parse(
      args,
      {
        ...connectionOptions,
        status: { type: 'string' },
        name: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      [],
    );
    const filter = {
      status: statusOption(values.status),
      name: values.name as string | undefined,
      limit: wholeNumber('limit', values.limit, 1) ?? 100,
    };
    const jobs = await jobClient(values);
    const roots = await jobs.list(filter);
    if (values.json) printJson(roots);
    else if (roots.length === 0) print(['no root jobs']);
    else
      print(
        table(
          ['ID', 'STATUS', 'STARTED', 'CLOSED', 'OWNER'],
          roots.map((r) => [r.id, r.status ?? '?', r.startTime, r.closeTime ?? '-', r.ownerId ?? '-']),
        ),
      );
    return ExitCode.ok;
  },

  async interrupt(args) {
    const { values, positionals } = parse(args, { ...connectionOptions, force: { type: 'boolean' } }, ['id']);
    const jobs = await jobClient(values);
    const outcome = await jobs.interrupt(positionals[0], { force: Boolean(values.force) });
    print([outcome.message]);
    return ExitCode.ok;
  },
};
