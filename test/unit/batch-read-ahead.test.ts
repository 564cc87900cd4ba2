import { standsForEnded } from '../../src/client/batch-read-ahead';
import type { ClosedBatch } from '../../src/client/workflow-reads';
import type { BatchResult } from '../../src/contract/messages';
import type { StatusCounts } from '../../src/contract/jobs';
import { emptyCounts } from '../../src/jobs/status';

const CREATED = '2026-12-02T10:00:00.000Z';
const result = (counts: Partial<StatusCounts>): BatchResult => ({
  index: 0,
  counts: { ...emptyCounts(), ...counts },
  children: [],
});
const closed = (counts: Partial<StatusCounts>, closedAt?: string): ClosedBatch => ({
  closed: true,
  result: result(counts),
  ...(closedAt ? { closedAt } : {}),
});

describe('a batch read ahead stands for one the snapshot says has ended (standsForEnded)', () => {
  it.each<[string, ClosedBatch | undefined, string | null, boolean]>([
    [
      'closed after the root was created, all succeeded',
      closed({ success: 5 }, '2026-12-02T10:00:01.000Z'),
      CREATED,
      true,
    ],
    ['closed as the root was created', closed({ success: 5 }, CREATED), CREATED, true],
    [
      'closed before the root was created (an earlier root of the name)',
      closed({ success: 5 }, '2026-12-02T09:59:59.999Z'),
      CREATED,
      false,
    ],
    [
      'with a failed child (a rerun may have replaced it)',
      closed({ success: 4, failed: 1 }, '2026-12-02T10:00:01.000Z'),
      CREATED,
      false,
    ],
    [
      'with a cancelled child',
      closed({ success: 4, cancelled: 1 }, '2026-12-02T10:00:01.000Z'),
      CREATED,
      false,
    ],
    ['without its close time', closed({ success: 5 }), CREATED, false],
    ['of a root without its creation time', closed({ success: 5 }, '2026-12-02T10:00:01.000Z'), null, false],
    ['open when read', { closed: false }, CREATED, false],
    ['not read', undefined, CREATED, false],
  ])('%s', (_, early, createdAt, stands) => {
    expect(standsForEnded(early, createdAt)).toBe(
      stands ? (early as { result: BatchResult }).result : undefined,
    );
  });
});
