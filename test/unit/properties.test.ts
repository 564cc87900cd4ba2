/**
 * Properties of the pure job logic, checked on many generated cases (fast-check), beside the table tests.
 */
import type { SlotPool } from '../../src/contract/carry';
import {
  type InFlightChild,
  JOB_STATUSES,
  type JobStatus,
  type PlannedChild,
  type StatusCounts,
} from '../../src/contract/jobs';
import fc from 'fast-check';
import { ChildBook } from '../../src/jobs/child-book';
import { pageSlices } from '../../src/jobs/pages';
import {
  batchStarted,
  closeBatch,
  allowedTo,
  capacityOf,
  createSlotPool,
  freeSlots,
  grantSlots,
  pausePool,
  recallSlots,
  resizePool,
  heldBy,
  openBatch,
  reportBatch,
} from '../../src/jobs/slots';

/** Every batch being started: their grants travel with their starts. */
const startingOf = (pool: SlotPool) =>
  new Set(
    Object.keys(pool.entries)
      .map(Number)
      .filter((index) => pool.entries[index].starting),
  );
import { emptyCounts, isFinal, rootProgress, rootStatus, totalOf } from '../../src/jobs/status';
import { refineCounts, type PackState } from '../../src/jobs/status-view';
import { applyTransition, newChildRecord, type ChildEvent } from '../../src/jobs/transitions';

const at = '2026-11-28T10:00:00.000Z';
const countsArb: fc.Arbitrary<StatusCounts> = fc.record(
  Object.fromEntries(JOB_STATUSES.map((status) => [status, fc.nat(50)])) as Record<
    JobStatus,
    fc.Arbitrary<number>
  >,
);
const eventArb: fc.Arbitrary<ChildEvent> = fc.oneof(
  fc.constant<ChildEvent>({ type: 'dispatch' }),
  fc.constant<ChildEvent>({ type: 'withdraw' }),
  fc.nat(5).map<ChildEvent>((attempt) => ({ type: 'start', attempt, at })),
  fc.nat(5).map<ChildEvent>((attempt) => ({ type: 'retry', attempt, error: 'e' })),
  fc.nat(5).map<ChildEvent>((attempt) => ({ type: 'succeed', attempt, at })),
  fc.constant<ChildEvent>({ type: 'fail', error: 'e', at }),
  fc.constant<ChildEvent>({ type: 'cancel', at }),
);

describe("Oro's rule and progress, on any counts", () => {
  it('a root is final exactly when no child is new, running or failed_redelivered', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const active = counts.new + counts.running + counts.failed_redelivered;
        expect(isFinal(rootStatus(counts))).toBe(active === 0);
      }),
    );
  });
  it('a cancelled child makes a finished root cancelled; else a failed one failed', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const finished = { ...counts, new: 0, running: 0, failed_redelivered: 0 };
        const expected = finished.cancelled > 0 ? 'cancelled' : finished.failed > 0 ? 'failed' : 'success';
        expect(rootStatus(finished)).toBe(expected);
      }),
    );
  });
  it('progress stays in 0..1, has at most four decimals, and is 1 only when every child is success or failed', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const progress = rootProgress(counts);
        expect(progress).toBeGreaterThanOrEqual(0);
        expect(progress).toBeLessThanOrEqual(1);
        expect(Math.round(progress * 10_000)).toBeCloseTo(progress * 10_000, 6);
        const total = totalOf(counts);
        if (total > 0 && counts.success + counts.failed === total) expect(progress).toBe(1);
        if (progress === 1 && total > 0)
          expect(counts.success + counts.failed).toBeGreaterThan(total * 0.99994);
      }),
    );
  });
});

describe('child transitions, on any sequence of events', () => {
  it('a final status never changes, attempts never go down, and a finished child has a stop time', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        let record = newChildRecord('r/c', 'c', 't', at);
        for (const event of events) {
          const before = record;
          record = applyTransition(record, event).record;
          if (isFinal(before.status)) expect(record).toBe(before);
          expect(record.attempts).toBeGreaterThanOrEqual(before.attempts);
          if (isFinal(record.status)) expect(record.stoppedAt).not.toBeNull();
        }
      }),
    );
  });
});

