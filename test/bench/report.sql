-- test/bench/report.sql: the report functions on a province-year.  Loads
-- about :scale dossiers received in 2025 with the dossier triggers off
-- (session_replication_role = replica, as sweep.sql) and their events
-- written straight into the log (its append_only trigger lifted for the
-- load), then times tthc.report_rebuild() once and the reports, best of
-- :runs, against the report a user writes by hand today (one GROUP BY over
-- tthc.dossier) and against the executor's floor (count(*) over the
-- dossiers), in the same session.
--   units       catalogue.sql: the province centre H22 and 54 communes, each
--               receiving the same number every working day of 2025 (30 % at
--               the centre), over office hours; handled where received
--   procedures  catalogue.sql's 300 codes in 17 fields ('Lĩnh vực 0'..'16'),
--               skewed; three in four offered online (procedure.online_service)
--   outcome     a dossier would finish after 20 % to 110 % of its time (one
--               in nine late); by the load's present (:now, 2026-01-05) it
--               has: 98.5 % of those resolved (early, on time or late),
--               1 % withdrawn, 0.5 % stopped; those not finished by then, and
--               one in a hundred besides (stuck), are open: received (3 in
--               10) or processing
--   events      per dossier: status received (new_due_at = due_at), status
--               processing (unless still received), 'overdue' five minutes
--               after the deadline when it ran past it (as a sweep logs it),
--               and the final status; seq 1.., event_seq, changed_at and
--               overdue_since agree with them; no due-soon events (reports
--               do not count them), no hash chain (hash NULL)
--   766         a fee for two in five (paid online for most online ones),
--               digitised components for four in five, an electronic result
--               for half of the resolved; a rating for one in ten resolved
-- Then VACUUM ANALYZE, tthc.report_rebuild() timed once, and the
-- measurements, each a warm-up round then :runs rounds, every query once per
-- round in order; first with tthc.report_day as the rebuild left it, then
-- in day order (as a live system's sweeps fold it; report() sorts what it
-- reads, so the layout shows in its time), the tthc queries and the floor:
--   floor       SELECT count(*) FROM tthc.dossier: one scan of the dossiers
--   tthc        tthc.report('H22', 2025) and ('H22', 2025-12), with the 54
--               communes; tthc.indicators_766('H22', 2025)
--   baseline    the same reports by hand: one GROUP BY GROUPING SETS over
--               tthc.dossier joined to the procedure version (for its field),
--               same rows (unit and field, unit, total) and order, counting
--               from the dossier's present columns (see below)
-- A report reads whole months (and every month before the period, for the
-- stocks carried over) from tthc.report_month, and the days of the months
-- holding its first and last day from tthc.report_day: its worst case is a
-- period from mid-month to mid-month (2025-01-15 .. 2025-12-14 here: 45
-- days of day rows, January's for the stock carried over).  The RESULT
-- line's year_ms, month_ms, part_ms and indicators_ms are those in day order, the
-- ratios baseline / those; PASS when all six tthc times are under 1 s.
-- Before the timings, the year's report is checked against count(*) over the dossiers
-- (received by channel, resolved by result) and row by row against the
-- baseline: a difference stops the script.  Run by scripts/bench.sh in a
-- database of its own after CREATE EXTENSION tthc, as a superuser.  psql
-- variables (optional): scale (default 10000000; each unit receives a whole
-- number a day, so the total is approximate and printed), runs (default 5).
-- Prints one line per measurement and a RESULT line.
\set ON_ERROR_STOP 1
\if :{?scale}
\else
  \set scale 10000000
\endif
\if :{?runs}
\else
  \set runs 5
\endif
-- the load's present: every event lies before it
\set now '2026-01-05 10:00+07'
\set year '[2025-01-01,2026-01-01)'
\set month '[2025-12-01,2026-01-01)'
\set part '[2025-01-15,2025-12-15)'
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
-- measure the queries, not the machine's parallelism or the JIT (as bench.sql)
SET max_parallel_workers_per_gather = 0;
SET jit = off;

SELECT setseed(0.2027) \g /dev/null
\ir catalogue.sql
-- catalogue.sql gives every procedure a field (17 of them); offer three in
-- four codes online, before any dossier pins the versions
UPDATE tthc.procedure
SET online_service = (ARRAY[NULL, 'partial', 'full', 'full'])[1 + abs(hashtext(code)) % 4];
SELECT count(DISTINCT field) AS nfields, count(*) FILTER (WHERE field IS NULL) AS nofield FROM tthc.procedure \gset

SELECT greatest(10000, round(:scale / 10000.0) * 10000)::bigint AS n \gset

-- The load: plain inserts (the guard and counting triggers do not fire), in
-- reception order.  Every expression is computed once per row (OFFSET 0
-- keeps each LATERAL step from being inlined into the next).
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '2GB';
SELECT clock_timestamp() AS load_start \gset

CREATE TEMP TABLE days AS
SELECT d::date AS day
FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d
WHERE tthc.is_working_day(d::date, 'vn');
SELECT count(*) AS ndays FROM days \gset
CREATE TEMP TABLE units_per_day AS
SELECT code, greatest(1, round(CASE WHEN level = 'province' THEN 0.3 ELSE 0.7 / 54 END * :n / :ndays))::int AS per_day
FROM tthc.unit;
-- the procedure versions, with the limit of each channel
CREATE TEMP TABLE ver AS
SELECT v.id, v.code, v.same_day_cutoff, l.ch, l.lim,
       (SELECT count(*) FROM tthc.procedure_step s WHERE s.procedure_id = v.id) AS nsteps
FROM tthc.procedure v
CROSS JOIN LATERAL (VALUES (1::smallint, v.time_limit), (3::smallint, v.time_limit),
                           (2::smallint, coalesce(v.online_time_limit, v.time_limit))) l(ch, lim);
CREATE UNIQUE INDEX ON ver (id, ch);
-- procedure codes, numbered (a dossier draws k with a skew: a few are
-- popular), with the version in force before 2025-07-01 and from then on
CREATE TEMP TABLE picks AS
SELECT row_number() OVER (ORDER BY c.code)::int AS k, b.id AS before_id, a.id AS after_id
FROM (SELECT DISTINCT code FROM tthc.procedure) c
JOIN tthc.procedure b ON b.code = c.code AND date '2025-06-30' BETWEEN b.valid_from AND coalesce(b.valid_to, 'infinity')
JOIN tthc.procedure a ON a.code = c.code AND date '2025-07-01' BETWEEN a.valid_from AND coalesce(a.valid_to, 'infinity');
SELECT count(*) AS ncodes FROM picks \gset

INSERT INTO tthc.dossier (code, procedure_code, procedure_id, receiving_unit, handling_unit, channel,
  applicant_name, applicant_id, applicant_phone, applicant_address, submitted_at, received_at,
  status, changed_at, due_at, clock_started_at, paused_work, step, step_unit, step_started_at,
  step_due_at, step_paused_work, finished_at, result, overdue_since, regime, event_seq,
  payment, digitised, result_electronic)
WITH b AS (
  SELECT format('%s-%s-%s', u.code, to_char(d.day, 'YYMMDD'), to_char(n, 'FM99990000')) AS code,
         u.code AS unit,
         CASE WHEN d.day < date '2025-07-01' THEN p.before_id ELSE p.after_id END AS vid,
         r.channel,
         -- the n-th of the day, at the (n - 1/2)/per_day of the 8 office hours
         (d.day + CASE WHEN w.s < 14400 THEN time '07:30' + w.s * interval '1 second'
                       ELSE time '13:00' + (w.s - 14400) * interval '1 second' END)
           AT TIME ZONE 'Asia/Ho_Chi_Minh' AS received_at,
         r.r3, r.r4, r.r5, r.r6, r.r7
  FROM days d
  CROSS JOIN units_per_day u
  CROSS JOIN LATERAL generate_series(1, u.per_day) n
  CROSS JOIN LATERAL (SELECT (n - 0.5) / u.per_day * 28800 AS s OFFSET 0) w
  CROSS JOIN LATERAL (
    SELECT 1 + floor(power(random(), 2) * :ncodes)::int AS k,
           ((ARRAY[2, 1, 3])[1 + width_bucket(random(), ARRAY[0.90, 0.98])])::smallint AS channel,
           random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7
    WHERE n > 0 AND d.day IS NOT NULL   -- once per dossier, not once per day or per number
    OFFSET 0) r
  JOIN picks p ON p.k = r.k
)
SELECT b.code, v.code, b.vid, b.unit, b.unit, b.channel,
       'Nguyễn Văn An', lpad((22000000000 + floor(b.r5 * 999999999))::bigint::text, 12, '0'), '0912345678',
       format('Số %s, tổ %s, %s, tỉnh Quảng Ninh', 1 + floor(b.r5 * 200), 1 + floor(b.r4 * 40), b.unit),
       CASE WHEN b.channel = 2 THEN b.received_at - b.r5 * interval '3 days' END,
       b.received_at,
       f.status::tthc.dossier_status,
       greatest(b.received_at, g.proc_at, g.over_at, CASE WHEN NOT f.open THEN f.end_at END),
       t.due, b.received_at, interval '0',
       CASE WHEN v.nsteps > 0 THEN CASE WHEN f.open THEN 1 ELSE 2 END END,
       CASE WHEN v.nsteps > 0 AND NOT f.open THEN 'H22' END,
       CASE WHEN v.nsteps > 0 THEN
         CASE WHEN f.open THEN b.received_at ELSE tthc.deadline(b.received_at, '1 working day', 'vn') END END,
       CASE WHEN v.nsteps > 0 THEN
         CASE WHEN f.open THEN tthc.deadline(b.received_at, '1 working day', 'vn') ELSE t.due END END,
       CASE WHEN v.nsteps > 0 THEN interval '0' END,
       CASE WHEN f.status = 'resolved' THEN f.end_at END,
       CASE WHEN f.status <> 'resolved' THEN NULL
            WHEN f.end_at > t.due THEN 'late'
            WHEN (f.end_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (t.due AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                 AND tthc.is_working_day((f.end_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'vn') THEN 'early'
            ELSE 'on_time' END,
       CASE WHEN g.over_at IS NOT NULL THEN t.due END,
       CASE WHEN b.received_at < timestamptz '2025-07-01 00:00+07' THEN 'ND61_2018' ELSE 'ND118_2025' END,
       1 + (g.proc_at IS NOT NULL)::int + (g.over_at IS NOT NULL)::int + (NOT f.open)::int,
       CASE WHEN b.r6 < 0.4 THEN CASE WHEN b.channel = 2 AND b.r6 < 0.3 THEN 'online' ELSE 'offline' END END,
       b.r7 < 0.8,
       f.status = 'resolved' AND b.r7 >= 0.3 AND b.r7 < 0.8
FROM b
JOIN ver v ON v.id = b.vid AND v.ch = b.channel
-- the deadline as the guard computes it: tthc.deadline, or for a procedure
-- with its own same-day cut-off, tthc.lawful_due of the dossier so far
CROSS JOIN LATERAL (
  SELECT CASE WHEN v.same_day_cutoff IS NULL THEN tthc.deadline(b.received_at, v.lim, 'vn')
              ELSE tthc.lawful_due(jsonb_populate_record(NULL::tthc.dossier, jsonb_build_object(
                     'clock_started_at', b.received_at, 'procedure_id', b.vid,
                     'procedure_code', v.code, 'handling_unit', b.unit, 'channel', b.channel,
                     'paused_work', '0')))
         END AS due
  OFFSET 0) t
-- the outcome: finished (at end_at) when due to finish before :now and not
-- stuck, else open at :now
CROSS JOIN LATERAL (
  SELECT x.open,
         CASE WHEN x.open THEN CASE WHEN b.r3 < 0.3 THEN 'received' ELSE 'processing' END
              WHEN b.r3 < 0.01 THEN 'withdrawn' WHEN b.r3 < 0.015 THEN 'stopped' ELSE 'resolved' END AS status,
         CASE WHEN x.open THEN :'now'::timestamptz ELSE x.fin END AS end_at
  FROM (SELECT y.fin, b.r5 < 0.01 OR y.fin > :'now'::timestamptz AS open
        FROM (SELECT b.received_at + (t.due - b.received_at) * (0.2 + 0.9 * b.r4) AS fin) y) x
  OFFSET 0) f
-- the events between reception and the end (the log below derives the same
-- times from the columns): processing after a tenth of the time to the end
-- or the deadline, overdue five minutes after the deadline
CROSS JOIN LATERAL (
  SELECT CASE WHEN f.status <> 'received'
              THEN b.received_at + (least(f.end_at, t.due) - b.received_at) * 0.1 END AS proc_at,
         CASE WHEN t.due < f.end_at THEN least(t.due + interval '5 minutes', f.end_at) END AS over_at
  OFFSET 0) g;
SELECT clock_timestamp() AS events_start \gset

-- The log, from the dossiers' columns.  Its statement trigger refuses
-- INSERT even under replica (ENABLE ALWAYS): lifted for the load only.
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, from_status, to_status, unit,
                                old_due_at, new_due_at, actor, recorded_at)
SELECT d.id, e.seq, e.at, e.kind, e.from_status, e.to_status, d.handling_unit,
       e.old_due, e.new_due, 'bench', e.at
FROM tthc.dossier d
CROSS JOIN LATERAL (
  SELECT d.status NOT IN ('received', 'processing') AS closed,
         CASE WHEN d.status IN ('received', 'processing') THEN :'now'::timestamptz ELSE d.changed_at END AS end_at
  OFFSET 0) c
CROSS JOIN LATERAL (
  SELECT CASE WHEN d.status <> 'received'
              THEN d.received_at + (least(c.end_at, d.due_at) - d.received_at) * 0.1 END AS proc_at,
         CASE WHEN d.overdue_since IS NOT NULL THEN least(d.due_at + interval '5 minutes', c.end_at) END AS over_at
  OFFSET 0) g
CROSS JOIN LATERAL (VALUES
  (1, d.received_at, 'status', NULL::tthc.dossier_status, 'received'::tthc.dossier_status,
   NULL::timestamptz, d.due_at),
  (2, g.proc_at, 'status', 'received', 'processing', NULL, NULL),
  (2 + (g.proc_at IS NOT NULL)::int, g.over_at, 'overdue', NULL, NULL, d.due_at, NULL),
  (d.event_seq, CASE WHEN c.closed THEN d.changed_at END, 'status', 'processing', d.status, NULL, NULL)
) e(seq, at, kind, from_status, to_status, old_due, new_due)
WHERE e.at IS NOT NULL;
ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only;
SELECT clock_timestamp() AS ratings_start \gset

-- ratings: one in ten resolved, given within two days of the resolution
INSERT INTO tthc.rating (dossier_id, rating, rated_at)
SELECT id, CASE WHEN r < 0.5 THEN 'very_satisfied' WHEN r < 0.9 THEN 'satisfied' ELSE 'unsatisfied' END,
       least(finished_at + r * interval '2 days', :'now'::timestamptz)
FROM (SELECT id, finished_at, random() AS r FROM tthc.dossier WHERE status = 'resolved' AND random() < 0.1 OFFSET 0) x;

RESET session_replication_role;
VACUUM (ANALYZE) tthc.dossier, tthc.dossier_event, tthc.rating;
-- the rebuild and the measurements run with the cluster's memory settings,
-- printed below (report() sorts its report_day rows, the baseline its
-- dossiers: both times depend on work_mem); the load's are for the load only
RESET work_mem;
RESET maintenance_work_mem;
SELECT round(extract(epoch FROM clock_timestamp() - :'load_start'::timestamptz)) AS load_s,
       round(extract(epoch FROM :'events_start'::timestamptz - :'load_start'::timestamptz)) AS load_dossiers_s,
       round(extract(epoch FROM :'ratings_start'::timestamptz - :'events_start'::timestamptz)) AS load_events_s,
       pg_size_pretty(pg_total_relation_size('tthc.dossier')) AS size,
       pg_size_pretty(pg_total_relation_size('tthc.dossier_event')) AS events_size \gset

-- what was loaded, and that the log agrees with the dossiers
SELECT count(*) AS total,
       count(*) FILTER (WHERE status IN ('received', 'processing')) AS open_now,
       count(*) FILTER (WHERE status = 'resolved') AS resolved_now,
       count(*) FILTER (WHERE overdue_since IS NOT NULL AND status IN ('received', 'processing')) AS overdue_now,
       count(*) FILTER (WHERE received_at < timestamptz '2025-01-01 00:00+07'
                           OR received_at >= timestamptz '2026-01-01 00:00+07') AS outside_year,
       sum(event_seq) AS seq_sum,
       count(*) FILTER (WHERE changed_at > :'now'::timestamptz OR due_at IS NULL) AS bad_rows
FROM tthc.dossier \gset
SELECT count(*) AS events, count(*) FILTER (WHERE at > :'now'::timestamptz) AS future_events FROM tthc.dossier_event \gset
SELECT count(*) AS ratings FROM tthc.rating \gset

-- the one-off maintenance cost: the sums from the log, after the bulk load
SELECT clock_timestamp() AS rebuild_start \gset
SELECT tthc.report_rebuild() AS day_rows \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'rebuild_start'::timestamptz), 1) AS rebuild_s \gset
VACUUM (ANALYZE) tthc.report_day, tthc.report_month, tthc.report_delta;
SELECT count(*) AS day_rows_counted, count(DISTINCT unit) AS day_units, count(DISTINCT field) AS day_fields,
       count(DISTINCT day) AS day_days, pg_size_pretty(pg_total_relation_size('tthc.report_day')) AS day_size,
       (SELECT count(*) FROM tthc.report_delta) AS delta_rows,
       (SELECT count(*) FROM tthc.report_month) AS month_rows
FROM tthc.report_day \gset

-- The hand-written report.  It counts from the dossier's present columns
-- (received_at, finished_at, result, status, changed_at, due_at), which on
-- this load agree with the log, but in general keep only the latest state
-- (a supplement requested and brought back leaves no trace; a status's time
-- is changed_at only while nothing changed since):
--   carried_over  received before the period, not finished before it
--                 (finished: finished_at if resolved, else changed_at if
--                 withdrawn, refused or stopped)
--   received      received in the period, by channel
--   resolved      finished_at in the period, by result
--   in_progress   received before the end, not finished before it; overdue
--                 those past due_at by then; awaiting_supplement the present
--                 status
--   supplement_requests  NULL: only the log knows them
--   withdrawn, refused, stopped  that status, changed_at in the period
--   on_time_rate  as report(); avg_work the elapsed (not working) time
--                 finished_at - clock_started_at - paused_work
-- :lo and :hi are the period's bounds as local midnights.
CREATE FUNCTION pg_temp.baseline(lo timestamptz, hi timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  SELECT CASE WHEN grouping(d.handling_unit, p.field) = 0 THEN 'field'
              WHEN grouping(d.handling_unit, p.field) = 1 THEN 'unit' ELSE 'total' END AS level,
         d.handling_unit AS unit, CASE WHEN grouping(p.field) = 0 THEN p.field END AS field,
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
         NULL::bigint AS supplement_requests,
         count(*) FILTER (WHERE d.status = 'withdrawn' AND d.changed_at >= %1$L AND d.changed_at < %2$L) AS withdrawn,
         count(*) FILTER (WHERE d.status = 'refused' AND d.changed_at >= %1$L AND d.changed_at < %2$L) AS refused,
         count(*) FILTER (WHERE d.status = 'stopped' AND d.changed_at >= %1$L AND d.changed_at < %2$L) AS stopped,
         round(count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result <> 'late')::numeric
               / nullif(count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L), 0), 4) AS on_time_rate,
         avg(d.finished_at - d.clock_started_at - d.paused_work)
           FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L) AS avg_work
  FROM tthc.dossier d
  LEFT JOIN tthc.procedure p ON p.id = d.procedure_id
  CROSS JOIN LATERAL (
    SELECT CASE WHEN d.status IN ('resolved', 'returned') THEN d.finished_at
                WHEN d.status IN ('withdrawn', 'refused', 'stopped') THEN d.changed_at END AS end_at) x
  WHERE d.received_at < %2$L
    AND d.handling_unit IN (SELECT u.code FROM tthc.unit u WHERE u.code = 'H22' OR u.parent = 'H22')
  GROUP BY GROUPING SETS ((d.handling_unit, p.field), (d.handling_unit), ())
  ORDER BY grouping(d.handling_unit, p.field) = 3, d.handling_unit, grouping(d.handling_unit, p.field) = 1, p.field$q$,
  lo, hi)
