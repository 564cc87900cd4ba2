import { childrenToStop } from '../../src/jobs/pack-interrupts';

/** In a running pack, an interrupt stops what has not begun (graceful or forced) and, when forced, what runs. */
describe('what an interrupt stops in a running pack', () => {
  const children = ['running', 'queued', 'other'];
  const begun = new Set(['running']);

  it.each<[string, Record<string, boolean> | null, string[]]>([
    [
      'a graceful interrupt of the pack: the queued ones never begin',
      { running: false, queued: false },
      ['queued'],
    ],
    ['a forced interrupt: the running one too', { running: true, queued: true }, ['running', 'queued']],
    ['one queued child interrupted: that one only', { queued: false }, ['queued']],
    ['the running child, graceful: it finishes', { running: false }, []],
    ['nothing interrupted (yet): nothing stops', {}, []],
    ['not an interrupt (the worker stops): everything', null, ['running', 'queued', 'other']],
  ])('%s', (_what, interrupts, expected) => {
    expect(childrenToStop(children, begun, interrupts)).toEqual(expected);
  });
});
