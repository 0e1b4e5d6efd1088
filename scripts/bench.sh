#!/usr/bin/env bash
# scripts/bench.sh: the tthc benchmarks on a throwaway cluster in
# ./tmp/bench-cluster.  Each prints ratios against a baseline measured in the
# same run, and PASS/MISS per target; a summary follows.  Benchmarks are
# informational: the exit status is non-zero only when a benchmark could not
# run or tthc wrote something inconsistent, never for a missed target.
#   calendar   test/bench/bench.sql: working-day functions against the
#              executor floor and the hand-written test/bench/baseline.sql
#   receive    test/bench/receive.sql: INSERT ... SELECT of 1 M dossiers into
#              tthc.dossier against a copy of the table without triggers
#   flow       pgbench, 8 clients: receive, process, resolve a dossier
#              (test/bench/flow_*.pgbench) against the copy without triggers
#   sweep      test/bench/sweep.sql: tthc.sweep() on 100 k and on 10 M
#              dossiers, 1000 of them newly overdue
#   report     test/bench/report.sql: tthc.report() and tthc.indicators_766()
#              on a province-year of 10 M dossiers against the same report by
#              hand (GROUP BY over tthc.dossier) and count(*) over the dossiers;
#              also times tthc.report_rebuild() once after the bulk load
#   track      test/bench/track.sql: tthc.track() with a right ID suffix against
#              wrong ones and unknown codes (a wrong guess is no faster)
#   policy     test/bench/policy.sql: an officer's screens under row-level
#              security against the same queries filtered by hand, 1 M dossiers
# Settings (environment):
#   BENCH_ONLY     comma-separated subset of the above (default: all)
#   BENCH_RUNS     calendar: timed rounds per query, after one warm-up (default 5)
#   BENCH_SUBSET   calendar: rows of bl.work the slow baselines run on (default 10000)
#   RECEIVE_ROWS   receive: dossiers per INSERT (default 1000000)
#   RECEIVE_RUNS   receive: timed rounds after one warm-up (default 3)
#   FLOW_CLIENTS   flow: pgbench clients (default 8)
#   FLOW_SECONDS   flow: seconds per pgbench run (default 20)
#   FLOW_ROUNDS    flow: rounds, each one run per table, in turn first (default 2)
#   SWEEP_SCALE    sweep: dossiers in the large run (default 10000000)
#   SWEEP_SMALL    sweep: dossiers in the small run (default 100000)
#   SWEEP_RUNS     sweep: timed runs per size (default 5)
#   REPORT_SCALE   report: dossiers received in the year (default 10000000)
#   REPORT_RUNS    report: timed rounds after one warm-up (default 5)
#   TRACK_CALLS    track: calls per kind and round (default 20000)
#   POLICY_ROWS    policy: dossiers received (default 1000000)
# Takes ~25 minutes with the defaults on 2 cores: ~8 for calendar, receive, flow
# and sweep (4 of them loading 10 M dossiers), ~17 for report (~4 loading 10 M
# dossiers and 31 M events, ~6 in report_rebuild(), ~6 in the hand-written
# reports, ~20 GB of disk at its peak); e.g. RECEIVE_ROWS=100000 FLOW_SECONDS=5
# SWEEP_SCALE=1000000 REPORT_SCALE=1000000 for ~4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
# shellcheck source=scripts/cluster.sh
. scripts/cluster.sh

only=",${BENCH_ONLY:-calendar,receive,flow,sweep,report,track,policy},"
wants() { [[ $only == *",$1,"* ]]; }
for b in ${only//,/ }; do
  case $b in calendar|receive|flow|sweep|report|track|policy) ;; *) echo "bench: unknown benchmark in BENCH_ONLY: $b" >&2; exit 1 ;; esac
done

baseline="$top/test/bench/baseline.sql"
if wants calendar && [ ! -r "$baseline" ]; then
  echo "bench: baseline not found: $baseline" >&2
  echo "bench: it holds the hand-written SQL and PL/pgSQL functions tthc is compared with" >&2
  exit 1
fi

