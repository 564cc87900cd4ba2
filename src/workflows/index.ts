/** Every workflow the job worker runs. */
export { rootJobWorkflow } from './root-job';
export { childBatchWorkflow } from './child-batch';
export { childJobWorkflow } from './child-job';
export { concurrencyKeyWorkflow } from './concurrency-key';
