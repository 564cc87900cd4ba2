/**
 * The package as users get it: `npm pack` (which builds dist/), the tarball installed into a new project, the
 * code sample of docs/library.md run there against a dev server, `npx temporal-jobs --help`, and the test
 * kit's example (docs/testing-your-jobs.md) run there with jest (time-skipping server).
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { projectRoot } from '../helpers/cli';
import { freePort } from '../../src/provisioning/ports';
import { createDevServerEnvironment, eventually } from '../helpers/testbed';

const run = promisify(execFile);

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/** The first TypeScript block of docs/library.md ("Using the engine from code"), as written. */
function readmeSample(): string {
  return firstTypeScriptBlock(path.join(projectRoot, 'docs', 'library.md'), '# Using the engine from code');
}

/** The first TypeScript block under `heading` in `file`, as written. */
function firstTypeScriptBlock(file: string, heading: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const section = text.slice(text.indexOf(heading));
  const start = section.indexOf('```ts\n') + '```ts\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

/** The versions our own tests run with, so that the new project's install is served from npm's cache. */
function ourVersion(name: string): string {
  const manifest = path.join(projectRoot, 'node_modules', name, 'package.json');
  return `${name}@${(JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version}`;
}

describe('the npm package, installed from its tarball into a new project', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  const consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-consumer-'));
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
  });
  afterAll(async () => {
    await env?.teardown();
    fs.rmSync(consumer, { recursive: true, force: true });
  });

  it('packs, installs, runs the library sample and the temporal-jobs command', async () => {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', consumer], { cwd: projectRoot });
    const [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Packed[];
    const files = tarball.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'bin/jobs.js',
        'README.md',
        'web/index.html',
        'web/app.js',
        'docs/openapi.json',
        'docs/library.md',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
        'tools/test-server/pom.xml',
        'scripts/temporal-test-server',
      ]),
    );
    expect(files.filter((file) => file.startsWith('src/') || file.startsWith('test/'))).toEqual([]);

    fs.writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true }),
    );
    await run('npm', ['install', `./${tarball.filename}`, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: consumer,
    });
    const installed = JSON.parse(
      fs.readFileSync(path.join(consumer, 'node_modules', 'temporal-root-jobs', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies)).not.toContain('tsx'); // a dev dependency only
    // The test kit's peer dependency is optional: the main entry point works without it (the sample below).
    await expect(
      run(process.execPath, ['-e', "require.resolve('@temporalio/testing')"], { cwd: consumer }),
    ).rejects.toThrow(/Cannot find module/);
    fs.mkdirSync(path.join(projectRoot, 'test-artifacts'), { recursive: true });
    fs.writeFileSync(
      path.join(projectRoot, 'test-artifacts', 'package.json'),
      JSON.stringify(
        {
          tarball: tarball.filename,
          size: tarball.size,
          unpackedSize: tarball.unpackedSize,
          files: files.length,
        },
        null,
        2,
      ),
    );

    const help = await run('npx', ['--no-install', 'temporal-jobs', '--help'], { cwd: consumer });
    expect(help.stdout).toMatch(/^usage: jobs <command> \[options\]/);

    // The dashboard from the installed package: its page and the one library the page loads.
    const port = await freePort();
    const ui = spawn(
      path.join(consumer, 'node_modules', '.bin', 'temporal-jobs'),
      ['ui', '--port', String(port)],
      {
        cwd: consumer,
        env: { ...process.env, TEMPORAL_ADDRESS: address, JOBS_UI_TOKEN: '' },
      },
    );
    try {
      const page = await eventually('the installed dashboard to serve', () =>
        fetch(`http://127.0.0.1:${port}/`).then(
          (response) => (response.ok ? response.text() : undefined),
          () => undefined,
        ),
      );
      expect(page).toContain('<script type="module" src="/app.js">');
      expect((await fetch(`http://127.0.0.1:${port}/vendor/preact-htm.js`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/jobs`)).status).toBe(200);
    } finally {
      ui.kill('SIGINT');
    }

    // The library page's sample, as written (an ES module, for its top-level await), run by a TypeScript runner.
    fs.writeFileSync(path.join(consumer, 'sample.mts'), readmeSample());
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const sample = await run(tsx, ['sample.mts'], {
      cwd: consumer,
      env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: 'jobs' },
    });
    expect(sample.stdout).toContain('success');
    const resolved = await run(process.execPath, ['-p', "require.resolve('temporal-root-jobs')"], {
      cwd: consumer,
    });
    expect(resolved.stdout.trim()).toBe(
      path.join(fs.realpathSync(consumer), 'node_modules', 'temporal-root-jobs', 'dist', 'index.js'),
    );
  }, 240_000);

  it('publishes cleanly: `npm publish --dry-run` warns of nothing but the missing login, ships no sources', async () => {
    const published = await run('npm', ['publish', '--dry-run', '--json'], { cwd: projectRoot });
    const report = JSON.parse(published.stdout.slice(published.stdout.indexOf('{'))) as Record<
      string,
      Packed
    >;
    const files = report['temporal-root-jobs'].files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    const shipped = (prefix: string) => files.filter((file) => file.startsWith(prefix));
    for (const prefix of ['src/', 'test/', '.tools/', 'node_modules/', 'scripts/bench', '.changeset/'])
      expect(shipped(prefix)).toEqual([]);
    // Source maps carry their sources (dist/ has no src/ beside it to point at).
    const maps = shipped('dist/').filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(
        fs.readFileSync(path.join(projectRoot, map), 'utf8'),
      ) as {
        sources: string[];
        sourcesContent?: string[];
      };
      expect({ map, contents: sourcesContent?.length }).toEqual({ map, contents: sources.length });
    }
    const warnings = published.stderr.split('\n').filter((line) => /^npm warn/i.test(line));
    // Without an npm login (no test has one) a dry run says it would need one; nothing else may warn.
    expect(warnings.filter((line) => !/requires you to be logged in/.test(line))).toEqual([]);
  }, 240_000);

  it("runs the test kit's jest example (docs/testing-your-jobs.md) from the installed package", async () => {
    // The first test installed the tarball into the new project.
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'temporal-root-jobs', 'dist', 'testing'))).toBe(
      true,
    );
    const tools = ['jest', 'ts-jest', 'typescript', '@types/jest', '@temporalio/testing'].map(ourVersion);
    await run('npm', ['install', '-D', ...tools, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: consumer,
    });
    fs.writeFileSync(
      path.join(consumer, 'jest.config.js'),
      "module.exports = { preset: 'ts-jest', testEnvironment: 'node' };\n",
    );
    fs.writeFileSync(
      path.join(consumer, 'import-files.test.ts'),
      firstTypeScriptBlock(path.join(projectRoot, 'docs', 'testing-your-jobs.md'), '# Testing your jobs'),
    );
    // The test server this project provisioned (a user's first run fetches it into the package's .tools).
    const tested = await run(path.join(consumer, 'node_modules', '.bin', 'jest'), ['--ci'], {
      cwd: consumer,
      env: { ...process.env, TEMPORAL_JOBS_TOOLS_DIR: path.join(projectRoot, '.tools') },
    }).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`jest failed in the new project:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    expect(tested.stderr).toMatch(/Tests:\s+4 passed, 4 total/);
    // The SDK's INFO lines (a worker's state, one per environment) stay out of the user's test output.
    expect(`${tested.stdout}${tested.stderr}`).not.toMatch(/Worker state changed/);
  }, 300_000);
});
