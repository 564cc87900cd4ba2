/**
 * What the Temporal server asked of its database, from its own metrics (`persistence_latency` by operation, summed
 * over services and over a cluster's nodes): calls and seconds per operation. For the PostgreSQL servers, whose
 * every call is a round trip to PostgreSQL.
 */
export interface OperationCost {
  operation: string;
  calls: number;
  seconds: number;
}

export async function persistenceByOperation(metricsUrls: string[]): Promise<OperationCost[]> {
  const byOperation = new Map<string, OperationCost>();
  for (const url of metricsUrls) {
    const text = await (await fetch(url)).text();
    for (const line of text.split('\n')) {
      const match = /^persistence_latency_(sum|count)\{(.*)\} ([0-9.e+-]+)$/.exec(line);
      const operation = match && /(?:^|,)operation="([^"]+)"/.exec(match[2])?.[1];
      if (!match || !operation) continue;
      const cost = byOperation.get(operation) ?? { operation, calls: 0, seconds: 0 };
      if (match[1] === 'sum') cost.seconds += Number(match[3]);
      else cost.calls += Number(match[3]);
      byOperation.set(operation, cost);
    }
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
