#!/usr/bin/env bash
# scripts/demo_national.sh: a country in a terminal (make demo NATIONAL=1,
# or NATIONAL=1 scripts/demo.sh).  Three throwaway clusters (scripts/country.sh):
# two province nodes and the national hub.
#   1. the provinces: H22 Quảng Ninh and H01 Hà Nội, each with its provincial
#      centre, a few commune centres and its own version of the same national
#      procedures (1.005129, the building permit, with different limits);
#   2. a history: SCALE dossiers per province (default 20000) received over
#      the twelve months up to now and moved through tthc's own checks
#      (processing, supplements, resolved, returned, withdrawn, rated);
#   3. each province publishes (tthc.create_publication()), the hub attaches
#      both (tthc.attach_province(conninfo)) and copies them;
#   4. both provinces write at once, LIVE_RATE dossiers a second each (default
#      100) for LIVE_SECONDS (default 30): pgbench, one transaction per
#      dossier received and moved to processing, two in five an earlier one
#      resolved; the worker sweeps each province every 2 s; the hub follows;
#   5. the national dashboard, from the hub only: tthc.province_status,
#      tthc.national_report for the twelve months, a dossier tracked with
#      tthc.track(code, last 4 of the ID), tthc.verify_log() over every
#      replicated chain, and the replication lag of the run's events
#      (mirrored_at - recorded_at).
# KEEP=1 leaves the three clusters running and says how to connect
# (scripts/country.sh stop stops them).  About a minute with the defaults on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-20000}
LIVE_RATE=${LIVE_RATE:-100}
LIVE_SECONDS=${LIVE_SECONDS:-30}
LIVE_CLIENTS=${LIVE_CLIENTS:-4}
for v in SCALE LIVE_RATE LIVE_SECONDS LIVE_CLIENTS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "demo: $v must be a positive number" >&2; exit 1; }
done
PROVINCES=(h22 h01)
declare -A ROOT=([h22]=H22 [h01]=H01)

t_demo=$(date +%s.%N)
declare -a PHASES=()
phase_start() { t_phase=$(date +%s.%N); }
phase_end() { PHASES+=("$1|$(awk -v a="$t_phase" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"); }
heading() { echo; echo "━━ $* ━━"; }

[ -n "${PGHOST:-}" ] && echo "demo: NATIONAL=1 runs on three clusters of its own (PGHOST=$PGHOST is not used)"
# shellcheck source=scripts/country.sh
. scripts/country.sh

phase_start
country_start "tthc.sweep_interval = '2s'" "max_wal_size = '2GB'" \
  || { echo "demo: could not start the three clusters" >&2; exit 1; }
echo "demo: three throwaway clusters (PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}')), wal_level = logical:"
for n in "${COUNTRY_NODES[@]}"; do
  printf '  %-4s %s\n' "$n" "${COUNTRY_HOST[$n]}"
done
phase_end "three clusters"

# ── the provinces ───────────────────────────────────────────────────────────
# province_sql NODE: the units, calendars and catalogue of the province at NODE
province_sql() {
  local r=${ROOT[$1]}
  cat <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION tthc;
CREATE SCHEMA demo;
-- share: of the province's dossiers; where: received at the provincial centre or the communes
CREATE TABLE demo.catalogue (code text PRIMARY KEY, share float8 NOT NULL, at_centre boolean NOT NULL DEFAULT false);
CREATE TABLE demo.commune (n int PRIMARY KEY, code text NOT NULL, weight float8 NOT NULL);
SQL
  case $1 in
    h22) cat <<'SQL'
INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh', 'province');
INSERT INTO tthc.unit (code, name, level, parent)
SELECT 'H22.' || lpad(n::text, 2, '0'), 'Trung tâm PVHCC ' || name, 'commune', 'H22'
FROM unnest(ARRAY['phường Hạ Long', 'phường Bãi Cháy', 'phường Cẩm Phả', 'phường Uông Bí',
                  'phường Móng Cái 1', 'phường Đông Triều', 'đặc khu Vân Đồn']) WITH ORDINALITY AS t(name, n);
