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
--   ind766    tthc.indicators_766(root, period), in the function's order,
--             with the QĐ 766 group points and the points earned
--   units_all the units one can select on the page (the root, the
--             departments, the centres; not the external agencies)
--   views     per selectable unit (with the units below it), what the page
--             shows when that unit is selected: report (the 'total' row of
--             tthc.report(unit, period, true)), trend (per month, the months
--             of `trend`), backlog, ind766, scorecard
--             (tthc.scorecard_unit(unit, period): nine indicators and the
--             total with its grade), reduction (tthc.time_reduction(unit,
--             period)), stuck (the first stuck_limit rows of
--             tthc.stuck_procedures(unit, period, stuck_min_resolved), and
--             stuck_count, how many it returned), money (the payments made
--             in the period on the dossiers the unit and those below it
--             received: what stands of them after refunds, how many, how
--             many not in cash and how many online, by method and by kind,
--             the waivers and refunds, the first day a payment was
--             recorded) and receipts (tthc.receipt_usage(unit, period): per
--             series first..last number, issued, cancelled, replaced, the
--             amount standing, gaps); the basis texts, the same
--             for every unit, are given once (labels.basis_766,
--             labels.basis_card)
--   officer_months, officers
--             the last officer_months whole months of the period and the
--             month under way, and for each the rows of
--             tthc.scorecard_officer(root, month) (every officer of the
--             province, as arrays in the order of officer_columns); the page
--             shows those of the selected unit (root: the lowest on-time
--             rates of the province)
--   labels    Vietnamese names of the scorecard indicators, grades and the
--             problems tthc.stuck_procedures names, and tthc.stuck_rule
-- The per-unit functions cost what a scan of the period's resolved dossiers
-- costs, once for the root and once more over all the units below it.  So
-- the work can be split over two sessions, psql variable part: all (the
-- default), 1 (all but the stuck procedures, the time reduction, the money
-- and the officers' cards: views.*.stuck, views.*.reduction, views.*.money,
-- views.*.receipts and officers empty) or 2 (only those);
-- scripts/report_html.sh runs 1 and 2 at once and merges them,
-- and scripts/demo.sh makes the page while the dashboard runs.
\set ON_ERROR_STOP 1
\set QUIET 1
\if :{?part}
\else
  \set part all
\endif
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
-- the per-dossier scans of tthc.stuck_procedures run faster without
-- parallel workers (a year of 1 M dossiers on 2 cores: 19 s -> 11 s for the
-- province), and scripts/demo.sh makes the page beside the dashboard
SET max_parallel_workers_per_gather = 0;

SELECT code AS root FROM tthc.unit WHERE parent IS NULL \gset
SELECT :'part' IN ('all', '1', '2') AS part_known \gset
\if :part_known
\else
  DO $$ BEGIN RAISE EXCEPTION 'demo/report.sql: psql variable part must be all, 1 or 2'; END $$;
\endif
SELECT daterange((:'t_from'::timestamptz)::date,
                 ((:'t_to'::timestamptz) - interval '1 microsecond')::date + 1, '[)') AS period \gset
-- the rows of tthc.stuck_procedures kept per unit (the page shows them)
\set stuck_limit 15
\set stuck_min_resolved 20
-- the whole months of officers' cards (and the month under way)
\set officer_months 3

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
  WHERE r.level IN ('unit', 'total')
    -- (a unit that ended before the period, with nothing left in it, is history)
    AND (u.valid_to IS NULL OR u.valid_to >= lower(:'period'::daterange)
         OR r.carried_over + r.received + r.in_progress > 0)),
-- open dossiers now, and for the overdue ones the working days past due
open_now AS (
  SELECT s.band, s.handling_unit,
         CASE WHEN s.band = 'overdue'
              THEN tthc.working_days_between((s.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                                             (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.calendar) END AS days_late
  FROM tthc.dossier_sla s
  WHERE s.band IN ('in_time', 'due_soon', 'overdue', 'paused')
    AND s.handling_unit IN (SELECT code FROM scope) AND :'part' <> '2'),
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
                       upper(:'period'::daterange) - 1, interval '1 month') AS m),
-- ── per selectable unit ──────────────────────────────────────────────────
sel AS (
  SELECT u.code, u.name, u.level, u.parent FROM tthc.unit u
  WHERE u.code IN (SELECT code FROM scope) AND u.level <> 'agency'
    AND (u.valid_to IS NULL OR u.valid_to >= lower(:'period'::daterange))),
