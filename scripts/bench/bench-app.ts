/**
 * The benchmark's job application: a root of `count` children planned page by page from a cursor (so the
 * root's payload stays tiny at any size), and no-op children in each mode.
 */
import { JobApplication } from '../../src/application';

export interface BenchRoot {
  count: number;
  topic: string;
  /** How long each child works (default 0: a no-op). */
  durationMs?: number;
}

/** Benchmarks that time processors set this: each processor run calls it as it begins (the worker is in-process). */
export const processorStarts: { observe?: (rootId: string, at: number) => void } = {};

export function createBenchApplication(): JobApplication {
  const work = async ({ durationMs = 0 }: { durationMs?: number }, { rootId }: { rootId: string }) => {
    processorStarts.observe?.(rootId, performance.now());
    if (durationMs > 0) await new Promise((resolve) => setTimeout(resolve, durationMs));
    return true;
  };
  return new JobApplication()
    .topic<BenchRoot>('bench_root', {
      plan: ({ count, topic, durationMs }, { cursor, pageSize }) => {
        const from = Number(cursor ?? 0);
        const to = Math.min(count, from + pageSize);
        const children = [];
        for (let i = from; i < to; i++) children.push({ name: `c${i}`, topic, payload: { durationMs } });
        return { children, nextCursor: to < count ? String(to) : null };
      },
    })
    .topic('noop', { process: work })
    .topic('noop_single', { process: work, pack: false });
}
