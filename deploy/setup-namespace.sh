#!/bin/sh
# Runs in temporalio/admin-tools once the server answers: the namespace and the job search attributes.
# Keep the attribute list in step with src/search-attributes.ts.
set -eu
until temporal operator cluster health >/dev/null 2>&1; do sleep 1; done
temporal operator namespace describe -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create -n "$TEMPORAL_NAMESPACE" --retention 7d
for attribute in JobName:Keyword JobStatus:Keyword JobRootId:Keyword JobOwnerId:Keyword JobKind:Keyword \
  JobChildKeys:KeywordList; do
  name=${attribute%%:*}
  temporal operator search-attribute create -n "$TEMPORAL_NAMESPACE" --name "$name" --type "${attribute#*:}" ||
    echo "search attribute $name already registered"
done
