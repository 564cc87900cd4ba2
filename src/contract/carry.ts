/**
 * What a root carries from one run into the next when it continues as new (and into a rerun of a finished
 * root): its record, its slot pool, where planning goes on, its concurrency key's lease.
 */
import type { RerunnableStatus, RootWorkflowState, TopicDurations } from './jobs';

/** One open batch as the root's pool knows it. */
export interface PoolEntry {
  /** Slots granted to it so far (cumulative). */
  granted: number;
  /** Of those, how many it had received when it last reported (cumulative). */
  received: number;
  /** Slots it has given back (cumulative). */
  released: number;
  /** More slots it said it could use, less what was granted since. */
  wants: number;
  /** Its workflow is being started: its first grant travels with the start, none by signal until then. */
  starting?: boolean;
  /**
   * Slots the root has asked back (cumulative): the batch must have released at least this many. It pays
   * as its running children finish; nothing running is stopped.
   */
  recalled?: number;
}

export interface SlotPool {
  size: number;
  /** A paused pool lends nothing and asks back what is lent (running children finish). */
  paused?: boolean;
  /** With a concurrency key: the slots the key lets this root use now (key-lease.ts). */
  leased?: number;
  /** Open batches by index. */
  entries: Record<string, PoolEntry>;
  /**
   * Slots a batch run held when it closed without giving them back (terminated, failed): its children may go
   * on running on workers until they learn of it, so these are lent to nobody for a while (see jobs/slots.ts).
   */
  quarantined?: number;
}

/** A root's side of its concurrency key's lease (jobs/key-lease.ts). */
export interface KeyLease {
  /** Slots the key has granted (cumulative), given back, and asked back. */
  received: number;
  released: number;
  recalled: number;
}

/** What a keyed root carries into its next run. */
export interface KeyLeaseCarry {
  lease: KeyLease;
  joined: boolean;
}

/** What a root carries into its next run when it continues as new. */
export interface RootCarry {
  state: RootWorkflowState;
  pool: SlotPool;
  /** Where planning goes on; null once every page is planned. */
  cursor: string | null;
  planned: boolean;
  forced: boolean;
  durations: TopicDurations;
  /** The last rerun request's number (see RootReruns). */
  rerunSequence?: number;
  /** Its concurrency key's lease, when it has a key. */
  keyLease?: KeyLeaseCarry;
  /** A finished root run again (`jobs retry`): its children in these statuses rerun as it starts. */
  rerun?: RerunnableStatus[];
}
