-- sql/tthc--0.5.0--0.6.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.6.0'" to load this file. \quit

-- No fold may run while the months are added up from the days: a 0.5.0
-- report_compact() committing in between would fold deltas into the days
-- and never into the months.  Sweeps wait or skip (their lease), and any
-- other fold waits on report_day until this update commits.
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('tthc.sweep'));
LOCK TABLE tthc.report_day IN EXCLUSIVE MODE;

-- ===================================================================
-- Report sums per month: a report reads whole months as month rows and
-- only the days of a period's partial months as day rows, so its cost no
-- longer grows with the days of history before it
-- ===================================================================

CREATE TABLE tthc.report_month (LIKE tthc.report_day INCLUDING DEFAULTS);
ALTER TABLE tthc.report_month RENAME COLUMN day TO month;
ALTER TABLE tthc.report_month ADD PRIMARY KEY (unit, field, month),
  ADD CONSTRAINT report_month_first_day CHECK (month = date_trunc('month', month::timestamp)::date);
COMMENT ON TABLE tthc.report_month IS
  'The sums of tthc.report_day per month (month: its first day), folded with them by tthc.report_compact()';
SELECT pg_catalog.pg_extension_config_dump('tthc.report_month', '');


-- tthc.report_fold_sql: the upsert adding the rows of the CTE "moved" (rows
-- of tthc.report_delta) into a sums table, grouped by bucket.  Every column
-- of report_day but the key is a sum, so the list is read from the catalog:
-- a column added to the sums needs no edit here.
CREATE FUNCTION tthc.report_fold_sql(target text, key text, bucket text) RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT format($q$INSERT INTO %1$s AS r SELECT unit, field, %3$s, %4$s FROM moved GROUP BY 1, 2, 3
                  ON CONFLICT (unit, field, %2$I) DO UPDATE SET %5$s RETURNING 1$q$,
                target, key, bucket,
                string_agg(format('sum(%I)', a.attname), ', ' ORDER BY a.attnum),
                string_agg(format('%1$I = r.%1$I + excluded.%1$I', a.attname), ', ' ORDER BY a.attnum))
  FROM pg_catalog.pg_attribute a
  WHERE a.attrelid = 'tthc.report_day'::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
    AND a.attname NOT IN ('unit', 'field', 'day')
$$;
COMMENT ON FUNCTION tthc.report_fold_sql(text, text, text) IS
  'The statement folding report_delta rows into a sums table (used by tthc.report_compact)';

CREATE OR REPLACE FUNCTION tthc.report_compact() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- one statement: the deltas leave and reach both tables at once
  EXECUTE format($q$
    WITH moved AS (DELETE FROM tthc.report_delta RETURNING *),
         daily AS (%s),
         monthly AS (%s)
    SELECT count(*) FROM moved$q$,
    tthc.report_fold_sql('tthc.report_day', 'day', 'day'),
    tthc.report_fold_sql('tthc.report_month', 'month', 'date_trunc(''month'', day::timestamp)::date'))
  INTO n;
  RETURN n;
END $$;
COMMENT ON FUNCTION tthc.report_compact() IS
  'Folds the rows appended to tthc.report_delta into tthc.report_day and tthc.report_month; returns how many were folded (tthc.sweep runs it)';

-- the months of the sums kept so far
DO $$ BEGIN
  EXECUTE format('WITH moved AS (SELECT * FROM tthc.report_day) %s',
                 tthc.report_fold_sql('tthc.report_month', 'month', 'date_trunc(''month'', day::timestamp)::date'));
END $$;

-- rebuilding empties the months too, and the fold refills them
CREATE OR REPLACE FUNCTION tthc.report_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- writers wait while the sums are rebuilt
  LOCK TABLE tthc.dossier, tthc.rating IN SHARE MODE;
  -- in the order a fold takes them: the deltas first
  LOCK TABLE tthc.report_delta, tthc.report_day, tthc.report_month IN EXCLUSIVE MODE;
  DELETE FROM tthc.report_delta;
  DELETE FROM tthc.report_day;
  DELETE FROM tthc.report_month;
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
  'Recomputes tthc.report_day and tthc.report_month from the event log, the dossiers and the ratings (after a bulk load with the trigger off); returns the rows of report_day';

-- ===================================================================
-- The reports read months where they can
-- ===================================================================

