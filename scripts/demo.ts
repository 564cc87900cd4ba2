/**
 * `npm start`: the seed's big job end to end. Starts the embedded dev server unless one answers, runs a
 * worker, submits the demo big job, shows it live, prints where to see it in the Web UI, then a summary.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { watchRoot } from '../src/cli/watch';
import {
  connectClient,
  connectWorker,
  connectionSettingsFromEnv,
  taskQueueFromEnv,
  type ConnectionSettings,
} from '../src/connection';
import * as path from 'node:path';
import { defaultDevServerDbFile, startDevServer, type DevServer } from '../src/provisioning/dev-server';
import { DEMO_JOB_NAME, DEMO_OWNER, demoBigJob } from '../src/example/demo-job';
import { createSeedApplication } from '../src/example/seed-app';
import { JobClient } from '../src/client/job-client';
import type { RootStatusAnswer } from '../src/contract/jobs';
import { canConnect } from '../src/provisioning/ports';
import { createJobWorker } from '../src/worker';
import { DEFAULT_DASHBOARD_PORT } from '../src/cli/ui-command';
import { startDashboard } from '../src/dashboard/dashboard-server';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // A closed terminal ends the demo; the exit hook of startDevServer then stops the server it started.
  process.once('SIGHUP', () => process.exit(129));
  const settings = connectionSettingsFromEnv();
  const [host, port] = splitAddress(settings.address);
  let devServer: DevServer | undefined;
  let uiUrl = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
  if (await canConnect(port, host)) {
    console.log(`Using the Temporal server already answering at ${settings.address}.`);
  } else {
    console.log(`No Temporal server at ${settings.address}: starting the embedded dev server…`);
    const logFile = path.join(path.dirname(defaultDevServerDbFile()), 'dev-server.log');
    devServer = await startDevServer({ port, ip: host, log: (line) => console.log(line), logFile });
    uiUrl = devServer.uiUrl;
    console.log(
      `Dev server ready: gRPC ${devServer.address}, Web UI ${devServer.uiUrl}, data in ${devServer.dbFile}`,
    );
  }

  try {
    await runDemo(settings, uiUrl);
  } finally {
    if (devServer) {
      await devServer.stop();
      console.log(
        'Dev server stopped; its data stays in .data/ (`npm run dev-server` serves it again with the Web UI).',
      );
    }
  }
}

async function runDemo(settings: ConnectionSettings, uiUrl: string): Promise<void> {
  const taskQueue = taskQueueFromEnv();
  const connection = await connectWorker(settings);
  console.log('Starting a worker (bundling the workflow code takes a few seconds)…');
  const worker = await createJobWorker({
    connection,
    namespace: settings.namespace,
    taskQueue,
    app: createSeedApplication(quietLog),
  });
  const jobs = new JobClient(await connectClient(settings), taskQueue, createSeedApplication());
  const dashboard = await startDemoDashboard(jobs, uiUrl);
  try {
    // Status answers for a running job come from the worker, so the live view runs while it does.
    await worker.runUntil(async () => {
      const started = await jobs.start('do_big_job', {
        name: DEMO_JOB_NAME,
        ownerId: DEMO_OWNER,
        maxParallel: 4,
        data: demoBigJob(),
      });
      const ui = `${uiUrl}/namespaces/${settings.namespace}`;
      console.log(
        `${started.attached ? 'Attached to the demo job that was still running' : 'Started root job'} "${started.id}".\n` +
          `Jobs dashboard: ${dashboard.url}/#/jobs/${encodeURIComponent(started.id)}\n` +
          `Web UI: ${ui}/workflows/${encodeURIComponent(started.id)}\n` +
          `All root jobs: ${ui}/workflows?query=${encodeURIComponent("JobKind='root'")}\n`,
      );
      const final = await watchRoot(jobs, started.id);
      await printSummary(jobs, final, uiUrl);
    });
  } finally {
    await dashboard.close();
    await connection.close();
  }
}

/** The jobs dashboard (`jobs ui`) while the demo runs: on its usual port, or any free one if that is taken. */
async function startDemoDashboard(jobs: JobClient, uiUrl: string) {
  const port = (await canConnect(DEFAULT_DASHBOARD_PORT, '127.0.0.1')) ? 0 : DEFAULT_DASHBOARD_PORT;
  return startDashboard({ jobs, port, protectReads: false, webUiUrl: uiUrl });
}

async function printSummary(jobs: JobClient, final: RootStatusAnswer, uiUrl: string): Promise<void> {
  const seconds = ((Date.parse(final.stoppedAt!) - Date.parse(final.startedAt!)) / 1000).toFixed(1);
  const { success, failed, cancelled } = final.counts;
  console.log(
    `\nSummary: "${final.id}" ended ${final.status} in ${seconds} s: ` +
      `${success} succeeded, ${failed} failed, ${cancelled} cancelled of ${final.total}.`,
  );
  const all = (await jobs.status(final.id, { limit: final.total })) as RootStatusAnswer;
  for (const child of all.children.filter((c) => c.status === 'failed')) {
    console.log(`  failed as planned: ${child.name}: ${child.error}`);
  }
  for (const message of workerErrors) console.log(`  the worker logged: ${message}`);
  for (const child of all.children.filter((c) => c.attempts > 1)) {
    console.log(`  retried: ${child.name} ended ${child.status} on attempt ${child.attempts}`);
  }
  console.log(
    `See it again: \`npm run dev-server\` (Web UI ${uiUrl}), then \`npm run -s jobs -- status ${final.id}\` ` +
      `(a finished job is read without a worker), or \`npm run -s jobs -- ui\` for the jobs dashboard.`,
  );
}

/** The demo's invalid parts log an error on purpose; kept for the summary, so the live view is not disturbed. */
const workerErrors: string[] = [];
const quietLog = { error: (message: string) => workerErrors.push(message) };

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon) || '127.0.0.1', Number(address.slice(colon + 1))];
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
