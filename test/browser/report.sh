#!/usr/bin/env bash
# test/browser/report.sh: demo/report.html, rendered by headless Chromium.
# The browser tier of scripts/test.sh, on its cluster (PGHOST, PGPORT, PGUSER
# exported by scripts/cluster.sh); by hand, on a server that has tthc
# installed:  PGHOST=... PGUSER=... test/browser/report.sh
#
# Simulates a small province (demo/province.sql, demo/simulate.sql: SCALE
# dossiers, default 2000, received from the first day of the month three
# months back until now), sweeps, makes the page with scripts/report_html.sh,
# renders it with Chromium (--dump-dom) and checks the DOM against counts
# taken by SQL: one bar per unit with resolved dossiers, one group of bars per
# month, the overdue backlog, the QĐ 766 rows; no script error, no request.
# Then that the checks can fail: a database without dossiers must give a page
# that says "no data" in every chart, and the same checks must fail on a page
# whose trend chart was removed or that loads an image from the network.
#
# Prints "ok N - ..." / "not ok N - ..." and a last line
# "browser: P passed, F failed"; exits non-zero on any failure.  Without
# Chromium: fails when CI is set (true or 1), skips otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

SCALE=${SCALE:-2000}
DB=tthc_browser
DB_EMPTY=tthc_browser_empty
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
TZ_LOCAL=Asia/Ho_Chi_Minh

n=0; passed=0; failed=0
QUIET=""        # set: checks count their failures in quiet_failed, print nothing
quiet_failed=0; quiet_names=()
work=$(mktemp -d /tmp/tthc-browser.XXXXXX)
t_start=$(date +%s.%N)

# check DESCRIPTION COMMAND...: one counted check
check() {
  local desc=$1; shift
  if [ -n "$QUIET" ]; then
    "$@" >/dev/null 2>&1 || { quiet_failed=$((quiet_failed + 1)); quiet_names+=("$desc"); }
    return 0
  fi
  n=$((n + 1))
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "ok $n - $desc"
  else
    failed=$((failed + 1)); echo "not ok $n - $desc"
    [ -n "$out" ] && sed "s/^/#   /" <<<"$out" | head -20
    return 1
  fi
}
finish() {
  local secs; secs=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [ "$failed" -eq 0 ] && [ "${KEEP:-}" = "" ]; then rm -rf "$work"; else echo "# files kept in $work"; fi
  echo "browser: $passed passed, $failed failed ($secs s)"
  [ "$failed" -eq 0 ]
  exit
}
bail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2" | tail -20; finish; }
is() { [ "$1" = "$2" ] || { echo "got '$1', expected '$2'"; return 1; }; }
sql() { "${PSQL[@]}" -At -d "$1" -c "$2"; }

# ── Chromium ─────────────────────────────────────────────────────────────
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
  case "${CI:-}" in
    true|1) bail "chromium is installed (Debian: apt-get install chromium; scripts/bootstrap.sh test does it)" ;;
    *) echo "# SKIP chromium is not installed (apt-get install chromium, or scripts/bootstrap.sh test)"
       echo "browser: 0 passed, 0 failed (skipped)"; rm -rf "$work"; exit 0 ;;
  esac
fi
echo "# $("$chrome" --version 2>/dev/null | head -1)"

# render PAGE DOM: the DOM after the page's scripts ran.  As root Chromium
# needs --no-sandbox; every host name resolves to nothing, so the page could
# not load anything from the network even if it tried.
render() {
  timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --disable-extensions --disable-sync \
    --user-data-dir="$work/profile" --host-resolver-rules="MAP * ~NOTFOUND" \
    --virtual-time-budget=5000 --dump-dom "file://$1" >"$2" 2>"$2.stderr"
  local rc=$?
  if [ $rc -ne 0 ] || ! grep -q '</html>' "$2"; then
    echo "chromium exit $rc, no DOM"; grep -v 'dbus\|unexpected operator' "$2.stderr" | tail -5
    return 1
  fi
}

# ── DOM helpers (perl).  The dumped DOM also holds the page's script: counts
# look inside one <svg> element, or for markup that the script's source does
# not contain (<tr class="indicator", <div id="rendered").
# svg DOM ID: the <svg id="ID"> element of DOM
svg() { perl -0ne 'print $1 if /(<svg\b[^>]*\bid="\Q'"$2"'\E"[^>]*>.*?<\/svg>)/s' "$1"; }
# count REGEX: how many times REGEX occurs in stdin
count() { perl -0ne 'my $n = () = /'"$1"'/g; print $n'; }
# sum of data-value of the elements of class CLASS in stdin
sum_values() { perl -0ne 'my $s = 0; $s += $1 while /<\w+ class="'"$1"'"[^>]*\bdata-value="([-0-9.]+)"/g; print $s'; }
marker() { perl -0ne 'print $1 if /(<div id="rendered"[^>]*>)/' "$1"; }