-- tthc.report_months: how a period splits into day rows and month rows.
-- lo_month is the month holding lo; [lo, whole_from) and [whole_to, hi) are
-- the period's partial months (read as days), [whole_from, whole_to) its
-- whole months (empty when lo and hi fall in one month).
CREATE FUNCTION tthc.report_months(lo date, hi date, OUT lo_month date, OUT whole_from date, OUT whole_to date)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  -- date arithmetic only (a timestamp would not hold every date); an
  -- infinite bound stays as it is
  SELECT m.lo_month,
         CASE WHEN m.lo_month = lo THEN lo
              ELSE (m.lo_month + 31) - (extract(day FROM m.lo_month + 31)::int - 1) END,
         CASE WHEN isfinite(hi) THEN hi - (extract(day FROM hi)::int - 1) ELSE hi END
  FROM (SELECT CASE WHEN isfinite(lo) THEN lo - (extract(day FROM lo)::int - 1) ELSE lo END AS lo_month) m
$$;
COMMENT ON FUNCTION tthc.report_months(date, date) IS
  'The month holding lo, and the whole months [whole_from, whole_to) of the period [lo, hi)';

CREATE OR REPLACE FUNCTION tthc.report(unit text, period daterange, include_children boolean DEFAULT true)
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
  -- The stocks at the end sum every change before hi and carried_over every
  -- change before lo; the flows, the rows from lo on.  A month row counts as
  -- its first day: every month read lies wholly before lo or wholly inside
  -- the period, and the days of the months holding lo and hi come as days.
  WITH p AS (
    SELECT tthc.report_scope($1, $3) AS units, r.lo, r.hi, m.lo_month, m.whole_from, m.whole_to
    FROM tthc.report_period($2) r, tthc.report_months(r.lo, r.hi) m),
  a AS (
    SELECT r.* FROM tthc.report_day r, p
    WHERE r.unit = ANY (p.units)
      AND (r.day >= p.lo_month AND r.day < least(p.whole_from, p.hi)
           OR r.day >= greatest(p.whole_to, p.whole_from) AND r.day < p.hi)
    UNION ALL
    SELECT r.* FROM tthc.report_month r, p
    WHERE r.unit = ANY (p.units) AND (r.month < p.lo_month OR r.month >= p.whole_from AND r.month < p.whole_to)
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

CREATE OR REPLACE FUNCTION tthc.indicators_766(unit text, period daterange)
  RETURNS TABLE (grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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

-- ===================================================================
-- Public tracking takes the same time, found or not
-- ===================================================================

CREATE FUNCTION tthc.track_wait(started timestamptz) RETURNS void
  AS 'MODULE_PATHNAME', 'tthc_track_wait' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.track_wait(timestamptz) IS
  'Sleeps until tthc.track_min_time has passed since a moment (tthc.track ends with it)';

CREATE OR REPLACE FUNCTION tthc.track(code text, id_suffix text)
  RETURNS TABLE (status tthc.dossier_status, received_at timestamptz, due_at timestamptz,
                 promised_at timestamptz, finished_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  started timestamptz := clock_timestamp();
  d record;
  ok boolean;
BEGIN
  -- the same work whether the code exists and whether the suffix matches,
  -- and then a wait to tthc.track_min_time: the caller's clock learns
  -- nothing, and guessing a suffix takes at least that long per guess
  SELECT x.status, x.received_at, x.due_at, x.promised_at, x.finished_at, coalesce(x.applicant_id, '') AS aid
    INTO d FROM tthc.dossier x WHERE x.code = track.code;
  ok := length(coalesce(id_suffix, '')) >= 4
        AND md5(right(coalesce(d.aid, ''), length(id_suffix))) = md5(id_suffix)
        AND d.aid <> '';
  RETURN QUERY SELECT d.status, d.received_at, d.due_at, d.promised_at, d.finished_at WHERE ok;
  PERFORM tthc.track_wait(started);
END $$;
COMMENT ON FUNCTION tthc.track(text, text) IS
  'Status and appointment of a dossier for its applicant: the last 4 or more characters of the applicant''s ID must match; nothing otherwise, in the same time (tthc.track_min_time)';

-- ===================================================================
-- Privileges
-- ===================================================================

GRANT SELECT ON tthc.report_month TO tthc_auditor, tthc_reader;
