import { MAX_CARRY_BYTES, carryFull } from '../../src/jobs/carry-size';

const summary = (index: number) => ({
  id: `nightly-import/batch/${index}`,
  size: 200,
  counts: { new: 0, running: 0, success: 198, failed: 2, failed_redelivered: 0, cancelled: 0 },
  slots: 0,
  done: true,
});
const record = (batches: number) => ({
  id: 'nightly-import',
  batches: Array.from({ length: batches }, (_, i) => summary(i)),
});

describe("a root's record and what a continue-as-new carries", () => {
  it('lets a root with a small input plan thousands of batches', () => {
    expect(carryFull(2_000, record(10_000), 10)).toBeUndefined();
  });

  it('stops a root before its input and record outgrow 2 MB, saying why', () => {
    const reason = carryFull(1_990_000, record(600), 10);
    expect(reason).toMatch(/^the root's input \(1\.99 MB\) and record \(0\.\d\d MB\) would outgrow/);
    expect(reason).toContain('split the work into several roots');
  });

  it('counts the pages about to be planned', () => {
    const bytes = JSON.stringify(record(100)).length;
    const room = MAX_CARRY_BYTES - bytes;
    expect(carryFull(room - 2_500, record(100), 10)).toBeUndefined();
    expect(carryFull(room - 2_499, record(100), 10)).toBeDefined();
  });
});
