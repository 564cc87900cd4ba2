/** The ways the benchmarks run the job engine's children. */
import type { StartJobOptions } from '../../src/jobs/options';

export type BenchMode = 'packed' | 'single' | 'workflow';

export const MODES: Record<BenchMode, { label: string; topic: string; options: StartJobOptions }> = {
  packed: { label: 'activities, packed when short (the default)', topic: 'noop', options: {} },
  single: { label: 'activities, one child per task', topic: 'noop_single', options: {} },
  workflow: { label: 'child workflows', topic: 'noop', options: { runChildrenAs: 'workflow' } },
};
