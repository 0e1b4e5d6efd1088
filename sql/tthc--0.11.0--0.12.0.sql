-- sql/tthc--0.11.0--0.12.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.12.0'" to load this file. \quit

-- ===================================================================
-- The 2025 reorganisation (issue 16): units that end and succeed
-- ===================================================================
-- On 1 July 2025 the district level was abolished and communes merged
-- (NQ 1679/NQ-UBTVQH15 for Quảng Ninh: 171 commune-level units in 13
-- districts became 54); several new units took parts of several old ones,
-- so old-to-new is many-to-many.
--
-- * tthc.unit.valid_from / valid_to: the local days a unit takes new
--   dossiers (NULL: from always, for ever; the units that exist keep
--   standing).  A reception at a unit outside them is refused (55000), the
--   hint naming its successors.  A unit may end while it has open
--   dossiers: they stay with it until moved, and tthc.unit_orphans() lists
--   them.
-- * tthc.unit_succession: which units took over which (whole, or a share).
-- * units may be districts (the level that ended in 2025).

-- -------------------------------------------------------------------
-- 1. When a unit stands
-- -------------------------------------------------------------------

ALTER TABLE tthc.unit
  ADD COLUMN valid_from date,
  ADD COLUMN valid_to date,
  ADD CONSTRAINT unit_validity CHECK (valid_to >= valid_from),
  DROP CONSTRAINT unit_level_known,
  ADD CONSTRAINT unit_level_known CHECK (level IN ('province', 'district', 'commune', 'department', 'agency'));
COMMENT ON COLUMN tthc.unit.valid_from IS 'The first local day the unit takes new dossiers (NULL: always)';
COMMENT ON COLUMN tthc.unit.valid_to IS 'The last local day the unit takes new dossiers (NULL: it stands); its open dossiers stay until moved (tthc.unit_orphans, tthc.transfer)';

-- -------------------------------------------------------------------
-- 2. Who took over whom
-- -------------------------------------------------------------------

CREATE TABLE tthc.unit_succession (
  old_unit text NOT NULL REFERENCES tthc.unit (code) ON UPDATE CASCADE,
  new_unit text NOT NULL REFERENCES tthc.unit (code) ON UPDATE CASCADE,
  effective date NOT NULL,
  whole boolean NOT NULL DEFAULT false,
  share numeric CONSTRAINT unit_succession_share CHECK (share > 0 AND share <= 1),
  legal_reference text,
  PRIMARY KEY (old_unit, new_unit),
  CONSTRAINT unit_succession_other CHECK (old_unit <> new_unit)
);
COMMENT ON TABLE tthc.unit_succession IS 'Units that took over an ended unit (many-to-many): from the effective date; whole when one successor takes the unit''s history (its report rows), else share, the part of it a successor took';
COMMENT ON COLUMN tthc.unit_succession.whole IS 'This successor takes the whole of the old unit''s history in reports with lineage (at most one per old unit)';
COMMENT ON COLUMN tthc.unit_succession.share IS 'The part of the old unit this successor took (0 to 1), when none takes it whole';
CREATE UNIQUE INDEX unit_succession_whole ON tthc.unit_succession (old_unit) WHERE whole;
CREATE INDEX unit_succession_new ON tthc.unit_succession (new_unit);
SELECT pg_catalog.pg_extension_config_dump('tthc.unit_succession', '');
GRANT SELECT ON tthc.unit_succession TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;
GRANT INSERT, UPDATE, DELETE ON tthc.unit_succession TO tthc_admin;

