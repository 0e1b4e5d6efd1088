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
#   national   not in the default set (~7 minutes, ~11 GB of disk): a country
#              on three clusters of its own (scripts/country.sh), provinces
#              H22 (55 units) and H01 (127 units) and the hub.  (a) the
#              replication lag while pgbench -R NATIONAL_RATE runs on each
#              province (a transaction per dossier received and taken up, in
#              two of five an earlier one resolved): p50/p99/max of
#              mirrored_at - recorded_at over the run's events on the hub,
#              the rate achieved, pg_stat_replication.replay_lag sampled on
#              the provinces; (b) tthc.national_report() on the hub after
#              NATIONAL_SCALE dossiers per province and after each further
#              NATIONAL_SCALE, against the same report by hand (one GROUP BY
#              over tthc.dossier on the hub), extrapolated to a national year
#              (34 provinces, 3,355 units, 65 M dossiers)
#   actor      not in the default set (~3 minutes): what naming the officer
#              (tthc.actor) costs: test/bench/actor.sql receives ACTOR_ROWS
#              dossiers named / unnamed / without 0.9.0's three indexes, and
#              flow_tthc.pgbench runs with the session's tthc.actor set or not
#   receipts   not in the default set (~2 minutes): pgbench, RECEIPTS_CLIENTS
#              clients, each transaction pays a fee of an unpaid dossier
#              (tthc.pay) and issues its receipt (tthc.issue_receipt), the
#              clients' dossiers at as many communes (test/bench/receipts_*):
#              (a) one receipt series serving every client (the province's),
#              (b) a series per commune, each client its own, against (c)
#              the same payment and the receipt into a plain table numbered
#              by nextval() (gaps allowed); ratios a/c, b/c (and a/b).
#              issue_receipt runs as documented, dated now(): a client
#              refused or aborted fails the bench
#   portal     not in the default set (~25 minutes at 10 M dossiers, most of
#              it loading them): the national portal's outbox
#              (test/bench/portal.sql): tthc.portal_claim() of PORTAL_BATCH
#              dossiers at PORTAL_ROWS dossiers with 1 % pending, against
#              the same claim with its partial index dropped (a scan of the
#              table); payloads built per second (tthc.portal_dossier and
#              tthc.portal_progress of a pending dossier, its log verified)
#              against to_jsonb of the row
# Settings (environment):
#   BENCH_ONLY     comma-separated subset of the above (default: all but national, actor, receipts and portal)
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
#   RECEIPTS_CLIENTS  receipts: pgbench clients, one commune each (default 8)
#   RECEIPTS_SECONDS  receipts: seconds per pgbench run (default 15)
#   RECEIPTS_ROUNDS   receipts: rounds, each one run per variant, in turn first (default 2)
#   PORTAL_ROWS       portal: dossiers (default 10000000)
#   PORTAL_BATCH      portal: dossiers a claim hands out (default 100)
#   PORTAL_RUNS       portal: timed rounds, best of (default 5)
#   PORTAL_PAYLOADS   portal: pending dossiers whose payloads are built (default 5000)
#   NATIONAL_SCALE    national: dossiers per province and load step (default 200000)
#   NATIONAL_STEPS    national: load steps, national_report timed after each (default 2)
#   NATIONAL_RATE     national: pgbench -R per province, transactions a second (default 200)
#   NATIONAL_SECONDS  national: seconds of the lag run (default 60)
#   NATIONAL_CLIENTS  national: pgbench clients per province (default 4)
#   NATIONAL_RUNS     national: timed rounds of the reports after one warm-up (default 5)
#   NATIONAL_KEEP     national: 1 leaves its three clusters running (scripts/country.sh stop)
# Takes ~25 minutes with the defaults on 2 cores: ~8 for calendar, receive, flow
# and sweep (4 of them loading 10 M dossiers), ~17 for report (~4 loading 10 M
# dossiers and 31 M events, ~6 in report_rebuild(), ~6 in the hand-written
# reports, ~20 GB of disk at its peak); e.g. RECEIVE_ROWS=100000 FLOW_SECONDS=5
# SWEEP_SCALE=1000000 REPORT_SCALE=1000000 for ~4 minutes.  BENCH_ONLY=national
# starts only its own three clusters.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
# shellcheck source=scripts/cluster.sh
. scripts/cluster.sh

only=",${BENCH_ONLY:-calendar,receive,flow,sweep,report,track,policy},"
wants() { [[ $only == *",$1,"* ]]; }
for b in ${only//,/ }; do
  case $b in calendar|receive|flow|sweep|report|track|policy|national|actor|receipts|portal) ;; *) echo "bench: unknown benchmark in BENCH_ONLY: $b" >&2; exit 1 ;; esac
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
pg_version=$("$PGBIN/postgres" -V | awk '{print $3}')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
if [ "$only" != ",national," ]; then   # (national runs on three clusters of its own)
  cluster_start "max_parallel_workers_per_gather = 0" "jit = off" \
    "shared_buffers = 4GB" "wal_buffers = 64MB" "max_wal_size = 16GB" "checkpoint_timeout = 30min" \
    "work_mem = 64MB" "maintenance_work_mem = 1GB" "autovacuum = off" \
    || { echo "bench: could not start a cluster"; exit 1; }
  echo "bench cluster: $PGHOST (PostgreSQL $pg_version, $(nproc) CPUs: $cpu)"
  echo "bench settings: shared_buffers 4GB, fsync off, autovacuum off, no parallel workers, no JIT"
fi

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

