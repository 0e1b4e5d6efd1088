#!/usr/bin/env bash
# test/browser/report.sh: demo/report.html, rendered by headless Chromium.
# The browser tier of scripts/test.sh, on its cluster (PGHOST, PGPORT, PGUSER
# exported by scripts/cluster.sh); by hand, on a server that has tthc
# installed:  PGHOST=... PGUSER=... test/browser/report.sh
#
# Simulates a small province (demo/province.sql, demo/simulate.sql: SCALE
# dossiers, default 8000, enough for officers who resolve 20 a month, received
# from the first day of the month three months back until now), sweeps, makes
# the page with scripts/report_html.sh,
# renders it with Chromium (--dump-dom) and checks the DOM against counts
# taken by SQL: one bar per unit with resolved dossiers, one group of bars per
# month, the overdue backlog, the QĐ 766 rows and points; no script error, no
# request.  The leader's parts are checked against what the SQL functions
# return, queried here and not through demo/report.sql: every unit's score and
# grade (tthc.scorecard_unit), the procedures still stuck with their problems
# (tthc.stuck_procedures), the time reduction (tthc.time_reduction) and the
# officers' cards (tthc.scorecard_officer), and the money: fees collected,
# payments, the cashless and online shares, waivers and refunds against
# tthc.payment, the payments by method, the receipts per series against
# tthc.receipt_usage (first..last number, issued, cancelled, replaced, the
# amount standing, no gaps).  Then the centre selector: a script
# added to a copy of the page picks a centre (and then a month) the way a user
# does, by setting the <select> and dispatching its change event; the officer
# table, the stuck procedures, the reduction and the scorecard must then be the
# centre's, as SQL gives them; a link with #unit=… opens on that centre.
# Then that the checks can fail: a database without dossiers must give a page
# that says "no data" in every chart, and the same checks must fail on a page
# whose trend chart was removed, that loads an image from the network, whose
# centre selector is not wired, or whose fees collected were changed.
#
# Prints "ok N - ..." / "not ok N - ..." and a last line
# "browser: P passed, F failed"; exits non-zero on any failure.  Without
# Chromium: fails when CI is set (true or 1), skips otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

SCALE=${SCALE:-8000}
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
titled_all() {
  local id
  for id in chart-on-time chart-backlog chart-trend chart-scorecard chart-officers chart-reduction chart-payments; do titled "$1" "$id" || return 1; done
}
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || { echo "got $1, expected $2..$3"; return 1; }; }

