-- People: the officer a pooled account names (tthc.actor) in the event
-- log, the officers' and units' scorecards, the month close, the time
-- reduction, the stuck procedures and the BI views.  Half a year of random
-- dossiers handled by named officers, each with a lateness of its own;
-- every card must agree with a brute-force count over the event log and
-- the ratings, and each view with the function it summarises, before and
-- after tthc.report_rebuild().  Runs in a database of its own.
CREATE DATABASE tthc_people;
\c tthc_people
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
SET IntervalStyle = 'postgres';
\set VERBOSITY default
\set SHOW_CONTEXT never
-- an error as its SQLSTATE, table and column, and message
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  st text; tb text; co text; msg text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, tb = TABLE_NAME, co = COLUMN_NAME, msg = MESSAGE_TEXT;
  RETURN st || ' ' || coalesce(nullif(tb, ''), '-') || '.' || coalesce(nullif(co, ''), '-') || ': ' || msg;
END $$;

INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm PVHCC tỉnh', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22'),
  ('H22.02', 'Trung tâm PVHCC đặc khu Vân Đồn', 'commune', 'H22'),
  ('H22.XD', 'Sở Xây dựng', 'agency', 'H22');
INSERT INTO tthc.procedure (code, name, field, time_limit, national_time_limit, supplement_mode,
                            online_service, boundary_free) VALUES
  ('1.000001', 'khai sinh', 'Hộ tịch', '3 working days', '5 working days', 'restart', 'full', true),
  ('1.000002', 'chứng thực', 'Chứng thực', '1 working day', '2 working days', 'pause', 'partial', true),
  ('1.000003', 'giao đất', 'Đất đai', '10 working days', '20 days', 'pause', NULL, true),
  ('1.000004', 'cấp phép xây dựng', 'Xây dựng', '8 working days', NULL, 'pause', 'full', true);
-- the building permit goes through the construction department (its second step)
INSERT INTO tthc.procedure_step (procedure_id, step, unit, role, allowance)
SELECT id, s.step, s.unit, s.role, s.allowance::tthc.time_limit
FROM tthc.procedure, (VALUES (1, NULL, 'handling unit', '1 working day'), (2, 'H22.XD', NULL, '2 working days')) s(step, unit, role, allowance)
WHERE code = '1.000004';
INSERT INTO tthc.officer (login, full_name, unit, title) VALUES
  ('an.nv', 'Nguyễn Văn An', 'H22.01', 'chuyên viên'),
  ('binh.tt', 'Trần Thị Bình', 'H22.01', 'chuyên viên'),
  ('cuong.lv', 'Lê Văn Cường', 'H22.02', 'chuyên viên'),
  ('dung.pt', 'Phạm Thị Dung', 'H22.02', 'chuyên viên'),
  ('giang.hv', 'Hoàng Văn Giang', 'H22.XD', 'chuyên viên'),
  ('ha.dt', 'Đỗ Thu Hà', 'H22', 'giám đốc trung tâm');

-- 1. The officer in the log.
-- Without tthc.actor the event names the database role only, as before.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
VALUES ('1.000001', 'H22.01', '2026-11-02 09:00');
SELECT seq, kind, to_status, actor, officer FROM tthc.dossier_event ORDER BY seq;
-- A pooled account names the person; SET LOCAL ends with the transaction.
BEGIN;
SET LOCAL tthc.actor = 'an.nv';
SELECT (tthc.transition(code, 'processing', '2026-11-02 09:10')).status AS moved FROM tthc.dossier;
-- switching officer inside the transaction: the next change records the new one
SELECT set_config('tthc.actor', 'binh.tt', true) AS now_acting;
SELECT (tthc.transition(code, 'awaiting_supplement', '2026-11-02 09:20')).status AS moved FROM tthc.dossier;
COMMIT;
SELECT current_setting('tthc.actor') = '' AS actor_cleared;
SELECT seq, kind, to_status, actor, officer FROM tthc.dossier_event ORDER BY seq;
-- the director of the province centre works above every centre
BEGIN;
SET LOCAL tthc.actor = 'ha.dt';
SELECT (tthc.transition(code, 'processing', '2026-11-02 09:30')).status AS moved FROM tthc.dossier;
COMMIT;
-- refused, with nothing written: an officer of another centre, an unknown
-- login, an inactive one
SELECT event_seq AS events_before, (SELECT count(*) FROM tthc.report_delta) AS deltas_before FROM tthc.dossier \gset
BEGIN;
SET LOCAL tthc.actor = 'cuong.lv';
SELECT pg_temp.try($$SELECT tthc.transition(code, 'resolved') FROM tthc.dossier$$) AS other_centre;
SET LOCAL tthc.actor = 'nobody';
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit) VALUES ('1.000001', 'H22.01')$$) AS unknown;
UPDATE tthc.officer SET active = false WHERE login = 'binh.tt';
SET LOCAL tthc.actor = 'binh.tt';
SELECT pg_temp.try($$SELECT tthc.transition(code, 'resolved') FROM tthc.dossier$$) AS inactive;
ROLLBACK;
-- (the message names the officer and, for another centre, the units)
\set ON_ERROR_STOP 0
BEGIN;
SET LOCAL tthc.actor = 'cuong.lv';
SELECT tthc.transition(code, 'resolved') FROM tthc.dossier;
ROLLBACK;
\set ON_ERROR_STOP 1
SELECT event_seq = :events_before AS no_event, (SELECT count(*) FROM tthc.report_delta) = :deltas_before AS no_sums,
       (SELECT count(*) FROM tthc.dossier_counter) AS counters, (SELECT max(code) FROM tthc.dossier) AS last_code
