-- demo/dashboard.sql: what a provincial leader reads, after demo/simulate.sql.
-- psql variables: t_from, t_to (the simulated period), sim_start (when the
-- simulation started: overdue events stamped after it come from the sweep).
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

\echo
\echo '━━ 1. Toàn tỉnh / Province totals ━━'
SELECT to_char(:'t_from'::timestamptz, 'DD/MM/YYYY') || ' – ' || to_char(:'t_to'::timestamptz - interval '1 second', 'DD/MM/YYYY') AS "kỳ báo cáo / period";
WITH p AS (SELECT * FROM period), s AS (
  SELECT count(*) FILTER (WHERE received_at IS NOT NULL)                         AS received,
         count(*) FILTER (WHERE received_at IS NOT NULL AND channel = 1)         AS in_person,
         count(*) FILTER (WHERE received_at IS NOT NULL AND channel = 2)         AS online,
         count(*) FILTER (WHERE received_at IS NOT NULL AND channel = 3)         AS postal,
         count(*) FILTER (WHERE result = 'early')                                AS early,
         count(*) FILTER (WHERE result = 'on_time')                              AS on_time,
         count(*) FILTER (WHERE result = 'late')                                 AS late,
         count(*) FILTER (WHERE status IN ('received', 'processing') AND due_at >= now()) AS in_time,
         count(*) FILTER (WHERE status IN ('received', 'processing') AND due_at < now())  AS overdue,
         count(*) FILTER (WHERE status IN ('awaiting_supplement', 'awaiting_payment'))    AS paused,
         count(*) FILTER (WHERE status = 'withdrawn')                            AS withdrawn,
         count(*) FILTER (WHERE status = 'refused')                              AS refused,
         count(*) FILTER (WHERE status = 'submitted')                            AS submitted,
         count(*) FILTER (WHERE apologies > 0)                                   AS apologised
  FROM p)
SELECT x.indicator AS "chỉ tiêu / indicator", to_char(x.n, 'FM999G999G999') AS "số hồ sơ", x.pct AS "%"
FROM s, LATERAL (VALUES
  ('Tiếp nhận / received',                            s.received, NULL::numeric),
  ('  trực tiếp / in person',                         s.in_person, round(100.0 * s.in_person / nullif(s.received, 0), 1)),
  ('  trực tuyến / online',                           s.online,    round(100.0 * s.online / nullif(s.received, 0), 1)),
  ('  bưu chính công ích / postal',                   s.postal,    round(100.0 * s.postal / nullif(s.received, 0), 1)),
  ('Đã giải quyết / resolved',                        s.early + s.on_time + s.late, NULL),
  ('  trước hạn / early',                             s.early,   round(100.0 * s.early / nullif(s.early + s.on_time + s.late, 0), 1)),
  ('  đúng hạn / on time',                            s.on_time, round(100.0 * s.on_time / nullif(s.early + s.on_time + s.late, 0), 1)),
  ('  trễ hạn / late',                                s.late,    round(100.0 * s.late / nullif(s.early + s.on_time + s.late, 0), 1)),
  ('Tỷ lệ đúng và trước hạn / on-time-and-early rate', NULL,   round(100.0 * (s.early + s.on_time) / nullif(s.early + s.on_time + s.late, 0), 2)),
  ('Đang giải quyết trong hạn / in progress, in time', s.in_time, NULL),
  ('Đang giải quyết quá hạn / in progress, overdue',   s.overdue, NULL),
  ('Tạm dừng (bổ sung, nghĩa vụ tài chính) / paused',  s.paused,  NULL),
  ('Rút hồ sơ / withdrawn',                           s.withdrawn, NULL),
  ('Không tiếp nhận / refused',                       s.refused, NULL),
  ('Chờ tiếp nhận / submitted online, not yet accepted', s.submitted, NULL),
  ('Có văn bản xin lỗi / with an apology (form 04)',   s.apologised, NULL)
) AS x(indicator, n, pct);

\echo '━━ 2. Tỷ lệ trực tuyến / Online rate (QĐ 766: online ÷ all dossiers) ━━'
SELECT count(*) AS "all dossiers (incl. refused)",
       count(*) FILTER (WHERE channel = 2) AS online,
       round(100.0 * count(*) FILTER (WHERE channel = 2) / nullif(count(*), 0), 2) AS "online %"
FROM period;

\echo '━━ 3. Mười trung tâm có tỷ lệ đúng hạn thấp nhất / The ten centres with the worst on-time rate ━━'
SELECT (SELECT count(*) FROM period WHERE result IS NOT NULL) / 500 + 20 AS min_resolved \gset
\echo '   (centres with at least' :min_resolved 'resolved dossiers)'
SELECT u.code AS "mã / unit", u.name AS "trung tâm / centre",
       count(*) AS resolved, count(*) FILTER (WHERE p.result = 'late') AS late,
       round(100.0 * count(*) FILTER (WHERE p.result <> 'late') / count(*), 2) AS "on time %"
FROM period p JOIN tthc.unit u ON u.code = p.receiving_unit
WHERE p.result IS NOT NULL
GROUP BY u.code, u.name HAVING count(*) >= :min_resolved
ORDER BY 5, 3 DESC LIMIT 10;

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

\echo '━━ 7. Theo tháng / Monthly trend ━━'
SELECT to_char(date_trunc('month', received_at), 'MM/YYYY') AS "tháng",
       count(*) AS received,
       round(100.0 * count(*) FILTER (WHERE channel = 2) / count(*), 1) AS "online %",
       count(result) AS resolved,
       round(100.0 * count(*) FILTER (WHERE result IN ('early', 'on_time')) / nullif(count(result), 0), 2) AS "on time %",
       count(*) FILTER (WHERE status NOT IN ('resolved', 'returned', 'withdrawn', 'refused', 'stopped')) AS "still open"
FROM period WHERE received_at IS NOT NULL
GROUP BY date_trunc('month', received_at) ORDER BY date_trunc('month', received_at);

\echo '━━ 8. Nhật ký / Event logs (tthc.verify_log) ━━'
SELECT (SELECT count(*) FROM tthc.dossier) AS dossiers, (SELECT count(*) FROM tthc.dossier_event) AS events \gset
SELECT count(*) AS broken FROM tthc.verify_log() \gset
\echo 'event logs verified:' :dossiers 'dossiers,' :events 'events,' :broken 'broken links'
