import { maxOverlap, meanOverlap } from '../helpers/overlap';

describe('interval overlap (the measure of the concurrency-key tests)', () => {
  it.each([
    { intervals: [], most: 0 },
    { intervals: [{ start: 0, end: 10 }], most: 1 },
    {
      intervals: [
        { start: 0, end: 10 },
        { start: 10, end: 20 },
      ],
      most: 1,
    },
    {
      intervals: [
        { start: 0, end: 10 },
        { start: 9, end: 20 },
      ],
      most: 2,
    },
    {
      intervals: [
        { start: 0, end: 30 },
        { start: 5, end: 6 },
        { start: 5, end: 7 },
        { start: 6, end: 9 },
      ],
      most: 3,
    },
  ])('$intervals.length intervals overlap at most $most', ({ intervals, most }) => {
    expect(maxOverlap(intervals)).toBe(most);
  });

  it('averages over a window, counting only the part inside it', () => {
    const intervals = [
      { start: 0, end: 10 },
      { start: 5, end: 15 },
    ];
    expect(meanOverlap(intervals, 0, 10)).toBe(1.5);
    expect(meanOverlap(intervals, 10, 20)).toBe(0.5);
    expect(meanOverlap(intervals, 5, 5)).toBe(0);
  });
});
