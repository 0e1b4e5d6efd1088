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
-- (not to tthc_reader: it reads tthc.dossier, which a reader reads masked)
GRANT EXECUTE ON FUNCTION tthc.unit_orphans(timestamptz) TO tthc_officer, tthc_auditor, tthc_admin;

-- -------------------------------------------------------------------
-- 3b. When the desk is open is not when the clock runs
-- -------------------------------------------------------------------
-- A unit's calendar is its processing calendar: every legal deadline runs
-- on it, from its next working instant.  Its desk may keep other hours
-- (Saturday mornings, 24/7): tthc.unit.reception_calendar, which only the
-- same-day cut-off reads.  A reception outside the processing calendar's
-- working time is marked (dossier.received_out_of_hours) and counted in
-- the report (received_out_of_hours), so a province can show what
-- reception out of hours delivers.  Where an online dossier's clock starts
-- is tthc.online_clock_start (acceptance, the default, or submission).

ALTER TABLE tthc.unit ADD COLUMN reception_calendar text;  -- (its key to tthc.calendar: section 6)
COMMENT ON COLUMN tthc.unit.reception_calendar IS 'When the unit''s desk receives dossiers (NULL: its calendar); deadlines always run on calendar, the processing calendar; the same-day cut-off reads this one';
ALTER TABLE tthc.dossier ADD COLUMN received_out_of_hours boolean;
COMMENT ON COLUMN tthc.dossier.received_out_of_hours IS 'Received outside the working time of the handling unit''s processing calendar (tthc-written; NULL for dossiers received before 0.12.0 and not yet received)';
ALTER TABLE tthc.report_day ADD COLUMN received_out_of_hours bigint NOT NULL DEFAULT 0;
ALTER TABLE tthc.report_month ADD COLUMN received_out_of_hours bigint NOT NULL DEFAULT 0;
ALTER TABLE tthc.report_delta ADD COLUMN received_out_of_hours bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN tthc.report_day.received_out_of_hours IS 'Of the dossiers received that day, those received outside the processing calendar''s working time';

-- a unit with dossiers keeps its desk too (its same-day deadlines read
-- it), and a desk keeps its unit's time zone
CREATE OR REPLACE FUNCTION tthc.unit_in_use() RETURNS trigger
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.code = OLD.code AND NEW.calendar = OLD.calendar
     AND NEW.reception_calendar IS NOT DISTINCT FROM OLD.reception_calendar THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d
             WHERE d.handling_unit = OLD.code OR d.receiving_unit = OLD.code) THEN
    RAISE EXCEPTION 'unit % has dossiers', OLD.code
      USING ERRCODE = '23503',
            DETAIL = 'Its code and calendars time those dossiers; they cannot change while dossiers refer to it.',
            HINT = 'Create a new unit instead.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION tthc.unit_in_use() IS 'A unit with dossiers keeps its code, calendar and reception calendar';

CREATE FUNCTION tthc.unit_desk_check() RETURNS trigger
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  z text;
  dz text;
BEGIN
  IF NEW.reception_calendar IS NOT NULL THEN
    SELECT c.time_zone INTO z FROM tthc.calendar c WHERE c.name = NEW.calendar;
    SELECT c.time_zone INTO dz FROM tthc.calendar c WHERE c.name = NEW.reception_calendar;
    IF dz IS DISTINCT FROM z AND dz IS NOT NULL THEN  -- (an unknown one: the foreign key says so)
      RAISE EXCEPTION 'reception calendar % of unit % keeps time zone %, its calendar % keeps %',
                      NEW.reception_calendar, NEW.code, dz, NEW.calendar, z
        USING ERRCODE = '22023', TABLE = 'unit', COLUMN = 'reception_calendar',
              HINT = 'A desk keeps its unit''s time.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION tthc.unit_desk_check() IS 'A unit''s reception calendar keeps the time zone of its calendar';
REVOKE ALL ON FUNCTION tthc.unit_desk_check() FROM PUBLIC;
CREATE TRIGGER unit_desk_check BEFORE INSERT OR UPDATE OF calendar, reception_calendar ON tthc.unit
  FOR EACH ROW EXECUTE FUNCTION tthc.unit_desk_check();

-- a change of a desk's calendar moves the deadlines of what it received
CREATE OR REPLACE FUNCTION tthc.recompute_deadlines(calendar text, since date, apply boolean DEFAULT false, at timestamptz DEFAULT now())
RETURNS TABLE(code text, handling_unit text, status tthc.dossier_status, old_due_at timestamptz, new_due_at timestamptz)
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM tthc.calendar c WHERE c.name = recompute_deadlines.calendar) THEN
    RAISE EXCEPTION 'calendar "%" does not exist', recompute_deadlines.calendar USING ERRCODE = '42704';
  END IF;
  IF since IS NULL OR at IS NULL THEN
    RAISE EXCEPTION 'since and at cannot be null' USING ERRCODE = '22004';
  END IF;
  IF apply THEN
    PERFORM set_config('tthc.recompute', 'on', true);
  END IF;
  RETURN QUERY
  WITH RECURSIVE family(name) AS (
    SELECT recompute_deadlines.calendar
    UNION SELECT c.name FROM tthc.calendar c JOIN family f ON c.parent = f.name),
  changed AS (
    SELECT x.* FROM (
      SELECT d.id, d.code, d.handling_unit, d.status, d.due_at AS old_due_at, tthc.lawful_due(d) AS new_due_at
      FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit JOIN tthc.unit r ON r.code = d.receiving_unit
      WHERE (u.calendar IN (SELECT f.name FROM family f) OR r.reception_calendar IN (SELECT f.name FROM family f))
        AND d.status IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment')
        -- local midnight of `since` in any zone is no earlier than this
        AND d.due_at >= since::timestamp AT TIME ZONE 'UTC' - interval '14 hours') x
    WHERE x.new_due_at IS DISTINCT FROM x.old_due_at),
  moved AS (
    -- the guard trigger recomputes each deadline itself and logs the change
    UPDATE tthc.dossier d
       SET changed_at = greatest(d.changed_at, recompute_deadlines.at),
           note = format('deadline recomputed: calendar %s changed from %s', recompute_deadlines.calendar, since)
      FROM changed ch
     WHERE apply AND d.id = ch.id
    RETURNING d.id)
  SELECT ch.code, ch.handling_unit, ch.status, ch.old_due_at, ch.new_due_at
  FROM changed ch ORDER BY ch.new_due_at, ch.code;
  PERFORM set_config('tthc.recompute', 'off', true);
END $$;

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
-- the dossiers received that day that the unit holds now: the denominator
-- of the ratios of what the dossier itself holds (digitised), which move
-- with it; until a transfer, the dossiers received there
ALTER TABLE tthc.report_day ADD COLUMN received_here bigint NOT NULL DEFAULT 0;
ALTER TABLE tthc.report_month ADD COLUMN received_here bigint NOT NULL DEFAULT 0;
ALTER TABLE tthc.report_delta ADD COLUMN received_here bigint NOT NULL DEFAULT 0;
UPDATE tthc.report_day SET received_here = received_in_person + received_online + received_postal
WHERE received_in_person + received_online + received_postal <> 0;
UPDATE tthc.report_month SET received_here = received_in_person + received_online + received_postal
WHERE received_in_person + received_online + received_postal <> 0;
UPDATE tthc.report_delta SET received_here = received_in_person + received_online + received_postal
WHERE received_in_person + received_online + received_postal <> 0;
COMMENT ON COLUMN tthc.report_day.received_here IS 'Of the dossiers received that day, those the unit holds now (they move with a transfer): the denominator of the digitised rate';

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

