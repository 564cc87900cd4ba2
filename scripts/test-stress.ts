/**
 * `npm run test:stress [-- --runs 3] [-- jest args]`: the test suite on a loaded machine. A busy loop per core
 * runs in the background (each at low priority, so that the machine is loaded but the tests still run), and the
 * suite runs `runs` times in a row; each run's result and time are printed. A test that fails only here depends
 * on a quiet machine: it sleeps for a result or asserts a duration, which test/README.md forbids.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 3;
const jestArgs = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a whole number of at least 1');
  process.exit(2);
}

const busy = Array.from({ length: os.availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
for (const loop of busy) spawnSync('renice', ['-n', '10', '-p', String(loop.pid)], { stdio: 'ignore' });
const stop = () => busy.forEach((loop) => loop.kill('SIGKILL'));
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));

let failures = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = spawnSync('npx', ['jest', ...jestArgs], { stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  const passed = result.status === 0;
  if (!passed) failures++;
  console.log(
    `test:stress: run ${run}/${runs} ${passed ? 'passed' : 'FAILED'} in ${seconds} s (${busy.length} busy loops)`,
  );
}
stop();
process.exit(failures === 0 ? 0 : 1);
