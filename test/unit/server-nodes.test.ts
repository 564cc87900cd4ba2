import { ServerNodes, extraPortsFor, type NodeName } from '../../src/prod-server/server-nodes';
import { serverPorts, PORTS_NEEDED } from '../../src/prod-server/server-config';

const shared = { postgresPort: 5432, user: 'temporal', password: 'temporal', dynamicConfigFile: '/dev/null' };
const base = serverPorts(Array.from({ length: PORTS_NEEDED }, (_, i) => 10_000 + i));

/** The ports a node binds: its own service's gRPC and membership ports (and the frontend's HTTP), its metrics. */
function bound(name: NodeName, nodes: ServerNodes): number[] {
  const ports = nodes.ports.get(name)!;
  const service = name.startsWith('history') ? 'history' : name;
  const index = { frontend: 0, history: 1, matching: 2, worker: 3 }[service as 'frontend'];
  const grpc = ports[service as 'frontend' | 'history' | 'matching' | 'worker'];
  return [grpc, ports.membership[index], ports.metrics, ...(name === 'frontend' ? [ports.frontendHttp] : [])];
}

describe('the server nodes and their ports', () => {
  it('one process: every service on the ports it was given', () => {
    const nodes = new ServerNodes('temporal-server', '/tmp', shared, base, undefined);
    expect(nodes.names).toEqual(['server']);
    expect(nodes.ports.get('server')).toEqual(base);
    expect(extraPortsFor(undefined)).toBe(0);
    expect(nodes.first).toBe('server');
  });

  it('a cluster starts its frontend alone first: two nodes writing the cluster metadata at once, one exits', () => {
    const extra = Array.from({ length: extraPortsFor({ historyNodes: 2 }) }, (_, i) => 20_000 + i);
    const nodes = new ServerNodes('temporal-server', '/tmp', shared, base, { historyNodes: 2 }, extra);
    expect(nodes.first).toBe('frontend');
  });

  it.each([1, 2, 3, 5])('a cluster of %i history nodes: no two nodes bind the same port', (historyNodes) => {
    const extra = Array.from({ length: extraPortsFor({ historyNodes }) }, (_, i) => 20_000 + i);
    const nodes = new ServerNodes('temporal-server', '/tmp', shared, base, { historyNodes }, extra);
    const history = Array.from({ length: historyNodes }, (_, i) => `history-${i + 1}`);
    expect(nodes.names).toEqual(['frontend', 'matching', 'worker', ...history]);
    const all = nodes.names.flatMap((name) => bound(name, nodes));
    expect(new Set(all).size).toBe(all.length);
    // Every node knows the one frontend that clients use.
    for (const name of nodes.names) expect(nodes.ports.get(name)!.frontend).toBe(base.frontend);
  });

  it('refuses a cluster without history nodes, or without the ports it needs', () => {
    expect(() => new ServerNodes('s', '/tmp', shared, base, { historyNodes: 0 })).toThrow(
      /1 or more history nodes/,
    );
    expect(() => new ServerNodes('s', '/tmp', shared, base, { historyNodes: 2 }, [1, 2])).toThrow(
      /needs 7 more ports/,
    );
  });
});