FROM tthc.dossier;
-- the officer is in the hash chain: changing it breaks the chain there
SELECT count(*) AS problems FROM tthc.verify_log();
BEGIN;
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
UPDATE tthc.dossier_event SET officer = 'an.nv' WHERE seq = 3;
SELECT seq, problem FROM tthc.verify_log();
ROLLBACK;
-- ratings may name the officer they are about and answer criteria
BEGIN;
SET LOCAL tthc.actor = 'an.nv';
SELECT (tthc.transition(code, 'resolved', '2026-11-02 10:00')).status AS resolved FROM tthc.dossier;
COMMIT;
SELECT pg_temp.try($$INSERT INTO tthc.rating (dossier_id, rating, officer) SELECT id, 'satisfied', 'nobody' FROM tthc.dossier$$) AS unknown_officer,
       pg_temp.try($$INSERT INTO tthc.rating (dossier_id, rating, answers) SELECT id, 'satisfied', '{"attitude": "great"}' FROM tthc.dossier$$) AS bad_answer,
       pg_temp.try($$INSERT INTO tthc.rating (dossier_id, rating, answers) SELECT id, 'satisfied', '["attitude"]' FROM tthc.dossier$$) AS not_an_object;
INSERT INTO tthc.rating (dossier_id, rating, officer, answers, rated_at)
SELECT id, 'satisfied', 'an.nv', '{"attitude": "very_satisfied", "time": "unsatisfied"}', '2026-11-02 11:00' FROM tthc.dossier;
SELECT rating, officer, answers FROM tthc.rating;

-- 2. Half a year of random dossiers.  Each move is made by an officer of
-- the unit holding the dossier; some officers are slower than others, one
-- asks for supplements again and again.
SELECT setseed(0.913);
CREATE TEMP TABLE staff (unit text, login text, slowness float8, supplements float8);
INSERT INTO staff VALUES
  ('H22.01', 'an.nv', 1.0, 0.10), ('H22.01', 'binh.tt', 2.5, 0.10),
  ('H22.02', 'cuong.lv', 1.2, 0.45), ('H22.02', 'dung.pt', 0.8, 0.05),
  ('H22', 'ha.dt', 1.0, 0.10);
CREATE TEMP TABLE plan (n int, at timestamptz, action text, to_status tthc.dossier_status, login text);
CREATE TEMP TABLE made (n int PRIMARY KEY, code text);
DO $$
DECLARE
  i int;
  t timestamptz;
  r float8;
  done boolean;
  hand text;
  proc int;
  who record;
  rounds int;
