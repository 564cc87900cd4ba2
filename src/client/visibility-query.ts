/** A string as a visibility query's literal: in single quotes, its backslashes and quotes escaped. */
export function queryString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