INSERT INTO demo.commune SELECT n, 'H22.' || lpad(n::text, 2, '0'), w
FROM unnest(ARRAY[2.6, 2.4, 2.2, 2.3, 1.6, 1.9, 1.2]) WITH ORDINALITY AS t(w, n);
INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit, supplement_mode, boundary_free, online_service) VALUES
  ('1.005129', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Xây dựng', '15 ngày làm việc', '13 ngày làm việc', 'restart', true, 'partial'),
  ('1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'trong ngày', NULL, 'restart', true, 'full'),
  ('1.000894', 'Đăng ký kết hôn', 'Hộ tịch', '3 ngày làm việc', NULL, 'restart', true, 'full'),
  ('2.000815', 'Chứng thực bản sao từ bản chính giấy tờ, văn bản', 'Chứng thực', 'trong ngày', NULL, 'restart', true, 'full'),
  ('2.000720', 'Đăng ký thành lập hộ kinh doanh', 'Kinh doanh', '3 ngày làm việc', NULL, 'restart', true, 'full'),
  ('1.004227', 'Đăng ký biến động quyền sử dụng đất', 'Đất đai', '10 ngày làm việc', NULL, 'pause', true, 'partial'),
  ('2.001023', 'Cấp Phiếu lý lịch tư pháp', 'Tư pháp', '10 ngày làm việc', '9 ngày làm việc', 'restart', false, 'full');
SQL
    ;;
    h01) cat <<'SQL'
INSERT INTO tthc.unit (code, name, level) VALUES ('H01', 'Trung tâm Phục vụ hành chính công thành phố Hà Nội', 'province');
-- the ward centres of the old quarter receive on Saturday mornings
INSERT INTO tthc.calendar (name, parent) VALUES ('sang-thu-bay', 'vn');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('sang-thu-bay', 6, '{[08:00,12:00)}');
INSERT INTO tthc.unit (code, name, level, parent, calendar)
SELECT 'H01.' || lpad(n::text, 2, '0'), 'Trung tâm PVHCC ' || name, 'commune', 'H01',
       CASE WHEN n <= 2 THEN 'sang-thu-bay' ELSE 'vn' END
FROM unnest(ARRAY['phường Hoàn Kiếm', 'phường Ba Đình', 'phường Cầu Giấy', 'phường Đống Đa', 'phường Hà Đông',
                  'phường Long Biên', 'xã Sóc Sơn', 'xã Ba Vì']) WITH ORDINALITY AS t(name, n);
INSERT INTO demo.commune SELECT n, 'H01.' || lpad(n::text, 2, '0'), w
FROM unnest(ARRAY[2.0, 2.4, 3.1, 3.3, 3.0, 2.6, 1.5, 1.1]) WITH ORDINALITY AS t(w, n);
-- Hà Nội's own versions: shorter limits for the building permit, land and certification
INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit, supplement_mode, boundary_free, online_service) VALUES
  ('1.005129', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Xây dựng', '12 ngày làm việc', '10 ngày làm việc', 'restart', true, 'partial'),
  ('1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'trong ngày', NULL, 'restart', true, 'full'),
  ('1.000894', 'Đăng ký kết hôn', 'Hộ tịch', '2 ngày làm việc', NULL, 'restart', true, 'full'),
  ('2.000815', 'Chứng thực bản sao từ bản chính giấy tờ, văn bản', 'Chứng thực', '4 giờ làm việc', NULL, 'restart', true, 'full'),
  ('2.000720', 'Đăng ký thành lập hộ kinh doanh', 'Kinh doanh', '3 ngày làm việc', NULL, 'restart', true, 'full'),
  ('1.004227', 'Đăng ký biến động quyền sử dụng đất', 'Đất đai', '7 ngày làm việc', NULL, 'pause', true, 'partial'),
  ('2.001023', 'Cấp Phiếu lý lịch tư pháp', 'Tư pháp', '10 ngày làm việc', '8 ngày làm việc', 'restart', false, 'full');
SQL
    ;;
  esac
  cat <<SQL
INSERT INTO demo.catalogue VALUES ('2.000815', 0.34, false), ('1.001193', 0.18, false), ('1.004227', 0.15, false),
  ('1.005129', 0.08, false), ('1.000894', 0.07, false), ('2.000720', 0.08, false), ('2.001023', 0.10, true);
-- Vietnamese names, by frequency of family names
CREATE FUNCTION demo.person_name(r float8, s float8, t float8) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
  SELECT (ARRAY['Nguyễn','Nguyễn','Nguyễn','Nguyễn','Trần','Trần','Lê','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi','Đỗ','Ngô','Dương','Lý','Đinh','Phan','Vi'])[1 + floor(r * 20)::int]
  || ' ' || (ARRAY['Văn','Thị','Đức','Minh','Thu','Ngọc','Quang','Hồng','Thanh','Xuân','Hữu','Thị Thu'])[1 + floor(s * 12)::int]
  || ' ' || (ARRAY['An','Bình','Chi','Dũng','Giang','Hà','Hải','Hạnh','Hoa','Hùng','Huyền','Khánh','Lan','Linh','Long','Mai',
                   'Nam','Nga','Phương','Quân','Sơn','Thảo','Trang','Tuấn','Vy','Yến'])[1 + floor(t * 26)::int]
\$\$;
-- a citizen ID (CCCD): the province's code of birth, then 9 digits
CREATE FUNCTION demo.citizen_id(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
  SELECT '$( [ "$1" = h22 ] && echo 022 || echo 001 )' || lpad((n % 1000000000)::text, 9, '0')
\$\$;
SQL
}

# history_sql: SCALE dossiers received on the working days of the twelve
# months up to yesterday, office hours, and what happened to them since, all
# through tthc's checks (plain INSERT and UPDATE of tthc.dossier, backdated
# with changed_at), in one transaction (the worker's sweep stamps what it
# flags with the present: no backdated move could follow it)
history_sql() {
  cat <<'SQL'
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT setseed(:seed) \g /dev/null
CREATE TEMP TABLE days AS
SELECT row_number() OVER (ORDER BY d) AS i, d::date AS day
FROM generate_series((now() - interval '1 year')::date, (now() - interval '1 day')::date, interval '1 day') d
WHERE tthc.is_working_day(d::date, 'vn');
SELECT count(*) AS ndays FROM days \gset
CREATE TEMP TABLE cdf AS
SELECT code, at_centre, sum(share) OVER (ORDER BY code) / sum(share) OVER () AS c FROM demo.catalogue;
CREATE TEMP TABLE ccdf AS
SELECT code, sum(weight) OVER (ORDER BY n) / sum(weight) OVER () AS c FROM demo.commune;

-- receptions: online for two in three (a third of them the evening before)
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, submitted_at, received_at,
                          applicant_name, applicant_id, applicant_phone, payment, digitised, result_electronic)
SELECT p.code, CASE WHEN p.at_centre THEN (SELECT code FROM tthc.unit WHERE parent IS NULL) ELSE u.code END,
       x.ch, CASE WHEN x.ch = 2 THEN x.at - interval '14 hours' * random() END, x.at,
       demo.person_name(random(), random(), random()), demo.citizen_id((random() * 1e9)::bigint),
       '09' || lpad((floor(random() * 1e8))::int::text, 8, '0'),
       CASE WHEN random() < 0.3 THEN CASE WHEN x.ch = 2 THEN 'online' ELSE 'offline' END END,
       random() < 0.9, random() < 0.5
FROM (SELECT y.rp, y.ru, y.ch,
             (d.day + CASE WHEN y.am THEN time '07:30' + interval '4 hours' * y.rt
                           ELSE time '13:00' + interval '4 hours' * y.rt END)::timestamp(0)
               AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at
      FROM (SELECT 1 + floor(random() * :ndays)::int AS di, random() AS rp, random() AS ru, random() < 0.6 AS am,
                   random() AS rt, (ARRAY[2, 1, 3])[1 + width_bucket(random(), ARRAY[0.66, 0.97])]::smallint AS ch
            FROM generate_series(1, :scale) g OFFSET 0) y
      JOIN days d ON d.i = y.di) x
CROSS JOIN LATERAL (SELECT code, at_centre FROM cdf WHERE cdf.c >= x.rp ORDER BY cdf.c LIMIT 1) p
CROSS JOIN LATERAL (SELECT code FROM ccdf WHERE ccdf.c >= x.ru ORDER BY ccdf.c LIMIT 1) u
ORDER BY x.at;

-- the officer takes it up within the next working hours; one in a hundred is withdrawn first
UPDATE tthc.dossier SET status = 'withdrawn', note = 'Công dân yêu cầu rút hồ sơ',
       changed_at = least(tthc.add_working_time(received_at, interval '2 hours'), now())
WHERE status = 'received' AND random() < 0.01;
UPDATE tthc.dossier SET status = 'processing',
       changed_at = least(tthc.add_working_time(received_at, interval '90 min' * random()), now())
WHERE status = 'received';
-- one in fifteen lacks a document: asked for a supplement, brought back a few working days later
UPDATE tthc.dossier SET status = 'awaiting_supplement',
       note = (ARRAY['Thiếu bản sao CCCD', 'Thiếu bản vẽ hiện trạng', 'Sai thông tin thửa đất', 'Thiếu giấy ủy quyền'])[1 + floor(random() * 4)::int],
       changed_at = least(tthc.add_working_time(changed_at, greatest(tthc.working_time_between(changed_at, due_at) * 0.3, interval '1 minute')), now())
WHERE status = 'processing' AND random() < 0.066;
UPDATE tthc.dossier SET status = 'processing', note = 'Đã bổ sung đủ',
       changed_at = least(tthc.add_working_time(changed_at, interval '2 hours' + interval '30 hours' * random() ^ 2), now())
WHERE status = 'awaiting_supplement' AND changed_at < now() - interval '5 days';
-- resolved after 15 % to 105 % of the working time to the deadline (one in eighteen late), if that is
-- past; one in sixty is stuck (the worker's sweep flags it overdue once it is past its deadline)
UPDATE tthc.dossier d SET status = 'resolved', changed_at = s.at
FROM (SELECT id, tthc.add_working_time(changed_at, greatest(tthc.working_time_between(changed_at, due_at), interval '30 min')
                                                   * (0.15 + 0.9 * random())) AS at
      FROM tthc.dossier WHERE status = 'processing' AND random() >= 1 / 60.0) s
WHERE d.id = s.id AND s.at < now();
-- the result handed back within a working day for most
UPDATE tthc.dossier d SET status = 'returned', changed_at = s.at
FROM (SELECT id, tthc.add_working_time(finished_at, interval '8 hours' * random() ^ 2) AS at
      FROM tthc.dossier WHERE status = 'resolved' AND random() < 0.9) s
WHERE d.id = s.id AND s.at < now();
INSERT INTO tthc.rating (dossier_id, rating, rated_at)
SELECT id, CASE WHEN random() < 0.06 THEN 'unsatisfied' WHEN random() < 0.5 THEN 'very_satisfied' ELSE 'satisfied' END,
       least(finished_at + interval '1 day' * random(), now())
FROM tthc.dossier WHERE finished_at IS NOT NULL AND random() < 0.15;
SQL
}

# live.pgbench: one transaction per dossier: received now and taken up at
# once; in two of five, the dossier received 40 before it is resolved
live_pgbench() {   # live_pgbench NODE
  local r=${ROOT[$1]} ncomm
  ncomm=$(node_psql "$1" -At -c "SELECT count(*) FROM demo.commune")
  cat <<PGB
\\set u random(1, $ncomm)
\\set k random(1, 100)
\\set ch random(1, 100)
\\set r random(1, 100)
\\set a random(0, 19)
\\set b random(0, 11)
\\set c random(0, 25)
\\set cccd random(1, 999999999)
BEGIN;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, applicant_name, applicant_id, digitised)
SELECT x.code, CASE WHEN x.code = '2.001023' THEN '$r' ELSE '$r.' || lpad(:u::text, 2, '0') END,
       CASE WHEN :ch <= 70 THEN 2 WHEN :ch <= 95 THEN 1 ELSE 3 END, now(),
       demo.person_name(:a / 20.0, :b / 12.0, :c / 26.0), demo.citizen_id(:cccd), true
FROM (SELECT CASE WHEN :k <= 34 THEN '2.000815' WHEN :k <= 52 THEN '1.001193' WHEN :k <= 67 THEN '1.004227'
                  WHEN :k <= 75 THEN '1.005129' WHEN :k <= 82 THEN '1.000894' WHEN :k <= 90 THEN '2.000720'
                  ELSE '2.001023' END AS code) x
RETURNING id \\gset
UPDATE tthc.dossier SET status = 'processing' WHERE id = :id;
\\if :r <= 40
UPDATE tthc.dossier SET status = 'resolved' WHERE id = :id - 40 AND status = 'processing';
\\endif
COMMIT;
PGB
}

heading "1. Hai tỉnh / Two provinces: H22 Quảng Ninh and H01 Hà Nội, $SCALE dossiers of history each"
phase_start
pids=()
seed=1
for p in "${PROVINCES[@]}"; do
  (
    province_sql "$p" | node_psql "$p"
    history_sql | node_psql "$p" -1 -v scale="$SCALE" -v seed="0.$seed"
    node_psql "$p" -c "ANALYZE"
  ) &
  pids+=($!)
  seed=$((seed + 1))
done
fail=0
for pid in "${pids[@]}"; do wait "$pid" || fail=1; done
[ "$fail" = 0 ] || { echo "demo: loading a province failed" >&2; exit 1; }
for p in "${PROVINCES[@]}"; do
  node_psql "$p" -P footer=off -P linestyle=unicode -c "
    SET TimeZone = 'Asia/Ho_Chi_Minh';
    SELECT u.code AS \"${ROOT[$p]}: mã / unit\", u.name AS \"trung tâm / centre\", u.calendar,
           count(d.*) AS dossiers, count(*) FILTER (WHERE d.status IN ('processing', 'awaiting_supplement')) AS open
    FROM tthc.unit u LEFT JOIN tthc.dossier d ON d.receiving_unit = u.code
    GROUP BY u.code, u.name, u.calendar ORDER BY u.code"
done
echo "Procedure 1.005129, each province's own version:"
for p in "${PROVINCES[@]}"; do
  node_psql "$p" -At -F ' | ' -c "SELECT '  ${ROOT[$p]}', name, 'time limit ' || time_limit, 'online ' || online_time_limit
                                  FROM tthc.procedure WHERE code = '1.005129'"
done
phase_end "two provinces, history"

heading "2. Xuất bản và kết nối / Publishing, attaching the hub"
phase_start
for p in "${PROVINCES[@]}"; do
  node_psql "$p" -At -c "SELECT '${ROOT[$p]}: SELECT tthc.create_publication() -> ' || tthc.create_publication()" \
    -c "SELECT '     publications: tthc with ' || (SELECT count(*) FROM pg_publication_tables WHERE pubname = 'tthc') || ' tables (catalogue, dossiers, report sums), '
                           || 'tthc_log with ' || (SELECT count(*) FROM pg_publication_tables WHERE pubname = 'tthc_log') || ' (the log, apologies, ratings: insert only)'"
done
node_psql hub -c "SET client_min_messages = warning" -c "CREATE EXTENSION tthc"
for p in "${PROVINCES[@]}"; do
  echo "hub: SELECT tthc.attach_province('$(node_conninfo "$p")') -> $(node_psql hub -At \
    -c "SET client_min_messages = warning" -c "SELECT tthc.attach_province('$(node_conninfo "$p")')")"
done
wait_caught_up() {   # wait_caught_up WHAT TIMEOUT
  local t0=$SECONDS
  country_wait_caught_up "$2" "${PROVINCES[@]}" \
    || { echo "demo: the hub did not catch up ($1) within $2 s" >&2; exit 1; }
  echo "hub: $1 in $((SECONDS - t0)) s"
}
wait_caught_up "both provinces copied" 300
phase_end "publish, attach, initial copy"

heading "3. Cả hai tỉnh làm việc / Both provinces at work: $LIVE_RATE dossiers/s each for $LIVE_SECONDS s, the hub following"
phase_start
run_start=$(node_psql hub -At -c "SELECT clock_timestamp()")
pids=()
for p in "${PROVINCES[@]}"; do
  live_pgbench "$p" >"${COUNTRY_HOST[$p]}/live.pgbench"
  PGHOST=${COUNTRY_HOST[$p]} "$PGBIN/pgbench" -n -M prepared -c "$LIVE_CLIENTS" -j 2 -R "$LIVE_RATE" -T "$LIVE_SECONDS" \
    -f "${COUNTRY_HOST[$p]}/live.pgbench" postgres >"${COUNTRY_HOST[$p]}/live.out" 2>&1 &
  pids+=($!)
done
while kill -0 "${pids[@]}" 2>/dev/null; do
  sleep 5
  kill -0 "${pids[@]}" 2>/dev/null || break
  node_psql hub -At -c "SET TimeZone = 'Asia/Ho_Chi_Minh'" -c "
    SELECT 'hub: ' || to_char(clock_timestamp(), 'HH24:MI:SS') || ' ' || string_agg(
             format('%s %s dossiers, last event %s ms behind', s.province,
                    (SELECT count(*) FROM tthc.dossier d WHERE d.province = s.province),
                    coalesce(round(extract(epoch FROM s.lag) * 1000)::text, '?')), '; ' ORDER BY s.province)
    FROM tthc.province_status s" || true
done
fail=0
for pid in "${pids[@]}"; do wait "$pid" || fail=1; done
run_end=$(node_psql hub -At -c "SELECT clock_timestamp()")
for p in "${PROVINCES[@]}"; do
  out="${COUNTRY_HOST[$p]}/live.out"
  if [ "$fail" != 0 ] || grep -q -E 'aborted|^number of failed transactions: [1-9]' "$out"; then
    cat "$out" >&2; echo "demo: pgbench failed at ${ROOT[$p]}" >&2; exit 1
  fi
  echo "${ROOT[$p]}: $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out") dossiers received and taken up," \
       "$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | xargs printf '%.1f') a second," \
       "latency $(sed -n 's/^latency average = //p' "$out") on average"
