#!/usr/bin/env bash
# scripts/demo.sh: a province like Quảng Ninh in a terminal.
#   1. a short tour of the calendar engine (demo/calendar.sql, CALENDAR=0 skips it);
#   2. the province: 1 provincial centre, 54 commune centres, 7 departments,
#      ~330 procedures with the national limits they were cut from, their
#      fees (phí, lệ phí: tthc.fee; about 3 in 10 dossiers pay), a receipt
#      series per collecting centre, kind and year (tthc.receipt_series), and
#      ~270 named officers (tthc.officer), desk officers and handlers, each
#      with traits of their own (demo/province.sql);
#   3. a year of dossiers (SCALE, default 1000000) written by 4 concurrent writer
#      sessions through tthc's own functions (demo/simulate.sql): like a
#      portal's pooled account, each names the officer acting with
#      set_config('tthc.actor', login, true), switched inside its
#      transactions; the dossiers of the last three weeks also pay their
#      fees through tthc (tthc.pay, mostly on the portal, the rest at the
#      desk), get their receipts (tthc.issue_receipt; a few cancelled or
#      replaced) and waivers; meanwhile the background worker "tthc sla
#      worker" sweeps every 2 s; the last three weeks' online dossiers
#      arrive through tthc.portal_receive, as from the national portal;
#   3b. tthc-sync sends the outbox for SYNC_SECONDS (default 20, 0 skips it)
#      to a stand-in of the portal on 127.0.0.1 (test/portal_double.pl);
#   4. the dashboard a provincial leader reads (demo/dashboard.sql), from
#      tthc.report, tthc.indicators_766, the scorecards, the payments and
#      tthc.receipt_usage;
#   5. demo/report.html (scripts/report_html.sh), the leader's page: the same
#      period as charts, the department and centre scorecards, the procedures
#      still stuck, the time reduction, the officers, the fees and receipts of
#      each centre, with a centre selector; made while the dashboard runs (it
#      costs about as much).
# The year is the twelve months up to now (YEAR=2025 simulates that calendar
# year instead; dossiers still open at its end are then long overdue).
# With PGHOST set, uses that server and (re)creates a database tthc_demo
# there, without the worker: the sweep runs by hand at the end.  Otherwise
# runs on a throwaway cluster (scripts/cluster.sh) that is stopped on exit.
# The extension must be installed (make demo does it).
# NATIONAL=1 (make demo NATIONAL=1) shows a country instead: two provinces
# and the national hub on three throwaway clusters (scripts/demo_national.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${NATIONAL:-0}" = 1 ]; then exec scripts/demo_national.sh; fi

DEMO_DB=tthc_demo
SCALE=${SCALE:-1000000}
WRITERS=4
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
[[ "$SCALE" =~ ^[0-9]+$ ]] && [ "$SCALE" -ge 100 ] || { echo "demo: SCALE must be a number >= 100" >&2; exit 1; }

t_demo=$(date +%s.%N)
declare -a PHASES=()
phase_start() { t_phase=$(date +%s.%N); }
phase_end() { PHASES+=("$1|$(awk -v a="$t_phase" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"); }

phase_start
if [ -n "${PGHOST:-}" ]; then
  given_host=1
  echo "demo: server $PGHOST${PGPORT:+ port $PGPORT}, database $DEMO_DB (dropped and recreated); no worker: tthc.sweep() by hand"
else
  given_host=""
  . scripts/cluster.sh
  CLUSTER_DIR=${CLUSTER_DIR:-$PWD/tmp/demo-cluster}
  cluster_start "shared_preload_libraries = 'tthc'" "tthc.database = '$DEMO_DB'" "tthc.sweep_interval = '2s'" \
    "max_wal_size = '2GB'" "synchronous_commit = off" \
    || { echo "demo: could not start a throwaway cluster" >&2; exit 1; }
  echo "demo: throwaway cluster in $PGHOST (PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}')), worker \"tthc sla worker\" sweeping $DEMO_DB every 2 s"
fi

"${PSQL[@]}" -d postgres \
  -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DEMO_DB" \
  -c "CREATE DATABASE $DEMO_DB"
phase_end "cluster and database"

if [ "${CALENDAR:-1}" != 0 ]; then
  phase_start
  "${PSQL[@]}" -d "$DEMO_DB" -f demo/calendar.sql
  phase_end "calendar tour"
  # the tour's holiday and centre calendar were examples: start the province afresh
  "${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" \
    -c "DROP DATABASE $DEMO_DB WITH (FORCE)" -c "CREATE DATABASE $DEMO_DB"
fi

phase_start
"${PSQL[@]}" -d "$DEMO_DB" -f demo/province.sql -f demo/simulate.sql
phase_end "province and catalogue"

