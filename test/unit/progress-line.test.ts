import { duration, progressLine } from '../../src/provisioning/progress-line';

describe('provisioning progress lines', () => {
  it.each([
    [0, '0s'],
    [9_400, '9s'],
    [59_600, '1m00s'],
    [75_000, '1m15s'],
    [3_605_000, '60m05s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it('shows a bar, a percentage, the elapsed time and an estimate of what is left', () => {
    expect(progressLine('build', 250, 1000, 30_000)).toBe(
      'build: [######------------------]  25% 250/1000 packages, 30s elapsed, about 1m30s left',
    );
    expect(progressLine('build', 0, 1000, 2_000)).toBe(
      'build: [------------------------]   0% 0/1000 packages, 2s elapsed',
    );
    expect(progressLine('build', 1000, 1000, 60_000)).toBe(
      'build: [########################] 100% 1000/1000 packages, 1m00s elapsed',
    );
  });

  it('counts packages when it does not know how many there are', () => {
    expect(progressLine('build', 12, undefined, 5_000)).toBe('build: 12 packages compiled, 5s elapsed');
  });
});