describe("a root's slot pool, on any sequence of operations", () => {
  type Op =
    | { kind: 'open'; wants: number }
    | { kind: 'openTogether'; wants: number[] }
    | { kind: 'report'; batch: number; received: number; released: number; wants: number }
    | { kind: 'close'; batch: number }
    | { kind: 'grant' }
    | { kind: 'resize'; size: number }
    | { kind: 'pause'; paused: boolean };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.nat(30).map<Op>((wants) => ({ kind: 'open', wants })),
    fc
      .array(fc.nat(30), { minLength: 2, maxLength: 5 })
      .map<Op>((wants) => ({ kind: 'openTogether', wants })),
    fc.tuple(fc.nat(8), fc.nat(40), fc.nat(40), fc.nat(30)).map<Op>(([batch, received, released, wants]) => ({
      kind: 'report',
      batch,
      received,
      released,
      wants,
    })),
    fc.nat(8).map<Op>((batch) => ({ kind: 'close', batch })),
    fc.constant<Op>({ kind: 'grant' }),
    fc.integer({ min: 1, max: 20 }).map<Op>((size) => ({ kind: 'resize', size })),
    fc.boolean().map<Op>((paused) => ({ kind: 'pause', paused })),
  );

  it('never lends past its limit, asks back what is over it, and gets every slot back when batches close', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(opArb, { maxLength: 60 }), (size, ops) => {
        const pool = createSlotPool(size);
        const held = () => Object.values(pool.entries).reduce((sum, entry) => sum + heldBy(entry), 0);
        const allowed = () => Object.values(pool.entries).reduce((sum, entry) => sum + allowedTo(entry), 0);
        let next = 0;
        for (const op of ops) {
          const heldBefore = held();
          if (op.kind === 'open') {
            openBatch(pool, next, op.wants);
            grantSlots(pool, startingOf(pool));
            batchStarted(pool, next++);
          } else if (op.kind === 'openTogether') {
            // Batches started together share what the running ones leave of the free slots: each gets what it
            // wants, or at least a share within one of any other's that is short of what it wants.
            const free = freeSlots(pool);
            const opened = op.wants.map((wants) => (openBatch(pool, next, wants), next++));
            const grants = grantSlots(pool, startingOf(pool), true);
            const toRunning = grants
              .filter((g) => !opened.includes(g.index))
              .reduce((sum, g) => sum + g.count, 0);
            const got = opened.map((index) => grants.find((g) => g.index === index)?.count ?? 0);
            expect(got.reduce((sum, count) => sum + count, 0)).toBe(
              Math.min(
                free - toRunning,
                op.wants.reduce((sum, wants) => sum + wants, 0),
              ),
            );
            const short = got.filter((count, i) => count < op.wants[i]);
            const fair = Math.max(0, ...short) - 1;
            if (short.length > 0)
              got.forEach((count, i) => expect(count).toBeGreaterThanOrEqual(Math.min(op.wants[i], fair)));
            opened.forEach((index) => batchStarted(pool, index));
          } else if (op.kind === 'report') {
            const entry = pool.entries[op.batch];
            // A batch reports at most what it was granted, and gives back at most what it received.
            if (entry) {
              const received = Math.min(op.received, entry.granted);
              reportBatch(pool, op.batch, {
                received,
                released: Math.min(op.released, received),
                wants: op.wants,
              });
            }
          } else if (op.kind === 'close') {
            closeBatch(pool, op.batch);
          } else if (op.kind === 'resize') {
            resizePool(pool, op.size);
          } else if (op.kind === 'pause') {
            pausePool(pool, op.paused);
          } else {
            grantSlots(pool);
          }
          // Lending never takes the pool past its limit (slots lent before a lower limit come back later).
          if (held() > heldBefore) expect(held()).toBeLessThanOrEqual(capacityOf(pool));
          expect(freeSlots(pool)).toBe(Math.max(0, capacityOf(pool) - held()));
          // After a recall, what the batches may use fits the limit.
          recallSlots(pool);
          expect(allowed()).toBeLessThanOrEqual(capacityOf(pool));
        }
        pausePool(pool, false);
        for (const index of Object.keys(pool.entries)) closeBatch(pool, Number(index));
        expect(freeSlots(pool)).toBe(pool.size);
      }),
    );
  });
});

