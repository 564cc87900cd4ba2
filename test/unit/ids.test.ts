import { batchWorkflowId, childJobId, childKey, invalidNameReason, parseJobId } from '../../src/jobs/ids';

describe('job ids', () => {
  it('derives child and batch ids from the root id, and parses them back', () => {
    expect(childJobId('import', 'do_small_job:a')).toBe('import/do_small_job:a');
    expect(parseJobId('import/do_small_job:a')).toEqual({
      kind: 'child',
      rootId: 'import',
      name: 'do_small_job:a',
    });
    expect(parseJobId('import')).toEqual({ kind: 'root', rootId: 'import' });
    expect(batchWorkflowId('import', 3)).toBe('import/batch/3');
  });

  it.each([
    ['', 'non-empty'],
    ['a/b', 'contains "/"'],
    [' padded', 'spaces'],
    ['x'.repeat(201), 'is 201 bytes (UTF-8); the most is 200'],
    ['first +3', 'ends like the id of a pack of children'],
  ])('refuses the job name %j', (name, problem) => {
    expect(invalidNameReason(name)).toContain(problem);
  });

  it('accepts ordinary names', () => {
    expect(invalidNameReason('do_small_job:part-1')).toBeUndefined();
  });

  it('keys a child name in 4 characters, the same every time, so 200 keys fit one search attribute value', () => {
    expect(childKey('do_small_job:a')).toMatch(/^[A-Za-z0-9_-]{4}$/);
    expect(childKey('do_small_job:a')).toBe(childKey('do_small_job:a'));
    const keys = new Set(Array.from({ length: 10_000 }, (_, i) => childKey(`c${i}`)));
    expect(keys.size).toBeGreaterThan(9_990); // 24 bits: collisions are rare, and only cost one more read
    expect(JSON.stringify(Array.from({ length: 200 }, (_, i) => childKey(`c${i}`))).length).toBeLessThan(
      2048,
    );
  });
});
