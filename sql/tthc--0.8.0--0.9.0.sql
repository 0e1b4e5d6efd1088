-- sql/tthc--0.8.0--0.9.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.9.0'" to load this file. \quit

-- ===================================================================
-- People: the officer in the log, scorecards, department scores and what
-- leaders ask for (issue 13)
-- ===================================================================

-- -------------------------------------------------------------------
-- 1. The officer in the log
-- -------------------------------------------------------------------
-- A portal connects through one pooled database account, so the database
-- role is not the person.  The portal names the person acting with
-- SET LOCAL tthc.actor = 'login'; the dossier trigger checks the login
-- against tthc.officer (read, like the rest of the registry, into a
-- per-backend cache) and every event of the transaction records it beside
-- the database role (actor), both covered by the hash chain.

CREATE TABLE tthc.officer (
  login text PRIMARY KEY
    CONSTRAINT officer_login_format CHECK (login ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$'),
  full_name text NOT NULL,
  unit text NOT NULL REFERENCES tthc.unit (code),
  title text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tthc.officer IS 'The people who act on dossiers (named by a pooled account with SET LOCAL tthc.actor), each at a unit; maintained by tthc_admin';
COMMENT ON COLUMN tthc.officer.login IS 'The officer''s login in the one-stop software: what tthc.actor names and the event log records';
COMMENT ON COLUMN tthc.officer.unit IS 'The unit the officer works at; the officer may act on dossiers received, handled or at a step at this unit or below it';
COMMENT ON COLUMN tthc.officer.active IS 'false: left or suspended; events naming the officer are refused (keep the row: the log names it)';
CREATE TRIGGER table_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.officer
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();
GRANT SELECT, INSERT, UPDATE, DELETE ON tthc.officer TO tthc_admin;
GRANT SELECT ON tthc.officer TO tthc_auditor;
SELECT pg_catalog.pg_extension_config_dump('tthc.officer', '');

ALTER TABLE tthc.dossier_event ADD COLUMN officer text;
COMMENT ON COLUMN tthc.dossier_event.actor IS 'The database role that wrote the event (a pooled account, or the officer''s own role)';
COMMENT ON COLUMN tthc.dossier_event.officer IS 'The officer acting (tthc.actor, a login of tthc.officer), covered by hash; NULL when none was named and for events no person causes (overdue, due_soon)';
-- the officer's scorecard reads the officer's events of one month
CREATE INDEX dossier_event_officer ON tthc.dossier_event (officer, at) WHERE officer IS NOT NULL;

-- A citizen's rating may name the officer it is about and answer criteria.
ALTER TABLE tthc.rating ADD COLUMN officer text,
  ADD COLUMN answers jsonb CONSTRAINT rating_answers_object CHECK (jsonb_typeof(answers) = 'object');
COMMENT ON COLUMN tthc.rating.officer IS 'The officer the rating is about (a login of tthc.officer), if the applicant named one';
COMMENT ON COLUMN tthc.rating.answers IS 'Answers per criterion, e.g. {"attitude": "satisfied", "time": "unsatisfied"}, each very_satisfied | satisfied | unsatisfied';
CREATE INDEX rating_officer ON tthc.rating (officer, rated_at) WHERE officer IS NOT NULL;

-- the rating check runs as the writer, who may not read tthc.officer: it
-- asks, as the owner, whether the officer may be named on the dossier (the
-- rule tthc.actor follows: the officer works at, or above, its receiving,
-- handling or step unit)
CREATE FUNCTION tthc.officer_on_dossier(login text, dossier_id bigint) RETURNS text
    LANGUAGE sql STABLE STRICT SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE
    WHEN o.login IS NULL THEN 'unknown'
    WHEN EXISTS (
      WITH RECURSIVE up(code) AS (
        SELECT x.u FROM tthc.dossier d, LATERAL (VALUES (d.receiving_unit), (d.handling_unit), (d.step_unit)) x(u)
        WHERE d.id = $2 AND x.u IS NOT NULL
        UNION
        SELECT u.parent FROM up JOIN tthc.unit u ON u.code = up.code WHERE u.parent IS NOT NULL)
      SELECT 1 FROM up WHERE up.code = o.unit) THEN 'works'
    ELSE 'elsewhere' END
  FROM (SELECT $1 AS l) a LEFT JOIN tthc.officer o ON o.login = a.l
$$;
COMMENT ON FUNCTION tthc.officer_on_dossier(text, bigint) IS 'For the rating check: unknown, works (at or above a unit of the dossier) or elsewhere';
REVOKE ALL ON FUNCTION tthc.officer_on_dossier(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.officer_on_dossier(text, bigint) TO tthc_officer, tthc_admin;

-- an officer the log or a rating names keeps its login: deactivate it instead
CREATE FUNCTION tthc.officer_in_use() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.login = OLD.login THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier_event e WHERE e.officer = OLD.login)
     OR EXISTS (SELECT 1 FROM tthc.rating r WHERE r.officer = OLD.login) THEN
    RAISE EXCEPTION 'officer "%" is named in the event log or in ratings', OLD.login
      USING ERRCODE = '23503', HINT = 'Set active = false instead: the log keeps naming the officer.',
            SCHEMA = 'tthc', TABLE = 'officer', COLUMN = 'login';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION tthc.officer_in_use() IS 'An officer named by the log or a rating is never removed nor renamed';
REVOKE ALL ON FUNCTION tthc.officer_in_use() FROM PUBLIC;
CREATE TRIGGER officer_in_use BEFORE DELETE OR UPDATE ON tthc.officer
  FOR EACH ROW EXECUTE FUNCTION tthc.officer_in_use();

CREATE OR REPLACE FUNCTION tthc.rating_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  st tthc.dossier_status;
  bad text;
BEGIN
  SELECT d.status INTO st FROM tthc.dossier d WHERE d.id = NEW.dossier_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', NEW.dossier_id USING ERRCODE = '23503',
      SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'dossier_id';
  END IF;
  IF st NOT IN ('resolved', 'returned', 'withdrawn', 'stopped') THEN
    RAISE EXCEPTION 'dossier % cannot be rated while %', NEW.dossier_id, st
      USING ERRCODE = '55000',
            DETAIL = 'A rating is given once the dossier is resolved, returned, withdrawn or stopped.',
            SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'dossier_id';
  END IF;
  IF NEW.rated_at > clock_timestamp() THEN
    RAISE EXCEPTION 'the rating of dossier % is dated in the future', NEW.dossier_id
      USING ERRCODE = '22023', SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'rated_at';
  END IF;
  PERFORM tthc.sees_all();   -- loads the library: the setting is then its own, not a client's placeholder
  IF NEW.rated_at < now() - current_setting('tthc.backdate_tolerance')::interval
     AND NOT pg_has_role(current_user, 'tthc_admin', 'USAGE') THEN
    RAISE EXCEPTION 'only tthc_admin may date a rating more than % back', current_setting('tthc.backdate_tolerance')
      USING ERRCODE = '42501', HINT = 'Record the rating as it is given.',
            SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'rated_at';
  END IF;
  IF NEW.officer IS NOT NULL THEN
    CASE tthc.officer_on_dossier(NEW.officer, NEW.dossier_id)
      WHEN 'unknown' THEN
        RAISE EXCEPTION 'officer "%" is not registered', NEW.officer
          USING ERRCODE = '23503', HINT = 'Officers are rows of tthc.officer.',
                SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'officer';
      WHEN 'elsewhere' THEN
        RAISE EXCEPTION 'officer "%" does not work at a unit of dossier %', NEW.officer, NEW.dossier_id
          USING ERRCODE = '42501', HINT = 'A rating names an officer of the units that received or handled the dossier.',
                SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'officer';
      ELSE NULL;
    END CASE;
  END IF;
  IF jsonb_typeof(NEW.answers) <> 'object' THEN
    RAISE EXCEPTION 'the answers of the rating of dossier % are not an object of criteria', NEW.dossier_id
      USING ERRCODE = '22023', HINT = 'For example {"attitude": "satisfied", "time": "unsatisfied"}.',
            SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'answers';
  END IF;
  SELECT a.key INTO bad FROM jsonb_each(NEW.answers) a
  WHERE a.value NOT IN ('"very_satisfied"', '"satisfied"', '"unsatisfied"') LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'the answer to "%" in the rating of dossier % is not very_satisfied, satisfied or unsatisfied',
        bad, NEW.dossier_id
      USING ERRCODE = '22023', SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'answers';
  END IF;
  RETURN NEW;
END $$;

-- -------------------------------------------------------------------
-- 2. Scorecards, counted from the event log
-- -------------------------------------------------------------------

-- the local bounds of a period for a unit: its calendar's time zone
CREATE FUNCTION tthc.local_bounds(unit text, lo date, hi date, OUT lo_at timestamptz, OUT hi_at timestamptz)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT lo::timestamp AT TIME ZONE z.tz, hi::timestamp AT TIME ZONE z.tz
  FROM (SELECT coalesce((SELECT c.time_zone FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar
                         WHERE u.code = $1 LIMIT 1), 'Asia/Ho_Chi_Minh') AS tz) z
$$;
COMMENT ON FUNCTION tthc.local_bounds(text, date, date) IS 'The local days lo..hi (exclusive) of a unit as times, in its calendar''s time zone';
REVOKE ALL ON FUNCTION tthc.local_bounds(text, date, date) FROM PUBLIC;

CREATE FUNCTION tthc.scorecard_officer(unit text, month date)
    RETURNS TABLE (officer text, full_name text, officer_unit text, active boolean,
                   received bigint, resolved bigint, resolved_late bigint, late_steps bigint,
                   supplement_requests bigint, repeated_supplement bigint, apologies bigint,
                   ratings bigint, unsatisfied bigint, on_time_rate numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  -- ($1 the unit, $2 a day of the month; the output columns shadow the names)
  WITH p AS (
    SELECT tthc.report_scope($1, true) AS units, b.lo_at, b.hi_at
    FROM tthc.local_bounds($1, date_trunc('month', $2)::date,
                           (date_trunc('month', $2) + interval '1 month')::date) b
    WHERE $2 IS NOT NULL),
  o AS (SELECT f.* FROM tthc.officer f, p WHERE f.unit = ANY (p.units)),
  e AS (
    SELECT e.officer,
           count(*) FILTER (WHERE e.to_status = 'received' AND e.from_status IS DISTINCT FROM e.to_status) AS received,
           count(*) FILTER (WHERE e.to_status = 'resolved' AND e.from_status IS DISTINCT FROM e.to_status) AS resolved,
           count(*) FILTER (WHERE e.to_status = 'resolved' AND e.from_status IS DISTINCT FROM e.to_status AND d.result = 'late') AS resolved_late,
           count(*) FILTER (WHERE e.step_result = 'late') AS late_steps,
           count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplement_requests,
           count(DISTINCT e.dossier_id) FILTER (
             WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status
               AND EXISTS (SELECT 1 FROM tthc.dossier_event x
                           WHERE x.dossier_id = e.dossier_id AND x.province IS NOT DISTINCT FROM e.province
                             AND x.seq < e.seq AND x.to_status = 'awaiting_supplement' AND x.from_status IS DISTINCT FROM x.to_status
                             AND x.officer = e.officer)) AS repeated_supplement,
           count(*) FILTER (WHERE e.kind = 'apology') AS apologies
    FROM o CROSS JOIN p
    JOIN tthc.dossier_event e ON e.officer = o.login AND e.at >= p.lo_at AND e.at < p.hi_at
    LEFT JOIN tthc.dossier d ON e.to_status = 'resolved' AND d.id = e.dossier_id
                            AND d.province IS NOT DISTINCT FROM e.province
    GROUP BY e.officer),
  r AS (
    SELECT r.officer, count(*) AS ratings, count(*) FILTER (WHERE r.rating = 'unsatisfied') AS unsatisfied
    FROM o CROSS JOIN p
    JOIN tthc.rating r ON r.officer = o.login AND r.rated_at >= p.lo_at AND r.rated_at < p.hi_at
    GROUP BY r.officer)
  SELECT o.login, o.full_name, o.unit, o.active,
         coalesce(e.received, 0), coalesce(e.resolved, 0), coalesce(e.resolved_late, 0),
         coalesce(e.late_steps, 0), coalesce(e.supplement_requests, 0), coalesce(e.repeated_supplement, 0),
         coalesce(e.apologies, 0), coalesce(r.ratings, 0), coalesce(r.unsatisfied, 0),
         round((e.resolved - e.resolved_late)::numeric / nullif(e.resolved, 0), 4)
  FROM o LEFT JOIN e ON e.officer = o.login LEFT JOIN r ON r.officer = o.login
  ORDER BY o.unit, o.login
$_$;
COMMENT ON FUNCTION tthc.scorecard_officer(text, date) IS 'The month''s card of every officer of a unit and the units below it, counted from the event log and the ratings (local month of the unit''s calendar)';
REVOKE ALL ON FUNCTION tthc.scorecard_officer(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.scorecard_officer(text, date) TO tthc_admin, tthc_auditor;

-- the grade of the one-stop rules' department evaluation, on 18 points
CREATE FUNCTION tthc.grade_18(points numeric) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE WHEN points > 15 THEN 'excellent' WHEN points >= 12 THEN 'good'
              WHEN points >= 9 THEN 'fair' WHEN points >= 6 THEN 'average' ELSE 'weak' END
$$;
COMMENT ON FUNCTION tthc.grade_18(numeric) IS 'The department grade on 18 points: > 15 excellent, 12-15 good, 9-12 fair, 6-9 average, < 6 weak';

CREATE FUNCTION tthc.scorecard_unit(unit text, period daterange)
    RETURNS TABLE (indicator smallint, name text, numerator bigint, denominator bigint,
                   ratio numeric, points numeric, max_points numeric, grade text, basis text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[] := tthc.report_scope(scorecard_unit.unit, true);
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  t record;
BEGIN
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(scorecard_unit.unit, lo, hi) b;
  -- every indicator is counted on the dossiers the units resolved in the period
  SELECT count(*) AS resolved,
         count(*) FILTER (WHERE d.result <> 'late') AS in_time,
         coalesce(sum(s.steps), 0) AS steps,
         coalesce(sum(s.steps_in_time), 0) AS steps_in_time,
         count(*) FILTER (WHERE s.supplements <= 1) AS one_round,
         count(*) FILTER (WHERE ru.level IN ('province', 'commune')) AS at_desk,
         count(r.dossier_id) AS rated,
         count(r.dossier_id) FILTER (WHERE coalesce(r.answers ->> 'attitude', r.rating) <> 'unsatisfied') AS courteous,
         count(*) FILTER (WHERE pv.online_service IS NOT NULL) AS offered,
         count(*) FILTER (WHERE pv.online_service IS NOT NULL AND d.channel = 2) AS offered_online
    INTO t
  FROM tthc.dossier d
  LEFT JOIN tthc.unit ru ON ru.code = d.receiving_unit
  LEFT JOIN tthc.procedure pv ON pv.id = d.procedure_id AND pv.province IS NOT DISTINCT FROM d.province
  LEFT JOIN tthc.rating r ON r.dossier_id = d.id AND r.province IS NOT DISTINCT FROM d.province
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplements,
           count(*) FILTER (WHERE e.step_result IS NOT NULL) AS steps,
           count(*) FILTER (WHERE e.step_result IN ('early', 'on_time')) AS steps_in_time
    FROM tthc.dossier_event e WHERE e.dossier_id = d.id AND e.province IS NOT DISTINCT FROM d.province) s
  WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at;

  RETURN QUERY
  WITH x(indicator, name, num, den, basis) AS (VALUES
    (1::smallint, 'total_time', t.in_time, t.resolved,
     'resolved early or on time against the legal limit / resolved in the period'),
    (2::smallint, 'time_at_each_agency', t.steps_in_time, t.steps,
     'steps (partners'' included) ended early or on time / steps ended, of the dossiers resolved in the period'),
    (3::smallint, 'contacts_to_complete', t.one_round, t.resolved,
     'resolved with at most one request to supplement (one extra contact) / resolved in the period'),
    (4::smallint, 'agencies_contacted', NULL::bigint, NULL::bigint,
     'not recorded: which agencies the applicant contacted besides the receiving one'),
    (5::smallint, 'one_stop_desk', t.at_desk, t.resolved,
     'received at a one-stop centre (unit level province or commune) / resolved in the period; where the result was returned is not recorded'),
    (6::smallint, 'publicity', NULL, NULL,
     'not recorded: whether the procedure is published'),
    (7::smallint, 'officer_attitude', t.courteous, t.rated,
     'ratings whose attitude answer (or, without one, the rating) is not unsatisfied / ratings of the dossiers resolved in the period'),
    (8::smallint, 'feedback_handling', NULL, NULL,
     'not recorded: feedback and petitions and how they were answered'),
    (9::smallint, 'online_service', t.offered_online, t.offered,
     'received online / resolved, of procedures offered online (procedure.online_service)')),
  y AS (
    SELECT x.*, round(x.num::numeric / nullif(x.den, 0), 4) AS ratio FROM x),
  z AS (
    SELECT y.*, round(2 * y.ratio, 2) AS points, CASE WHEN y.ratio IS NOT NULL THEN 2::numeric END AS max_points
    FROM y)
  SELECT z.indicator, z.name, z.num::bigint, z.den::bigint, z.ratio, z.points, z.max_points, NULL::text, z.basis FROM z
  UNION ALL
  SELECT NULL::smallint, 'total', NULL::bigint, NULL::bigint, round(sum(z.points) / nullif(sum(z.max_points), 0), 4),
         sum(z.points), sum(z.max_points),
         tthc.grade_18(18 * sum(z.points) / nullif(sum(z.max_points), 0)),
         'points of the indicators the data supports; max_points = 2 per such indicator; grade on the total scaled to 18 points'
  FROM z
  ORDER BY 1 NULLS LAST;
END $$;
COMMENT ON FUNCTION tthc.scorecard_unit(text, daterange) IS 'The department evaluation (nine indicators of 2 points, grade on 18) measured from the dossiers a unit and those below it resolved in the period; NULL where tthc records nothing';
REVOKE ALL ON FUNCTION tthc.scorecard_unit(text, daterange) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.scorecard_unit(text, daterange) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;
-- the dossiers a unit resolved in a period: for the scorecards, the time
-- reduction and the stuck procedures
CREATE INDEX dossier_finished ON tthc.dossier (handling_unit, finished_at) WHERE finished_at IS NOT NULL;

-- QĐ 766: the points of each group, spread evenly over the group's
-- indicators the data supports
CREATE FUNCTION tthc.indicator_weights() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT '{"transparency": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18}'::jsonb $$;
COMMENT ON FUNCTION tthc.indicator_weights() IS 'The QĐ 766 points of each group of indicators (100 in all)';
DROP FUNCTION tthc.indicators_766(text, daterange);
CREATE FUNCTION tthc.indicators_766(unit text, period daterange)
    RETURNS TABLE (grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text,
                   group_points numeric, points numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[] := tthc.report_scope(indicators_766.unit, true);
  lo date;
  hi date;
  whole_from date;
  whole_to date;
  t record;
BEGIN
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT m.whole_from, m.whole_to INTO whole_from, whole_to FROM tthc.report_months(lo, hi) m;
  SELECT coalesce(sum(a.resolved_early + a.resolved_on_time), 0) AS in_time,
         coalesce(sum(a.resolved_early + a.resolved_on_time + a.resolved_late), 0) AS resolved,
         coalesce(sum(a.received_in_person + a.received_online + a.received_postal), 0) AS received,
         coalesce(sum(a.offered_online), 0) AS offered, coalesce(sum(a.offered_online_online), 0) AS offered_online,
         coalesce(sum(a.with_fee), 0) AS with_fee, coalesce(sum(a.paid_online), 0) AS paid_online,
         coalesce(sum(a.digitised), 0) AS digitised, coalesce(sum(a.result_electronic), 0) AS e_result,
         coalesce(sum(a.rated), 0) AS rated, coalesce(sum(a.rated_satisfied), 0) AS satisfied
    INTO t
  -- the period's whole months as month rows, its partial months as days
  FROM (SELECT * FROM tthc.report_day r
        WHERE r.unit = ANY (units)
          AND (r.day >= lo AND r.day < least(whole_from, hi) OR r.day >= greatest(whole_to, whole_from) AND r.day < hi)
        UNION ALL
        SELECT * FROM tthc.report_month r
        WHERE r.unit = ANY (units) AND r.month >= whole_from AND r.month < whole_to
        UNION ALL
        SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied
        FROM tthc.report_delta r WHERE r.unit = ANY (units) AND r.day >= lo AND r.day < hi) a;
  RETURN QUERY
  WITH x AS (
    SELECT x.grp, x.indicator, x.num::bigint AS num, x.den::bigint AS den,
           round(x.num::numeric / nullif(x.den, 0), 4) AS ratio, x.basis, x.ord,
           (tthc.indicator_weights() ->> x.grp)::numeric AS group_points
    FROM (VALUES
      (1, 'transparency', 'published_procedures', NULL::bigint, NULL::bigint,
       'not recorded: which procedures are published on the portal'),
      (2, 'progress', 'on_time_rate', t.in_time, t.resolved,
       'resolved early or on time / resolved in the period'),
      (3, 'digitisation', 'digitised_rate', t.digitised, t.received,
       'received with digitised components (dossier.digitised) / received in the period'),
      (4, 'digitisation', 'electronic_result_rate', t.e_result, t.resolved,
       'resolved with an electronic result (dossier.result_electronic) / resolved in the period'),
      (5, 'digitisation', 'reused_data_rate', NULL, NULL,
       'not recorded: components taken from digitised results instead of submitted again'),
      (6, 'online', 'online_rate', t.offered_online, t.offered,
       'received online / received for procedures offered online (procedure.online_service), in the period'),
      (7, 'online', 'online_payment_rate', t.paid_online, t.with_fee,
       'paid online / received with a fee (dossier.payment), in the period'),
      (8, 'satisfaction', 'satisfaction_rate', t.satisfied, t.rated,
       'ratings not unsatisfied / ratings given in the period (tthc.rating)')
    ) x(ord, grp, indicator, num, den, basis))
  SELECT x.grp, x.indicator, x.num, x.den, x.ratio, x.basis, x.group_points,
         round(x.ratio * x.group_points / count(x.ratio) OVER (PARTITION BY x.grp), 2)
  FROM x ORDER BY x.ord;
END $$;
COMMENT ON FUNCTION tthc.indicators_766(text, daterange) IS 'The QĐ 766 ratios the data supports, with numerator and denominator, the group''s weight and the points earned, for a unit and the units below it; NULL where tthc records nothing to count';
REVOKE ALL ON FUNCTION tthc.indicators_766(text, daterange) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.indicators_766(text, daterange) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;


-- Month close: published cards never change; a recount is compared, not applied.
CREATE TABLE tthc.scorecard_month (
  month date NOT NULL CONSTRAINT scorecard_month_first_day CHECK (month = date_trunc('month', month)::date),
  kind text NOT NULL CONSTRAINT scorecard_kind_known CHECK (kind IN ('officer', 'unit')),
  unit text NOT NULL,
  item text NOT NULL,
  card jsonb NOT NULL,
  closed_at timestamptz NOT NULL DEFAULT now(),
  closed_by text NOT NULL,
  PRIMARY KEY (month, kind, unit, item)
);
COMMENT ON TABLE tthc.scorecard_month IS 'The published monthly cards (tthc.scorecard_close): append-only, never recounted; tthc.scorecard_diff shows what a recount would change';
COMMENT ON COLUMN tthc.scorecard_month.unit IS 'officer cards: the officer''s unit; unit cards: the unit evaluated';
COMMENT ON COLUMN tthc.scorecard_month.item IS 'officer cards: the login; unit cards: the indicator number, or total';
COMMENT ON COLUMN tthc.scorecard_month.card IS 'The row of tthc.scorecard_officer or tthc.scorecard_unit as published';
COMMENT ON COLUMN tthc.scorecard_month.closed_by IS 'The session user that closed the month';
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON tthc.scorecard_month
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.scorecard_month
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
-- (also with session_replication_role = replica, as the logs)
ALTER TABLE tthc.scorecard_month ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.scorecard_month ENABLE ALWAYS TRIGGER append_only_truncate;
GRANT SELECT ON tthc.scorecard_month TO tthc_admin, tthc_auditor;
SELECT pg_catalog.pg_extension_config_dump('tthc.scorecard_month', '');

-- the cards of a month as they count now: one statement, one snapshot
CREATE FUNCTION tthc.scorecard_cards(month date)
    RETURNS TABLE (kind text, unit text, item text, card jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT 'officer', c.officer_unit, c.officer, to_jsonb(c)
  FROM tthc.unit r, tthc.scorecard_officer(r.code, $1) c
  WHERE r.parent IS NULL
  UNION ALL
  SELECT 'unit', u.code, coalesce(c.indicator::text, 'total'), to_jsonb(c)
  FROM tthc.unit u,
       tthc.scorecard_unit(u.code, daterange(date_trunc('month', $1)::date,
                                             (date_trunc('month', $1) + interval '1 month')::date)) c
$_$;
COMMENT ON FUNCTION tthc.scorecard_cards(date) IS 'Every officer''s and every unit''s card of a month, counted now';
REVOKE ALL ON FUNCTION tthc.scorecard_cards(date) FROM PUBLIC;

CREATE FUNCTION tthc.scorecard_close(month date) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  n bigint;
BEGIN
  IF month IS NULL THEN
    RAISE EXCEPTION 'the month to close cannot be null' USING ERRCODE = '22004';
  END IF;
  IF (m + interval '1 month')::date > (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN
    RAISE EXCEPTION 'month % is not over', to_char(m, 'YYYY-MM')
      USING ERRCODE = '22023', HINT = 'Close a month once its last day has passed.',
            SCHEMA = 'tthc', TABLE = 'scorecard_month', COLUMN = 'month';
  END IF;
  -- one close at a time; a second waits, then finds the month closed
  LOCK TABLE tthc.scorecard_month IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM tthc.scorecard_month s WHERE s.month = m) THEN
    RAISE EXCEPTION 'month % is already closed', to_char(m, 'YYYY-MM')
      USING ERRCODE = '55000', HINT = 'Published cards never change: tthc.scorecard_diff(month) lists what a recount would change.',
            SCHEMA = 'tthc', TABLE = 'scorecard_month', COLUMN = 'month';
  END IF;
  BEGIN
    INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
    SELECT m, c.kind, c.unit, c.item, c.card, session_user FROM tthc.scorecard_cards(m) c;
    GET DIAGNOSTICS n = ROW_COUNT;
  EXCEPTION WHEN unique_violation THEN
    -- a close committed after this transaction's snapshot (REPEATABLE READ)
    RAISE EXCEPTION 'month % is already closed', to_char(m, 'YYYY-MM')
      USING ERRCODE = '55000', HINT = 'Published cards never change: tthc.scorecard_diff(month) lists what a recount would change.',
            SCHEMA = 'tthc', TABLE = 'scorecard_month', COLUMN = 'month';
  END;
  RETURN n;
END $$;
COMMENT ON FUNCTION tthc.scorecard_close(date) IS 'Publishes the month''s officer and unit cards into tthc.scorecard_month (once; the month must be over); returns how many';
REVOKE ALL ON FUNCTION tthc.scorecard_close(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.scorecard_close(date) TO tthc_admin;

CREATE FUNCTION tthc.scorecard_diff(month date)
    RETURNS TABLE (kind text, unit text, item text, field text, published jsonb, recounted jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  m date := date_trunc('month', month)::date;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM tthc.scorecard_month s WHERE s.month = m) THEN
    RAISE EXCEPTION 'month % is not closed', to_char(m, 'YYYY-MM')
      USING ERRCODE = '55000', HINT = 'tthc.scorecard_close(month) publishes it.';
  END IF;
  RETURN QUERY
  SELECT coalesce(p.kind, n.kind), coalesce(p.unit, n.unit), coalesce(p.item, n.item), k.key,
         p.card -> k.key, n.card -> k.key
  FROM (SELECT s.kind, s.unit, s.item, s.card FROM tthc.scorecard_month s WHERE s.month = m) p
  FULL JOIN tthc.scorecard_cards(m) n ON n.kind = p.kind AND n.unit = p.unit AND n.item = p.item
  CROSS JOIN LATERAL jsonb_object_keys(coalesce(p.card, '{}') || coalesce(n.card, '{}')) k(key)
  WHERE (p.card -> k.key) IS DISTINCT FROM (n.card -> k.key)
  ORDER BY 1, 2, 3, 4;
END $$;
COMMENT ON FUNCTION tthc.scorecard_diff(date) IS 'What a recount of a closed month would change (a late rating, a backfilled event): one row per card and field that differs';
REVOKE ALL ON FUNCTION tthc.scorecard_diff(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.scorecard_diff(date) TO tthc_admin, tthc_auditor;

-- -------------------------------------------------------------------
-- 3. What the leadership asks for
-- -------------------------------------------------------------------

ALTER TABLE tthc.procedure ADD COLUMN national_time_limit tthc.time_limit;
COMMENT ON COLUMN tthc.procedure.national_time_limit IS 'The limit in the ministry''s decision, before the province cut it (time_limit); NULL when not recorded';

CREATE FUNCTION tthc.working_day_equivalent(tthc.time_limit) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE tthc.time_limit_unit($1)
           WHEN 'working_days' THEN tthc.time_limit_amount($1)
           WHEN 'working_hours' THEN tthc.time_limit_amount($1) / 8
           WHEN 'days' THEN tthc.time_limit_amount($1) * 5 / 7
           WHEN 'same_day' THEN 1::numeric END
$$;
COMMENT ON FUNCTION tthc.working_day_equivalent(tthc.time_limit) IS 'A limit in working days: working hours / 8, calendar days x 5/7, same day = 1';

CREATE FUNCTION tthc.time_reduction(unit text, period daterange)
    RETURNS TABLE (procedures bigint, provincial_days numeric, national_days numeric, catalogue_cut numeric,
                   resolved bigint, actual_work interval, legal_work interval, actual_cut numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[] := tthc.report_scope(time_reduction.unit, true);
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  c record;
  a record;
BEGIN
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(time_reduction.unit, lo, hi) b;
  -- the catalogue: the versions in force on the period's last day that record the national limit
  SELECT count(*) AS n, sum(tthc.working_day_equivalent(p.time_limit)) AS prov,
         sum(tthc.working_day_equivalent(p.national_time_limit)) AS nat
    INTO c
  FROM tthc.procedure p
  WHERE p.national_time_limit IS NOT NULL AND p.valid_from <= hi - 1 AND (p.valid_to IS NULL OR p.valid_to >= hi - 1)
    AND p.province IS NOT DISTINCT FROM (SELECT u.province FROM tthc.unit u WHERE u.code = time_reduction.unit);
  -- the dossiers: working time used and allowed (pauses excluded from both)
  SELECT count(*) AS n,
         sum(tthc.working_time_between(d.clock_started_at, d.finished_at, u.calendar) - d.paused_work) AS used,
         sum(tthc.working_time_between(d.clock_started_at, d.due_at, u.calendar) - d.paused_work) AS allowed
    INTO a
  FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit
  WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at
    AND d.clock_started_at IS NOT NULL AND d.due_at IS NOT NULL;
  RETURN QUERY SELECT c.n, c.prov, c.nat, round(1 - c.prov / nullif(c.nat, 0), 4),
                      a.n, a.used, a.allowed,
                      round(1 - extract(epoch FROM a.used) / nullif(extract(epoch FROM a.allowed), 0), 4);
END $$;
COMMENT ON FUNCTION tthc.time_reduction(text, daterange) IS 'The processing-time cut: of the catalogue (1 - provincial / national limits in force, in working days) and actual (1 - working time used / allowed, over the dossiers the unit and those below it resolved in the period)';
REVOKE ALL ON FUNCTION tthc.time_reduction(text, daterange) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.time_reduction(text, daterange) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

CREATE TABLE tthc.stuck_rule (
  rule text NOT NULL CONSTRAINT stuck_rule_known
    CHECK (rule IN ('chronically_late', 'supplement_loop', 'no_online_uptake', 'late_at_external', 'overdue_backlog')),
  threshold numeric NOT NULL,
  description text,
  shipped boolean NOT NULL DEFAULT false,
  PRIMARY KEY (rule, shipped)
);
COMMENT ON TABLE tthc.stuck_rule IS 'The thresholds of the named problems tthc.stuck_procedures reports, as data: a row of yours for a rule overrides the shipped one';
COMMENT ON COLUMN tthc.stuck_rule.shipped IS 'true for the rows tthc ships (they cannot be changed; insert your own row to override one)';
INSERT INTO tthc.stuck_rule (rule, threshold, description, shipped) VALUES
  ('chronically_late', 0.90, 'on-time rate below the threshold', true),
  ('supplement_loop', 0.30, 'requests to supplement per resolved dossier above the threshold', true),
  ('no_online_uptake', 0.10, 'offered online, and the share received online below the threshold', true),
  ('late_at_external', 0.50, 'share of its late steps that ran late at an external agency (unit level agency) at or above the threshold', true),
  ('overdue_backlog', 5, 'open overdue dossiers at or above the threshold (counted however few were resolved)', true);
CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.stuck_rule
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.stuck_rule
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();
GRANT SELECT ON tthc.stuck_rule TO tthc_reader, tthc_auditor, tthc_officer;
GRANT SELECT, INSERT, UPDATE, DELETE ON tthc.stuck_rule TO tthc_admin;
SELECT pg_catalog.pg_extension_config_dump('tthc.stuck_rule', 'WHERE NOT shipped');

-- open overdue dossiers: few, and what stuck_procedures counts per procedure
CREATE INDEX dossier_overdue_open ON tthc.dossier (handling_unit, procedure_code)
  WHERE overdue_since IS NOT NULL AND status IN ('received', 'processing');

CREATE FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer DEFAULT 20)
    RETURNS TABLE (procedure_code text, procedure_name text, resolved bigint, late bigint, on_time_rate numeric,
                   open_overdue bigint, oldest_overdue_days integer, supplements_per_dossier numeric,
                   online_share numeric, late_steps bigint, late_steps_external bigint, problems text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[] := tthc.report_scope(stuck_procedures.unit, true);
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  th jsonb;
BEGIN
  IF min_resolved IS NULL OR min_resolved < 1 THEN
    RAISE EXCEPTION 'min_resolved must be at least 1' USING ERRCODE = '22023';
  END IF;
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(stuck_procedures.unit, lo, hi) b;
  -- a row of the province's own overrides the shipped one
  SELECT jsonb_object_agg(r.rule, r.threshold ORDER BY r.shipped DESC) INTO th FROM tthc.stuck_rule r;
  RETURN QUERY
  WITH res AS (
    SELECT d.procedure_code AS code, count(*) AS resolved,
           count(*) FILTER (WHERE d.result = 'late') AS late,
           sum(s.supplements) AS supplements,
           count(*) FILTER (WHERE d.channel = 2) AS online,
           bool_or(pv.online_service IS NOT NULL) AS offered,
           sum(s.late_steps) AS late_steps, sum(s.late_external) AS late_external
    FROM tthc.dossier d
    LEFT JOIN tthc.procedure pv ON pv.id = d.procedure_id AND pv.province IS NOT DISTINCT FROM d.province
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplements,
             count(*) FILTER (WHERE e.step_result = 'late') AS late_steps,
             count(*) FILTER (WHERE e.step_result = 'late'
                                AND EXISTS (SELECT 1 FROM tthc.unit su WHERE su.code = e.unit AND su.level = 'agency')) AS late_external
      FROM tthc.dossier_event e WHERE e.dossier_id = d.id AND e.province IS NOT DISTINCT FROM d.province) s
    WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at
    GROUP BY d.procedure_code),
  ovd AS (
    SELECT d.procedure_code AS code, count(*) AS open_overdue,
           max(tthc.working_days_between((d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                                         (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, u.calendar)) AS oldest
    FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit
    WHERE d.handling_unit = ANY (units) AND d.overdue_since IS NOT NULL AND d.status IN ('received', 'processing')
    GROUP BY d.procedure_code),
  m AS (
    SELECT coalesce(res.code, ovd.code) AS code, coalesce(res.resolved, 0) AS resolved, coalesce(res.late, 0) AS late,
           round((res.resolved - res.late)::numeric / nullif(res.resolved, 0), 4) AS on_time_rate,
           coalesce(ovd.open_overdue, 0) AS open_overdue, ovd.oldest,
           round(res.supplements::numeric / nullif(res.resolved, 0), 4) AS supp,
           round(res.online::numeric / nullif(res.resolved, 0), 4) AS online_share,
           coalesce(res.offered, false) AS offered,
           coalesce(res.late_steps, 0) AS late_steps, coalesce(res.late_external, 0) AS late_external
    FROM res FULL JOIN ovd ON ovd.code = res.code),
  q AS (
    SELECT m.*,
           array_remove(ARRAY[
             CASE WHEN m.resolved >= min_resolved AND m.on_time_rate < (th ->> 'chronically_late')::numeric
                  THEN 'chronically_late' END,
             CASE WHEN m.resolved >= min_resolved AND m.supp > (th ->> 'supplement_loop')::numeric
                  THEN 'supplement_loop' END,
             CASE WHEN m.resolved >= min_resolved AND m.offered AND m.online_share < (th ->> 'no_online_uptake')::numeric
                  THEN 'no_online_uptake' END,
             CASE WHEN m.resolved >= min_resolved AND m.late_steps > 0
                       AND m.late_external::numeric / m.late_steps >= (th ->> 'late_at_external')::numeric
                  THEN 'late_at_external' END,
             CASE WHEN m.open_overdue >= (th ->> 'overdue_backlog')::numeric THEN 'overdue_backlog' END
           ], NULL) AS problems
    FROM m)
  SELECT q.code, (SELECT p.name FROM tthc.procedure p WHERE p.code = q.code ORDER BY p.valid_from DESC LIMIT 1),
         q.resolved, q.late, q.on_time_rate, q.open_overdue, q.oldest, q.supp, q.online_share,
         q.late_steps::bigint, q.late_external::bigint, q.problems
  FROM q WHERE cardinality(q.problems) > 0
  ORDER BY cardinality(q.problems) DESC, q.on_time_rate NULLS LAST, q.open_overdue DESC, q.code;
END $$;
COMMENT ON FUNCTION tthc.stuck_procedures(text, daterange, integer) IS 'The procedures still stuck (còn vướng mắc) at a unit and those below it: per procedure the period''s resolutions, lateness, supplements, online share, late steps and open overdue dossiers, with the named problems of tthc.stuck_rule';
REVOKE ALL ON FUNCTION tthc.stuck_procedures(text, daterange, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.stuck_procedures(text, daterange, integer) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

-- BI tools read views.  Both views read the month sums (tthc.report_month)
-- and the deltas not yet folded (tthc.report_delta), per month, so they
-- cost what the month rows cost, whatever the number of dossiers.
CREATE VIEW tthc.report_monthly WITH (security_barrier) AS
WITH s AS (
  SELECT r.unit, r.field, r.month, r.received_in_person, r.received_online, r.received_postal,
         r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped,
         r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
  FROM tthc.report_month r
  UNION ALL
  SELECT r.unit, r.field, date_trunc('month', r.day)::date, sum(r.received_in_person), sum(r.received_online),
         sum(r.received_postal), sum(r.resolved_early), sum(r.resolved_on_time), sum(r.resolved_late),
         sum(r.refused), sum(r.withdrawn), sum(r.stopped), sum(r.supplement_requests), sum(r.open_change),
         sum(r.supplement_change), sum(r.overdue_change), sum(r.resolved_work)
  FROM tthc.report_delta r GROUP BY 1, 2, 3),
m AS (
  SELECT s.unit, s.field, s.month, sum(s.received_in_person) AS in_person, sum(s.received_online) AS online,
         sum(s.received_postal) AS postal, sum(s.resolved_early) AS early, sum(s.resolved_on_time) AS on_time,
         sum(s.resolved_late) AS late, sum(s.refused) AS refused, sum(s.withdrawn) AS withdrawn,
         sum(s.stopped) AS stopped, sum(s.supplement_requests) AS supp_req, sum(s.open_change) AS open_change,
         sum(s.supplement_change) AS supp_change, sum(s.overdue_change) AS overdue_change,
         sum(s.resolved_work) AS work
  FROM s GROUP BY s.unit, s.field, s.month),
g AS (
  -- every month from a unit's and field's first to the latest, so a month
  -- without flows still shows its stocks
  SELECT k.unit, k.field, gs::date AS month
  FROM (SELECT m.unit, m.field, min(m.month) AS first FROM m GROUP BY m.unit, m.field) k,
       generate_series(k.first, greatest((SELECT max(m.month) FROM m),
                                         date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date),
                       interval '1 month') gs),
w AS (
  SELECT g.unit, g.field, g.month, m.in_person, m.online, m.postal, m.early, m.on_time, m.late, m.refused,
         m.withdrawn, m.stopped, m.supp_req, m.work,
         coalesce(sum(m.open_change) OVER c, 0) AS open_end,
         coalesce(sum(m.open_change) OVER c, 0) - coalesce(m.open_change, 0) AS carried_over,
         coalesce(sum(m.overdue_change) OVER c, 0) AS overdue_end,
         coalesce(sum(m.supp_change) OVER c, 0) AS supp_end
  FROM g LEFT JOIN m ON m.unit = g.unit AND m.field = g.field AND m.month = g.month
  WINDOW c AS (PARTITION BY g.unit, g.field ORDER BY g.month))
SELECT w.unit, nullif(w.field, '') AS field, w.month,
       w.carried_over::bigint AS carried_over,
       (coalesce(w.in_person, 0) + coalesce(w.online, 0) + coalesce(w.postal, 0))::bigint AS received,
       coalesce(w.in_person, 0)::bigint AS received_in_person, coalesce(w.online, 0)::bigint AS received_online,
       coalesce(w.postal, 0)::bigint AS received_postal,
       (coalesce(w.early, 0) + coalesce(w.on_time, 0) + coalesce(w.late, 0))::bigint AS resolved,
       coalesce(w.early, 0)::bigint AS resolved_early, coalesce(w.on_time, 0)::bigint AS resolved_on_time,
       coalesce(w.late, 0)::bigint AS resolved_late,
       w.open_end::bigint AS in_progress, (w.open_end - w.overdue_end)::bigint AS in_progress_in_time,
       w.overdue_end::bigint AS in_progress_overdue, w.supp_end::bigint AS awaiting_supplement,
       coalesce(w.supp_req, 0)::bigint AS supplement_requests, coalesce(w.withdrawn, 0)::bigint AS withdrawn,
       coalesce(w.refused, 0)::bigint AS refused, coalesce(w.stopped, 0)::bigint AS stopped,
       round((w.early + w.on_time) / nullif(w.early + w.on_time + w.late, 0), 4) AS on_time_rate,
       CASE WHEN w.early + w.on_time + w.late > 0 THEN w.work / (w.early + w.on_time + w.late)::float8 END AS avg_work
FROM w
WHERE tthc.sees_all() OR w.unit = ANY (tthc.my_units());
COMMENT ON VIEW tthc.report_monthly IS 'tthc.report per handling unit (its own dossiers), procedure field and month (its first day), for BI tools; an officer sees its units';
COMMENT ON COLUMN tthc.report_monthly.unit IS 'The handling unit (its own dossiers, not those of the units below it)';
COMMENT ON COLUMN tthc.report_monthly.field IS 'The procedure field (lĩnh vực); NULL for procedures without one';
COMMENT ON COLUMN tthc.report_monthly.month IS 'The month, as its first day (local time of the unit''s calendar)';
COMMENT ON COLUMN tthc.report_monthly.carried_over IS 'Open at the start of the month (received, processing, awaiting a supplement or a payment)';
COMMENT ON COLUMN tthc.report_monthly.received IS 'Received in the month (in person + online + postal)';
COMMENT ON COLUMN tthc.report_monthly.received_in_person IS 'Received in the month at the desk';
COMMENT ON COLUMN tthc.report_monthly.received_online IS 'Received in the month online';
COMMENT ON COLUMN tthc.report_monthly.received_postal IS 'Received in the month through the public postal service';
COMMENT ON COLUMN tthc.report_monthly.resolved IS 'Resolved in the month (early + on time + late)';
COMMENT ON COLUMN tthc.report_monthly.resolved_early IS 'Resolved in the month on a working day before the due day';
COMMENT ON COLUMN tthc.report_monthly.resolved_on_time IS 'Resolved in the month by the deadline, not early';
COMMENT ON COLUMN tthc.report_monthly.resolved_late IS 'Resolved in the month after the legal deadline (an apology does not excuse it)';
COMMENT ON COLUMN tthc.report_monthly.in_progress IS 'Open at the end of the month (now, for the current month)';
COMMENT ON COLUMN tthc.report_monthly.in_progress_in_time IS 'Open at the end of the month and not overdue';
COMMENT ON COLUMN tthc.report_monthly.in_progress_overdue IS 'Running at the end of the month past the deadline';
COMMENT ON COLUMN tthc.report_monthly.awaiting_supplement IS 'Awaiting a supplement at the end of the month';
COMMENT ON COLUMN tthc.report_monthly.supplement_requests IS 'Requests to supplement made in the month';
COMMENT ON COLUMN tthc.report_monthly.withdrawn IS 'Withdrawn at the applicant''s request in the month';
COMMENT ON COLUMN tthc.report_monthly.refused IS 'Refused at reception in the month';
COMMENT ON COLUMN tthc.report_monthly.stopped IS 'Stopped in the month';
COMMENT ON COLUMN tthc.report_monthly.on_time_rate IS '(early + on time) / resolved in the month';
COMMENT ON COLUMN tthc.report_monthly.avg_work IS 'Average working time to resolve, over the month''s resolutions';
GRANT SELECT ON tthc.report_monthly TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

CREATE VIEW tthc.indicators_766_monthly WITH (security_barrier) AS
WITH RECURSIVE a(unit, ancestor) AS (
  SELECT u.code, u.code FROM tthc.unit u
  UNION
  SELECT a.unit, u.parent FROM a JOIN tthc.unit u ON u.code = a.ancestor WHERE u.parent IS NOT NULL),
s AS (
  SELECT r.unit, r.month, r.resolved_early + r.resolved_on_time AS in_time,
         r.resolved_early + r.resolved_on_time + r.resolved_late AS resolved,
         r.received_in_person + r.received_online + r.received_postal AS received,
         r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised,
         r.result_electronic, r.rated, r.rated_satisfied
  FROM tthc.report_month r
  UNION ALL
  SELECT r.unit, date_trunc('month', r.day)::date, r.resolved_early + r.resolved_on_time,
         r.resolved_early + r.resolved_on_time + r.resolved_late,
         r.received_in_person + r.received_online + r.received_postal,
         r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised,
         r.result_electronic, r.rated, r.rated_satisfied
  FROM tthc.report_delta r),
m AS (
  SELECT a.ancestor AS unit, s.month, sum(s.in_time) AS in_time, sum(s.resolved) AS resolved,
         sum(s.received) AS received, sum(s.offered_online) AS offered, sum(s.offered_online_online) AS offered_online,
         sum(s.with_fee) AS with_fee, sum(s.paid_online) AS paid_online, sum(s.digitised) AS digitised,
         sum(s.result_electronic) AS e_result, sum(s.rated) AS rated, sum(s.rated_satisfied) AS satisfied
  FROM s JOIN a ON a.unit = s.unit
  GROUP BY a.ancestor, s.month),
g AS (
  SELECT k.unit, gs::date AS month
  FROM (SELECT m.unit, min(m.month) AS first FROM m GROUP BY m.unit) k,
       generate_series(k.first, greatest((SELECT max(m.month) FROM m),
                                         date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date),
                       interval '1 month') gs)
SELECT g.unit, g.month, x.grp, x.indicator, x.num::bigint AS numerator, x.den::bigint AS denominator,
       round(x.num::numeric / nullif(x.den, 0), 4) AS ratio
FROM g LEFT JOIN m ON m.unit = g.unit AND m.month = g.month
CROSS JOIN LATERAL (VALUES
  (1, 'transparency', 'published_procedures', NULL::numeric, NULL::numeric),
  (2, 'progress', 'on_time_rate', coalesce(m.in_time, 0), coalesce(m.resolved, 0)),
  (3, 'digitisation', 'digitised_rate', coalesce(m.digitised, 0), coalesce(m.received, 0)),
  (4, 'digitisation', 'electronic_result_rate', coalesce(m.e_result, 0), coalesce(m.resolved, 0)),
  (5, 'digitisation', 'reused_data_rate', NULL, NULL),
  (6, 'online', 'online_rate', coalesce(m.offered_online, 0), coalesce(m.offered, 0)),
  (7, 'online', 'online_payment_rate', coalesce(m.paid_online, 0), coalesce(m.with_fee, 0)),
  (8, 'satisfaction', 'satisfaction_rate', coalesce(m.satisfied, 0), coalesce(m.rated, 0))) x(ord, grp, indicator, num, den)
WHERE tthc.sees_all() OR g.unit = ANY (tthc.my_units());
COMMENT ON VIEW tthc.indicators_766_monthly IS 'tthc.indicators_766 per unit (with the units below it) and month, for BI tools; an officer sees its units';
COMMENT ON COLUMN tthc.indicators_766_monthly.unit IS 'The unit, counting the units below it';
COMMENT ON COLUMN tthc.indicators_766_monthly.month IS 'The month, as its first day';
COMMENT ON COLUMN tthc.indicators_766_monthly.grp IS 'The QĐ 766 group: transparency, progress, digitisation, online, satisfaction';
COMMENT ON COLUMN tthc.indicators_766_monthly.indicator IS 'The ratio''s name, as in tthc.indicators_766';
COMMENT ON COLUMN tthc.indicators_766_monthly.numerator IS 'What the ratio counts; NULL where tthc records nothing';
COMMENT ON COLUMN tthc.indicators_766_monthly.denominator IS 'What it is counted against; NULL where tthc records nothing';
COMMENT ON COLUMN tthc.indicators_766_monthly.ratio IS 'numerator / denominator, 4 decimals; NULL without a denominator';
GRANT SELECT ON tthc.indicators_766_monthly TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;
