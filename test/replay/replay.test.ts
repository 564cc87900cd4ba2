/**
 * Replays recorded histories of representative jobs (test/fixtures/histories, `npm run record-histories`)
 * against today's workflow code: a change that would break roots open during a deploy fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { JOB_WORKFLOWS_PATH } from '../../src/worker';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'histories');

function recorded(scenario: string) {
  const directory = path.join(FIXTURES, scenario);
  return fs.readdirSync(directory).map((file) => {
    const json = zlib.gunzipSync(fs.readFileSync(path.join(directory, file))).toString('utf8');
    const { workflowId, history } = JSON.parse(json) as {
      workflowId: string;
      history: unknown;
    };
    // protobufjs's own JSON, read back by the same proto classes the worker uses.
    return { workflowId, history: temporal.api.history.v1.History.fromObject(history as object) };
  });
}

const scenarios = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).sort() : [];

describe('recorded job histories replay against the current workflow code', () => {
  it('has recorded scenarios', () => {
    expect(scenarios).toEqual(
      expect.arrayContaining([
        'success',
        'retry-and-invalid',
        'graceful-interrupt',
        'forced-interrupt',
        'child-interrupts',
        'follow-ups',
        'continue-as-new',
        'packed-fan-out',
        'child-workflows',
        'controls',
        'retry-finished',
        'concurrency-key',
        'live-status',
        'lost-batch',
        'pack-scopes',
        'retry-running-workflows',
        'retry-unplanned',
        'key-join-first',
        'batches-closed',
        'stale-batch-close',
        'earlier-batches',
        'twice-lost',
        'longer-packs',
        'fewer-turnovers',
        'child-status-once',
        'share-starts',
      ]),
    );
  });

  it.each(scenarios)('%s', async (scenario) => {
    const histories = recorded(scenario);
    expect(histories.length).toBeGreaterThan(0);
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: JOB_WORKFLOWS_PATH }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results.filter((result) => result.error)).toEqual([]);
    expect(results).toHaveLength(histories.length);
  });
});
