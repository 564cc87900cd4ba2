/**
 * fan-out's status reads from a process of its own, as the `jobs` CLI or the dashboard reads a root: a page of
 * 50 every few seconds, each read's milliseconds sent to the benchmark over IPC while the root runs. A read in
 * the benchmark's own process waits on the worker's busy event loop besides the server.
 */
import { Client, Connection } from '@temporalio/client';
import { JobClient } from '../../src/client/job-client';
import type { RootStatusAnswer } from '../../src/contract/jobs';

const [address, namespace, taskQueue, rootId, everyMs] = process.argv.slice(2);

async function main(): Promise<void> {
  const connection = await Connection.connect({ address });
  const jobs = new JobClient(new Client({ connection, namespace }), taskQueue);
  let stopping = false;
  process.on('message', (message) => {
    if (message === 'close') stopping = true;
  });
  process.send!('open');
  while (!stopping) {
    const began = performance.now();
    const status = (await jobs.status(rootId, { limit: 50 }).catch(() => undefined)) as
      RootStatusAnswer | undefined;
    if (status?.status === 'running') process.send!(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, Number(everyMs)));
  }
  await connection.close();
  process.exit(0);
}

void main();