done
wait_caught_up "caught up with both" 120
phase_end "live writing (pgbench -R $LIVE_RATE x 2)"

heading "4. Bảng điều khiển quốc gia / The national dashboard, from the hub"
phase_start
node_psql hub -v run_start="$run_start" -v run_end="$run_end" <<'SQL'
\pset footer off
\pset linestyle unicode
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
\echo
\echo '── tthc.province_status ──'
SELECT province, subscription, enabled, streaming, tables_syncing,
       to_char(last_received, 'HH24:MI:SS.MS') AS last_received,
       round(extract(epoch FROM silent_for) * 1000) AS "silent ms",
       to_char(last_event_at, 'DD/MM HH24:MI:SS') AS last_event_at,
       round(extract(epoch FROM lag) * 1000, 1) AS "lag ms", confirmed_lsn, apply_errors, sync_errors,
       to_char(attached_at, 'DD/MM HH24:MI') AS attached_at, tthc_version
FROM tthc.province_status ORDER BY province;

SELECT daterange((now() - interval '1 year')::date, now()::date, '[]') AS period \gset
\echo
\echo '── tthc.national_report(' :'period' '): each province from its own sums, and the country ──'
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE nat AS SELECT * FROM tthc.national_report(:'period');
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1) AS nat_ms \gset
SELECT CASE nat.level WHEN 'total' THEN 'Toàn quốc / country' ELSE unit || ' ' || u.name END AS "tỉnh / province",
       to_char(received, 'FM999G999') AS received, round(100.0 * received_online / nullif(received, 0), 1) AS "online %",
       to_char(resolved, 'FM999G999') AS resolved, resolved_late AS late,
       round(100 * on_time_rate, 2) AS "on time %", in_progress, in_progress_overdue AS overdue,
       supplement_requests AS "supplements", withdrawn,
       to_char(extract(epoch FROM avg_work) / 3600, 'FM990.0') AS "avg working h"