BEGIN
  FOR i IN 1..700 LOOP
    hand := (ARRAY['H22', 'H22.01', 'H22.02'])[1 + i % 3];
    proc := 1 + (i * 7) % 4;
    SELECT * INTO who FROM staff WHERE unit = hand ORDER BY login OFFSET (i / 3) % (SELECT count(*) FROM staff WHERE unit = hand) LIMIT 1;
    t := timestamptz '2026-01-05 08:00' + (random() * 150)::int * interval '1 day'
         + (random() * 8)::int * interval '1 hour' + (random() * 59)::int * interval '1 minute';
    INSERT INTO plan VALUES (i, t, 'receive', NULL, who.login);
    t := t + (random() * 4)::int * interval '1 hour' + interval '5 minutes';
    INSERT INTO plan VALUES (i, t, 'move', 'processing', who.login);
    rounds := 0;
    done := false;
    WHILE NOT done LOOP
      t := t + (random() * 40 * who.slowness)::int * interval '1 hour' + interval '10 minutes';
      r := random();
      IF r < who.supplements AND rounds < 3 THEN
        rounds := rounds + 1;
        INSERT INTO plan VALUES (i, t, 'move', 'awaiting_supplement', who.login);
        t := t + (random() * 60)::int * interval '1 hour' + interval '1 minute';
        INSERT INTO plan VALUES (i, t, 'move', 'processing', who.login);
      ELSIF r < 0.55 AND proc = 4 AND NOT EXISTS (SELECT FROM plan WHERE n = i AND action = 'handover') THEN
        -- the building permit goes to the construction department, then back
        -- (the last step ends with the result, given by the department)
        INSERT INTO plan VALUES (i, t, 'handover', 'processing', who.login);
        t := t + (random() * 50)::int * interval '1 hour' + interval '3 minutes';
        INSERT INTO plan VALUES (i, t, 'move', 'resolved', 'giang.hv');
        done := true;
      ELSIF r < 0.62 THEN
        done := true;                       -- left open
      ELSE
        INSERT INTO plan VALUES (i, t, 'move', 'resolved', who.login);
        done := true;
      END IF;
    END LOOP;
  END LOOP;
  DELETE FROM plan WHERE at > '2026-06-25';
END $$;
INSERT INTO plan
SELECT 0, d + interval '7 hours', 'sweep', NULL, NULL
FROM generate_series(timestamptz '2026-01-06', '2026-06-25', interval '1 day') d
WHERE tthc.is_working_day(d::date);

DO $$
DECLARE
  p record;
  c text;
  procs text[] := ARRAY['1.000001', '1.000002', '1.000003', '1.000004'];
BEGIN
  FOR p IN SELECT * FROM plan ORDER BY at, n, to_status LOOP
    PERFORM set_config('tthc.actor', coalesce(p.login, ''), true);
    IF p.action = 'sweep' THEN
      PERFORM tthc.sweep(p.at);
    ELSIF p.action = 'receive' THEN
      INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, channel, received_at)
      VALUES (procs[1 + (p.n * 7) % 4], (ARRAY['H22', 'H22.01', 'H22.02'])[1 + p.n % 3],
              (ARRAY['H22', 'H22.01', 'H22.02'])[1 + p.n % 3], 1 + (p.n * 5) % 3, p.at)
      RETURNING code INTO c;
      INSERT INTO made VALUES (p.n, c);
    ELSE
      PERFORM tthc.transition((SELECT code FROM made WHERE n = p.n), p.to_status, p.at);
    END IF;
  END LOOP;
  PERFORM set_config('tthc.actor', '', true);
END $$;
-- ratings three hours after the result, naming the officer who resolved it
INSERT INTO tthc.rating (dossier_id, rating, rated_at, officer, answers)
SELECT d.id, (ARRAY['very_satisfied', 'satisfied', 'unsatisfied'])[1 + d.id % 3], d.finished_at + interval '3 hours',
       e.officer, CASE WHEN d.id % 4 = 0 THEN jsonb_build_object('attitude', (ARRAY['satisfied', 'unsatisfied'])[1 + d.id % 2]) END
FROM tthc.dossier d JOIN tthc.dossier_event e ON e.dossier_id = d.id AND e.to_status = 'resolved' AND e.kind = 'status'
WHERE d.finished_at IS NOT NULL AND d.id % 3 <> 1 AND NOT EXISTS (SELECT FROM tthc.rating r WHERE r.dossier_id = d.id);
SELECT count(*) AS dossiers, count(*) FILTER (WHERE result = 'late') AS late,
       (SELECT count(*) FROM tthc.dossier_event WHERE officer IS NOT NULL) AS events_by_officers,
       (SELECT count(*) FROM tthc.dossier_event WHERE officer IS NULL AND kind NOT IN ('overdue', 'due_soon')) AS events_unnamed,
       (SELECT count(*) FROM tthc.dossier_event WHERE officer IS NOT NULL AND kind IN ('overdue', 'due_soon')) AS timer_events_named,
       (SELECT count(*) FROM tthc.dossier_event WHERE step_result = 'late') AS late_steps,
       (SELECT count(*) FROM tthc.rating) AS ratings,
       (SELECT count(*) FROM tthc.verify_log()) AS chain_problems
