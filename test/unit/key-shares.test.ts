import fc from 'fast-check';
import {
  balanceKey,
  createKeyState,
  fairShares,
  heldInKey,
  joinKey,
  leaveKey,
  reportToKey,
  type KeyState,
} from '../../src/jobs/key-shares';
import { allowedTo } from '../../src/jobs/slots';

/** A root takes what it was granted, and reports it with what it wants. */
function receive(key: KeyState, id: string, released: number, wants: number): void {
  const entry = key.roots[id];
  reportToKey(key, id, { received: entry.granted, released, wants });
}

describe("a concurrency key's fair shares", () => {
  it.each<[number, number[], number[]]>([
    [10, [100, 100], [5, 5]],
    [10, [2, 100], [2, 8]],
    [10, [2, 3, 100], [2, 3, 5]],
    [10, [4, 4, 4], [4, 3, 3]], // rounding: the earliest first
    [3, [5, 5, 5, 5], [1, 1, 1, 0]],
    [10, [0, 7], [0, 7]],
    [0, [3, 3], [0, 0]],
    [10, [], []],
  ])('limit %i among demands %j → %j', (limit, demands, shares) => {
    expect(fairShares(limit, demands)).toEqual(shares);
  });

  it('gives a root that joins late its share: the first is asked back what is over its share', () => {
    const key = createKeyState(10);
    joinKey(key, 'a');
    reportToKey(key, 'a', { received: 0, released: 0, wants: 1000 });
    expect(balanceKey(key)).toEqual(['a']);
    expect(key.roots.a.granted).toBe(10);
    receive(key, 'a', 0, 990);
    joinKey(key, 'b');
    reportToKey(key, 'b', { received: 0, released: 0, wants: 1000 });
    expect(balanceKey(key)).toEqual(['a']); // nothing free for b yet: a is asked back 5
    expect(allowedTo(key.roots.a)).toBe(5);
    expect(key.roots.b.granted).toBe(0);
    receive(key, 'a', 3, 990); // three of a's children finished and gave their slots back
    expect(balanceKey(key)).toEqual(['b']);
    expect(key.roots.b.granted).toBe(3);
    expect(heldInKey(key)).toBe(10);
  });

  it('a lower limit asks slots back and lends none until the roots are under it', () => {
    const key = createKeyState(6);
    for (const id of ['a', 'b']) {
      joinKey(key, id);
      reportToKey(key, id, { received: 0, released: 0, wants: 50 });
    }
    balanceKey(key);
    receive(key, 'a', 0, 47);
    receive(key, 'b', 0, 47);
    key.limit = 2;
    expect(balanceKey(key).sort()).toEqual(['a', 'b']);
    expect([allowedTo(key.roots.a), allowedTo(key.roots.b)]).toEqual([1, 1]);
    receive(key, 'a', 1, 47);
    expect(balanceKey(key)).toEqual([]); // held 2 + 3 = 5, over the limit of 2: nothing goes out
    leaveKey(key, 'b');
    receive(key, 'a', 2, 47);
    expect(balanceKey(key)).toEqual(['a']);
    expect(heldInKey(key)).toBe(2);
  });

  it('without a limit, every root gets what it asks for', () => {
    const key = createKeyState();
    joinKey(key, 'a');
    reportToKey(key, 'a', { received: 0, released: 0, wants: 70 });
    balanceKey(key);
    expect(key.roots.a.granted).toBe(70);
  });

  it('on any sequence of reports, never lends past the limit, and asks back what is over it', () => {
    type Op =
      | { kind: 'join' | 'leave'; root: number }
      | { kind: 'report'; root: number; released: number; wants: number }
      | { kind: 'limit'; limit: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.nat(3).map<Op>((root) => ({ kind: 'join', root })),
      fc.nat(3).map<Op>((root) => ({ kind: 'leave', root })),
      fc
        .tuple(fc.nat(3), fc.nat(30), fc.nat(40))
        .map<Op>(([root, released, wants]) => ({ kind: 'report', root, released, wants })),
      fc.integer({ min: 0, max: 20 }).map<Op>((limit) => ({ kind: 'limit', limit })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.array(op, { maxLength: 60 }), (limit, ops) => {
        const key = createKeyState(limit);
        for (const step of ops) {
          const id = `r${'root' in step ? step.root : 0}`;
          const heldBefore = heldInKey(key);
          if (step.kind === 'join') joinKey(key, id);
          else if (step.kind === 'leave') leaveKey(key, id);
          else if (step.kind === 'limit') key.limit = step.limit;
          else if (step.kind === 'report' && key.roots[id])
            receive(key, id, Math.min(step.released, key.roots[id].granted), step.wants);
          balanceKey(key);
          if (heldInKey(key) > heldBefore) expect(heldInKey(key)).toBeLessThanOrEqual(key.limit!);
          const allowed = Object.values(key.roots).reduce((sum, entry) => sum + allowedTo(entry), 0);
          expect(allowed).toBeLessThanOrEqual(key.limit!);
        }
      }),
    );
  });
});