FROM nat LEFT JOIN tthc.unit u ON u.code = nat.unit
ORDER BY nat.level = 'total', nat.unit;
\echo '   (answered in' :nat_ms 'ms from tthc.report_day / report_month, not from the dossiers)'
\echo
\echo '── Thủ tục 1.005129 on the hub: one code, each province its own version ──'
SELECT p.province, p.name, p.time_limit::text AS "time limit", p.online_time_limit::text AS online,
       count(d.*) AS dossiers, count(d.*) FILTER (WHERE d.result = 'late') AS late,
       round(extract(epoch FROM avg(d.due_at - d.received_at)) / 86400, 1) AS "avg days received → due"
FROM tthc.procedure p LEFT JOIN tthc.dossier d ON d.procedure_id = p.id AND d.province = p.province
WHERE p.code = '1.005129' GROUP BY p.province, p.name, p.time_limit, p.online_time_limit ORDER BY p.province;

\echo
\echo '── Tra cứu / Where is my dossier? tthc.track(code, last 4 digits of the ID), asked of the hub ──'
\echo 'A building permit received at Quảng Ninh during the year:'
SELECT d.code, right(d.applicant_id, 4) AS suffix FROM tthc.dossier d
WHERE d.province = 'H22' AND d.procedure_code = '1.005129' AND d.finished_at IS NOT NULL
ORDER BY d.received_at LIMIT 1 OFFSET 100 \gset
\echo 'SELECT * FROM tthc.track(' :'code' ',' :'suffix' ')'
SELECT status, to_char(received_at, 'DD/MM/YYYY HH24:MI') AS received_at, to_char(due_at, 'DD/MM/YYYY HH24:MI') AS due_at,
       to_char(finished_at, 'DD/MM/YYYY HH24:MI') AS finished_at FROM tthc.track(:'code', :'suffix');
