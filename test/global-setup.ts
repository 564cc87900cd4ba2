import { resolveTemporalCli } from '../src/provisioning/temporal-cli';
import { resolveTestServer } from '../src/provisioning/test-server';

/** Builds or fetches both servers before the test files start, so they never race to provision. */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[provision] ${line}\n`);
  for (const resolve of [resolveTemporalCli, resolveTestServer]) {
    const resolved = await resolve({ log });
    log(resolved.description);
  }
}
