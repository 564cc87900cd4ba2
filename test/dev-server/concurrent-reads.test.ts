import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import { createGatedApplication, type Gate } from '../fixtures/gated-app';
import { createJobTestbed, rootStatus, uniqueName, type JobTestbed } from '../helpers/jobs';
import { eventually, serverCounter } from '../helpers/testbed';

const CHILDREN = 300;
const READERS = 8;
const ROUNDS = 25;

/**
 * Many people watching one running root (the dashboard open in several browsers, a CLI watch, a script): the
 * server holds at most one query to a workflow whose task is in flight and refuses the next at once
 * ("consistent query buffer is full"), and the client retries that after a second or more. Our servers hold
 * more (src/provisioning/dev-server-tuning.ts), so readers do not queue behind each other's refusals.
 */
describe('concurrent status reads of a running root (dev server)', () => {
  let testbed: JobTestbed;
  let gate: Gate;
  beforeAll(async () => {
    const gated = createGatedApplication();
    gate = gated.gate;
    testbed = await createJobTestbed('dev-server', gated.app, { metrics: true });
  });
  afterAll(async () => {
    gate?.open();
    await testbed?.teardown();
  });

  it(`answers ${READERS} readers at once while children end and the root takes their reports`, async () => {
    const name = uniqueName('watched');
    const names = Array.from({ length: CHILDREN }, (_, i) => `w${i}`);
    await testbed.jobs.start('gated', { name, maxParallel: 50, data: { names } });
    await eventually('the first children to begin', async () => gate.started.length >= 10 || undefined);

    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Children end (their batches report, the root takes the reports in workflow tasks) while they read.
      gate.release(4);
      const reads = await Promise.allSettled(
        Array.from({ length: READERS }, () => testbed.jobs.status(name, { limit: 20 })),
      );
      for (const read of reads) {
        if (read.status === 'rejected') failures.push(reasonOf(read.reason));
      }
    }
    const whileRunning = await rootStatus(testbed.jobs, name, 20);
    const metricsUrl = testbed.metricsUrl!;
    const queries = await serverCounter(metricsUrl, 'action', { action_type: 'grpc_QueryWorkflow' });
    // The frontend counts the history service's refusals of queries (a full buffer is the one it gives).
    const refused = await serverCounter(metricsUrl, 'client_errors', {
      error_type: 'serviceerror_ResourceExhausted',
      operation: 'HistoryClientQueryWorkflow',
    });
    gate.open();
    const final = await testbed.jobs.wait(name);

    expect(failures).toEqual([]);
    expect(queries).toBeGreaterThan(0); // the server's metrics were read (they count the queries)
    expect(refused).toBe(0);
    // Every read above was of the running root: it was still running after them.
    expect(whileRunning.stoppedAt).toBeNull();
    expect(final).toMatchObject({ status: 'success', total: CHILDREN });
  });

  it('a status read answers with none of its calls to the server still running', async () => {
    const name = uniqueName('read-ends');
    gate.open();
    await testbed.jobs.start('gated', { name, data: { names: ['e0', 'e1'] } });
    await testbed.jobs.wait(name);
    // A call left running past the answer could be retrying when its client closes, which throws in a timer.
    const calls = callCounter(3000);
    const connection = await Connection.connect({
      address: testbed.address!,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), calls.interceptor],
    });
    try {
      const jobs = new JobClient(new Client({ connection }), testbed.taskQueue);
      expect(await jobs.status(name)).toMatchObject({ status: 'success', total: 2 });
      expect(calls.inFlight()).toBe(0);
    } finally {
      await connection.close();
    }
  });
});

/**
 * Counts the client's calls to the server that have not ended, and holds the answer to the first read of a
 * batch's history from its end for a while (a read ahead that a slow server answers late).
 */
function callCounter(holdMs: number): { interceptor: Interceptor; inFlight: () => number } {
  let inFlight = 0;
  let held = false;
  const interceptor: Interceptor = (options, nextCall) => {
    const reverseRead = options.method_definition.path.endsWith('/GetWorkflowExecutionHistoryReverse');
    let hold = false;
    return new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        inFlight++;
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            const end = () => {
              inFlight--;
              nextStatus(status);
            };
            if (hold) setTimeout(end, holdMs);
            else end();
          },
        });
      },
      sendMessage(message, next) {
        if (reverseRead && !held && Buffer.from(message as Uint8Array).includes('/batch/'))
          held = hold = true;
        next(message);
      },
    });
  };
  return { interceptor, inFlight: () => inFlight };
}

function reasonOf(err: unknown): string {
  const { message, cause } = err as Error & { cause?: { code?: number; details?: string } };
  return cause ? `${message} (code ${cause.code}: ${cause.details})` : message;
}
