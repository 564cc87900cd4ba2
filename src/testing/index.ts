/**
 * temporal-root-jobs/testing: test your own JobApplication — a server, a worker and a JobClient in one call
 * (time-skipping by default), helpers to read jobs, a ChildContext for processors, and a planner runner.
 * Needs @temporalio/testing (a peer dependency of this entry point only).
 */
export { createJobTestEnvironment } from './job-test-environment';
export type { JobTestEnvironment, JobTestEnvironmentOptions } from './job-test-environment';
export { waitForStatus, childrenByStatus } from './job-assertions';
export { fakeChildContext } from './fake-child-context';
export type { FakeChildContext } from './fake-child-context';
export { runPlanner } from './run-planner';
export type { PlannerRun } from './run-planner';
