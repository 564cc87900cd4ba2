/**
 * Optional OpenTelemetry tracing (@temporalio/interceptors-opentelemetry): give the client and the workers
 * the same `JobTracing`, and a root job is one trace, from the client's start through the root and batch
 * workflows to every processor activity. Spans go to your SpanProcessor (an OTLP exporter, say).
 *
 * Trace context crosses processes in Temporal's headers (W3C trace context) and, inside a process, through
 * async context: unless the application has set its own, the first tracing plugin sets OpenTelemetry's global
 * context manager and propagator.
 */
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';

/** Tracing for a client or a worker: give both the same. */
export interface JobTracing {
  /** Where the spans go (an OTLP exporter's BatchSpanProcessor, say). */
  spanProcessor: SpanProcessor;
  /** The `service.name` of the spans (default temporal-root-jobs). */
  serviceName?: string;
}

const plugins = new WeakMap<JobTracing, OpenTelemetryPlugin>();

/** The SDK plugin that adds tracing to a client or a worker (and its workflow bundle); one per JobTracing. */
export function tracingPlugin(tracing: JobTracing): OpenTelemetryPlugin {
  let plugin = plugins.get(tracing);
  if (!plugin) {
    setGlobalContext();
    const resource = new Resource({ 'service.name': tracing.serviceName ?? 'temporal-root-jobs' });
    const provider = new BasicTracerProvider({ resource, spanProcessors: [tracing.spanProcessor] });
    plugin = new OpenTelemetryPlugin({
      resource,
      spanProcessor: tracing.spanProcessor,
      tracer: provider.getTracer('temporal-root-jobs'),
    });
    plugins.set(tracing, plugin);
  }
  return plugin;
}

let globalsSet = false;

function setGlobalContext(): void {
  if (globalsSet) return;
  globalsSet = true;
  // Each returns false, changing nothing, when the application has registered its own.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