$f$;
-- the 766 ratios by hand: the same sums over the dossiers received (or
-- resolved, or rated) in the period
CREATE FUNCTION pg_temp.baseline_766(lo timestamptz, hi timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  SELECT count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result <> 'late') AS in_time,
         count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L) AS resolved,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.received_at < %2$L) AS received,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.received_at < %2$L AND p.online_service IS NOT NULL) AS offered,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.received_at < %2$L AND p.online_service IS NOT NULL
                            AND d.channel = 2) AS offered_online,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.received_at < %2$L AND d.payment IS NOT NULL) AS with_fee,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.received_at < %2$L AND d.payment = 'online') AS paid_online,
         count(*) FILTER (WHERE d.received_at >= %1$L AND d.received_at < %2$L AND d.digitised) AS digitised,
         count(*) FILTER (WHERE d.finished_at >= %1$L AND d.finished_at < %2$L AND d.result_electronic) AS e_result,
         count(r.rating) FILTER (WHERE r.rated_at >= %1$L AND r.rated_at < %2$L) AS rated,
         count(r.rating) FILTER (WHERE r.rated_at >= %1$L AND r.rated_at < %2$L AND r.rating <> 'unsatisfied') AS satisfied
  FROM tthc.dossier d
  LEFT JOIN tthc.procedure p ON p.id = d.procedure_id
  LEFT JOIN tthc.rating r ON r.dossier_id = d.id
  WHERE d.handling_unit IN (SELECT u.code FROM tthc.unit u WHERE u.code = 'H22' OR u.parent = 'H22')$q$, lo, hi)
