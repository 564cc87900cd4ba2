/**
 * The Temporal server as a cluster on PostgreSQL (a process per service, two history nodes, 8 shards), and its
 * nodes killed with SIGKILL and started again while a root runs: a history node (its shards move to the other and
 * back), the matching node and the frontend (clients and workers reconnect). Nothing is lost: every child ends
 * once, in the record, within its attempts, and the root ends by its rule. Two worker processes share a root.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { JobClient } from '../../src/client/job-client';
import { isFinal } from '../../src/jobs/status';
import type { RootStatusAnswer } from '../../src/contract/jobs';
import type { NodeName } from '../../src/prod-server/server-nodes';
import { statusWhen, uniqueName } from '../helpers/jobs';
import { app as pidApp } from '../fixtures/pid-app';
import {
  PID_APP,
  expectTwoWorkersShareRoot,
  startPostgresServer,
  type PostgresServer,
} from '../helpers/postgres';
import { eventually, serverCounter } from '../helpers/testbed';
import { killProcessGroup, startWorkerProcess } from '../helpers/worker-process';

const CHILDREN = 300;
const MAX_ATTEMPTS = 3;

describe('a Temporal cluster on PostgreSQL: nodes killed while a root runs', () => {
  let pg: PostgresServer;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    pg = await startPostgresServer({ cluster: { historyNodes: 2 }, shards: 8 });
  }, 240_000);
  afterAll(async () => {
    workers.forEach((process) => killProcessGroup(process));
    await pg?.teardown();
  });

  const worker = async (taskQueue: string, options: string[] = []) => {
    const started = await startWorkerProcess(pg.server.address, taskQueue, PID_APP, options);
    workers.push(started);
    return started;
  };

  /** Starts a root of CHILDREN children of `ms` each, kills `node` once some have ended, starts it again. */
  async function rootThroughKill(node: NodeName, ms: number, whileDown?: () => Promise<unknown>) {
    const taskQueue = `cluster-${randomUUID()}`;
    await worker(taskQueue);
    const jobs = new JobClient(pg.env.client, taskQueue, pidApp);
    const name = uniqueName(`cluster-${node}`);
    await jobs.start('spread', {
      name,
      maxParallel: 20,
      maxAttempts: MAX_ATTEMPTS,
      data: { count: CHILDREN, ms },
    });
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success >= 20, 120_000);
    await pg.server.killNode(node);
    await whileDown?.();
    await pg.server.startNode(node);
    const final = await jobs.wait(name);
    const all = (await jobs.status(name, { limit: CHILDREN })) as RootStatusAnswer;
    return { final, children: all.children };
  }

  function expectEveryChildOnce(final: RootStatusAnswer, children: RootStatusAnswer['children']) {
    expect(final).toMatchObject({
      status: 'success',
      total: CHILDREN,
      progress: 1,
      counts: { success: CHILDREN },
    });
    expect(new Set(children.map((child) => child.name)).size).toBe(CHILDREN);
    for (const child of children) {
      expect(isFinal(child.status)).toBe(true);
      expect(child.attempts).toBeGreaterThanOrEqual(1);
      expect(child.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
    }
  }

  it('a history node killed and started again: its shards move, every child ends once', async () => {
    const shardsOf = (node: NodeName) =>
      serverCounter(
        `http://127.0.0.1:${pg.server.nodes.ports.get(node)!.metrics}/metrics`,
        'numshards_gauge',
      );
    const { final, children } = await rootThroughKill('history-1', 100, () =>
      eventually(
        'history-2 to take every shard',
        async () => ((await shardsOf('history-2')) === 8 ? true : undefined),
        120_000,
      ),
    );
    expectEveryChildOnce(final, children);
    // And some come back to the node started again.
    await eventually(
      'history-1 to own shards again',
      async () => ((await shardsOf('history-1')) > 0 ? true : undefined),
      120_000,
    );
  }, 300_000);

  it('the matching node killed and started again: tasks flow again, every child ends once', async () => {
    const { final, children } = await rootThroughKill('matching', 100);
    expectEveryChildOnce(final, children);
  }, 300_000);

  it('the frontend killed and started again: the client and the workers reconnect', async () => {
    const { final, children } = await rootThroughKill('frontend', 100);
    expectEveryChildOnce(final, children);
  }, 300_000);

  it('two worker processes on the cluster share one root, and both do some', async () => {
    await expectTwoWorkersShareRoot(pg, worker);
  }, 300_000);
});
