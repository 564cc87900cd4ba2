import { pageSlices } from '../../src/jobs/pages';
import { emptyCounts } from '../../src/jobs/status';

const batch = (size: number, failed = 0) => ({
  size,
  counts: { ...emptyCounts(), success: size - failed, failed },
});

describe('one page of children across batches', () => {
  const batches = [batch(3, 1), batch(3), batch(2, 2)];
  it.each([
    [{ offset: 0, limit: 2 }, [{ batch: 0, offset: 0, limit: 2 }]],
    [
      { offset: 2, limit: 3 },
      [
        { batch: 0, offset: 2, limit: 1 },
        { batch: 1, offset: 0, limit: 2 },
      ],
    ],
    [{ offset: 7, limit: 5 }, [{ batch: 2, offset: 1, limit: 1 }]],
    [{ offset: 8, limit: 5 }, []],
    [{ offset: 0, limit: 0 }, []],
    [
      { status: 'failed' as const, offset: 0, limit: 5 },
      [
        { batch: 0, offset: 0, limit: 1 },
        { batch: 2, offset: 0, limit: 2 },
      ],
    ],
    [{ status: 'failed' as const, offset: 1, limit: 1 }, [{ batch: 2, offset: 0, limit: 1 }]],
  ])('%j', (request, slices) => expect(pageSlices(batches, request)).toEqual(slices));
});
