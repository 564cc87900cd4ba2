import { rootQuery } from '../../src/client/root-list';
import { queryString } from '../../src/client/visibility-query';

describe('visibility query literals', () => {
  it.each([
    ['plain', `'plain'`],
    [`it's`, `'it\\'s'`],
    ['a\\b', `'a\\\\b'`],
    [`\\'`, `'\\\\\\''`],
  ])('quotes %p as %p', (value, literal) => {
    expect(queryString(value)).toBe(literal);
  });

  it.each(['a\u0000b', 'x\r', '\u001b[2J', 'del\u007f'])('refuses %j: a control character', (value) => {
    expect(() => queryString(value)).toThrow(/holds a control character; no job name does/);
  });

  it('filters roots by status and an exact, quoted name', () => {
    expect(rootQuery({ status: 'running', name: `o'clock` })).toBe(
      `JobKind = 'root' AND JobStatus = 'running' AND JobName = 'o\\'clock'`,
    );
  });
});
