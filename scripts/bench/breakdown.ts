/**
 * `npm run bench -- breakdown [N] [--mode packed|single|workflow] [--child-ms MS]`: where one root's fan-out
 * spends, per child. One root of N no-op children (or children that work MS each; 50 at once) on a fresh tuned dev server, then: CPU-ms per child of the server
 * and of this process by thread (the JS main thread runs the activities and the client; the other `node`
 * threads are the workflow thread and V8's helpers; `tokio-*` threads are the SDK's Rust core), and from every
 * history in the tree, per child: events by type, workflow tasks, activity tasks, signals, payload bytes.
 * For a CPU profile by function, run the benchmark under `node --cpu-prof` (see docs/benchmarks.md).
 * `--bare`: the same figures for bare Temporal doing the mode's work (compare's baseline), to set beside ours.
 */
import * as fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import { startFanOutRoot } from './fan-out';
import { persistenceByOperation, requestsByOperation } from './persistence-metrics';
import { measure, startBenchServer, statCpuSeconds } from './harness';
import { MODES, type BenchMode } from './modes';
import { bare as bareRun } from './compare';

export async function benchBreakdown(
  children: number,
  mode: BenchMode,
  childMs = 0,
  bare = false,
): Promise<void> {
  const bench = await startBenchServer('tuned', { stackTraces: bare });
  try {
    const jobs = new JobClient(bench.env.client, bench.taskQueue);
    const name = `breakdown-${children}`;
    const threadsBefore = threadCpu();
    const serverBefore = await serverCalls(bench.metricsUrls!);
    const measured = await bench.worker.runUntil(
      measure(bench.pids, async () => {
        if (bare) {
          await bareRun(mode === 'workflow' ? 'bareChildWorkflowsWorkflow' : 'bareActivitiesWorkflow')(
            bench,
            children,
          );
          return children; // it throws unless every child finished
        }
        await startFanOutRoot(jobs, name, children, mode, childMs);
        const final: RootStatusAnswer = await jobs.wait(name);
        return final.counts.success;
      }),
    );
    const threads = threadCpu(threadsBefore);
    const server = await serverCalls(bench.metricsUrls!, serverBefore);
    if (measured.value !== children) throw new Error(`${measured.value} of ${children} children succeeded`);
    const perChild = (value: number) => ((value * 1000) / children).toFixed(3);
    const work = childMs ? `children of ${childMs} ms` : 'no-op children';
    const label = bare
      ? `bare Temporal, ${mode === 'workflow' ? 'child workflows' : 'activities'}`
      : MODES[mode].label;
    console.log(`breakdown: one root of ${children} ${work}, ${label}, 50 at once`);
    console.log(
      `  wall ${measured.seconds.toFixed(1)} s, ${(children / measured.seconds).toFixed(0)} children/s`,
    );
    console.log(`  CPU-ms per child`);
    console.log(`    server                    ${perChild(measured.cpuSeconds.server)}`);
    console.log(`    worker process, all       ${perChild(measured.cpuSeconds.worker)}`);
    for (const [thread, seconds] of threads) console.log(`      ${thread.padEnd(24)}${perChild(seconds)}`);
    const counted = [...threads.values()].reduce((sum, seconds) => sum + seconds, 0);
    console.log(`      threads that ended      ${perChild(measured.cpuSeconds.worker - counted)}`);
    for (const [heading, calls] of [
      ['requests to the server', server.requests],
      ['database calls', server.database],
    ] as const) {
      const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
      console.log(`  ${heading} per child: ${(total / children).toFixed(3)}`);
      for (const [operation, count] of [...calls].slice(0, 8))
        console.log(`      ${operation.padEnd(40)}${(count / children).toFixed(3).padStart(8)}`);
    }
    // A fresh server holds only this run's workflows: the bare ones carry no job attributes to select by.
    const tree = await historyFigures(bench.address, bare ? '' : `JobRootId = '${name}'`);
    const each = (count: number) => (count / children).toFixed(3);
    console.log(`  per child, from ${tree.workflows} histories in the tree`);
    console.log(`    history events            ${each(tree.events)}`);
    console.log(`    workflow tasks            ${each(tree.byType.get('WORKFLOW_TASK_COMPLETED') ?? 0)}`);
    for (const [type, tasks] of [...tree.tasksByWorkflow].sort((a, b) => b[1] - a[1]))
      console.log(`      of ${type.padEnd(38)}${each(tasks).padStart(6)}`);
    console.log(`    activity tasks            ${each(tree.byType.get('ACTIVITY_TASK_SCHEDULED') ?? 0)}`);
    console.log(`    payload bytes             ${each(tree.payloadBytes)}`);
    console.log(`    by event type                             events   payload bytes`);
    for (const [type, count] of [...tree.byType].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
      const bytes = (tree.bytesByType.get(type) ?? 0) / children;
      console.log(`      ${type.padEnd(42)}${each(count).padStart(6)}  ${bytes.toFixed(1).padStart(13)}`);
    }
  } finally {
    await bench.teardown();
  }
}

