import { type TopicDurations } from '../../src/contract/jobs';
import {
  MIN_SAMPLES,
  PACKING,
  endRounds,
  endRoundsOutdated,
  evenRounds,
  PACKING_BEFORE_FEWER_TURNOVERS,
  PACKING_BEFORE_LONGER_PACKS,
  mergeDurations,
  observeDuration,
  packRounds,
  slotsForChildren,
} from '../../src/jobs/packing';
import { retryDelayMs, willRetry } from '../../src/jobs/retry';

describe('packing short children', () => {
  const seen = (samples: number, slowest: number) => ({ t: { samples, slowest } });
  it.each<[string, ReturnType<typeof seen> | Record<string, never>, boolean, number]>([
    ['nothing known yet: one per activity', {}, true, 1],
    ['too few samples', seen(MIN_SAMPLES - 1, 0), true, 1],
    ['instant children', seen(MIN_SAMPLES, 0), true, 50],
    ['10 ms at the slowest', seen(9, 10), true, 50],
    ['25 ms at the slowest', seen(9, 25), true, 50],
    ['100 ms at the slowest', seen(9, 100), true, 30],
    ['250 ms at the slowest', seen(9, 250), true, 12],
    ['500 ms at the slowest', seen(9, 500), true, 6],
    ['a slow one among them', seen(9, 501), true, 1],
    ['the topic said no', seen(9, 0), false, 1],
  ])('%s → %i children to a slot', (_case, durations, packable, rounds) => {
    expect(packRounds(durations, 't', packable)).toBe(rounds);
  });

  // Roots and batches opened before a patch replay with the rule they ran with: before fewer-turnovers slots
  // were busy a second, before longer-packs a quarter of one.
  const before = {
    'fewer turnovers': PACKING_BEFORE_FEWER_TURNOVERS,
    'longer packs': PACKING_BEFORE_LONGER_PACKS,
  };
  it.each<[keyof typeof before, string, number, ReturnType<typeof seen>]>([
    ['fewer turnovers', 'instant children', 50, seen(MIN_SAMPLES, 0)],
    ['fewer turnovers', '25 ms at the slowest', 40, seen(9, 25)],
    ['fewer turnovers', '100 ms at the slowest', 10, seen(9, 100)],
    ['fewer turnovers', '500 ms at the slowest', 2, seen(9, 500)],
    ['longer packs', 'instant children', 20, seen(MIN_SAMPLES, 0)],
    ['longer packs', '25 ms at the slowest', 10, seen(9, 25)],
    ['longer packs', '100 ms at the slowest', 2, seen(9, 100)],
    ['longer packs', 'a slow one among them', 1, seen(9, 101)],
  ])('before %s: %s → %i children to a slot', (patch, _case, rounds, durations) => {
    expect(packRounds(durations, 't', true, before[patch])).toBe(rounds);
  });

  // Near a root's end its last children are shared among the slots: 50 slots, 120 waiting → 3 each at most.
  it.each<[string, number, number, number | undefined]>([
    ['enough waiting for full packs everywhere', 2500, 50, undefined],
    ['just short of full packs everywhere', 2450, 50, PACKING.maxRounds - 1],
    ['120 waiting for 50 slots', 120, 50, 3],
    ['fewer waiting than slots', 7, 50, 1],
    ['none waiting', 0, 50, 1],
    ['no slots to lend (paused)', 120, 0, undefined],
  ])('at the end, %s', (_case, ready, capacity, rounds) => {
    expect(endRounds(ready, capacity)).toBe(rounds);
  });

  // A batch holding slots hears the end rounds again only when they have fallen enough to matter.
  it.each<[string, number | undefined, number, boolean]>([
    ['told of no end yet', undefined, 30, true],
    ['the same', 16, 16, false],
    ['fallen by less than a quarter', 16, 13, false],
    ['fallen to three quarters', 16, 12, true],
    ['fallen by one to 2', 3, 2, true],
    ['fallen by one to 1', 2, 1, true],
    ['risen (more were replanned)', 4, 8, false],
  ])('end rounds a batch was told: %s', (_case, sent, now, outdated) => {
    expect(endRoundsOutdated(sent, now)).toBe(outdated);
  });

  it('shares the children waiting evenly over the slots, rounding up', () => {
    expect([evenRounds(20, 5), evenRounds(21, 5), evenRounds(3, 5), evenRounds(0, 5)]).toEqual([4, 5, 1, 1]);
    expect(evenRounds(20, 0)).toBeUndefined();
  });

  it('remembers a slow child, and lets it fade as fast ones follow', () => {
    const durations: TopicDurations = {};
    for (const ms of [2, 3, 2000, 2]) observeDuration(durations, 't', ms);
    expect(durations.t).toEqual({ samples: 4, slowest: 2000 * 0.95 });
    for (let i = 0; i < 100; i++) observeDuration(durations, 't', 2);
    expect(durations.t.slowest).toBeLessThan(PACKING.shortChildMs);
  });

  it('takes the view that has seen more children', () => {
    const into: TopicDurations = { t: { samples: 10, slowest: 5 } };
    mergeDurations(into, { t: { samples: 3, slowest: 900 }, u: { samples: 1, slowest: 7 } });
    expect(into).toEqual({ t: { samples: 10, slowest: 5 }, u: { samples: 1, slowest: 7 } });
  });

  it('counts the slots a page of children can use at first', () => {
    const children = [
      ...Array.from({ length: 45 }, () => ({ topic: 'fast', runAs: 'activity', pack: true })),
      ...Array.from({ length: 3 }, () => ({ topic: 'fast', runAs: 'workflow', pack: true })),
      { topic: 'new', runAs: 'activity', pack: true },
    ];
    const durations = { fast: { samples: 50, slowest: 1 } };
    expect(slotsForChildren(children, durations)).toBe(Math.ceil(45 / 50) + 3 + 1);
    expect(slotsForChildren(children, durations, PACKING_BEFORE_LONGER_PACKS)).toBe(
      Math.ceil(45 / 20) + 3 + 1,
    );
  });
});

describe('retries with backoff', () => {
  const retry = { maxAttempts: 4, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 3000 };
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 3000],
  ])('after attempt %i, waits %i ms', (attempt, delay) => expect(retryDelayMs(retry, attempt)).toBe(delay));
  it('retries while attempts remain and the failure may pass', () => {
    expect(willRetry(retry.maxAttempts, 3, true)).toBe(true);
    expect(willRetry(retry.maxAttempts, 4, true)).toBe(false);
    expect(willRetry(retry.maxAttempts, 1, false)).toBe(false);
  });
});
