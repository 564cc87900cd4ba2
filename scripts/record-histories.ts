/**
 * `npm run record-histories`: runs representative jobs on a fresh dev server and writes the history of every
 * workflow they ran to test/fixtures/histories/<scenario>/, for the replay test (test/replay). Re-record only
 * when a change to workflow code is meant to break replay, which breaks roots that are open during a deploy:
 * see "Changing workflow code" in docs/design.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createSeedApplication } from '../src/example/seed-app';
import type { Client } from '@temporalio/client';
import { batchWorkflowId, concurrencyKeyWorkflowId } from '../src/jobs/ids';
import type { RootStatusAnswer } from '../src/contract/jobs';
import type { JobClient } from '../src/client/job-client';
import { createJobTestbed } from '../test/helpers/jobs';
import { statusWhen } from '../test/helpers/jobs';

const FIXTURES = path.resolve(__dirname, '..', 'test', 'fixtures', 'histories');

/** A scenario returns its roots (their trees are recorded) and any other workflows it ran, by id. */
type Scenario = (
  jobs: JobClient,
  name: string,
  client: Client,
) => Promise<string[] | { roots: string[]; others: string[] }>;

const running = (child: string) => (root: RootStatusAnswer) =>
  root.children.some((c) => c.name === `do_small_job:${child}` && c.status === 'running');