\echo 'A dossier handed in at Hà Nội a few seconds ago:'
SELECT d.code, right(d.applicant_id, 4) AS suffix FROM tthc.dossier d
WHERE d.province = 'H01' AND d.received_at >= :'run_start' ORDER BY d.received_at DESC LIMIT 1 \gset
\echo 'SELECT * FROM tthc.track(' :'code' ',' :'suffix' ')'
SELECT status, to_char(received_at, 'DD/MM/YYYY HH24:MI:SS') AS received_at, to_char(due_at, 'DD/MM/YYYY HH24:MI') AS due_at,
       to_char(finished_at, 'DD/MM/YYYY HH24:MI') AS finished_at FROM tthc.track(:'code', :'suffix');
\echo 'The same with a wrong suffix:'
SELECT count(*) AS "rows of tthc.track(code, '0000')" FROM tthc.track(:'code', '0000');

\echo
\echo '── Nhật ký / Every replicated chain verified on the hub ──'
SELECT count(*) AS "SELECT count(*) FROM tthc.verify_log()" FROM tthc.verify_log();
\echo '   (0: on the hub, every event of both provinces still links to the one before it)'

\echo
\echo '── Độ trễ / Replication lag of the run: mirrored_at - recorded_at, events written during the run ──'
SELECT coalesce(province, 'both') AS province, count(*) AS events,
       round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1) AS "p50 ms",
       round(extract(epoch FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1) AS "p90 ms",
       round(extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY mirrored_at - recorded_at)) * 1000, 1) AS "p99 ms",
       round(extract(epoch FROM max(mirrored_at - recorded_at)) * 1000, 1) AS "max ms"