describe("a batch's book, on any sequence of operations", () => {
  const child = (name: string, topic: string): PlannedChild => ({
    name,
    topic,
    runAs: 'activity',
    pack: true,
  });
  type Op =
    { kind: 'take'; spare: number; rounds: number } | { kind: 'event'; child: number; event: ChildEvent };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc
      .tuple(fc.nat(6), fc.integer({ min: 1, max: 4 }))
      .map<Op>(([spare, rounds]) => ({ kind: 'take', spare, rounds })),
    fc
      .tuple(fc.nat(11), eventArb)
      .map<Op>(([childIndex, event]) => ({ kind: 'event', child: childIndex, event })),
  );

  it('hands out only waiting children, within the spare slots, and counts its line right', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const specs = Array.from({ length: 12 }, (_, i) => child(`c${i}`, i < 8 ? 'a' : 'b'));
        const book = new ChildBook(specs, 'root', at);
        const queued = new Set(specs.map((_, i) => i));
        for (const op of ops) {
          if (op.kind === 'take') {
            const waiting = book.records.map((record) => record.status);
            const pack = book.takePack(op.spare, () => op.rounds);
            expect(pack.slots).toBeLessThanOrEqual(Math.max(op.spare, 0));
            expect(pack.indexes.length).toBeLessThanOrEqual(pack.slots * op.rounds);
            for (const index of pack.indexes) {
              expect(queued.has(index)).toBe(true);
              expect(['new', 'failed_redelivered']).toContain(waiting[index]);
              queued.delete(index);
            }
          } else {
            const accepted = book.apply(op.child, op.event);
            const status = book.records[op.child].status;
            if (accepted && (isFinal(status) || status === 'running')) queued.delete(op.child);
            // A withdrawn or retried child waits again, as the batch workflow puts it back in line.
            if (accepted && (op.event.type === 'withdraw' || op.event.type === 'retry')) {
              book.enqueue(op.child);
              queued.add(op.child);
            }
          }
          expect(book.readyCount).toBe(queued.size);
          expect(book.allFinal).toBe(book.records.every((record) => isFinal(record.status)));
        }
      }),
    );
  });
});

describe('page arithmetic and status refinement', () => {
  it('a page holds min(limit, matching - offset) children, from slices within their batches', () => {
    const batchArb = countsArb.map((counts) => ({ size: totalOf(counts), counts }));
    fc.assert(
      fc.property(
        fc.array(batchArb, { maxLength: 8 }),
        fc.nat(300),
        fc.nat(80),
        fc.option(fc.constantFrom(...JOB_STATUSES), { nil: undefined }),
        (batches, offset, limit, status) => {
          const slices = pageSlices(batches, { offset, limit, status });
          const matching = batches.reduce(
            (sum, batch) => sum + (status ? batch.counts[status] : batch.size),
            0,
          );
          expect(slices.reduce((sum, slice) => sum + slice.limit, 0)).toBe(
            Math.max(0, Math.min(limit, matching - offset)),
          );
          for (const slice of slices) {
            const batch = batches[slice.batch];
            expect(slice.offset + slice.limit).toBeLessThanOrEqual(
              status ? batch.counts[status] : batch.size,
            );
          }
        },
      ),
    );
  });

  it('refining counts moves children between statuses and keeps the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(3), fc.integer({ min: 1, max: 3 })), { maxLength: 20 }),
        (packs) => {
          const inFlight: InFlightChild[] = packs.map((_, i) => ({
            name: `c${i}`,
            pack: `p${i}`,
            attempts: 0,
            first: true,
          }));
          const states = new Map<string, PackState>(
            packs.map(([started, , attempt], i) => [
              `p${i}`,
              { started, attempt, startedAt: null, begun: null, progress: {} },
            ]),
          );
          const counts = { ...emptyCounts(), running: inFlight.length, success: 3 };
          const refined = refineCounts(counts, inFlight, states);
          expect(totalOf(refined)).toBe(totalOf(counts));
          expect(refined.running).toBe(packs.filter(([started]) => started).length);
        },
      ),
    );
  });
});