# ── the leader's parts: rows of the DOM and of SQL as comparable lines ─────
# norm: fields separated by |, every number printed with 4 decimals (so that
# the page's 0.98 and SQL's 0.9800, 11.6 and 11.60 compare equal)
norm() { perl -ne 'chomp; print join("|", map { /^-?[0-9]+(?:\.[0-9]+)?$/ ? sprintf("%.4f", $_) : $_ } split(/\|/, $_, -1)), "\n"'; }
# rows DOM CLASS IDATTR KEY...: one line per <tr class="CLASS …">: its IDATTR,
# then the data-value of its cells data-key=KEY, in that order
rows() {
  local dom=$1 cls=$2 id=$3; shift 3
  perl -0ne 'BEGIN { ($cls, $id, @keys) = splice(@ARGV, 0) }
    while (/<tr class="\Q$cls\E(?: [^"]*)?"([^>]*)>(.*?)<\/tr>/sg) {
      my ($attrs, $body) = ($1, $2); my %v;
      my ($k) = $attrs =~ /\b\Q$id\E="([^"]*)"/;
      $v{$1} = $2 while $body =~ /data-key="([^"]+)" data-value="([^"]*)"/g;
      print join("|", $k, map { $v{$_} // "?" } @keys), "\n";
    }' "$cls" "$id" "$@" <"$dom"
}
# same LEFT RIGHT: the two line sets equal (as sorted, normalised lines)
same_lines() {
  local a b; a=$(norm <<<"$1" | sort); b=$(norm <<<"$2" | sort)
  [ "$a" = "$b" ] && return 0
  echo "page and SQL differ (< page, > SQL):"; diff <(echo "$a") <(echo "$b") | head -12; return 1
}
same_ordered() {
  local a b; a=$(norm <<<"$1"); b=$(norm <<<"$2")
  [ "$a" = "$b" ] && return 0
  echo "page and SQL differ (< page, > SQL):"; diff <(echo "$a") <(echo "$b") | head -12; return 1
}
nonempty() { [ -n "$1" ] || { echo "nothing to compare: $2"; return 1; }; }
# the scorecard chart: unit|points|max_points|grade of every bar
card_bars() {
  svg "$1" chart-scorecard | perl -0ne 'while (/<rect class="bar card[^"]*"([^>]*)>/g) { my $a = $1; my %v;
    $v{$1} = $2 while $a =~ /data-(unit|points|max|grade)="([^"]*)"/g; print "$v{unit}|$v{points}|$v{max}|$v{grade}\n" }'
}
# every bar's visible label names its grade in Vietnamese (labels of report.sql)
grade_labels() {
  perl -0ne 'my %vi = (excellent => "Xuất sắc", good => "Tốt", fair => "Khá", average => "Trung bình", weak => "Yếu"); my ($n, $bad) = (0, 0);
    while (/<rect class="bar card[^"]*"[^>]*data-unit="([^"]+)"[^>]*data-grade="([^"]+)"/g) { my ($u, $g) = ($1, $2); $n++;
      /<text class="val grade-label"[^>]*data-unit="\Q$u\E"[^>]*>([^<]*)</ && index($1, $vi{$g}) >= 0 or do { $bad++; print "unit $u: no label with $vi{$g}\n" } }
    print "no bar\n" unless $n; exit($bad || !$n ? 1 : 0)' "$1"
}
# the grade badge of the unit's total row (table-card)
card_grade() { perl -0ne 'print $1 if /<tr class="card-row total"[^>]*>.*?data-grade="([^"]*)"/s' "$1"; }
reduction_value() { perl -0ne 'print $1 if /<div class="card" data-key="\Q'"$2"'\E" data-value="([^"]*)"/' "$1"; }
marker_attr() { marker "$1" | perl -ne 'print $1 if /\b'"$2"'="([^"]*)"/'; }
is_num() { is "$(norm <<<"$1")" "$(norm <<<"$2")"; }
# a copy of PAGE whose added script picks unit UNIT and then, if given, month
# MONTH with the selectors, as a user does (value, then a change event)
with_selection() {
  local js='function pick(id, v) { var s = document.getElementById(id); s.value = v; s.dispatchEvent(new Event("change")); }'
  js+=" pick('unit-select', '$3');"
  [ -n "${4:-}" ] && js+=" pick('officer-month', '$4');"
  JS="<script>(function () { $js })();</script>" perl -0pe 's{</body>}{$ENV{JS}</body>}' "$1" >"$2"
}

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

# ── the leader's parts, against the SQL functions ────────────────────────
# (queried here, not through demo/report.sql)
dom=$work/report.dom
options() { perl -0ne 'if (/<select id="\Q'"$2"'\E"[^>]*>(.*?)<\/select>/s) { my $s = $1; print "$1\n" while $s =~ /<option value="([^"]*)"/g }' "$1"; }
# the month the officers' cards open on: the last whole month
month=$(sql "$DB" "SELECT to_char(date_trunc('month', now() AT TIME ZONE '$TZ_LOCAL') - interval '1 month', 'YYYY-MM')")
month_first=$(sql "$DB" "SELECT to_char(greatest(date_trunc('month', lower('$period'::daterange)),
                                                 date_trunc('month', now() AT TIME ZONE '$TZ_LOCAL') - interval '3 months'), 'YYYY-MM')")
