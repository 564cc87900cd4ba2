/** `npm run bench -- <name> [rounds]`: benchmarks that print figures. */
import { benchServerStart } from './server-start';

const benchmarks: Record<string, (rounds: number) => Promise<void>> = {
  'server-start': benchServerStart,
};

async function main(): Promise<void> {
  const [name = 'server-start', roundsArg = '7'] = process.argv.slice(2);
  const bench = benchmarks[name];
  const rounds = Number(roundsArg);
  if (!bench || !Number.isInteger(rounds) || rounds < 1) {
    console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [rounds >= 1]`);
    process.exit(2);
  }
  await bench(rounds);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