-- A transfer is the handling unit's decision (its officers') or the
-- province's: the guard refuses it to a unit that only received the
-- dossier (42501), and lets the row it allowed leave the officer's units,
-- which the policy's WITH CHECK would refuse (a boundary-free dossier, or
-- one sent back, received elsewhere)
CREATE FUNCTION tthc.transfer_passes(id bigint) RETURNS boolean
LANGUAGE c VOLATILE STRICT PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'tthc_transfer_passes';
COMMENT ON FUNCTION tthc.transfer_passes(bigint) IS 'Whether the dossier guard allowed a transfer of dossier id in the running command (the officers'' update policy reads it)';
REVOKE ALL ON FUNCTION tthc.transfer_passes(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.transfer_passes(bigint) TO tthc_officer;
CREATE FUNCTION tthc.transfers_passed() RETURNS bigint[]
LANGUAGE c VOLATILE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'tthc_transfers_passed';
COMMENT ON FUNCTION tthc.transfers_passed() IS 'The dossiers the guard let the running command transfer (the officers'' read policy: an UPDATE that reads the row checks the moved row against it too)';
REVOKE ALL ON FUNCTION tthc.transfers_passed() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.transfers_passed() TO tthc_officer;
ALTER POLICY officer_units ON tthc.dossier
  USING (handling_unit = ANY ((SELECT tthc.my_units())::text[])
         OR receiving_unit = ANY ((SELECT tthc.my_units())::text[])
         OR id = ANY ((SELECT tthc.transfers_passed())::bigint[]));
ALTER POLICY officer_moves ON tthc.dossier
  WITH CHECK (handling_unit = ANY ((SELECT tthc.my_units())::text[])
              OR receiving_unit = ANY ((SELECT tthc.my_units())::text[])
              OR tthc.transfer_passes(id));

-- -------------------------------------------------------------------
-- 5. Reports across the change (lineage)
-- -------------------------------------------------------------------
-- With lineage, the rows of units that have ended go to the units standing
-- today that took them over: to the successor marked whole, else split by
-- the successors' shares (in proportion to their sum), following later
-- changes too; an ended unit that has neither stays a row of its own, and
-- says so.  Counts are split by cumulative rounding (a successor between lo
-- and hi of its unit's cumulative share gets round(n*hi) - round(n*lo)), so
-- a province's totals are the same with and without lineage, every count
-- stays a whole number within one of its share, and in_progress is derived
-- from the other counts, so every row still balances.

CREATE FUNCTION tthc.unit_lineage(at date DEFAULT NULL)
RETURNS TABLE(unit text, successor text, weight numeric, lo numeric, hi numeric, resolved boolean)
-- (ROWS: about one successor per unit, for the planner of the lineage views)
LANGUAGE sql STABLE ROWS 10 SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  WITH RECURSIVE
  -- the units ended by at (NULL: today, each in its calendar's time)
  ended AS (
    SELECT u.code FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar
    WHERE u.valid_to < coalesce($1, (now() AT TIME ZONE c.time_zone)::date)),
  -- one generation: the successors of an ended unit, when one is whole or
  -- all have shares
  succ AS (
    SELECT s.old_unit, s.new_unit, s.whole, s.share,
           bool_or(s.whole) OVER o AS has_whole,
           count(s.share) OVER o = count(*) OVER o AS all_shares,
           sum(s.share) OVER o AS shares
    FROM tthc.unit_succession s JOIN ended e ON e.code = s.old_unit
    WINDOW o AS (PARTITION BY s.old_unit)),
  step0 AS (
    SELECT old_unit, new_unit, CASE WHEN has_whole THEN 1 ELSE share / shares END AS w
    FROM succ WHERE (has_whole AND whole) OR (NOT has_whole AND all_shares)),
  -- a unit whose successors lead back to it takes nobody's history: it
  -- keeps its own, unresolved (UNION: the pairs are finite, the walk ends)
  reach(a, b) AS (
    SELECT old_unit, new_unit FROM step0
    UNION
    SELECT r.a, st.new_unit FROM reach r JOIN step0 st ON st.old_unit = r.b),
  step AS (
    SELECT st.* FROM step0 st WHERE NOT EXISTS (SELECT 1 FROM reach r WHERE r.a = st.old_unit AND r.b = st.old_unit)),
  walk(unit, node, w, depth) AS (
    SELECT u.code, u.code, 1::numeric, 0 FROM tthc.unit u
    UNION ALL
    SELECT k.unit, st.new_unit, k.w * st.w, k.depth + 1
    FROM walk k JOIN step st ON st.old_unit = k.node
    WHERE k.depth < 64),
  ends AS (
    SELECT k.unit, k.node, sum(k.w) AS w FROM walk k
    WHERE NOT EXISTS (SELECT 1 FROM step st WHERE st.old_unit = k.node)
    GROUP BY k.unit, k.node),
  cum AS (
    SELECT e.unit, e.node, e.w,
           sum(e.w) OVER (PARTITION BY e.unit ORDER BY e.node ROWS UNBOUNDED PRECEDING) AS upto,
           row_number() OVER (PARTITION BY e.unit ORDER BY e.node DESC) = 1 AS last
    FROM ends e)
  SELECT c.unit, c.node, c.w, c.upto - c.w, CASE WHEN c.last THEN 1 ELSE c.upto END,
         NOT (c.unit = c.node AND c.unit IN (SELECT code FROM ended))
  FROM cum c
$$;
COMMENT ON FUNCTION tthc.unit_lineage(date) IS 'Each unit and the units standing at a date (NULL: today, in each unit''s time) that carry its history (itself while it stands): the successor marked whole, else the successors by share, over every change since; weight, and the cumulative share lo to hi that splits its counts; resolved is false for an ended unit that no successor takes whole or by share, or whose successors lead back to it';
REVOKE ALL ON FUNCTION tthc.unit_lineage(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.unit_lineage(date) TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;

-- a successor's part of a count n: round(n*hi) - round(n*lo)
CREATE FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT (round($1 * $3) - round($1 * $2))::bigint
$$;
COMMENT ON FUNCTION tthc.lineage_part(numeric, numeric, numeric) IS 'The part of a count n between the cumulative shares lo and hi, rounded so that the parts add up to n';
REVOKE ALL ON FUNCTION tthc.lineage_part(numeric, numeric, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.lineage_part(numeric, numeric, numeric) TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;

-- the units a report on `scope` reads and where their rows go: with
-- lineage, every unit whose history a unit in scope carries, with its part;
-- without, the scope itself
CREATE FUNCTION tthc.report_lineage(scope text[], lineage boolean)
RETURNS TABLE(unit text, successor text, weight numeric, lo numeric, hi numeric, resolved boolean)
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT l.unit, l.successor, l.weight, l.lo, l.hi, l.resolved
  FROM tthc.unit_lineage() l WHERE $2 AND l.successor = ANY ($1)
  UNION ALL
  SELECT x, x, 1, 0, 1, true FROM unnest($1) x WHERE NOT $2
$$;
COMMENT ON FUNCTION tthc.report_lineage(text[], boolean) IS 'The units a report on the scope reads, and the unit of the scope each one''s rows go to, with its part (tthc.unit_lineage) when lineage is asked, else the scope as it is';
REVOKE ALL ON FUNCTION tthc.report_lineage(text[], boolean) FROM PUBLIC;

-- the report with the transfers (two columns more) and the lineage (one
-- more), at the end, so that a reader by position keeps its columns
DROP FUNCTION tthc.report(text, daterange, boolean);
CREATE FUNCTION tthc.report(unit text, period daterange, include_children boolean DEFAULT true, lineage boolean DEFAULT false) RETURNS TABLE(level text, unit text, field text, carried_over bigint, received bigint, received_in_person bigint, received_online bigint, received_postal bigint, resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint, in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint, awaiting_supplement bigint, supplement_requests bigint, withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval, transferred_in bigint, transferred_out bigint, received_out_of_hours bigint, lineage text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $_$
  -- (the output columns "unit" and "lineage" shadow the parameters: $1 to
  -- $4 below)
  -- The stocks at the end sum every change before hi and carried_over every
  -- change before lo; the flows, the rows from lo on.  A month row counts as
  -- its first day: every month read lies wholly before lo or wholly inside
  -- the period, and the days of the months holding lo and hi come as days.
  -- With lineage the rows read are those of the units whose history the
  -- units in scope carry (tthc.unit_lineage), split between them.
  WITH sc AS (SELECT tthc.report_scope($1, $3) AS scope),
  lin AS (SELECT l.* FROM sc, tthc.report_lineage(sc.scope, $4) l),
  p AS (
    SELECT (SELECT array_agg(DISTINCT lin.unit) FROM lin) AS units, r.lo, r.hi, m.lo_month, m.whole_from, m.whole_to
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
    SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied, r.received_out_of_hours, r.transferred_in, r.transferred_out, r.received_here
    FROM tthc.report_delta r, p WHERE r.unit = ANY (p.units) AND r.day < p.hi),
  -- each unit's sums, by field
  u AS (
    SELECT a.unit, a.field,
           coalesce(sum(a.open_change) FILTER (WHERE a.day < p.lo), 0) AS carried_over,
           coalesce(sum(a.received_in_person) FILTER (WHERE a.day >= p.lo), 0) AS in_person,
           coalesce(sum(a.received_online) FILTER (WHERE a.day >= p.lo), 0) AS online,
           coalesce(sum(a.received_postal) FILTER (WHERE a.day >= p.lo), 0) AS postal,
           coalesce(sum(a.received_out_of_hours) FILTER (WHERE a.day >= p.lo), 0) AS out_of_hours,
           coalesce(sum(a.resolved_early) FILTER (WHERE a.day >= p.lo), 0) AS early,
           coalesce(sum(a.resolved_on_time) FILTER (WHERE a.day >= p.lo), 0) AS on_time,
           coalesce(sum(a.resolved_late) FILTER (WHERE a.day >= p.lo), 0) AS late,
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
    GROUP BY a.unit, a.field),
  -- ... carried by the units in scope, each its part.  The N dossiers an
  -- old unit held in the period (carried over, received, moved in) are laid
  -- out once by how they came and once by how they left (resolved, withdrawn,
  -- stopped, moved out, still open: awaiting supplement, overdue, the rest);
  -- a successor between lo and hi of the cumulative share takes the dossiers
  -- round(N*lo) to round(N*hi) of both layouts (turned, on a circle), so its
  -- parts balance, no stock is negative or larger than what is open, and the
  -- parts add up (a successor taking it whole takes it as it is)
  c AS (
    SELECT l.successor AS unit, u.field, l.unit AS source, l.weight, l.resolved,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.carried_over ELSE (greatest(0, least(r.b, x.i1) - greatest(r.a, 0)) + greatest(0, least(r.b, x.i1 + x.n) - greatest(r.a, 0 + x.n))) END AS carried_over,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.in_person ELSE (greatest(0, least(r.b, x.i2) - greatest(r.a, x.i1)) + greatest(0, least(r.b, x.i2 + x.n) - greatest(r.a, x.i1 + x.n))) END AS in_person,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.online ELSE (greatest(0, least(r.b, x.i3) - greatest(r.a, x.i2)) + greatest(0, least(r.b, x.i3 + x.n) - greatest(r.a, x.i2 + x.n))) END AS online,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.postal ELSE (greatest(0, least(r.b, x.i4) - greatest(r.a, x.i3)) + greatest(0, least(r.b, x.i4 + x.n) - greatest(r.a, x.i3 + x.n))) END AS postal,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.t_in ELSE (greatest(0, least(r.b, x.n) - greatest(r.a, x.i4)) + greatest(0, least(r.b, x.n + x.n) - greatest(r.a, x.i4 + x.n))) END AS t_in,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.early ELSE (greatest(0, least(r.b, x.o1) - greatest(r.a, 0)) + greatest(0, least(r.b, x.o1 + x.n) - greatest(r.a, 0 + x.n))) END AS early,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.on_time ELSE (greatest(0, least(r.b, x.o2) - greatest(r.a, x.o1)) + greatest(0, least(r.b, x.o2 + x.n) - greatest(r.a, x.o1 + x.n))) END AS on_time,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.late ELSE (greatest(0, least(r.b, x.o3) - greatest(r.a, x.o2)) + greatest(0, least(r.b, x.o3 + x.n) - greatest(r.a, x.o2 + x.n))) END AS late,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.withdrawn ELSE (greatest(0, least(r.b, x.o4) - greatest(r.a, x.o3)) + greatest(0, least(r.b, x.o4 + x.n) - greatest(r.a, x.o3 + x.n))) END AS withdrawn,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.stopped ELSE (greatest(0, least(r.b, x.o5) - greatest(r.a, x.o4)) + greatest(0, least(r.b, x.o5 + x.n) - greatest(r.a, x.o4 + x.n))) END AS stopped,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.t_out ELSE (greatest(0, least(r.b, x.o6) - greatest(r.a, x.o5)) + greatest(0, least(r.b, x.o6 + x.n) - greatest(r.a, x.o5 + x.n))) END AS t_out,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.supp_end ELSE (greatest(0, least(r.b, r.o7) - greatest(r.a, x.o6)) + greatest(0, least(r.b, r.o7 + x.n) - greatest(r.a, x.o6 + x.n))) END AS supp_end,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.overdue_end ELSE (greatest(0, least(r.b, r.o8) - greatest(r.a, r.o7)) + greatest(0, least(r.b, r.o8 + x.n) - greatest(r.a, r.o7 + x.n))) END AS overdue_end,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.out_of_hours ELSE round(u.out_of_hours * l.hi) - round(u.out_of_hours * l.lo) END AS out_of_hours,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.supp_req ELSE round(u.supp_req * l.hi) - round(u.supp_req * l.lo) END AS supp_req,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.refused ELSE round(u.refused * l.hi) - round(u.refused * l.lo) END AS refused,
           u.work * (l.hi - l.lo)::float8 AS work
    FROM u JOIN lin l ON l.unit = u.unit
    CROSS JOIN LATERAL (
      SELECT u.carried_over AS i1, u.carried_over + u.in_person AS i2, u.carried_over + u.in_person + u.online AS i3,
             u.carried_over + u.in_person + u.online + u.postal AS i4,
             u.carried_over + u.in_person + u.online + u.postal + u.t_in AS n,
             u.early AS o1, u.early + u.on_time AS o2, u.early + u.on_time + u.late AS o3,
             u.early + u.on_time + u.late + u.withdrawn AS o4, u.early + u.on_time + u.late + u.withdrawn + u.stopped AS o5,
             u.early + u.on_time + u.late + u.withdrawn + u.stopped + u.t_out AS o6,
             -- where the successors' ranges start: turned by a fixed amount
             -- per old unit and field, so that no successor always takes the
             -- head of the layouts (the early results) or their tail (what is
             -- still open)
             floor((u.carried_over + u.in_person + u.online + u.postal + u.t_in)
                   * ((hashtext(u.unit || '/' || u.field) & 65535) / 65536.0)) AS turn) x
    CROSS JOIN LATERAL (
      SELECT round(x.n * l.lo) + x.turn AS a, round(x.n * l.hi) + x.turn AS b,
             least(x.o6 + greatest(u.supp_end, 0), x.n) AS o7,
             least(x.o6 + greatest(u.supp_end, 0) + greatest(u.overdue_end, 0), x.n) AS o8) r),
  s AS (
    SELECT CASE WHEN grouping(c.unit, c.field) = 0 THEN 'field'
                WHEN grouping(c.unit, c.field) = 1 THEN 'unit' ELSE 'total' END AS level,
           c.unit, CASE WHEN grouping(c.field) = 0 THEN nullif(c.field, '') END AS field,
           coalesce(sum(c.carried_over), 0) AS carried_over, coalesce(sum(c.in_person), 0) AS in_person, coalesce(sum(c.online), 0) AS online,
           coalesce(sum(c.postal), 0) AS postal, coalesce(sum(c.out_of_hours), 0) AS out_of_hours, coalesce(sum(c.early), 0) AS early, coalesce(sum(c.on_time), 0) AS on_time, coalesce(sum(c.late), 0) AS late,
           coalesce(sum(c.overdue_end), 0) AS overdue_end, coalesce(sum(c.supp_end), 0) AS supp_end, coalesce(sum(c.supp_req), 0) AS supp_req,
           coalesce(sum(c.withdrawn), 0) AS withdrawn, coalesce(sum(c.refused), 0) AS refused, coalesce(sum(c.stopped), 0) AS stopped,
           coalesce(sum(c.t_in), 0) AS t_in, coalesce(sum(c.t_out), 0) AS t_out, sum(c.work) AS work,
           CASE WHEN grouping(c.unit) = 0 THEN
             CASE WHEN bool_and(c.resolved) THEN
                    string_agg(DISTINCT CASE WHEN c.source <> c.unit THEN c.source
                                  || CASE WHEN c.weight < 1 THEN ' (' || round(c.weight, 4)::text || ')' ELSE '' END END, ', ')
                      FILTER (WHERE $4)
                  ELSE 'ended ' || (SELECT x.valid_to::text FROM tthc.unit x WHERE x.code = c.unit)
                       || ', taken over by no unit whole or by share' END END AS lineage
    FROM c
    GROUP BY GROUPING SETS ((c.unit, c.field), (c.unit), ())),
  b AS (
    -- what is still open at the end: whatever came in and has not gone out
    SELECT s.*, s.carried_over + s.in_person + s.online + s.postal + s.t_in
                - (s.early + s.on_time + s.late) - s.withdrawn - s.stopped - s.t_out AS open_end
    FROM s)
  SELECT b.level, b.unit, b.field, b.carried_over::bigint,
         (b.in_person + b.online + b.postal)::bigint, b.in_person::bigint, b.online::bigint, b.postal::bigint,
         (b.early + b.on_time + b.late)::bigint, b.early::bigint, b.on_time::bigint, b.late::bigint,
         b.open_end::bigint, (b.open_end - b.overdue_end)::bigint, b.overdue_end::bigint,
         b.supp_end::bigint, b.supp_req::bigint, b.withdrawn::bigint, b.refused::bigint, b.stopped::bigint,
         round((b.early + b.on_time) / nullif(b.early + b.on_time + b.late, 0), 4),
         CASE WHEN b.early + b.on_time + b.late > 0
              THEN b.work / (b.early + b.on_time + b.late)::float8 END,
         b.t_in::bigint, b.t_out::bigint, b.out_of_hours::bigint, b.lineage
  FROM b
  ORDER BY b.level = 'total', b.unit, b.level = 'unit', b.field
$_$;
COMMENT ON FUNCTION tthc.report(text, daterange, boolean, boolean) IS 'The periodic report (forms 06/07 style) per handling unit and procedure field, with unit and grand totals, from the report aggregates; every row balances: carried_over + received + transferred_in = resolved + withdrawn + stopped + transferred_out + in_progress; received_out_of_hours counts receptions outside the processing calendar''s working time; with lineage, the rows of ended units go to the units that took them over (column lineage names them), the totals unchanged';
REVOKE ALL ON FUNCTION tthc.report(text, daterange, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.report(text, daterange, boolean, boolean) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

-- the department scorecard, with lineage
DROP FUNCTION tthc.scorecard_unit(text, daterange);
CREATE FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean DEFAULT false) RETURNS TABLE(indicator smallint, name text, numerator bigint, denominator bigint, ratio numeric, points numeric, max_points numeric, grade text, basis text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  scope text[] := tthc.report_scope(scorecard_unit.unit, true);
  units text[];
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  t record;
BEGIN
  SELECT array_agg(DISTINCT l.unit) INTO units FROM tthc.report_lineage(scope, lineage) l;
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(scorecard_unit.unit, lo, hi) b;
  -- every indicator is counted on the dossiers the units resolved in the period
  -- (each unit's counts, then each successor's part of them)
  WITH u AS (
  SELECT d.handling_unit AS unit, count(*) AS resolved,
         count(*) FILTER (WHERE d.result <> 'late') AS in_time,
         coalesce(sum(s.steps), 0) AS steps,
         coalesce(sum(s.steps_in_time), 0) AS steps_in_time,
         count(*) FILTER (WHERE s.supplements <= 1) AS one_round,
         count(*) FILTER (WHERE ru.level IN ('province', 'district', 'commune')) AS at_desk,
         count(r.dossier_id) AS rated,
         count(r.dossier_id) FILTER (WHERE coalesce(r.answers ->> 'attitude', r.rating) <> 'unsatisfied') AS courteous,
         count(*) FILTER (WHERE pv.online_service IS NOT NULL) AS offered,
         count(*) FILTER (WHERE pv.online_service IS NOT NULL AND d.channel = 2) AS offered_online
  FROM tthc.dossier d
  LEFT JOIN tthc.unit ru ON ru.code = d.receiving_unit
  LEFT JOIN tthc.procedure pv ON pv.id = d.procedure_id AND pv.province IS NOT DISTINCT FROM d.province
  LEFT JOIN tthc.rating r ON r.dossier_id = d.id AND r.province IS NOT DISTINCT FROM d.province
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplements,
           count(*) FILTER (WHERE e.step_result IS NOT NULL) AS steps,
           count(*) FILTER (WHERE e.step_result IN ('early', 'on_time')) AS steps_in_time
    FROM tthc.dossier_event e WHERE e.dossier_id = d.id AND e.province IS NOT DISTINCT FROM d.province) s
  WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at
  GROUP BY d.handling_unit)
  SELECT coalesce(sum((round(u.resolved * l.hi) - round(u.resolved * l.lo))), 0) AS resolved,
         coalesce(sum((round(u.in_time * l.hi) - round(u.in_time * l.lo))), 0) AS in_time,
         coalesce(sum((round(u.steps * l.hi) - round(u.steps * l.lo))), 0) AS steps,
         coalesce(sum((round(u.steps_in_time * l.hi) - round(u.steps_in_time * l.lo))), 0) AS steps_in_time,
         coalesce(sum((round(u.one_round * l.hi) - round(u.one_round * l.lo))), 0) AS one_round,
         coalesce(sum((round(u.at_desk * l.hi) - round(u.at_desk * l.lo))), 0) AS at_desk,
         coalesce(sum((round(u.rated * l.hi) - round(u.rated * l.lo))), 0) AS rated,
         coalesce(sum((round(u.courteous * l.hi) - round(u.courteous * l.lo))), 0) AS courteous,
         coalesce(sum((round(u.offered * l.hi) - round(u.offered * l.lo))), 0) AS offered,
         coalesce(sum((round(u.offered_online * l.hi) - round(u.offered_online * l.lo))), 0) AS offered_online
    INTO t
  FROM u JOIN tthc.report_lineage(scope, lineage) l ON l.unit = u.unit;

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
     'received at a one-stop centre (unit level province, district or commune) / resolved in the period; where the result was returned is not recorded'),
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
COMMENT ON FUNCTION tthc.scorecard_unit(text, daterange, boolean) IS 'The department evaluation (nine indicators of 2 points, grade on 18) measured from the dossiers a unit and those below it resolved in the period (with lineage, and the parts of the ended units they took over); NULL where tthc records nothing';
REVOKE ALL ON FUNCTION tthc.scorecard_unit(text, daterange, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.scorecard_unit(text, daterange, boolean) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

-- the monthly report view gains the transfers and the receptions out of
-- hours (at the end); beside it the same view on today's units
-- (report_monthly_lineage): the rows of ended units in their successors,
-- each month split as tthc.report(lineage => true) splits a period
CREATE OR REPLACE VIEW tthc.report_monthly WITH (security_barrier='true') AS
WITH s AS (
         SELECT r.unit,
            r.field,
            r.month,
            r.received_in_person,
            r.received_online,
            r.received_postal,
            r.resolved_early,
            r.resolved_on_time,
            r.resolved_late,
            r.refused,
            r.withdrawn,
            r.stopped,
            r.supplement_requests,
            r.open_change,
            r.supplement_change,
            r.overdue_change,
            r.resolved_work,
            r.transferred_in,
            r.transferred_out,
            r.received_out_of_hours
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            r.field,
            date_trunc('month'::text, r.day::timestamp with time zone)::date AS date_trunc,
            sum(r.received_in_person) AS sum,
            sum(r.received_online) AS sum,
            sum(r.received_postal) AS sum,
            sum(r.resolved_early) AS sum,
            sum(r.resolved_on_time) AS sum,
            sum(r.resolved_late) AS sum,
            sum(r.refused) AS sum,
            sum(r.withdrawn) AS sum,
            sum(r.stopped) AS sum,
            sum(r.supplement_requests) AS sum,
            sum(r.open_change) AS sum,
            sum(r.supplement_change) AS sum,
            sum(r.overdue_change) AS sum,
            sum(r.resolved_work) AS sum,
            sum(r.transferred_in) AS sum,
            sum(r.transferred_out) AS sum,
            sum(r.received_out_of_hours) AS sum
           FROM tthc.report_delta r
          GROUP BY r.unit, r.field, (date_trunc('month'::text, r.day::timestamp with time zone)::date)
        ), m0 AS (
         SELECT s.unit,
            s.field,
            s.month,
            sum(s.received_in_person) AS in_person,
            sum(s.received_online) AS online,
            sum(s.received_postal) AS postal,
            sum(s.resolved_early) AS early,
            sum(s.resolved_on_time) AS on_time,
            sum(s.resolved_late) AS late,
            sum(s.refused) AS refused,
            sum(s.withdrawn) AS withdrawn,
            sum(s.stopped) AS stopped,
            sum(s.supplement_requests) AS supp_req,
            sum(s.open_change) AS open_change,
            sum(s.supplement_change) AS supp_change,
            sum(s.overdue_change) AS overdue_change,
            sum(s.resolved_work) AS work,
            sum(s.transferred_in) AS t_in,
            sum(s.transferred_out) AS t_out,
            sum(s.received_out_of_hours) AS out_of_hours
           FROM s
          GROUP BY s.unit, s.field, s.month
        ), m AS (
         SELECT * FROM m0
        ), g AS (
         SELECT k.unit,
            k.field,
            gs.gs::date AS month
           FROM ( SELECT m.unit,
                    m.field,
                    min(m.month) AS first
                   FROM m
                  GROUP BY m.unit, m.field) k,
            LATERAL generate_series(k.first::timestamp with time zone, GREATEST(( SELECT max(m.month) AS max
                   FROM m), date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date)::timestamp with time zone, '1 mon'::interval) gs(gs)
        ), w AS (
         SELECT g.unit,
            g.field,
            g.month,
            m.in_person,
            m.online,
            m.postal,
            m.early,
            m.on_time,
            m.late,
            m.refused,
            m.withdrawn,
            m.stopped,
            m.supp_req,
            m.work,
            m.t_in,
            m.t_out,
            m.out_of_hours,
            COALESCE(sum(m.open_change) OVER c, 0::numeric) AS open_end,
            COALESCE(sum(m.open_change) OVER c, 0::numeric) - COALESCE(m.open_change, 0::numeric) AS carried_over,
            COALESCE(sum(m.overdue_change) OVER c, 0::numeric) AS overdue_end,
            COALESCE(sum(m.supp_change) OVER c, 0::numeric) AS supp_end
           FROM g
             LEFT JOIN m ON m.unit = g.unit AND m.field = g.field AND m.month = g.month
          WINDOW c AS (PARTITION BY g.unit, g.field ORDER BY g.month)
        )
 SELECT w.unit,
    NULLIF(w.field, ''::text) AS field,
    w.month,
    w.carried_over::bigint AS carried_over,
    (COALESCE(w.in_person, 0::numeric) + COALESCE(w.online, 0::numeric) + COALESCE(w.postal, 0::numeric))::bigint AS received,
    COALESCE(w.in_person, 0::numeric)::bigint AS received_in_person,
    COALESCE(w.online, 0::numeric)::bigint AS received_online,
    COALESCE(w.postal, 0::numeric)::bigint AS received_postal,
    (COALESCE(w.early, 0::numeric) + COALESCE(w.on_time, 0::numeric) + COALESCE(w.late, 0::numeric))::bigint AS resolved,
    COALESCE(w.early, 0::numeric)::bigint AS resolved_early,
    COALESCE(w.on_time, 0::numeric)::bigint AS resolved_on_time,
    COALESCE(w.late, 0::numeric)::bigint AS resolved_late,
    w.open_end::bigint AS in_progress,
    (w.open_end - w.overdue_end)::bigint AS in_progress_in_time,
    w.overdue_end::bigint AS in_progress_overdue,
    w.supp_end::bigint AS awaiting_supplement,
    COALESCE(w.supp_req, 0::numeric)::bigint AS supplement_requests,
    COALESCE(w.withdrawn, 0::numeric)::bigint AS withdrawn,
    COALESCE(w.refused, 0::numeric)::bigint AS refused,
    COALESCE(w.stopped, 0::numeric)::bigint AS stopped,
    round((w.early + w.on_time) / NULLIF(w.early + w.on_time + w.late, 0::numeric), 4) AS on_time_rate,
        CASE
            WHEN (w.early + w.on_time + w.late) > 0::numeric THEN w.work / (w.early + w.on_time + w.late)::double precision
            ELSE NULL::interval
        END AS avg_work,
    COALESCE(w.t_in, 0::numeric)::bigint AS transferred_in,
    COALESCE(w.t_out, 0::numeric)::bigint AS transferred_out,
    COALESCE(w.out_of_hours, 0::numeric)::bigint AS received_out_of_hours
   FROM w
  WHERE tthc.sees_all() OR (w.unit = ANY (tthc.my_units()));
COMMENT ON COLUMN tthc.report_monthly.transferred_in IS 'Open dossiers moved to the unit in the month (tthc.transfer)';
COMMENT ON COLUMN tthc.report_monthly.transferred_out IS 'Open dossiers moved away from the unit in the month';
COMMENT ON COLUMN tthc.report_monthly.received_out_of_hours IS 'Of those received, the ones received outside the processing calendar''s working time';
COMMENT ON VIEW tthc.report_monthly IS 'tthc.report per handling unit (its own dossiers), procedure field and month (its first day), for BI tools; every row balances: carried_over + received + transferred_in = resolved + withdrawn + stopped + transferred_out + in_progress; an officer sees its units';

CREATE VIEW tthc.report_monthly_lineage WITH (security_barrier='true') AS
WITH s AS (
         SELECT r.unit,
            r.field,
            r.month,
            r.received_in_person,
            r.received_online,
            r.received_postal,
            r.resolved_early,
            r.resolved_on_time,
            r.resolved_late,
            r.refused,
            r.withdrawn,
            r.stopped,
            r.supplement_requests,
            r.open_change,
            r.supplement_change,
            r.overdue_change,
            r.resolved_work,
            r.transferred_in,
            r.transferred_out,
            r.received_out_of_hours
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            r.field,
            date_trunc('month'::text, r.day::timestamp with time zone)::date AS date_trunc,
            sum(r.received_in_person) AS sum,
            sum(r.received_online) AS sum,
            sum(r.received_postal) AS sum,
            sum(r.resolved_early) AS sum,
            sum(r.resolved_on_time) AS sum,
            sum(r.resolved_late) AS sum,
            sum(r.refused) AS sum,
            sum(r.withdrawn) AS sum,
            sum(r.stopped) AS sum,
            sum(r.supplement_requests) AS sum,
            sum(r.open_change) AS sum,
            sum(r.supplement_change) AS sum,
            sum(r.overdue_change) AS sum,
            sum(r.resolved_work) AS sum,
            sum(r.transferred_in) AS sum,
            sum(r.transferred_out) AS sum,
            sum(r.received_out_of_hours) AS sum
           FROM tthc.report_delta r
          GROUP BY r.unit, r.field, (date_trunc('month'::text, r.day::timestamp with time zone)::date)
        ), m0 AS (
         SELECT s.unit,
            s.field,
            s.month,
            sum(s.received_in_person) AS in_person,
            sum(s.received_online) AS online,
            sum(s.received_postal) AS postal,
            sum(s.resolved_early) AS early,
            sum(s.resolved_on_time) AS on_time,
            sum(s.resolved_late) AS late,
            sum(s.refused) AS refused,
            sum(s.withdrawn) AS withdrawn,
            sum(s.stopped) AS stopped,
            sum(s.supplement_requests) AS supp_req,
            sum(s.open_change) AS open_change,
            sum(s.supplement_change) AS supp_change,
            sum(s.overdue_change) AS overdue_change,
            sum(s.resolved_work) AS work,
            sum(s.transferred_in) AS t_in,
            sum(s.transferred_out) AS t_out,
            sum(s.received_out_of_hours) AS out_of_hours
           FROM s
          GROUP BY s.unit, s.field, s.month
        ), m AS (
         SELECT * FROM m0
        ), g AS (
         SELECT k.unit,
            k.field,
            gs.gs::date AS month
           FROM ( SELECT m.unit,
                    m.field,
                    min(m.month) AS first
                   FROM m
                  GROUP BY m.unit, m.field) k,
            LATERAL generate_series(k.first::timestamp with time zone, GREATEST(( SELECT max(m.month) AS max
                   FROM m), date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date)::timestamp with time zone, '1 mon'::interval) gs(gs)
        ), w0 AS (
         SELECT g.unit,
            g.field,
            g.month,
            m.in_person,
            m.online,
            m.postal,
            m.early,
            m.on_time,
            m.late,
            m.refused,
            m.withdrawn,
            m.stopped,
            m.supp_req,
            m.work,
            m.t_in,
            m.t_out,
            m.out_of_hours,
            COALESCE(sum(m.open_change) OVER c, 0::numeric) AS open_end,
            COALESCE(sum(m.open_change) OVER c, 0::numeric) - COALESCE(m.open_change, 0::numeric) AS carried_over,
            COALESCE(sum(m.overdue_change) OVER c, 0::numeric) AS overdue_end,
            COALESCE(sum(m.supp_change) OVER c, 0::numeric) AS supp_end
           FROM g
             LEFT JOIN m ON m.unit = g.unit AND m.field = g.field AND m.month = g.month
          WINDOW c AS (PARTITION BY g.unit, g.field ORDER BY g.month)
        ), w1 AS (
         SELECT w0.unit, w0.field, w0.month, w0.carried_over, COALESCE(w0.in_person, 0::numeric) AS in_person,
            COALESCE(w0.online, 0::numeric) AS online, COALESCE(w0.postal, 0::numeric) AS postal,
            COALESCE(w0.early, 0::numeric) AS early, COALESCE(w0.on_time, 0::numeric) AS on_time, COALESCE(w0.late, 0::numeric) AS late,
            COALESCE(w0.refused, 0::numeric) AS refused, COALESCE(w0.withdrawn, 0::numeric) AS withdrawn,
            COALESCE(w0.stopped, 0::numeric) AS stopped, COALESCE(w0.supp_req, 0::numeric) AS supp_req, w0.work,
            COALESCE(w0.t_in, 0::numeric) AS t_in, COALESCE(w0.t_out, 0::numeric) AS t_out,
            COALESCE(w0.out_of_hours, 0::numeric) AS out_of_hours, w0.overdue_end, w0.supp_end
           FROM w0
        ), c AS (
         -- each unit's month, laid out and split as tthc.report(lineage => true) splits a period
         SELECT l.successor AS unit, w1.field, w1.month,
            (greatest(0, least(r.b, x.i1) - greatest(r.a, 0)) + greatest(0, least(r.b, x.i1 + x.n) - greatest(r.a, 0 + x.n))) AS carried_over,
            (greatest(0, least(r.b, x.i2) - greatest(r.a, x.i1)) + greatest(0, least(r.b, x.i2 + x.n) - greatest(r.a, x.i1 + x.n))) AS in_person,
            (greatest(0, least(r.b, x.i3) - greatest(r.a, x.i2)) + greatest(0, least(r.b, x.i3 + x.n) - greatest(r.a, x.i2 + x.n))) AS online,
            (greatest(0, least(r.b, x.i4) - greatest(r.a, x.i3)) + greatest(0, least(r.b, x.i4 + x.n) - greatest(r.a, x.i3 + x.n))) AS postal,
            (greatest(0, least(r.b, x.n) - greatest(r.a, x.i4)) + greatest(0, least(r.b, x.n + x.n) - greatest(r.a, x.i4 + x.n))) AS t_in,
            (greatest(0, least(r.b, x.o1) - greatest(r.a, 0)) + greatest(0, least(r.b, x.o1 + x.n) - greatest(r.a, 0 + x.n))) AS early,
            (greatest(0, least(r.b, x.o2) - greatest(r.a, x.o1)) + greatest(0, least(r.b, x.o2 + x.n) - greatest(r.a, x.o1 + x.n))) AS on_time,
            (greatest(0, least(r.b, x.o3) - greatest(r.a, x.o2)) + greatest(0, least(r.b, x.o3 + x.n) - greatest(r.a, x.o2 + x.n))) AS late,
            (greatest(0, least(r.b, x.o4) - greatest(r.a, x.o3)) + greatest(0, least(r.b, x.o4 + x.n) - greatest(r.a, x.o3 + x.n))) AS withdrawn,
            (greatest(0, least(r.b, x.o5) - greatest(r.a, x.o4)) + greatest(0, least(r.b, x.o5 + x.n) - greatest(r.a, x.o4 + x.n))) AS stopped,
            (greatest(0, least(r.b, x.o6) - greatest(r.a, x.o5)) + greatest(0, least(r.b, x.o6 + x.n) - greatest(r.a, x.o5 + x.n))) AS t_out,
            (greatest(0, least(r.b, r.o7) - greatest(r.a, x.o6)) + greatest(0, least(r.b, r.o7 + x.n) - greatest(r.a, x.o6 + x.n))) AS supp_end,
            (greatest(0, least(r.b, r.o8) - greatest(r.a, r.o7)) + greatest(0, least(r.b, r.o8 + x.n) - greatest(r.a, r.o7 + x.n))) AS overdue_end,
            round(w1.out_of_hours * l.hi) - round(w1.out_of_hours * l.lo) AS out_of_hours,
            round(w1.supp_req * l.hi) - round(w1.supp_req * l.lo) AS supp_req,
            round(w1.refused * l.hi) - round(w1.refused * l.lo) AS refused,
            w1.work * (l.hi - l.lo)::double precision AS work
           FROM w1
             JOIN tthc.unit_lineage() l ON l.unit = w1.unit
             CROSS JOIN LATERAL (
               SELECT w1.carried_over AS i1, w1.carried_over + w1.in_person AS i2, w1.carried_over + w1.in_person + w1.online AS i3,
                      w1.carried_over + w1.in_person + w1.online + w1.postal AS i4,
                      w1.carried_over + w1.in_person + w1.online + w1.postal + w1.t_in AS n,
                      w1.early AS o1, w1.early + w1.on_time AS o2, w1.early + w1.on_time + w1.late AS o3,
                      w1.early + w1.on_time + w1.late + w1.withdrawn AS o4,
                      w1.early + w1.on_time + w1.late + w1.withdrawn + w1.stopped AS o5,
                      w1.early + w1.on_time + w1.late + w1.withdrawn + w1.stopped + w1.t_out AS o6,
                      floor((w1.carried_over + w1.in_person + w1.online + w1.postal + w1.t_in)
                            * ((hashtext(w1.unit || '/' || w1.field) & 65535) / 65536.0)) AS turn) x
             CROSS JOIN LATERAL (
               SELECT round(x.n * l.lo) + x.turn AS a, round(x.n * l.hi) + x.turn AS b,
                      least(x.o6 + greatest(w1.supp_end, 0::numeric), x.n) AS o7,
                      least(x.o6 + greatest(w1.supp_end, 0::numeric) + greatest(w1.overdue_end, 0::numeric), x.n) AS o8) r
        ), w AS (
         SELECT c.unit, c.field, c.month, sum(c.carried_over) AS carried_over, sum(c.in_person) AS in_person,
            sum(c.online) AS online, sum(c.postal) AS postal, sum(c.early) AS early, sum(c.on_time) AS on_time,
            sum(c.late) AS late, sum(c.refused) AS refused, sum(c.withdrawn) AS withdrawn, sum(c.stopped) AS stopped,
            sum(c.supp_req) AS supp_req, sum(c.work) AS work, sum(c.t_in) AS t_in, sum(c.t_out) AS t_out,
            sum(c.out_of_hours) AS out_of_hours, sum(c.overdue_end) AS overdue_end, sum(c.supp_end) AS supp_end,
            -- what came in less what went out: every row balances
            sum(c.carried_over + c.in_person + c.online + c.postal + c.t_in
                - c.early - c.on_time - c.late - c.withdrawn - c.stopped - c.t_out) AS open_end
           FROM c
          GROUP BY c.unit, c.field, c.month
        )
 SELECT w.unit,
    NULLIF(w.field, ''::text) AS field,
    w.month,
    w.carried_over::bigint AS carried_over,
    (COALESCE(w.in_person, 0::numeric) + COALESCE(w.online, 0::numeric) + COALESCE(w.postal, 0::numeric))::bigint AS received,
    COALESCE(w.in_person, 0::numeric)::bigint AS received_in_person,
    COALESCE(w.online, 0::numeric)::bigint AS received_online,
    COALESCE(w.postal, 0::numeric)::bigint AS received_postal,
    (COALESCE(w.early, 0::numeric) + COALESCE(w.on_time, 0::numeric) + COALESCE(w.late, 0::numeric))::bigint AS resolved,
    COALESCE(w.early, 0::numeric)::bigint AS resolved_early,
    COALESCE(w.on_time, 0::numeric)::bigint AS resolved_on_time,
    COALESCE(w.late, 0::numeric)::bigint AS resolved_late,
    w.open_end::bigint AS in_progress,
    (w.open_end - w.overdue_end)::bigint AS in_progress_in_time,
    w.overdue_end::bigint AS in_progress_overdue,
    w.supp_end::bigint AS awaiting_supplement,
    COALESCE(w.supp_req, 0::numeric)::bigint AS supplement_requests,
    COALESCE(w.withdrawn, 0::numeric)::bigint AS withdrawn,
    COALESCE(w.refused, 0::numeric)::bigint AS refused,
    COALESCE(w.stopped, 0::numeric)::bigint AS stopped,
    round((w.early + w.on_time) / NULLIF(w.early + w.on_time + w.late, 0::numeric), 4) AS on_time_rate,
        CASE
            WHEN (w.early + w.on_time + w.late) > 0::numeric THEN w.work / (w.early + w.on_time + w.late)::double precision
            ELSE NULL::interval
        END AS avg_work,
    COALESCE(w.t_in, 0::numeric)::bigint AS transferred_in,
    COALESCE(w.t_out, 0::numeric)::bigint AS transferred_out,
    COALESCE(w.out_of_hours, 0::numeric)::bigint AS received_out_of_hours
   FROM w
  WHERE tthc.sees_all() OR (w.unit = ANY (tthc.my_units()));
COMMENT ON VIEW tthc.report_monthly_lineage IS 'tthc.report_monthly on today''s units: the rows of units that ended go to the units that took them over (whole, else by share: tthc.unit_lineage), so a month before the change reads on today''s units; each month''s row balances, province totals equal report_monthly''s; an officer sees its units';
GRANT SELECT ON tthc.report_monthly_lineage TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;

CREATE VIEW tthc.indicators_766_monthly_lineage WITH (security_barrier='true') AS
WITH RECURSIVE a(unit, ancestor) AS (
         SELECT u.code,
            u.code
           FROM tthc.unit u
        UNION
         SELECT a.unit,
            u.parent
           FROM a
             JOIN tthc.unit u ON u.code = a.ancestor
          WHERE u.parent IS NOT NULL
        ), s0 AS (
         SELECT r.unit,
            r.month,
            r.resolved_early + r.resolved_on_time AS in_time,
            r.resolved_early + r.resolved_on_time + r.resolved_late AS resolved,
            r.received_in_person + r.received_online + r.received_postal AS received,
            r.offered_online,
            r.offered_online_online,
            r.with_fee,
            r.paid_online,
            r.digitised,
            r.result_electronic,
            r.rated,
            r.rated_satisfied
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            date_trunc('month'::text, r.day::timestamp with time zone)::date AS date_trunc,
            r.resolved_early + r.resolved_on_time,
            r.resolved_early + r.resolved_on_time + r.resolved_late,
            r.received_in_person + r.received_online + r.received_postal,
            r.offered_online,
            r.offered_online_online,
            r.with_fee,
            r.paid_online,
            r.digitised,
            r.result_electronic,
            r.rated,
            r.rated_satisfied
           FROM tthc.report_delta r
        ), s1 AS (
         SELECT s0.unit,
            s0.month,
            sum(s0.in_time) AS in_time,
            sum(s0.resolved) AS resolved,
            sum(s0.received) AS received,
            sum(s0.offered_online) AS offered_online,
            sum(s0.offered_online_online) AS offered_online_online,
            sum(s0.with_fee) AS with_fee,
            sum(s0.paid_online) AS paid_online,
            sum(s0.digitised) AS digitised,
            sum(s0.result_electronic) AS result_electronic,
            sum(s0.rated) AS rated,
            sum(s0.rated_satisfied) AS rated_satisfied
           FROM s0
          GROUP BY s0.unit, s0.month
        ), s AS (
         -- each unit's month, split between the units that carry its history
         SELECT l.successor AS unit,
            s1.month,
            sum((round(s1.in_time * l.hi) - round(s1.in_time * l.lo))) AS in_time,
            sum((round(s1.resolved * l.hi) - round(s1.resolved * l.lo))) AS resolved,
            sum((round(s1.received * l.hi) - round(s1.received * l.lo))) AS received,
            sum((round(s1.offered_online * l.hi) - round(s1.offered_online * l.lo))) AS offered_online,
            sum((round(s1.offered_online_online * l.hi) - round(s1.offered_online_online * l.lo))) AS offered_online_online,
            sum((round(s1.with_fee * l.hi) - round(s1.with_fee * l.lo))) AS with_fee,
            sum((round(s1.paid_online * l.hi) - round(s1.paid_online * l.lo))) AS paid_online,
            sum((round(s1.digitised * l.hi) - round(s1.digitised * l.lo))) AS digitised,
            sum((round(s1.result_electronic * l.hi) - round(s1.result_electronic * l.lo))) AS result_electronic,
            sum((round(s1.rated * l.hi) - round(s1.rated * l.lo))) AS rated,
            sum((round(s1.rated_satisfied * l.hi) - round(s1.rated_satisfied * l.lo))) AS rated_satisfied
           FROM s1
             JOIN tthc.unit_lineage() l ON l.unit = s1.unit
          GROUP BY l.successor, s1.month
        ), m AS (
         SELECT a.ancestor AS unit,
            s.month,
            sum(s.in_time) AS in_time,
            sum(s.resolved) AS resolved,
            sum(s.received) AS received,
            sum(s.offered_online) AS offered,
            sum(s.offered_online_online) AS offered_online,
            sum(s.with_fee) AS with_fee,
            sum(s.paid_online) AS paid_online,
            sum(s.digitised) AS digitised,
            sum(s.result_electronic) AS e_result,
            sum(s.rated) AS rated,
            sum(s.rated_satisfied) AS satisfied
           FROM s
             JOIN a ON a.unit = s.unit
          GROUP BY a.ancestor, s.month
        ), g AS (
         SELECT k.unit,
            gs.gs::date AS month
           FROM ( SELECT m_1.unit,
                    min(m_1.month) AS first
                   FROM m m_1
                  GROUP BY m_1.unit) k,
            LATERAL generate_series(k.first::timestamp with time zone, GREATEST(( SELECT max(m_1.month) AS max
                   FROM m m_1), date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date)::timestamp with time zone, '1 mon'::interval) gs(gs)
        )
 SELECT g.unit,
    g.month,
    x.grp,
    x.indicator,
    x.num::bigint AS numerator,
    x.den::bigint AS denominator,
    round(x.num / NULLIF(x.den, 0::numeric), 4) AS ratio
   FROM g
     LEFT JOIN m ON m.unit = g.unit AND m.month = g.month
     CROSS JOIN LATERAL ( VALUES (1,'transparency'::text,'published_procedures'::text,NULL::numeric,NULL::numeric), (2,'progress'::text,'on_time_rate'::text,COALESCE(m.in_time, 0::numeric),COALESCE(m.resolved, 0::numeric)), (3,'digitisation'::text,'digitised_rate'::text,COALESCE(m.digitised, 0::numeric),COALESCE(m.received, 0::numeric)), (4,'digitisation'::text,'electronic_result_rate'::text,COALESCE(m.e_result, 0::numeric),COALESCE(m.resolved, 0::numeric)), (5,'digitisation'::text,'reused_data_rate'::text,NULL::numeric,NULL::numeric), (6,'online'::text,'online_rate'::text,COALESCE(m.offered_online, 0::numeric),COALESCE(m.offered, 0::numeric)), (7,'online'::text,'online_payment_rate'::text,COALESCE(m.paid_online, 0::numeric),COALESCE(m.with_fee, 0::numeric)), (8,'satisfaction'::text,'satisfaction_rate'::text,COALESCE(m.satisfied, 0::numeric),COALESCE(m.rated, 0::numeric))) x(ord, grp, indicator, num, den)
  WHERE tthc.sees_all() OR (g.unit = ANY (tthc.my_units()));
COMMENT ON VIEW tthc.indicators_766_monthly_lineage IS 'tthc.indicators_766_monthly on today''s units: the months of units that ended count in the units that took them over (tthc.unit_lineage), and up their parents; an officer sees its units';
GRANT SELECT ON tthc.indicators_766_monthly_lineage TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;

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
                                 transferred_in, transferred_out, received_out_of_hours, received_here)
  WITH uc AS (
    SELECT u.code, u.calendar, c.time_zone AS tz FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar),
  d AS (
    SELECT d.id, d.handling_unit AS unit, d.channel, d.result, d.received_at, d.finished_at,
           coalesce(d.received_out_of_hours, false) AS out_of_hours,
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
           d.out_of_hours,
           CASE WHEN g.st = 'resolved' AND g.st IS DISTINCT FROM g.st_before
                THEN tthc.working_time_between(d.clock_started_at, d.finished_at, uc.calendar) - d.paused_work END AS work,
           g.open - coalesce(lag(g.open) OVER p, 0) AS open_change,
           g.supp - coalesce(lag(g.supp) OVER p, 0) AS supp_change,
           g.over - coalesce(lag(g.over) OVER p, 0) AS over_change
    FROM g JOIN d ON d.id = g.dossier_id JOIN uc ON uc.code = g.unit
    WINDOW p AS (PARTITION BY g.dossier_id ORDER BY g.seq)),
  counted AS (
    SELECT unit, field, day,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND channel = 1) AS received_in_person,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND channel = 2) AS received_online,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND channel = 3) AS received_postal,
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
           0 AS transferred_in, 0 AS transferred_out,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND out_of_hours) AS received_out_of_hours,
           0 AS received_here
    -- (a dossier is received once: from submitted, or as it is written)
    FROM (SELECT ev.*, ev.st IS DISTINCT FROM ev.st_before AS moved,
                 ev.st_before IS NULL OR ev.st_before = 'submitted' AS first FROM ev) x
    GROUP BY unit, field, day
    UNION ALL
    -- a transfer: out of the old unit, into the new, with the stocks it carries
    SELECT x.unit, d.field, (g.at AT TIME ZONE uc.tz)::date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           x.sign * g.open, x.sign * g.supp, x.sign * g.over, 0, 0, 0, 0, 0, 0, interval '0', 0, 0,
           (x.sign > 0)::int, (x.sign < 0)::int, 0, 0
    FROM g JOIN d ON d.id = g.dossier_id,
         LATERAL (VALUES (tthc.as_jsonb(g.note) ->> 'from', -1), (tthc.as_jsonb(g.note) ->> 'to', 1)) x(unit, sign)
         JOIN uc ON uc.code = x.unit
    WHERE g.kind = 'transfer'
    UNION ALL
    -- flagged overdue: since the deadline (old_due_at), not since the sweep
    -- noticed, nor before the dossier was received
    SELECT g.unit, d.field, x.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, x.sign,
           0, 0, 0, 0, 0, 0, interval '0', 0, 0, 0, 0, 0, 0
    FROM g JOIN d ON d.id = g.dossier_id JOIN uc ON uc.code = g.unit
         JOIN tthc.dossier_event e ON e.dossier_id = g.dossier_id AND e.seq = g.seq,
         LATERAL (VALUES ((greatest(e.old_due_at, d.received_at) AT TIME ZONE uc.tz)::date, 1),
                         ((e.at AT TIME ZONE uc.tz)::date, -1)) x(day, sign)
    WHERE g.kind = 'overdue'
    UNION ALL
    SELECT d.unit, d.field, (d.received_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.offered), count(*) FILTER (WHERE d.offered AND d.channel = 2),
           count(*) FILTER (WHERE d.payment IS NOT NULL), count(*) FILTER (WHERE d.payment = 'online'),
           count(*) FILTER (WHERE d.digitised), 0, interval '0', 0, 0, 0, 0, 0, count(*)
    FROM d WHERE d.received_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (d.finished_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.result_electronic), interval '0', 0, 0, 0, 0, 0, 0
    FROM d WHERE d.finished_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (r.rated_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, interval '0',
           count(*), count(*) FILTER (WHERE r.rating <> 'unsatisfied'), 0, 0, 0, 0
    FROM tthc.rating r JOIN d ON d.id = r.dossier_id
    GROUP BY 1, 2, 3)
  SELECT unit, field, day, sum(received_in_person), sum(received_online), sum(received_postal),
         sum(resolved_early), sum(resolved_on_time), sum(resolved_late),
         sum(refused), sum(withdrawn), sum(stopped), sum(supplement_requests),
         sum(open_change), sum(supplement_change), sum(overdue_change),
         sum(offered_online), sum(offered_online_online), sum(with_fee), sum(paid_online),
         sum(digitised), sum(result_electronic), sum(resolved_work), sum(rated), sum(rated_satisfied),
         sum(transferred_in), sum(transferred_out), sum(received_out_of_hours), sum(received_here)
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
      OR sum(transferred_in) <> 0 OR sum(transferred_out) <> 0 OR sum(received_out_of_hours) <> 0 OR sum(received_here) <> 0;
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

-- the portal's progress of a transfer names the unit it went to and why
-- (the event's note is {"from", "to", "reason"}); the event is the old
-- unit's, which handled the dossier when it was sent on
CREATE OR REPLACE FUNCTION tthc.portal_events(d tthc.dossier, after_seq integer, lim integer)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'MaHoSo', coalesce(d.portal_code, d.code),
           'NguoiXuLy', left(coalesce(o.full_name, u.name, 'Hệ thống'), 50),
           'ChucDanh', o.title,
           'ThoiDiemXuLy', tthc.portal_time(e.at),
           'PhongBanXuLy', coalesce(u.name, e.unit),
           'NoiDungXuLy', tthc.portal_action(e.kind, e.from_status, e.to_status)
                          || CASE WHEN e.kind = 'transfer'
                                  THEN ': ' || coalesce(tu.name, tthc.as_jsonb(e.note) ->> 'to')
                                       || coalesce(' (' || (tthc.as_jsonb(e.note) ->> 'reason') || ')', '')
                                  WHEN e.note IS NOT NULL AND e.kind NOT IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
                                  THEN ': ' || e.note ELSE '' END,
           'TrangThai', tthc.portal_status(e.status_after),
           'NgayBatDau', tthc.portal_time(e.started),
           'NgayKetThucTheoQuyDinh', tthc.portal_time(coalesce(e.step_due_at, e.due)))) ORDER BY e.seq), '[]')
  FROM (SELECT x.*, first_value(x.to_status) OVER (PARTITION BY x.sgrp ORDER BY x.seq) AS status_after,
               first_value(x.new_due_at) OVER (PARTITION BY x.dgrp ORDER BY x.seq) AS due
        FROM (SELECT e.*, coalesce(lag(e.at) OVER (ORDER BY e.seq), e.at) AS started,
                     count(e.to_status) OVER (ORDER BY e.seq) AS sgrp,
                     count(e.new_due_at) OVER (ORDER BY e.seq) AS dgrp
              FROM tthc.dossier_event e
              WHERE e.dossier_id = d.id AND e.seq <= after_seq + lim) x) e
  LEFT JOIN tthc.officer o ON o.login = e.officer
  LEFT JOIN tthc.unit u ON u.code = coalesce(e.unit, d.handling_unit)
  LEFT JOIN tthc.unit tu ON e.kind = 'transfer' AND tu.code = tthc.as_jsonb(e.note) ->> 'to'
  WHERE e.seq > after_seq
