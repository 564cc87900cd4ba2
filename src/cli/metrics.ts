/** `jobs worker --metrics-port N`: the worker runtime exports its metrics, and the engine's, for Prometheus. */
import { Runtime } from '@temporalio/worker';

/** Installs the runtime with a Prometheus endpoint (before any connection is made); returns its URL. */
export function exposeMetrics(host: string, port: number): string {
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `${host}:${port}`, countersTotalSuffix: true } },
    },
  });
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
}