officer_keys=(received resolved resolved_late on_time_rate late_steps supplement_requests repeated_supplement apologies ratings unsatisfied)
officer_sql() {   # officer_sql UNIT MONTH [WHERE]: the cards as lines
  sql "$DB" "SELECT officer, received, resolved, resolved_late, on_time_rate, late_steps, supplement_requests, repeated_supplement,
                    apologies, ratings, unsatisfied
             FROM tthc.scorecard_officer('$1', '$2-01') c ${3:-}" | tr -d ' '
}
# the province's list: the 15 lowest on-time rates among those who resolved
# at least 20, and the 5 with the most dossiers asked to supplement again
root_officers_where="WHERE officer IN (
  (SELECT officer FROM tthc.scorecard_officer('$root', '$month-01') WHERE resolved >= 20
   ORDER BY coalesce(on_time_rate, 2), resolved DESC, officer COLLATE \"C\" LIMIT 15)
  UNION (SELECT officer FROM tthc.scorecard_officer('$root', '$month-01') WHERE repeated_supplement > 0
         ORDER BY repeated_supplement DESC, officer COLLATE \"C\" LIMIT 5))"
stuck_keys=(resolved late on_time_rate open_overdue oldest_overdue_days supplements_per_dossier online_share late_steps)
stuck_sql() {     # the first 15 rows of tthc.stuck_procedures, in its order, problems last
  sql "$DB" "SELECT procedure_code, resolved, late, on_time_rate, open_overdue, oldest_overdue_days, supplements_per_dossier,
                    online_share, late_steps, array_to_string(problems, ',')
             FROM tthc.stuck_procedures('$1', '$period') LIMIT 15"
}
stuck_dom() {     # the same from the page: the cells, then data-problems
  paste -d'|' <(rows "$1" stuck data-code "${stuck_keys[@]}") \
              <(perl -0ne 'print "$1\n" while /<tr class="stuck"[^>]*data-problems="([^"]*)"/g' "$1")
}
card_sql() {      # unit|points|max_points|grade of every unit below the root that has a score
  sql "$DB" "SELECT u.code, c.points, c.max_points, c.grade FROM tthc.unit u, tthc.scorecard_unit(u.code, '$period') c
             WHERE u.parent IS NOT NULL AND u.level <> 'agency' AND c.name = 'total' AND c.points IS NOT NULL"
}
# the money of a unit: the payments made in the period (local days) on the
# dossiers it and the units below it received, what stands of each after
# refunds: collected|payments|cashless|online|cashless share|online share|
# waivers|refunded, as the cards of #money-cards hold them
money_sql() {
  sql "$DB" "WITH RECURSIVE sc AS (SELECT code FROM tthc.unit WHERE code = '$1'
                                   UNION ALL SELECT c.code FROM tthc.unit c JOIN sc ON c.parent = sc.code),
             p AS (SELECT p.method, p.online, p.amount,
                          p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0) AS standing
                   FROM tthc.payment p JOIN tthc.dossier d ON d.id = p.dossier_id
                   WHERE d.receiving_unit IN (SELECT code FROM sc)
                     AND (p.paid_at AT TIME ZONE '$TZ_LOCAL')::date <@ '$period'::daterange),
             s AS (SELECT *, amount > 0 AND standing > 0 AS stands FROM p)
             SELECT concat(coalesce(sum(standing) FILTER (WHERE stands), 0), '|', count(*) FILTER (WHERE stands), '|',
                           count(*) FILTER (WHERE stands AND method <> 'cash'), '|', count(*) FILTER (WHERE stands AND online), '|',
                           round(count(*) FILTER (WHERE stands AND method <> 'cash')::numeric / nullif(count(*) FILTER (WHERE stands), 0), 4), '|',
                           round(count(*) FILTER (WHERE stands AND online)::numeric / nullif(count(*) FILTER (WHERE stands), 0), 4), '|',
                           count(*) FILTER (WHERE method = 'waived'), '|', coalesce(-sum(amount) FILTER (WHERE amount < 0), 0))
             FROM s"
}
card_attr() { perl -0ne 'print $1 if /<div class="card" data-key="\Q'"$2"'\E"[^>]*\b'"$3"'="([^"]*)"/' "$1"; }
money_dom() {
  local d=$1
  echo "$(reduction_value "$d" money-collected)|$(reduction_value "$d" money-payments)|$(card_attr "$d" money-cashless-share data-num)|$(card_attr "$d" money-online-share data-num)|$(reduction_value "$d" money-cashless-share)|$(reduction_value "$d" money-online-share)|$(reduction_value "$d" money-waivers)|$(reduction_value "$d" money-refunded)"
}
receipts_sql() {  # unit|template|symbol|first_no|last_no|issued|cancelled|replaced|total_amount|gaps of each series
  sql "$DB" "SELECT concat_ws('|', series_unit, template, symbol, first_no, last_no, issued, cancelled, replaced, total_amount, gaps)
             FROM tthc.receipt_usage('$1', '$period')"
}
receipts_dom() { rows "$1" series data-series first_no last_no issued cancelled replaced total_amount gaps; }
# the payments chart: method|payments|amount of every bar
method_bars() {
  svg "$1" chart-payments | perl -0ne 'while (/<rect class="bar method[^"]*"([^>]*)>/g) { my $a = $1; my %v;
    $v{$1} = $2 while $a =~ /data-(method|value|amount)="([^"]*)"/g; print "$v{method}|$v{value}|$v{amount}\n" }'
}
method_sql() {
  sql "$DB" "SELECT concat_ws('|', p.method, count(*), sum(p.standing))
             FROM (SELECT p.method, p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0) AS standing
                   FROM tthc.payment p JOIN tthc.dossier d ON d.id = p.dossier_id
                   WHERE p.amount > 0 AND (p.paid_at AT TIME ZONE '$TZ_LOCAL')::date <@ '$period'::daterange
                     AND d.receiving_unit IN (WITH RECURSIVE sc AS (SELECT code FROM tthc.unit WHERE code = '$1'
                                                                    UNION ALL SELECT c.code FROM tthc.unit c JOIN sc ON c.parent = sc.code)
                                              SELECT code FROM sc)) p
             WHERE p.standing > 0 GROUP BY p.method"
}
no_gaps_on_page() {
  local g; g=$(rows "$1" series data-series gaps | awk -F'|' '$4 != 0')
  [ -z "$g" ] || { echo "series with gaps on the page: $g"; return 1; }
  is "$(marker_attr_of "$1" receipts-note data-gaps)" 0
}
marker_attr_of() { perl -0ne 'print $1 if /<p class="note" id="\Q'"$2"'\E"[^>]*\b'"$3"'="([^"]*)"/' "$1"; }

