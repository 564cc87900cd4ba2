import { parseServerSpec } from '../../scripts/bench/server-spec';

describe('benchmark server specs (npm run bench -- fan-out --server …)', () => {
  it.each([
    ['dev', { kind: 'tuned', durable: true, postgresSettings: [], historyNodes: undefined }],
    ['dev/db=file', { kind: 'tuned', dbFile: true }],
    ['stock/db=memory', { kind: 'stock', dbFile: false }],
    [
      'dev/dc.system.forceSearchAttributesCacheRefreshOnRead=true',
      { kind: 'tuned', dynamicConfig: { 'system.forceSearchAttributesCacheRefreshOnRead': true } },
    ],
    ['postgres', { kind: 'postgres', durable: true, historyNodes: undefined, dynamicConfig: {} }],
    ['postgres-cluster', { kind: 'postgres-cluster', historyNodes: 2 }],
    ['postgres-cluster/history=3/shards=16', { historyNodes: 3, shards: 16 }],
    ['postgres/durable=off/conns=40', { durable: false, maxConns: 40 }],
    ['postgres/pgcpus=0', { postgresCpus: '0' }],
    [
      'postgres/pg.commit_delay=200/pg.wal_buffers=16MB',
      { postgresSettings: ['commit_delay=200', 'wal_buffers=16MB'] },
    ],
    [
      'postgres/dc.history.transferProcessorMaxPollRPS=1000/dc.history.cacheNonUserContextLockTimeout=50ms',
      {
        dynamicConfig: {
          'history.transferProcessorMaxPollRPS': 1000,
          'history.cacheNonUserContextLockTimeout': '50ms',
        },
      },
    ],
  ])('%s', (text, expected) => {
    expect(parseServerSpec(text)).toMatchObject({ text, ...expected });
  });

  it.each([
    ['mysql', /unknown server "mysql"/],
    ['dev/shards=2', /"shards=2" in "dev\/shards=2": a dev server takes db=file, db=memory and dc.KEY=VALUE/],
    ['dev/dc.=1', /"dc.=1" in "dev\/dc.=1" needs dc.KEY=VALUE/],
    ['postgres/dc.history.x=', /"dc.history.x=" in "postgres\/dc.history.x=" needs a value/],
    ['postgres/shards=0', /"shards=0" needs a whole number/],
    ['postgres/shards', /"shards" in "postgres\/shards" needs a value/],
    ['postgres/durable=maybe', /unknown knob "durable=maybe"/],
    ['postgres/pg.=1', /unknown knob "pg.=1"/],
    ['postgres/pgcpus=0;reboot', /unknown knob "pgcpus=0;reboot"/],
  ])('refuses %s', (text, error) => {
    expect(() => parseServerSpec(text)).toThrow(error);
  });
});
