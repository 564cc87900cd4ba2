/**
 * Names and the terminal: a name may not hold what would steer a terminal or hide what it says, sizes are
 * counted in bytes as the server counts them, and whatever job data the CLI prints is shown, never obeyed.
 */
import fc from 'fast-check';
import { print, printJson } from '../../src/cli/context';
import { printable, printableJson } from '../../src/cli/printable';
import { childLines, childrenTable, rootHeader, watchLines } from '../../src/cli/render';
import { MAX_NAME_BYTES, invalidKeyReason, invalidNameReason } from '../../src/jobs/ids';
import { utf8Bytes } from '../../src/jobs/text';
import { emptyCounts } from '../../src/jobs/status';
import type { ChildJobState, ChildRecord, RootStatusAnswer } from '../../src/contract/jobs';
import { runJobs } from '../helpers/cli';

/** Characters that must never reach a terminal raw. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const HOSTILE = 'evil\u202Etxt.exe\x1b[2J\x1b]0;pwned\x07\u0085\u2028\u2066x\ud800';

describe('job names', () => {
  it.each([
    ['evil\u202Etxt.exe-root', 'U+202E'],
    ['next\u0085line', 'U+0085'],
    ['tab\tname', 'U+0009'],
    ['escape\x1b[31m', 'U+001B'],
    ['isolate\u2067x', 'U+2067'],
    ['zero\u200Bwidth', 'U+200B'],
    ['line\u2028separator', 'U+2028'],
    ['lone\ud800surrogate', 'U+D800'],
    ['delete\x7f', 'U+007F'],
  ])('refuses %j, naming the character', (name, code) => {
    expect(invalidNameReason(name)).toMatch(
      new RegExp(`holds ${code.replace('+', '\\+')}, a control, format or bidi character`),
    );
  });

  it('counts bytes as the server does, not UTF-16 units', () => {
    expect(invalidNameReason('é'.repeat(100))).toBeUndefined(); // 200 bytes
    expect(invalidNameReason('é'.repeat(101))).toMatch(/is 202 bytes \(UTF-8\); the most is 200/);
    expect(invalidNameReason('😀'.repeat(51))).toMatch(/is 204 bytes/);
    expect(invalidNameReason('x'.repeat(200))).toBeUndefined();
    expect(invalidKeyReason('k\u202E')).toMatch(/control, format or bidi character/);
    expect(invalidKeyReason('é'.repeat(101))).toMatch(/202 bytes/);
  });

  it('accepts a name only when it is printable and fits (generated names)', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString({ maxLength: 120 }), fc.string({ maxLength: 5 }), (body, edge) => {
        const name = `${edge}${body}`;
        if (invalidNameReason(name) !== undefined) return;
        expect(UNSAFE.test(name)).toBe(false);
        expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_NAME_BYTES);
        expect(utf8Bytes(name)).toBe(Buffer.byteLength(name, 'utf8'));
        expect(name).not.toContain('/');
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses such a name on the CLI in one line, exit 2, before connecting to anything', async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const run = await runJobs(env, 'start', 'do_big_job', '--name', 'evil\u202Etxt.exe-root');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds U\+202E/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(UNSAFE.test(run.stderr.replace(/\n$/, ''))).toBe(false);
    expect(run.stderr).toContain('job name "evil\\u202etxt.exe-root" holds U+202E');
  });
});

describe('what the CLI prints from job data', () => {
  it('escapes every unsafe character, and escaping twice changes nothing', () => {
    expect(printable(HOSTILE)).toBe(
      'evil\\u{202e}txt.exe\\x1b[2J\\x1b]0;pwned\\x07\\x85\\u{2028}\\u{2066}x\\u{d800}',
    );
    fc.assert(
      fc.property(fc.fullUnicodeString(), fc.string(), (a, b) => {
        const shown = printable(`${a}${b}`);
        expect(UNSAFE.test(shown)).toBe(false);
        expect(printable(shown)).toBe(shown);
      }),
    );
  });

  it('prints JSON that holds the same value, with no unsafe character raw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constant(HOSTILE), (value, hostile) => {
        const data = { value, hostile };
        const json = printableJson(JSON.stringify(data, null, 2));
        expect(UNSAFE.test(json.replace(/\n/g, ''))).toBe(false);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
      }),
    );
  });

  it('shows names, errors and results in status, watch and child views escaped', () => {
    const child: ChildRecord = {
      id: `root/${HOSTILE}`,
      name: HOSTILE,
      topic: 't',
      status: 'failed',
      attempts: 1,
      error: `boom\n${HOSTILE}`,
      progress: 0,
      createdAt: null,
      startedAt: null,
      stoppedAt: null,
    } as ChildRecord;
    const root = {
      id: 'root',
      name: 'root',
      topic: HOSTILE,
      ownerId: HOSTILE,
      status: 'failed',
      interrupted: false,
      progress: 1,
      counts: { ...emptyCounts(), failed: 1 },
      total: 1,
      error: HOSTILE,
      children: [child],
      paused: false,
    } as unknown as RootStatusAnswer;
    const childState = {
      ...child,
      rootId: 'root',
      interrupted: false,
      result: { said: HOSTILE },
    } as unknown as ChildJobState;
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      print([...rootHeader(root), '', ...childrenTable([child])]);
      print(childLines(childState));
      printJson(root);
    } finally {
      write.mockRestore();
    }
    const lines = [...written.join('').split('\n'), ...watchLines(root, [child], [child])];
    for (const line of lines) expect(UNSAFE.test(line)).toBe(false);
    expect(written.join('')).toContain('said');
    expect(childrenTable([child])[1]).toContain('boom\\nevil\\u{202e}txt.exe\\x1b[2J');
  });
});
