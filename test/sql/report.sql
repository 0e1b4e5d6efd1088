-- The periodic report and the QĐ 766 ratios: a small province whose
-- numbers can be read off by hand, then half a year of random dossiers
-- whose report must agree exactly with a brute-force count over the raw
-- tables, for every unit, field and several periods.  Runs in a database
-- of its own.
CREATE DATABASE tthc_report;
\c tthc_report
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
SET IntervalStyle = 'postgres';
\set VERBOSITY default
\set SHOW_CONTEXT never

INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm PVHCC tỉnh', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22'),
  ('H22.02', 'Trung tâm PVHCC đặc khu Vân Đồn', 'commune', 'H22');
-- all on the province's boundary-free list: the random province below
-- receives at any unit for any other
INSERT INTO tthc.procedure (code, name, field, time_limit, supplement_mode, online_service, boundary_free) VALUES
  ('1.000001', 'khai sinh', 'Hộ tịch', '3 working days', 'restart', 'full', true),
  ('1.000002', 'chứng thực', 'Chứng thực', '1 working day', 'pause', 'partial', true),
  ('1.000003', 'giao đất', 'Đất đai', '10 working days', 'pause', NULL, true),
  ('1.000004', 'không lĩnh vực', NULL, '4 giờ làm việc', 'restart', NULL, true);

-- 1. March 2025 at ward H22.01, by hand.
--   A: received in February, resolved on time in March;
--   B: received in March online, resolved early, paid online, electronic result;
--   C: received in March, late (resolved after its deadline, noticed by the sweep first);
--   D: received in March, awaiting a supplement at the end of March;
--   E: received in March, still running and overdue at the end of March;
--   F: submitted online and refused; G: received and withdrawn.
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at, channel, payment, digitised) VALUES
  ('H22.01-250227-0001', '1.000001', 'H22.01', '2025-02-27 09:00', 1, 'offline', true),
  ('H22.01-250303-0001', '1.000001', 'H22.01', '2025-03-03 08:00', 2, 'online', true),
  ('H22.01-250303-0002', '1.000002', 'H22.01', '2025-03-03 08:30', 1, NULL, false),
  ('H22.01-250304-0001', '1.000003', 'H22.01', '2025-03-04 08:00', 3, NULL, true),
  ('H22.01-250305-0001', '1.000001', 'H22.01', '2025-03-05 08:00', 2, 'offline', false),
  ('H22.01-250306-0001', '1.000002', 'H22.01', '2025-03-06 08:00', 1, NULL, false);
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, channel, status, submitted_at)
VALUES ('H22.01-250307-0001', '1.000001', 'H22.01', 2, 'submitted', '2025-03-07 21:00');
SELECT count(*) AS moves FROM (VALUES
  (tthc.transition('H22.01-250227-0001', 'processing', '2025-02-27 10:00')),
  (tthc.transition('H22.01-250227-0001', 'resolved', '2025-03-04 08:30')),
  (tthc.transition('H22.01-250303-0001', 'processing', '2025-03-03 09:00')),
  (tthc.transition('H22.01-250303-0001', 'resolved', '2025-03-04 16:00')),
  (tthc.transition('H22.01-250303-0002', 'processing', '2025-03-03 09:00')),
  (tthc.transition('H22.01-250304-0001', 'processing', '2025-03-04 09:00')),
  (tthc.transition('H22.01-250304-0001', 'awaiting_supplement', '2025-03-10 09:00')),
  (tthc.transition('H22.01-250305-0001', 'processing', '2025-03-05 09:00')),
  (tthc.transition('H22.01-250307-0001', 'refused', '2025-03-10 08:00')),
  (tthc.transition('H22.01-250306-0001', 'withdrawn', '2025-03-06 10:00'))) m(d);