FROM tthc.dossier_event
WHERE recorded_at >= :'run_start' AND recorded_at < :'run_end'
GROUP BY ROLLUP (province) ORDER BY province IS NULL, province;
SQL
# the hub against the provinces themselves
period=$(node_psql hub -At -c "SET TimeZone = 'Asia/Ho_Chi_Minh'" -c "SELECT daterange((now() - interval '1 year')::date, now()::date, '[]')")
for p in "${PROVINCES[@]}"; do
  mine=$(node_psql "$p" -At -c "SELECT count(*) || ' dossiers, ' || (SELECT count(*) FROM tthc.dossier_event) || ' events' FROM tthc.dossier")
  hub=$(node_psql hub -At -c "SELECT count(*) || ' dossiers, ' || (SELECT count(*) FROM tthc.dossier_event WHERE province = '${ROOT[$p]}') || ' events'
                              FROM tthc.dossier WHERE province = '${ROOT[$p]}'")
  echo "${ROOT[$p]}: $mine at the province, $hub on the hub$([ "$mine" = "$hub" ] && echo ': the same' || echo ': DIFFERENT')"
  cols="received, resolved, resolved_late, in_progress, in_progress_overdue, supplement_requests, withdrawn"
  mine=$(node_psql "$p" -At -c "SELECT concat_ws(' ', $cols) FROM tthc.report('${ROOT[$p]}', '$period') WHERE level = 'total'")
  hub=$(node_psql hub -At -c "SELECT concat_ws(' ', $cols) FROM tthc.national_report('$period') WHERE unit = '${ROOT[$p]}'")
  echo "${ROOT[$p]}: its own tthc.report total ($mine) is national_report's row$([ "$mine" = "$hub" ] && echo '' || echo ": DIFFERENT ($hub)")"
done
phase_end "dashboard"

heading "5. Thời gian / Timings"
for ph in "${PHASES[@]}"; do printf '  %-38s %8.1f s\n' "${ph%%|*}" "${ph##*|}"; done
printf '  %-38s %8.1f s\n' "total" "$(awk -v a="$t_demo" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"

if [ "${KEEP:-0}" = 1 ]; then
  trap - EXIT
  echo
  echo "The three clusters keep running (KEEP=1):"
  for n in "${COUNTRY_NODES[@]}"; do
    printf '  %-4s psql -h %s -p 5432 -U postgres -d postgres\n' "$n" "${COUNTRY_HOST[$n]}"
  done
  echo "e.g. on the hub: SELECT * FROM tthc.province_status;  stop them with: scripts/country.sh stop"
else
  country_stop
  echo "The three throwaway clusters have been stopped (KEEP=1 keeps them running)."
fi
