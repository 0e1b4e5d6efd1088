-- test/bench/sweep.sql: tthc.sweep() on a large dossier table.  Loads about
-- :scale dossiers with the guard trigger off (session_replication_role =
-- replica), every computed column filled as tthc would have (due_at equal
-- to tthc.lawful_due, results judged, events counted in event_seq):
--   closed  nine in ten: resolved or returned, received in 2025
--   open    one in ten (exactly :scale / 10): received or processing, due
--           after the sweep time, not flagged; warned (due_soon_at) when due
--           within tthc.warn_before; except exactly 1000 whose deadline
--           passed in the 90 minutes before the sweep time (newly overdue)
-- then VACUUM ANALYZE, and times SELECT * FROM tthc.sweep(at), best of
-- :runs, each run in a transaction that is rolled back (the first run flags
-- them), checking that each flagged exactly the 1000 and logged 1000
-- 'overdue' events.  Run by scripts/bench.sh in a database of its own after
-- CREATE EXTENSION tthc.  psql variables (optional): scale (default
-- 10000000; closed dossiers are a whole number per unit and day, so the
-- total is approximate and printed), runs (default 5).  Prints one line per
-- measurement.
\set ON_ERROR_STOP 1
\if :{?scale}
\else
  \set scale 10000000
\endif
\if :{?runs}
\else
  \set runs 5
\endif
-- the sweep time: a Monday morning in the past (event times never lie in the future)
\set at '2026-03-16 10:00+07'
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';

SELECT setseed(0.2026) \g /dev/null
\ir catalogue.sql

SELECT greatest(10000, round(:scale / 10000.0) * 10000)::bigint AS n \gset
SELECT :n / 10 AS nopen, :n - :n / 10 AS nclosed, 1000 AS nover,
       tthc.due_soon_horizon(:'at') AS horizon \gset

-- The load: plain inserts (the guard trigger does not fire), in reception
-- order.  Every expression is computed once per row (OFFSET 0 keeps each
-- LATERAL step from being inlined into the next).
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '2GB';
SELECT clock_timestamp() AS load_start \gset

-- Closed dossiers were received on the working days of 2025-01-02 .. 2026-01-09,
-- each unit receiving the same number every day (30 % at the province
-- centre), spread evenly over office hours; open ones since, on the current
-- version of their procedure, such that they are running at the sweep time.
CREATE TEMP TABLE days AS
SELECT d::date AS day
FROM generate_series(date '2025-01-01', date '2026-01-09', interval '1 day') d
WHERE tthc.is_working_day(d::date, 'vn');
CREATE TEMP TABLE units AS
SELECT code, CASE WHEN level = 'province' THEN 0.3 ELSE 0.7 / 54 END AS share
FROM tthc.unit;
SELECT count(*) AS ndays FROM days \gset
CREATE TEMP TABLE units_per_day AS
SELECT code, greatest(1, round(share * :nclosed / :ndays))::int AS per_day FROM units;
-- the procedure versions, with the limit of each channel and the working
-- time it stands for ('days' and 'same day' have none)
CREATE TEMP TABLE ver AS
SELECT v.id, v.code, v.same_day_cutoff, v.valid_from, v.valid_to,
       l.ch, l.lim, tthc.time_limit_unit(l.lim) AS unit_kind,
       tthc.time_limit_amount(l.lim) *
         CASE tthc.time_limit_unit(l.lim) WHEN 'working_days' THEN interval '8 hours'
                                          ELSE interval '1 hour' END AS work,
       (SELECT count(*) FROM tthc.procedure_step s WHERE s.procedure_id = v.id) AS nsteps
FROM tthc.procedure v
CROSS JOIN LATERAL (VALUES (1::smallint, v.time_limit), (3::smallint, v.time_limit),
                           (2::smallint, coalesce(v.online_time_limit, v.time_limit))) l(ch, lim);