-- every month's report once, with its unit rows and the total
month_rep AS MATERIALIZED (
  SELECT m.month, m.days, r.*
  FROM months m CROSS JOIN LATERAL tthc.report(:'root', m.days, true) r
  WHERE r.level IN ('unit', 'total') AND :'part' <> '2'),
v_trend AS MATERIALIZED (
  SELECT s.code, json_agg(json_build_object(
           'month', to_char(m.month, 'YYYY-MM'),
           'received', coalesce(t.received, 0),
           'received_online', coalesce(t.received_online, 0),
           'resolved', coalesce(t.resolved, 0),
           'late', coalesce(t.resolved_late, 0),
           'on_time_rate', round(t.on_time_rate, 4),
           'online_share', round(t.received_online::numeric / nullif(t.received, 0), 4)) ORDER BY m.month) AS j
  FROM sel s CROSS JOIN months m
  LEFT JOIN month_rep t ON t.month = m.month
                       AND CASE WHEN s.code = :'root' THEN t.level = 'total' ELSE t.level = 'unit' AND t.unit = s.code END
  GROUP BY s.code),
root_trend AS MATERIALIZED (
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
           'online_share', round(t.received_online::numeric / nullif(t.received, 0), 4)) ORDER BY m.month) AS j
  FROM months m LEFT JOIN month_rep t ON t.month = m.month AND t.level = 'total'),
-- the unit's own report: its 'total' row with its children
v_report AS MATERIALIZED (
  SELECT s.code, json_build_object(
           'unit', s.code, 'name', s.name, 'unit_level', s.level,
           'carried_over', r.carried_over, 'received', r.received, 'received_online', r.received_online,
           'received_in_person', r.received_in_person, 'received_postal', r.received_postal,
           'resolved', r.resolved, 'early', r.resolved_early, 'on_time', r.resolved_on_time, 'late', r.resolved_late,
           'in_progress', r.in_progress, 'in_progress_in_time', r.in_progress_in_time,
           'in_progress_overdue', r.in_progress_overdue, 'awaiting_supplement', r.awaiting_supplement,
           'withdrawn', r.withdrawn, 'refused', r.refused, 'stopped', r.stopped,
           'on_time_rate', round(r.on_time_rate, 4),
           'avg_work_hours', round((extract(epoch FROM r.avg_work) / 3600)::numeric, 1)) AS j
  FROM sel s CROSS JOIN LATERAL tthc.report(s.code, :'period'::daterange, true) r
  WHERE r.level = 'total' AND :'part' <> '2'),
-- the open dossiers now, per unit of the selection (the root: all)
v_backlog AS MATERIALIZED (
  SELECT s.code, json_build_object(
           'as_of', to_char(now(), 'DD/MM/YYYY HH24:MI'),
           'open', json_build_object('all', count(o.band), 'in_time', count(*) FILTER (WHERE o.band = 'in_time'),
                                     'due_soon', count(*) FILTER (WHERE o.band = 'due_soon'),
                                     'overdue', count(*) FILTER (WHERE o.band = 'overdue'),
                                     'paused', count(*) FILTER (WHERE o.band = 'paused')),
           'overdue_by_days', (SELECT json_agg(json_build_object('vi', b.vi, 'en', b.en, 'min_days', b.lo, 'max_days', b.hi,
                                                'dossiers', (SELECT count(*) FROM open_now x
                                                             WHERE x.band = 'overdue' AND (s.code = :'root' OR x.handling_unit = s.code)
                                                               AND x.days_late >= coalesce(b.lo, x.days_late)
                                                               AND x.days_late <= coalesce(b.hi, x.days_late)))
                                               ORDER BY b.n) FROM bucket b),
           'max_days_late', max(o.days_late)) AS j
  FROM sel s LEFT JOIN open_now o ON s.code = :'root' OR o.handling_unit = s.code
  GROUP BY s.code),
v_ind AS MATERIALIZED (
  SELECT s.code, json_agg(json_build_object('grp', i.grp, 'indicator', i.indicator,
                                            'numerator', i.numerator, 'denominator', i.denominator,
                                            'ratio', round(i.ratio, 4),
                                            'group_points', i.group_points, 'points', i.points)
                          ORDER BY i.n) AS j,
         json_object_agg(i.indicator, i.basis) AS basis
  FROM sel s
  CROSS JOIN LATERAL tthc.indicators_766(s.code, :'period'::daterange)
       WITH ORDINALITY AS i(grp, indicator, numerator, denominator, ratio, basis, group_points, points, n)
  WHERE :'part' <> '2'
  GROUP BY s.code),
