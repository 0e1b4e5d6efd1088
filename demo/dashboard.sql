-- demo/dashboard.sql: what a provincial leader reads, after demo/simulate.sql.
-- psql variables: t_from, t_to (the simulated period), sim_start (when the
-- simulation started: overdue events stamped after it come from the sweep).
-- Section 9 shows the people: the departments' scorecards, the time
-- reduction and last month's officer cards (the rest is on demo/report.html).
\set ON_ERROR_STOP 1
\pset footer off
\pset pager off
\pset linestyle unicode
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';

CREATE TEMP VIEW period AS
SELECT d.* FROM tthc.dossier d
WHERE coalesce(d.received_at, d.submitted_at) >= :'t_from' AND coalesce(d.received_at, d.submitted_at) < :'t_to';

\echo
\echo '━━ Giám sát tự động / SLA sweep: "tthc sla worker" and tthc.sweep() ━━'
SELECT to_char(swept_to, 'DD/MM/YYYY HH24:MI:SS') AS swept_to, runs, overdue AS "flagged in last run",
       due_soon AS "warned in last run", round(extract(epoch FROM finished_at - started_at) * 1000, 1) AS "last run ms"
FROM tthc.sweep_state;
SELECT count(*) FILTER (WHERE kind = 'overdue')  AS "overdue flagged by the sweep",
       count(*) FILTER (WHERE kind = 'due_soon') AS "due-soon warnings by the sweep"
FROM tthc.dossier_event WHERE at >= :'sim_start';

