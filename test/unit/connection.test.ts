import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsFrom } from '../../src/cli/context';
import { connectionSettingsFromEnv, secureOptions } from '../../src/connection';

describe('connection settings (Temporal environment configuration)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envconfig-'));
  const configFile = path.join(dir, 'temporal.toml');
  fs.writeFileSync(
    configFile,
    [
      '[profile.default]',
      'address = "default.example:7233"',
      'namespace = "ns-default"',
      '',
      '[profile.prod]',
      'address = "prod.example:7233"',
      'namespace = "ns-prod"',
      'api_key = "from-the-file"',
    ].join('\n'),
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const none = { TEMPORAL_CONFIG_FILE: path.join(dir, 'absent.toml') };

  it('defaults to the local dev server and the default namespace', () => {
    expect(connectionSettingsFromEnv(none)).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
  });

  it('reads the default profile of the config file, or the one TEMPORAL_PROFILE or --profile names', () => {
    const env = { TEMPORAL_CONFIG_FILE: configFile };
    expect(connectionSettingsFromEnv(env)).toEqual({
      address: 'default.example:7233',
      namespace: 'ns-default',
    });
    expect(connectionSettingsFromEnv({ ...env, TEMPORAL_PROFILE: 'prod' })).toEqual({
      address: 'prod.example:7233',
      namespace: 'ns-prod',
      apiKey: 'from-the-file',
    });
    expect(connectionSettingsFromEnv(env, 'prod').namespace).toBe('ns-prod');
    expect(() => connectionSettingsFromEnv(env, 'staging')).toThrow(/Profile 'staging' not found/);
  });

  it('lets TEMPORAL_* variables override the profile, and reads our former TLS variable names', () => {
    const settings = connectionSettingsFromEnv({
      TEMPORAL_CONFIG_FILE: configFile,
      TEMPORAL_ADDRESS: 'env.example:7233',
      TEMPORAL_TLS_CERT: '/certs/client.pem',
      TEMPORAL_TLS_KEY: '/certs/client.key',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/certs/ca.pem',
    });
    expect(settings).toMatchObject({
      address: 'env.example:7233',
      namespace: 'ns-default',
      tls: {
        clientCert: { path: '/certs/client.pem' },
        clientKey: { path: '/certs/client.key' },
        serverCACert: { path: '/certs/ca.pem' },
      },
    });
  });

  it('puts the CLI flags over the variables and the profile', () => {
    const saved = { ...process.env };
    try {
      process.env.TEMPORAL_CONFIG_FILE = configFile;
      process.env.TEMPORAL_NAMESPACE = 'ns-env';
      const settings = settingsFrom({
        profile: 'prod',
        address: 'flag.example:7233',
        'api-key': 'from-a-flag',
      });
      expect(settings).toEqual({ address: 'flag.example:7233', namespace: 'ns-env', apiKey: 'from-a-flag' });
    } finally {
      process.env = saved;
    }
  });

  it('turns TLS on for an API key, and refuses a client certificate without its key', () => {
    expect(secureOptions({ address: 'a:1', namespace: 'n', apiKey: 'k' })).toEqual({
      tls: true,
      apiKey: 'k',
    });
    expect(secureOptions({ address: 'a:1', namespace: 'n' })).toEqual({});
    expect(() =>
      secureOptions({ address: 'a:1', namespace: 'n', tls: { clientCert: { path: '/certs/client.pem' } } }),
    ).toThrow(/TLS needs both a client certificate and its key/);
    expect(() =>
      secureOptions({
        address: 'a:1',
        namespace: 'n',
        tls: {
          clientCert: { path: path.join(dir, 'missing.pem') },
          clientKey: { path: path.join(dir, 'missing.key') },
        },
      }),
    ).toThrow(/Cannot read a TLS file/);
  });
});
