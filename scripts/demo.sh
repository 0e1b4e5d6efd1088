#!/usr/bin/env bash
# scripts/demo.sh: a tour of tthc in a terminal (demo/calendar.sql).
# With PGHOST set, uses that server and (re)creates a database tthc_demo
# there; otherwise runs on a throwaway cluster (scripts/cluster.sh) that is
# stopped on exit.  The extension must be installed (make demo does it).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_DB=tthc_demo
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

if [ -n "${PGHOST:-}" ]; then
  given_host=1
  echo "demo: server $PGHOST${PGPORT:+ port $PGPORT}, database $DEMO_DB (dropped and recreated)"
else
  given_host=""
  . scripts/cluster.sh
  cluster_start || { echo "demo: could not start a throwaway cluster" >&2; exit 1; }
  echo "demo: throwaway cluster in $PGHOST (PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}'))"
fi

"${PSQL[@]}" -d postgres \
  -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DEMO_DB" \
  -c "CREATE DATABASE $DEMO_DB"
"${PSQL[@]}" -d "$DEMO_DB" -f demo/calendar.sql

if [ -n "$given_host" ]; then
  cmd="psql -h $(printf %q "$PGHOST")"
  [ -n "${PGPORT:-}" ] && cmd+=" -p $(printf %q "$PGPORT")"
  [ -n "${PGUSER:-}" ] && cmd+=" -U $(printf %q "$PGUSER")"
  echo "Explore further: $cmd -d $DEMO_DB   (then e.g. \\df tthc.*)"
else
  cluster_stop
  echo "The throwaway cluster has been stopped.  To keep the database, run the demo"
  echo "against a server of yours: PGHOST=... make demo"
fi
