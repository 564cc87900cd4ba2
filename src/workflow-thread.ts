/**
 * The worker's workflow thread without promise stack traces. The SDK records a stack trace for every promise
 * that workflow code makes (for the `__stack_trace` query, the Web UI's "Stack Trace" tab): in a fan-out that
 * was about half of the workflow thread's CPU and a quarter of the worker's. Job workflows are this package's
 * code, not the user's, so a job worker's workflow thread goes without that hook unless
 * JOBS_WORKFLOW_STACK_TRACES=1; errors thrown in workflows keep their source-mapped stacks.
 *
 * The SDK has no option for it: while a worker is created (`withoutWorkflowStackTraces`), the thread it starts
 * from its `workflow-worker-thread.js` first marks the SDK's hooks as installed (`globalHandlers` in
 * `vm-shared.js`, beside it). test/engine/workflow-thread.test.ts fails should an SDK upgrade move these.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
// The module object itself, which the SDK reads `Worker` from when it starts its thread (an `import *` copies it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import threads = require('node:worker_threads');

const WORKFLOW_THREAD_FILE = 'workflow-worker-thread.js';
const OriginalWorker = threads.Worker;
let creating = 0;

/** Whether job workers keep the SDK's promise stack traces (JOBS_WORKFLOW_STACK_TRACES=1). */
function workflowStackTracesWanted(): boolean {
  return process.env.JOBS_WORKFLOW_STACK_TRACES === '1';
}

/** Runs `create` (a `Worker.create`) so that the workflow thread it starts records no promise stack traces. */
export async function withoutWorkflowStackTraces<T>(create: () => Promise<T>): Promise<T> {
  if (workflowStackTracesWanted()) return create();
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
    if (options?.eval || path.basename(file) !== WORKFLOW_THREAD_FILE) super(filename, options);
    else super(preamble(file), { ...options, eval: true });
  }
}

function preamble(threadFile: string): string {
  const shared = JSON.stringify(path.join(path.dirname(threadFile), 'vm-shared.js'));
  return [
    `const { globalHandlers } = require(${shared});`,
    "if (typeof globalHandlers?.overridePrepareStackTrace === 'function') {",
    '  globalHandlers.overridePrepareStackTrace();',
    '  globalHandlers.installed = true;',
    '}',
    `require(${JSON.stringify(threadFile)});`,
  ].join('\n');
}