-- the shares of one old unit's successors never exceed the whole (checked
-- per statement, so that shares can be moved between successors in one)
CREATE FUNCTION tthc.unit_succession_check() RETURNS trigger
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  bad record;
BEGIN
  SELECT s.old_unit, sum(s.share) AS total INTO bad
  FROM tthc.unit_succession s
  WHERE s.old_unit IN (SELECT n.old_unit FROM changed n)
  GROUP BY s.old_unit HAVING sum(s.share) > 1
  ORDER BY s.old_unit LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the shares of unit %''s successors add up to %, more than the whole', bad.old_unit, bad.total
      USING ERRCODE = '23514', TABLE = 'unit_succession', COLUMN = 'share';
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION tthc.unit_succession_check() IS 'The shares of one old unit''s successors add up to at most 1';
REVOKE ALL ON FUNCTION tthc.unit_succession_check() FROM PUBLIC;
CREATE TRIGGER unit_succession_check_insert AFTER INSERT ON tthc.unit_succession
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tthc.unit_succession_check();
CREATE TRIGGER unit_succession_check_update AFTER UPDATE ON tthc.unit_succession
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tthc.unit_succession_check();

-- -------------------------------------------------------------------
-- 3. The open dossiers of units that ended
-- -------------------------------------------------------------------

CREATE FUNCTION tthc.unit_orphans(at timestamptz DEFAULT now())
RETURNS TABLE(code text, handling_unit text, status tthc.dossier_status, unit_ended date, successors text[])
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT d.code, d.handling_unit, d.status, u.valid_to,
         (SELECT array_agg(s.new_unit ORDER BY s.new_unit) FROM tthc.unit_succession s WHERE s.old_unit = u.code)
  FROM tthc.unit u
  JOIN tthc.calendar c ON c.name = u.calendar
  JOIN tthc.dossier d ON d.handling_unit = u.code
  WHERE u.valid_to < (unit_orphans.at AT TIME ZONE c.time_zone)::date
    AND d.status IN ('submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment')
  ORDER BY d.handling_unit, d.code
