#!/usr/bin/env bash
# scripts/bench.sh: the tthc benchmark (test/bench/bench.sql) on a throwaway
# cluster in ./tmp/bench-cluster, against the hand-written baselines in
# ../shared/bench/baseline.sql.  Prints a table of timings and ratios and
# PASS/MISS per target.  Benchmarks are informational: the exit status is
# non-zero only when the benchmark could not run, never for a missed target.
#   BENCH_RUNS    timed rounds per query, after one warm-up (default 5)
#   BENCH_SUBSET  rows of bl.work the slow baselines run on (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
# shellcheck source=scripts/cluster.sh
. scripts/cluster.sh

baseline="$(cd .. && pwd)/shared/bench/baseline.sql"
if [ ! -r "$baseline" ]; then
  echo "bench: baseline not found: $baseline" >&2
  echo "bench: it holds the hand-written SQL and PL/pgSQL functions tthc is compared with" >&2
  exit 1
fi

# its own cluster directory: the default one may be in use by scripts/test.sh;
# the planner and JIT settings are also SET in bench.sql, for any cluster
# shellcheck disable=SC2034  # read by cluster_start and cluster_stop
CLUSTER_DIR="$top/tmp/bench-cluster"
cluster_start "max_parallel_workers_per_gather = 0" "jit = off" \
  || { echo "bench: could not start a cluster"; exit 1; }
echo "bench cluster: $PGHOST (PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}')," \
     "$(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))"

start=$SECONDS
psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_run -c "CREATE EXTENSION tthc"
# baseline.sql fills bl.work with random(): seed it for the same rows every run
echo "bench: loading $baseline"
PGOPTIONS="-c client_min_messages=warning" \
  psql_run -c "SELECT setseed(0.1990)" -f "$baseline" >/dev/null
echo "bench: running test/bench/bench.sql"
psql_run -v runs="${BENCH_RUNS:-5}" -v subset="${BENCH_SUBSET:-10000}" -f test/bench/bench.sql
echo
echo "bench: done in $((SECONDS - start)) s"

cluster_stop
