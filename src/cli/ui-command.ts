/** `jobs ui`: the jobs dashboard and its HTTP API (src/dashboard/), until Ctrl-C. */
import { settingsFrom, connectionOptions, jobClient, print, type Command } from './context';
import { untilStopped } from './until-stopped';
import { accessProblem } from '../dashboard/access';
import { startDashboard } from '../dashboard/dashboard-server';
import { DEFAULT_STREAM_LIMITS } from '../dashboard/live-reads';
import { parse, portNumber, wholeNumber } from './args';
import { ExitCode, UsageError } from './exit-codes';

export const DEFAULT_DASHBOARD_PORT = 8234;

/** The dev server serves its Web UI 1,000 ports above its gRPC port (7233 → 8233). */
export function defaultWebUiUrl(address: string): string | undefined {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) return undefined;
  const host = match[1] === '0.0.0.0' || match[1] === 'localhost' ? '127.0.0.1' : match[1];
  return `http://${host}:${Number(match[2]) + 1000}`;
}

export const uiCommand: Record<string, Command> = {
  async ui(args) {
    const { values } = parse(
      args,
      {
        ...connectionOptions,
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'protect-reads': { type: 'boolean' },
        'web-ui': { type: 'string' },
        'max-views': { type: 'string' },
        'max-streams': { type: 'string' },
      },
      [],
    );
    const port = portNumber('port', values.port, 0) ?? DEFAULT_DASHBOARD_PORT;
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const token = (values.token as string | undefined) ?? (process.env.JOBS_UI_TOKEN || undefined);
    const protectReads = values['protect-reads'] === true;
    const streamLimits = {
      maxViews: wholeNumber('max-views', values['max-views'], 1) ?? DEFAULT_STREAM_LIMITS.maxViews,
      maxStreams: wholeNumber('max-streams', values['max-streams'], 1) ?? DEFAULT_STREAM_LIMITS.maxStreams,
    };
    const problem = accessProblem(host, { token, protectReads });
    if (problem) throw new UsageError(problem);
    const webUiUrl =
      (values['web-ui'] as string | undefined) ??
      (process.env.TEMPORAL_UI_URL || defaultWebUiUrl(settingsFrom(values).address));
    const jobs = await jobClient(values);
    let dashboard;
    try {
      dashboard = await startDashboard({ jobs, port, host, token, protectReads, webUiUrl, streamLimits });
    } catch (err) {
      throw new UsageError(`ui cannot listen on ${host}:${port}: ${(err as Error).message}`);
    }
    print([
      `Jobs dashboard: ${dashboard.url}  (API: ${dashboard.url}/api/jobs, OpenAPI: ${dashboard.url}/api/openapi.json)`,
      token
        ? `Starting and interrupting jobs need the token${protectReads ? ', reading too' : ''}.`
        : 'Bound to this machine only; no token needed.',
      ...(webUiUrl ? [`Links to the Temporal Web UI at ${webUiUrl}.`] : []),
      'Press Ctrl-C to stop.',
    ]);
    await untilStopped();
    await dashboard.close();
    await jobs.client.connection.close();
    return ExitCode.ok;
  },
};