$$;
COMMENT ON FUNCTION tthc.unit_orphans(timestamptz) IS 'The dossiers still open (or submitted) at units that had ended by at, with the units that succeeded them: what is left to move (tthc.transfer)';
REVOKE ALL ON FUNCTION tthc.unit_orphans(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.unit_orphans(timestamptz) TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;

-- -------------------------------------------------------------------
-- 4. Transfers: an open dossier moves to another handling unit
-- -------------------------------------------------------------------
-- The dossier trigger takes a change of an open dossier's handling_unit
-- as a transfer: the code, clock and deadline stay (recomputed on the new
-- unit's calendar when it differs, a deadline event with both times), a
-- transfer event names both units, and the report counts it out of the old
-- unit and into the new one, so every report row balances:
-- carried_over + received + transferred_in = resolved + withdrawn + stopped
-- + transferred_out + in_progress.

ALTER TABLE tthc.report_day
  ADD COLUMN transferred_in bigint NOT NULL DEFAULT 0, ADD COLUMN transferred_out bigint NOT NULL DEFAULT 0;
ALTER TABLE tthc.report_month
  ADD COLUMN transferred_in bigint NOT NULL DEFAULT 0, ADD COLUMN transferred_out bigint NOT NULL DEFAULT 0;
ALTER TABLE tthc.report_delta
  ADD COLUMN transferred_in bigint NOT NULL DEFAULT 0, ADD COLUMN transferred_out bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN tthc.report_day.transferred_in IS 'Open dossiers moved to the unit that day (tthc.transfer)';
COMMENT ON COLUMN tthc.report_day.transferred_out IS 'Open dossiers moved away from the unit that day';

CREATE FUNCTION tthc.transfer(code text, to_unit text, at timestamptz DEFAULT now(), reason text DEFAULT NULL)
RETURNS tthc.dossier
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  d tthc.dossier;
BEGIN
  IF at IS NULL OR to_unit IS NULL THEN
    RAISE EXCEPTION 'the unit and time of a transfer cannot be null' USING ERRCODE = '22004';
  END IF;
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = transfer.code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  IF d.status NOT IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment') THEN
    RAISE EXCEPTION 'dossier % is %: only an open dossier is transferred', code, d.status
      USING ERRCODE = '55000', TABLE = 'dossier', COLUMN = 'handling_unit';
  END IF;
  IF d.handling_unit = to_unit THEN
    RAISE EXCEPTION 'dossier % is already handled by %', code, to_unit
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'handling_unit';
  END IF;
  -- now() is the default: the trigger picks the time
  PERFORM set_config('tthc.event_time', CASE WHEN transfer.at = now() THEN '' ELSE transfer.at::text END, true);
  UPDATE tthc.dossier x
     SET handling_unit = transfer.to_unit,
         changed_at = CASE WHEN transfer.at = now() THEN x.changed_at ELSE transfer.at END,
         note = transfer.reason
   WHERE x.code = transfer.code
  RETURNING * INTO d;
  PERFORM set_config('tthc.event_time', '', true);
  RETURN d;
END $$;
COMMENT ON FUNCTION tthc.transfer(text, text, timestamptz, text) IS 'Moves an open dossier to another handling unit of the province at a time, with a reason: its code, clock and deadline stay (recomputed on the new unit''s calendar when it differs); a transfer event names both units; reports count it out of one and into the other';
GRANT EXECUTE ON FUNCTION tthc.transfer(text, text, timestamptz, text) TO tthc_officer, tthc_admin;
REVOKE ALL ON FUNCTION tthc.transfer(text, text, timestamptz, text) FROM PUBLIC;

-- the report with the transfers: two columns more (at the end, so that a
-- reader by position keeps its columns)
DROP FUNCTION tthc.report(text, daterange, boolean);
CREATE FUNCTION tthc.report(unit text, period daterange, include_children boolean DEFAULT true) RETURNS TABLE(level text, unit text, field text, carried_over bigint, received bigint, received_in_person bigint, received_online bigint, received_postal bigint, resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint, in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint, awaiting_supplement bigint, supplement_requests bigint, withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval, transferred_in bigint, transferred_out bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $_$
  -- (the output column "unit" shadows the parameter: $1, $2, $3 below)
  -- The stocks at the end sum every change before hi and carried_over every
  -- change before lo; the flows, the rows from lo on.  A month row counts as
  -- its first day: every month read lies wholly before lo or wholly inside
  -- the period, and the days of the months holding lo and hi come as days.
  WITH p AS (
    SELECT tthc.report_scope($1, $3) AS units, r.lo, r.hi, m.lo_month, m.whole_from, m.whole_to
    FROM tthc.report_period($2) r, tthc.report_months(r.lo, r.hi) m),
  a AS (
    -- the days of the partial months at each end, as two ranges the
    -- (unit, field, day) key serves (an OR of the two read every day row)
    SELECT r.* FROM tthc.report_day r, p
    WHERE r.unit = ANY (p.units) AND r.day >= p.lo_month AND r.day < least(p.whole_from, p.hi)
    UNION ALL
    SELECT r.* FROM tthc.report_day r, p
    WHERE r.unit = ANY (p.units) AND r.day >= greatest(p.whole_to, p.whole_from) AND r.day < p.hi
    UNION ALL
    SELECT r.* FROM tthc.report_month r, p
    WHERE r.unit = ANY (p.units) AND (r.month < p.lo_month OR r.month >= p.whole_from AND r.month < p.whole_to)
    UNION ALL
    SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied, r.transferred_in, r.transferred_out
    FROM tthc.report_delta r, p WHERE r.unit = ANY (p.units) AND r.day < p.hi),
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
           coalesce(sum(a.transferred_in) FILTER (WHERE a.day >= p.lo), 0) AS t_in,
           coalesce(sum(a.transferred_out) FILTER (WHERE a.day >= p.lo), 0) AS t_out,
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
              THEN s.work / (s.early + s.on_time + s.late)::float8 END,
         s.t_in::bigint, s.t_out::bigint
  FROM s
  ORDER BY s.level = 'total', s.unit, s.level = 'unit', s.field
$_$;
COMMENT ON FUNCTION tthc.report(text, daterange, boolean) IS 'The periodic report (forms 06/07 style) per handling unit and procedure field, with unit and grand totals, from the report aggregates; every row balances: carried_over + received + transferred_in = resolved + withdrawn + stopped + transferred_out + in_progress';
REVOKE ALL ON FUNCTION tthc.report(text, daterange, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.report(text, daterange, boolean) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

-- the rebuild follows each dossier's units: an event counts at the unit
-- handling the dossier then (the last transfer's "to" before it, else the
-- first transfer's "from", else today's unit), a transfer out of one unit
-- and into the other; what belongs to the dossier (the 766 attributes, the
-- rating) counts at the unit handling it now, as the trigger moves it
CREATE OR REPLACE FUNCTION tthc.report_rebuild() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
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
  INSERT INTO tthc.report_delta (unit, field, day, received_in_person, received_online, received_postal,
                                 resolved_early, resolved_on_time, resolved_late, refused, withdrawn, stopped,
                                 supplement_requests, open_change, supplement_change, overdue_change,
                                 offered_online, offered_online_online, with_fee, paid_online, digitised,
                                 result_electronic, resolved_work, rated, rated_satisfied,
                                 transferred_in, transferred_out)
  WITH uc AS (
    SELECT u.code, u.calendar, c.time_zone AS tz FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar),
  d AS (
    SELECT d.id, d.handling_unit AS unit, d.channel, d.result, d.received_at, d.finished_at,
           d.clock_started_at, d.paused_work, d.payment, d.digitised, d.result_electronic,
           uc.calendar, uc.tz, coalesce(p.field, '') AS field,
           p.online_service IS NOT NULL AS offered,
           (SELECT tthc.as_jsonb(t.note) ->> 'from' FROM tthc.dossier_event t
            WHERE t.dossier_id = d.id AND t.kind = 'transfer' ORDER BY t.seq LIMIT 1) AS first_unit
    FROM tthc.dossier d
    JOIN uc ON uc.code = d.handling_unit
    LEFT JOIN LATERAL (
      SELECT v.field, v.online_service FROM tthc.procedure v
      WHERE CASE WHEN d.procedure_id IS NOT NULL THEN v.id = d.procedure_id
                 ELSE v.code = d.procedure_code
                      AND v.valid_from <= (d.submitted_at AT TIME ZONE uc.tz)::date
                      AND (v.valid_to IS NULL OR v.valid_to >= (d.submitted_at AT TIME ZONE uc.tz)::date) END
      ORDER BY v.valid_from DESC LIMIT 1) p ON true),
  e AS (
    SELECT e.dossier_id, e.seq, e.at, e.kind, e.to_status, e.note,
           count(e.to_status) OVER w AS sgrp,
           max(e.seq) FILTER (WHERE e.kind = 'overdue') OVER w AS last_overdue,
           max(e.seq) FILTER (WHERE e.new_due_at > e.at) OVER w AS last_cleared,
           max(e.seq) FILTER (WHERE e.kind = 'transfer') OVER w AS last_transfer
    FROM tthc.dossier_event e
    WINDOW w AS (PARTITION BY e.dossier_id ORDER BY e.seq ROWS UNBOUNDED PRECEDING)),
  s AS (
    SELECT e.dossier_id, e.seq, e.at, e.kind, e.note,
           max(e.to_status) OVER (PARTITION BY e.dossier_id, e.sgrp) AS st,
           e.last_overdue IS NOT NULL AND e.last_overdue > coalesce(e.last_cleared, 0) AS flagged,
           coalesce((SELECT tthc.as_jsonb(t.note) ->> 'to' FROM tthc.dossier_event t
                     WHERE t.dossier_id = e.dossier_id AND t.seq = e.last_transfer), d.first_unit, d.unit) AS unit
    FROM e JOIN d ON d.id = e.dossier_id),
  g AS (
    SELECT s.dossier_id, s.seq, s.at, s.kind, s.note, s.st, s.unit,
           lag(s.st) OVER p AS st_before,
           (s.st IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment'))::int AS open,
           (s.st = 'awaiting_supplement')::int AS supp,
           (s.st IN ('received', 'processing') AND s.flagged)::int AS over
    FROM s WINDOW p AS (PARTITION BY s.dossier_id ORDER BY s.seq)),
  ev AS (
    SELECT g.unit, d.field, (g.at AT TIME ZONE uc.tz)::date AS day, g.st, g.st_before, d.channel, d.result,
           CASE WHEN g.st = 'resolved' AND g.st IS DISTINCT FROM g.st_before
                THEN tthc.working_time_between(d.clock_started_at, d.finished_at, uc.calendar) - d.paused_work END AS work,
           g.open - coalesce(lag(g.open) OVER p, 0) AS open_change,
           g.supp - coalesce(lag(g.supp) OVER p, 0) AS supp_change,
           g.over - coalesce(lag(g.over) OVER p, 0) AS over_change
    FROM g JOIN d ON d.id = g.dossier_id JOIN uc ON uc.code = g.unit
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
           coalesce(sum(work), interval '0') AS resolved_work, 0 AS rated, 0 AS rated_satisfied,
           0 AS transferred_in, 0 AS transferred_out
    FROM (SELECT ev.*, ev.st IS DISTINCT FROM ev.st_before AS moved FROM ev) x
    GROUP BY unit, field, day
    UNION ALL
    -- a transfer: out of the old unit, into the new, with the stocks it carries
    SELECT x.unit, d.field, (g.at AT TIME ZONE uc.tz)::date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           x.sign * g.open, x.sign * g.supp, x.sign * g.over, 0, 0, 0, 0, 0, 0, interval '0', 0, 0,
           (x.sign > 0)::int, (x.sign < 0)::int
    FROM g JOIN d ON d.id = g.dossier_id,
         LATERAL (VALUES (tthc.as_jsonb(g.note) ->> 'from', -1), (tthc.as_jsonb(g.note) ->> 'to', 1)) x(unit, sign)
         JOIN uc ON uc.code = x.unit
    WHERE g.kind = 'transfer'
    UNION ALL
    -- flagged overdue: since the deadline (old_due_at), not since the sweep noticed
    SELECT g.unit, d.field, x.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, x.sign,
           0, 0, 0, 0, 0, 0, interval '0', 0, 0, 0, 0
    FROM g JOIN d ON d.id = g.dossier_id JOIN uc ON uc.code = g.unit
         JOIN tthc.dossier_event e ON e.dossier_id = g.dossier_id AND e.seq = g.seq,
         LATERAL (VALUES ((e.old_due_at AT TIME ZONE uc.tz)::date, 1), ((e.at AT TIME ZONE uc.tz)::date, -1)) x(day, sign)
    WHERE g.kind = 'overdue'
    UNION ALL
    SELECT d.unit, d.field, (d.received_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.offered), count(*) FILTER (WHERE d.offered AND d.channel = 2),
           count(*) FILTER (WHERE d.payment IS NOT NULL), count(*) FILTER (WHERE d.payment = 'online'),
           count(*) FILTER (WHERE d.digitised), 0, interval '0', 0, 0, 0, 0
    FROM d WHERE d.received_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (d.finished_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.result_electronic), interval '0', 0, 0, 0, 0
    FROM d WHERE d.finished_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (r.rated_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, interval '0',
           count(*), count(*) FILTER (WHERE r.rating <> 'unsatisfied'), 0, 0
    FROM tthc.rating r JOIN d ON d.id = r.dossier_id
    GROUP BY 1, 2, 3)
  SELECT unit, field, day, sum(received_in_person), sum(received_online), sum(received_postal),
         sum(resolved_early), sum(resolved_on_time), sum(resolved_late),
         sum(refused), sum(withdrawn), sum(stopped), sum(supplement_requests),
         sum(open_change), sum(supplement_change), sum(overdue_change),
         sum(offered_online), sum(offered_online_online), sum(with_fee), sum(paid_online),
         sum(digitised), sum(result_electronic), sum(resolved_work), sum(rated), sum(rated_satisfied),
         sum(transferred_in), sum(transferred_out)
  FROM counted GROUP BY unit, field, day
  -- (a day whose changes cancel out, or a dossier still only submitted,
  -- leaves no row, as the trigger writes none)
  HAVING sum(received_in_person) <> 0 OR sum(received_online) <> 0 OR sum(received_postal) <> 0
      OR sum(resolved_early) <> 0 OR sum(resolved_on_time) <> 0 OR sum(resolved_late) <> 0
      OR sum(refused) <> 0 OR sum(withdrawn) <> 0 OR sum(stopped) <> 0 OR sum(supplement_requests) <> 0
      OR sum(open_change) <> 0 OR sum(supplement_change) <> 0 OR sum(overdue_change) <> 0
      OR sum(offered_online) <> 0 OR sum(offered_online_online) <> 0 OR sum(with_fee) <> 0
      OR sum(paid_online) <> 0 OR sum(digitised) <> 0 OR sum(result_electronic) <> 0
      OR sum(resolved_work) <> interval '0' OR sum(rated) <> 0 OR sum(rated_satisfied) <> 0
      OR sum(transferred_in) <> 0 OR sum(transferred_out) <> 0;
  PERFORM tthc.report_compact();
  SELECT count(*) INTO n FROM tthc.report_day;
  RETURN n;
END $$;

-- the portal's action text of a transfer
CREATE OR REPLACE FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT CASE $1
    WHEN 'status' THEN CASE $3
      WHEN 'submitted' THEN 'Nộp hồ sơ trực tuyến'
      WHEN 'received' THEN 'Tiếp nhận hồ sơ'
      WHEN 'refused' THEN 'Từ chối tiếp nhận hồ sơ'
      WHEN 'processing' THEN 'Chuyển xử lý hồ sơ'
      WHEN 'awaiting_payment' THEN 'Yêu cầu thực hiện nghĩa vụ tài chính'
      WHEN 'withdrawn' THEN 'Công dân yêu cầu rút hồ sơ'
      WHEN 'stopped' THEN 'Dừng xử lý hồ sơ'
      WHEN 'resolved' THEN 'Đã xử lý xong hồ sơ'
      WHEN 'returned' THEN 'Trả kết quả cho công dân'
      ELSE 'Cập nhật trạng thái hồ sơ' END
    WHEN 'pause' THEN CASE WHEN $3 = 'awaiting_supplement' THEN 'Yêu cầu bổ sung hồ sơ'
                           ELSE 'Tạm dừng tính thời gian xử lý' END
    WHEN 'restart' THEN 'Tiếp nhận hồ sơ bổ sung, tính lại thời hạn'
    WHEN 'resume' THEN CASE WHEN $2 = 'awaiting_supplement' THEN 'Tiếp nhận hồ sơ bổ sung'
                            ELSE 'Tiếp tục xử lý hồ sơ' END
    WHEN 'handover' THEN 'Chuyển bước xử lý'
    WHEN 'deadline' THEN 'Điều chỉnh thời hạn theo lịch làm việc'
    WHEN 'apology' THEN 'Gửi văn bản xin lỗi, hẹn lại ngày trả kết quả'
    WHEN 'overdue' THEN 'Hồ sơ quá hạn xử lý'
    WHEN 'due_soon' THEN 'Hồ sơ sắp đến hạn xử lý'
    WHEN 'edit' THEN 'Cập nhật thông tin hồ sơ'
    WHEN 'transfer' THEN 'Chuyển hồ sơ sang đơn vị khác xử lý'
    WHEN 'payment' THEN 'Thu phí, lệ phí'
    WHEN 'refund' THEN 'Hoàn trả phí, lệ phí'
    WHEN 'waiver' THEN 'Miễn phí, lệ phí'
    WHEN 'receipt' THEN 'Phát hành biên lai thu phí, lệ phí'
    WHEN 'receipt_cancel' THEN 'Hủy biên lai thu phí, lệ phí'
    ELSE $1 END
$$;

-- (it reads the day and month rows whole, and the deltas by name: the new columns too)
CREATE OR REPLACE FUNCTION tthc.indicators_766(unit text, period daterange) RETURNS TABLE(grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text, group_points numeric, points numeric)
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
        SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied, r.transferred_in, r.transferred_out
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
