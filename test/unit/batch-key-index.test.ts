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

describe('bringing the index up to date (BatchKeyIndex.refresh)', () => {
  const rootStart = '2026-01-01T00:00:00.000Z';
  const batch = (n: number, minute: number) => ({
    workflowId: `r/batch/${n}`,
    runId: `run-${n}`,
    startTime: at(`2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`),
    keys: [`K${n}`],
  });

  it('lists from the root start, then from the newest batch less the overlap', async () => {
    const index = new BatchKeyIndex();
    const asked: string[] = [];
    await index.refresh(rootStart, async function* (from) {
      asked.push(from);
      yield batch(1, 5);
    });
    await index.refresh(rootStart, async function* (from) {
      asked.push(from);
      yield batch(2, 6);
    });
    expect(asked).toEqual([
      rootStart,
      new Date(Date.parse('2026-01-01T00:05:00Z') - LISTING_OVERLAP_MS).toISOString(),
    ]);
    expect([...index.holding(['K1', 'K2']).keys()]).toEqual(['r/batch/1', 'r/batch/2']);
  });

  it('keeps nothing of a listing that failed half-way, so the next one misses no older batch', async () => {
    const index = new BatchKeyIndex();
    // Newest first, as visibility lists them; the listing breaks before the older batch arrives.
    await expect(
      index.refresh(rootStart, async function* () {
        yield batch(9, 50);
        throw new Error('visibility unavailable');
      }),
    ).rejects.toThrow('visibility unavailable');
    const asked: string[] = [];
    await index.refresh(rootStart, async function* (from) {
      asked.push(from);
      yield batch(9, 50);
      yield batch(1, 1);
    });
    expect(asked).toEqual([rootStart]);
    expect(index.holding(['K1']).get('r/batch/1')).toBe('run-1');
  });
});