# leader_checks DOM UNIT LABEL: what the page shows for the selected unit
leader_checks() {
  local dom=$1 u=$2 what=$3
  check "$what: #rendered says unit $u" is "$(marker_attr "$dom" data-unit)" "$u"
  check "$what: the header names the unit" grep -q "<p id=\"unit\">[^<]*($u)" "$dom"
  check "$what: scorecard total grade = tthc.scorecard_unit('$u', …) grade" \
    is "$(card_grade "$dom")" "$(sql "$DB" "SELECT grade FROM tthc.scorecard_unit('$u', '$period') WHERE name = 'total'")"
  check "$what: scorecard points of the nine indicators = tthc.scorecard_unit" \
    same_ordered "$(rows "$dom" card-row data-indicator points)" \
                 "$(sql "$DB" "SELECT coalesce(indicator::text, 'total'), points FROM tthc.scorecard_unit('$u', '$period')")"
  check "$what: catalogue and actual cut = tthc.time_reduction('$u', …)" \
    is_num "$(reduction_value "$dom" catalogue_cut)|$(reduction_value "$dom" actual_cut)" \
           "$(sql "$DB" "SELECT concat(catalogue_cut, '|', actual_cut) FROM tthc.time_reduction('$u', '$period')")"
  check "$what: stuck procedures (first 15, in order, with their problems) = tthc.stuck_procedures('$u', …)" \
    same_ordered "$(stuck_dom "$dom")" "$(stuck_sql "$u")"
  check "$what: QĐ 766 points = tthc.indicators_766('$u', …) points" \
    same_ordered "$(rows "$dom" indicator data-indicator points)" \
                 "$(sql "$DB" "SELECT indicator, points FROM tthc.indicators_766('$u', '$period')")"
  check "$what: fees collected, payments, cashless and online payments and shares, waivers, refunded = tthc.payment (by SQL)" \
    is_num "$(money_dom "$dom")" "$(money_sql "$u")"
  check "$what: payments by method (count, đồng) in the chart = tthc.payment (by SQL)" \
    same_lines "$(method_bars "$dom")" "$(method_sql "$u")"
  check "$what: receipts per series (first..last number, issued, cancelled, replaced, đồng, gaps) = tthc.receipt_usage('$u', …)" \
    same_ordered "$(receipts_dom "$dom")" "$(receipts_sql "$u")"
  check "$what: no receipt number is missing on the page (gaps 0 in every series and in all)" no_gaps_on_page "$dom"
}

check "the unit selector offers the province and every department and centre (by SQL)" \
  same_lines "$(options "$dom" unit-select)" "$(sql "$DB" "SELECT code FROM tthc.unit WHERE level <> 'agency'")"
