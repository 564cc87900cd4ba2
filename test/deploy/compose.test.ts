import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPORAL_SERVER_VERSION } from '../../src/provisioning/temporal-server';
import { jobSearchAttributes, searchAttributeTypeName } from '../../src/search-attributes';

const root = path.resolve(__dirname, '..', '..');

/** `docker compose` (the plugin) where it exists, else Debian's `docker-compose`; neither needs an engine for `config`. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  throw new Error(
    'Neither `docker compose` nor `docker-compose` is installed (Debian: apt-get install docker-compose).',
  );
}

describe('docker-compose.yml (production stack)', () => {
  it('is a valid compose file with PostgreSQL, schema set-up, server, search attributes, Web UI and workers', () => {
    const [command, ...args] = composeCommand();
    const file = path.join(root, 'docker-compose.yml');
    const token = 'a-dashboard-token-of-some-length';
    const config = execFileSync(command, [...args, '-f', file, 'config'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, JOBS_UI_TOKEN: token },
    });
    // The dashboard is published on a port: the stack does not start without its token.
    const { JOBS_UI_TOKEN: _unset, ...withoutToken } = process.env;
    const refused = spawnSync(command, [...args, '-f', file, 'config'], {
      cwd: root,
      env: withoutToken,
      encoding: 'utf8',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/JOBS_UI_TOKEN/);
    expect(config).toContain(`JOBS_UI_TOKEN: ${token}`);
    const services = [...config.matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1]);
    expect(services).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'worker',
        'jobs-ui',
      ]),
    );
    expect(config).toMatch(/DB: postgres12/);
    expect(config).toMatch(/TEMPORAL_ADDRESS: temporal:7233/);
    expect(config).toMatch(/build:/);
  });

  it('registers exactly the search attributes the engine uses, from shell scripts that parse', () => {
    const setup = fs.readFileSync(path.join(root, 'deploy', 'setup-namespace.sh'), 'utf8');
    const list = /for attribute in ([A-Za-z: \\\n]+); do/.exec(setup)![1];
    const registered = list.split(/[\s\\]+/).filter(Boolean);
    expect(registered.sort()).toEqual(
      jobSearchAttributes.map((key) => `${key.name}:${searchAttributeTypeName(key)}`).sort(),
    );
    for (const script of ['setup-schema.sh', 'setup-namespace.sh']) {
      expect(spawnSync('sh', ['-n', path.join(root, 'deploy', script)]).status).toBe(0);
    }
  });

  it('runs the Temporal server version the project builds and tests on PostgreSQL (npm run prod-server)', () => {
    const compose = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    expect([...compose.matchAll(/TEMPORAL_VERSION:-([\d.]+)/g)].map((match) => match[1])).toEqual([version]);
    const adminTools = [...compose.matchAll(/TEMPORAL_ADMINTOOLS_VERSION:-([\d.]+)/g)].map(
      (match) => match[1],
    );
    expect(adminTools.length).toBeGreaterThan(0);
    expect(new Set(adminTools)).toEqual(new Set([version]));
  });

  it('builds the worker image from a Dockerfile that runs `jobs worker`', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('CMD ["node", "bin/jobs.js", "worker"]');
    for (const copied of ['bin', 'src', 'web', 'package-lock.json']) expect(dockerfile).toContain(copied);
  });
});
