/**
 * An automated scanner of the kind the ecosystem uses, in `npm test`: Schemathesis fuzzes every operation of
 * the dashboard's and the codec server's OpenAPI documents (see scripts/security-scan.ts; `npm run scan` runs
 * it longer, with new requests each run). The test's seed is fixed, so that it asks the same each time. Any undocumented status, wrong shape, 500, hang, or auth left unenforced fails this test.
 */
import { securityScan } from '../../scripts/security-scan';

describe('the security scan (Schemathesis, dev server)', () => {
  it('finds nothing on the dashboard API and the codec server, with and without their tokens', async () => {
    const lines: string[] = [];
    const results = await securityScan({ maxExamples: 50, seed: 20261130, log: (line) => lines.push(line) });
    const failed = results.filter((result) => !result.passed);
    if (failed.length > 0) throw new Error(failed.map((r) => `${r.what}:\n${r.summary}`).join('\n\n'));
    expect(results.map((result) => result.what)).toHaveLength(4);
    for (const result of results) expect(result.summary).toMatch(/passed/);
  }, 600_000);
});
