import { mostAtOnce } from '../../scripts/bench/efficiency';

const run = (from: number, to: number) => ({
  startedAt: new Date(from).toISOString(),
  stoppedAt: new Date(to).toISOString(),
});

describe('the most children running at once, from their records (bench efficiency)', () => {
  it.each([
    ['none', [], 0],
    ['one after another', [run(0, 10), run(10, 20), run(20, 30)], 1],
    ['two overlapping, a third after', [run(0, 10), run(5, 15), run(15, 20)], 2],
    ['three at one instant', [run(0, 10), run(2, 8), run(4, 6)], 3],
  ])('%s', (_what, records, most) => {
    expect(mostAtOnce(records)).toBe(most);
  });

  it('skips children that never ran', () => {
    expect(mostAtOnce([{ startedAt: null, stoppedAt: null }, run(0, 5)])).toBe(1);
  });
});
