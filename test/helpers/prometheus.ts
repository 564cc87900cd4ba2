/** A server's Prometheus metrics (text format) as samples: each series' name, labels and value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function metricSamples(metricsUrl: string): Promise<MetricSample[]> {
  const text = await (await fetch(metricsUrl)).text();
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, label, value] of (match[2] ?? '').matchAll(/([A-Za-z_]+)="([^"]*)"/g))
      labels[label] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}
