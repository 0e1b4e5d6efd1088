-- sql/tthc--0.4.0--0.5.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.5.0'" to load this file. \quit

-- ===================================================================
-- What the QĐ 766 ratios need: payment, digitisation, electronic
-- results, procedures offered online, citizens' ratings
-- ===================================================================

ALTER TABLE tthc.dossier
  ADD COLUMN payment text CONSTRAINT payment_known CHECK (payment IN ('online', 'offline')),
  ADD COLUMN digitised boolean NOT NULL DEFAULT false,
  ADD COLUMN result_electronic boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN tthc.dossier.payment IS
  'How the fees were paid: online (through the portal) or offline; NULL when the dossier has no fee';
COMMENT ON COLUMN tthc.dossier.digitised IS 'The components of the dossier were digitised at reception';
COMMENT ON COLUMN tthc.dossier.result_electronic IS 'The result was issued as an electronic document';

ALTER TABLE tthc.procedure
  ADD COLUMN online_service text CONSTRAINT online_service_known CHECK (online_service IN ('full', 'partial'));
COMMENT ON COLUMN tthc.procedure.online_service IS
  'Offered as an online public service: full (toàn trình) or partial (một phần); NULL when not offered online';

-- a version with dossiers also keeps its field and online offer: the reports count by them
CREATE OR REPLACE FUNCTION tthc.procedure_in_use() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  pid bigint := (pg_catalog.to_jsonb(OLD) ->> CASE TG_TABLE_NAME WHEN 'procedure' THEN 'id' ELSE 'procedure_id' END)::bigint;
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'procedure'
     AND (NEW.time_limit::text, NEW.online_time_limit::text, NEW.same_day_cutoff, NEW.supplement_mode, NEW.valid_from,
          NEW.field, NEW.online_service)
         IS NOT DISTINCT FROM
         (OLD.time_limit::text, OLD.online_time_limit::text, OLD.same_day_cutoff, OLD.supplement_mode, OLD.valid_from,
          OLD.field, OLD.online_service) THEN
    RETURN NEW;   -- closing a version (valid_to) or renaming is fine
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.procedure_id = pid) THEN
    RAISE EXCEPTION 'procedure version % has dossiers', pid
      USING ERRCODE = '23503',
            DETAIL = 'Dossiers received under a version keep its limits, field and online offer.',
            HINT = 'Close the version (valid_to) and add a new one.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TABLE tthc.rating (
  dossier_id bigint PRIMARY KEY,
  rating     text NOT NULL CONSTRAINT rating_known
             CHECK (rating IN ('very_satisfied', 'satisfied', 'unsatisfied')),
  comment    text,
  rated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tthc.rating IS
  'The applicant''s rating of a dossier''s handling (one per dossier), for the satisfaction ratio';
SELECT pg_catalog.pg_extension_config_dump('tthc.rating', '');

-- ===================================================================
-- Report aggregates: per handling unit, procedure field and local day
-- ===================================================================
-- Flows count what happened on the day; *_change columns are the day's
-- change of a stock (open dossiers, awaiting a supplement, running and
-- overdue), whose value at the start of a day is the sum of all earlier
-- changes.  The dossier trigger appends one row per key and statement to
-- report_delta; tthc.report_compact() folds them into report_day.