$f$;

-- The year's report against count(*) over the dossiers, then row by row
-- against the baseline.  Received and resolved must agree exactly (the load
-- has one reception and at most one resolution per dossier, all in the
-- log); the stocks are compared too and printed.
CREATE TEMP TABLE rep AS SELECT * FROM tthc.report('H22', :'year');
SELECT received AS rep_received, received_in_person AS rep_in_person, received_online AS rep_online,
       received_postal AS rep_postal, resolved AS rep_resolved, resolved_early AS rep_early,
       resolved_on_time AS rep_on_time, resolved_late AS rep_late, in_progress AS rep_in_progress,
       in_progress_overdue AS rep_overdue, withdrawn AS rep_withdrawn, stopped AS rep_stopped,
       carried_over AS rep_carried
FROM rep WHERE level = 'total' \gset
SELECT count(*) AS cnt_received,
       count(*) FILTER (WHERE channel = 1) AS cnt_in_person,
       count(*) FILTER (WHERE channel = 2) AS cnt_online,
       count(*) FILTER (WHERE channel = 3) AS cnt_postal,
       count(*) FILTER (WHERE status = 'resolved' AND finished_at < timestamptz '2026-01-01 00:00+07') AS cnt_resolved,
       count(*) FILTER (WHERE status = 'resolved' AND finished_at < timestamptz '2026-01-01 00:00+07' AND result = 'early') AS cnt_early,
       count(*) FILTER (WHERE status = 'resolved' AND finished_at < timestamptz '2026-01-01 00:00+07' AND result = 'on_time') AS cnt_on_time,
       count(*) FILTER (WHERE status = 'resolved' AND finished_at < timestamptz '2026-01-01 00:00+07' AND result = 'late') AS cnt_late
