import { portNumber } from '../../src/cli/args';
import { UsageError } from '../../src/cli/exit-codes';

describe('portNumber (the CLI port options)', () => {
  it.each([
    [undefined, 1, undefined],
    ['1', 1, 1],
    ['8234', 1, 8234],
    ['65535', 1, 65535],
    ['0', 0, 0],
  ] as const)('accepts %p (minimum %p) as %p', (value, minimum, port) => {
    expect(portNumber('port', value, minimum)).toBe(port);
  });

  it.each([
    ['0', 1, '--port must be a whole number of at least 1; got "0"'],
    ['65536', 1, '--port must be 1–65535; got "65536"'],
    ['70000', 0, '--port must be 0–65535; got "70000"'],
    ['-1', 0, '--port must be a whole number of at least 0; got "-1"'],
    ['80.5', 1, '--port must be a whole number of at least 1; got "80.5"'],
    ['eighty', 0, '--port must be a whole number of at least 0; got "eighty"'],
  ] as const)('refuses %p (minimum %p)', (value, minimum, message) => {
    expect(() => portNumber('port', value, minimum)).toThrow(new UsageError(message));
  });
});
