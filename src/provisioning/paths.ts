import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder holding this package's package.json (works from src/ under tsx/jest and from dist/). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Where provisioned binaries live: $TEMPORAL_JOBS_TOOLS_DIR, else the ignored `.tools/` folder. */
export function toolsDir(): string {
  return process.env.TEMPORAL_JOBS_TOOLS_DIR ?? path.join(projectRoot(), '.tools');
}

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Like `which`: the first executable called `name` on PATH. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
