import { isDeadlineExceeded } from '../../src/client/deadline';

const withCause = (cause: unknown) => Object.assign(new Error('Failed to query Workflow'), { cause });

describe('a call that ran out of time', () => {
  it.each([
    [
      'our deadline (DEADLINE_EXCEEDED)',
      withCause(Object.assign(new Error('4 DEADLINE_EXCEEDED: x'), { code: 4 })),
      true,
    ],
    [
      'the server giving up at it (CANCELLED)',
      withCause(Object.assign(new Error('1 CANCELLED: context canceled'), { code: 1 })),
      true,
    ],
    ['a message that names the deadline', new Error('Deadline exceeded after 3.001s'), true],
    [
      'the server unavailable',
      withCause(Object.assign(new Error('14 UNAVAILABLE: connect'), { code: 14 })),
      false,
    ],
    ['a query the workflow rejects', new Error('Query failed: bad argument'), false],
  ])('%s → %s', (_what, err, expected) => {
    expect(isDeadlineExceeded(err)).toBe(expected);
  });
});