check "the month selector offers the last whole months of the period and the current one (from $month_first)" \
  same_ordered "$(options "$dom" officer-month)" \
               "$(sql "$DB" "SELECT to_char(m, 'YYYY-MM') FROM generate_series('$month_first-01'::date, now() AT TIME ZONE '$TZ_LOCAL', interval '1 month') m")"
for id in chart-scorecard chart-officers chart-reduction; do
  check "<svg id=\"$id\"> exists" has_svg "$dom" "$id"
done
for id in table-card table-stuck table-officers; do
  check "<table id=\"$id\"> exists" grep -q "<table id=\"$id\"" "$dom"
done
check "scorecard chart: one bar per scored unit, with points, maximum and grade = tthc.scorecard_unit (by SQL)" \
  same_lines "$(card_bars "$dom")" "$(card_sql)"
svg "$dom" chart-scorecard >"$work/card.svg"
check "scorecard chart: every bar's label shows its grade" grade_labels "$work/card.svg"
check "rates are drawn on the logit scale, and the page says so" \
  bash -c "grep -q 'thang logit' '$dom' && grep -q '99,9 %</text>' '$dom'"
leader_checks "$dom" "$root" "province"
check "province: there are procedures with named problems and officers listed (something to compare)" \
  bash -c "grep -q '<tr class=\"stuck\"' '$dom' && grep -q '<tr class=\"officer\"' '$dom'"
money_ok=$(sql "$DB" "SELECT count(DISTINCT online) = 2 AND count(DISTINCT method) >= 4 AND count(*) > 50 FROM tthc.payment WHERE amount > 0")
series_ok=$(sql "$DB" "SELECT count(*) > 10 AND sum(cancelled) > 0 AND sum(replaced) > 0 FROM tthc.receipt_usage('$root', '$period')")
check "province: there is money to compare: payments online and at the desk, receipts in several series, cancelled and replaced ones (by SQL)" \
  is "$money_ok|$series_ok" "t|t"
check "province: receipt numbers have no gaps in SQL either (tthc.receipt_usage gaps 0 in every series)" \
  is "$(sql "$DB" "SELECT count(*) FROM tthc.receipt_usage('$root', '$period') WHERE gaps <> 0")" 0
check "province: officers of $month = tthc.scorecard_officer('$root', '$month-01') (lowest on-time rates, most asked again)" \
  same_lines "$(rows "$dom" officer data-login "${officer_keys[@]}")" "$(officer_sql "$root" "$month" "$root_officers_where")"

