/**
 * The model-based test of the engine in `npm test`: a few drawn operation lists with a fixed seed, so that it
 * asks the same each time (test/fuzz/engine-model.ts; `npm run fuzz -- --runs N` draws new ones for hours).
 */
import fc from 'fast-check';
import { commands, runModel } from './engine-model';
import { createFuzzSystem, type FuzzSystem } from './fuzz-system';

describe('the engine against its model (dev server, worker processes)', () => {
  let system: FuzzSystem;
  beforeAll(async () => {
    system = await createFuzzSystem();
  }, 120_000);
  afterAll(async () => {
    await system?.close();
  });

  it('keeps every invariant through random operations and faults, and every root stops', async () => {
    await fc.assert(
      fc.asyncProperty(commands, (cmds) => runModel(system, cmds)),
      { numRuns: 3, seed: 20261130, endOnFailure: true },
    );
    expect(system.operations).toBeGreaterThan(0);
  }, 900_000);
});