CREATE TABLE tthc.report_day (
  unit                     text NOT NULL,
  field                    text NOT NULL,
  day                      date NOT NULL,
  received_in_person       bigint NOT NULL DEFAULT 0,
  received_online          bigint NOT NULL DEFAULT 0,
  received_postal          bigint NOT NULL DEFAULT 0,
  resolved_early           bigint NOT NULL DEFAULT 0,
  resolved_on_time         bigint NOT NULL DEFAULT 0,
  resolved_late            bigint NOT NULL DEFAULT 0,
  refused                  bigint NOT NULL DEFAULT 0,
  withdrawn                bigint NOT NULL DEFAULT 0,
  stopped                  bigint NOT NULL DEFAULT 0,
  supplement_requests      bigint NOT NULL DEFAULT 0,
  open_change              bigint NOT NULL DEFAULT 0,
  supplement_change        bigint NOT NULL DEFAULT 0,
  overdue_change           bigint NOT NULL DEFAULT 0,
  offered_online           bigint NOT NULL DEFAULT 0,
  offered_online_online    bigint NOT NULL DEFAULT 0,
  with_fee                 bigint NOT NULL DEFAULT 0,
  paid_online              bigint NOT NULL DEFAULT 0,
  digitised                bigint NOT NULL DEFAULT 0,
  result_electronic        bigint NOT NULL DEFAULT 0,
  resolved_work            interval NOT NULL DEFAULT '0',
  rated                    bigint NOT NULL DEFAULT 0,
  rated_satisfied          bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (unit, field, day)
);
COMMENT ON TABLE tthc.report_day IS
  'Report sums per handling unit, procedure field ('''' for none) and local day, folded from tthc.report_delta';
COMMENT ON COLUMN tthc.report_day.open_change IS
  'Change of the open stock (received, processing, awaiting a supplement or a payment) on the day';
COMMENT ON COLUMN tthc.report_day.overdue_change IS
  'Change of the stock of running dossiers flagged overdue on the day (a flagged dossier counts from its deadline on)';
COMMENT ON COLUMN tthc.report_day.resolved_work IS
  'Working time to resolve, summed over the dossiers resolved on the day';

CREATE TABLE tthc.report_delta (LIKE tthc.report_day INCLUDING DEFAULTS);
COMMENT ON TABLE tthc.report_delta IS
  'Report sums appended per statement by tthc (no index, never updated), until tthc.report_compact() folds them';
CREATE INDEX report_day_day_idx ON tthc.report_day (day);

SELECT pg_catalog.pg_extension_config_dump('tthc.report_day', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.report_delta', '');

CREATE FUNCTION tthc.dossier_counted() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_dossier_counted' LANGUAGE C;
COMMENT ON FUNCTION tthc.dossier_counted() IS
  'Appends the report sums counted by a statement''s dossier writes to tthc.report_delta';
CREATE TRIGGER dossier_counted AFTER INSERT OR UPDATE ON tthc.dossier
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.dossier_counted();

-- a dossier is a record: it is withdrawn, refused or stopped, never deleted
CREATE TRIGGER dossier_kept BEFORE DELETE ON tthc.dossier
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

-- ratings count on the local day they were given, for the dossier's unit and field
CREATE FUNCTION tthc.rating_counted() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  rows text;
BEGIN
  -- the new ratings count up, the old ones down
  FOREACH rows IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows']
                                   ELSE ARRAY['new_rows', 'old_rows'] END LOOP
    EXECUTE format($q$
      INSERT INTO tthc.report_delta (unit, field, day, rated, rated_satisfied)
      SELECT d.handling_unit, coalesce(p.field, ''), (r.rated_at AT TIME ZONE c.time_zone)::date,
             $1 * count(*), $1 * count(*) FILTER (WHERE r.rating <> 'unsatisfied')
      FROM %I r
      JOIN tthc.dossier d ON d.id = r.dossier_id
      JOIN tthc.unit u ON u.code = d.handling_unit
      JOIN tthc.calendar c ON c.name = u.calendar
      LEFT JOIN tthc.procedure p ON p.id = d.procedure_id
      GROUP BY 1, 2, 3$q$, rows) USING CASE rows WHEN 'new_rows' THEN 1 ELSE -1 END;
  END LOOP;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION tthc.rating_counted() IS 'Appends the report sums of a statement''s ratings to tthc.report_delta';

CREATE FUNCTION tthc.rating_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  st tthc.dossier_status;
BEGIN
  SELECT d.status INTO st FROM tthc.dossier d WHERE d.id = NEW.dossier_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', NEW.dossier_id USING ERRCODE = '23503';
  END IF;
  IF st NOT IN ('resolved', 'returned', 'withdrawn', 'stopped') THEN
    RAISE EXCEPTION 'dossier % cannot be rated while %', NEW.dossier_id, st
      USING ERRCODE = '55000',
            DETAIL = 'A rating is given once the dossier is resolved, returned, withdrawn or stopped.';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.dossier_id <> OLD.dossier_id THEN
    RAISE EXCEPTION 'a rating cannot move to another dossier' USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION tthc.rating_check() IS 'A rating belongs to a finished dossier that exists';

CREATE TRIGGER rating_check BEFORE INSERT OR UPDATE ON tthc.rating
  FOR EACH ROW EXECUTE FUNCTION tthc.rating_check();
CREATE TRIGGER rating_inserted AFTER INSERT ON tthc.rating
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tthc.rating_counted();
CREATE TRIGGER rating_updated AFTER UPDATE ON tthc.rating
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tthc.rating_counted();
CREATE TRIGGER rating_deleted AFTER DELETE ON tthc.rating
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tthc.rating_counted();

-- ===================================================================
-- Folding and rebuilding the aggregates
-- ===================================================================

CREATE FUNCTION tthc.report_compact() RETURNS bigint
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH moved AS (
    DELETE FROM tthc.report_delta RETURNING *),
  folded AS (
    INSERT INTO tthc.report_day AS r
    SELECT unit, field, day,
           sum(received_in_person), sum(received_online), sum(received_postal),
           sum(resolved_early), sum(resolved_on_time), sum(resolved_late),
           sum(refused), sum(withdrawn), sum(stopped), sum(supplement_requests),
           sum(open_change), sum(supplement_change), sum(overdue_change),
           sum(offered_online), sum(offered_online_online), sum(with_fee), sum(paid_online),
           sum(digitised), sum(result_electronic), sum(resolved_work), sum(rated), sum(rated_satisfied)
    FROM moved GROUP BY unit, field, day
    ON CONFLICT (unit, field, day) DO UPDATE SET
      received_in_person = r.received_in_person + excluded.received_in_person,
      received_online = r.received_online + excluded.received_online,
      received_postal = r.received_postal + excluded.received_postal,
      resolved_early = r.resolved_early + excluded.resolved_early,
      resolved_on_time = r.resolved_on_time + excluded.resolved_on_time,
      resolved_late = r.resolved_late + excluded.resolved_late,
      refused = r.refused + excluded.refused,
      withdrawn = r.withdrawn + excluded.withdrawn,
      stopped = r.stopped + excluded.stopped,
      supplement_requests = r.supplement_requests + excluded.supplement_requests,
      open_change = r.open_change + excluded.open_change,
      supplement_change = r.supplement_change + excluded.supplement_change,
      overdue_change = r.overdue_change + excluded.overdue_change,
      offered_online = r.offered_online + excluded.offered_online,
      offered_online_online = r.offered_online_online + excluded.offered_online_online,
      with_fee = r.with_fee + excluded.with_fee,
      paid_online = r.paid_online + excluded.paid_online,
      digitised = r.digitised + excluded.digitised,
      result_electronic = r.result_electronic + excluded.result_electronic,
      resolved_work = r.resolved_work + excluded.resolved_work,
      rated = r.rated + excluded.rated,
      rated_satisfied = r.rated_satisfied + excluded.rated_satisfied
    RETURNING 1)
  SELECT count(*) FROM moved
$$;
COMMENT ON FUNCTION tthc.report_compact() IS
  'Folds the rows appended to tthc.report_delta into tthc.report_day; returns how many were folded (tthc.sweep runs it)';

-- The same sums derived from the event log and the dossiers, as the trigger
-- counts them: a status move counts on the day of its event; the stocks
-- (open, awaiting a supplement, running and flagged overdue) change when a
-- write changes them; the 766 attributes count on the reception day (the
-- resolution day for electronic results); ratings on their day.
CREATE FUNCTION tthc.report_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- writers wait while the sums are rebuilt
  LOCK TABLE tthc.dossier, tthc.rating IN SHARE MODE;
  LOCK TABLE tthc.report_day, tthc.report_delta IN EXCLUSIVE MODE;
  DELETE FROM tthc.report_delta;
  DELETE FROM tthc.report_day;
  INSERT INTO tthc.report_delta
  WITH d AS (
    SELECT d.id, d.handling_unit AS unit, d.channel, d.result, d.received_at, d.finished_at,
           d.clock_started_at, d.paused_work, d.payment, d.digitised, d.result_electronic,
           u.calendar, c.time_zone AS tz, coalesce(p.field, '') AS field,
           p.online_service IS NOT NULL AS offered
    FROM tthc.dossier d
    JOIN tthc.unit u ON u.code = d.handling_unit
    JOIN tthc.calendar c ON c.name = u.calendar
    LEFT JOIN LATERAL (
      SELECT v.field, v.online_service FROM tthc.procedure v
      WHERE CASE WHEN d.procedure_id IS NOT NULL THEN v.id = d.procedure_id
                 ELSE v.code = d.procedure_code
                      AND v.valid_from <= (d.submitted_at AT TIME ZONE c.time_zone)::date
                      AND (v.valid_to IS NULL OR v.valid_to >= (d.submitted_at AT TIME ZONE c.time_zone)::date) END
      ORDER BY v.valid_from DESC LIMIT 1) p ON true),
  e AS (
    SELECT e.dossier_id, e.seq, e.at, e.kind, e.to_status,
           count(e.to_status) OVER w AS sgrp,
           max(e.seq) FILTER (WHERE e.kind = 'overdue') OVER w AS last_overdue,
           max(e.seq) FILTER (WHERE e.new_due_at > e.at) OVER w AS last_cleared
    FROM tthc.dossier_event e
    WINDOW w AS (PARTITION BY e.dossier_id ORDER BY e.seq ROWS UNBOUNDED PRECEDING)),
  s AS (
    SELECT e.dossier_id, e.seq, e.at,
           max(e.to_status) OVER (PARTITION BY e.dossier_id, e.sgrp) AS st,
           e.last_overdue IS NOT NULL AND e.last_overdue > coalesce(e.last_cleared, 0) AS flagged
    FROM e),
  g AS (
    SELECT s.dossier_id, s.seq, s.at, s.st,
           lag(s.st) OVER p AS st_before,
           (s.st IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment'))::int AS open,
           (s.st = 'awaiting_supplement')::int AS supp,
           (s.st IN ('received', 'processing') AND s.flagged)::int AS over
    FROM s WINDOW p AS (PARTITION BY s.dossier_id ORDER BY s.seq)),
  ev AS (
    SELECT d.unit, d.field, (g.at AT TIME ZONE d.tz)::date AS day, g.st, g.st_before, d.channel, d.result,
           CASE WHEN g.st = 'resolved' AND g.st IS DISTINCT FROM g.st_before
                THEN tthc.working_time_between(d.clock_started_at, d.finished_at, d.calendar) - d.paused_work END AS work,
           g.open - coalesce(lag(g.open) OVER p, 0) AS open_change,
           g.supp - coalesce(lag(g.supp) OVER p, 0) AS supp_change,
           g.over - coalesce(lag(g.over) OVER p, 0) AS over_change
    FROM g JOIN d ON d.id = g.dossier_id
    WINDOW p AS (PARTITION BY g.dossier_id ORDER BY g.seq)),
  counted AS (
    SELECT unit, field, day,
           count(*) FILTER (WHERE moved AND st = 'received' AND channel = 1) AS received_in_person,
           count(*) FILTER (WHERE moved AND st = 'received' AND channel = 2) AS received_online,
           count(*) FILTER (WHERE moved AND st = 'received' AND channel = 3) AS received_postal,
           count(*) FILTER (WHERE moved AND st = 'resolved' AND result = 'early') AS resolved_early,
           count(*) FILTER (WHERE moved AND st = 'resolved' AND result = 'on_time') AS resolved_on_time,
           count(*) FILTER (WHERE moved AND st = 'resolved' AND result = 'late') AS resolved_late,
           count(*) FILTER (WHERE moved AND st = 'refused') AS refused,
           count(*) FILTER (WHERE moved AND st = 'withdrawn') AS withdrawn,
           count(*) FILTER (WHERE moved AND st = 'stopped') AS stopped,
           count(*) FILTER (WHERE moved AND st = 'awaiting_supplement') AS supplement_requests,
           sum(open_change) AS open_change, sum(supp_change) AS supplement_change,
           sum(over_change) AS overdue_change,
           0 AS offered_online, 0 AS offered_online_online, 0 AS with_fee, 0 AS paid_online,
           0 AS digitised, 0 AS result_electronic,
           coalesce(sum(work), interval '0') AS resolved_work, 0 AS rated, 0 AS rated_satisfied
    FROM (SELECT ev.*, ev.st IS DISTINCT FROM ev.st_before AS moved FROM ev) x
    GROUP BY unit, field, day
    UNION ALL
    -- flagged overdue: since the deadline (old_due_at), not since the sweep noticed
    SELECT d.unit, d.field, x.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sum(x.sign),
           0, 0, 0, 0, 0, 0, interval '0', 0, 0
    FROM tthc.dossier_event e JOIN d ON d.id = e.dossier_id,
         LATERAL (VALUES ((e.old_due_at AT TIME ZONE d.tz)::date, 1), ((e.at AT TIME ZONE d.tz)::date, -1)) x(day, sign)
    WHERE e.kind = 'overdue'
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (d.received_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.offered), count(*) FILTER (WHERE d.offered AND d.channel = 2),
           count(*) FILTER (WHERE d.payment IS NOT NULL), count(*) FILTER (WHERE d.payment = 'online'),
           count(*) FILTER (WHERE d.digitised), 0, interval '0', 0, 0
    FROM d WHERE d.received_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (d.finished_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.result_electronic), interval '0', 0, 0
    FROM d WHERE d.finished_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (r.rated_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, interval '0',
           count(*), count(*) FILTER (WHERE r.rating <> 'unsatisfied')
    FROM tthc.rating r JOIN d ON d.id = r.dossier_id
    GROUP BY 1, 2, 3)
  SELECT unit, field, day, sum(received_in_person), sum(received_online), sum(received_postal),
         sum(resolved_early), sum(resolved_on_time), sum(resolved_late),
         sum(refused), sum(withdrawn), sum(stopped), sum(supplement_requests),
         sum(open_change), sum(supplement_change), sum(overdue_change),
         sum(offered_online), sum(offered_online_online), sum(with_fee), sum(paid_online),
         sum(digitised), sum(result_electronic), sum(resolved_work), sum(rated), sum(rated_satisfied)
  FROM counted GROUP BY unit, field, day;
  PERFORM tthc.report_compact();
  SELECT count(*) INTO n FROM tthc.report_day;
  RETURN n;
END $$;
COMMENT ON FUNCTION tthc.report_rebuild() IS
  'Recomputes tthc.report_day from the event log, the dossiers and the ratings (after a bulk load with the trigger off); returns its rows';

-- ===================================================================
-- The periodic report and the QĐ 766 ratios
-- ===================================================================

CREATE FUNCTION tthc.report_scope(unit text, include_children boolean) RETURNS text[]
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  units text[];
BEGIN
  IF unit IS NULL THEN
    RAISE EXCEPTION 'the unit of a report cannot be null' USING ERRCODE = '22004';
  END IF;
  WITH RECURSIVE scope(code) AS (
    SELECT u.code FROM tthc.unit u WHERE u.code = report_scope.unit
    UNION
    SELECT u.code FROM tthc.unit u JOIN scope s ON u.parent = s.code WHERE report_scope.include_children)
  SELECT array_agg(code) INTO units FROM scope;
  IF units IS NULL THEN
    RAISE EXCEPTION 'unit "%" does not exist', unit
      USING ERRCODE = '22023', HINT = 'Units are rows of tthc.unit.';
  END IF;
  RETURN units;
END $$;
COMMENT ON FUNCTION tthc.report_scope(text, boolean) IS 'A unit and, if asked, all units below it';

CREATE FUNCTION tthc.report_period(period daterange, OUT lo date, OUT hi date)
  LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF period IS NULL OR isempty(period) THEN
    RAISE EXCEPTION 'the period of a report must be a non-empty date range'
      USING ERRCODE = '22023', HINT = 'For example daterange(''2025-01-01'', ''2026-01-01''): the year 2025.';
  END IF;
  lo := coalesce(lower(period), '-infinity'::date);
  hi := coalesce(upper(period), 'infinity'::date);
END $$;
COMMENT ON FUNCTION tthc.report_period(daterange) IS 'The first day and the day after the last of a report period';

CREATE FUNCTION tthc.report(unit text, period daterange, include_children boolean DEFAULT true)
  RETURNS TABLE (level text, unit text, field text,
                 carried_over bigint, received bigint,
                 received_in_person bigint, received_online bigint, received_postal bigint,
                 resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint,
                 in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint,
                 awaiting_supplement bigint, supplement_requests bigint,
                 withdrawn bigint, refused bigint, stopped bigint,
                 on_time_rate numeric, avg_work interval)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  -- (the output column "unit" shadows the parameter: $1, $2, $3 below)
  WITH p AS (
    SELECT tthc.report_scope($1, $3) AS units, r.lo, r.hi FROM tthc.report_period($2) r),
  a AS (
    SELECT r.* FROM tthc.report_day r, p WHERE r.unit = ANY (p.units) AND r.day < p.hi
    UNION ALL
    SELECT r.* FROM tthc.report_delta r, p WHERE r.unit = ANY (p.units) AND r.day < p.hi),
  s AS (
    SELECT CASE WHEN grouping(a.unit, a.field) = 0 THEN 'field'
                WHEN grouping(a.unit, a.field) = 1 THEN 'unit' ELSE 'total' END AS level,
           a.unit, CASE WHEN grouping(a.field) = 0 THEN nullif(a.field, '') END AS field,
           coalesce(sum(a.open_change) FILTER (WHERE a.day < p.lo), 0) AS carried_over,
           coalesce(sum(a.received_in_person) FILTER (WHERE a.day >= p.lo), 0) AS in_person,
           coalesce(sum(a.received_online) FILTER (WHERE a.day >= p.lo), 0) AS online,
           coalesce(sum(a.received_postal) FILTER (WHERE a.day >= p.lo), 0) AS postal,
           coalesce(sum(a.resolved_early) FILTER (WHERE a.day >= p.lo), 0) AS early,
           coalesce(sum(a.resolved_on_time) FILTER (WHERE a.day >= p.lo), 0) AS on_time,
           coalesce(sum(a.resolved_late) FILTER (WHERE a.day >= p.lo), 0) AS late,
           coalesce(sum(a.open_change), 0) AS open_end,
           coalesce(sum(a.overdue_change), 0) AS overdue_end,
           coalesce(sum(a.supplement_change), 0) AS supp_end,
           coalesce(sum(a.supplement_requests) FILTER (WHERE a.day >= p.lo), 0) AS supp_req,
           coalesce(sum(a.withdrawn) FILTER (WHERE a.day >= p.lo), 0) AS withdrawn,
           coalesce(sum(a.refused) FILTER (WHERE a.day >= p.lo), 0) AS refused,
           coalesce(sum(a.stopped) FILTER (WHERE a.day >= p.lo), 0) AS stopped,
           sum(a.resolved_work) FILTER (WHERE a.day >= p.lo) AS work
    FROM a CROSS JOIN p
    GROUP BY GROUPING SETS ((a.unit, a.field), (a.unit), ()))
  SELECT s.level, s.unit, s.field, s.carried_over::bigint,
         (s.in_person + s.online + s.postal)::bigint, s.in_person::bigint, s.online::bigint, s.postal::bigint,
         (s.early + s.on_time + s.late)::bigint, s.early::bigint, s.on_time::bigint, s.late::bigint,
         s.open_end::bigint, (s.open_end - s.overdue_end)::bigint, s.overdue_end::bigint,
         s.supp_end::bigint, s.supp_req::bigint, s.withdrawn::bigint, s.refused::bigint, s.stopped::bigint,
         round((s.early + s.on_time) / nullif(s.early + s.on_time + s.late, 0), 4),
         CASE WHEN s.early + s.on_time + s.late > 0
              THEN s.work / (s.early + s.on_time + s.late)::float8 END
  FROM s
  ORDER BY s.level = 'total', s.unit, s.level = 'unit', s.field
$$;
COMMENT ON FUNCTION tthc.report(text, daterange, boolean) IS
  'The periodic report (forms 06/07 style) per handling unit and procedure field, with unit and grand totals, from the report aggregates';

CREATE FUNCTION tthc.indicators_766(unit text, period daterange)
  RETURNS TABLE (grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  units text[] := tthc.report_scope(indicators_766.unit, true);
  lo date;
  hi date;
  t record;
BEGIN
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT coalesce(sum(a.resolved_early + a.resolved_on_time), 0) AS in_time,
         coalesce(sum(a.resolved_early + a.resolved_on_time + a.resolved_late), 0) AS resolved,
         coalesce(sum(a.received_in_person + a.received_online + a.received_postal), 0) AS received,
         coalesce(sum(a.offered_online), 0) AS offered, coalesce(sum(a.offered_online_online), 0) AS offered_online,
         coalesce(sum(a.with_fee), 0) AS with_fee, coalesce(sum(a.paid_online), 0) AS paid_online,
         coalesce(sum(a.digitised), 0) AS digitised, coalesce(sum(a.result_electronic), 0) AS e_result,
         coalesce(sum(a.rated), 0) AS rated, coalesce(sum(a.rated_satisfied), 0) AS satisfied
    INTO t
  FROM (SELECT * FROM tthc.report_day r WHERE r.unit = ANY (units) AND r.day >= lo AND r.day < hi
        UNION ALL
        SELECT * FROM tthc.report_delta r WHERE r.unit = ANY (units) AND r.day >= lo AND r.day < hi) a;
  RETURN QUERY
  SELECT x.grp, x.indicator, x.num::bigint, x.den::bigint,
         round(x.num::numeric / nullif(x.den, 0), 4), x.basis
  FROM (VALUES
    ('transparency', 'published_procedures', NULL::bigint, NULL::bigint,
     'not recorded: which procedures are published on the portal'),
    ('progress', 'on_time_rate', t.in_time, t.resolved,
     'resolved early or on time / resolved in the period'),
    ('digitisation', 'digitised_rate', t.digitised, t.received,
     'received with digitised components (dossier.digitised) / received in the period'),
    ('digitisation', 'electronic_result_rate', t.e_result, t.resolved,
     'resolved with an electronic result (dossier.result_electronic) / resolved in the period'),
    ('digitisation', 'reused_data_rate', NULL, NULL,
     'not recorded: components taken from digitised results instead of submitted again'),
    ('online', 'online_rate', t.offered_online, t.offered,
     'received online / received for procedures offered online (procedure.online_service), in the period'),
    ('online', 'online_payment_rate', t.paid_online, t.with_fee,
     'paid online / received with a fee (dossier.payment), in the period'),
    ('satisfaction', 'satisfaction_rate', t.satisfied, t.rated,
     'ratings not unsatisfied / ratings given in the period (tthc.rating)')
  ) x(grp, indicator, num, den, basis);
END $$;
COMMENT ON FUNCTION tthc.indicators_766(text, daterange) IS
  'The QĐ 766 ratios the data supports, with numerator and denominator, for a unit and the units below it; NULL where tthc records nothing to count';

-- the sweep also folds the report sums
CREATE OR REPLACE FUNCTION tthc.sweep(at timestamptz DEFAULT now())
  RETURNS TABLE (overdue bigint, due_soon bigint)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  started timestamptz := clock_timestamp();
  horizon timestamptz;
BEGIN
  IF at IS NULL THEN
    RAISE EXCEPTION 'the sweep time cannot be null' USING ERRCODE = '22004';
  END IF;
  -- one sweeper at a time per database; the others return at once
  IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('tthc.sweep')) THEN
    overdue := 0; due_soon := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  -- the guard trigger decides and logs; the sweep only offers it the candidates
  WITH u AS (
    UPDATE tthc.dossier d SET changed_at = sweep.at
     WHERE d.overdue_since IS NULL AND d.status IN ('received', 'processing')
       AND d.due_at < sweep.at AND d.changed_at <= sweep.at
    RETURNING d.code, d.receiving_unit, d.handling_unit, d.due_at, d.overdue_since)
  SELECT count(pg_notify('tthc_overdue', json_build_object(
           'code', u.code, 'receiving_unit', u.receiving_unit, 'handling_unit', u.handling_unit,
           'due_at', u.due_at)::text))
    INTO overdue FROM u WHERE u.overdue_since IS NOT NULL;
  horizon := tthc.due_soon_horizon(sweep.at);
  WITH u AS (
    UPDATE tthc.dossier d SET changed_at = sweep.at
     WHERE d.due_soon_at IS NULL AND d.overdue_since IS NULL AND d.status IN ('received', 'processing')
       AND d.due_at <= horizon AND d.due_at >= sweep.at AND d.changed_at <= sweep.at
    RETURNING d.code, d.receiving_unit, d.handling_unit, d.due_at, d.due_soon_at)
  SELECT count(pg_notify('tthc_due_soon', json_build_object(
           'code', u.code, 'receiving_unit', u.receiving_unit, 'handling_unit', u.handling_unit,
           'due_at', u.due_at)::text))
    INTO due_soon FROM u WHERE u.due_soon_at IS NOT NULL;
  PERFORM tthc.report_compact();
  INSERT INTO tthc.sweep_state AS s (swept_to, started_at, finished_at, overdue, due_soon, runs)
  VALUES (sweep.at, started, clock_timestamp(), sweep.overdue, sweep.due_soon, 1)
  ON CONFLICT (id) DO UPDATE
    SET swept_to = excluded.swept_to, started_at = excluded.started_at,
        finished_at = excluded.finished_at, overdue = excluded.overdue,
        due_soon = excluded.due_soon, runs = s.runs + 1;
  RETURN NEXT;
END $$;

-- ===================================================================
-- Privileges
-- ===================================================================

ALTER TABLE tthc.rating ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON tthc.rating TO tthc_admin USING (true) WITH CHECK (true);
CREATE POLICY auditor_read ON tthc.rating FOR SELECT TO tthc_auditor USING (true);
CREATE POLICY officer_units ON tthc.rating TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id))
  WITH CHECK (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id));
GRANT SELECT, INSERT, UPDATE ON tthc.rating TO tthc_officer;
GRANT SELECT ON tthc.rating, tthc.report_day, tthc.report_delta TO tthc_auditor;
GRANT SELECT ON tthc.report_day, tthc.report_delta TO tthc_reader;
REVOKE EXECUTE ON FUNCTION tthc.report(text, daterange, boolean), tthc.indicators_766(text, daterange),
  tthc.report_compact(), tthc.report_rebuild() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.report(text, daterange, boolean), tthc.indicators_766(text, daterange)
  TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;
GRANT EXECUTE ON FUNCTION tthc.report_compact(), tthc.report_rebuild() TO tthc_admin;

-- the dossiers written so far
SELECT tthc.report_rebuild();
