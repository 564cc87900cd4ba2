#!/bin/sh
# The namespace and the job search attributes, once the server answers. Runs in temporalio/admin-tools
# (docker-compose.yml) and in the project's own harness (src/prod-server/), with the `temporal` CLI on PATH.
# Keep the attribute list in step with src/search-attributes.ts. Safe to run again: what exists is kept.
set -eu
ns=$TEMPORAL_NAMESPACE
# Waits (at most 2 minutes) until the command succeeds.
await() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || { echo "gave up waiting for: $*" >&2; exit 1; }
    sleep 1
  done
}
await temporal operator cluster health
temporal operator namespace describe -n "$ns" >/dev/null 2>&1 ||
  temporal operator namespace create -n "$ns" --retention 7d
# A new namespace reaches the frontend's cache a few seconds after it is created: search attributes
# cannot be registered before that.
await temporal operator search-attribute list -n "$ns"
existing=$(temporal operator search-attribute list -n "$ns")
for attribute in JobName:Keyword JobStatus:Keyword JobRootId:Keyword JobOwnerId:Keyword JobKind:Keyword \
  JobChildKeys:KeywordList; do
  name=${attribute%%:*}
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create -n "$ns" --name "$name" --type "${attribute#*:}"
  fi
done