FROM tthc.dossier
WHERE received_at >= timestamptz '2025-01-01 00:00+07' AND received_at < timestamptz '2026-01-01 00:00+07' \gset
SELECT pg_temp.baseline('2025-01-01 00:00+07', '2026-01-01 00:00+07') AS q_base_year \gset
CREATE TEMP TABLE base AS :q_base_year;
SELECT count(*) AS cmp_rows,
       count(*) FILTER (WHERE (r.received, r.received_in_person, r.received_online, r.received_postal,
                               r.resolved, r.resolved_early, r.resolved_on_time, r.resolved_late)
                              IS DISTINCT FROM
                              (b.received, b.received_in_person, b.received_online, b.received_postal,
                               b.resolved, b.resolved_early, b.resolved_on_time, b.resolved_late)) AS cmp_flows,
       count(*) FILTER (WHERE (r.carried_over, r.in_progress, r.withdrawn, r.refused, r.stopped)
                              IS DISTINCT FROM
                              (b.carried_over, b.in_progress, b.withdrawn, b.refused, b.stopped)) AS cmp_stocks,
       count(*) FILTER (WHERE r.in_progress_overdue IS DISTINCT FROM b.in_progress_overdue) AS cmp_overdue
FROM rep r
FULL JOIN base b ON b.level = r.level AND coalesce(b.unit, '') = coalesce(r.unit, '')
                AND coalesce(b.field, '') = coalesce(r.field, '') \gset
