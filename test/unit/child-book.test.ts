import { ChildBook } from '../../src/jobs/child-book';
import type { PlannedChild } from '../../src/contract/jobs';

const at = '2026-11-28T10:00:00.000Z';
const child = (name: string, topic = 'work', extra: Partial<PlannedChild> = {}): PlannedChild => ({
  name,
  topic,
  runAs: 'activity',
  pack: true,
  ...extra,
});
const names = (book: ChildBook, indexes: number[]) => indexes.map((index) => book.specs[index].name);

describe("a batch's book of children", () => {
  it('hands children out one per activity until their topic is known to be short', () => {
    const book = new ChildBook([child('a'), child('b'), child('c')], 'root', at);
    const pack = book.takePack(5, () => 1);
    expect(pack).toEqual({ indexes: [0], slots: 1 });
    expect(book.records[0]).toMatchObject({ id: 'root/a', status: 'running' });
    expect(book.readyCount).toBe(2);
  });

  it('packs short children of one topic, `rounds` to a slot, and stops at another topic', () => {
    const specs = [...'abcdefg'].map((name) => child(name)).concat(child('x', 'other'));
    const book = new ChildBook(specs, 'root', at);
    const pack = book.takePack(2, () => 3);
    expect(pack.slots).toBe(2);
    expect(names(book, pack.indexes)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const rest = book.takePack(5, () => 3);
    expect(names(book, rest.indexes)).toEqual(['g']);
    expect(rest.slots).toBe(1);
    expect(names(book, book.takePack(5, () => 3).indexes)).toEqual(['x']);
  });

  it('tells whether a ready child is of a kind, by topic and mode', () => {
    const book = new ChildBook([child('a', 'fast'), child('w', 'slow', { runAs: 'workflow' })], 'root', at);
    expect(book.someReady((kind) => kind.topic === 'slow' && kind.runAs === 'workflow')).toBe(true);
    book.takePack(5, () => 1);
    expect(book.someReady((kind) => kind.topic === 'fast')).toBe(false);
  });

  it('never packs children that run as workflows or whose topic says no', () => {
    const book = new ChildBook(
      [
        child('w1', 'work', { runAs: 'workflow' }),
        child('w2', 'work', { runAs: 'workflow' }),
        child('s1', 'solo', { pack: false }),
      ],
      'root',
      at,
    );
    expect(book.takePack(10, () => 20).indexes).toEqual([0]);
    expect(book.takePack(10, () => 20).indexes).toEqual([1]);
    expect(book.takePack(10, () => 20).indexes).toEqual([2]);
  });

  it('counts the slots its ready children can use, per topic', () => {
    const specs = [...'abcde'].map((name) => child(name)).concat([child('x', 'slow'), child('y', 'slow')]);
    const book = new ChildBook(specs, 'root', at);
    expect(book.slotsWanted((spec) => (spec.topic === 'work' ? 2 : 1))).toBe(3 + 2);
  });

  it('puts a withdrawn child back in line once, and skips a cancelled one', () => {
    const book = new ChildBook([child('a'), child('b'), child('c')], 'root', at);
    const [first] = book.takePack(1, () => 1).indexes;
    book.apply(first, { type: 'withdraw' });
    book.enqueue(first);
    book.enqueue(first);
    book.apply(1, { type: 'cancel', at });
    expect(book.readyCount).toBe(2);
    const taken = [book.takePack(1, () => 1), book.takePack(1, () => 1), book.takePack(1, () => 1)];
    expect(taken.map((pack) => names(book, pack.indexes))).toEqual([['c'], ['a'], []]);
  });

  it('knows when every child is final', () => {
    const book = new ChildBook([child('a'), child('b')], 'root', at);
    book.apply(0, { type: 'cancel', at });
    expect(book.allFinal).toBe(false);
    book.apply(1, { type: 'fail', at, error: 'x' });
    expect(book.allFinal).toBe(true);
    expect(book.counts()).toMatchObject({ cancelled: 1, failed: 1, new: 0 });
  });

  it('keeps its line right through many withdrawals and retries', () => {
    const book = new ChildBook([child('a'), child('b'), child('c')], 'root', at);
    for (let round = 0; round < 2000; round++) {
      const [index] = book.takePack(1, () => 1).indexes;
      book.apply(index, { type: 'withdraw' });
      book.enqueue(index);
    }
    expect(book.readyCount).toBe(3);
    const order = [1, 2, 3].map(() => names(book, book.takePack(1, () => 1).indexes)[0]);
    expect(order.sort()).toEqual(['a', 'b', 'c']);
    expect(book.takePack(1, () => 1).indexes).toEqual([]);
  });

  it('reruns only the final children in the given statuses, their attempt limits going on from there', () => {
    const book = new ChildBook([child('a'), child('b'), child('c'), child('d')], 'root', at);
    book.takePack(4, () => 1);
    book.apply(0, { type: 'succeed', attempt: 1, at });
    book.apply(1, { type: 'fail', attempt: 3, at, error: 'boom' });
    book.apply(2, { type: 'cancel', at });
    expect(book.readyCount).toBe(1); // d waits
    expect(book.rerun(['failed'])).toHaveLength(1);
    expect(book.records[1]).toMatchObject({ status: 'failed_redelivered', attempts: 3, error: 'boom' });
    expect(book.attemptLimit(1, 3)).toBe(6);
    expect(book.attemptLimit(3, 3)).toBe(3);
    expect(book.readyCount).toBe(2);
    expect(book.rerun(['failed'])).toHaveLength(0); // it is not failed any more
    expect(book.rerun(['cancelled'])).toHaveLength(1);
    expect(book.records[2]).toMatchObject({ status: 'new', attempts: 0 });
    expect(book.counts()).toMatchObject({ success: 1, failed_redelivered: 1, new: 2 });
    expect(book.allFinal).toBe(false);
  });

  it('takes up the records of an earlier run, and puts only the rerun children in line', () => {
    const first = new ChildBook([child('a'), child('b')], 'root', at);
    first.takePack(2, () => 1);
    first.apply(0, { type: 'succeed', attempt: 1, at, result: 42 });
    first.apply(1, { type: 'fail', attempt: 2, at, error: 'boom' });
    const again = new ChildBook(first.specs, 'root', at, first.records);
    expect(again.allFinal).toBe(true);
    expect(again.readyCount).toBe(0);
    again.rerun(['failed', 'cancelled']);
    expect(names(again, again.takePack(5, () => 1).indexes)).toEqual(['b']);
    expect(again.records[0]).toMatchObject({ status: 'success', result: 42 });
  });

  it('ends with every result that fits a megabyte; a larger one stays in the history, and the record says so', () => {
    const book = new ChildBook([child('small'), child('big'), child('none'), child('after')], 'root', at);
    const big = 'x'.repeat(1024 * 1024);
    book.records[0].result = 'ok';
    book.records[1].result = big;
    book.records[3].result = 'fits';
    const records = book.resultRecords();
    expect(records[0].result).toBe('ok');
    expect(records[1]).toMatchObject({ resultInHistory: true });
    expect(records[1]).not.toHaveProperty('result');
    expect(records[2]).not.toHaveProperty('resultInHistory');
    expect(records[3].result).toBe('fits');
    expect(book.records[1].result).toBe(big); // the book keeps its own records whole
  });
});