SELECT overdue FROM tthc.sweep('2025-03-14 10:00');
SELECT count(tthc.transition('H22.01-250303-0002', 'resolved', '2025-03-17 10:00'));
UPDATE tthc.dossier SET result_electronic = true WHERE code = 'H22.01-250303-0001';
INSERT INTO tthc.rating (dossier_id, rating, comment, rated_at)
SELECT id, r, c, finished_at + interval '1 hour'
FROM tthc.dossier, (VALUES ('H22.01-250303-0001', 'very_satisfied', 'nhanh'),
                           ('H22.01-250303-0002', 'unsatisfied', 'trễ hẹn')) v(code_, r, c)
WHERE code = code_;

\x on
SELECT * FROM tthc.report('H22.01', daterange('2025-03-01', '2025-04-01')) WHERE level = 'unit';
\x off
SELECT level, unit, field, carried_over, received, resolved, resolved_early AS early, resolved_on_time AS on_time,
       resolved_late AS late, in_progress, in_progress_overdue AS overdue, awaiting_supplement AS supp,
       withdrawn, refused, on_time_rate, avg_work
FROM tthc.report('H22', '[2025-03-01,2025-03-31]');
SELECT * FROM tthc.indicators_766('H22', '[2025-03-01,2025-03-31]');
-- February alone: A was received and still open at its end
SELECT level, carried_over, received, resolved, in_progress FROM tthc.report('H22.01', '[2025-02-01,2025-03-01)', false);
-- without its children the province centre has nothing of its own: a total of zeros
SELECT level, unit, carried_over, received, resolved, in_progress FROM tthc.report('H22', '[2025-03-01,2025-04-01)', false);

-- errors: unknown unit, empty or null period, null unit
\set ON_ERROR_STOP 0
SELECT * FROM tthc.report('H99', '[2025-03-01,2025-04-01)');
SELECT * FROM tthc.report('H22', 'empty');
SELECT * FROM tthc.indicators_766(NULL, '[2025-03-01,2025-04-01)');
-- the aggregates count by field and online offer: a version with dossiers keeps them
UPDATE tthc.procedure SET field = 'Tư pháp' WHERE code = '1.000001';
-- a dossier is a record; a rating belongs to a finished dossier
DELETE FROM tthc.dossier WHERE code = 'H22.01-250306-0001';
INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'satisfied' FROM tthc.dossier WHERE code = 'H22.01-250305-0001';
INSERT INTO tthc.rating (dossier_id, rating) VALUES (-1, 'satisfied');
\set ON_ERROR_STOP 1

-- 2. Half a year of random dossiers at the three centres, moved through
-- tthc.transition in time order with a sweep every working morning.
SELECT setseed(0.766);
CREATE TEMP TABLE plan (n int, at timestamptz, action text, to_status tthc.dossier_status);
CREATE TEMP TABLE made (n int PRIMARY KEY, code text);
DO $$
DECLARE
  i int;
  t timestamptz;
  r float8;
  done boolean;