SELECT count(*) AS rep_rows FROM rep \gset
SELECT (:rep_received, :rep_in_person, :rep_online, :rep_postal, :rep_resolved, :rep_early, :rep_on_time, :rep_late)
       = (:cnt_received, :cnt_in_person, :cnt_online, :cnt_postal, :cnt_resolved, :cnt_early, :cnt_on_time, :cnt_late)
       AND :cnt_received = :total AND :cmp_flows = 0 AS sane \gset
\if :sane
\else
  SELECT set_config('bench.detail', format(
    'report(): received %s (%s/%s/%s), resolved %s (%s/%s/%s); count(*) over tthc.dossier: received %s (%s/%s/%s) of %s loaded, resolved %s (%s/%s/%s); %s of %s rows differ from the baseline on received/resolved',
    :rep_received, :rep_in_person, :rep_online, :rep_postal, :rep_resolved, :rep_early, :rep_on_time, :rep_late,
    :cnt_received, :cnt_in_person, :cnt_online, :cnt_postal, :total, :cnt_resolved, :cnt_early, :cnt_on_time, :cnt_late,
    :cmp_flows, :cmp_rows), false) \g /dev/null
  DO $$ BEGIN
    RAISE EXCEPTION 'INCONSISTENT: tthc.report() does not count the year''s dossiers'
      USING DETAIL = current_setting('bench.detail');
  END $$;
