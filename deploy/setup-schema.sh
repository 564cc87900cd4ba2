#!/bin/sh
# Creates Temporal's two PostgreSQL databases and migrates their schemas. Runs in temporalio/admin-tools
# (docker-compose.yml) and in the project's own harness (src/prod-server/), which sets TEMPORAL_SCHEMA_DIR.
# Safe to run on every start: existing databases are kept and only missing migrations are applied.
set -eu
schema=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12
sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"
}
for db in temporal temporal_visibility; do
  dir=$([ "$db" = temporal ] && echo "$schema/temporal/versioned" || echo "$schema/visibility/versioned")
  sql --db "$db" create || echo "database $db already exists"
  sql --db "$db" setup-schema -v 0.0 || echo "schema of $db already set up"
  sql --db "$db" update-schema -d "$dir"
done
