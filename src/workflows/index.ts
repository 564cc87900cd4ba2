/** Every workflow the job worker runs. */
export { rootJobWorkflow } from './root/root-workflow';
export { childBatchWorkflow } from './batch/batch-workflow';
export { childJobWorkflow } from './child/child-workflow';
export { concurrencyKeyWorkflow } from './key/key-workflow';