# its own cluster directory: the default one may be in use by scripts/test.sh.
# Sized for 10 M dossiers (~4.5 GB with indexes) on a 24 GB machine; the same
# settings serve tthc and every baseline.  No autovacuum: each benchmark
# starts from empty or freshly vacuumed tables, and a vacuum starting in the
# middle of one measurement and not the other would decide the ratio.  The
# planner and JIT settings are also SET in bench.sql, for any cluster.
# shellcheck disable=SC2034  # read by cluster_start and cluster_stop
CLUSTER_DIR="$top/tmp/bench-cluster"
cluster_start "max_parallel_workers_per_gather = 0" "jit = off" \
  "shared_buffers = 4GB" "wal_buffers = 64MB" "max_wal_size = 16GB" "checkpoint_timeout = 30min" \
  "work_mem = 64MB" "maintenance_work_mem = 1GB" "autovacuum = off" \
  || { echo "bench: could not start a cluster"; exit 1; }
pg_version=$("$PGBIN/postgres" -V | awk '{print $3}')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "bench cluster: $PGHOST (PostgreSQL $pg_version, $(nproc) CPUs: $cpu)"
echo "bench settings: shared_buffers 4GB, fsync off, autovacuum off, no parallel workers, no JIT"

start=$SECONDS
psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
fresh_db() { psql_run -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" \
             && psql_run -d "$1" -c "CREATE EXTENSION tthc"; }
drop_db() { psql_run -d postgres -c "DROP DATABASE $1"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }   # field NAME "RESULT line"
problems=0
check() {   # check OUTPUT: print it; count lines tthc got wrong
  echo "$1"
  if grep -q INCONSISTENT <<<"$1"; then problems=$((problems + 1)); fi
}
summary=()

if wants calendar; then
  echo
  echo "== calendar: working-day functions (test/bench/bench.sql)"
  psql_run -c "CREATE EXTENSION tthc"
  # baseline.sql fills bl.work with random(): seed it for the same rows every run
  echo "bench: loading $baseline"
  PGOPTIONS="-c client_min_messages=warning" \
    psql_run -c "SELECT setseed(0.1990)" -f "$baseline" >/dev/null
  echo "bench: running test/bench/bench.sql"
  out=$(psql_run -v runs="${BENCH_RUNS:-5}" -v subset="${BENCH_SUBSET:-10000}" -f test/bench/bench.sql)
  echo "$out"
  while IFS= read -r line; do
    summary+=("  calendar: ${line#  }")
  done < <(sed -n '/^Targets/,$p' <<<"$out" | grep -E 'PASS|MISS')
fi

if wants receive; then
  echo
  echo "== receive: INSERT ... SELECT into tthc.dossier vs the same table without triggers (test/bench/receive.sql)"
  fresh_db bench_receive
  out=$(psql_run -d bench_receive -v rows="${RECEIVE_ROWS:-1000000}" -v runs="${RECEIVE_RUNS:-3}" \
          -f test/bench/receive.sql)
  check "$out"
  r=$(grep '^RESULT receive' <<<"$out")
  summary+=("$(printf '  %-60s %8s  %-9s %s' \
    "receive $(field rows "$r") dossiers: tthc $(field tthc_ms "$r") ms, plain $(field plain_ms "$r") ms" \
    "$(field ratio "$r")x" "<= 2x" "${r##* }")")
  drop_db bench_receive
fi

if wants flow; then
  clients=${FLOW_CLIENTS:-8} seconds=${FLOW_SECONDS:-20} rounds=${FLOW_ROUNDS:-2}
  echo
  echo "== flow: pgbench -c $clients, received -> processing -> resolved, tthc.dossier vs without triggers (test/bench/flow_*.pgbench)"
  fresh_db bench_flow
  psql_run -d bench_flow -f test/bench/flow_setup.sql
  pgb() {   # pgb TARGET SECONDS: one pgbench run on empty tables; prints its tps
    psql_run -d bench_flow -c "CALL bench.flow_reset('$1')" -c "CHECKPOINT"
    local out
    out=$("$PGBIN/pgbench" -n -M prepared -c "$clients" -j 2 -T "$2" \
            -f "test/bench/flow_$1.pgbench" bench_flow 2>&1) \
      || { echo "$out" >&2; echo "bench: pgbench failed on flow_$1.pgbench" >&2; return 1; }
    if grep -q -E 'aborted|^number of failed transactions: [1-9]' <<<"$out"; then
      echo "$out" >&2; echo "bench: pgbench transactions failed on flow_$1.pgbench" >&2; return 1
    fi
    sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out"
  }
  # warm-up (not counted): shared buffers, caches, prepared statements
  pgb plain 5 >/dev/null
  pgb tthc 5 >/dev/null
  best_plain=0 best_tthc=0
  for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then order="plain tthc"; else order="tthc plain"; fi
    for t in $order; do
      tps=$(pgb "$t" "$seconds")
      printf 'flow: round %d %-5s %10.1f tps\n' "$round" "$t" "$tps"
      if [ "$t" = plain ]; then
        best_plain=$(awk -v a="$best_plain" -v b="$tps" 'BEGIN { print (b > a) ? b : a }')
      else
        best_tthc=$(awk -v a="$best_tthc" -v b="$tps" 'BEGIN { print (b > a) ? b : a }')
      fi
    done
  done
  # what the last tthc run left (pgbench may stop a client between statements)
  out=$(psql_run -d bench_flow -At -c "
    SELECT format('flow: tthc run left %s dossiers, %s resolved (%s early, %s on time, %s late), %s events (%s due soon)%s',
                  count(*), count(*) FILTER (WHERE status = 'resolved'),
                  count(*) FILTER (WHERE result = 'early'), count(*) FILTER (WHERE result = 'on_time'),
                  count(*) FILTER (WHERE result = 'late'),
                  (SELECT count(*) FROM tthc.dossier_event), (SELECT count(*) FROM tthc.dossier_event WHERE kind = 'due_soon'),
                  CASE WHEN count(*) FILTER (WHERE due_at IS NULL OR (status = 'resolved') <> (result IS NOT NULL)) > 0
                         OR sum(event_seq) <> (SELECT count(*) FROM tthc.dossier_event)
                       THEN '  -- INCONSISTENT' ELSE '' END)
    FROM tthc.dossier")
  check "$out"
  r=$(awk -v p="$best_plain" -v t="$best_tthc" -v c="$clients" -v s="$seconds" -v n="$rounds" 'BEGIN {
        printf "RESULT flow clients=%d seconds=%d rounds=%d plain_tps=%.0f tthc_tps=%.0f ratio=%.2f target=0.6 %s",
               c, s, n, p, t, t / p, (t / p >= 0.6) ? "PASS" : "MISS" }')
  echo "$r"
  summary+=("$(printf '  %-60s %8s  %-9s %s' \
    "flow, pgbench -c $clients: tthc $(field tthc_tps "$r") tps, plain $(field plain_tps "$r") tps" \
    "$(field ratio "$r")x" ">= 0.6x" "${r##* }")")
  drop_db bench_flow
fi

if wants sweep; then
  echo
  echo "== sweep: tthc.sweep() with 1000 newly overdue dossiers (test/bench/sweep.sql)"
  declare -A sweep_ms sweep_n
  for scale in "${SWEEP_SMALL:-100000}" "${SWEEP_SCALE:-10000000}"; do
    fresh_db bench_sweep
    out=$(psql_run -d bench_sweep -v scale="$scale" -v runs="${SWEEP_RUNS:-5}" -f test/bench/sweep.sql)
    check "$out"
    r=$(grep '^RESULT sweep' <<<"$out")
    sweep_ms[$scale]=$(field best_ms "$r")
    sweep_n[$scale]=$(field dossiers "$r")
    summary+=("$(printf '  %-60s %8s  %-9s %s' \
      "sweep, $(field dossiers "$r") dossiers ($(field open "$r") open, $(field newly_overdue "$r") newly overdue)" \
      "$(field best_ms "$r") ms" "< 1000 ms" "${r##* }")")
    drop_db bench_sweep
  done
  small=${SWEEP_SMALL:-100000} large=${SWEEP_SCALE:-10000000}
  summary+=("$(awk -v a="${sweep_ms[$small]}" -v b="${sweep_ms[$large]}" \
                  -v s="${sweep_n[$small]}" -v l="${sweep_n[$large]}" 'BEGIN {
      printf "  %-60s %8s", sprintf("sweep time growth, %d -> %d dossiers (x%.0f)", s, l, l / s), sprintf("x%.2f", b / a) }')")
fi

if wants report; then
  echo
  echo "== report: tthc.report() and tthc.indicators_766() on a province-year vs the same by hand over tthc.dossier (test/bench/report.sql)"
  fresh_db bench_report
  # a failed year check stops report.sql: show what it printed and stop
  out=$(psql_run -d bench_report -v scale="${REPORT_SCALE:-10000000}" -v runs="${REPORT_RUNS:-5}" \
          -f test/bench/report.sql) \
    || { echo "$out"; echo "bench: test/bench/report.sql failed" >&2; exit 1; }
  check "$out"
  r=$(grep '^RESULT report' <<<"$out")
  n=$(field dossiers "$r")
  for q in year month part indicators; do
    case $q in
      year)       what="report(), a year";            base=baseline_year_ms  ratio=ratio_year ;;
      month)      what="report(), a month";           base=baseline_month_ms ratio=ratio_month ;;
      part)       what="report(), mid-month to mid-month"; base=baseline_part_ms ratio=ratio_part ;;
      indicators) what="indicators_766(), a year";    base=baseline_766_ms   ratio=ratio_766 ;;
    esac
    # the time with report_day in day order (as a live system folds it); the
    # layout report_rebuild() leaves and the hand-written report in brackets
    ms=$(field "${q}_ms" "$r")
    summary+=("$(printf '  %-60s %8s  %-9s %s' \
      "$what, $n dossiers (rebuilt $(field "rebuilt_${q}_ms" "$r") ms; by hand $(field "$base" "$r") ms, x$(field "$ratio" "$r"))" \
      "$ms ms" "< 1000 ms" "$(awk -v m="$ms" 'BEGIN { print (m < 1000) ? "PASS" : "MISS" }')")")
  done
  summary+=("$(printf '  %-60s %8s' "report_rebuild() once, $(field day_rows "$r") rows in tthc.report_day" \
    "$(field rebuild_s "$r") s")")
  drop_db bench_report
fi

if wants track; then
  echo
  echo "== track: tthc.track() with right and wrong ID suffixes and unknown codes (test/bench/track.sql)"
  fresh_db bench_track
  out=$(psql_run -d bench_track -v calls="${TRACK_CALLS:-20000}" -f test/bench/track.sql)
  check "$out"
  r=$(grep '^RESULT track' <<<"$out")
  summary+=("$(printf '  %-60s %8s  %-9s %s' \
    "track(), min_time $(field min_time "$r"): fastest wrong guess / right (raw $(field raw_wrong_vs_right "$r")x)" \
    "$(field wrong_vs_right "$r")x" ">= 0.99x" "${r##* }")")
  drop_db bench_track
fi

if wants policy; then
  echo
  echo "== policy: an officer's screens under row-level security against the same queries by hand (test/bench/policy.sql)"
  fresh_db bench_policy
  out=$(psql_run -d bench_policy -v rows="${POLICY_ROWS:-1000000}" -f test/bench/policy.sql)
  check "$out"
  r=$(grep '^RESULT policy' <<<"$out")
  summary+=("$(printf '  %-60s %8s  %-9s %s' \
    "officer's screens, $(field rows "$r") dossiers: worst policy / hand (queue $(field queue_ratio "$r")x)" \
    "$(field worst_ratio "$r")x" "<= 1.25x" "${r##* }")")
  drop_db bench_policy
fi

echo
echo "Summary (PostgreSQL $pg_version, $(nproc) CPUs, $(date -u +%Y-%m-%d); ratios of runs in this cluster; informational):"
for line in "${summary[@]}"; do echo "$line"; done
echo
echo "bench: done in $((SECONDS - start)) s"

cluster_stop
if ((problems > 0)); then
  echo "bench: tthc wrote something inconsistent (lines marked INCONSISTENT above)" >&2
  exit 1
fi
