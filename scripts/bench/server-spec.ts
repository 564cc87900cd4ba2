/**
 * A benchmark server with knobs: `postgres/shards=16/pg.commit_delay=200` is the PostgreSQL server with 16 history
 * shards and PostgreSQL's commit_delay at 200 µs. Knobs: `shards=N`, `history=N` (history nodes; a cluster),
 * `durable=off`, `conns=N` (connections per node to the default store), `pg.NAME=VALUE` (a PostgreSQL setting),
 * `dc.KEY=VALUE` (dynamic config, VALUE as JSON or a string), `pgcpus=0` (PostgreSQL
 * pinned to those CPUs, a `taskset -c` list). The dev servers take `db=file`, SQLite in a file (as `jobs dev`
 * runs it) instead of in memory, and `dc.KEY=VALUE`.
 */
export type ServerKind = 'stock' | 'tuned' | 'postgres' | 'postgres-cluster';

export interface ServerSpec {
  /** As given: the benchmark's label for it. */
  text: string;
  kind: ServerKind;
  shards?: number;
  historyNodes?: number;
  durable: boolean;
  postgresSettings: string[];
  maxConns?: number;
  /** PostgreSQL pinned to these CPUs (`taskset -c`). */
  postgresCpus?: string;
  dynamicConfig: Record<string, unknown>;
  /** A dev server's SQLite in a file, not in memory. */
  dbFile?: boolean;
}

const KINDS: ServerKind[] = ['stock', 'tuned', 'postgres', 'postgres-cluster'];

export function parseServerSpec(text: string): ServerSpec {
  const [first, ...knobs] = text.split('/');
  const kind = (first === 'dev' ? 'tuned' : first) as ServerKind;
  if (!KINDS.includes(kind))
    throw new Error(`unknown server "${first}": use tuned (or dev), stock, postgres or postgres-cluster`);
  const spec: ServerSpec = {
    text,
    kind,
    durable: true,
    postgresSettings: [],
    dynamicConfig: {},
    historyNodes: kind === 'postgres-cluster' ? 2 : undefined,
  };
  if (!kind.startsWith('postgres')) {
    for (const knob of knobs)
      if (knob === 'db=file' || knob === 'db=memory') spec.dbFile = knob === 'db=file';
      else if (knob.startsWith('dc.') && knob.includes('=')) addDynamicConfig(spec, knob, text);
      else throw new Error(`"${knob}" in "${text}": a dev server takes db=file, db=memory and dc.KEY=VALUE`);
    return spec;
  }
  for (const knob of knobs) {
    const eq = knob.indexOf('=');
    const [key, value] = eq < 0 ? [knob, ''] : [knob.slice(0, eq), knob.slice(eq + 1)];
    if (!value) throw new Error(`"${knob}" in "${text}" needs a value (name=value)`);
    if (key === 'shards') spec.shards = positive(knob, value);
    else if (key === 'history') spec.historyNodes = positive(knob, value);
    else if (key === 'conns') spec.maxConns = positive(knob, value);
    else if (key === 'pgcpus' && /^[0-9,-]+$/.test(value)) spec.postgresCpus = value;
    else if (key === 'durable' && (value === 'off' || value === 'on')) spec.durable = value === 'on';
    else if (key.startsWith('pg.') && key.length > 3) spec.postgresSettings.push(`${key.slice(3)}=${value}`);
    else if (key.startsWith('dc.')) addDynamicConfig(spec, knob, text);
    else
      throw new Error(
        `unknown knob "${knob}" in "${text}": shards, history, conns, durable, pgcpus, pg.NAME, dc.KEY`,
      );
  }
  return spec;
}

function addDynamicConfig(spec: ServerSpec, knob: string, text: string): void {
  const eq = knob.indexOf('=');
  const key = knob.slice(3, eq);
  if (!key || eq === knob.length - 1) throw new Error(`"${knob}" in "${text}" needs dc.KEY=VALUE`);
  spec.dynamicConfig[key] = jsonOrString(knob.slice(eq + 1));
}

function positive(knob: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`"${knob}" needs a whole number of 1 or more`);
  return n;
}

function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