if wants actor; then
  echo
  echo "== actor: naming the officer (tthc.actor) on receiving and on the pgbench flow (test/bench/actor.sql)"
  fresh_db bench_actor
  out=$(psql_run -d bench_actor -v rows="${ACTOR_ROWS:-200000}" -v runs="${ACTOR_RUNS:-3}" -f test/bench/actor.sql)
  check "$out"
  r=$(grep '^RESULT actor' <<<"$out")
  summary+=("$(printf '  %-60s %8s  %-9s %s' \
    "receive $(field rows "$r") named / unnamed ($(field named_ms "$r") / $(field unnamed_ms "$r") ms)" \
    "$(field named_ratio "$r")x" "<= 1.1x" "${r##* }")")
  summary+=("$(printf '  %-60s %8s' \
    "receive, with / without 0.9.0's three indexes" "$(field index_ratio "$r")x")")
  drop_db bench_actor
  # the flow, every event named (the session's tthc.actor) or not
  fresh_db bench_flow
  psql_run -d bench_flow -f test/bench/flow_setup.sql
  psql_run -d bench_flow -c "INSERT INTO tthc.officer (login, full_name, unit) VALUES ('bench.officer', 'Nguyễn Văn Bench', 'H22')"
  clients=${FLOW_CLIENTS:-8} seconds=${FLOW_SECONDS:-20}
  apgb() {   # apgb ACTOR SECONDS: flow_tthc.pgbench with tthc.actor = ACTOR; prints its tps
    psql_run -d bench_flow -c "CALL bench.flow_reset('tthc')" -c "CHECKPOINT"
    PGOPTIONS="-c tthc.actor=$1" "$PGBIN/pgbench" -n -M prepared -c "$clients" -j 2 -T "$2" \
      -f test/bench/flow_tthc.pgbench bench_flow 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
  }
  apgb bench.officer 5 >/dev/null
  best_named=0 best_unnamed=0
  for round in 1 2; do
    for a in $( ((round % 2)) && echo "named unnamed" || echo "unnamed named"); do
      tps=$(apgb "$( [ "$a" = named ] && echo bench.officer )" "$seconds")
      printf 'actor flow: round %d %-8s %10.1f tps\n' "$round" "$a" "$tps"
      if [ "$a" = named ]; then
        best_named=$(awk -v a="$best_named" -v b="$tps" 'BEGIN { print (b > a) ? b : a }')
      else
        best_unnamed=$(awk -v a="$best_unnamed" -v b="$tps" 'BEGIN { print (b > a) ? b : a }')
      fi
    done
  done
  r=$(awk -v n="$best_named" -v u="$best_unnamed" 'BEGIN {
        printf "RESULT actor_flow named_tps=%.0f unnamed_tps=%.0f ratio=%.3f %s", n, u, n / u, (n / u >= 0.9) ? "PASS" : "MISS" }')
  echo "$r"
  summary+=("$(printf '  %-60s %8s  %-9s %s' \
    "flow, named / unnamed ($(field named_tps "$r") / $(field unnamed_tps "$r") tps)" \
    "$(field ratio "$r")x" ">= 0.9x" "${r##* }")")
  drop_db bench_flow
fi

if wants receipts; then
  clients=${RECEIPTS_CLIENTS:-8} seconds=${RECEIPTS_SECONDS:-15} rounds=${RECEIPTS_ROUNDS:-2}
  echo
  echo "== receipts: pgbench -c $clients, pay a fee and issue its receipt: one series for all, a series per client, a plain sequence (test/bench/receipts_*)"
  fresh_db bench_receipts
  psql_run -d bench_receipts -v clients="$clients" -f test/bench/receipts_setup.sql
  # rpgb VARIANT SECONDS PER_CLIENT [LOCK]: one pgbench run on fresh tables
  # with PER_CLIENT unpaid dossiers per client (LOCK 1: lock the series
  # first, the way 0.10.0's first draft needed); sets tps and left (what
  # the run left, bench.receipts_check)
  rpgb() {
    local script=tthc out
    [ "$1" = plain ] && script=plain
    psql_run -d bench_receipts -c "CALL bench.receipts_reset('$1', $3)" -c "VACUUM ANALYZE" -c "CHECKPOINT"
    out=$("$PGBIN/pgbench" -n -M prepared -c "$clients" -j 2 -T "$2" -D n=0 -D lock="${4:-0}" \
            -f "test/bench/receipts_$script.pgbench" bench_receipts 2>&1) || true
    if ! grep -q '^tps = ' <<<"$out" || grep -q -E 'aborted|^number of failed transactions: [1-9]' <<<"$out"; then
      echo "$out" >&2
      echo "bench: pgbench failed on receipts_$script.pgbench ($1; out of dossiers? $3 a client)" >&2
      return 1
    fi
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
    left=$(psql_run -d bench_receipts -At -c "SELECT bench.receipts_check('$1')")
  }
  # warm-up (not counted), which also says how many dossiers a run needs:
  # twice what the warm-up's rate would pay in a run, and 1000 more
  declare -A need
  for v in plain unit one; do
    rpgb "$v" 3 3000
    need[$v]=$(awk -v t="$tps" -v s="$seconds" -v c="$clients" 'BEGIN { printf "%d", 2 * t * s / c + 1000 }')
  done
  declare -A best=([one]=0 [unit]=0 [plain]=0)
  for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then order="plain unit one"; else order="one unit plain"; fi
    for v in $order; do
      rpgb "$v" "$seconds" "${need[$v]}"
      printf 'receipts: round %d %-5s %10.1f tps\n' "$round" "$v" "$tps"
      check "$left"
      best[$v]=$(awk -v a="${best[$v]}" -v b="$tps" 'BEGIN { print (b > a) ? b : a }')
    done
  done
  r=$(awk -v a="${best[one]}" -v b="${best[unit]}" -v c="${best[plain]}" -v n="$clients" -v s="$seconds" -v k="$rounds" 'BEGIN {
        printf "RESULT receipts clients=%d seconds=%d rounds=%d one_tps=%.0f unit_tps=%.0f plain_tps=%.0f one_ratio=%.2f unit_ratio=%.2f one_vs_unit=%.2f",
               n, s, k, a, b, c, a / c, b / c, a / b }')
  echo "$r"
  summary+=("$(printf '  %-60s %8s' \
    "receipts -c $clients, (a) one series / plain ($(field one_tps "$r") / $(field plain_tps "$r") tps)" \
    "$(field one_ratio "$r")x")")
  summary+=("$(printf '  %-60s %8s' \
    "receipts, (b) a series per client / plain ($(field unit_tps "$r") tps)" "$(field unit_ratio "$r")x")")
  summary+=("$(printf '  %-60s %8s' "receipts, (a) / (b): one series / a series per client" "$(field one_vs_unit "$r")x")")
  summary+=("  reproduce: BENCH_ONLY=receipts RECEIPTS_CLIENTS=$clients RECEIPTS_SECONDS=$seconds RECEIPTS_ROUNDS=$rounds scripts/bench.sh")
  drop_db bench_receipts
fi

if wants portal; then
  echo
  echo "== portal: the outbox's claim by its index against a scan; payloads built per second (test/bench/portal.sql)"
  fresh_db bench_portal
  rows=${PORTAL_ROWS:-10000000} batch=${PORTAL_BATCH:-100} runs=${PORTAL_RUNS:-5} payloads=${PORTAL_PAYLOADS:-5000}
  out=$(psql_run -d bench_portal -v rows="$rows" -v batch="$batch" -v runs="$runs" -v payloads="$payloads" \
          -f test/bench/portal.sql) \
    || { echo "$out"; echo "bench: test/bench/portal.sql failed" >&2; exit 1; }
  check "$out"
  r=$(grep '^RESULT portal' <<<"$out")
  summary+=("$(printf '  %-60s %8s' \
    "portal_claim($batch), $rows dossiers, $(field pending "$r") pending: scan / index ($(field claim_scan_ms "$r") / $(field claim_index_ms "$r") ms)" \
    "$(field scan_ratio "$r")x")")
  summary+=("$(printf '  %-60s %8s' \
    "the same, only the $(field newest "$r") newest pending ($(field newest_scan_ms "$r") / $(field newest_index_ms "$r") ms)" \
    "$(field newest_ratio "$r")x")")
  summary+=("$(printf '  %-60s %8s' \
    "portal payloads a second: $(field payloads_per_s "$r") (to_jsonb of the row: $(field row_json_per_s "$r")); payload / row" \
    "$(field payload_ratio "$r")x")")
  summary+=("  reproduce: BENCH_ONLY=portal PORTAL_ROWS=$rows PORTAL_BATCH=$batch PORTAL_RUNS=$runs PORTAL_PAYLOADS=$payloads scripts/bench.sh")
  drop_db bench_portal
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


# ---------- national: two provinces and a hub ----------

# bench.nat_load(n, year, seed) on a province: n dossiers received over the
# working days of that year at every unit (three in ten at the provincial
# centre), through tthc's checks, one transaction per month holding the
# whole life of that month's dossiers (the sweep stamps what it flags with
# the present: no backdated move may follow it): one in a hundred
# withdrawn, the rest taken up ten minutes after reception and resolved
# after 20 % to 110 % of their time (one in eleven late), but for one in
# fifty left open (the worker's sweep flags those overdue)
national_load_sql() {
  cat <<'SQL'
SET client_min_messages = warning;
CREATE SCHEMA bench;
CREATE PROCEDURE bench.nat_load(n int, yr int, seed float8)
LANGUAGE plpgsql AS $$
DECLARE
  root text; nunits int; ncodes int; ndays int; lo date; hi date;
BEGIN
  PERFORM setseed(seed);
  SELECT code INTO root FROM tthc.unit WHERE parent IS NULL;
  DROP TABLE IF EXISTS communes, codes;
  CREATE TEMP TABLE communes AS SELECT row_number() OVER (ORDER BY code)::int AS i, code FROM tthc.unit WHERE parent IS NOT NULL;
  SELECT count(*) INTO nunits FROM communes;
  CREATE TEMP TABLE codes AS SELECT row_number() OVER (ORDER BY code)::int AS k, code FROM (SELECT DISTINCT code FROM tthc.procedure) c;
  SELECT count(*) INTO ncodes FROM codes;
  FOR m IN 1 .. 12 LOOP
    SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh';
    lo := make_date(yr, m, 1);
    hi := (lo + interval '1 month')::date;
    DROP TABLE IF EXISTS days;
    CREATE TEMP TABLE days AS SELECT row_number() OVER (ORDER BY d)::int AS i, d::date AS day
      FROM generate_series(lo, hi - 1, interval '1 day') d WHERE tthc.is_working_day(d::date, 'vn');
    SELECT count(*) INTO ndays FROM days;
    INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, applicant_name, applicant_id)
    SELECT c.code, coalesce(u.code, root), x.ch,
           (d.day + CASE WHEN x.rt < 0.5 THEN time '07:30' + interval '8 hours' * x.rt
                         ELSE time '13:00' + interval '8 hours' * (x.rt - 0.5) END)::timestamp(0) AT TIME ZONE 'Asia/Ho_Chi_Minh',
           'Nguyễn Văn An', lpad(floor(x.rid * 1e12)::bigint::text, 12, '0')
    FROM (SELECT 1 + floor(random() * ndays)::int AS di, random() AS rt, random() AS rid,
                 1 + floor(power(random(), 2) * ncodes)::int AS k,
                 CASE WHEN random() >= 0.3 THEN 1 + floor(random() * nunits)::int END AS ui,
                 (ARRAY[2, 1, 3])[1 + width_bucket(random(), ARRAY[0.90, 0.98])]::smallint AS ch
          FROM generate_series(1, n / 12 + CASE WHEN m <= n % 12 THEN 1 ELSE 0 END) g OFFSET 0) x
    JOIN days d ON d.i = x.di
    JOIN codes c ON c.k = x.k
    LEFT JOIN communes u ON u.i = x.ui
    ORDER BY 4;
    UPDATE tthc.dossier SET status = 'withdrawn', changed_at = received_at + interval '1 hour'
    WHERE status = 'received' AND received_at >= lo AND random() < 0.01;
    UPDATE tthc.dossier SET status = 'processing', changed_at = received_at + interval '10 minutes'
    WHERE status = 'received' AND received_at >= lo;
    UPDATE tthc.dossier d SET status = 'resolved', changed_at = s.at
    FROM (SELECT id, changed_at + greatest(due_at - changed_at, interval '1 hour') * (0.2 + 0.9 * random()) AS at
          FROM tthc.dossier WHERE status = 'processing' AND received_at >= lo AND random() >= 0.02) s
    WHERE d.id = s.id AND s.at < now();
    COMMIT;
  END LOOP;
END $$;
SQL
}

# the lag run's pgbench script at the province ROOT with NCOMMUNES communes
# (codes of WIDTH digits): a dossier received now and taken up at once, in
# one transaction; in two of five, the dossier received 40 before it resolved
national_pgbench() {   # national_pgbench ROOT NCOMMUNES WIDTH
  cat <<PGB
\\set u random(0, $2)
\\set p random(1, 300)
\\set ch random(1, 100)
\\set r random(1, 100)
\\set aid random(1, 999999999)
BEGIN;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, applicant_name, applicant_id, received_at)
SELECT format('1.%s', lpad((1000 + 37 * :p)::text, 6, '0')),
       CASE WHEN :u = 0 THEN '$1' ELSE '$1.' || lpad(:u::text, $3, '0') END,
       CASE WHEN :ch <= 90 THEN 2 WHEN :ch <= 98 THEN 1 ELSE 3 END,
       'Nguyễn Văn An', lpad(:aid::text, 12, '0'), now()
RETURNING id \\gset
UPDATE tthc.dossier SET status = 'processing' WHERE id = :id;
\\if :r <= 40
UPDATE tthc.dossier SET status = 'resolved' WHERE id = :id - 40 AND status = 'processing';
\\endif
COMMIT;
PGB
}

# the reports on the hub, best of NATIONAL_RUNS after a warm-up, every query
# once per round in turn; the national one against the same by hand (one
# GROUP BY over the dossiers, from their present columns, as report.sql's
# baseline) and count(*), the floor of any hand-written report; the year's
# received / resolved / withdrawn / stock columns must agree
national_report_sql() {
  cat <<'SQL'
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE FUNCTION pg_temp.by_hand(lo timestamptz, hi timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  SELECT CASE WHEN grouping(d.province) = 0 THEN 'province' ELSE 'total' END AS level, d.province AS unit,
         count(*) FILTER (WHERE d.received_at < %1$L AND coalesce(x.end_at, 'infinity') >= %1$L) AS carried_over,
         count(*) FILTER (WHERE d.received_at >= %1$L) AS received,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.channel = 1) AS received_in_person,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.channel = 2) AS received_online,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.channel = 3) AS received_postal,
         count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L) AS resolved,
         count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result = 'early') AS resolved_early,
         count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result = 'on_time') AS resolved_on_time,
         count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result = 'late') AS resolved_late,
         count(*) FILTER (WHERE coalesce(x.end_at, 'infinity') >= %2$L) AS in_progress,
         count(*) FILTER (WHERE coalesce(x.end_at, 'infinity') >= %2$L AND d.due_at < %2$L) AS in_progress_overdue,
         count(*) FILTER (WHERE d.status = 'awaiting_supplement') AS awaiting_supplement,
         count(*) FILTER (WHERE d.status = 'withdrawn' AND d.changed_at >= %1$L AND d.changed_at < %2$L) AS withdrawn,
         count(*) FILTER (WHERE d.status = 'refused' AND d.changed_at >= %1$L AND d.changed_at < %2$L) AS refused,
         count(*) FILTER (WHERE d.status = 'stopped' AND d.changed_at >= %1$L AND d.changed_at < %2$L) AS stopped,
         round(count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result <> 'late')::numeric
               / nullif(count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L), 0), 4) AS on_time_rate,
         avg(d.finished_at - d.clock_started_at - d.paused_work) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L) AS avg_work
  FROM tthc.dossier d
  CROSS JOIN LATERAL (
    SELECT CASE WHEN d.status IN ('resolved', 'returned') THEN d.finished_at
                WHEN d.status IN ('withdrawn', 'refused', 'stopped') THEN d.changed_at END AS end_at) x
  WHERE d.received_at < %2$L
  GROUP BY GROUPING SETS ((d.province), ())
  ORDER BY grouping(d.province), d.province$q$, lo, hi)
