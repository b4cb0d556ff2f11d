#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the store tests and print its URL.
#
# Why: the results store must be proven against a real PostgreSQL server (CI starts one with
# this script; so can a developer). The cluster is created with initdb in a fresh folder as the
# `postgres` system user (root cannot run the server), listens on 127.0.0.1 only, trusts local
# connections, and is stopped with:  pg_ctl -D "$(dirname URL-file)/data" stop  (see below).
#
#   eval "$(scripts/pg_test_server.sh)"     # exports EVALTOOL_TEST_PG and EVALTOOL_TEST_PG_DIR
#   pytest tests/test_store*.py
#   scripts/pg_test_server.sh --stop
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
base=${EVALTOOL_TEST_PG_DIR:-/tmp/evaltool-pg}
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ "${1:-}" = "--stop" ]; then
    [ -d "$base/data" ] && run "'$bin/pg_ctl' -D '$base/data' -m fast stop" >&2 || true
    exit 0
fi
port=${EVALTOOL_TEST_PG_PORT:-54329}
mkdir -p "$base"
[ "$(id -u)" = 0 ] && chown postgres "$base"
if [ ! -f "$base/data/PG_VERSION" ]; then
    run "'$bin/initdb' -D '$base/data' -U evaltool -A trust -E UTF8 --locale=C.UTF-8" >"$base/initdb.log" 2>&1
fi
if ! run "'$bin/pg_ctl' -D '$base/data' status" >/dev/null 2>&1; then
    run "'$bin/pg_ctl' -D '$base/data' -l '$base/server.log' -w -o \"-p $port -k '$base' -c listen_addresses=127.0.0.1\" start" >&2
fi
url="postgresql://evaltool@127.0.0.1:$port/postgres"
echo "export EVALTOOL_TEST_PG='$url' EVALTOOL_TEST_PG_DIR='$base'"
