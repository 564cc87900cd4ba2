/**
 * Where the Temporal CLI comes from on a machine that has none: Temporal's download service when it answers
 * (seconds), else a build with Go (minutes; offline from the Go module proxy). A local server stands in for the
 * download service, serving the CLI this machine built, and a closed port for one that cannot be reached.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI_DOWNLOAD_ENV } from '../../src/provisioning/cli-download';
import { freePort } from '../../src/provisioning/ports';
import { TEMPORAL_CLI_VERSION, resolveTemporalCli } from '../../src/provisioning/temporal-cli';

const ENV_KEYS = ['TEMPORAL_JOBS_TOOLS_DIR', CLI_DOWNLOAD_ENV, 'TEMPORAL_CLI_PATH', 'PATH'] as const;

describe('provisioning the Temporal CLI: download first, Go when the download cannot be reached', () => {
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  let ours: string;
  let work: string;
  beforeAll(async () => {
    const resolved = await resolveTemporalCli({ provision: false });
    if (resolved.executable.type !== 'existing-path') throw new Error('no Temporal CLI provisioned');
    ours = resolved.executable.path;
  });
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-download-'));
    process.env.TEMPORAL_JOBS_TOOLS_DIR = path.join(work, 'tools');
    delete process.env.TEMPORAL_CLI_PATH;
    // No `temporal` on PATH (Go and tar stay).
    process.env.PATH = (saved.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => !fs.existsSync(path.join(dir, 'temporal')))
      .join(path.delimiter);
  });
  afterEach(() => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('downloads it when the service answers, asking for this platform and version', async () => {
    fs.mkdirSync(path.join(work, 'archive'));
    fs.copyFileSync(ours, path.join(work, 'archive', 'temporal'));
    execFileSync('tar', [
      '-czf',
      path.join(work, 'cli.tar.gz'),
      '-C',
      path.join(work, 'archive'),
      'temporal',
    ]);
    const asked: string[] = [];
    const server = http.createServer((request, response) => {
      asked.push(request.url ?? '');
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (request.url?.startsWith(`/cli/${TEMPORAL_CLI_VERSION}?`)) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ archive_url: `${base}/cli.tar.gz`, file_to_extract: 'temporal' }));
      } else if (request.url === '/cli.tar.gz') {
        fs.createReadStream(path.join(work, 'cli.tar.gz')).pipe(response);
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env[CLI_DOWNLOAD_ENV] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lines: string[] = [];
    try {
      const resolved = await resolveTemporalCli({ log: (line) => lines.push(line) });
      expect(resolved.description).toMatch(/^Temporal CLI \(downloaded now\): /);
      expect(resolved.executable).toEqual({
        type: 'existing-path',
        path: path.join(work, 'tools', 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal'),
      });
    } finally {
      server.close();
    }
    const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
    const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
    expect(asked[0]).toBe(`/cli/${TEMPORAL_CLI_VERSION}?platform=${platform}&arch=${arch}&format=tar.gz`);
    expect(lines.some((line) => /with Go/.test(line))).toBe(false);
    // The next resolve finds the copy.
    expect((await resolveTemporalCli({ provision: false })).source).toBe('cache');
  }, 60_000);

  it('builds it with Go when the download service cannot be reached, and says why', async () => {
    process.env[CLI_DOWNLOAD_ENV] = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const lines: string[] = [];
    const resolved = await resolveTemporalCli({ log: (line) => lines.push(line) });
    expect(resolved.description).toMatch(/^Temporal CLI \(built now\): /);
    expect(lines.find((line) => /no download/.test(line))).toMatch(/cannot be reached.*building it with Go/);
    expect(lines.some((line) => /^Downloading/.test(line))).toBe(false);
  }, 600_000);
});