card_label (n, vi) AS (VALUES
  (1, 'Tổng thời gian giải quyết so với quy định'),
  (2, 'Thời gian giải quyết tại từng cơ quan, kể cả cơ quan phối hợp'),
  (3, 'Số lần phải liên hệ để hoàn thiện hồ sơ'),
  (4, 'Số cơ quan phải liên hệ'),
  (5, 'Tiếp nhận và trả kết quả tại Bộ phận Một cửa'),
  (6, 'Công khai thủ tục hành chính'),
  (7, 'Thái độ của cán bộ, công chức'),
  (8, 'Tiếp nhận, xử lý phản ánh, kiến nghị'),
  (9, 'Tiến độ, chất lượng dịch vụ công trực tuyến')),
v_card AS MATERIALIZED (
  SELECT s.code, json_agg(json_build_object('indicator', c.indicator, 'name', c.name,
                                            'numerator', c.numerator, 'denominator', c.denominator,
                                            'ratio', c.ratio, 'points', c.points, 'max_points', c.max_points,
                                            'grade', c.grade)
                          ORDER BY c.indicator NULLS LAST) AS j,
         json_object_agg(c.name, c.basis) AS basis
  FROM sel s CROSS JOIN LATERAL tthc.scorecard_unit(s.code, :'period'::daterange) c
  WHERE :'part' <> '2'
  GROUP BY s.code),
v_red AS MATERIALIZED (
  SELECT s.code, json_build_object('procedures', t.procedures, 'provincial_days', round(t.provincial_days, 1),
                                   'national_days', round(t.national_days, 1), 'catalogue_cut', t.catalogue_cut,
                                   'resolved', t.resolved,
                                   'actual_hours', round((extract(epoch FROM t.actual_work) / 3600)::numeric, 1),
                                   'legal_hours', round((extract(epoch FROM t.legal_work) / 3600)::numeric, 1),
                                   'actual_cut', t.actual_cut) AS j
  FROM sel s CROSS JOIN LATERAL tthc.time_reduction(s.code, :'period'::daterange) t
  WHERE :'part' <> '1'),
v_stuck AS MATERIALIZED (
  SELECT s.code, count(p.n) AS n,
         coalesce(json_agg(json_build_object('code', p.procedure_code, 'name', p.procedure_name, 'resolved', p.resolved,
                                             'late', p.late, 'on_time_rate', p.on_time_rate, 'open_overdue', p.open_overdue,
                                             'oldest_overdue_days', p.oldest_overdue_days,
                                             'supplements_per_dossier', p.supplements_per_dossier,
                                             'online_share', p.online_share, 'late_steps', p.late_steps,
                                             'late_steps_external', p.late_steps_external, 'problems', p.problems)
                           ORDER BY p.n) FILTER (WHERE p.n <= :stuck_limit), '[]') AS j
  FROM sel s
  LEFT JOIN LATERAL tthc.stuck_procedures(s.code, :'period'::daterange, :stuck_min_resolved)
       WITH ORDINALITY AS p(procedure_code, procedure_name, resolved, late, on_time_rate, open_overdue, oldest_overdue_days,
                            supplements_per_dossier, online_share, late_steps, late_steps_external, problems, n) ON true
  WHERE :'part' <> '1'
  GROUP BY s.code),
-- ── money: the period's payments, by the unit that received the dossier ──
-- (a refund counts on the payment it refunds: what stands of it; a waiver
-- is a 0 row, method waived)
tree AS (
  SELECT u.code AS top, u.code FROM tthc.unit u
  UNION ALL
  SELECT t.top, c.code FROM tthc.unit c JOIN tree t ON c.parent = t.code),
pay AS MATERIALIZED (
  SELECT d.receiving_unit AS unit, p.dossier_id, p.method, p.online, f.kind, p.amount, p.paid_at,
         p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0) AS standing
  FROM tthc.payment p JOIN tthc.dossier d ON d.id = p.dossier_id
  JOIN tthc.fee f ON f.procedure_id = p.procedure_id AND f.fee_code = p.fee_code
  WHERE (p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <@ :'period'::daterange AND :'part' <> '1'),