CREATE UNIQUE INDEX ON ver (id, ch);
-- procedure codes, numbered (a dossier draws k with a skew: a few are
-- popular), with the version ids in force before 2025-07-01 and from then
-- on; and, numbered apart, those with limits in working time, where the
-- newly overdue ones come from
CREATE TEMP TABLE picks AS
SELECT row_number() OVER (ORDER BY c.code)::int AS k, b.id AS before_id, a.id AS after_id,
       (row_number() OVER (PARTITION BY tthc.time_limit_unit(a.time_limit) IN ('working_days', 'working_hours')
                           ORDER BY c.code))::int AS kw,
       tthc.time_limit_unit(a.time_limit) IN ('working_days', 'working_hours') AS working
FROM (SELECT DISTINCT code FROM tthc.procedure) c
JOIN tthc.procedure b ON b.code = c.code AND date '2025-06-30' BETWEEN b.valid_from AND coalesce(b.valid_to, 'infinity')
JOIN tthc.procedure a ON a.code = c.code AND date '2026-03-16' BETWEEN a.valid_from AND coalesce(a.valid_to, 'infinity');
SELECT count(*) AS ncodes, count(*) FILTER (WHERE working) AS nworking FROM picks \gset

INSERT INTO tthc.dossier (code, procedure_code, procedure_id, receiving_unit, handling_unit, channel,
  applicant_name, applicant_id, applicant_phone, applicant_address, submitted_at, received_at,
  status, changed_at, due_at, clock_started_at, paused_work, step, step_unit, step_started_at,
  step_due_at, step_paused_work, finished_at, returned_at, result, overdue_since, due_soon_at,
  regime, event_seq)
