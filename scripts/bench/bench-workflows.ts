/** The workflows a benchmark worker runs: the job engine's and the bare baselines. */
export * from '../../src/workflows';
export * from './baseline-workflows';