$function$;

-- (it reads the day and month rows whole, and the deltas by name: the new
-- columns too); with lineage, the units whose history the unit's carry
DROP FUNCTION tthc.indicators_766(text, daterange);
CREATE FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean DEFAULT false) RETURNS TABLE(grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text, group_points numeric, points numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  scope text[] := tthc.report_scope(indicators_766.unit, true);
  units text[];
  lo date;
  hi date;
  whole_from date;
  whole_to date;
  t record;
BEGIN
  SELECT array_agg(DISTINCT l.unit) INTO units FROM tthc.report_lineage(scope, lineage) l;
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT m.whole_from, m.whole_to INTO whole_from, whole_to FROM tthc.report_months(lo, hi) m;
  -- each unit's sums, then each successor's part of them
  WITH u AS (
    SELECT a.unit,
           sum(a.resolved_early + a.resolved_on_time) AS in_time,
           sum(a.resolved_early + a.resolved_on_time + a.resolved_late) AS resolved,
           sum(a.received_in_person + a.received_online + a.received_postal) AS received,
           sum(a.received_here) AS received_here,
           sum(a.offered_online) AS offered, sum(a.offered_online_online) AS offered_online,
           sum(a.with_fee) AS with_fee, sum(a.paid_online) AS paid_online,
           sum(a.digitised) AS digitised, sum(a.result_electronic) AS e_result,
           sum(a.rated) AS rated, sum(a.rated_satisfied) AS satisfied
  -- the period's whole months as month rows, its partial months as days
    FROM (SELECT * FROM tthc.report_day r
        WHERE r.unit = ANY (units)
          AND (r.day >= lo AND r.day < least(whole_from, hi) OR r.day >= greatest(whole_to, whole_from) AND r.day < hi)
        UNION ALL
        SELECT * FROM tthc.report_month r
        WHERE r.unit = ANY (units) AND r.month >= whole_from AND r.month < whole_to
        UNION ALL
        SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied, r.received_out_of_hours, r.transferred_in, r.transferred_out, r.received_here
        FROM tthc.report_delta r WHERE r.unit = ANY (units) AND r.day >= lo AND r.day < hi) a
    GROUP BY a.unit)
  SELECT coalesce(sum((round(u.in_time * l.hi) - round(u.in_time * l.lo))), 0) AS in_time,
         coalesce(sum((round(u.resolved * l.hi) - round(u.resolved * l.lo))), 0) AS resolved,
         coalesce(sum((round(u.received * l.hi) - round(u.received * l.lo))), 0) AS received,
         coalesce(sum((round(u.received_here * l.hi) - round(u.received_here * l.lo))), 0) AS received_here,
         coalesce(sum((round(u.offered * l.hi) - round(u.offered * l.lo))), 0) AS offered,
         coalesce(sum((round(u.offered_online * l.hi) - round(u.offered_online * l.lo))), 0) AS offered_online,
         coalesce(sum((round(u.with_fee * l.hi) - round(u.with_fee * l.lo))), 0) AS with_fee,
         coalesce(sum((round(u.paid_online * l.hi) - round(u.paid_online * l.lo))), 0) AS paid_online,
         coalesce(sum((round(u.digitised * l.hi) - round(u.digitised * l.lo))), 0) AS digitised,
         coalesce(sum((round(u.e_result * l.hi) - round(u.e_result * l.lo))), 0) AS e_result,
         coalesce(sum((round(u.rated * l.hi) - round(u.rated * l.lo))), 0) AS rated,
         coalesce(sum((round(u.satisfied * l.hi) - round(u.satisfied * l.lo))), 0) AS satisfied
    INTO t
  FROM u JOIN tthc.report_lineage(scope, lineage) l ON l.unit = u.unit;
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
      (3, 'digitisation', 'digitised_rate', t.digitised, t.received_here,
       'received with digitised components (dossier.digitised) / received in the period (counted where the dossiers are now)'),
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
COMMENT ON FUNCTION tthc.indicators_766(text, daterange, boolean) IS 'The QĐ 766 ratios the data supports, with numerator and denominator, the group''s weight and the points earned, for a unit and the units below it (with lineage, and the parts of the ended units they took over); NULL where tthc records nothing to count';
REVOKE ALL ON FUNCTION tthc.indicators_766(text, daterange, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.indicators_766(text, daterange, boolean) TO tthc_reader, tthc_auditor, tthc_admin, tthc_officer;

-- -------------------------------------------------------------------
-- 6. The national hub mirrors the successions
-- -------------------------------------------------------------------
-- unit_succession is published with the units (create_publication: run it
-- again on each province after this update, so that the new columns and
-- the table are published); on the hub it carries its province, as the
-- other mirrored tables do.  A hub made before this update gets the same
-- set-up here.
ALTER TABLE tthc.unit_succession ADD COLUMN province text;
ALTER TABLE tthc.unit_succession ADD CONSTRAINT unit_succession_province_local CHECK (province IS NULL) NOT VALID;
COMMENT ON COLUMN tthc.unit_succession.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

CREATE OR REPLACE FUNCTION tthc.hub_init() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET client_min_messages TO 'warning'
    AS $$
DECLARE
  -- the mirrored tables with a province column; the sums have none (keyed by unit)
  keyed text[] := ARRAY['dossier', 'dossier_event', 'apology', 'rating', 'unit', 'calendar',
                        'calendar_exception', 'calendar_week', 'calendar_year', 'procedure', 'procedure_step',
                        'unit_succession'];
  t text;
  n bigint;
BEGIN
  IF tthc.is_hub() THEN
    RETURN;
  END IF;
  SELECT (SELECT count(*) FROM tthc.unit) + (SELECT count(*) FROM tthc.dossier) INTO n;
  IF n > 0 THEN
    RAISE EXCEPTION 'this node has units or dossiers of its own: a national hub mirrors provinces and has none'
      USING ERRCODE = '55000',
            HINT = 'Make the hub a database of its own: CREATE DATABASE, CREATE EXTENSION tthc, then tthc.attach_province().';
  END IF;
  -- money stays on the province (the hub mirrors its events only): its keys to the dossier go
  ALTER TABLE tthc.payment DROP CONSTRAINT payment_dossier_id_fkey;
  ALTER TABLE tthc.receipt DROP CONSTRAINT receipt_dossier_id_fkey;
  ALTER TABLE tthc.dossier DROP CONSTRAINT dossier_pkey;
  ALTER TABLE tthc.dossier ADD CONSTRAINT dossier_pkey UNIQUE NULLS NOT DISTINCT (id, province);
  ALTER TABLE tthc.dossier_event DROP CONSTRAINT dossier_event_pkey;
  ALTER TABLE tthc.dossier_event ADD CONSTRAINT dossier_event_pkey UNIQUE NULLS NOT DISTINCT (dossier_id, province, seq);
  CREATE INDEX dossier_event_mirrored ON tthc.dossier_event (province, mirrored_at);
  ALTER TABLE tthc.apology DROP CONSTRAINT apology_pkey;
  ALTER TABLE tthc.apology ADD CONSTRAINT apology_pkey UNIQUE NULLS NOT DISTINCT (dossier_id, province, seq);
  ALTER TABLE tthc.rating DROP CONSTRAINT rating_pkey;
  ALTER TABLE tthc.rating ADD CONSTRAINT rating_pkey UNIQUE NULLS NOT DISTINCT (dossier_id, province);
  ALTER TABLE tthc.calendar DROP CONSTRAINT calendar_pkey CASCADE;
  ALTER TABLE tthc.calendar ADD CONSTRAINT calendar_pkey UNIQUE NULLS NOT DISTINCT (name, province);
  ALTER TABLE tthc.calendar_exception DROP CONSTRAINT calendar_exception_pkey;
  ALTER TABLE tthc.calendar_exception ADD CONSTRAINT calendar_exception_pkey UNIQUE NULLS NOT DISTINCT (calendar, province, day, shipped);
  ALTER TABLE tthc.calendar_week DROP CONSTRAINT calendar_week_pkey;
  ALTER TABLE tthc.calendar_week ADD CONSTRAINT calendar_week_pkey UNIQUE NULLS NOT DISTINCT (calendar, province, isodow, shipped);
  ALTER TABLE tthc.calendar_year DROP CONSTRAINT calendar_year_pkey;
  ALTER TABLE tthc.calendar_year ADD CONSTRAINT calendar_year_pkey UNIQUE NULLS NOT DISTINCT (calendar, province, year);
  ALTER TABLE tthc.procedure DROP CONSTRAINT procedure_pkey CASCADE;
  ALTER TABLE tthc.procedure ADD CONSTRAINT procedure_pkey UNIQUE NULLS NOT DISTINCT (id, province);
  ALTER TABLE tthc.procedure_step DROP CONSTRAINT procedure_step_pkey;
  ALTER TABLE tthc.procedure_step ADD CONSTRAINT procedure_step_pkey UNIQUE NULLS NOT DISTINCT (procedure_id, province, step);
  ALTER TABLE tthc.dossier_event ALTER COLUMN mirrored_at SET DEFAULT pg_catalog.clock_timestamp();
  FOREACH t IN ARRAY keyed LOOP
    EXECUTE format('ALTER TABLE tthc.%I DROP CONSTRAINT %I', t, t || '_province_local');
    EXECUTE format('ALTER TABLE tthc.%I ALTER COLUMN province SET DEFAULT tthc.mirror_province()', t);
  END LOOP;
  FOREACH t IN ARRAY keyed || ARRAY['report_delta', 'report_day', 'report_month'] LOOP
    -- (named to fire before tthc's own triggers, which run in name order)
    EXECUTE format('CREATE TRIGGER a_hub_mirror BEFORE INSERT OR UPDATE OR DELETE ON tthc.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION tthc.hub_mirror()', t);
    EXECUTE format('CREATE TRIGGER a_hub_mirror_statement BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.%I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION tthc.hub_mirror()', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER a_hub_mirror', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER a_hub_mirror_statement', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['unit', 'procedure', 'procedure_step'] LOOP
    EXECUTE format('CREATE TRIGGER hub_changed AFTER INSERT OR UPDATE OR DELETE ON tthc.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION tthc.table_changed()', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER hub_changed', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['calendar', 'calendar_exception', 'calendar_week', 'calendar_year'] LOOP
    EXECUTE format('CREATE TRIGGER hub_changed AFTER INSERT OR UPDATE OR DELETE ON tthc.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION tthc.calendar_changed()', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER hub_changed', t);
  END LOOP;
END $$;;

CREATE OR REPLACE FUNCTION tthc.create_publication() RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  main text := '';
  log text := '';
  t text;
  cols text;
  roots bigint;
BEGIN
  IF tthc.is_hub() THEN
    RAISE EXCEPTION 'this node is a national hub: it mirrors provinces and publishes nothing'
      USING ERRCODE = '55000';
  END IF;
  IF current_setting('wal_level') <> 'logical' THEN
    RAISE EXCEPTION 'a province publishes with wal_level = logical, not %', current_setting('wal_level')
      USING ERRCODE = '55000', HINT = 'ALTER SYSTEM SET wal_level = logical, then restart the server.';
  END IF;
  SELECT count(*) INTO roots FROM tthc.unit WHERE parent IS NULL;
  IF roots <> 1 THEN
    RAISE EXCEPTION 'a province node has one root unit, the province; this one has %', roots
      USING ERRCODE = '55000', HINT = 'Give every unit a parent up to the province''s own unit (level province).';
  END IF;
  FOREACH t IN ARRAY ARRAY['unit', 'calendar', 'calendar_exception', 'calendar_week', 'calendar_year',
                           'procedure', 'procedure_step', 'unit_succession', 'dossier', 'report_delta', 'report_day', 'report_month',
                           'dossier_event', 'apology', 'rating'] LOOP
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_attribute a
    WHERE a.attrelid = ('tthc.' || t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND a.attname NOT IN ('province', 'mirrored_at');
    cols := format('tthc.%I (%s)', t, cols);
    IF t LIKE 'calendar%' THEN
      cols := cols || ' WHERE (NOT shipped)';
    END IF;
    IF t IN ('dossier_event', 'apology', 'rating') THEN
      log := log || CASE WHEN log = '' THEN '' ELSE ', ' END || cols;
    ELSE
      main := main || CASE WHEN main = '' THEN '' ELSE ', ' END || cols;
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'tthc') THEN
    EXECUTE 'ALTER PUBLICATION tthc SET TABLE ' || main;
    EXECUTE 'ALTER PUBLICATION tthc SET (publish = ''insert, update, delete'')';
  ELSE
    EXECUTE 'CREATE PUBLICATION tthc FOR TABLE ' || main || ' WITH (publish = ''insert, update, delete'')';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'tthc_log') THEN
    EXECUTE 'ALTER PUBLICATION tthc_log SET TABLE ' || log;
    EXECUTE 'ALTER PUBLICATION tthc_log SET (publish = ''insert'')';
  ELSE
    EXECUTE 'CREATE PUBLICATION tthc_log FOR TABLE ' || log || ' WITH (publish = ''insert'')';
  END IF;
  RETURN 'tthc';
END $$;;

DO $$
BEGIN
  IF tthc.is_hub() THEN
    ALTER TABLE tthc.unit_succession DROP CONSTRAINT unit_succession_province_local;
    ALTER TABLE tthc.unit_succession ALTER COLUMN province SET DEFAULT tthc.mirror_province();
    CREATE TRIGGER a_hub_mirror BEFORE INSERT OR UPDATE OR DELETE ON tthc.unit_succession
      FOR EACH ROW EXECUTE FUNCTION tthc.hub_mirror();
    CREATE TRIGGER a_hub_mirror_statement BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.unit_succession
      FOR EACH STATEMENT EXECUTE FUNCTION tthc.hub_mirror();
    ALTER TABLE tthc.unit_succession ENABLE ALWAYS TRIGGER a_hub_mirror;
    ALTER TABLE tthc.unit_succession ENABLE ALWAYS TRIGGER a_hub_mirror_statement;
  ELSE
    -- (a hub's calendar names are unique per province only)
    ALTER TABLE tthc.unit ADD CONSTRAINT unit_reception_calendar_fkey
      FOREIGN KEY (reception_calendar) REFERENCES tthc.calendar (name) ON UPDATE CASCADE;
  END IF;
END $$;
