/**
 * A batch's book of its children: their records, which are ready to hand to a worker, and how they are
 * grouped into packs. Every status change goes through `applyTransition`. Pure, so table-tested; the batch
 * workflow holds one.
 */
import {
  type RerunnableStatus,
  type PlannedChild,
  type StatusCounts,
  type StoredChild,
} from '../contract/jobs';
import { childJobId } from './ids';
import { countStatuses, isFinal } from './status';
import { applyTransition, newChildRecord, type ChildEvent } from './transitions';

/** The most children one pack takes (a batch has at most 200). */
const MAX_PACK = 400;
/** A batch's result must stay well under Temporal's 2 MB payload limit; larger results stay in its history. */
const RESULTS_BUDGET_BYTES = 1024 * 1024;

/** Children to hand to a worker together, and the running slots they take. */
export interface Pack {
  indexes: number[];
  slots: number;
}

/** The kind of child a key of `queuedByTopic` stands for (no name). */
function kindOf(key: string): PlannedChild {
  const [runAs, topic, pack] = key.split('\n');
  return { name: '', topic, runAs: runAs as PlannedChild['runAs'], pack: pack === '1' };
}

/** How children of one topic are packed: `rounds` children to a slot (1: one child per activity). */
export type RoundsOf = (spec: PlannedChild) => number;

export class ChildBook {
  readonly records: StoredChild[];
  private readonly indexByName: Map<string, number>;
  /**
   * Children waiting for a worker, oldest first, from `head` on. An entry counts while its child is queued
   * and it is the child's latest entry (a child put back in line is added again at the end).
   */
  private queue: number[];
  private head = 0;
  private readonly latest: number[];
  private readonly queued: boolean[];
  private queuedCount: number;
  private readonly queuedByTopic = new Map<string, number>();
  private finalCount = 0;
  /** Attempts a child had used before it was rerun (`jobs retry`): its attempt limit starts from there. */
  private readonly attemptsBefore = new Map<number, number>();

  /** `previous`: the records of an earlier run of this batch (a rerun); its final children stay as they are. */
  constructor(
    readonly specs: PlannedChild[],
    rootId: string,
    createdAt: string,
    previous?: StoredChild[],
  ) {
    this.records =
      previous ??
      specs.map((spec) => newChildRecord(childJobId(rootId, spec.name), spec.name, spec.topic, createdAt));
    this.indexByName = new Map(specs.map((spec, index) => [spec.name, index]));
    this.queue = [];
    this.latest = specs.map(() => -1);
    this.queued = specs.map(() => false);
    this.queuedCount = 0;
    this.records.forEach((record, index) => {
      if (isFinal(record.status)) this.finalCount++;
      else this.enqueue(index);
    });
  }

  /**
   * Puts the final children in `statuses` back in line (`jobs retry`), their attempts going on from where
   * they were. Returns their indexes.
   */
  rerun(statuses: readonly RerunnableStatus[]): number[] {
    const rerun: number[] = [];
    this.records.forEach((record, index) => {
      if (!(statuses as readonly string[]).includes(record.status)) return;
      const outcome = applyTransition(record, { type: 'rerun' });
      if (!outcome.accepted) return;
      this.records[index] = outcome.record;
      this.finalCount--;
      this.attemptsBefore.set(index, record.attempts);
      this.enqueue(index);
      rerun.push(index);
    });
    return rerun;
  }

  /** The attempt limit of child `index`: `maxAttempts` more than it had used before a rerun. */
  attemptLimit(index: number, maxAttempts: number): number {
    return (this.attemptsBefore.get(index) ?? 0) + maxAttempts;
  }

  /** Attempts child `index` had used before it was rerun (0 when it was not). */
  attemptsBeforeRerun(index: number): number {
    return this.attemptsBefore.get(index) ?? 0;
  }

  indexOf(name: string): number | undefined {
    return this.indexByName.get(name);
  }

  get allFinal(): boolean {
    return this.finalCount === this.records.length;
  }

  /** Children ready to hand to a worker now. */
  get readyCount(): number {
    return this.queuedCount;
  }