\endif

-- The measurements, in two layouts of tthc.report_day: as report_rebuild()
-- left it, then in day order (CLUSTER on its day index), the order in which
-- a live system's sweeps fold the days in.  report() sorts the rows it
-- reads by unit and field, and a sort is cheaper on rows already in that
-- order.  count(r.*) reads every column of every row, so that the planner
-- cannot drop the baseline's unused aggregates.
CREATE TEMP TABLE report_query (id int PRIMARY KEY, layout text, role text, label text, sql text);
INSERT INTO report_query VALUES
  (1, 'rebuilt', 'floor', 'count(*) FROM tthc.dossier',
      'SELECT count(*) FROM tthc.dossier'),
  (2, 'rebuilt', 'info', 'count(*) FROM tthc.report_day',
      'SELECT count(*) FROM tthc.report_day'),
  (3, 'rebuilt', 'tthc', 'report(''H22'', 2025)',
      format('SELECT count(r.*) FROM tthc.report(%L, %L) r', 'H22', :'year')),
  (4, 'rebuilt', 'baseline', 'by hand over tthc.dossier, 2025',
      format('SELECT count(r.*) FROM (%s) r', pg_temp.baseline('2025-01-01 00:00+07', '2026-01-01 00:00+07'))),
  (5, 'rebuilt', 'tthc', 'report(''H22'', 2025-12)',
      format('SELECT count(r.*) FROM tthc.report(%L, %L) r', 'H22', :'month')),
  (6, 'rebuilt', 'baseline', 'by hand over tthc.dossier, 2025-12',
      format('SELECT count(r.*) FROM (%s) r', pg_temp.baseline('2025-12-01 00:00+07', '2026-01-01 00:00+07'))),
  (7, 'rebuilt', 'tthc', 'indicators_766(''H22'', 2025)',
      format('SELECT count(r.*) FROM tthc.indicators_766(%L, %L) r', 'H22', :'year')),
  (8, 'rebuilt', 'baseline', '766 sums by hand over tthc.dossier, 2025',
      format('SELECT count(r.*) FROM (%s) r', pg_temp.baseline_766('2025-01-01 00:00+07', '2026-01-01 00:00+07'))),
  (9, 'rebuilt', 'tthc', 'report(''H22'', 2025-01-15..12-14)',
      format('SELECT count(r.*) FROM tthc.report(%L, %L) r', 'H22', :'part')),
  (10, 'rebuilt', 'baseline', 'by hand over tthc.dossier, 01-15..12-14',
      format('SELECT count(r.*) FROM (%s) r', pg_temp.baseline('2025-01-15 00:00+07', '2025-12-15 00:00+07')));
