/**
 * The worker's workflow thread, lean. Job workflows are this package's code, not the user's, so a job worker's
 * workflow thread goes without two SDK costs unless JOBS_WORKFLOW_STACK_TRACES=1:
 *
 * - the promise stack traces (a trace for every promise workflow code makes, for the `__stack_trace` query,
 *   the Web UI's "Stack Trace" tab): in a fan-out, about half of the workflow thread's CPU. Errors thrown in
 *   workflows keep their source-mapped stacks.
 * - the deadlock watchdog Node starts as a thread for every call into workflow code (vm's `timeout`; a
 *   workflow task is several calls). One watch per thread replaces it (`watchCalls`): a call that runs past
 *   the SDK's limit (5 s; the `timeout` it passes) stops the worker with an error that says so.
 *
 * The SDK has no option for either: while a worker is created (`withJobWorkflowThread`), the thread it starts
 * from its `workflow-worker-thread.js` first runs a preamble (`preamble`). test/engine/workflow-thread.test.ts
 * fails should an SDK upgrade move what it relies on.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
// The module object itself, which the SDK reads `Worker` from when it starts its thread (an `import *` copies it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import threads = require('node:worker_threads');

const WORKFLOW_THREAD_FILE = 'workflow-worker-thread.js';
const OriginalWorker = threads.Worker;
let creating = 0;

/** The shared counters of one workflow thread's calls into workflow code (Int32 slots). */
const CALLS_INSIDE = 0;
const CALLS_MADE = 1;
const CALL_LIMIT_MS = 2;
/** How often the worker looks at its workflow threads' calls. */
const WATCH_EVERY_MS = 250;

/** Whether job workers keep the SDK's workflow thread as it is (JOBS_WORKFLOW_STACK_TRACES=1). */
function sdkThreadWanted(): boolean {
  return process.env.JOBS_WORKFLOW_STACK_TRACES === '1';
}

/** Runs `create` (a `Worker.create`) so that the workflow thread it starts is the lean one. */
export async function withJobWorkflowThread<T>(create: () => Promise<T>): Promise<T> {
  if (sdkThreadWanted()) return create();
  if (creating++ === 0) threads.Worker = WorkflowThread;
  try {
    return await create();
  } finally {
    if (--creating === 0) threads.Worker = OriginalWorker;
  }
}

class WorkflowThread extends OriginalWorker {
  constructor(filename: string | URL, options?: threads.WorkerOptions) {
    const file = filename instanceof URL ? fileURLToPath(filename) : filename;
    if (options?.eval || path.basename(file) !== WORKFLOW_THREAD_FILE) {
      super(filename, options);
      return;
    }
    const calls = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    super(preamble(file), { ...options, eval: true, workerData: { calls: calls.buffer } });
    watchCalls(this, calls);
  }
}

/**
 * Stops `thread` when one call into workflow code has run past its limit: the thread cannot be interrupted
 * otherwise, and a worker that stops says what happened where one that hangs does not.
 */
function watchCalls(thread: threads.Worker, calls: Int32Array): void {
  let made = -1;
  let since = Date.now();
  const timer = setInterval(() => {
    const limitMs = Atomics.load(calls, CALL_LIMIT_MS);
    if (Atomics.load(calls, CALLS_INSIDE) === 0 || Atomics.load(calls, CALLS_MADE) !== made) {
      made = Atomics.load(calls, CALLS_MADE);
      since = Date.now();
      return;
    }
    if (limitMs <= 0 || Date.now() - since < limitMs) return; // <= 0: none, or over 2^31 ms (debugMode)
    clearInterval(timer);
    const seconds = Math.round((Date.now() - since) / 100) / 10;
    thread.emit(
      'error',
      new Error(
        `workflow code ran ${seconds} s in one call, past the SDK's limit of ${limitMs / 1000} s ` +
          '(a loop that never ends?): the workflow thread is stopped',
      ),
    );
    void thread.terminate();
  }, WATCH_EVERY_MS);
  timer.unref();
  thread.once('exit', () => clearInterval(timer));
}

/**
 * Runs in the workflow thread before the SDK's code: marks the SDK's promise hooks installed (`globalHandlers`
 * in `vm-shared.js`, beside the thread's file), and has calls into workflow code counted instead of timed.
 */
function preamble(threadFile: string): string {
  const shared = JSON.stringify(path.join(path.dirname(threadFile), 'vm-shared.js'));
  return [
    `const { globalHandlers } = require(${shared});`,
    "if (typeof globalHandlers?.overridePrepareStackTrace === 'function') {",
    '  globalHandlers.overridePrepareStackTrace();',
    '  globalHandlers.installed = true;',
    '}',
    "const vm = require('node:vm');",
    "const calls = new Int32Array(require('node:worker_threads').workerData.calls);",
    'const runInContext = vm.Script.prototype.runInContext;',
    'vm.Script.prototype.runInContext = function (context, options) {',
    "  if (typeof options?.timeout === 'number') {",
    `    Atomics.store(calls, ${CALL_LIMIT_MS}, options.timeout);`,
    '    options = { ...options, timeout: undefined };',
    '  }',
    `  Atomics.add(calls, ${CALLS_MADE}, 1);`,
    `  Atomics.add(calls, ${CALLS_INSIDE}, 1);`,
    '  try {',
    '    return runInContext.call(this, context, options);',
    '  } finally {',
    `    Atomics.sub(calls, ${CALLS_INSIDE}, 1);`,
    '  }',
    '};',
    `require(${JSON.stringify(threadFile)});`,
  ].join('\n');
}
