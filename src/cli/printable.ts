/**
 * Job data printed on a terminal is shown, never obeyed: names, errors and results may hold characters that
 * move the cursor, erase lines or reorder text (C0 and C1 controls, DEL, bidi overrides and other format
 * characters, line separators, lone surrogates). Every line the CLI prints goes through here.
 */
import { UNSAFE_CHARACTER, jsonEscaped } from '../jobs/text';

const UNSAFE = new RegExp(UNSAFE_CHARACTER.source, 'gu');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every unsafe character written as an escape (`\n`, `\x1b`, `\u{202e}`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const named = NAMED[char];
    if (named) return named;
    const code = char.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** JSON whose strings hold no unsafe character raw: the same value, with those written as \u escapes. */
export const printableJson = jsonEscaped;
