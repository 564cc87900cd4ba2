/**
 * `npm run test:stress [-- --runs 3] [-- --nice N] [-- jest args]`: the test suite on a loaded machine. A busy
 * loop per core runs in the background (at niceness N, default 0: they compete with the tests as equals, so the
 * tests get about half the machine), and the suite runs `runs` times in a row; each run's result and time are
 * printed. A test that fails only here depends on a quiet machine: it sleeps for a result or asserts a duration,
 * which test/README.md forbids.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';

const args = process.argv.slice(2);
/** The value of `--name` (removed from the arguments jest gets), or `fallback`. */
function option(name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  args.splice(at, 2);
  return value;
}
const runs = option('--runs', 3);
const nice = option('--nice', 0);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a whole number of at least 1');
  process.exit(2);
}
if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
  console.error('--nice must be a whole number from 0 to 19');
  process.exit(2);
}

const busy = Array.from({ length: os.availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
if (nice > 0)
  for (const loop of busy)
    spawnSync('renice', ['-n', String(nice), '-p', String(loop.pid)], { stdio: 'ignore' });
const stop = () => busy.forEach((loop) => loop.kill('SIGKILL'));
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
const load = `${busy.length} busy loops at niceness ${nice}`;
console.log(`test:stress: ${runs} runs with ${load}`);

let failures = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = spawnSync('npx', ['jest', ...args], { stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  const passed = result.status === 0;
  if (!passed) failures++;
  console.log(`test:stress: run ${run}/${runs} ${passed ? 'passed' : 'FAILED'} in ${seconds} s (${load})`);
}
stop();
process.exit(failures === 0 ? 0 : 1);
