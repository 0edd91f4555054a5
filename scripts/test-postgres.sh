#!/usr/bin/env bash
# Installs (when missing) and starts a PostgreSQL server on loopback for the cluster tests, with
# a role and a database of their own. Idempotent; needs root (or sudo) for apt-get and to start
# the cluster. The tests connect to 127.0.0.1:5432, database portcullis_sessions, user and
# password portcullis.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^${version} main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  if su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='portcullis'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role portcullis login password 'portcullis'\""
su postgres -c "psql -qtAc \"select 1 from pg_database where datname='portcullis_sessions'\"" | grep -q 1 \
  || su postgres -c "psql -qc 'create database portcullis_sessions owner portcullis'"
echo "PostgreSQL ${version} ready on 127.0.0.1:5432 (database portcullis_sessions)"
