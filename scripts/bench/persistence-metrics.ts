/**
 * What the Temporal server asked of its database, from its own metrics (`persistence_latency` by operation, summed
 * over services and over a cluster's nodes): calls and seconds per operation. For the PostgreSQL servers, whose
 * every call is a round trip to PostgreSQL.
 */
import { metricSamples } from '../../test/helpers/prometheus';

export interface OperationCost {
  operation: string;
  calls: number;
  seconds: number;
}

export async function persistenceByOperation(metricsUrls: string[]): Promise<OperationCost[]> {
  const costs: OperationCost[] = [];
  for (const url of metricsUrls) {
    for (const { name, labels, value } of await metricSamples(url)) {
      const { operation } = labels;
      if (!operation) continue;
      if (name === 'persistence_latency_sum') costs.push({ operation, calls: 0, seconds: value });
      if (name === 'persistence_latency_count') costs.push({ operation, calls: value, seconds: 0 });
    }
  }
  return sumByOperation(costs);
}

/**
 * What clients and workers asked of the server, from its own metrics (`service_requests` by operation, the
 * frontend's only, so that a call the frontend passes on to history is counted once): calls per operation.
 */
export async function requestsByOperation(metricsUrls: string[]): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const url of metricsUrls) {
    for (const { name, labels, value } of await metricSamples(url)) {
      if (name !== 'service_requests' || labels.service_name !== 'frontend' || !labels.operation) continue;
      calls.set(labels.operation, (calls.get(labels.operation) ?? 0) + value);
    }
  }
  return new Map([...calls].sort((a, b) => b[1] - a[1]));
}

/** Costs added up by operation (over services, nodes or runs), the most time first. */
export function sumByOperation(costs: Iterable<OperationCost>): OperationCost[] {
  const byOperation = new Map<string, OperationCost>();
  for (const { operation, calls, seconds } of costs) {
    const sum = byOperation.get(operation) ?? { operation, calls: 0, seconds: 0 };
    sum.calls += calls;
    sum.seconds += seconds;
    byOperation.set(operation, sum);
  }
  return [...byOperation.values()].sort((a, b) => b.seconds - a.seconds);
}

/** The operations that took the most time, per child: calls and mean latency. */
export function persistenceLines(costs: OperationCost[], children: number, top = 5): string[] {
  const calls = costs.reduce((sum, cost) => sum + cost.calls, 0);
  const seconds = costs.reduce((sum, cost) => sum + cost.seconds, 0);
  const mean = (cost: { calls: number; seconds: number }) =>
    cost.calls ? ((cost.seconds * 1000) / cost.calls).toFixed(2) : '0';
  return [
    `${(calls / children).toFixed(2)} calls per child, ${((seconds * 1000) / children).toFixed(2)} ms per child in all, mean ${mean({ calls, seconds })} ms`,
    ...costs
      .slice(0, top)
      .map(
        (cost) => `${cost.operation}: ${(cost.calls / children).toFixed(2)} per child, mean ${mean(cost)} ms`,
      ),
  ];
}
