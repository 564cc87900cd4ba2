/** The public API of temporal-root-jobs. */
export { JobApplication } from './application';
export type {
  ChildContext,
  ChildProcessor,
  PlanContext,
  PlannedPage,
  RootPlanner,
  TopicDefinition,
} from './application';
export { JobClient } from './client/job-client';
export type {
  InterruptOutcome,
  JobStatusAnswer,
  ListedJob,
  ListedRoot,
  RootListFilter,
  RootListPage,
} from './client/job-client';
export { startRootJob } from './client/start-root-job';
export type { StartedJob } from './client/start-root-job';
export type { StartJobOptions } from './jobs/options';
export { createJobClient } from './client';
export {
  CLIENT_CHANNEL_ARGS,
  connectClient,
  connectWorker,
  connectionSettingsFromEnv,
  ServerUnreachableError,
} from './connection';
export type { ConnectionSettings } from './connection';
export { createJobWorker } from './worker';
export type { JobWorkerOptions } from './worker';
export {
  DuplicateJobError,
  InvalidJobInputError,
  JobFinishedError,
  JobNotFoundError,
  NonRetryableJobError,
} from './errors';
export { NoWorkerTookChangeError } from './client/root-controls';
export type { KeyView } from './client/concurrency-keys';
export type { RetryOutcome } from './client/root-retry';
export type { KeyRootView, RootControlAnswer } from './contract/messages';
export * from './contract/jobs';
export { rootStatus, rootProgress, finalRootStatus } from './jobs/status';
export { jobSearchAttributes } from './search-attributes';
export { tracingPlugin } from './tracing';
export type { JobTracing } from './tracing';
export { AesGcmCodec } from './codec/aes-gcm-codec';
export { codecFromEnv, jobDataConverter } from './codec/codec-settings';
export { startDashboard, createDashboard } from './dashboard/dashboard-server';
export type { DashboardOptions } from './dashboard/dashboard-server';
export type { AccessSettings } from './dashboard/access';
export type { ReadLimits } from './dashboard/read-gate';
export type { ReadTimes, StreamLimits } from './dashboard/live-reads';
export type { CodecKey } from './codec/aes-gcm-codec';
