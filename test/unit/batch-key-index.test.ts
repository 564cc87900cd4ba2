import { BatchKeyIndex, LISTING_OVERLAP_MS } from '../../src/jobs/batch-key-index';

const at = (iso: string) => new Date(iso);

describe('the batch key index (names of a root earlier runs planned)', () => {
  it('finds the batches that hold any of the keys, each once, with the run that listed it', () => {
    const index = new BatchKeyIndex();
    index.add({
      workflowId: 'r/b1',
      runId: 'run1',
      startTime: at('2026-01-01T00:00:01Z'),
      keys: ['AAAA', 'BBBB'],
    });
    index.add({
      workflowId: 'r/b2',
      runId: 'run2',
      startTime: at('2026-01-01T00:00:02Z'),
      keys: ['BBBB', 'CCCC'],
    });
    expect(index.holding(['BBBB'])).toEqual(
      new Map([
        ['r/b1', 'run1'],
        ['r/b2', 'run2'],
      ]),
    );
    expect(index.holding(['AAAA', 'CCCC', 'DDDD'])).toEqual(
      new Map([
        ['r/b1', 'run1'],
        ['r/b2', 'run2'],
      ]),
    );
    expect(index.holding(['DDDD'])).toEqual(new Map());
    expect(index.size).toBe(4);
  });

  it('a batch listed again (the overlap) is not counted twice; a later run of it replaces the earlier', () => {
    const index = new BatchKeyIndex();
    const batch = {
      workflowId: 'r/b1',
      runId: 'run1',
      startTime: at('2026-01-01T00:00:01Z'),
      keys: ['AAAA', 'AAAA'],
    };
    index.add(batch);
    index.add(batch);
    expect(index.size).toBe(1);
    index.add({ ...batch, runId: 'run2' });
    expect(index.size).toBe(1);
    expect(index.holding(['AAAA'])).toEqual(new Map([['r/b1', 'run2']]));
  });

  it('lists from the root start at first, then from the newest batch seen less the overlap, never before the root', () => {
    const index = new BatchKeyIndex();
    const rootStart = '2026-01-01T00:00:00.000Z';
    expect(index.listFrom(rootStart)).toBe(rootStart);
    index.add({ workflowId: 'r/b1', runId: 'x', startTime: at('2026-01-01T00:00:05Z'), keys: [] });
    expect(index.listFrom(rootStart)).toBe(rootStart); // 5 s after the start is within the overlap
    index.add({ workflowId: 'r/b2', runId: 'y', startTime: at('2026-01-01T00:10:00Z'), keys: ['AAAA'] });
    index.add({ workflowId: 'r/b0', runId: 'z', startTime: at('2026-01-01T00:05:00Z'), keys: [] }); // listed late
    expect(index.listFrom(rootStart)).toBe(
      new Date(Date.parse('2026-01-01T00:10:00Z') - LISTING_OVERLAP_MS).toISOString(),
    );
  });
});
