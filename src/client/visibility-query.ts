import { InvalidJobInputError } from '../errors';
import { quoted } from '../jobs/text';

/**
 * A string as a visibility query's literal: in single quotes, its backslashes and quotes escaped. Control
 * characters are refused: no name holds one, and the server answers a query with a NUL by an error the client
 * retries for many seconds.
 */
export function queryString(value: string): string {
  // eslint-disable-next-line no-control-regex -- the characters refused
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new InvalidJobInputError(
      `${quoted(value.slice(0, 40))} holds a control character; no job name does.`,
    );
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
