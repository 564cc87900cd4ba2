import { InvalidJobInputError } from '../../src/errors';
import { ATTEMPTS_PER_BATCH, batchSizeFor, checkPageRequest, rootJobInput } from '../../src/jobs/options';
import type { JobStatus } from '../../src/contract/jobs';

describe("a root's start options", () => {
  it('fills in the defaults', () => {
    expect(rootJobInput('import', {}, 'owner-1')).toMatchObject({
      id: 'import',
      name: 'import',
      ownerId: 'owner-1',
      maxParallel: 50,
      retry: { maxAttempts: 3 },
      batchSize: 200,
      followUpOn: ['success', 'failed'],
    });
  });

  it.each<[number, number, number]>([
    [200, 3, 200],
    [200, 10, 200],
    [200, 11, 181],
    [200, 100, 20],
    [5, 100, 5],
    [1, 100, 1],
  ])('a batch of %i asked at %i attempts holds %i children', (asked, maxAttempts, size) => {
    expect(batchSizeFor(asked, maxAttempts)).toBe(size);
    expect(size * maxAttempts).toBeLessThanOrEqual(Math.max(ATTEMPTS_PER_BATCH, maxAttempts));
    expect(rootJobInput('import', { batchSize: asked, maxAttempts }, 'owner').batchSize).toBe(size);
  });

  it.each<[object, string]>([
    [{ maxParallel: 0 }, 'maxParallel must be a whole number from 1 to 200; got 0.'],
    [{ maxParallel: 2.5 }, 'maxParallel must be a whole number from 1 to 200; got 2.5.'],
    [{ maxAttempts: 101 }, 'maxAttempts must be a whole number from 1 to 100; got 101.'],
    [{ batchSize: 201 }, 'batchSize must be a whole number from 1 to 200; got 201.'],
    [{ name: 'a/b' }, 'contains "/"'],
    [{ ownerId: '' }, 'ownerId must be a non-empty string.'],
    [{ runChildrenAs: 'thread' }, 'runChildrenAs must be "activity" or "workflow"; got "thread".'],
  ])('refuses %j', (options, message) => {
    expect(() => rootJobInput('import', options, 'owner')).toThrow(InvalidJobInputError);
    expect(() => rootJobInput('import', options, 'owner')).toThrow(message);
  });

  it('checks a page request', () => {
    expect(() => checkPageRequest({ offset: -1 })).toThrow('offset must be a whole number of at least 0');
    expect(() => checkPageRequest({ status: 'done' as JobStatus })).toThrow('Unknown status "done".');
    expect(() => checkPageRequest({ offset: 0, limit: 10, status: 'failed' })).not.toThrow();
  });
});