$f$;
SELECT pg_temp.by_hand('2025-01-01 00:00+07', '2026-01-01 00:00+07') AS q_hand_year,
       pg_temp.by_hand('2025-01-15 00:00+07', '2025-12-15 00:00+07') AS q_hand_part \gset
CREATE TEMP TABLE q (i int PRIMARY KEY, name text, sql text);
INSERT INTO q VALUES
  (1, 'year_ms', $$SELECT * FROM tthc.national_report('[2025-01-01,2026-01-01)')$$),
  (2, 'hand_year_ms', :'q_hand_year'),
  (3, 'part_ms', $$SELECT * FROM tthc.national_report('[2025-01-15,2025-12-15)')$$),
  (4, 'hand_part_ms', :'q_hand_part'),
  (5, 'floor_ms', 'SELECT count(*) FROM tthc.dossier');
CREATE TEMP TABLE timing (i int, ms float8);
DO $$
DECLARE r record; t0 timestamptz; c bigint;
BEGIN
  FOR rnd IN 0 .. current_setting('bench.runs')::int LOOP
    FOR r IN SELECT * FROM q ORDER BY i LOOP
      t0 := clock_timestamp();
      -- count(s.*): every column computed (count(*) would let the planner drop them)
      EXECUTE 'SELECT count(s.*) FROM (' || r.sql || ') s' INTO c;
      IF rnd > 0 THEN
        INSERT INTO timing VALUES (r.i, extract(epoch FROM clock_timestamp() - t0) * 1000);
      END IF;
    END LOOP;
  END LOOP;
