import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes every job workflow carries, so the Web UI list and `client.workflow.list()` can filter
 * jobs (for example `JobKind = 'root' AND JobStatus = 'running'`). All are Keyword: SQL visibility has 10
 * Keyword slots per namespace.
 */
export const JobName = defineSearchAttributeKey('JobName', SearchAttributeType.KEYWORD);
export const JobStatus = defineSearchAttributeKey('JobStatus', SearchAttributeType.KEYWORD);
export const JobRootId = defineSearchAttributeKey('JobRootId', SearchAttributeType.KEYWORD);
export const JobOwnerId = defineSearchAttributeKey('JobOwnerId', SearchAttributeType.KEYWORD);
/** `root` or `child`. */
export const JobKind = defineSearchAttributeKey('JobKind', SearchAttributeType.KEYWORD);

export const jobSearchAttributes = [JobName, JobStatus, JobRootId, JobOwnerId, JobKind];

/** The `--search-attribute NAME=Keyword` arguments for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return jobSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}