-- the report period in local days, and the province's root unit
SELECT daterange((:'t_from'::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                 (:'t_to'::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, '[]') AS period,
       (SELECT code FROM tthc.unit WHERE parent IS NULL ORDER BY code LIMIT 1) AS root \gset

\echo
\echo '━━ 1. Toàn tỉnh / Province totals: tthc.report(' :'root' ',' :'period' ') ━━'
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE rep AS SELECT * FROM tthc.report(:'root', :'period');
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000) AS report_ms \gset
SELECT x.indicator AS "chỉ tiêu / indicator", to_char(x.n, 'FM999G999G999') AS "số hồ sơ", x.pct AS "%"
FROM rep s, LATERAL (VALUES
  ('Tồn kỳ trước / carried over',                      s.carried_over, NULL::numeric),
  ('Tiếp nhận mới / received',                         s.received, NULL),
  ('  trực tiếp / in person',                          s.received_in_person, round(100.0 * s.received_in_person / nullif(s.received, 0), 1)),
  ('  trực tuyến / online',                            s.received_online,    round(100.0 * s.received_online / nullif(s.received, 0), 1)),
  ('  bưu chính công ích / postal',                    s.received_postal,    round(100.0 * s.received_postal / nullif(s.received, 0), 1)),
  ('Đã giải quyết / resolved',                         s.resolved, NULL),
  ('  trước hạn / early',                              s.resolved_early,   round(100.0 * s.resolved_early / nullif(s.resolved, 0), 1)),
  ('  đúng hạn / on time',                             s.resolved_on_time, round(100.0 * s.resolved_on_time / nullif(s.resolved, 0), 1)),
  ('  trễ hạn / late',                                 s.resolved_late,    round(100.0 * s.resolved_late / nullif(s.resolved, 0), 1)),
  ('Tỷ lệ đúng và trước hạn / on-time-and-early rate', NULL, round(100 * s.on_time_rate, 2)),
  ('Đang giải quyết / in progress at the end',         s.in_progress, NULL),
  ('  trong hạn / in time',                            s.in_progress_in_time, NULL),
  ('  quá hạn / overdue',                              s.in_progress_overdue, NULL),
  ('  chờ bổ sung / awaiting a supplement',            s.awaiting_supplement, NULL),
  ('Yêu cầu bổ sung / requests to supplement (form 02)', s.supplement_requests, NULL),
  ('Rút hồ sơ / withdrawn',                            s.withdrawn, NULL),
  ('Không tiếp nhận / refused',                        s.refused, NULL),
  ('Dừng xử lý / stopped',                             s.stopped, NULL)
) AS x(indicator, n, pct)
WHERE s.level = 'total';
SELECT 'Thời gian giải quyết trung bình / average working time to resolve: '
       || to_char(extract(epoch FROM avg_work) / 3600, 'FM990.0') || ' working hours ('
       || to_char(extract(epoch FROM avg_work) / 3600 / 8, 'FM990.0') || ' working days of 8 h)' AS " "
FROM rep WHERE level = 'total';
\echo '   (tthc.report answered in' :report_ms 'ms, from the per-month and per-day sums the trigger keeps)'
SELECT count(*) FILTER (WHERE status = 'submitted') AS "chờ tiếp nhận / submitted online, not yet accepted",
       count(*) FILTER (WHERE apologies > 0) AS "có văn bản xin lỗi / with an apology (form 04)",
       count(*) FILTER (WHERE receiving_unit <> handling_unit) AS "phi địa giới / received at another centre"
FROM period;

\echo '━━ 2. Chỉ số QĐ 766 / The QĐ 766 ratios: tthc.indicators_766 ━━'
SELECT grp AS "nhóm / group", indicator, to_char(numerator, 'FM999G999G999') AS numerator,
       to_char(denominator, 'FM999G999G999') AS denominator, round(100 * ratio, 2) AS "%",
       CASE WHEN numerator IS NULL THEN basis END AS "note"
FROM tthc.indicators_766(:'root', :'period');

\echo '━━ 3. Mười trung tâm có tỷ lệ đúng hạn thấp nhất / The ten centres with the worst on-time rate ━━'
SELECT (SELECT resolved FROM rep WHERE level = 'total') / 500 + 20 AS min_resolved \gset
\echo '   (centres with at least' :min_resolved 'resolved dossiers; tthc.report rows per unit)'
SELECT r.unit AS "mã / unit", u.name AS "trung tâm / centre", r.resolved, r.resolved_late AS late,
       round(100 * r.on_time_rate, 2) AS "on time %", r.in_progress_overdue AS "overdue now"
FROM rep r JOIN tthc.unit u ON u.code = r.unit
WHERE r.level = 'unit' AND r.resolved >= :min_resolved
ORDER BY r.on_time_rate, r.resolved DESC LIMIT 10;

\echo '━━ 4. Mười thủ tục có tỷ lệ đúng hạn thấp nhất / The ten procedures with the worst on-time rate ━━'
\echo '   (procedures with at least' :min_resolved 'resolved dossiers)'
SELECT p.procedure_code AS "mã TTHC", left(c.name, 58) AS "thủ tục / procedure", c.field AS "lĩnh vực",
       c.time_limit::text AS "time limit", count(*) AS resolved,
       round(100.0 * count(*) FILTER (WHERE p.result <> 'late') / count(*), 2) AS "on time %"
FROM period p JOIN demo.catalogue c ON c.code = p.procedure_code
WHERE p.result IS NOT NULL
GROUP BY 1, 2, 3, 4 HAVING count(*) >= :min_resolved
ORDER BY 6, 5 DESC LIMIT 10;

\echo '━━ 5. Liên thông: bước trễ theo đơn vị / Inter-agency steps late, by the unit responsible ━━'
SELECT e.unit AS "mã", u.name AS "đơn vị / unit", count(*) AS "steps ended",
       count(*) FILTER (WHERE e.step_result = 'late') AS "late steps",
       round(100.0 * count(*) FILTER (WHERE e.step_result <> 'late') / count(*), 1) AS "on time %"
FROM tthc.dossier_event e JOIN tthc.unit u ON u.code = e.unit
WHERE e.step_result IS NOT NULL
GROUP BY 1, 2 ORDER BY 1;

\echo '━━ 6. Hồ sơ quá hạn đang giải quyết theo số ngày quá hạn / Overdue open dossiers by working days past due ━━'
WITH o AS (
  SELECT s.*, tthc.working_days_between((s.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                                        (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.calendar) AS days_late
  FROM tthc.dossier_sla s WHERE s.band = 'overdue')
SELECT CASE WHEN days_late <= 2 THEN '1–2 ngày' WHEN days_late <= 5 THEN '3–5 ngày'
            WHEN days_late <= 10 THEN '6–10 ngày' ELSE '> 10 ngày' END AS "quá hạn / past due",
       count(*) AS dossiers,
       count(*) FILTER (WHERE overdue_since IS NOT NULL) AS "flagged (overdue_since)",
       to_char(avg(-extract(epoch FROM remaining_work) / 3600), 'FM990.0') AS "avg working hours past due",
       count(DISTINCT handling_unit) AS "units"
FROM o
GROUP BY 1 ORDER BY min(days_late);
\echo 'The five units with the most overdue open dossiers:'
SELECT s.handling_unit AS "mã", u.name AS "đơn vị / unit", count(*) AS overdue,
       max(tthc.working_days_between((s.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                                     (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.calendar)) AS "oldest, working days past due"
FROM tthc.dossier_sla s JOIN tthc.unit u ON u.code = s.handling_unit
WHERE s.band = 'overdue' GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 5;
SELECT band, count(*) AS "open dossiers (tthc.dossier_sla)" FROM tthc.dossier_sla
WHERE band IN ('in_time', 'due_soon', 'overdue', 'paused') GROUP BY band ORDER BY 1;

\echo '━━ 7. Theo tháng / Monthly trend: tthc.report per month ━━'
SELECT to_char(m, 'MM/YYYY') AS "tháng", r.received,
       round(100.0 * r.received_online / nullif(r.received, 0), 1) AS "online %",
       r.resolved, round(100 * r.on_time_rate, 2) AS "on time %",
       r.in_progress AS "open at the end", r.in_progress_overdue AS "overdue at the end"
FROM generate_series(date_trunc('month', lower(:'period'::daterange)), upper(:'period'::daterange) - 1, interval '1 month') m
CROSS JOIN LATERAL tthc.report(:'root', daterange(m::date, (m + interval '1 month')::date) * :'period'::daterange) r
WHERE r.level = 'total'
ORDER BY m;

\echo '━━ 8. Nhật ký / Event logs (tthc.verify_log) ━━'
SELECT (SELECT count(*) FROM tthc.dossier) AS dossiers, (SELECT count(*) FROM tthc.dossier_event) AS events \gset
SELECT count(*) AS broken FROM tthc.verify_log() \gset
\echo 'event logs verified:' :dossiers 'dossiers,' :events 'events,' :broken 'broken links'

\echo
\echo '━━ 9. Sở, ngành và cán bộ / Departments and officers (issue 13: the people behind the figures) ━━'
\echo 'Đánh giá sở, ngành / Department scorecards: tthc.scorecard_unit, nine indicators of 2 points, grade on 18'
CREATE TEMP TABLE dept_card AS
SELECT u.code, u.name AS unit_name, c.* FROM tthc.unit u CROSS JOIN LATERAL tthc.scorecard_unit(u.code, :'period') c WHERE u.level = 'department';
SELECT t.code AS "mã", t.unit_name AS "sở, ngành / department", t.points || ' / ' || t.max_points AS points,
       to_char(18 * t.points / nullif(t.max_points, 0), 'FM90.0') AS "on 18", coalesce(t.grade, '(no dossier handled)') AS grade,
       round(100 * i.ratio, 2) AS "on time %"
FROM dept_card t LEFT JOIN dept_card i ON i.code = t.code AND i.indicator = 1
WHERE t.name = 'total'
ORDER BY t.points / nullif(t.max_points, 0) NULLS LAST, t.code;
\echo 'Rút ngắn thời gian / Time reduction: tthc.time_reduction (the catalogue against the national limits; the dossiers against their legal limit)'
SELECT procedures, round(national_days) AS "national, working days", round(provincial_days) AS "provincial",
       round(100 * catalogue_cut, 1) AS "catalogue cut %", resolved,
       round(100 * actual_cut, 1) AS "actual cut %"
FROM tthc.time_reduction(:'root', :'period');
-- the last whole month: the officers' monthly cards
SELECT to_char(date_trunc('month', now()) - interval '1 month', 'YYYY-MM-DD') AS last_month,
       to_char(date_trunc('month', now()) - interval '1 month', 'MM/YYYY') AS last_month_label \gset
CREATE TEMP TABLE last_cards AS SELECT * FROM tthc.scorecard_officer(:'root', :'last_month');
\echo 'Cán bộ tháng' :last_month_label '/ Officers last month: tthc.scorecard_officer, from the events each officer recorded (tthc.actor)'
\echo '  the eight lowest on-time rates among officers who resolved at least 20 dossiers:'
SELECT c.officer AS login, c.full_name AS "họ tên / name", c.officer_unit AS unit, c.resolved, c.resolved_late AS late,
       round(100 * c.on_time_rate, 1) AS "on time %", c.supplement_requests AS "supplement requests",
       c.repeated_supplement AS "asked again", c.ratings, c.unsatisfied
FROM last_cards c
WHERE c.resolved >= 20
ORDER BY c.on_time_rate, c.resolved DESC, c.officer LIMIT 8;
\echo '  what the scorecard finds for the officers the simulation singles out (demo.officer.story):'
SELECT c.officer AS login, c.full_name AS "họ tên / name", c.officer_unit AS unit, c.received, c.resolved,
       round(100 * c.on_time_rate, 1) AS "on time %", c.supplement_requests AS "supplement requests",
       c.repeated_supplement AS "asked again", c.ratings, c.unsatisfied, split_part(d.story, ' (', 1) AS "simulated as"
FROM last_cards c JOIN demo.officer d ON d.login = c.officer
WHERE d.story NOT LIKE 'trễ hạn nhiều (%'
ORDER BY c.officer_unit, c.officer;
\echo 'Thủ tục còn vướng mắc / The procedures still stuck (tthc.stuck_procedures), the department and centre'
\echo 'scorecards, the officers of each centre: demo/report.html, with a selector per centre.'

\echo
\echo '━━ 10. Phí, lệ phí và biên lai / Fees, payments and receipts (tthc.payment, tthc.receipt_usage) ━━'
-- the payments made in the period (local days), with what stands of each
-- after its refunds; a waiver is a 0 row (method waived), a refund a
-- negative one referring to its payment
CREATE TEMP TABLE pay AS
SELECT p.*, f.kind, p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0) AS standing
FROM tthc.payment p JOIN tthc.fee f ON f.procedure_id = p.procedure_id AND f.fee_code = p.fee_code
WHERE (p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <@ :'period'::daterange;
SELECT coalesce(to_char(min(paid_at), 'DD/MM/YYYY'), '–') AS money_from,
       count(*) FILTER (WHERE amount > 0 AND standing > 0) AS n_pay FROM pay \gset
\echo 'tthc ghi nhận phí, lệ phí từ / tthc has recorded the money since' :money_from '(before, the portal reported dossier.payment itself)'
SELECT x.k AS " ", x.v AS "giá trị / value"
FROM (SELECT count(*) FILTER (WHERE s) AS n, count(*) FILTER (WHERE s AND method <> 'cash') AS cashless,
             count(*) FILTER (WHERE s AND online) AS online, coalesce(sum(standing) FILTER (WHERE s), 0) AS collected,
             coalesce(sum(standing) FILTER (WHERE s AND kind = 'phi'), 0) AS phi,
             coalesce(sum(standing) FILTER (WHERE s AND kind = 'le_phi'), 0) AS le_phi,
             count(DISTINCT dossier_id) FILTER (WHERE s) AS dossiers,
             count(*) FILTER (WHERE method = 'waived') AS waivers, count(*) FILTER (WHERE amount < 0) AS refunds,
             coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS refunded
      FROM (SELECT *, amount > 0 AND standing > 0 AS s FROM pay) q) t,
LATERAL (VALUES
  (1, 'Đã thu / fees collected (payments standing)', to_char(t.collected, 'FM999G999G999G990') || ' đồng'),
  (2, '  phí / fees',                                 to_char(t.phi, 'FM999G999G999G990') || ' đồng'),
  (3, '  lệ phí / charges',                           to_char(t.le_phi, 'FM999G999G999G990') || ' đồng'),
  (4, 'Khoản nộp / payments (dossiers)',              t.n || ' (' || t.dossiers || ')'),
  (5, 'Không dùng tiền mặt / cashless share',         coalesce(to_char(100.0 * t.cashless / nullif(t.n, 0), 'FM990.0') || ' % (' || t.cashless || ' of ' || t.n || ')', '–')),
  (6, 'Thanh toán trực tuyến / paid online',          coalesce(to_char(100.0 * t.online / nullif(t.n, 0), 'FM990.0') || ' % (' || t.online || ' of ' || t.n || ')', '–')),
  (7, 'Miễn / waived (exempt applicants)',            t.waivers::text),
  (8, 'Hoàn trả / refunded',                          t.refunds || ' (' || to_char(t.refunded, 'FM999G999G990') || ' đồng)')
) AS x(n, k, v)
ORDER BY x.n;
SELECT CASE method WHEN 'portal' THEN 'Cổng DVCQG / portal' WHEN 'transfer' THEN 'chuyển khoản / transfer'
                   WHEN 'qr' THEN 'mã QR / QR code' WHEN 'card' THEN 'thẻ / card' WHEN 'cash' THEN 'tiền mặt / cash' END AS "hình thức / method",
       count(*) AS payments, round(100.0 * count(*) / nullif(:n_pay, 0), 1) AS "%",
       to_char(sum(standing), 'FM999G999G999G990') AS "đồng", bool_or(online) AS online
FROM pay WHERE amount > 0 AND standing > 0
GROUP BY method ORDER BY count(*) DESC;
SELECT 'QĐ 766: hồ sơ có phí thanh toán trực tuyến / dossiers with a fee paid online: '
       || coalesce(to_char(100 * ratio, 'FM990.00') || ' % (' || numerator || ' / ' || denominator || ', tthc.indicators_766)', '–') AS " "
FROM tthc.indicators_766(:'root', :'period') WHERE indicator = 'online_payment_rate';
-- the receipt-use report of the province: every series of every centre
CREATE TEMP TABLE usage AS SELECT * FROM tthc.receipt_usage(:'root', :'period');
\echo 'Biên lai / Receipts: tthc.receipt_usage(' :'root' ',' :'period' '), per kind and year of the series'
SELECT kind AS "loại / kind", substring(symbol FROM '/([0-9]{2})') AS "năm / year", count(*) AS series,
       sum(issued) AS issued, sum(cancelled) AS cancelled, sum(replaced) AS replaced,
       to_char(sum(total_amount), 'FM999G999G999G990') AS "đồng (standing)", sum(gaps) AS gaps
FROM usage GROUP BY 1, 2 ORDER BY 2, 1;
\echo 'the eight busiest series, their numbers used first..last:'
SELECT series_unit AS unit, template || ' ' || symbol AS series, kind, first_no || '..' || last_no AS "numbers",
       issued, cancelled, replaced, to_char(total_amount, 'FM999G999G999G990') AS "đồng", gaps
FROM usage ORDER BY issued DESC, series_unit, symbol LIMIT 8;
SELECT CASE WHEN coalesce(sum(gaps), 0) = 0 THEN 'Số biên lai liên tục / receipt numbers without gaps: 0 missing in '
                 || count(*) || ' series'
            ELSE 'GAPS in receipt numbers: ' || sum(gaps) || ' missing in ' || count(*) FILTER (WHERE gaps > 0) || ' series' END AS " "
FROM usage;
SELECT 'Biên lai còn hiệu lực / receipts standing: ' || to_char((SELECT coalesce(sum(total_amount), 0) FROM usage), 'FM999G999G999G990')
       || ' đồng; khoản nộp chưa có biên lai / payments on no issued receipt: ' || count(*)
       || ' (' || to_char(coalesce(sum(p.standing), 0), 'FM999G999G990') || ' đồng)' AS " "
FROM pay p
WHERE p.amount > 0 AND p.standing > 0
  AND NOT EXISTS (SELECT 1 FROM tthc.receipt r, jsonb_array_elements(r.lines) l
                  WHERE r.dossier_id = p.dossier_id AND r.status = 'issued' AND (l ->> 'payment')::bigint = p.id);

\echo
\echo '━━ 11. Cổng Dịch vụ công quốc gia / The national portal (DVCQG): inbox and outbox ━━'
-- the inbox: online dossiers that came through tthc.portal_receive (they
-- keep the portal's MaHoSo); the outbox: what the portal has acknowledged,
-- what waits (tthc.portal_outbox), and what the data rules hold back
SELECT count(*) FILTER (WHERE portal_code IS NOT NULL) AS inbox,
       count(*) FILTER (WHERE portal_seq = event_seq) AS sent,
       coalesce(sum(portal_seq) FILTER (WHERE portal_seq > 0), 0) AS sent_events,
       count(*) FILTER (WHERE event_seq > portal_seq) AS unsent,
       coalesce(sum(event_seq - portal_seq) FILTER (WHERE event_seq > portal_seq), 0) AS unsent_events
FROM tthc.dossier \gset
SELECT x.k AS " ", x.v AS "hồ sơ / dossiers"
FROM (VALUES
  (1, 'Nhận từ Cổng / received from the portal (tthc.portal_receive)', :'inbox'),
  (2, 'Cổng đã nhận đủ / acknowledged by the portal (every event)', :'sent' || ' (' || :'sent_events' || ' events)'),
  (3, 'Chưa gửi xong / not yet acknowledged', :'unsent' || ' (' || :'unsent_events' || ' events)')
) AS x(n, k, v) ORDER BY x.n;
SELECT state AS "trạng thái / state", count(*) AS dossiers, sum(event_seq - acked_seq) AS events,
       max(attempts) AS "max attempts"
FROM tthc.portal_outbox GROUP BY state ORDER BY 1;
\echo 'Dữ liệu chưa sạch / what the portal would refuse (tthc.data_issues over the outbox; such a dossier is held until fixed):'
SELECT i.field, i.rule, count(*) AS dossiers, min(d.code) AS "e.g."
FROM tthc.dossier d CROSS JOIN LATERAL tthc.dossier_issues(d) i
WHERE d.event_seq > d.portal_seq
GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 8;

\if :reorg
\echo
\echo '━━ 12. Năm 2025 qua sắp xếp đơn vị hành chính / 2025 across the reorganisation (NQ 1679, 1/7/2025) ━━'
\echo 'The first half-year was received at 171 communes in 13 districts, the second at today''s 54: tthc.report(lineage => true)'
\echo 'puts the old communes'' rows on the units that took them over (whole, or by share), so the halves compare on today''s units.'
-- (the second half up to the simulated year, at the history's scale)
SELECT daterange('2025-07-01', least((:'t_from'::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, '2026-01-01')) AS h2,
       to_char(least((:'t_from'::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, '2026-01-01') - 1, 'DD/MM') AS h2_end \gset
-- the province: the same totals with and without lineage
SELECT h AS "2025", r.received, r.resolved, round(100 * r.on_time_rate, 2) AS "on time %",
       r.transferred_in AS "moved in", r.received_out_of_hours AS "out of hours",
       (SELECT count(DISTINCT unit) FROM tthc.report(:'root', p, lineage => false) WHERE level = 'unit' AND received > 0) AS "units receiving",
       l.received = r.received AND l.resolved = r.resolved AS "same with lineage"
FROM (VALUES ('1st half (171 communes)', '[2025-01-01,2025-07-01)'::daterange),
             ('1/7 – ' || :'h2_end' || ' (54 communes)', :'h2'::daterange)) x(h, p),
     tthc.report(:'root', x.p) r, tthc.report(:'root', x.p, lineage => true) l
WHERE r.level = 'total' AND l.level = 'total';
\echo 'The eight of today''s communes whose on-time rate moved most between the halves (each on today''s units):'
WITH a AS (SELECT unit, received, resolved, on_time_rate, lineage FROM tthc.report(:'root', '[2025-01-01,2025-07-01)', lineage => true) WHERE level = 'unit'),
     b AS (SELECT unit, received, resolved, on_time_rate FROM tthc.report(:'root', :'h2', lineage => true) WHERE level = 'unit')
SELECT b.unit, u.name, a.received AS "received H1", b.received AS "received after",
       round(100 * a.on_time_rate, 1) AS "on time % H1", round(100 * b.on_time_rate, 1) AS "on time % after",
       left(a.lineage, 48) AS "H1 carried from"
FROM a JOIN b USING (unit) JOIN tthc.unit u ON u.code = b.unit
WHERE u.level = 'commune' AND a.resolved >= 5 AND b.resolved >= 5
ORDER BY abs(a.on_time_rate - b.on_time_rate) DESC, b.unit LIMIT 8;
\endif
