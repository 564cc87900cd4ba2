/**
 * A root's interrupt told to the packs of its children that run on the same worker, the moment the root's
 * workflow task takes it: its batches learn it only later (a signal, a batch workflow task, a cancel, a
 * heartbeat's reply and a query), and meanwhile a pack would go on beginning children. A hint only: the pack
 * stops beginning children at once, and still ends only when its batch's cancel has reached it.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { JobSinks } from '../contract/sinks';

export type RootInterruptListener = (force: boolean) => void;

export class LocalInterrupts {
  private readonly listeners = new Map<string, Set<RootInterruptListener>>();

  /** Calls `listener` on each interrupt of root `rootId` from now on; the returned function stops that. */
  listen(rootId: string, listener: RootInterruptListener): () => void {
    let listeners = this.listeners.get(rootId);
    if (!listeners) this.listeners.set(rootId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(rootId) === listeners) this.listeners.delete(rootId);
    };
  }

  rootInterrupted(rootId: string, force: boolean): void {
    for (const listener of [...(this.listeners.get(rootId) ?? [])]) listener(force);
  }

  /** Roots with a pack listening now (tests: nothing is left behind). */
  get listenedRoots(): number {
    return this.listeners.size;
  }

  /** The worker's side of the workflows' `localInterrupts` sink (the root's id is its workflow id). */
  sinks(): InjectedSinks<JobSinks> {
    return {
      localInterrupts: {
        rootInterrupted: { fn: (info, force) => this.rootInterrupted(info.workflowId, force) },
      },
    };
  }
}