FROM tthc.dossier;

-- The brute force for the officers' cards: each column by its definition
-- over the raw log, in the local month.
CREATE FUNCTION pg_temp.officer_brute(root text, m date)
RETURNS TABLE (officer text, received bigint, resolved bigint, resolved_late bigint, late_steps bigint,
               supplement_requests bigint, repeated_supplement bigint, apologies bigint,
               ratings bigint, unsatisfied bigint)
LANGUAGE sql AS $$
  WITH RECURSIVE sub(code) AS (SELECT root UNION SELECT u.code FROM tthc.unit u JOIN sub ON u.parent = sub.code),
  o AS (SELECT login FROM tthc.officer WHERE unit IN (SELECT code FROM sub)),
  ev AS (SELECT e.*, d.result FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id
         WHERE date_trunc('month', e.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = m)
  SELECT o.login,
         (SELECT count(*) FROM ev WHERE ev.officer = o.login AND ev.to_status = 'received' AND ev.from_status IS DISTINCT FROM ev.to_status),
         (SELECT count(*) FROM ev WHERE ev.officer = o.login AND ev.to_status = 'resolved' AND ev.from_status IS DISTINCT FROM ev.to_status),
         (SELECT count(*) FROM ev WHERE ev.officer = o.login AND ev.to_status = 'resolved' AND ev.from_status IS DISTINCT FROM ev.to_status AND ev.result = 'late'),
         (SELECT count(*) FROM ev WHERE ev.officer = o.login AND ev.step_result = 'late'),
         (SELECT count(*) FROM ev WHERE ev.officer = o.login AND ev.to_status = 'awaiting_supplement' AND ev.from_status IS DISTINCT FROM ev.to_status),
         (SELECT count(DISTINCT ev.dossier_id) FROM ev WHERE ev.officer = o.login AND ev.to_status = 'awaiting_supplement'
            AND ev.from_status IS DISTINCT FROM ev.to_status
            AND (SELECT count(*) FROM tthc.dossier_event x WHERE x.dossier_id = ev.dossier_id AND x.from_status IS DISTINCT FROM x.to_status
                 AND x.to_status = 'awaiting_supplement' AND x.officer = o.login AND x.seq <= ev.seq) >= 2),
         (SELECT count(*) FROM ev WHERE ev.officer = o.login AND ev.kind = 'apology'),
         (SELECT count(*) FROM tthc.rating r WHERE r.officer = o.login
            AND date_trunc('month', r.rated_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = m),
         (SELECT count(*) FROM tthc.rating r WHERE r.officer = o.login AND r.rating = 'unsatisfied'
            AND date_trunc('month', r.rated_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = m)
  FROM o
$$;
CREATE FUNCTION pg_temp.officer_differences()
RETURNS TABLE (side text, unit text, month date, officer text) LANGUAGE sql AS $$
  WITH c AS (SELECT u.code AS unit, m::date AS month, s.officer, s.received, s.resolved, s.resolved_late, s.late_steps,
                    s.supplement_requests, s.repeated_supplement, s.apologies, s.ratings, s.unsatisfied
             FROM tthc.unit u, generate_series(date '2026-01-01', '2026-07-01', interval '1 month') m,
                  tthc.scorecard_officer(u.code, m::date) s),
       b AS (SELECT u.code, m::date, b.* FROM tthc.unit u, generate_series(date '2026-01-01', '2026-07-01', interval '1 month') m,
                  pg_temp.officer_brute(u.code, m::date) b)
  SELECT 'card', unit, month, officer FROM (SELECT * FROM c EXCEPT SELECT * FROM b) x
  UNION ALL
  SELECT 'brute force', code, m, officer FROM (SELECT * FROM b EXCEPT SELECT * FROM c) y
$$;
SELECT count(*) AS officer_card_differences FROM pg_temp.officer_differences();
-- the slow officer is late more often than the quick one, the supplement
-- asker asks again; the on-time rate is (resolved - late) / resolved
SELECT s.officer, s.resolved > 0 AS resolves, s.on_time_rate = round((s.resolved - s.resolved_late)::numeric / nullif(s.resolved, 0), 4) AS rate_ok
FROM tthc.scorecard_officer('H22', '2026-03-15') s ORDER BY s.officer;
SELECT (SELECT sum(repeated_supplement) FROM generate_series(date '2026-01-01', '2026-06-01', interval '1 month') m,
          tthc.scorecard_officer('H22.02', m::date) s WHERE s.officer = 'cuong.lv') > 0 AS asker_repeats,
       (SELECT sum(late_steps) FROM generate_series(date '2026-01-01', '2026-06-01', interval '1 month') m,
          tthc.scorecard_officer('H22', m::date) s) > 0 AS steps_late;
-- a unit's card lists the officers of the unit and of the units below it
SELECT u.code AS unit, array_agg(s.officer ORDER BY s.officer) AS officers
FROM tthc.unit u, tthc.scorecard_officer(u.code, '2026-03-01') s GROUP BY u.code ORDER BY u.code;

-- The unit's card, against its definition over the dossiers it resolved.
CREATE FUNCTION pg_temp.unit_brute(root text, period daterange)
RETURNS TABLE (indicator smallint, num bigint, den bigint) LANGUAGE sql AS $$
  WITH RECURSIVE sub(code) AS (SELECT root UNION SELECT u.code FROM tthc.unit u JOIN sub ON u.parent = sub.code),
  d AS (SELECT * FROM tthc.dossier d WHERE d.handling_unit IN (SELECT code FROM sub)
          AND (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <@ period),
  st AS (SELECT e.* FROM tthc.dossier_event e WHERE e.dossier_id IN (SELECT id FROM d) AND e.step_result IS NOT NULL),
  rt AS (SELECT r.* FROM tthc.rating r WHERE r.dossier_id IN (SELECT id FROM d))
  SELECT 1::smallint, (SELECT count(*) FROM d WHERE result IN ('early', 'on_time')), (SELECT count(*) FROM d)
  UNION ALL SELECT 2::smallint, (SELECT count(*) FROM st WHERE step_result <> 'late'), (SELECT count(*) FROM st)
  UNION ALL SELECT 3::smallint, (SELECT count(*) FROM d WHERE (SELECT count(*) FROM tthc.dossier_event e
                                   WHERE e.dossier_id = d.id AND e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) < 2),
                              (SELECT count(*) FROM d)
  UNION ALL SELECT 5::smallint, (SELECT count(*) FROM d JOIN tthc.unit u ON u.code = d.receiving_unit
                                 WHERE u.level IN ('province', 'commune')), (SELECT count(*) FROM d)
  UNION ALL SELECT 7::smallint, (SELECT count(*) FROM rt WHERE coalesce(answers ->> 'attitude', rating) <> 'unsatisfied'),
                              (SELECT count(*) FROM rt)
  UNION ALL SELECT 9::smallint, (SELECT count(*) FROM d JOIN tthc.procedure p ON p.id = d.procedure_id
                                 WHERE p.online_service IS NOT NULL AND d.channel = 2),
                              (SELECT count(*) FROM d JOIN tthc.procedure p ON p.id = d.procedure_id
                                 WHERE p.online_service IS NOT NULL)
$$;
SELECT u.code AS unit, p AS period,
       count(*) FILTER (WHERE (c.numerator, c.denominator) IS DISTINCT FROM (b.num, b.den)) AS differences
FROM tthc.unit u, unnest(ARRAY['[2026-01-01,2026-04-01)', '[2026-03-10,2026-06-20)', '(,)']::daterange[]) p,
     tthc.scorecard_unit(u.code, p) c LEFT JOIN pg_temp.unit_brute(u.code, p) b USING (indicator)
WHERE c.indicator IS NOT NULL
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT indicator, name, numerator > 0 AS counted, points = round(2 * ratio, 2) AS points_ok, max_points
FROM tthc.scorecard_unit('H22', '[2026-01-01,2026-07-01)') WHERE indicator IS NOT NULL;
-- the total: the points the data supports, graded on 18
SELECT t.points = (SELECT sum(points) FROM tthc.scorecard_unit('H22', '[2026-01-01,2026-07-01)') WHERE indicator IS NOT NULL) AS total_ok,
       t.max_points, t.grade = tthc.grade_18(18 * t.points / t.max_points) AS grade_ok
FROM tthc.scorecard_unit('H22', '[2026-01-01,2026-07-01)') t WHERE t.indicator IS NULL;
SELECT p, tthc.grade_18(p) FROM unnest(ARRAY[18, 15.01, 15, 12, 11.99, 9, 8.99, 6, 5.99, 0]::numeric[]) p;

-- The QĐ 766 points: a group's weight spread over its indicators with data.
SELECT grp, indicator, group_points, points,
       points = round(ratio * group_points / count(ratio) OVER (PARTITION BY grp), 2) AS points_ok
FROM tthc.indicators_766('H22', '[2026-01-01,2026-07-01)');
SELECT sum(w) AS weights FROM (SELECT DISTINCT grp, group_points AS w FROM tthc.indicators_766('H22', '(,)')) g;

-- 3. The time reduction: the catalogue (in working days: 20 calendar days
-- are 14 2/7) and the dossiers; the working time used agrees with the
-- report's sums, counted apart by the dossier trigger.
SELECT procedures, provincial_days, round(national_days, 4) AS national_days, catalogue_cut
FROM tthc.time_reduction('H22', '[2026-01-01,2026-07-01)');
SELECT t.resolved = r.resolved AS same_dossiers,
       t.actual_work = (SELECT sum(w) FROM (SELECT resolved_work FROM tthc.report_day WHERE day >= '2026-01-01' AND day < '2026-07-01'
                                            UNION ALL
                                            SELECT resolved_work FROM tthc.report_delta WHERE day >= '2026-01-01' AND day < '2026-07-01') x(w)) AS same_work,
       t.actual_cut = round(1 - extract(epoch FROM t.actual_work) / extract(epoch FROM t.legal_work), 4) AS cut_ok,
       t.actual_cut BETWEEN 0 AND 1 AS plausible
FROM tthc.time_reduction('H22', '[2026-01-01,2026-07-01)') t,
     tthc.report('H22', '[2026-01-01,2026-07-01)') r WHERE r.level = 'total';

-- 4. The stuck procedures, by the thresholds of tthc.stuck_rule.
SELECT procedure_code, resolved >= 5 AS enough, problems
FROM tthc.stuck_procedures('H22', '[2026-01-01,2026-07-01)', 5);
-- a threshold is data: nothing is chronically late at 0 %
\set ON_ERROR_STOP 0
UPDATE tthc.stuck_rule SET threshold = 0 WHERE rule = 'chronically_late';
\set ON_ERROR_STOP 1
INSERT INTO tthc.stuck_rule (rule, threshold) VALUES ('chronically_late', 0);
SELECT count(*) FILTER (WHERE 'chronically_late' = ANY (problems)) AS chronically_late
FROM tthc.stuck_procedures('H22', '[2026-01-01,2026-07-01)', 5);
DELETE FROM tthc.stuck_rule WHERE NOT shipped;
-- the numbers, against a count over the dossiers
SELECT s.procedure_code, s.resolved = b.resolved AND s.late = b.late AND s.open_overdue = b.open_overdue AS agrees
FROM tthc.stuck_procedures('H22', '(,)', 1) s
JOIN (SELECT procedure_code, count(*) FILTER (WHERE finished_at IS NOT NULL) AS resolved,
             count(*) FILTER (WHERE result = 'late') AS late,
             count(*) FILTER (WHERE overdue_since IS NOT NULL AND status IN ('received', 'processing')) AS open_overdue
      FROM tthc.dossier GROUP BY 1) b USING (procedure_code)
ORDER BY 1;
SELECT pg_temp.try($$SELECT * FROM tthc.stuck_procedures('H22', '(,)', 0)$$) AS min_resolved_zero,
       pg_temp.try($$SELECT * FROM tthc.scorecard_unit('NOWHERE', '(,)')$$) AS unknown_unit,
       (SELECT count(*) FROM tthc.scorecard_officer('H22', NULL)) AS null_month_no_cards;

-- 5. The BI views equal the functions they summarise, for every unit and
-- month, before and after folding and rebuilding the sums.
CREATE FUNCTION pg_temp.view_differences()
RETURNS TABLE (what text, n bigint) LANGUAGE sql AS $$
  WITH months AS (SELECT m::date AS m FROM generate_series(date '2026-01-01', date_trunc('month', now())::date, interval '1 month') m),
  f AS (SELECT r.unit, r.field, months.m, r.carried_over, r.received, r.received_in_person, r.received_online, r.received_postal,
               r.resolved, r.resolved_early, r.resolved_on_time, r.resolved_late, r.in_progress, r.in_progress_in_time,
               r.in_progress_overdue, r.awaiting_supplement, r.supplement_requests, r.withdrawn, r.refused, r.stopped,
               r.on_time_rate, r.avg_work, r.transferred_in, r.transferred_out, r.received_out_of_hours
        FROM tthc.unit u, months, tthc.report(u.code, daterange(months.m, (months.m + interval '1 month')::date), false) r
        WHERE r.level = 'field'),
  v AS (SELECT * FROM tthc.report_monthly WHERE month >= '2026-01-01'),
  fi AS (SELECT u.code, months.m, i.grp, i.indicator, i.numerator, i.denominator, i.ratio
         FROM tthc.unit u, months, tthc.indicators_766(u.code, daterange(months.m, (months.m + interval '1 month')::date)) i
         WHERE EXISTS (SELECT FROM tthc.indicators_766_monthly x WHERE x.unit = u.code)),
  vi AS (SELECT * FROM tthc.indicators_766_monthly WHERE month >= '2026-01-01')
  SELECT 'report_monthly', count(*) FROM ((SELECT * FROM f EXCEPT ALL SELECT * FROM v) UNION ALL (SELECT * FROM v EXCEPT ALL SELECT * FROM f)) a
  UNION ALL
  SELECT 'indicators_766_monthly', count(*) FROM ((SELECT * FROM fi EXCEPT ALL SELECT * FROM vi) UNION ALL (SELECT * FROM vi EXCEPT ALL SELECT * FROM fi)) b
  UNION ALL
  SELECT 'report_monthly rows before July', count(*) FROM v WHERE month < '2026-07-01'
$$;
SELECT * FROM pg_temp.view_differences();
SELECT tthc.report_compact() > 0 AS folded;
SELECT * FROM pg_temp.view_differences();
SELECT tthc.report_rebuild() > 0 AS rebuilt;
SELECT * FROM pg_temp.view_differences();
SELECT count(*) AS officer_card_differences_after_rebuild FROM pg_temp.officer_differences();

-- 6. The month close: published cards never change; a late rating shows
-- in the diff, not in the card.
SELECT tthc.scorecard_close('2026-03-20') AS cards;
SELECT kind, count(*) FROM tthc.scorecard_month GROUP BY kind ORDER BY kind;
SELECT count(*) AS diff_right_after FROM tthc.scorecard_diff('2026-03-01');
CREATE TEMP TABLE published AS SELECT * FROM tthc.scorecard_month;
-- a late rating of a dossier resolved in March, rated in March
INSERT INTO tthc.rating (dossier_id, rating, rated_at, officer)
SELECT d.id, 'unsatisfied', '2026-03-31 16:00+07', 'dung.pt'
FROM tthc.dossier d WHERE d.handling_unit = 'H22.02' AND d.finished_at >= '2026-03-01' AND d.finished_at < '2026-03-31'
  AND NOT EXISTS (SELECT FROM tthc.rating r WHERE r.dossier_id = d.id)
ORDER BY d.id LIMIT 1;
SELECT kind, unit, item, field, published, recounted FROM tthc.scorecard_diff('2026-03-01')
WHERE field IN ('ratings', 'unsatisfied', 'numerator', 'denominator') ORDER BY 1, 2, 3, 4;
SELECT count(*) AS published_changed FROM (SELECT * FROM tthc.scorecard_month EXCEPT SELECT * FROM published) x;
SELECT pg_temp.try($$SELECT tthc.scorecard_close('2026-03-01')$$) AS closed_twice,
       pg_temp.try($$SELECT tthc.scorecard_close('2099-01-01')$$) AS not_over,
       pg_temp.try($$SELECT tthc.scorecard_close(NULL)$$) AS no_month;
SELECT pg_temp.try($$SELECT tthc.scorecard_diff('2026-04-01')$$) AS diff_of_open_month,
       pg_temp.try($$UPDATE tthc.scorecard_month SET card = '{}' WHERE kind = 'unit'$$) AS changed,
       pg_temp.try($$DELETE FROM tthc.scorecard_month$$) AS deleted,
       pg_temp.try($$TRUNCATE tthc.scorecard_month$$) AS truncated;

\c contrib_regression
DROP DATABASE tthc_people;