const scenarios: Record<string, Scenario> = {
  async success(jobs, name) {
    await jobs.start('do_big_job', {
      name,
      data: { parts: [{ name: 'a', durationMs: 50 }, { name: 'b' }, { name: 'c' }] },
    });
    return [name];
  },
  async 'retry-and-invalid'(jobs, name) {
    await jobs.start('do_big_job', {
      name,
      data: {
        parts: [
          { name: 'flaky', failTimes: 2 },
          { name: 'bad', valid: false },
          { name: 'hopeless', failTimes: 9 },
        ],
      },
    });
    return [name];
  },
  async 'graceful-interrupt'(jobs, name) {
    const parts = [
      { name: 'r1', durationMs: 3000 },
      { name: 'r2', durationMs: 3000 },
      { name: 'n1' },
      { name: 'n2' },
    ];
    await jobs.start('do_big_job', { name, maxParallel: 2, data: { parts } });
    await statusWhen(jobs, name, running('r1'));
    await jobs.interrupt(name);
    return [name];
  },
  async 'forced-interrupt'(jobs, name) {
    await jobs.start('do_big_job', {
      name,
      data: { parts: [{ name: 'long', durationMs: 60_000 }, { name: 'short' }] },
    });
    await statusWhen(jobs, name, running('long'));
    await jobs.interrupt(name, { force: true });
    return [name];
  },
  async 'child-interrupts'(jobs, name) {
    const parts = [{ name: 'slow', durationMs: 60_000 }, { name: 'waiting' }, { name: 'after' }];
    await jobs.start('do_big_job', { name, maxParallel: 1, data: { parts } });
    await statusWhen(jobs, name, running('slow'));
    await jobs.interrupt(`${name}/do_small_job:waiting`);
    await jobs.interrupt(`${name}/do_small_job:slow`, { force: true });
    return [name];
  },
  async 'follow-ups'(jobs, name) {
    await jobs.start('do_big_job', {
      name,
      data: { parts: [{ name: 'a' }] },
      followUps: [{ topic: 'do_big_job', name: `${name}-next`, payload: { parts: [{ name: 'next' }] } }],
    });
    await jobs.wait(name);
    return [name, `${name}-next`];
  },
  async 'continue-as-new'(jobs, name) {
    const parts = Array.from({ length: 12 }, (_, i) => ({ name: `p${i}` }));
    await jobs.start('do_big_job', {
      name,
      batchSize: 2,
      maxParallel: 2,
      continueAsNewAfterEvents: 30,
      data: { parts },
    });
    return [name];
  },
  async 'packed-fan-out'(jobs, name) {
    const parts = Array.from({ length: 1000 }, (_, i) => ({ name: `p${i}` }));
    await jobs.start('do_big_job', { name, data: { parts } });
    return [name];
  },
  async 'longer-packs'(jobs, name) {
    // Children of 200 ms are packed (patch longer-packs): before it, only children up to 100 ms were.
    const parts = Array.from({ length: 40 }, (_, i) => ({ name: `p${i}`, durationMs: 200 }));
    await jobs.start('do_big_job', { name, maxParallel: 5, data: { parts } });
    return [name];
  },
  async 'fewer-turnovers'(jobs, name) {
    // Slots of a pack of 200 ms children run up to 15 of them one after another (patch fewer-turnovers; before
    // it, 5), and near the root's end a pack takes the root's share alone, not the batch's ready children over
    // its own slots: three batches, so that one holds more slots than its share.
    const parts = Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, durationMs: 200 }));
    await jobs.start('do_big_job', { name, batchSize: 20, maxParallel: 6, data: { parts } });
    return [name];
  },
  async 'even-ends'(jobs, name) {
    // Packs take at most their share of the children waiting (patch even-ends): in their batch, and as the
    // root's grants say once every child is planned (three batches, so grants move slots between them).
    const parts = Array.from({ length: 60 }, (_, i) => ({ name: `e${i}`, durationMs: 50 }));
    await jobs.start('do_big_job', { name, batchSize: 20, maxParallel: 5, data: { parts } });
    return [name];
  },
  async 'share-starts'(jobs, name) {
    // Batches started together share the free slots (patch share-starts): four batches of 20, 9 slots; near the
    // end, batches holding slots hear the end rounds again as they fall (patch fresh-end-rounds).
    const parts = Array.from({ length: 80 }, (_, i) => ({ name: `s${i}`, durationMs: 50 }));
    await jobs.start('do_big_job', { name, batchSize: 20, maxParallel: 9, data: { parts } });
    return [name];
  },
  async controls(jobs, name) {
    const parts = [{ name: 'a', durationMs: 1000 }, { name: 'b' }, { name: 'c' }];
    await jobs.start('do_big_job', { name, maxParallel: 1, data: { parts } });
    await statusWhen(jobs, name, running('a'));
    await jobs.pause(name);
    await jobs.scale(name, 2);
    await jobs.resume(name);
    return [name];
  },
  async 'retry-finished'(jobs, name) {
    const parts = [{ name: 'ok' }, { name: 'hopeless', failTimes: 9 }];
    await jobs.start('do_big_job', { name, maxAttempts: 1, data: { parts } });
    await jobs.wait(name);
    await jobs.retry(name);
    return [name];
  },
  async 'concurrency-key'(jobs, name) {
    const key = `${name}-key`;
    await jobs.limit(key, 1);
    const roots = [`${name}-a`, `${name}-b`];
    for (const root of roots) {
      const parts = [{ name: 'x', durationMs: 200 }, { name: 'y' }];
      await jobs.start('do_big_job', { name: root, concurrencyKey: key, data: { parts } });
    }
    return { roots, others: [concurrencyKeyWorkflowId(key)] };
  },
  async 'key-join-first'(jobs, name) {
    // Roots of a key join it before they plan (patch join-key-first); the second waits for the first's slot.
    const key = `${name}-key`;
    await jobs.limit(key, 1);
    const roots = [`${name}-a`, `${name}-b`];
    for (const root of roots) {
      await jobs.start('do_big_job', { name: root, concurrencyKey: key, data: { parts: [{ name: 'x' }] } });
    }
    return { roots, others: [concurrencyKeyWorkflowId(key)] };
  },
  async 'key-reports'(jobs, name) {
    // A root reports to its key as a batch to its root (patch key-reports-as-batches): more wanted at once.
    const key = `${name}-key`;
    await jobs.limit(key, 2);
    const roots = [`${name}-a`, `${name}-b`];
    for (const root of roots) {
      const parts = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, durationMs: 300 }));
      await jobs.start('do_big_job', { name: root, concurrencyKey: key, data: { parts } });
    }
    return { roots, others: [concurrencyKeyWorkflowId(key)] };
  },
  async 'batches-closed'(jobs, name) {
    // A root stops once its batches have closed (patch wait-batches-closed); after a continue-as-new it asks
    // the server about the batches an earlier run started.
    const parts = [{ name: 'a', durationMs: 1500 }, { name: 'b' }, { name: 'c' }];
    await jobs.start('do_big_job', {
      name,
      batchSize: 1,
      maxParallel: 1,
      continueAsNewAfterEvents: 20,
      data: { parts },
    });
    return [name];
  },
  async 'stale-batch-close'(jobs, _name, client) {
    // A batch retried while it closes (patch current-batch-run-only): the closing run's close, seen after the
    // root reopened the batch, is not the rerun's. Only the root's history is kept: its batches were held open
    // by a test interceptor, which the replay does not load.
    const name = 'held-stale-batch-close';
    const parts = [{ name: 'a' }, { name: 'b', failTimes: 1 }];
    await jobs.start('do_big_job', { name, maxAttempts: 1, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.failed === 1);
    await jobs.retry(name);
    const release = () => client.workflow.getHandle(batchWorkflowId(name, 0)).signal('test-release-batch');
    await release();
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success === 2);
    await release();
    await jobs.wait(name);
    return { roots: [], others: [name] };
  },
  async 'child-workflows'(jobs, name) {
    const parts = [{ name: 'a' }, { name: 'flaky', failTimes: 1 }, { name: 'bad', valid: false }];
    await jobs.start('do_big_job', { name, runChildrenAs: 'workflow', data: { parts } });
    return [name];
  },
  async 'live-status'(jobs, name) {
    // A root of several pages whose status stays running until it stops (patch no-final-status-before-stop).
    const parts = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    await jobs.start('do_big_job', { name, batchSize: 1, maxParallel: 1, data: { parts } });
    return [name];
  },
  async 'retry-unplanned'(jobs, name) {
    // Planning fails (a child's name holds "/"): the root keeps where planning stopped (patch keep-unplanned),
    // and a retry plans again from there.
    await jobs.start('do_big_job', { name, data: { parts: [{ name: 'a' }, { name: 'b/c' }] } });
    await jobs.wait(name);
    await jobs.retry(name);
    return [name];
  },
  async 'retry-running-workflows'(jobs, name) {
    // A rerun of a running batch in workflow mode (patch rerun-sequences): its child's new workflow counts its
    // transitions from 1 again.
    const parts = [
      { name: 'bad', valid: false },
      { name: 'long', durationMs: 3000 },
    ];
    await jobs.start('do_big_job', { name, runChildrenAs: 'workflow', data: { parts } });
    await statusWhen<RootStatusAnswer>(
      jobs,
      name,
      (root) => root.counts.failed === 1 && root.counts.running === 1,
    );
    await jobs.retry(name);
    return [name];
  },
  async 'pack-scopes'(jobs, name) {
    // Each pack its own scope: interrupting one running child cancels its pack only (patch pack-scopes).
    const parts = [
      { name: 'slow', durationMs: 60_000 },
      { name: 'other', durationMs: 1500 },
      { name: 'waiting' },
    ];
    await jobs.start('do_big_job', { name, maxParallel: 2, data: { parts } });
    await statusWhen(jobs, name, running('other'));
    await jobs.interrupt(`${name}/do_small_job:slow`, { force: true });
    await jobs.interrupt(`${name}/do_small_job:waiting`);
    return [name];
  },
  async 'lost-batch'(jobs, name, client) {
    // A batch an operator terminates, once after the root has continued as new (so the root probes it, patch
    // watch-batches): a new run of it rebuilds its records and fails what had not ended.
    const parts = [{ name: 'long', durationMs: 60_000 }, { name: 'waiting' }];
    const { runId } = await jobs.start('do_big_job', {
      name,
      maxParallel: 1,
      continueAsNewAfterEvents: 20,
      data: { parts },
    });
    await statusWhen(jobs, name, running('long'));
    for (;;) {
      if ((await client.workflow.getHandle(name).describe()).runId !== runId) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await client.workflow.getHandle(batchWorkflowId(name, 0)).terminate('recording lost-batch');
    return [name];
  },
  async 'earlier-batches'(jobs, name, client) {
    // A root an operator terminated left its batch running: a new root of the name ends that batch and starts
    // its own (patch end-earlier-batches); its batches say which root started them.
    const parts = [{ name: 'long', durationMs: 60_000 }, { name: 'b' }];
    await jobs.start('do_big_job', { name, data: { parts } });
    await statusWhen(jobs, name, running('long'));
    await client.workflow.getHandle(name).terminate('recording earlier-batches');
    await jobs.start('do_big_job', { name, data: { parts: [{ name: 'a' }] } });
    return [name];
  },
  async 'twice-lost'(jobs, _name, client) {
    // A batch terminated, then the run replacing it too (patch lost-batch-counts): it ends with the counts of
    // that run's history. Only the root's history is kept: its batches ran under test interceptors.
    const name = 'held-muted-twice-lost';
    const parts = [{ name: 'a' }, { name: 'b' }, { name: 'c', durationMs: 60_000 }];
    await jobs.start('do_big_job', { name, maxParallel: 3, data: { parts } });
    await statusWhen<RootStatusAnswer>(jobs, name, (root) => root.counts.success === 2);
    const batch = client.workflow.getHandle(batchWorkflowId(name, 0));
    const first = (await batch.describe()).runId;
    await batch.terminate('recording twice-lost, once');
    while ((await batch.describe()).runId === first) await new Promise((resolve) => setTimeout(resolve, 200));
    await batch.terminate('recording twice-lost, twice');
    await jobs.wait(name);
    return { roots: [], others: [name] };
  },
  async 'closed-by-status'(jobs, name) {
    // Workflows close as their jobs end: a failed root and child fail, a cancelled root and child are cancelled.
    const failed = `${name}-failed`;
    const parts = [{ name: 'a' }, { name: 'bad', valid: false }];
    await jobs.start('do_big_job', { name: failed, runChildrenAs: 'workflow', data: { parts } });
    const cancelled = `${name}-cancelled`;
    await jobs.start('do_big_job', {
      name: cancelled,
      runChildrenAs: 'workflow',
      data: { parts: [{ name: 'long', durationMs: 3000 }, { name: 'short' }] },
    });
    await statusWhen(jobs, cancelled, running('long'));
    await jobs.interrupt(`${cancelled}/do_small_job:long`, { force: true });
    return [failed, cancelled];
  },
  async 'records-kept'(jobs, name) {
    // Batches keep their records in their own history and end with counts alone (input keepsRecords): two
    // batches, a child retried and one failed.
    const parts = [
      { name: 'a' },
      { name: 'flaky', failTimes: 1 },
      { name: 'bad', valid: false },
      { name: 'b' },
    ];
    await jobs.start('do_big_job', { name, batchSize: 2, data: { parts } });
    return [name];
  },
  async 'child-status-once'(jobs, name) {
    // Child workflows started `running` by their batch write their status only when it changes, and close
    // by status without the patch (input closesByStatus): succeeded, retried, failed and cancelled ones.
    const parts = [
      { name: 'a' },
      { name: 'flaky', failTimes: 1 },
      { name: 'bad', valid: false },
      { name: 'long', durationMs: 3000 },
    ];
    await jobs.start('do_big_job', { name, runChildrenAs: 'workflow', data: { parts } });
    await statusWhen(jobs, name, running('long'));
    await jobs.interrupt(`${name}/do_small_job:long`, { force: true });
    return [name];
  },
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const only = process.argv[2];
  // Roots named held-… have batches that close only when told (test/fixtures/hold-batch-close.ts), and those
  // named held-muted-… batches whose reports never reach them (mute-batch-reports.ts).
  const hold = ['hold-batch-close.ts', 'mute-batch-reports.ts'].map((file) =>
    path.resolve(__dirname, '..', 'test', 'fixtures', file),
  );
  const app = createSeedApplication({ error: () => undefined });
  const testbed = await createJobTestbed('dev-server', app, {}, { workflowInterceptorModules: hold });
  try {
    for (const [scenario, run] of Object.entries(scenarios)) {
      if (only && scenario !== only) continue;
      const ran = await run(testbed.jobs, scenario, testbed.client);
      const { roots, others: otherIds } = Array.isArray(ran) ? { roots: ran, others: [] } : ran;
      for (const root of roots) await testbed.jobs.wait(root);
      const directory = path.join(FIXTURES, scenario);
      fs.rmSync(directory, { recursive: true, force: true });
      fs.mkdirSync(directory, { recursive: true });
      let written = 0;
      const others = otherIds.map((id) => `WorkflowId = '${id}'`);
      for (const query of [...roots.map((root) => `JobRootId = '${root}'`), ...others]) {
        for await (const execution of testbed.client.workflow.list({ query })) {
          const handle = testbed.client.workflow.getHandle(execution.workflowId, execution.runId);
          const file = `${execution.workflowId.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${execution.runId}.json`;
          // protobufjs's own JSON (enum names, base64 bytes), gzipped; the replay test reads it back.
          const history = JSON.parse(JSON.stringify(await handle.fetchHistory())) as unknown;
          const json = JSON.stringify({ workflowId: execution.workflowId, history });
          fs.writeFileSync(path.join(directory, `${file}.gz`), zlib.gzipSync(json));
          written++;
        }
      }
      console.log(`${scenario}: ${written} histories`);
    }
  } finally {
    await testbed.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