# a centre, picked with the selector: the commune centre whose officers
# resolved most in the month, and its officers' cards
centre=$(sql "$DB" "SELECT c.officer_unit FROM tthc.scorecard_officer('$root', '$month-01') c
                    JOIN tthc.unit u ON u.code = c.officer_unit AND u.level = 'commune'
                    GROUP BY 1 ORDER BY sum(c.resolved) DESC, 1 LIMIT 1")
with_selection "$page" "$work/centre.html" "$centre"
check "headless Chromium renders the page with $centre picked in the selector" render "$work/centre.html" "$work/centre.dom"
check "centre $centre: the page's script finished without error after the change" rendered_ok "$work/centre.dom"
leader_checks "$work/centre.dom" "$centre" "centre $centre"
centre_officers=$(officer_sql "$centre" "$month")
check "centre $centre: there are officers who resolved dossiers in $month (something to compare)" \
  nonempty "$(awk -F'|' '$3 > 0' <<<"$centre_officers")" "no officer of $centre resolved anything"
check "centre $centre: the officer table is all its officers = tthc.scorecard_officer('$centre', '$month-01')" \
  same_lines "$(rows "$work/centre.dom" officer data-login "${officer_keys[@]}")" "$centre_officers"
check "centre $centre: the selector changed the officer table (not the province's)" \
  bash -c "! cmp -s <(grep -o 'data-login=\"[^\"]*\"' '$dom' | sort) <(grep -o 'data-login=\"[^\"]*\"' '$work/centre.dom' | sort)"
check "centre $centre: its bar is outlined in the scorecard chart" \
  grep -q "<rect class=\"bar card [^\"]*selected\"[^>]*data-unit=\"$centre\"" "$work/centre.dom"
# then an earlier month
with_selection "$page" "$work/month.html" "$centre" "$month_first"
check "headless Chromium renders the page with $centre and month $month_first picked" render "$work/month.html" "$work/month.dom"
check "centre $centre, month $month_first: #rendered says month $month_first" is "$(marker_attr "$work/month.dom" data-month)" "$month_first"
check "centre $centre, month $month_first: officers = tthc.scorecard_officer('$centre', '$month_first-01')" \
  same_lines "$(rows "$work/month.dom" officer data-login "${officer_keys[@]}")" "$(officer_sql "$centre" "$month_first")"
# a link to the centre's page
check "headless Chromium renders the page opened at #unit=$centre" render "$page#unit=$centre" "$work/hash.dom"
check "a link with #unit=$centre opens on that centre" is "$(marker_attr "$work/hash.dom" data-unit)" "$centre"

# ── the checks can fail ──────────────────────────────────────────────────
# 1. no dossiers at all: every chart says so, and draws nothing
empty=$work/empty.html
check "scripts/report_html.sh writes a page for a database without dossiers" scripts/report_html.sh "$DB_EMPTY" "$empty" "$t_from" "$t_to"
check "headless Chromium renders the empty page" render "$empty" "$work/empty.dom"
check "empty page: its script finished without error" rendered_ok "$work/empty.dom"
empty_state() {
  local id s
  for id in chart-on-time chart-backlog chart-trend chart-scorecard chart-officers chart-payments; do
    s=$(svg "$1" "$id")
    [ -n "$s" ] || { echo "no #$id"; return 1; }
    [[ "$s" == *'data-empty="1"'* && "$s" == *'class="no-data"'* ]] || { echo "#$id has no no-data state"; return 1; }
    is "$(count 'class="(?:bar|point)[ "]' <<<"$s")" 0 || { echo "#$id draws bars or points"; return 1; }
  done
}
check "empty page: each chart shows an explicit no-data state and no bar or point" empty_state "$work/empty.dom"
check "empty page: the officer and stuck tables say there is nothing, and list no row" \
  bash -c "! grep -q '<tr class=\"\(officer\|stuck\)\"' '$work/empty.dom' && [ \$(grep -o 'class=\"na no-data\"' '$work/empty.dom' | wc -l) -ge 2 ]"

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

# 4. the centre selector not wired: picking a centre changes nothing
perl -ne 'print unless /tthc:unit-select-binding/' "$page" >"$work/unwired.html"
check "without the selector's change handler: the page differs" bash -c "! cmp -s '$page' '$work/unwired.html'"
with_selection "$work/unwired.html" "$work/unwired-pick.html" "$centre"
render "$work/unwired-pick.html" "$work/unwired.dom" >/dev/null
unwired_fails() {
  QUIET=1; quiet_failed=0; quiet_names=()
  leader_checks "$work/unwired.dom" "$centre" "centre $centre"
  check "centre $centre: the officer table is all its officers" \
    same_lines "$(rows "$work/unwired.dom" officer data-login "${officer_keys[@]}")" "$centre_officers"
  QUIET=""
  [ "$quiet_failed" -gt 0 ] || { echo "no check failed"; return 1; }
  local name
  for want in 'says unit' 'officer table is all its officers'; do
    found=""
    for name in "${quiet_names[@]}"; do [[ "$name" == *"$want"* ]] && found=1; done
    [ -n "$found" ] || { echo "no failing check mentions '$want'; failing: ${quiet_names[*]}"; return 1; }
  done
}
check "the centre checks fail on a page whose selector is not wired (unit, officer table)" unwired_fails

# 5. the fees collected changed in the page's data: the money check fails
perl -0pe 's/"collected":([0-9]+)/"collected":@{[$1 + 1000]}/g' "$page" >"$work/money.html"
check "with the fees collected changed: the page differs" bash -c "! cmp -s '$page' '$work/money.html'"
render "$work/money.html" "$work/money.dom" >/dev/null
money_fails() {
  QUIET=1; quiet_failed=0; quiet_names=()
  leader_checks "$work/money.dom" "$root" "province"
  QUIET=""
  [ "$quiet_failed" -gt 0 ] || { echo "no check failed"; return 1; }
  local name found=""
  for name in "${quiet_names[@]}"; do [[ "$name" == *"fees collected"* ]] && found=1; done
  [ -n "$found" ] || { echo "no failing check mentions 'fees collected'; failing: ${quiet_names[*]}"; return 1; }
}
check "the money check fails on a page whose fees collected were changed" money_fails

"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $DB_EMPTY" >/dev/null 2>&1
finish
