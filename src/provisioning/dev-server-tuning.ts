/**
 * Dynamic config for the dev server that the project starts (`jobs dev`, `npm start`, the tests). The dev
 * server has one history shard, and two per-shard defaults sized for clusters of many shards then throttle
 * the whole server: its transfer queue is read at most 20 times a second (so a task dispatched to a worker
 * waits up to 50 ms), and an internal task waits up to 500 ms for a busy workflow's lock. A job tree —
 * a root and batches that signal each other — meets both on every hop; a single workflow mostly does not.
 * Eager activity execution (off by default) hands an activity a workflow task schedules back to its worker
 * with the task's completion when the worker has a free slot, without a trip through the matching service.
 * A query to a workflow whose task is in flight waits for that task, and the server holds one such query per
 * workflow by default: a second reader of a busy root is refused ("consistent query buffer is full"), and the
 * client retries after a second or more. MAX_BUFFERED_QUERIES lets that many readers wait together.
 * The CLI turns the server's cache of search attributes off (every use reads them from the database, so that
 * one just created is seen at once): a child workflow's start, its status upsert and its visibility records read
 * them about 15 times. The job attributes are registered as the server starts, so the cache (a minute) is left
 * on: an attribute added later with `temporal operator search-attribute create` is usable within a minute.
 * `npm run bench -- compare … --server stock` measures without them.
 */
/** Queries one workflow holds while its task is in flight (the server's default is 1). */
export const MAX_BUFFERED_QUERIES = 100;

export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.cacheNonUserContextLockTimeout': '50ms',
  'system.enableActivityEagerExecution': true,
  'history.MaxBufferedQueryCount': MAX_BUFFERED_QUERIES,
  'system.forceSearchAttributesCacheRefreshOnRead': false,
};

/** The `--dynamic-config-value KEY=JSON` arguments for `temporal server start-dev` (`config`: other values). */
export function devServerTuningFlags(config: Record<string, unknown> = DEV_SERVER_DYNAMIC_CONFIG): string[] {
  return Object.entries(config).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
