import { ensureSystemPrograms, type SystemProgram } from '../../src/provisioning/debian-packages';

const program = (what: string, present: boolean): SystemProgram => ({
  what,
  present: () => present,
  packages: [what.toLowerCase()],
  hint: `install ${what}.`,
});

describe('system programs the tests need', () => {
  it('does nothing when every program is there', () => {
    const log = jest.fn();
    ensureSystemPrograms([program('Java', true), program('Chromium', true)], log, false);
    expect(log).not.toHaveBeenCalled();
  });

  it('where it may not install, names each missing program and what to do, one line each', () => {
    const ensure = () =>
      ensureSystemPrograms(
        [program('Java', true), program('Chromium', false), program('Maven', false)],
        () => {},
        false,
      );
    expect(ensure).toThrow('Chromium is missing: install Chromium.\nMaven is missing: install Maven.');
  });
});
