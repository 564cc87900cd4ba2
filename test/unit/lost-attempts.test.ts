import { lostAttempts, type LostAttemptsBeat } from '../../src/jobs/lost-attempts';

/** Attempts lost to dead workers go to the children that had begun, never to those waiting in the pack. */
describe('lost attempts of a pack', () => {
  const beat = (partial: Partial<LostAttemptsBeat>): LostAttemptsBeat => ({
    begun: [],
    done: {},
    ...partial,
  });

  it.each<[string, number, LostAttemptsBeat | undefined, Record<string, number>]>([
    ['first attempt: nothing lost', 1, undefined, {}],
    ['a heartbeat said v had begun: only v', 2, beat({ begun: ['v'], attempt: 1 }), { v: 1 }],
    [
      'a child that finished is not charged',
      2,
      beat({ begun: ['v', 'a'], done: { a: {} }, attempt: 1 }),
      { v: 1 },
    ],
    ['no heartbeat at all: the ones it starts at once', 2, undefined, { v: 1 }],
    ['three attempts without one', 4, undefined, { v: 3 }],
    [
      'lost counts go on from the last heartbeat',
      3,
      beat({ begun: ['a'], lost: { v: 1 }, attempt: 2 }),
      { v: 1, a: 1 },
    ],
    [
      'an attempt after the last heartbeat left none: the ones it starts at once',
      3,
      beat({ begun: ['v'], attempt: 1 }),
      { v: 2 },
    ],
    ['a heartbeat from before attempts were kept is the last attempt', 2, beat({ begun: ['a'] }), { a: 1 }],
  ])('%s', (_what, attempt, earlier, expected) => {
    expect(lostAttempts(['v', 'a', 'b'], 1, attempt, earlier)).toEqual(expected);
  });
});