interface ServerCalls {
  requests: Map<string, number>;
  database: Map<string, number>;
}

/** The server's calls by operation from its metrics: requests to its frontend, and its database calls. */
async function serverCalls(metricsUrls: string[], before?: ServerCalls): Promise<ServerCalls> {
  const since = (now: Map<string, number>, then?: Map<string, number>) =>
    new Map(
      [...now]
        .map(([operation, count]) => [operation, count - (then?.get(operation) ?? 0)] as const)
        .filter(([, count]) => count > 0)
        .sort((a, b) => b[1] - a[1]),
    );
  const database = new Map(
    (await persistenceByOperation(metricsUrls)).map(({ operation, calls }) => [operation, calls]),
  );
  return {
    requests: since(await requestsByOperation(metricsUrls), before?.requests),
    database: since(database, before?.database),
  };
}

/** CPU seconds of this process's threads, grouped: the main thread, other `node` threads, Rust's, the rest. */
function threadCpu(before?: Map<string, number>): Map<string, number> {
  const groups = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    let comm: string;
    try {
      comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended
    }
    const group =
      Number(tid) === process.pid
        ? 'JS main thread'
        : comm === 'node'
          ? 'other node threads'
          : comm.startsWith('tokio')
            ? 'Rust core (tokio)'
            : 'other';
    const seconds = statCpuSeconds(`/proc/self/task/${tid}/stat`);
    groups.set(group, (groups.get(group) ?? 0) + seconds);
  }
  if (before) for (const [group, seconds] of before) groups.set(group, (groups.get(group) ?? 0) - seconds);
  return new Map([...groups].sort((a, b) => b[1] - a[1]));
}

interface TreeFigures {
  workflows: number;
  events: number;
  payloadBytes: number;
  byType: Map<string, number>;
  bytesByType: Map<string, number>;
  /** Workflow tasks by workflow type. */
  tasksByWorkflow: Map<string, number>;
}

/** A root's histories hold pages past gRPC's default 4 MB a message: this client takes up to 64 MB. */
async function historyFigures(address: string, query: string): Promise<TreeFigures> {
  const connection = await Connection.connect({
    address,
    channelArgs: { 'grpc.max_receive_message_length': 64 * 2 ** 20 },
  });
  try {
    return await treeFigures(new Client({ connection }), query);
  } finally {
    await connection.close();
  }
}

async function treeFigures(client: Client, query: string): Promise<TreeFigures> {
  const figures: TreeFigures = {
    workflows: 0,
    events: 0,
    payloadBytes: 0,
    byType: new Map(),
    bytesByType: new Map(),
    tasksByWorkflow: new Map(),
  };
  for await (const execution of client.workflow.list(query ? { query } : {})) {
    figures.workflows++;
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    for (const event of history.events ?? []) {
      figures.events++;
      const type = eventTypeName(event.eventType);
      figures.byType.set(type, (figures.byType.get(type) ?? 0) + 1);
      if (type === 'WORKFLOW_TASK_COMPLETED') {
        const tasks = figures.tasksByWorkflow;
        tasks.set(execution.type, (tasks.get(execution.type) ?? 0) + 1);
      }
      const bytes = payloadBytes(event);
      figures.payloadBytes += bytes;
      figures.bytesByType.set(type, (figures.bytesByType.get(type) ?? 0) + bytes);
    }
  }
  return figures;
}

function eventTypeName(type: unknown): string {
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type);
  return (name ?? String(type)).replace(/^EVENT_TYPE_/, '');
}

/** The bytes of every payload's data in an event. */
function payloadBytes(value: unknown, depth = 0): number {
  if (!value || typeof value !== 'object' || depth > 12) return 0;
  if (value instanceof Uint8Array) return 0;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && 'metadata' in record) return record.data.length;
  let total = 0;
  for (const key of Object.keys(record)) total += payloadBytes(record[key], depth + 1);
  return total;
}
