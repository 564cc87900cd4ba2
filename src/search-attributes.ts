import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

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

/** What a root or child job workflow carries when it starts: its identity, and status `new`. */
export function newJobSearchAttributes(
  kind: 'root' | 'child',
  name: string,
  rootId: string,
  ownerId: string,
): SearchAttributePair[] {
  return [
    { key: JobKind, value: kind },
    { key: JobName, value: name },
    { key: JobRootId, value: rootId },
    { key: JobOwnerId, value: ownerId },
    { key: JobStatus, value: 'new' },
  ];
}