BEGIN
  FOR i IN 1..1200 LOOP
    t := timestamptz '2025-01-02 08:00' + (random() * 170)::int * interval '1 day'
         + (random() * 9)::int * interval '1 hour' + (random() * 59)::int * interval '1 minute';
    IF random() < 0.1 THEN
      INSERT INTO plan VALUES (i, t, 'submit', NULL);
      t := t + (random() * 30)::int * interval '1 hour';
      INSERT INTO plan VALUES (i, t, 'move', CASE WHEN random() < 0.4 THEN 'refused' ELSE 'received' END::tthc.dossier_status);
      CONTINUE WHEN (SELECT to_status FROM plan WHERE n = i AND action = 'move') = 'refused';
    ELSE
      INSERT INTO plan VALUES (i, t, 'receive', NULL);
    END IF;
    r := random();
    IF r < 0.05 THEN
      INSERT INTO plan VALUES (i, t + interval '2 hours', 'move', 'withdrawn');
      CONTINUE;
    END IF;
    t := t + (random() * 6)::int * interval '1 hour' + interval '5 minutes';
    INSERT INTO plan VALUES (i, t, 'move', 'processing');
    done := false;
    WHILE NOT done LOOP
      t := t + (random() * 90)::int * interval '1 hour' + interval '10 minutes';
      r := random();
      IF r < 0.15 THEN
        INSERT INTO plan VALUES (i, t, 'move', 'awaiting_supplement');
        t := t + (random() * 120)::int * interval '1 hour' + interval '1 minute';
        INSERT INTO plan VALUES (i, t, 'move', CASE WHEN random() < 0.1 THEN 'withdrawn' ELSE 'processing' END::tthc.dossier_status);
        done := (SELECT count(*) FROM plan WHERE n = i AND to_status = 'withdrawn') > 0;
      ELSIF r < 0.25 THEN
        INSERT INTO plan VALUES (i, t, 'move', 'awaiting_payment');
        t := t + (random() * 48)::int * interval '1 hour' + interval '1 minute';
        INSERT INTO plan VALUES (i, t, 'move', CASE WHEN random() < 0.5 THEN 'resolved' ELSE 'processing' END::tthc.dossier_status);
        done := (SELECT count(*) FROM plan WHERE n = i AND to_status = 'resolved') > 0;
      ELSIF r < 0.28 THEN
        INSERT INTO plan VALUES (i, t, 'move', 'stopped');
        done := true;
      ELSIF r < 0.36 THEN
        done := true;                       -- left open
      ELSE
        INSERT INTO plan VALUES (i, t, 'move', 'resolved');
        IF random() < 0.7 THEN
          INSERT INTO plan VALUES (i, t + interval '1 day', 'move', 'returned');
        END IF;
        done := true;
      END IF;
    END LOOP;
  END LOOP;
  DELETE FROM plan WHERE at > '2025-07-10';   -- what has not happened yet
END $$;
-- a sweep every working morning, and at the end
INSERT INTO plan
SELECT 0, d + interval '7 hours', 'sweep', NULL
FROM generate_series(timestamptz '2025-01-03', '2025-07-10', interval '1 day') d
WHERE tthc.is_working_day(d::date);

DO $$
DECLARE
  p record;
  c text;
  u text[] := ARRAY['H22', 'H22.01', 'H22.02'];
  procs text[] := ARRAY['1.000001', '1.000002', '1.000003', '1.000004'];
BEGIN
  FOR p IN SELECT * FROM plan ORDER BY at, n, to_status LOOP
    IF p.action = 'sweep' THEN
      PERFORM tthc.sweep(p.at);
    ELSIF p.action IN ('receive', 'submit') THEN
      INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, channel, status,
                                submitted_at, received_at, payment, digitised)
      VALUES (procs[1 + (p.n * 7) % 4], u[1 + p.n % 3], u[1 + (p.n / 3) % 3], 1 + (p.n * 5) % 3,
              CASE p.action WHEN 'submit' THEN 'submitted' ELSE 'received' END::tthc.dossier_status,
              CASE p.action WHEN 'submit' THEN p.at END, CASE p.action WHEN 'receive' THEN p.at END,
              (ARRAY[NULL, 'online', 'offline'])[1 + (p.n * 11) % 3], p.n % 4 <> 0)
      RETURNING code INTO c;
      INSERT INTO made VALUES (p.n, c);
    ELSE
      PERFORM tthc.transition((SELECT code FROM made WHERE n = p.n), p.to_status, p.at);
      IF p.to_status = 'resolved' AND p.n % 5 = 0 THEN
        UPDATE tthc.dossier SET result_electronic = true, changed_at = p.at + interval '1 minute'
        WHERE code = (SELECT code FROM made WHERE n = p.n);
      END IF;
    END IF;
  END LOOP;
END $$;
INSERT INTO tthc.rating (dossier_id, rating, rated_at)
SELECT id, (ARRAY['very_satisfied', 'satisfied', 'unsatisfied'])[1 + id % 3], finished_at + interval '3 hours'
FROM tthc.dossier d WHERE finished_at IS NOT NULL AND id % 2 = 0
  AND NOT EXISTS (SELECT FROM tthc.rating r WHERE r.dossier_id = d.id);