sel_pay AS MATERIALIZED (
  SELECT s.code AS view, p.*, p.amount > 0 AND p.standing > 0 AS stands
  FROM sel s JOIN tree t ON t.top = s.code JOIN pay p ON p.unit = t.code),
v_money AS MATERIALIZED (
  SELECT s.code, json_build_object(
           'collected', coalesce(sum(p.standing) FILTER (WHERE p.stands), 0),
           'payments', count(*) FILTER (WHERE p.stands),
           'dossiers', count(DISTINCT p.dossier_id) FILTER (WHERE p.stands),
           'cashless', count(*) FILTER (WHERE p.stands AND p.method <> 'cash'),
           'online', count(*) FILTER (WHERE p.stands AND p.online),
           'cashless_share', round(count(*) FILTER (WHERE p.stands AND p.method <> 'cash')::numeric
                                   / nullif(count(*) FILTER (WHERE p.stands), 0), 4),
           'online_share', round(count(*) FILTER (WHERE p.stands AND p.online)::numeric
                                 / nullif(count(*) FILTER (WHERE p.stands), 0), 4),
           'phi', coalesce(sum(p.standing) FILTER (WHERE p.stands AND p.kind = 'phi'), 0),
           'le_phi', coalesce(sum(p.standing) FILTER (WHERE p.stands AND p.kind = 'le_phi'), 0),
           'waivers', count(*) FILTER (WHERE p.method = 'waived'),
           'refunds', count(*) FILTER (WHERE p.amount < 0),
           'refunded', coalesce(-sum(p.amount) FILTER (WHERE p.amount < 0), 0),
           'first_day', to_char(min(p.paid_at), 'DD/MM/YYYY'),
           'by_method', (SELECT json_agg(json_build_object('method', m.method, 'payments', coalesce(x.n, 0),
                                                           'amount', coalesce(x.amt, 0)) ORDER BY m.n)
                         FROM (VALUES (1, 'portal'), (2, 'transfer'), (3, 'qr'), (4, 'card'), (5, 'cash')) m(n, method)
                         LEFT JOIN (SELECT q.method, count(*) AS n, sum(q.standing) AS amt FROM sel_pay q
                                    WHERE q.view = s.code AND q.stands GROUP BY q.method) x ON x.method = m.method)) AS j
  FROM sel s LEFT JOIN sel_pay p ON p.view = s.code
  WHERE :'part' <> '1'
  GROUP BY s.code),
v_receipts AS MATERIALIZED (
  SELECT s.code, coalesce(json_agg(json_build_object('unit', r.series_unit, 'template', r.template, 'symbol', r.symbol,
                                                     'kind', r.kind, 'electronic', r.electronic,
                                                     'first_no', r.first_no, 'last_no', r.last_no, 'issued', r.issued,
                                                     'cancelled', r.cancelled, 'replaced', r.replaced,
                                                     'total_amount', r.total_amount, 'gaps', r.gaps)
                                   ORDER BY r.n) FILTER (WHERE r.n IS NOT NULL), '[]') AS j
  FROM sel s
  LEFT JOIN LATERAL tthc.receipt_usage(s.code, :'period'::daterange)
       WITH ORDINALITY AS r(series_unit, template, symbol, kind, electronic, first_no, last_no, issued, cancelled, replaced,
                            total_amount, gaps, n) ON true
  WHERE :'part' <> '1'
  GROUP BY s.code),