END $$;
CREATE TEMP TABLE nat AS SELECT * FROM tthc.national_report('[2025-01-01,2026-01-01)');
CREATE TEMP TABLE hand AS :q_hand_year;
SELECT count(*) FILTER (WHERE (n.carried_over, n.received, n.received_in_person, n.received_online, n.received_postal,
                               n.resolved, n.resolved_early, n.resolved_on_time, n.resolved_late, n.in_progress, n.withdrawn)
                              IS DISTINCT FROM
                              (h.carried_over, h.received, h.received_in_person, h.received_online, h.received_postal,
                               h.resolved, h.resolved_early, h.resolved_on_time, h.resolved_late, h.in_progress, h.withdrawn)) AS differ,
       count(*) AS compared
FROM nat n FULL JOIN hand h ON h.level = n.level AND h.unit IS NOT DISTINCT FROM n.unit \gset
SELECT string_agg(format('%s=%s', name, round(best::numeric, 1)), ' ' ORDER BY i) AS times
FROM (SELECT q.i, q.name, min(t.ms) AS best FROM q JOIN timing t USING (i) GROUP BY q.i, q.name) b \gset
SELECT (SELECT count(*) FROM tthc.dossier) AS dossiers, (SELECT received FROM nat WHERE level = 'total') AS received_2025,
       (SELECT count(*) FROM tthc.unit) AS units,
       (SELECT count(DISTINCT field) FROM tthc.report_month) AS fields,
       (SELECT count(*) FROM tthc.report_month WHERE month >= '2025-01-01' AND month < '2026-01-01') AS month_rows,
       (SELECT count(*) FROM tthc.report_day) AS day_rows,
       (SELECT count(DISTINCT day) FROM tthc.report_day WHERE day >= '2025-01-01' AND day < '2026-01-01') AS days,
       (SELECT count(*) FROM tthc.report_delta) AS delta_rows \gset
