/**
 * Concurrency keys from the client: set or lift a key's limit (`jobs limit KEY N`), and read how its roots
 * share it. A key's workflow (workflows/key/key-workflow.ts) starts with its first root or its first limit.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { concurrencyKeyWorkflowId } from '../jobs/ids';
import { checkConcurrencyKey, checkKeyLimit } from '../jobs/options';
import type { concurrencyKeyWorkflow } from '../workflows';
import { keyQuery, setKeyLimitSignal, type KeyView } from '../contract/messages';
import { isDeadlineExceeded } from './deadline';
import { NoWorkerTookChangeError } from './root-controls';

export type { KeyView } from '../contract/messages';

export class ConcurrencyKeys {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sets the key's limit (null lifts it). It holds from the key's next balance, within a second with a
   * worker running; lowering it stops nothing: no child starts until the key's roots run fewer than it.
   */
  async setLimit(key: string, limit: number | null): Promise<{ key: string; limit: number | null }> {
    checkConcurrencyKey(key);
    checkKeyLimit(limit);
    await this.client.workflow.signalWithStart<typeof concurrencyKeyWorkflow, [{ limit: number | null }]>(
      'concurrencyKeyWorkflow',
      {
        workflowId: concurrencyKeyWorkflowId(key),
        taskQueue: this.taskQueue,
        args: [{ key }],
        signal: setKeyLimitSignal,
        signalArgs: [{ limit }],
        staticSummary: `Concurrency key ${key}`,
      },
    );
    return { key, limit };
  }

  /** The key's limit and what each of its open roots holds and wants; a key never used has no limit. */
  async read(key: string): Promise<KeyView> {
    checkConcurrencyKey(key);
    const handle = this.client.workflow.getHandle(concurrencyKeyWorkflowId(key));
    try {
      return await this.client.withDeadline(Date.now() + this.timeoutMs, () => handle.query(keyQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { key, limit: null, held: 0, roots: [] };
      if (isDeadlineExceeded(err)) {
        throw new NoWorkerTookChangeError(
          `No worker answered for concurrency key "${key}" within ${this.timeoutMs / 1000} s: is a worker ` +
            `(\`jobs worker\`) running on task queue "${this.taskQueue}"?`,
        );
      }
      throw err;
    }
  }
}
