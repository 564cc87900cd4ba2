/**
 * Text that job data carries to terminals and pages: which characters are unsafe to show raw, how long a
 * text is as the server counts it, and how to quote it in a message. Pure: used by workflows too.
 */

/**
 * Characters that steer a terminal or hide what a text says: C0 and C1 controls, DEL, bidi overrides and other
 * format characters, line and paragraph separators, lone surrogates.
 */
export const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'gu');

/** The size of `text` in UTF-8 bytes. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? (i++, 4) : 3;
  }
  return bytes;
}

/**
 * JSON text with every unsafe character in it written as a \u escape: the same value. Raw line feeds are
 * left: JSON.stringify escapes those in strings, so a raw one is its own layout.
 */
export function jsonEscaped(json: string): string {
  return json.replace(UNSAFE_CHARACTERS, (char) =>
    char === '\n'
      ? char
      : [...Array(char.length).keys()]
          .map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`)
          .join(''),
  );
}

/** `text` in double quotes for a message, its unsafe characters escaped. */
export function quoted(text: string): string {
  return jsonEscaped(JSON.stringify(text));
}