has_svg()    { [ -n "$(svg "$1" "$2")" ] || { echo "no <svg id=\"$2\"> in the DOM"; return 1; }; }
rendered_ok() {
  local m; m=$(marker "$1")
  [[ "$m" == *'data-ok="1"'* && "$m" != *data-error* ]] || { echo "marker: ${m:-none}"; return 1; }
}
no_requests() { local m; m=$(marker "$1"); [[ "$m" == *'data-resources="0"'* ]] || { echo "marker: ${m:-none}"; return 1; }; }
# the file itself: nothing to fetch (src/href/url()/@import with a scheme or //)
self_contained() {
  ! grep -nEi '(src|href|action|poster|data)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*(https?:|//)|url\([[:space:]]*["'"'"']?[[:space:]]*(https?:|//)|@import' "$1"
}
n_in_svg()  { is "$(svg "$1" "$2" | count "$3")" "$4"; }
# every bar and point drawn carries a <title> (its tooltip)
titled() {
  local s; s=$(svg "$1" "$2")
  is "$(count '<(?:rect|circle) class="(?:bar|point)[^"]*"[^>]*><title>' <<<"$s")" "$(count '<(?:rect|circle) class="(?:bar|point)[^"]*"' <<<"$s")"
}
titled_all() { titled "$1" chart-on-time && titled "$1" chart-backlog && titled "$1" chart-trend; }
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || { echo "got $1, expected $2..$3"; return 1; }; }

# page_checks DOM PAGE UNITS MONTHS INDICATORS OVERDUE_MIN OVERDUE_MAX
page_checks() {
  local dom=$1 page=$2
  check "the page's script finished without error (#rendered data-ok=1, no data-error)" rendered_ok "$dom"
  check "the page loaded no resource (performance entries: 0)" no_requests "$dom"
  check "the page file references no network URL (src/href/url()/@import)" self_contained "$page"
  check "<svg id=\"chart-on-time\"> exists" has_svg "$dom" chart-on-time
  check "<svg id=\"chart-backlog\"> exists" has_svg "$dom" chart-backlog
  check "<svg id=\"chart-trend\"> exists" has_svg "$dom" chart-trend
  check "on-time chart: one bar per unit with resolved dossiers ($3, by SQL)" n_in_svg "$dom" chart-on-time '<rect class="bar[ "]' "$3"
  check "backlog chart: one bar per age bucket (5)" n_in_svg "$dom" chart-backlog '<rect class="bar[ "]' 5
  check "backlog chart: the bars add up to the overdue open dossiers ($6..$7, by SQL)" \
    between "$(svg "$dom" chart-backlog | sum_values 'bar backlog')" "$6" "$7"
  check "trend chart: one month group per month of the period ($4, by SQL)" n_in_svg "$dom" chart-trend '<g class="month"' "$4"
  check "trend chart: one received bar and one resolved bar per month" \
    is "$(svg "$dom" chart-trend | count '<rect class="bar (?:received|resolved)"')" "$(( $4 * 2 ))"
  check "trend chart: one on-time-rate point per month with resolved dossiers" \
    is "$(svg "$dom" chart-trend | count '<circle class="point on-time"')" "$(svg "$dom" chart-trend | count 'class="bar resolved"[^>]*data-value="[1-9]')"
  check "every bar and point has a <title> tooltip" titled_all "$dom"
  check "QĐ 766 table: one row per indicator ($5, by SQL)" is "$(count '<tr class="indicator"' <"$dom")" "$5"
}

# ── the data ─────────────────────────────────────────────────────────────
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" \
  -c "DROP DATABASE IF EXISTS $DB_EMPTY" -c "CREATE DATABASE $DB_EMPTY" >"$work/setup.log" 2>&1 \
  || bail "create the databases $DB and $DB_EMPTY" "$work/setup.log"
"${PSQL[@]}" -d "$DB" -f demo/province.sql -f demo/simulate.sql >>"$work/setup.log" 2>&1 \
  && "${PSQL[@]}" -d "$DB_EMPTY" -f demo/province.sql >>"$work/setup.log" 2>&1 \
  || bail "load demo/province.sql and demo/simulate.sql" "$work/setup.log"

# from the first day of the month three months back (local time) until now
t_from=$(sql "$DB" "SELECT (date_trunc('month', now() AT TIME ZONE '$TZ_LOCAL') - interval '3 months') AT TIME ZONE '$TZ_LOCAL'")
t_to=$(sql "$DB" "SELECT date_trunc('second', now())")
pids=()
for g in 1 2 3 4; do
  "${PSQL[@]}" -d "$DB" -c "CALL demo.simulate($g, $SCALE, '$t_from', '$t_to')" >"$work/simulate.$g.log" 2>&1 &
  pids+=($!)
done
sim_ok=1
for p in "${pids[@]}"; do wait "$p" || sim_ok=""; done
[ -n "$sim_ok" ] && sql "$DB" "SELECT count(*) FROM tthc.sweep()" >>"$work/setup.log" 2>&1 \
  || { cat "$work"/simulate.*.log >>"$work/setup.log"; bail "simulate $SCALE dossiers and sweep" "$work/setup.log"; }
echo "# $(sql "$DB" "SELECT count(*) FROM tthc.dossier") dossiers received $t_from … $t_to"