-- a rating is the applicant's: once given it is never changed, nor removed
\set ON_ERROR_STOP 0
UPDATE tthc.rating SET rating = 'unsatisfied' WHERE dossier_id % 10 = 0;
DELETE FROM tthc.rating WHERE dossier_id % 10 = 0;
\set ON_ERROR_STOP 1
SELECT count(*) AS dossiers, count(*) FILTER (WHERE overdue_since IS NOT NULL) AS flagged,
       count(DISTINCT status) AS statuses, (SELECT count(*) FROM tthc.rating) AS ratings
FROM tthc.dossier;

-- The brute force: each number by its definition, over the dossiers, the
-- event log and the ratings, at the instants the period starts and ends.
CREATE FUNCTION pg_temp.brute(root text, period daterange)
RETURNS TABLE (unit text, field text, carried_over bigint, received bigint,
               received_in_person bigint, received_online bigint, received_postal bigint,
               resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint,
               in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint,
               awaiting_supplement bigint, supplement_requests bigint,
               withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval)
LANGUAGE sql AS $$
  WITH RECURSIVE scope(code) AS (
    SELECT code FROM tthc.unit WHERE code = root
    UNION SELECT u.code FROM tthc.unit u JOIN scope s ON u.parent = s.code),
  b AS (SELECT coalesce(lower(period)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', '-infinity') AS t0,
               coalesce(upper(period)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', 'infinity') AS t1),
  d AS (
    SELECT d.*, coalesce(p.field, '') AS f FROM tthc.dossier d
    LEFT JOIN LATERAL (SELECT v.field FROM tthc.procedure v
                       WHERE v.id = d.procedure_id OR (d.procedure_id IS NULL AND v.code = d.procedure_code
                             AND v.valid_from <= (d.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                             AND (v.valid_to IS NULL OR v.valid_to >= (d.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date))
                       ORDER BY v.valid_from DESC LIMIT 1) p ON true
    WHERE d.handling_unit IN (SELECT code FROM scope)),
  -- the status and the overdue flag of a dossier at an instant
  state AS (
    SELECT d.id, x.which,
           (SELECT e.to_status FROM tthc.dossier_event e
            WHERE e.dossier_id = d.id AND e.to_status IS NOT NULL AND e.at < x.t
            ORDER BY e.seq DESC LIMIT 1) AS st,
           coalesce((SELECT max(e.seq) FROM tthc.dossier_event e
                     WHERE e.dossier_id = d.id AND e.kind = 'overdue' AND e.at < x.t), 0)
           > coalesce((SELECT max(e.seq) FROM tthc.dossier_event e
                       WHERE e.dossier_id = d.id AND e.new_due_at > e.at AND e.at < x.t), 0) AS flagged
    FROM d, b, LATERAL (VALUES ('start', b.t0), ('end', b.t1)) x(which, t)),
  moves AS (
    SELECT e.dossier_id, e.to_status FROM tthc.dossier_event e, b
    WHERE e.at >= b.t0 AND e.at < b.t1 AND e.to_status IS NOT NULL
      AND e.to_status IS DISTINCT FROM e.from_status),
  per AS (
    SELECT d.handling_unit AS unit, d.f AS field,
      count(*) FILTER (WHERE s0.st IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment')) AS carried_over,
      count(*) FILTER (WHERE d.received_at >= b.t0 AND d.received_at < b.t1 AND d.channel = 1) AS in_person,
      count(*) FILTER (WHERE d.received_at >= b.t0 AND d.received_at < b.t1 AND d.channel = 2) AS online,
      count(*) FILTER (WHERE d.received_at >= b.t0 AND d.received_at < b.t1 AND d.channel = 3) AS postal,
      count(*) FILTER (WHERE d.finished_at >= b.t0 AND d.finished_at < b.t1 AND d.result = 'early') AS early,
      count(*) FILTER (WHERE d.finished_at >= b.t0 AND d.finished_at < b.t1 AND d.result = 'on_time') AS on_time,
      count(*) FILTER (WHERE d.finished_at >= b.t0 AND d.finished_at < b.t1 AND d.result = 'late') AS late,
      count(*) FILTER (WHERE s1.st IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment')) AS open_end,
      count(*) FILTER (WHERE s1.st IN ('received', 'processing') AND s1.flagged
                             -- or flagged later, but past its deadline already
                             OR EXISTS (SELECT FROM tthc.dossier_event e WHERE e.dossier_id = d.id AND e.kind = 'overdue'
                                        AND e.old_due_at < b.t1 AND e.at >= b.t1)) AS overdue_end,
      count(*) FILTER (WHERE s1.st = 'awaiting_supplement') AS supp_end,
      sum((SELECT count(*) FROM moves m WHERE m.dossier_id = d.id AND m.to_status = 'awaiting_supplement')) AS supp_req,
      count(*) FILTER (WHERE EXISTS (SELECT FROM moves m WHERE m.dossier_id = d.id AND m.to_status = 'withdrawn')) AS withdrawn,
      count(*) FILTER (WHERE EXISTS (SELECT FROM moves m WHERE m.dossier_id = d.id AND m.to_status = 'refused')) AS refused,
      count(*) FILTER (WHERE EXISTS (SELECT FROM moves m WHERE m.dossier_id = d.id AND m.to_status = 'stopped')) AS stopped,
      sum(tthc.working_time_between(d.clock_started_at, d.finished_at, 'vn') - d.paused_work)
        FILTER (WHERE d.finished_at >= b.t0 AND d.finished_at < b.t1) AS work
    FROM d CROSS JOIN b
    JOIN state s0 ON s0.id = d.id AND s0.which = 'start'
    JOIN state s1 ON s1.id = d.id AND s1.which = 'end'
    GROUP BY 1, 2)
  SELECT unit, nullif(field, ''), carried_over, in_person + online + postal, in_person, online, postal,
         early + on_time + late, early, on_time, late, open_end, open_end - overdue_end, overdue_end,
         supp_end, supp_req, withdrawn, refused, stopped,
         round((early + on_time)::numeric / nullif(early + on_time + late, 0), 4),
         work / nullif(early + on_time + late, 0)::float8
  FROM per
$$;

-- rows of the report that the brute force does not give, and the reverse
-- (the report also has all-zero rows for a unit and field with anything
-- counted before the period ends)
CREATE FUNCTION pg_temp.differences(root text, period daterange)
RETURNS TABLE (side text, unit text, field text, received bigint, resolved bigint, in_progress bigint)
LANGUAGE sql AS $$
  WITH r AS (SELECT unit, field, carried_over, received, received_in_person, received_online, received_postal,
                    resolved, resolved_early, resolved_on_time, resolved_late, in_progress, in_progress_in_time,
                    in_progress_overdue, awaiting_supplement, supplement_requests, withdrawn, refused, stopped,
                    on_time_rate, avg_work
             FROM tthc.report(root, period) WHERE level = 'field'),
       f AS (SELECT * FROM pg_temp.brute(root, period)
             WHERE (unit, coalesce(field, '')) IN (SELECT unit, coalesce(field, '') FROM r)
                OR carried_over + received + resolved + in_progress + supplement_requests + withdrawn + refused + stopped > 0)
  (SELECT 'report', unit, field, received, resolved, in_progress FROM (SELECT * FROM r EXCEPT SELECT * FROM f) x)
  UNION ALL
  (SELECT 'brute force', unit, field, received, resolved, in_progress FROM (SELECT * FROM f EXCEPT SELECT * FROM r) y)
$$;

-- whole months, partial months around whole ones, two partial months, days
-- inside one month, a single day, open ends: a report reads whole months
-- from tthc.report_month and the rest from tthc.report_day
CREATE TEMP TABLE periods (p daterange PRIMARY KEY);
INSERT INTO periods
VALUES ('[2025-01-01,2025-02-01)'), ('[2025-02-01,2025-04-01)'), ('[2025-03-17,2025-03-18)'),
       ('[2025-04-01,2025-07-01)'), ('[2025-06-30,)'), ('(,2025-05-15)'), ('(,)'),
       ('[2025-02-10,2025-05-20)'), ('[2025-02-10,2025-04-01)'), ('[2025-02-15,2025-03-10)'),
       ('[2025-03-05,2025-03-25)');
SELECT p AS period, count(d.*) AS differences,
       (SELECT count(*) FROM tthc.report('H22', p) WHERE level = 'field') AS rows,
       (SELECT received FROM tthc.report('H22', p) WHERE level = 'total') AS received,
       (SELECT in_progress_overdue FROM tthc.report('H22', p) WHERE level = 'total') AS overdue_at_end
FROM periods
LEFT JOIN LATERAL pg_temp.differences('H22', p) d ON true
GROUP BY p ORDER BY p;
SELECT count(*) AS differences_in_a_ward FROM pg_temp.differences('H22.02', '[2025-02-01,2025-05-01)');

-- the totals add up, and every dossier is accounted for
SELECT bool_and(t.received = u.received AND t.resolved = u.resolved AND t.in_progress = u.in_progress
                AND t.carried_over = u.carried_over) AS totals_add_up,
       bool_and(t.carried_over + t.received = t.resolved + t.withdrawn + t.stopped + t.in_progress) AS stock_and_flow
FROM (SELECT p, r.* FROM unnest(ARRAY['[2025-02-01,2025-04-01)', '[2025-04-01,2025-07-01)']::daterange[]) p,
      tthc.report('H22', p) r WHERE r.level = 'total') t
JOIN (SELECT p, sum(r.received) AS received, sum(r.resolved) AS resolved, sum(r.in_progress) AS in_progress,
             sum(r.carried_over) AS carried_over
      FROM unnest(ARRAY['[2025-02-01,2025-04-01)', '[2025-04-01,2025-07-01)']::daterange[]) p,
      tthc.report('H22', p) r WHERE r.level = 'unit' GROUP BY p) u USING (p);

-- the 766 ratios against their definitions, over whole months and over
-- partial ones around them
CREATE FUNCTION pg_temp.ratios(period daterange)
RETURNS TABLE (grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, agrees boolean)
LANGUAGE sql AS $$
WITH b AS (SELECT lower(period)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS t0,
                  upper(period)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS t1),
brute AS (
  SELECT 'on_time_rate' AS indicator,
         count(*) FILTER (WHERE d.result IN ('early', 'on_time')) AS num, count(*) AS den
  FROM tthc.dossier d, b WHERE d.finished_at >= b.t0 AND d.finished_at < b.t1
  UNION ALL
  SELECT 'digitised_rate', count(*) FILTER (WHERE d.digitised), count(*)
  FROM tthc.dossier d, b WHERE d.received_at >= b.t0 AND d.received_at < b.t1
  UNION ALL
  SELECT 'electronic_result_rate', count(*) FILTER (WHERE d.result_electronic), count(*)
  FROM tthc.dossier d, b WHERE d.finished_at >= b.t0 AND d.finished_at < b.t1
  UNION ALL
  SELECT 'online_rate', count(*) FILTER (WHERE d.channel = 2), count(*)
  FROM tthc.dossier d JOIN tthc.procedure p ON p.id = d.procedure_id, b
  WHERE d.received_at >= b.t0 AND d.received_at < b.t1 AND p.online_service IS NOT NULL
  UNION ALL
  SELECT 'online_payment_rate', count(*) FILTER (WHERE d.payment = 'online'), count(*) FILTER (WHERE d.payment IS NOT NULL)
  FROM tthc.dossier d, b WHERE d.received_at >= b.t0 AND d.received_at < b.t1
  UNION ALL
  SELECT 'satisfaction_rate', count(*) FILTER (WHERE r.rating <> 'unsatisfied'), count(*)
  FROM tthc.rating r, b WHERE r.rated_at >= b.t0 AND r.rated_at < b.t1)
SELECT i.grp, i.indicator, i.numerator, i.denominator, i.ratio,
       (i.numerator, i.denominator) IS NOT DISTINCT FROM (b.num, b.den) AS agrees
FROM tthc.indicators_766('H22', period) WITH ORDINALITY i
LEFT JOIN brute b USING (indicator) ORDER BY i.ordinality
$$;
SELECT * FROM pg_temp.ratios('[2025-02-01,2025-06-01)');
SELECT indicator, numerator, denominator, agrees FROM pg_temp.ratios('[2025-02-10,2025-05-20)');

-- folding the deltas changes nothing; neither does rebuilding from the log
SELECT count(*) > 0 AS deltas_before FROM tthc.report_delta;
CREATE TEMP TABLE before AS SELECT p, r.* FROM unnest(ARRAY['[2025-02-01,2025-04-01)', '(,)']::daterange[]) p,
  tthc.report('H22', p) r;
SELECT tthc.report_compact() > 0 AS folded;
SELECT count(*) AS deltas_after FROM tthc.report_delta;
SELECT count(*) AS differences_after_folding FROM periods, pg_temp.differences('H22', p);
SELECT count(*) AS changed_by_folding FROM (
  SELECT p, r.* FROM unnest(ARRAY['[2025-02-01,2025-04-01)', '(,)']::daterange[]) p, tthc.report('H22', p) r
  EXCEPT SELECT * FROM before) x;
SELECT tthc.report_rebuild() > 0 AS rebuilt;
SELECT count(*) AS differences_after_rebuilding FROM periods, pg_temp.differences('H22', p);
-- the months are the sums of their days
WITH days AS (
  SELECT unit, field, date_trunc('month', day::timestamp)::date AS month, sum(received_online) AS online,
         sum(resolved_late) AS late, sum(open_change) AS open, sum(overdue_change) AS overdue,
         sum(resolved_work) AS work, sum(rated) AS rated
  FROM tthc.report_day GROUP BY 1, 2, 3),
months AS (
  SELECT unit, field, month, received_online, resolved_late, open_change, overdue_change, resolved_work, rated
  FROM tthc.report_month)
SELECT (SELECT count(*) FROM months) AS months,
       (SELECT count(*) FROM (TABLE days EXCEPT TABLE months) x) + (SELECT count(*) FROM (TABLE months EXCEPT TABLE days) y)
         AS months_not_their_days;
SELECT count(*) AS changed_by_rebuilding FROM (
  SELECT p, r.* FROM unnest(ARRAY['[2025-02-01,2025-04-01)', '(,)']::daterange[]) p, tthc.report('H22', p) r
  EXCEPT SELECT * FROM before) x;

-- a rolled-back transaction leaves no sums behind; neither does a statement
-- that fails after its first moves were counted and written
BEGIN;
SELECT count(tthc.transition(code, 'stopped', '2025-07-10 12:00')) AS moved
FROM tthc.dossier WHERE status = 'processing';
SELECT count(*) > 0 AS deltas_written FROM tthc.report_delta;
ROLLBACK;
\set ON_ERROR_STOP 0
SELECT tthc.transition(code, 'stopped', '2025-07-10 12:00')
FROM (SELECT code FROM tthc.dossier WHERE status IN ('processing', 'resolved')
      ORDER BY status = 'resolved', code) d;
\set ON_ERROR_STOP 1
SELECT count(*) AS stray_deltas FROM tthc.report_delta;
SELECT count(*) AS changed FROM (
  SELECT p, r.* FROM unnest(ARRAY['[2025-02-01,2025-04-01)', '(,)']::daterange[]) p, tthc.report('H22', p) r
  EXCEPT SELECT * FROM before) x;

-- A function called for each row that opens and rolls back a
-- subtransaction of its own (a loader catching a parse error) takes nothing
-- with it: every dossier of the statement is numbered without a gap and
-- counted.  One that rolls back a nested dossier change after the
-- statement's own rows were counted fails the statement (25000) instead of
-- losing their sums; caught around the whole statement, everything of it
-- rolls back and the transaction goes on.
CREATE FUNCTION pg_temp.safe_int(t text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN RETURN t::int; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE FUNCTION pg_temp.undone_move(c text) RETURNS smallint LANGUAGE plpgsql AS $$
BEGIN
  IF c IS NOT NULL THEN
    BEGIN
      PERFORM tthc.transition(c, 'processing', '2025-08-04 09:30');
      RAISE EXCEPTION 'undone';
    EXCEPTION WHEN raise_exception THEN NULL;
    END;
  END IF;
  RETURN 1;
END $$;
CREATE TEMP TABLE before_sub AS SELECT * FROM tthc.report('H22', '[2025-08-01,2025-09-01)');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
SELECT '1.000001', 'H22.02', timestamptz '2025-08-04 08:00' + i * interval '1 minute',
       coalesce(pg_temp.safe_int(CASE WHEN i = 2 THEN 'x' ELSE '1' END), 3)::smallint
FROM generate_series(1, 4) i
RETURNING code, channel;
SELECT r.received - b.received AS counted, r.received_postal - b.received_postal AS counted_postal
FROM tthc.report('H22', '[2025-08-01,2025-09-01)') r, before_sub b
WHERE r.level = 'total' AND b.level = 'total';
\set ON_ERROR_STOP 0
\set VERBOSITY default
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
SELECT '1.000001', 'H22.02', timestamptz '2025-08-04 09:00' + i * interval '1 minute',
       pg_temp.undone_move(CASE WHEN i = 2 THEN 'H22.02-250804-0001' END)
FROM generate_series(1, 3) i;
\set VERBOSITY terse
\set ON_ERROR_STOP 1
BEGIN;
DO $$ BEGIN
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
  SELECT '1.000001', 'H22.02', timestamptz '2025-08-04 09:00' + i * interval '1 minute',
         pg_temp.undone_move(CASE WHEN i = 2 THEN 'H22.02-250804-0001' END)
  FROM generate_series(1, 3) i;
EXCEPTION WHEN invalid_transaction_state THEN RAISE NOTICE 'the statement rolled back';
END $$;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
VALUES ('1.000001', 'H22.02', '2025-08-04 10:00', 1) RETURNING code;
COMMIT;
SELECT r.received - b.received AS counted, r.in_progress - b.in_progress AS open,
       (SELECT status FROM tthc.dossier WHERE code = 'H22.02-250804-0001') AS first_status
FROM tthc.report('H22', '[2025-08-01,2025-09-01)') r, before_sub b
WHERE r.level = 'total' AND b.level = 'total';
SELECT count(*) AS differences FROM pg_temp.differences('H22', '[2025-08-01,2025-09-01)');
-- a nested change written out and kept, then a savepoint rolled back over a
-- statement that failed on its second row: the savepoint takes its numbers
-- and sums with it, and nothing else
CREATE FUNCTION pg_temp.kept_move(c text) RETURNS smallint LANGUAGE plpgsql AS $$
BEGIN
  IF c IS NOT NULL THEN
    BEGIN
      PERFORM tthc.transition(c, 'processing', '2025-08-05 08:30');
    EXCEPTION WHEN raise_exception THEN NULL;
    END;
  END IF;
  RETURN 1;
END $$;
BEGIN;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
SELECT '1.000001', 'H22.02', timestamptz '2025-08-05 08:00' + i * interval '1 minute',
       pg_temp.kept_move(CASE WHEN i = 2 THEN 'H22.02-250804-0002' END)
FROM generate_series(1, 2) i RETURNING code;
SAVEPOINT s;
\set ON_ERROR_STOP 0
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
VALUES ('1.000001', 'H22.02', '2025-08-05 09:00', 1), ('1.000001', 'H22.02', '2025-08-05 09:01', 9);
\set ON_ERROR_STOP 1
ROLLBACK TO s;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
VALUES ('1.000001', 'H22.02', '2025-08-05 10:00', 1) RETURNING code;
COMMIT;
SELECT count(*) AS differences FROM pg_temp.differences('H22', '[2025-08-01,2025-09-01)');

\c contrib_regression
DROP DATABASE tthc_report;
