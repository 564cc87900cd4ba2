/** Schemathesis, the OpenAPI fuzzer the security scan runs (`npm run scan`, test/security/scanner.test.ts). */
import { defaultLog, type Log } from './executable';
import { resolvePythonTool } from './python-tool';

export const SCHEMATHESIS_VERSION = '4.32.5';

/** The `st` command, installing it first when it is not there. */
export function resolveSchemathesis(log: Log = defaultLog): Promise<string> {
  return resolvePythonTool(
    { package: 'schemathesis', version: SCHEMATHESIS_VERSION, command: 'st', neededBy: 'The security scan' },
    log,
  );
}
