/** `npm run dev-server`: the Temporal dev server for people, on the usual ports, until Ctrl-C. */
import { startDevServer } from '../src/dev-server';

async function main(): Promise<void> {
  const server = await startDevServer();
  console.log(`Temporal dev server ready
  gRPC:    ${server.address}
  Web UI:  ${server.uiUrl}
  SQLite:  ${server.dbFile}
Press Ctrl-C to stop.`);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void server.stop());
  }
  const code = await server.exited;
  console.log('Temporal dev server stopped.');
  process.exit(code ?? 0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
