import { PORTS_NEEDED, renderServerConfig, serverPorts } from '../../src/prod-server/server-config';

describe('the Temporal server configuration for PostgreSQL', () => {
  const ports = serverPorts([7233, 7243, 7234, 7235, 7239, 6933, 6934, 6935, 6939, 8000]);
  const config = renderServerConfig({
    ports,
    postgresPort: 5433,
    user: 'temporal',
    password: 'pa"ss',
    dynamicConfigFile: '/repo/deploy/dynamicconfig/development-sql.yaml',
  });

  it('puts the default store and SQL visibility on PostgreSQL 12+, with 4 history shards', () => {
    expect(config.match(/pluginName: "postgres12"/g)).toHaveLength(2);
    expect(config).toContain('databaseName: "temporal"');
    expect(config).toContain('databaseName: "temporal_visibility"');
    expect(config.match(/connectAddr: "127.0.0.1:5433"/g)).toHaveLength(2);
    expect(config).toContain('numHistoryShards: 4');
    expect(config).toContain('password: "pa\\"ss"'); // quoted for YAML
    expect(config).toContain('filepath: "/repo/deploy/dynamicconfig/development-sql.yaml"');
  });

  it('gives every service its own gRPC and membership port on loopback', () => {
    for (const [service, grpc, membership] of [
      ['frontend', 7233, 6933],
      ['history', 7234, 6934],
      ['matching', 7235, 6935],
      ['worker', 7239, 6939],
    ] as const) {
      expect(config).toMatch(
        new RegExp(
          `  ${service}:\\n    rpc:\\n      grpcPort: ${grpc}\\n      membershipPort: ${membership}\\n`,
        ),
      );
    }
    expect(config).toContain('httpPort: 7243');
    expect(config).toContain('rpcAddress: "127.0.0.1:7233"');
    expect(config).toContain('listenAddress: "127.0.0.1:8000"');
  });

  it(`needs ${PORTS_NEEDED} ports`, () => {
    expect(() => serverPorts([1, 2, 3])).toThrow(/needs 10 ports; got 3/);
  });
});