# the simulated period
if [ -n "${YEAR:-}" ]; then
  t_from="$YEAR-01-01 00:00+07"; t_to="$((YEAR + 1))-01-01 00:00+07"
else
  t_to=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT date_trunc('second', now())")
  t_from=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT date_trunc('second', now() - interval '1 year')")
fi
t_to=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT least('$t_to'::timestamptz, date_trunc('second', now()))")
local_time() { "${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT to_char('$1'::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY HH24:MI')"; }

# 2025 before the simulated year: the first half at the 171 old communes
# (13 districts), the second at today's 54, when the year starts after the
# change of 1/7/2025 (demo/reorg.sql: HISTORY dossiers a year, default
# SCALE/20; HISTORY=0 skips it)
history=${HISTORY:-$((SCALE / 20))}
reorg=0
if [ "$history" -gt 0 ] && [ "$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT '$t_from'::timestamptz > '2025-07-01 00:00+07'")" = t ]; then
  reorg=1
  echo
  echo "━━ 2025 across the reorganisation (NQ 1679/NQ-UBTVQH15): 171 communes in 13 districts until 30/6, the 54 after; $history dossiers a year, to $(local_time "$t_from") ━━"
  phase_start
  "${PSQL[@]}" -d "$DEMO_DB" -f demo/reorg.sql -c "CALL demo.history($history, '$t_from')"
  "${PSQL[@]}" -d "$DEMO_DB" -P footer=off -c "
    SELECT count(*) FILTER (WHERE level = 'district') AS districts,
           count(*) FILTER (WHERE level = 'commune' AND valid_to IS NOT NULL) AS old_communes,
           count(*) FILTER (WHERE level = 'commune' AND valid_from IS NOT NULL) AS new_communes,
           (SELECT count(*) FROM tthc.unit_succession) AS successions,
           (SELECT count(*) FROM tthc.dossier_event WHERE kind = 'transfer') AS moved_on_1_july,
           (SELECT count(*) FROM tthc.dossier) AS dossiers_of_2025,
           (SELECT count(*) FROM tthc.unit_orphans()) AS left_at_old_units
    FROM tthc.unit"
  phase_end "2025 across the reorganisation"
fi
sim_start=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT now()")

echo
echo "━━ Simulating $SCALE dossiers received $(local_time "$t_from") … $(local_time "$t_to") (UTC+7): $WRITERS writer sessions, one per group of communes ━━"
phase_start
pids=()
for g in $(seq 1 $WRITERS); do
  "${PSQL[@]}" -d "$DEMO_DB" -c "CALL demo.simulate($g, $SCALE, '$t_from', '$t_to')" &
  pids+=($!)
done
# meanwhile: what the worker has done so far
if [ -z "$given_host" ]; then
  while kill -0 "${pids[@]}" 2>/dev/null; do
    sleep 10
    kill -0 "${pids[@]}" 2>/dev/null || break
    "${PSQL[@]}" -At -d "$DEMO_DB" -F ' ' -c "
      SELECT 'demo: ' || to_char(clock_timestamp(), 'HH24:MI:SS') || ' ' || (SELECT count(*) FROM tthc.dossier) || ' dossiers; sweep runs '
             || coalesce((SELECT runs::text || ', last flagged ' || overdue || ' overdue, ' || due_soon || ' due soon' FROM tthc.sweep_state), 'none yet')" || true
  done
fi
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" = 0 ] || { echo "demo: a writer session failed" >&2; exit 1; }
phase_end "simulation ($WRITERS writers)"

phase_start
if [ -n "$given_host" ]; then
  echo "demo: SELECT tthc.sweep()"
  "${PSQL[@]}" -d "$DEMO_DB" -c "SELECT * FROM tthc.sweep()"
else
  # let the worker catch up with the last months (its next run after the writers)
  runs0=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT coalesce((SELECT runs FROM tthc.sweep_state), 0)")
  for _ in $(seq 1 30); do
    sleep 1
    runs=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT coalesce((SELECT runs FROM tthc.sweep_state), 0)")
    [ "$runs" -gt "$((runs0 + 1))" ] && break
  done
  echo "demo: worker runs so far: $runs"
fi
"${PSQL[@]}" -d "$DEMO_DB" -c "ANALYZE"
phase_end "sweep"

