-- demo/report.sql: the data of demo/report.html, as one JSON document.
-- psql variables: t_from, t_to (timestamptz, the simulated period, as for
-- demo/dashboard.sql).  The period given to the report functions is the
-- daterange of local (UTC+7) days from the day of t_from to the day of the
-- last instant before t_to; the unit is the root of tthc.unit (parent IS
-- NULL), with its children.  scripts/report_html.sh runs it with psql -At
-- and puts the output into demo/report.template.html.
--   units     tthc.report(root, period, true), its 'unit' rows (the on-time
--             chart draws those with resolved > 0); total: its 'total' row
--   backlog   open dossiers of tthc.dossier_sla now: by band, and the overdue
--             ones by working days past due
--   trend     tthc.report(root, month ∩ period, true) 'total' row, per month
--   ind766    tthc.indicators_766(root, period), in the function's order
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';

SELECT code AS root FROM tthc.unit WHERE parent IS NULL \gset
SELECT daterange((:'t_from'::timestamptz)::date,
                 ((:'t_to'::timestamptz) - interval '1 microsecond')::date + 1, '[)') AS period \gset

WITH RECURSIVE
scope AS (
  SELECT u.code FROM tthc.unit u WHERE u.code = :'root'
  UNION ALL
  SELECT c.code FROM tthc.unit c JOIN scope s ON c.parent = s.code),
rep AS (
  SELECT * FROM tthc.report(:'root', :'period'::daterange, true)),
-- one JSON object per report row: the counts the page uses
rep_json AS (
  SELECT r.level, r.unit, u.name, u.level AS unit_level,
         json_build_object(
           'unit', r.unit, 'name', u.name, 'unit_level', u.level,
           'carried_over', r.carried_over, 'received', r.received, 'received_online', r.received_online,
           'received_in_person', r.received_in_person, 'received_postal', r.received_postal,
           'resolved', r.resolved, 'early', r.resolved_early, 'on_time', r.resolved_on_time, 'late', r.resolved_late,
           'in_progress', r.in_progress, 'in_progress_in_time', r.in_progress_in_time,
           'in_progress_overdue', r.in_progress_overdue, 'awaiting_supplement', r.awaiting_supplement,
           'withdrawn', r.withdrawn, 'refused', r.refused, 'stopped', r.stopped,
           'on_time_rate', round(r.on_time_rate, 4),
           'avg_work_hours', round((extract(epoch FROM r.avg_work) / 3600)::numeric, 1)) AS j
  FROM rep r LEFT JOIN tthc.unit u ON u.code = r.unit
  WHERE r.level IN ('unit', 'total')),
