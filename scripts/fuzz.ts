/**
 * `npm run fuzz -- [--runs N] [--seed S]`: the model-based test of the engine (test/fuzz/engine-model.ts) for
 * as long as you like: each run draws a new list of operations and faults, runs it on a dev server with worker
 * processes, and checks the invariants. A failing run is shrunk to a short list, printed with its seed (run it
 * again with --seed S).
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { commands, runModel } from '../test/fuzz/engine-model';
import { createFuzzSystem } from '../test/fuzz/fuzz-system';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '20' }, seed: { type: 'string' } },
  });
  const numRuns = Number(values.runs);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  if (!Number.isInteger(numRuns) || numRuns < 1 || !Number.isInteger(seed)) {
    console.error('usage: npm run fuzz -- [--runs N] [--seed S] (whole numbers)');
    process.exit(2);
  }
  const system = await createFuzzSystem();
  const started = Date.now();
  let runs = 0;
  console.log(`fuzz: ${numRuns} runs, seed ${seed}, task queue ${system.taskQueue}`);
  try {
    const result = await fc.check(
      fc.asyncProperty(commands, async (cmds) => {
        try {
          await runModel(system, cmds);
        } catch (err) {
          // Said at once: shrinking the failing list can take long, and its report comes only at the end.
          console.log(
            `  run ${runs + 1} FAILED (shrinking follows): ${(err as Error).message.split('\n').slice(0, 8).join('\n    ')}`,
          );
          console.log(`    its operations: ${[...cmds].map(String).join(', ')}`);
          throw err;
        }
        runs++;
        const minutes = ((Date.now() - started) / 60_000).toFixed(1);
        const settle = (system.slowestSettleMs / 1000).toFixed(1);
        console.log(
          `  run ${runs} passed (${system.operations} operations so far, ${minutes} min; slowest settle ${settle} s; ${system.serverRestarts} server restarts)`,
        );
      }),
      { numRuns, seed },
    );
    if (result.failed) {
      console.error(fc.defaultReportMessage(result));
      process.exitCode = 1;
    } else {
      console.log(`fuzz: ${runs} runs, ${system.operations} operations, no violation (seed ${seed}).`);
    }
  } finally {
    await system.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