\echo 'national: year by hand vs national_report (carried over, received by channel, resolved by result, in progress, withdrawn):' :compared 'rows compared,' :differ 'differ'
SELECT CASE WHEN :differ > 0 THEN 'national: national_report and the report by hand differ  -- INCONSISTENT' END AS warn \gset
\if :{?warn}
\echo :warn
\endif
\echo RESULT national_report dossiers=:dossiers received_2025=:received_2025 units=:units fields=:fields days=:days month_rows=:month_rows day_rows=:day_rows delta_rows=:delta_rows :times
SQL
}

nat_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (a / b >= 10) ? "x%.0f" : "x%.2f", a / b }'; }

national_bench() {   # national_bench RESULTS: in a subshell (its own clusters, PGHOST and exit trap)
  local res=$1 scale=${NATIONAL_SCALE:-200000} steps=${NATIONAL_STEPS:-2} rate=${NATIONAL_RATE:-200}
  local seconds=${NATIONAL_SECONDS:-60} clients=${NATIONAL_CLIENTS:-4} runs=${NATIONAL_RUNS:-5}
  local p t0 out r line step
  local -A root=([h22]=H22 [h01]=H01) communes=([h22]=54 [h01]=126) width=([h22]=2 [h01]=3) seed=([h22]=22 [h01]=1)
  local -a provinces=(h22 h01) pids rlines
  # shellcheck source=scripts/country.sh
  . scripts/country.sh
  # the bench cluster's settings (sized for ~1 GB of dossiers a node), fsync
  # off, and the worker sweeping each province every minute (its default)
  country_start "max_parallel_workers_per_gather = 0" "jit = off" "shared_buffers = 1GB" "wal_buffers = 64MB" \
    "max_wal_size = 8GB" "checkpoint_timeout = 30min" "work_mem = 64MB" "maintenance_work_mem = 512MB" \
    "autovacuum = off" || { echo "bench: could not start the three clusters" >&2; return 1; }
  echo "national: hub ${COUNTRY_HOST[hub]}, provinces ${COUNTRY_HOST[h22]} and ${COUNTRY_HOST[h01]}"
  # the provinces: catalogue.sql's 300 procedures in 17 fields, and their units:
  # Quảng Ninh's 54 communes and Hà Nội's 126 (as since 1 July 2025)
  for p in "${provinces[@]}"; do
    node_psql "$p" -c "SET client_min_messages = warning" -c "CREATE EXTENSION tthc"
    sed -e "s/H22/${root[$p]}/g" -e "s/generate_series(1, 54) i/generate_series(1, ${communes[$p]}) i/" \
        -e "s/lpad(i::text, 2, '0')/lpad(i::text, ${width[$p]}, '0')/" test/bench/catalogue.sql | node_psql "$p"
    [ "$(node_psql "$p" -At -c "SELECT count(*) FROM tthc.unit WHERE parent = '${root[$p]}'")" = "${communes[$p]}" ] \
      || { echo "bench: province ${root[$p]} does not have its ${communes[$p]} communes (test/bench/catalogue.sql changed?)" >&2; return 1; }
    national_load_sql | node_psql "$p"
    node_psql "$p" -At -c "SELECT tthc.create_publication()" >/dev/null
  done
  node_psql hub -c "SET client_min_messages = warning" -c "CREATE EXTENSION tthc"

  for ((step = 1; step <= steps; step++)); do
    echo "national: step $step, loading $scale dossiers received in 2025 into each province (tthc.dossier's checks, a transaction a month)"
    t0=$(date +%s.%N)
    pids=()
    for p in "${provinces[@]}"; do
      node_psql "$p" -c "SET client_min_messages = warning" -c "CALL bench.nat_load($scale, 2025, 0.${seed[$p]}$step)" \
        -c "ANALYZE" &
      pids+=($!)
    done
    for r in "${pids[@]}"; do wait "$r" || { echo "bench: loading a province failed" >&2; return 1; }; done
    echo "national: loaded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s (both provinces at once)"
    t0=$(date +%s.%N)
    if ((step == 1)); then
      for p in "${provinces[@]}"; do
        node_psql hub -At -c "SET client_min_messages = warning" -c "SELECT tthc.attach_province('$(node_conninfo "$p")')" >/dev/null
      done
      what="initial copy"
    else
      what="streamed"
    fi
    country_wait_caught_up 1800 "${provinces[@]}" || { echo "bench: the hub did not catch up" >&2; return 1; }
    echo "national: hub has both provinces ($what) $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after the load"
    rlines+=("$(printf '  %-60s %8s' "national, hub caught up after loading $scale x 2 ($what)" \
      "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')")")
    # the sums as a live system keeps them: the sweep folds report_delta into
    # report_day and report_month every minute; fold now, everywhere
    for p in "${provinces[@]}"; do node_psql "$p" -At -c "SELECT tthc.report_compact()" >/dev/null; done
    country_wait_caught_up 600 "${provinces[@]}" || { echo "bench: the hub did not catch up" >&2; return 1; }
    node_psql hub -c "VACUUM ANALYZE"

    if ((step == 1)); then
      # (a) the lag under a steady load, on the province-years just loaded:
      # first the sweep that flags their stuck dossiers overdue (thousands in
      # one transaction, which the hub applies in turn), so that the run sees
      # only the worker's sweeps of its own dossiers (due-soon warnings)
      for p in "${provinces[@]}"; do node_psql "$p" -At -c "SELECT tthc.sweep()" >/dev/null; done
      country_wait_caught_up 600 "${provinces[@]}" || { echo "bench: the hub did not catch up" >&2; return 1; }
      echo "national: lag run, pgbench -R $rate -c $clients on each province for $seconds s"
      local samples="${COUNTRY_HOST[hub]}/replication_lag.txt" run_start run_end
      : >"$samples"
      run_start=$(node_psql hub -At -c "SELECT clock_timestamp()")
      pids=()
      for p in "${provinces[@]}"; do
        national_pgbench "${root[$p]}" "${communes[$p]}" "${width[$p]}" >"${COUNTRY_HOST[$p]}/lag.pgbench"
        PGHOST=${COUNTRY_HOST[$p]} "$PGBIN/pgbench" -n -M prepared -c "$clients" -j 2 -R "$rate" -T "$seconds" \
          -f "${COUNTRY_HOST[$p]}/lag.pgbench" postgres >"${COUNTRY_HOST[$p]}/lag.out" 2>&1 &
        pids+=($!)
      done
      # pg_stat_replication on the provinces, once a second
      while kill -0 "${pids[@]}" 2>/dev/null; do
        for p in "${provinces[@]}"; do
          node_psql "$p" -At -F ' ' -c "SELECT '$p', coalesce(extract(epoch FROM write_lag) * 1000, -1),
                                               coalesce(extract(epoch FROM flush_lag) * 1000, -1),
                                               coalesce(extract(epoch FROM replay_lag) * 1000, -1)
                                        FROM pg_stat_replication WHERE application_name = 'tthc_${root[$p]}'" >>"$samples" || true
        done
        sleep 1
      done
      for r in "${pids[@]}"; do wait "$r" || true; done
      run_end=$(node_psql hub -At -c "SELECT clock_timestamp()")
      local tps_all="" tps
      for p in "${provinces[@]}"; do
        out="${COUNTRY_HOST[$p]}/lag.out"
        if ! grep -q '^tps = ' "$out" || grep -q -E 'aborted|^number of failed transactions: [1-9]' "$out"; then
          cat "$out" >&2; echo "bench: pgbench failed at ${root[$p]}" >&2; return 1
        fi
        tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | xargs printf '%.1f')
        tps_all+="${tps_all:+ }${root[$p]}=$tps"
        echo "national: ${root[$p]} $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out") transactions," \
             "$tps a second, latency average $(sed -n 's/^latency average = //p' "$out"), schedule lag $(sed -n 's/^rate limit schedule lag: avg \([0-9.]*\) .*/\1 ms/p' "$out")"
      done
      country_wait_caught_up 600 "${provinces[@]}" || { echo "bench: the hub did not catch up" >&2; return 1; }
      out=$(node_psql hub -At -F ' ' -v run_start="$run_start" -v run_end="$run_end" <<'SQL'
        SELECT coalesce(province, 'both'), count(*),
               round(count(*) / extract(epoch FROM :'run_end'::timestamptz - :'run_start'::timestamptz)),
               round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1),
               round(extract(epoch FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1),
               round(extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1),
               round(extract(epoch FROM max(mirrored_at - recorded_at)) * 1000, 1),
               count(*) FILTER (WHERE mirrored_at IS NULL OR mirrored_at < recorded_at)
        FROM tthc.dossier_event WHERE recorded_at >= :'run_start' AND recorded_at < :'run_end'
        GROUP BY ROLLUP (province) ORDER BY province IS NULL, province
SQL
)
      while read -r prov n eps p50 p90 p99 max bad; do
        echo "national: lag of ${prov}'s $n events ($eps a second): p50 $p50 ms, p90 $p90 ms, p99 $p99 ms, max $max ms"
        if [ "$bad" != 0 ]; then
          echo "national: $bad events with no or an earlier mirrored_at  -- INCONSISTENT"
          echo "INCONSISTENT mirrored_at" >>"$res.bad"
        fi
      done <<<"$out"
      read -r _ n eps p50 p90 p99 max bad <<<"$(tail -1 <<<"$out")"
      # the pgbench writes, and the worker's sweeps: each flags in one
      # transaction the dossiers of the last minute that fall due within a
      # working day, and the hub applies a province's transactions in turn
      out=$(node_psql hub -At -F ' ' -v run_start="$run_start" -v run_end="$run_end" <<'SQL'
        SELECT CASE WHEN kind IN ('due_soon', 'overdue') THEN 'sweeps' ELSE 'writes' END, count(*),
               round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1),
               round(extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1),
               round(extract(epoch FROM max(mirrored_at - recorded_at)) * 1000, 1)
        FROM tthc.dossier_event WHERE recorded_at >= :'run_start' AND recorded_at < :'run_end'
        GROUP BY 1 ORDER BY 1 DESC