# the national portal: tthc-sync sends the outbox, oldest dossiers first, for
# SYNC_SECONDS to a stand-in of the portal on 127.0.0.1 (test/portal_double.pl:
# it checks every call against the portal's field rules and keeps what it
# accepts); here as the demo's own role, in a province as a tthc_portal login
sync_seconds=${SYNC_SECONDS:-20}
if [ "$sync_seconds" -gt 0 ]; then
  phase_start
  echo
  echo "━━ tthc-sync → Cổng DVCQG (a stand-in on 127.0.0.1) for $sync_seconds s ━━"
  sync_bin="$("${PG_CONFIG:-$PGBIN/pg_config}" --bindir 2>/dev/null || echo "$PGBIN")/tthc-sync"
  [ -x "$sync_bin" ] || { echo "demo: $sync_bin not found (make install builds it)" >&2; exit 1; }
  sync_log=$(mktemp); double_log=$(mktemp)
  coproc DOUBLE { exec perl test/portal_double.pl --port 0 --user demo --secret demo --unit 000.00.00.H22 --log "$double_log"; }
  read -r line <&"${DOUBLE[0]}" || { echo "demo: the portal stand-in did not start" >&2; exit 1; }
  portal="http://127.0.0.1:${line#port=}"
  sync_rc=0
  timeout --preserve-status -s TERM "$sync_seconds" "$sync_bin" --conninfo "dbname=$DEMO_DB" --portal "$portal" \
    --user demo --secret demo --unit 000.00.00.H22 --batch 100 --interval 1 2>"$sync_log" || sync_rc=$?
  tail -n 3 "$sync_log"
  perl -MHTTP::Tiny -MJSON::PP -e '
    my $r = HTTP::Tiny->new->get("$ARGV[0]/_state?brief=1");
    $r->{success} or die "demo: the portal stand-in did not answer\n";
    my $s = decode_json($r->{content});
    my $refused = 0; $refused += $_ for values %{ $s->{rejected} };
    printf "the portal holds %d dossiers and %d progress records from tthc (%d calls); refused by its field rules: %d; violations: %d\n",
      $s->{dossier_count}, $s->{progress_count}, $s->{calls}, $refused, scalar @{ $s->{violations} };' "$portal" || sync_rc=1
  kill "$DOUBLE_PID" 2>/dev/null || true; wait "$DOUBLE_PID" 2>/dev/null || true
  rm -f "$sync_log" "$double_log"
  [ "$sync_rc" = 0 ] || { echo "demo: tthc-sync failed (exit $sync_rc)" >&2; exit 1; }
  phase_end "portal sync ($sync_seconds s)"
fi

# the page reads the same period through other functions: made beside the
# dashboard, on the other core
phase_start
html_log=$(mktemp)
scripts/report_html.sh "$DEMO_DB" demo/report.html "$t_from" "$t_to" >"$html_log" 2>&1 &
html_pid=$!
"${PSQL[@]}" -d "$DEMO_DB" -v t_from="$t_from" -v t_to="$t_to" -v sim_start="$sim_start" -v reorg="$reorg" -f demo/dashboard.sql
phase_end "dashboard"
html_ok=1
wait "$html_pid" || html_ok=""
phase_end "HTML report (beside it)"
cat "$html_log"; rm -f "$html_log"
[ -n "$html_ok" ] || { echo "demo: scripts/report_html.sh failed" >&2; exit 1; }
echo "Open demo/report.html in a browser (file://$PWD/demo/report.html): charts of the same period, the scorecards,"
echo "the procedures still stuck, the time reduction, the officers, the fees and receipts of each centre (pick one at the top)"

echo
echo "━━ 11. Thời gian / Timings ━━"
"${PSQL[@]}" -d "$DEMO_DB" -P footer=off -P linestyle=unicode -c "
  SELECT grp AS writer, rows AS dossiers, round(seconds, 1) AS seconds,
         round(rows / nullif(seconds, 0)) AS \"dossiers/s\",
         (SELECT count(*) FROM demo.event e WHERE e.grp = t.grp) AS \"events planned\"
  FROM demo.timing t WHERE phase = 'total' ORDER BY grp"
events=$("${PSQL[@]}" -At -d "$DEMO_DB" -c "SELECT count(*) FROM tthc.dossier_event")
for p in "${PHASES[@]}"; do printf '  %-28s %8.1f s\n' "${p%%|*}" "${p##*|}"; done
total=$(awk -v a="$t_demo" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
printf '  %-28s %8.1f s   (%s events in tthc.dossier_event; the HTML report ran beside the dashboard)\n' "total" "$total" "$events"

if [ -n "$given_host" ]; then
  cmd="psql -h $(printf %q "$PGHOST")"
  [ -n "${PGPORT:-}" ] && cmd+=" -p $(printf %q "$PGPORT")"
  [ -n "${PGUSER:-}" ] && cmd+=" -U $(printf %q "$PGUSER")"
  echo "Explore further: $cmd -d $DEMO_DB   (then e.g. SELECT * FROM tthc.dossier_sla LIMIT 10)"
else
  cluster_stop
  echo "The throwaway cluster has been stopped.  To keep the database, run the demo"
  echo "against a server of yours: PGHOST=... make demo"
fi
