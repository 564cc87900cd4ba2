/** `npm run bench -- <name> [rounds]`: benchmarks that print figures. */
import { benchFanOut } from './fan-out';
import { benchServerStart } from './server-start';

/** Each takes one number: rounds for server-start, children for fan-out. */
const benchmarks: Record<string, (count: number) => Promise<void>> = {
  'server-start': benchServerStart,
  'fan-out': benchFanOut,
};

async function main(): Promise<void> {
  const [name = 'server-start', countArg = name === 'fan-out' ? '1000' : '7'] = process.argv.slice(2);
  const bench = benchmarks[name];
  const count = Number(countArg);
  if (!bench || !Number.isInteger(count) || count < 1) {
    console.error(`usage: npm run bench -- server-start [rounds] | fan-out [children]`);
    process.exit(2);
  }
  await bench(count);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