-- in day order: the floor again (a disturbance between the two layouts
-- shows in it), and the tthc queries (the baselines do not read report_day)
INSERT INTO report_query
SELECT id + 10, 'by_day', role, label, sql FROM report_query WHERE id IN (1, 2, 3, 5, 7, 9);
CREATE TEMP TABLE report_timing (id int, run int, ms float8, rows bigint);

-- bench_run: a warm-up round (shared buffers, caches), then the timed
-- rounds; every query of the layout once per round, so that a disturbance
-- hits them alike
SELECT set_config('bench.runs', :'runs', false) \g /dev/null
CREATE PROCEDURE pg_temp.bench_run(layout text)
LANGUAGE plpgsql AS $$
DECLARE
  runs int := current_setting('bench.runs')::int;
  q record;
  t0 timestamptz;
  c bigint;
BEGIN
  FOR r IN 0 .. runs LOOP
    FOR q IN SELECT id, sql FROM report_query WHERE report_query.layout = bench_run.layout ORDER BY id LOOP
      t0 := clock_timestamp();
      EXECUTE q.sql INTO c;
      IF r > 0 THEN
        INSERT INTO report_timing VALUES (q.id, r, extract(epoch FROM clock_timestamp() - t0) * 1000, c);
      END IF;
    END LOOP;
  END LOOP;
END $$;
-- the physical order of a layout: how closely report_day's rows follow
-- unit, and day (pg_stats.correlation, 1 = in that order)
SELECT format('unit %s, day %s',
              round(max(correlation) FILTER (WHERE attname = 'unit')::numeric, 2),
              round(max(correlation) FILTER (WHERE attname = 'day')::numeric, 2)) AS order_rebuilt
FROM pg_stats WHERE schemaname = 'tthc' AND tablename = 'report_day' \gset
CALL pg_temp.bench_run('rebuilt');
CLUSTER tthc.report_day USING report_day_day_idx;
ANALYZE tthc.report_day;
SELECT format('unit %s, day %s',
              round(max(correlation) FILTER (WHERE attname = 'unit')::numeric, 2),
              round(max(correlation) FILTER (WHERE attname = 'day')::numeric, 2)) AS order_by_day
FROM pg_stats WHERE schemaname = 'tthc' AND tablename = 'report_day' \gset
CALL pg_temp.bench_run('by_day');

CREATE TEMP VIEW report_best AS
SELECT q.id, q.layout, q.role, q.label, max(t.rows) AS rows, min(t.ms) AS best,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median
FROM report_query q JOIN report_timing t USING (id) GROUP BY q.id, q.layout, q.role, q.label;
SELECT (SELECT best FROM report_best WHERE id = 1) AS floor_ms,
       (SELECT best FROM report_best WHERE id = 11) AS floor2_ms,
       (SELECT best FROM report_best WHERE id = 3) AS rb_year_ms,
       (SELECT best FROM report_best WHERE id = 4) AS base_year_ms,
       (SELECT best FROM report_best WHERE id = 5) AS rb_month_ms,
       (SELECT best FROM report_best WHERE id = 6) AS base_month_ms,
       (SELECT best FROM report_best WHERE id = 7) AS rb_ind_ms,
       (SELECT best FROM report_best WHERE id = 8) AS base_ind_ms,
       (SELECT best FROM report_best WHERE id = 13) AS year_ms,
       (SELECT best FROM report_best WHERE id = 15) AS month_ms,
       (SELECT best FROM report_best WHERE id = 17) AS ind_ms,
       (SELECT best FROM report_best WHERE id = 9) AS rb_part_ms,
       (SELECT best FROM report_best WHERE id = 10) AS base_part_ms,
       (SELECT best FROM report_best WHERE id = 19) AS part_ms \gset

\pset format unaligned
\pset tuples_only on
SELECT format('report: %s dossiers (%s) received in 2025 at %s units, %s procedure fields; %s open and %s of them overdue at %s; %s events (%s), %s ratings; loaded in %s s (dossiers %s s, events %s s)',
              :total, :'size', (SELECT count(*) FROM tthc.unit), :nfields, :open_now, :overdue_now, :'now',
              :events, :'events_size', :ratings, :load_s, :load_dossiers_s, :load_events_s)
       || CASE WHEN :events = :seq_sum AND :future_events = 0 AND :bad_rows = 0 AND :outside_year = 0 AND :nofield = 0
               THEN '' ELSE '  -- INCONSISTENT (the load, not tthc)' END;