SQL
)
      local wp50="" wp99="" wmax="" sn=0 smax=""
      while read -r who k q50 q99 qmax; do
        echo "national:   of which the $who' $k events: p50 $q50 ms, p99 $q99 ms, max $qmax ms"
        if [ "$who" = writes ]; then wp50=$q50 wp99=$q99 wmax=$qmax; else sn=$k smax=$qmax; fi
      done <<<"$out"
      # pg_stat_replication's lags (-1: not measured at that moment)
      local rl
      rl=$(awk '$4 >= 0 { print $4 }' "$samples" | sort -g | awk '{ r[++n] = $1 } END {
             if (n == 0) { print "replay_lag_samples=0 replay_lag_p50_ms=- replay_lag_max_ms=-"; exit }
             printf "replay_lag_samples=%d replay_lag_p50_ms=%.1f replay_lag_max_ms=%.1f", n, r[int((n + 1) / 2)], r[n] }')
      r="RESULT national_lag rate=$rate seconds=$seconds clients=$clients achieved_tps:$tps_all events=$n events_per_s=$eps p50_ms=$p50 p90_ms=$p90 p99_ms=$p99 max_ms=$max $rl"
      echo "$r"
      rlines+=("$(printf '  %-60s %8s' "national lag, pgbench -R $rate x 2 provinces, ${seconds} s ($tps_all tps), p50 / p99 / max" \
        "$p50 / $p99 / $max ms")")
      rlines+=("$(printf '  %-60s %8s' "  pgbench's own events (without the sweeps' $sn, max $smax ms)" "$wp50 / $wp99 / $wmax ms")")
      rlines+=("$(printf '  %-60s %8s' "  pg_stat_replication.replay_lag on the provinces, p50 / max" \
        "$(sed -n 's/.*replay_lag_p50_ms=\([^ ]*\) replay_lag_max_ms=\([^ ]*\).*/\1 \/ \2 ms/p' <<<"$rl")")")
    fi

    # (b) the national report on the hub
    out=$(national_report_sql | node_psql hub -v ON_ERROR_STOP=1 -c "SET bench.runs = $runs" -f -)
    echo "$out"
    grep -q INCONSISTENT <<<"$out" && echo "INCONSISTENT national_report" >>"$res.bad"
    line=$(grep '^RESULT national_report' <<<"$out")
    nr_dossiers=$(field dossiers "$line") nr_units=$(field units "$line") nr_fields=$(field fields "$line")
    nr_days=$(field days "$line") nr_month_rows=$(field month_rows "$line") nr_day_rows=$(field day_rows "$line")
    nr_year_ms=$(field year_ms "$line") nr_hand_year_ms=$(field hand_year_ms "$line")
    nr_part_ms=$(field part_ms "$line") nr_hand_part_ms=$(field hand_part_ms "$line") nr_floor_ms=$(field floor_ms "$line")
    rlines+=("$(printf '  %-60s %8s' "national_report(2025), $nr_dossiers dossiers on the hub (by hand $nr_hand_year_ms ms)" \
      "$nr_year_ms ms  $(nat_ratio "$nr_hand_year_ms" "$nr_year_ms")")")
    rlines+=("$(printf '  %-60s %8s' "  mid-month to mid-month (by hand $nr_hand_part_ms ms; count(*) $nr_floor_ms ms)" \
      "$nr_part_ms ms  $(nat_ratio "$nr_hand_part_ms" "$nr_part_ms")")")
    if ((step == 1)); then
      first_year=$nr_year_ms first_hand=$nr_hand_year_ms first_n=$nr_dossiers first_days=$nr_day_rows
    fi
  done
  # growth and the national year.  national_report sums tthc.report() of each
  # root unit, which reads sum rows, not dossiers: the (unit, field, month)
  # rows of whole months, and of tthc.report_day the rows of partial months,
  # but to find those it visits every day row of its units (a bitmap on
  # report_day's primary key by unit, the day range applied after it), so a
  # year's report costs a + b x (day rows of the units, all days).  The two
  # steps fit a (scaled with the month rows) and b; the report by hand costs
  # what it cost a dossier at the last step.  A country: 34 provinces, 3,321
  # communes and 34 provincial centres (3,355 units), the fields measured
  # here, a row for every unit, field and working day (65 M dossiers a year
  # fill them), one year of history; a big province: 20 M dossiers, 130 units
  rlines+=("$(awk -v n1="$first_n" -v n2="$nr_dossiers" -v a1="$first_year" -v a2="$nr_year_ms" -v h1="$first_hand" -v h2="$nr_hand_year_ms" \
                  -v d1="$first_days" -v d2="$nr_day_rows" 'BEGIN {
      printf "  %-60s %8s", sprintf("growth, %d -> %d dossiers (x%.1f): by hand x%.2f; day rows x%.2f", n1, n2, n2 / n1, h2 / h1, d2 / d1),
             sprintf("x%.2f", a2 / a1) }')")
  rlines+=("$(awk -v t1="$first_year" -v t2="$nr_year_ms" -v d1="$first_days" -v d2="$nr_day_rows" -v m="$nr_month_rows" \
                  -v h="$nr_hand_year_ms" -v n="$nr_dossiers" -v f="$nr_fields" -v days="$nr_days" -v u="$nr_units" 'BEGIN {
      # low: the fit of the two steps (a + b x day rows); high: every sum
      # row read (month and day rows) costing what one did at the last step
      per_row = t2 / (m + d2)
      if (d2 > d1 && t2 > t1) { b = (t2 - t1) / (d2 - d1); a = t2 - b * d2; if (a < 0) a = 0 } else { b = per_row; a = b * m }
      per_dossier = h / n
      nrows = 3355 * f * 12; ndays = 3355 * f * days
      lo = a * nrows / m + b * ndays; hi = per_row * (nrows + ndays); if (lo > hi) { x = lo; lo = hi; hi = x }
      hand = per_dossier * 65e6
      blo = a * 130 * f * 12 / m + b * 130 * f * days; bhi = per_row * 130 * f * (12 + days); if (blo > bhi) { x = blo; blo = bhi; bhi = x }
      bhand = per_dossier * 20e6
      printf "  basis: national_report = a + b x day rows, a %.1f ms (%d month rows of %d units), b %.3f us; or %.3f us a sum row read; by hand %.2f us a dossier\n",
             a, m, u, b * 1000, per_row * 1000, per_dossier * 1000
      printf "  national year, extrapolated (3,355 units x %d fields x %d days = %.1f M day rows, 65 M dossiers): national_report ~%.1f-%.1f s, by hand >= ~%.0f s (in memory): x%.0f-x%.0f\n",
             f, days, ndays / 1e6, lo / 1000, hi / 1000, hand / 1000, hand / hi, hand / lo
      printf "  a big province, extrapolated (130 units, 20 M dossiers): tthc.report ~%.2f-%.2f s, by hand >= ~%.0f s: x%.0f-x%.0f\n",
             blo / 1000, bhi / 1000, bhand / 1000, bhand / bhi, bhand / blo
      printf "  (every further year of history adds as many day rows to national_report, and its dossiers to the report by hand)" }')")
  rlines+=("  reproduce: BENCH_ONLY=national NATIONAL_SCALE=$scale NATIONAL_STEPS=$steps NATIONAL_RATE=$rate NATIONAL_SECONDS=$seconds scripts/bench.sh")
  printf '%s\n' "${rlines[@]}" >"$res"
  if [ "${NATIONAL_KEEP:-0}" = 1 ]; then
    trap - EXIT
    echo "national: the three clusters keep running (NATIONAL_KEEP=1): psql -h ${COUNTRY_HOST[hub]} (hub)," \
         "-h ${COUNTRY_HOST[h22]}, -h ${COUNTRY_HOST[h01]}; stop them with scripts/country.sh stop"
  fi
}

if wants national; then
  echo
  echo "== national: two provinces and a hub on three clusters (scripts/country.sh): replication lag, tthc.national_report() on the hub"
  national_res=$(mktemp)
  # a subshell: its clusters, PGHOST and exit trap stay there (not tested
  # with ||, which would switch errexit off inside it)
  set +e
  ( set -e; national_bench "$national_res" )
  rc=$?
  set -e
  if [ "$rc" != 0 ]; then echo "bench: the national benchmark failed" >&2; rm -f "$national_res" "$national_res.bad"; exit 1; fi
  while IFS= read -r line; do summary+=("$line"); done <"$national_res"
  [ -s "$national_res.bad" ] && problems=$((problems + 1))
  rm -f "$national_res" "$national_res.bad"
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
