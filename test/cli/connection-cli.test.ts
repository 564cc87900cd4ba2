/** The CLI reads Temporal's environment configuration: a profile of the TOML config file, variables, flags. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { runJobs } from '../helpers/cli';
import { createDevServerEnvironment } from '../helpers/testbed';

describe('jobs --profile (Temporal environment configuration, dev server)', () => {
  let env: TestWorkflowEnvironment;
  let address: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-profile-'));
  const configFile = path.join(dir, 'temporal.toml');
  beforeAll(async () => {
    ({ env, address } = await createDevServerEnvironment());
    fs.writeFileSync(
      configFile,
      `[profile.default]\naddress = "127.0.0.1:1"\n\n[profile.here]\naddress = "${address}"\nnamespace = "default"\n`,
    );
  });
  afterAll(async () => {
    await env?.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const { TEMPORAL_ADDRESS: _address, TEMPORAL_PROFILE: _profile, ...inherited } = process.env;
  const withConfig: NodeJS.ProcessEnv = { ...inherited, TEMPORAL_CONFIG_FILE: configFile };

  it('connects where the profile says, the flag or TEMPORAL_PROFILE picking it', async () => {
    expect(await runJobs(withConfig, 'list', '--profile', 'here')).toMatchObject({
      code: 0,
      stdout: 'no root jobs\n',
    });
    expect(await runJobs({ ...withConfig, TEMPORAL_PROFILE: 'here' }, 'list')).toMatchObject({
      code: 0,
      stdout: 'no root jobs\n',
    });
    // The default profile points nowhere; TEMPORAL_ADDRESS and --address override a profile.
    expect((await runJobs(withConfig, 'list')).code).toBe(4);
    expect(await runJobs({ ...withConfig, TEMPORAL_ADDRESS: address }, 'list')).toMatchObject({ code: 0 });
    expect(await runJobs(withConfig, 'list', '--address', address)).toMatchObject({ code: 0 });
  });

  it('refuses an unknown profile in one line with exit code 2', async () => {
    const run = await runJobs(withConfig, 'list', '--profile', 'staging');
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(
      "jobs list: Temporal connection settings: Profile 'staging' not found in config data\n",
    );
  });
});