  /** The running slots the ready children can use, packed as `roundsOf` says. */
  slotsWanted(roundsOf: RoundsOf): number {
    let slots = 0;
    for (const [key, count] of this.queuedByTopic) slots += Math.ceil(count / roundsOf(kindOf(key)));
    return slots;
  }

  /** Whether a ready child is of a kind (topic, mode, packable) that `test` accepts. */
  someReady(test: (kind: PlannedChild) => boolean): boolean {
    for (const key of this.queuedByTopic.keys()) if (test(kindOf(key))) return true;
    return false;
  }

  counts(): StatusCounts {
    return countStatuses(this.records);
  }

  /** Applies one status change; false (and nothing changes) when the guard refuses it. */
  apply(index: number, event: ChildEvent): boolean {
    const outcome = applyTransition(this.records[index], event);
    if (!outcome.accepted) return false;
    this.records[index] = outcome.record;
    if (isFinal(outcome.record.status)) this.finalCount++;
    // Only children that wait stay in line: a final one, or one a worker has, leaves it.
    if (isFinal(outcome.record.status) || outcome.record.status === 'running') this.dequeue(index);
    return true;
  }

  /** Puts a child (back) in line for a worker: after a withdrawn dispatch, or when its retry is due. */
  enqueue(index: number): void {
    if (this.queued[index] || isFinal(this.records[index].status)) return;
    this.queued[index] = true;
    this.queuedCount++;
    this.countQueued(this.specs[index], 1);
    this.latest[index] = this.queue.length;
    this.queue.push(index);
  }

  /**
   * Takes the next children to hand to a worker together, within `spare` slots: the first in line and those
   * right behind it of the same topic and mode, `roundsOf` children to a slot. Each is dispatched.
   */
  takePack(spare: number, roundsOf: RoundsOf): Pack {
    const line: number[] = [];
    let first: PlannedChild | undefined;
    let rounds = 1;
    let limit = 1;
    for (let position = this.head; position < this.queue.length && line.length < limit; position++) {
      const index = this.queue[position];
      if (!this.queued[index] || this.latest[index] !== position) continue;
      const spec = this.specs[index];
      if (!first) {
        first = spec;
        rounds = spec.runAs === 'activity' ? roundsOf(spec) : 1;
        limit = rounds <= 1 ? 1 : Math.min(MAX_PACK, spare * rounds);
      } else if (spec.topic !== first.topic || spec.runAs !== first.runAs || spec.pack !== first.pack) {
        break;
      }
      line.push(index);
    }
    if (!first || spare <= 0) return { indexes: [], slots: 0 };
    for (const index of line) {
      this.dequeue(index);
      this.apply(index, { type: 'dispatch' });
    }
    this.skipSpent();
    return { indexes: line, slots: rounds <= 1 ? 1 : Math.ceil(line.length / rounds) };
  }

  private dequeue(index: number): void {
    if (!this.queued[index]) return;
    this.queued[index] = false;
    this.queuedCount--;
    this.countQueued(this.specs[index], -1);
  }

  private countQueued(spec: PlannedChild, delta: number): void {
    const key = `${spec.runAs}\n${spec.topic}\n${spec.pack ? 1 : 0}`;
    const count = (this.queuedByTopic.get(key) ?? 0) + delta;
    if (count > 0) this.queuedByTopic.set(key, count);
    else this.queuedByTopic.delete(key);
  }

  /** Moves past entries that no longer count at the front of the line, and sheds them now and then. */
  private skipSpent(): void {
    while (this.head < this.queue.length) {
      const index = this.queue[this.head];
      if (this.queued[index] && this.latest[index] === this.head) break;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      for (let index = 0; index < this.latest.length; index++) this.latest[index] -= this.head;
      this.head = 0;
    }
  }

  /**
   * The records the batch ends with, results included while they fit the budget; a result that does not fit
   * is left in the batch's history (its pack's activity result), and the record says so.
   */
  resultRecords(): StoredChild[] {
    let budget = RESULTS_BUDGET_BYTES;
    return this.records.map((record) => {
      if (record.result === undefined || record.result === null) return record;
      const bytes = JSON.stringify(record.result).length;
      if (bytes <= budget) {
        budget -= bytes;
        return record;
      }
      const { result: _left, ...rest } = record;
      return { ...rest, resultInHistory: true };
    });
  }
}
