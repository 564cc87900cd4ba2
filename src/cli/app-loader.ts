import * as path from 'node:path';
import { JobApplication } from '../application';
import { createSeedApplication } from '../example/seed-app';
import { UsageError } from './exit-codes';

/**
 * The application whose topics the CLI and worker use: a module named by `--app` or JOBS_APP that exports a
 * JobApplication (as `app` or default), else the seed example.
 */
export function loadApplication(modulePath = process.env.JOBS_APP): JobApplication {
  if (!modulePath) return createSeedApplication();
  let loaded: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/.test(modulePath)) loadTypeScript(modulePath);
    // The module is named at run time, so it cannot be a static import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path.resolve(modulePath));
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]; // Node appends the require stack
    throw new UsageError(`cannot load the application module ${modulePath}: ${reason}`);
  }
  const app = loaded.app ?? loaded.default;
  if (!(app instanceof JobApplication)) {
    throw new UsageError(`${modulePath} must export a JobApplication as \`app\` or as its default export`);
  }
  return app;
}

/** A TypeScript application module needs tsx (a dev dependency of most TypeScript projects) to load. */
function loadTypeScript(modulePath: string): void {
  if (require.extensions['.ts']) return; // already running under tsx
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(require.resolve('tsx/cjs', { paths: [process.cwd(), __dirname] }));
  } catch {
    throw new UsageError(
      `${modulePath} is TypeScript: install tsx in your project (npm install -D tsx), or point --app at its compiled JavaScript`,
    );
  }
}