-- ── officers: every month's cards, as arrays ─────────────────────────────
officer_month AS (
  SELECT m.* FROM months m
  WHERE m.month >= date_trunc('month', (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) - :officer_months * interval '1 month'),
v_officers AS MATERIALIZED (
  SELECT to_char(m.month, 'YYYY-MM') AS month,
         coalesce(json_agg(json_build_array(c.officer, c.full_name, c.officer_unit, c.active, c.received, c.resolved,
                                            c.resolved_late, c.late_steps, c.supplement_requests, c.repeated_supplement,
                                            c.apologies, c.ratings, c.unsatisfied, c.on_time_rate)
                           ORDER BY c.officer_unit, c.officer) FILTER (WHERE c.officer IS NOT NULL), '[]') AS j
  FROM officer_month m LEFT JOIN LATERAL tthc.scorecard_officer(:'root', m.month) c ON true
  WHERE :'part' <> '1'
  GROUP BY m.month)
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
  'backlog', (SELECT j FROM v_backlog WHERE code = :'root'),
  'trend', coalesce((SELECT j FROM root_trend), '[]'),
  'ind766', coalesce((SELECT json_agg(x.r || jsonb_build_object('grp_vi', g.vi, 'indicator_vi', l.vi,
                                                                 'basis', (SELECT basis ->> (x.r ->> 'indicator') FROM v_ind WHERE code = :'root'))
                                       ORDER BY x.n)
                      FROM v_ind v, jsonb_array_elements(v.j::jsonb) WITH ORDINALITY AS x(r, n)
                      LEFT JOIN ind_group g ON g.code = x.r ->> 'grp'
                      LEFT JOIN ind_label l ON l.code = x.r ->> 'indicator'
                      WHERE v.code = :'root'), '[]'),
  'units_all', (SELECT json_agg(json_build_object('code', s.code, 'name', s.name, 'level', s.level, 'parent', s.parent)
                                ORDER BY s.code <> :'root', s.level <> 'department', s.code) FROM sel s),
  'views', (SELECT json_object_agg(s.code, json_build_object(
                     'report', r.j, 'trend', coalesce(t.j, '[]'), 'backlog', b.j, 'ind766', coalesce(i.j, '[]'),
                     'scorecard', coalesce(c.j, '[]'), 'reduction', d.j,
                     'stuck', coalesce(st.j, '[]'), 'stuck_count', st.n,
                     'money', mo.j, 'receipts', coalesce(rc.j, '[]')))
            FROM sel s
            LEFT JOIN v_report r ON r.code = s.code LEFT JOIN v_trend t ON t.code = s.code
            LEFT JOIN v_backlog b ON b.code = s.code LEFT JOIN v_ind i ON i.code = s.code
            LEFT JOIN v_card c ON c.code = s.code LEFT JOIN v_red d ON d.code = s.code
            LEFT JOIN v_stuck st ON st.code = s.code
            LEFT JOIN v_money mo ON mo.code = s.code LEFT JOIN v_receipts rc ON rc.code = s.code),
  'stuck_min_resolved', :stuck_min_resolved,
  'officer_columns', json_build_array('officer', 'full_name', 'officer_unit', 'active', 'received', 'resolved',
                                      'resolved_late', 'late_steps', 'supplement_requests', 'repeated_supplement',
                                      'apologies', 'ratings', 'unsatisfied', 'on_time_rate'),
  'officer_months', (SELECT json_agg(json_build_object(
                                'month', to_char(m.month, 'YYYY-MM'), 'label', to_char(m.month, 'MM/YYYY'),
                                'first_day', to_char(lower(m.days), 'DD/MM/YYYY'),
                                'last_day', to_char(upper(m.days) - 1, 'DD/MM/YYYY'),
                                -- the officer's card counts the whole local month
                                'complete', (m.month + interval '1 month')::date <= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)
                              ORDER BY m.month) FROM officer_month m),
  'officers', (SELECT json_object_agg(month, j) FROM v_officers),
  'labels', json_build_object(
     'groups_vi', (SELECT json_object_agg(code, vi) FROM ind_group),
     'indicators_vi', (SELECT json_object_agg(code, vi) FROM ind_label),
     'card_vi', (SELECT json_object_agg(n, vi) FROM card_label),
     'basis_766', (SELECT basis FROM v_ind WHERE code = :'root'),
     'basis_card', (SELECT basis FROM v_card WHERE code = :'root'),
     'grades', json_build_object('excellent', 'Xuất sắc', 'good', 'Tốt', 'fair', 'Khá', 'average', 'Trung bình', 'weak', 'Yếu'),
     'problems', json_build_object(
        'chronically_late', 'Trễ hạn kéo dài',
        'supplement_loop', 'Bổ sung nhiều lần',
        'no_online_uptake', 'Ít nộp trực tuyến',
        'late_at_external', 'Trễ ở cơ quan ngoài tỉnh',
        'overdue_backlog', 'Tồn đọng quá hạn'),
     -- the thresholds in force: a province's own row overrides the shipped one
     'stuck_rules', (SELECT json_agg(json_build_object('rule', r.rule, 'threshold', r.threshold, 'description', r.description)
                                     ORDER BY r.rule)
                     FROM (SELECT DISTINCT ON (x.rule) x.rule, x.threshold,
                                  coalesce(x.description, (SELECT y.description FROM tthc.stuck_rule y
                                                           WHERE y.rule = x.rule AND y.shipped)) AS description
                           FROM tthc.stuck_rule x ORDER BY x.rule, x.shipped) r))
);