SELECT format('report: settings: work_mem %s, shared_buffers %s, max_parallel_workers_per_gather %s, jit %s, TimeZone %s',
              current_setting('work_mem'), current_setting('shared_buffers'),
              current_setting('max_parallel_workers_per_gather'), current_setting('jit'), current_setting('TimeZone'));
SELECT format('report: tthc.report_rebuild() in %s s (once, after the bulk load): %s rows in tthc.report_day (%s; %s units x %s fields x %s days), %s in tthc.report_month, %s left in tthc.report_delta',
              :rebuild_s, :day_rows, :'day_size', :day_units, :day_fields, :day_days, :month_rows, :delta_rows)
       || CASE WHEN :day_rows = :day_rows_counted AND :delta_rows = 0 THEN '' ELSE '  -- INCONSISTENT' END;
SELECT format('report: year check: report() total received %s (%s in person, %s online, %s postal), resolved %s (%s early, %s on time, %s late) = count(*) over tthc.dossier; %s rows, all agreeing with the baseline on received and resolved',
              :rep_received, :rep_in_person, :rep_online, :rep_postal, :rep_resolved, :rep_early, :rep_on_time, :rep_late, :rep_rows);
SELECT format('report: year stocks: carried over %s, in progress at the end %s (%s overdue), withdrawn %s, stopped %s; rows differing from the baseline: %s on carried_over/in_progress/withdrawn/refused/stopped, %s on in_progress_overdue (the log''s flag vs due_at < end)',
              :rep_carried, :rep_in_progress, :rep_overdue, :rep_withdrawn, :rep_stopped, :cmp_stocks, :cmp_overdue);
SELECT line FROM (
  SELECT id, format('report: %-9s %-44s %8s rows %10s ms best %10s ms median %9s x floor',
                    role, label, rows, to_char(best, 'FM9999990.0'), to_char(median, 'FM9999990.0'),
                    to_char(best / CASE WHEN layout = 'rebuilt' THEN :floor_ms ELSE :floor2_ms END, 'FM9990.000')) AS line
  FROM report_best
  UNION ALL
  SELECT 0, format('report: best and median of %s rounds after a warm-up; tthc.report_day as report_rebuild() left it (correlation %s):',
                   :runs, :'order_rebuilt')
  UNION ALL
  SELECT 10, format('report: tthc.report_day in day order, as daily folding leaves it (correlation %s):', :'order_by_day')
) l ORDER BY id;
SELECT format('report: baseline / tthc, best times, report_day in day order: year %sx, month %sx, mid-month to mid-month %sx, 766 ratios %sx (as rebuilt: %sx, %sx, %sx)',
              to_char(:base_year_ms / :year_ms, 'FM999990.0'), to_char(:base_month_ms / :month_ms, 'FM999990.0'),
              to_char(:base_part_ms / :part_ms, 'FM999990.0'),
              to_char(:base_ind_ms / :ind_ms, 'FM999990.0'),
              to_char(:base_year_ms / :rb_year_ms, 'FM999990.0'), to_char(:base_month_ms / :rb_month_ms, 'FM999990.0'),
              to_char(:base_ind_ms / :rb_ind_ms, 'FM999990.0'));
SELECT format('RESULT report dossiers=%s day_rows=%s load_s=%s rebuild_s=%s runs=%s floor_ms=%s year_ms=%s month_ms=%s indicators_ms=%s rebuilt_year_ms=%s rebuilt_month_ms=%s rebuilt_indicators_ms=%s baseline_year_ms=%s baseline_month_ms=%s baseline_766_ms=%s ratio_year=%s ratio_month=%s ratio_766=%s part_ms=%s rebuilt_part_ms=%s baseline_part_ms=%s ratio_part=%s target_ms=1000 %s',
              :total, :day_rows, :load_s, :rebuild_s, :runs, round(:floor_ms::numeric, 1),
              round(:year_ms::numeric, 1), round(:month_ms::numeric, 1), round(:ind_ms::numeric, 1),
              round(:rb_year_ms::numeric, 1), round(:rb_month_ms::numeric, 1), round(:rb_ind_ms::numeric, 1),
              round(:base_year_ms::numeric, 1), round(:base_month_ms::numeric, 1), round(:base_ind_ms::numeric, 1),
              round((:base_year_ms / :year_ms)::numeric, 1), round((:base_month_ms / :month_ms)::numeric, 1),
              round((:base_ind_ms / :ind_ms)::numeric, 1),
              round(:part_ms::numeric, 1), round(:rb_part_ms::numeric, 1), round(:base_part_ms::numeric, 1),
              round((:base_part_ms / :part_ms)::numeric, 1),
              CASE WHEN greatest(:year_ms, :month_ms, :ind_ms, :part_ms, :rb_year_ms, :rb_month_ms, :rb_ind_ms, :rb_part_ms) < 1000
                   THEN 'PASS' ELSE 'MISS' END);