# what the page must show, by SQL: the report's period is the local days
# from the day of t_from to the day of t_to (inclusive)
period=$(sql "$DB" "SET TimeZone = '$TZ_LOCAL'; SELECT daterange('$t_from'::timestamptz::date, '$t_to'::timestamptz::date, '[]')")
root=$(sql "$DB" "SELECT code FROM tthc.unit WHERE parent IS NULL")
units=$(sql "$DB" "SELECT count(*) FROM tthc.report('$root', '$period', true) WHERE level = 'unit' AND resolved > 0" 2>"$work/sql.err") \
  || bail "tthc.report('$root', '$period', true) works (tthc 0.5.0 installed?)" "$work/sql.err"
months=$(sql "$DB" "SELECT (extract(year FROM upper(p) - 1) * 12 + extract(month FROM upper(p) - 1))
                         - (extract(year FROM lower(p)) * 12 + extract(month FROM lower(p))) + 1
                    FROM (SELECT '$period'::daterange AS p) x")
indicators=$(sql "$DB" "SELECT count(*) FROM tthc.indicators_766('$root', '$period')" 2>"$work/sql.err") \
  || bail "tthc.indicators_766('$root', '$period') works" "$work/sql.err"
# open dossiers only become overdue as time passes: count before and after
overdue_sql="SELECT count(*) FROM tthc.dossier_sla WHERE band = 'overdue'"
overdue_before=$(sql "$DB" "$overdue_sql")
echo "# by SQL: $units units with resolved dossiers, $months months in $period, $indicators QĐ 766 indicators, $overdue_before overdue open"

# ── the page ─────────────────────────────────────────────────────────────
page=$work/report.html
check "scripts/report_html.sh writes the page" scripts/report_html.sh "$DB" "$page" "$t_from" "$t_to" || finish
overdue_after=$(sql "$DB" "$overdue_sql")
check "headless Chromium renders the page" render "$page" "$work/report.dom" || finish
page_checks "$work/report.dom" "$page" "$units" "$months" "$indicators" "$overdue_before" "$overdue_after"
check "there is something to check: more than one unit, overdue dossiers, months" \
  bash -c "[ $units -gt 1 ] && [ $overdue_before -gt 0 ] && [ $months -ge 4 ]"

# ── the checks can fail ──────────────────────────────────────────────────
# 1. no dossiers at all: every chart says so, and draws nothing
empty=$work/empty.html
check "scripts/report_html.sh writes a page for a database without dossiers" scripts/report_html.sh "$DB_EMPTY" "$empty" "$t_from" "$t_to"
check "headless Chromium renders the empty page" render "$empty" "$work/empty.dom"
check "empty page: its script finished without error" rendered_ok "$work/empty.dom"
empty_state() {
  local id s
  for id in chart-on-time chart-backlog chart-trend; do
    s=$(svg "$1" "$id")
    [ -n "$s" ] || { echo "no #$id"; return 1; }
    [[ "$s" == *'data-empty="1"'* && "$s" == *'class="no-data"'* ]] || { echo "#$id has no no-data state"; return 1; }
    is "$(count 'class="(?:bar|point)[ "]' <<<"$s")" 0 || { echo "#$id draws bars or points"; return 1; }
  done
}
check "empty page: each chart shows an explicit no-data state and no bar or point" empty_state "$work/empty.dom"

# quietly DOM PAGE: how many of page_checks fail on it (with the real expectations)
quietly() {
  QUIET=1; quiet_failed=0; quiet_names=()
  page_checks "$1" "$2" "$units" "$months" "$indicators" "$overdue_before" "$overdue_after"
  QUIET=""
}
fails_on() {   # fails_on DOM PAGE MUST_FAIL_SUBSTRING...
  local dom=$1 page=$2; shift 2
  quietly "$dom" "$page"
  [ "$quiet_failed" -gt 0 ] || { echo "no check failed"; return 1; }
  local want name found
  for want in "$@"; do
    found=""
    for name in "${quiet_names[@]}"; do [[ "$name" == *"$want"* ]] && found=1; done
    [ -n "$found" ] || { echo "no failing check mentions '$want'; failing: ${quiet_names[*]}"; return 1; }
  done
}
# 2. the trend chart removed from the page
perl -0pe 's/<svg id="chart-trend".*?<\/svg>//s' "$page" >"$work/no-trend.html"
check "without #chart-trend: the page differs" bash -c "! cmp -s '$page' '$work/no-trend.html'"
render "$work/no-trend.html" "$work/no-trend.dom" >/dev/null
check "the checks fail on a page without #chart-trend (missing chart, script error)" \
  fails_on "$work/no-trend.dom" "$work/no-trend.html" 'chart-trend"> exists' 'without error'
# 3. an image from the network added to the page
perl -0pe 's/<\/main>/<img src="http:\/\/tthc.invalid\/pixel.png" alt=""><\/main>/' "$page" >"$work/remote.html"
render "$work/remote.html" "$work/remote.dom" >/dev/null
check "the checks fail on a page that loads an image from the network" \
  fails_on "$work/remote.dom" "$work/remote.html" 'no network URL' 'without error'

"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $DB_EMPTY" >/dev/null 2>&1
finish