WITH closed_rows AS (
  SELECT format('%s-%s-%s', u.code, to_char(d.day, 'YYMMDD'), to_char(n, 'FM99990000')) AS code,
         u.code AS unit,
         CASE WHEN d.day < date '2025-07-01' THEN p.before_id ELSE p.after_id END AS vid,
         r.channel, false AS open, false AS newly_overdue,
         -- the n-th of the day, at the (n - 1/2)/per_day of the 8 office hours
         (d.day + CASE WHEN w.s < 14400 THEN time '07:30' + w.s * interval '1 second'
                       ELSE time '13:00' + (w.s - 14400) * interval '1 second' END)
           AT TIME ZONE 'Asia/Ho_Chi_Minh' AS received_at,
         r.r3, r.r4, r.r5
  FROM days d
  CROSS JOIN units_per_day u
  CROSS JOIN LATERAL generate_series(1, u.per_day) n
  CROSS JOIN LATERAL (SELECT (n - 0.5) / u.per_day * 28800 AS s OFFSET 0) w
  CROSS JOIN LATERAL (
    SELECT 1 + floor(power(random(), 2) * :ncodes)::int AS k,
           ((ARRAY[2, 1, 3])[1 + width_bucket(random(), ARRAY[0.90, 0.98])])::smallint AS channel,
           random() AS r3, random() AS r4, random() AS r5
    WHERE n > 0       -- once per dossier, not once per day
    OFFSET 0) r
  JOIN picks p ON p.k = r.k
), open_picked AS (
  SELECT k, k % (:nopen / :nover) = 0 AS newly_overdue,
         CASE WHEN random() < 0.3 THEN 'H22'
              ELSE format('H22.%s', lpad((1 + floor(random() * 54))::text, 2, '0')) END AS unit,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
  FROM generate_series(1, :nopen) k
), open_rows AS (
  SELECT format('%s-%s-%s', o.unit, to_char(o.received_at, 'YYMMDD'),
                to_char(row_number() OVER (PARTITION BY o.unit, (o.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                                           ORDER BY o.received_at, o.k), 'FM99990000')) AS code,
         o.unit, o.vid, o.channel, true AS open, o.newly_overdue, o.received_at, o.r3, o.r4, o.r5
  FROM (
    SELECT op.*, c.vid, c.channel,
           CASE
             -- newly overdue: received one limit of working time before a
             -- moment of the last 90 minutes, so that its deadline is that moment
             WHEN op.newly_overdue THEN
               tthc.add_working_time(:'at'::timestamptz - op.r3 * interval '90 minutes', -v.work)
             -- running: received less than one limit ago
             WHEN v.unit_kind = 'days' THEN
               :'at'::timestamptz - op.r3 * (tthc.time_limit_amount(v.lim) - 1) * interval '1 day'
             WHEN v.unit_kind = 'same_day' THEN :'at'::timestamptz - op.r3 * interval '150 minutes'
             ELSE tthc.add_working_time(:'at', -(0.98 * op.r3) * v.work)
           END AS received_at
    FROM open_picked op
    JOIN picks p
      ON CASE WHEN op.newly_overdue THEN p.working AND p.kw = 1 + floor(op.r1 * :nworking)::int
              ELSE p.k = 1 + floor(power(op.r1, 2) * :ncodes)::int END
    CROSS JOIN LATERAL (
      SELECT p.after_id AS vid,
             (CASE WHEN op.r2 < 0.90 THEN 2 WHEN op.r2 < 0.98 THEN 1 ELSE 3 END)::smallint AS channel
      OFFSET 0) c
    JOIN ver v ON v.id = c.vid AND v.ch = c.channel
  ) o
)
SELECT b.code, v.code, b.vid, b.unit, b.unit, b.channel,
       'Nguyễn Văn An', lpad((22000000000 + floor(b.r5 * 999999999))::bigint::text, 12, '0'), '0912345678',
       format('Số %s, tổ %s, %s, tỉnh Quảng Ninh', 1 + floor(b.r5 * 200), 1 + floor(b.r4 * 40), b.unit),
       CASE WHEN b.channel = 2 THEN b.received_at - b.r5 * interval '3 days' END,
       b.received_at,
       (CASE WHEN NOT b.open THEN CASE WHEN f.handed_back THEN 'returned' ELSE 'resolved' END
             WHEN b.r4 < 0.3 THEN 'received' ELSE 'processing' END)::tthc.dossier_status,
       -- the latest event: resolution or hand-back; for open ones processing
       -- (or reception) and the due-soon warning
       CASE WHEN NOT b.open THEN coalesce(f.returned, f.finished)
            ELSE greatest(CASE WHEN b.r4 < 0.3 THEN b.received_at
                               ELSE b.received_at + (least(f.warned, :'at'::timestamptz) - b.received_at) * 0.5 END,
                          f.warned)
       END,
       t.due, b.received_at, interval '0',
       CASE WHEN v.nsteps > 0 THEN CASE WHEN b.open THEN 1 ELSE 2 END END,
       CASE WHEN v.nsteps > 0 AND NOT b.open THEN 'H22' END,
       CASE WHEN v.nsteps > 0 THEN
         CASE WHEN b.open THEN b.received_at ELSE tthc.deadline(b.received_at, '1 working day', 'vn') END END,
       CASE WHEN v.nsteps > 0 THEN
         CASE WHEN b.open THEN tthc.deadline(b.received_at, '1 working day', 'vn') ELSE t.due END END,
       CASE WHEN v.nsteps > 0 THEN interval '0' END,
       f.finished, f.returned,
       CASE WHEN b.open THEN NULL
            WHEN f.finished > t.due THEN 'late'
            WHEN (f.finished AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (t.due AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                 AND tthc.is_working_day((f.finished AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'vn') THEN 'early'
            ELSE 'on_time' END,
       NULL::timestamptz,
       f.warned,
       CASE WHEN b.received_at < timestamptz '2025-07-01 00:00+07' THEN 'ND61_2018' ELSE 'ND118_2025' END,
       CASE WHEN NOT b.open THEN 3 + f.handed_back::int
            ELSE 1 + (b.r4 >= 0.3)::int + (f.warned IS NOT NULL)::int END
FROM (SELECT * FROM closed_rows UNION ALL SELECT * FROM open_rows) b
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
-- closed: finished after 20 % to 110 % of the time allowed (about one in
-- nine late); three in ten handed back to the applicant since.  Open and
-- due within tthc.warn_before of the sweep: warned already.
CROSS JOIN LATERAL (
  SELECT fin AS finished,
         CASE WHEN b.r5 < 0.3 THEN fin + b.r3 * interval '2 days' END AS returned,
         NOT b.open AND b.r5 < 0.3 AS handed_back,
         CASE WHEN b.open AND t.due <= :'horizon'::timestamptz
              THEN least(:'at'::timestamptz,
                         greatest(b.received_at, tthc.add_working_time(t.due, '-8 hours'))) END AS warned
  FROM (SELECT CASE WHEN NOT b.open THEN b.received_at + (t.due - b.received_at) * (0.2 + 0.9 * b.r4) END) x(fin)
  OFFSET 0) f;

RESET session_replication_role;
VACUUM (ANALYZE) tthc.dossier;
SELECT round(extract(epoch FROM clock_timestamp() - :'load_start'::timestamptz)) AS load_s,
       pg_size_pretty(pg_total_relation_size('tthc.dossier')) AS size \gset

-- what the sweep will find: running, not flagged, past due by the sweep
-- time; and running, not warned, due before the horizon
SELECT count(*) AS total,
       count(*) FILTER (WHERE status IN ('received', 'processing')) AS open_now,
       count(*) FILTER (WHERE overdue_since IS NULL AND status IN ('received', 'processing')
                          AND due_at < :'at' AND changed_at <= :'at') AS candidates,
       count(*) FILTER (WHERE due_soon_at IS NULL AND overdue_since IS NULL
                          AND status IN ('received', 'processing')
                          AND due_at <= :'horizon' AND due_at >= :'at') AS soon_candidates,
       count(*) FILTER (WHERE changed_at > :'at') AS after_sweep
FROM tthc.dossier \gset

CREATE TEMP TABLE sweep_timing (run int, ms float8, overdue bigint, due_soon bigint, events bigint, flagged bigint);

-- bench: each run in its own transaction, rolled back, so that every run
-- finds the same 1000; the figures are kept in variables across the rollback
SELECT set_config('bench.runs', :'runs', false), set_config('bench.at', :'at', false) \g /dev/null
DO $$
DECLARE
  runs int := current_setting('bench.runs')::int;
  sweep_at timestamptz := current_setting('bench.at')::timestamptz;
  t0 timestamptz;
  res record;
  ms float8[] := '{}';
  od bigint[] := '{}';
  ds bigint[] := '{}';
  ev bigint[] := '{}';
  fl bigint[] := '{}';
  x bigint;
BEGIN
  FOR r IN 1 .. runs LOOP
    t0 := clock_timestamp();
    SELECT * INTO res FROM tthc.sweep(sweep_at);
    ms := ms || extract(epoch FROM clock_timestamp() - t0) * 1000;
    od := od || res.overdue;
    ds := ds || res.due_soon;
    SELECT count(*) INTO x FROM tthc.dossier_event e WHERE e.kind = 'overdue' AND e.at = sweep_at;
    ev := ev || x;
    SELECT count(*) INTO x FROM tthc.dossier d WHERE d.overdue_since IS NOT NULL AND d.changed_at = sweep_at;
    fl := fl || x;
    ROLLBACK;
  END LOOP;
  FOR r IN 1 .. runs LOOP
    INSERT INTO sweep_timing VALUES (r, ms[r], od[r], ds[r], ev[r], fl[r]);
  END LOOP;
  COMMIT;
END $$;

\pset format unaligned
\pset tuples_only on
SELECT format('sweep: %s dossiers (%s), %s open, loaded in %s s; before the sweep: %s past due and not flagged, %s due soon and not warned, %s changed after the sweep time',
              :total, :'size', :open_now, :load_s, :candidates, :soon_candidates, :after_sweep)
       || CASE WHEN :candidates = :nover AND :soon_candidates = 0 AND :after_sweep = 0 AND :open_now = :nopen
               THEN '' ELSE '  -- INCONSISTENT (the load, not tthc)' END;
SELECT format('sweep: run %s: %s ms, overdue %s, due_soon %s, %s overdue events, %s dossiers flagged%s',
              run, round(ms::numeric, 1), overdue, due_soon, events, flagged,
              CASE WHEN overdue = :nover AND events = :nover AND flagged = :nover AND due_soon = 0
                   THEN '' ELSE '  -- INCONSISTENT (expected ' || :nover || ', 0 due soon)' END)
FROM sweep_timing ORDER BY run;
SELECT format('RESULT sweep dossiers=%s open=%s newly_overdue=%s runs=%s best_ms=%s median_ms=%s target_ms=1000 %s',
              :total, :open_now, :candidates, :runs, round(min(ms)::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
              CASE WHEN min(ms) < 1000 THEN 'PASS' ELSE 'MISS' END)
FROM sweep_timing;
