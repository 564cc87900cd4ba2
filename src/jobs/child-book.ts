/**
 * A batch's book of its children: their records, which are ready to hand to a worker, and how they are
 * grouped into packs. Every status change goes through `applyTransition`. Pure, so table-tested; the batch
 * workflow holds one.
 */
import { childJobId } from './ids';
import { countStatuses, isFinal } from './status';
import { applyTransition, newChildRecord, type ChildEvent } from './transitions';
import type { PlannedChild, StatusCounts, StoredChild } from './types';

/** Children to hand to a worker together, and the running slots they take. */
export interface Pack {
  indexes: number[];
  slots: number;
}

/** How children of one topic are packed: `rounds` children to a slot (1: one child per activity). */
export type RoundsOf = (spec: PlannedChild) => number;

export class ChildBook {
  readonly records: StoredChild[];
  private readonly indexByName: Map<string, number>;
  /** Children waiting for a worker, oldest first; `queued` says which entries still count. */
  private queue: number[];
  private readonly queued: boolean[];
  private queuedCount: number;
  private readonly queuedByTopic = new Map<string, number>();
  private finalCount = 0;

  constructor(
    readonly specs: PlannedChild[],
    rootId: string,
    createdAt: string,
  ) {
    this.records = specs.map((spec) =>
      newChildRecord(childJobId(rootId, spec.name), spec.name, spec.topic, createdAt),
    );
    this.indexByName = new Map(specs.map((spec, index) => [spec.name, index]));
    this.queue = specs.map((_, index) => index);
    this.queued = specs.map(() => true);
    this.queuedCount = specs.length;
    for (const spec of specs) this.countQueued(spec, 1);
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
    for (const [key, count] of this.queuedByTopic) {
      const [runAs, topic, pack] = key.split('\n');
      const rounds = roundsOf({ name: '', topic, runAs: runAs as PlannedChild['runAs'], pack: pack === '1' });
      slots += Math.ceil(count / rounds);
    }
    return slots;
  }

  counts(): StatusCounts {
    return countStatuses(this.records);
  }

  /** Applies one status change; false (and nothing changes) when the guard refuses it. */
  apply(index: number, event: ChildEvent): boolean {
    const outcome = applyTransition(this.records[index], event);
    if (!outcome.accepted) return false;
    this.records[index] = outcome.record;
    if (isFinal(outcome.record.status)) {
      this.finalCount++;
      this.dequeue(index);
    }
    return true;
  }

  /** Puts a child (back) in line for a worker: after a withdrawn dispatch, or when its retry is due. */
  enqueue(index: number): void {
    if (this.queued[index] || isFinal(this.records[index].status)) return;
    this.queued[index] = true;
    this.queuedCount++;
    this.countQueued(this.specs[index], 1);
    this.queue.push(index);
  }

  /**
   * Takes the next children to hand to a worker together, within `spare` slots: the first in line and those
   * right behind it of the same topic and mode, `roundsOf` children to a slot. Each is dispatched.
   */
  takePack(spare: number, roundsOf: RoundsOf): Pack {
    const line: number[] = [];
    const seen = new Set<number>(); // a child put back in line can appear twice in the queue
    let first: PlannedChild | undefined;
    for (const index of this.queue) {
      if (!this.queued[index] || seen.has(index)) continue;
      seen.add(index);
      const spec = this.specs[index];
      if (first && (spec.topic !== first.topic || spec.runAs !== first.runAs || spec.pack !== first.pack))
        break;
      first ??= spec;
      line.push(index);
      if (line.length >= MAX_LINE) break;
    }
    if (!first || spare <= 0) return { indexes: [], slots: 0 };
    const rounds = first.runAs === 'activity' ? roundsOf(first) : 1;
    const slots = rounds <= 1 ? 1 : Math.min(spare, Math.ceil(line.length / rounds));
    const indexes = line.slice(0, rounds <= 1 ? 1 : slots * rounds);
    for (const index of indexes) {
      this.dequeue(index);
      this.apply(index, { type: 'dispatch' });
    }
    this.compact();
    return { indexes, slots };
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

  /** Drops entries that no longer count from the front of the line. */
  private compact(): void {
    let drop = 0;
    while (drop < this.queue.length && !this.queued[this.queue[drop]]) drop++;
    if (drop > 0) this.queue = this.queue.slice(drop);
  }
}

/** The most children one pack takes (a batch has at most 200). */
const MAX_LINE = 400;