-- open dossiers now, and for the overdue ones the working days past due
open_now AS (
  SELECT s.band,
         CASE WHEN s.band = 'overdue'
              THEN tthc.working_days_between((s.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                                             (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.calendar) END AS days_late
  FROM tthc.dossier_sla s
  WHERE s.band IN ('in_time', 'due_soon', 'overdue', 'paused')
    AND s.handling_unit IN (SELECT code FROM scope)),
bucket (n, lo, hi, vi, en) AS (VALUES
  (1, NULL::int, 1, '≤ 1 ngày', '≤ 1 day'),
  (2, 2, 5,    '2–5 ngày',   '2–5 days'),
  (3, 6, 10,   '6–10 ngày',  '6–10 days'),
  (4, 11, 30,  '11–30 ngày', '11–30 days'),
  (5, 31, NULL, '> 30 ngày', '> 30 days')),
-- Vietnamese names of the QĐ 766 groups and indicators tthc.indicators_766 returns
-- (an unknown code is shown as it is)
ind_group (code, vi) AS (VALUES
  ('transparency', 'Công khai, minh bạch'),
  ('progress',     'Tiến độ giải quyết'),
  ('digitisation', 'Số hóa hồ sơ, kết quả'),
  ('online',       'Dịch vụ công trực tuyến, thanh toán trực tuyến'),
  ('satisfaction', 'Mức độ hài lòng')),
ind_label (code, vi) AS (VALUES
  ('published_procedures',   'Thủ tục được công khai đầy đủ trên Cổng Dịch vụ công'),
  ('on_time_rate',           'Hồ sơ giải quyết trước hạn và đúng hạn'),
  ('digitised_rate',         'Hồ sơ được số hóa thành phần khi tiếp nhận'),
  ('electronic_result_rate', 'Hồ sơ có kết quả giải quyết điện tử'),
  ('reused_data_rate',       'Thành phần hồ sơ tái sử dụng dữ liệu đã số hóa'),
  ('online_rate',            'Hồ sơ nộp trực tuyến (thủ tục có dịch vụ công trực tuyến)'),
  ('online_payment_rate',    'Hồ sơ có phí, lệ phí được thanh toán trực tuyến'),
  ('satisfaction_rate',      'Đánh giá hài lòng của người dân, doanh nghiệp')),
months AS (
  SELECT m::date AS month,
         daterange(greatest(m::date, lower(:'period'::daterange)),
                   least((m + interval '1 month')::date, upper(:'period'::daterange)), '[)') AS days
  FROM generate_series(date_trunc('month', lower(:'period'::daterange)),
                       upper(:'period'::daterange) - 1, interval '1 month') AS m)
SELECT json_build_object(
  'title', 'tthc: báo cáo giải quyết thủ tục hành chính',
  'generated_at', to_char(now(), 'DD/MM/YYYY HH24:MI "(UTC+7)"'),
  'generated_at_iso', to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SSOF'),
  'database', current_database(),
  'simulated', to_regnamespace('demo') IS NOT NULL,
  'tthc_version', (SELECT extversion FROM pg_extension WHERE extname = 'tthc'),
  'root', (SELECT json_build_object('code', code, 'name', name) FROM tthc.unit WHERE code = :'root'),
  'period', json_build_object(
     'first_day', to_char(lower(:'period'::daterange), 'DD/MM/YYYY'),
     'last_day', to_char(upper(:'period'::daterange) - 1, 'DD/MM/YYYY'),
     'daterange', :'period',
     't_from', to_char(:'t_from'::timestamptz, 'DD/MM/YYYY HH24:MI'),
     't_to', to_char(:'t_to'::timestamptz, 'DD/MM/YYYY HH24:MI')),
  'total', (SELECT j FROM rep_json WHERE level = 'total'),
  'units', coalesce((SELECT json_agg(j ORDER BY unit) FROM rep_json WHERE level = 'unit'), '[]'),
  'backlog', json_build_object(
     'as_of', to_char(now(), 'DD/MM/YYYY HH24:MI'),
     'open', (SELECT json_build_object(
                'all', count(*),
                'in_time', count(*) FILTER (WHERE band = 'in_time'),
                'due_soon', count(*) FILTER (WHERE band = 'due_soon'),
                'overdue', count(*) FILTER (WHERE band = 'overdue'),
                'paused', count(*) FILTER (WHERE band = 'paused'))
              FROM open_now),
     'overdue_by_days', (
        SELECT json_agg(json_build_object('vi', b.vi, 'en', b.en, 'min_days', b.lo, 'max_days', b.hi,
                                          'dossiers', (SELECT count(*) FROM open_now o
                                                       WHERE o.band = 'overdue'
                                                         AND o.days_late >= coalesce(b.lo, o.days_late)
                                                         AND o.days_late <= coalesce(b.hi, o.days_late)))
                        ORDER BY b.n)
        FROM bucket b),
     'max_days_late', (SELECT max(days_late) FROM open_now)),
  'trend', coalesce((
     SELECT json_agg(json_build_object(
              'month', to_char(m.month, 'YYYY-MM'),
              'label', to_char(m.month, 'MM/YYYY'),
              'first_day', to_char(lower(m.days), 'DD/MM/YYYY'),
              'last_day', to_char(upper(m.days) - 1, 'DD/MM/YYYY'),
              'partial', lower(m.days) <> m.month OR upper(m.days) <> (m.month + interval '1 month')::date,
              'received', coalesce(t.received, 0),
              'received_online', coalesce(t.received_online, 0),
              'resolved', coalesce(t.resolved, 0),
              'late', coalesce(t.resolved_late, 0),
              'on_time_rate', round(t.on_time_rate, 4),
              'online_share', round(t.received_online::numeric / nullif(t.received, 0), 4))
            ORDER BY m.month)
     FROM months m
     LEFT JOIN LATERAL (SELECT * FROM tthc.report(:'root', m.days, true) r WHERE r.level = 'total') t ON true), '[]'),
  'ind766', coalesce((
     SELECT json_agg(json_build_object('grp', i.grp, 'grp_vi', g.vi, 'indicator', i.indicator, 'indicator_vi', l.vi,
                                       'numerator', i.numerator, 'denominator', i.denominator,
                                       'ratio', round(i.ratio, 4), 'basis', i.basis)
                     ORDER BY i.n)
     FROM tthc.indicators_766(:'root', :'period'::daterange) WITH ORDINALITY AS i(grp, indicator, numerator, denominator, ratio, basis, n)
     LEFT JOIN ind_group g ON g.code = i.grp
     LEFT JOIN ind_label l ON l.code = i.indicator), '[]')
);
