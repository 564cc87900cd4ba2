import type { BigJob } from './seed-app';

export const DEMO_JOB_NAME = 'demo-big-job';
/** Every `npm start` uses this owner: a rerun while the last demo is still open attaches to it. */
export const DEMO_OWNER = 'npm-start-demo';

/** About 20 parts of varied duration; two with invalid data, one that fails once and then succeeds. */
export function demoBigJob(): BigJob {
  const durations = [
    1200, 2500, 800, 3000, 1500, 600, 2200, 1800, 900, 2700, 1300, 2000, 700, 1600, 2400, 1100, 1900,
  ];
  const parts: BigJob['parts'] = durations.map((durationMs, i) => ({
    name: `part-${String(i + 1).padStart(2, '0')}`,
    durationMs,
  }));
  parts.splice(4, 0, { name: 'bad-data-1', valid: false });
  parts.splice(12, 0, { name: 'bad-data-2', valid: false });
  parts.splice(8, 0, { name: 'flaky', durationMs: 1000, failTimes: 1 });
  return { parts };
}
