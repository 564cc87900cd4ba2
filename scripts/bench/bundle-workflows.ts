/**
 * Bundles the benchmark worker's workflow code into a file. The benchmarks run it in a process of its own, as a
 * production worker would use a bundle built ahead of time: webpack left in the worker's process would add
 * about 110 MB to the memory it measures.
 */
import * as fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const [output] = process.argv.slice(2);
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./bench-workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  fs.writeFileSync(output, bundle.code);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
