import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * The search attributes every job workflow carries, so the Web UI list and `client.workflow.list()` can filter
 * jobs (for example `JobKind = 'root' AND JobStatus = 'running'`). SQL visibility has 10 Keyword and 3
 * KeywordList slots per namespace.
 */
export const JobName = defineSearchAttributeKey('JobName', SearchAttributeType.KEYWORD);
export const JobStatusAttribute = defineSearchAttributeKey('JobStatus', SearchAttributeType.KEYWORD);
export const JobRootId = defineSearchAttributeKey('JobRootId', SearchAttributeType.KEYWORD);
export const JobOwnerId = defineSearchAttributeKey('JobOwnerId', SearchAttributeType.KEYWORD);
/** `root`, `batch` or `child`. */
export const JobKind = defineSearchAttributeKey('JobKind', SearchAttributeType.KEYWORD);
/** On a batch: the keys of its children's names (`childKey`), so a child's batch is found in one query. */
export const JobChildKeys = defineSearchAttributeKey('JobChildKeys', SearchAttributeType.KEYWORD_LIST);

/** Every search attribute above: register them once per namespace (`jobs dev` and the test kit do). */
export const jobSearchAttributes = [
  JobName,
  JobStatusAttribute,
  JobRootId,
  JobOwnerId,
  JobKind,
  JobChildKeys,
];

/** The Temporal CLI's name of a search attribute's type. */
export function searchAttributeTypeName(
  key: (typeof jobSearchAttributes)[number],
): 'Keyword' | 'KeywordList' {
  return key.type === SearchAttributeType.KEYWORD_LIST ? 'KeywordList' : 'Keyword';
}

/** The `--search-attribute NAME=TYPE` arguments for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return jobSearchAttributes.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${searchAttributeTypeName(key)}`,
  ]);
}

/** What a root or child job workflow carries when it starts: its identity, and its status (`new` unless told). */
export function newJobSearchAttributes(
  kind: 'root' | 'child',
  name: string,
  rootId: string,
  ownerId: string,
  status: 'new' | 'running' = 'new',
): SearchAttributePair[] {
  return [
    { key: JobKind, value: kind },
    { key: JobName, value: name },
    { key: JobRootId, value: rootId },
    { key: JobOwnerId, value: ownerId },
    { key: JobStatusAttribute, value: status },
  ];
}
