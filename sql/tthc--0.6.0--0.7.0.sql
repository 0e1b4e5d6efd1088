-- sql/tthc--0.6.0--0.7.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.7.0'" to load this file. \quit

-- ===================================================================
-- Officers are separated: tthc.my_units() asks about the caller
-- ===================================================================
-- 0.4.0's my_units() was SECURITY DEFINER, so current_user inside it was
-- the extension's owner, a member of every role: every caller got every
-- assigned unit.  It is now C and SECURITY INVOKER, reading the
-- assignments from the catalogue cache (as the table's owner).

CREATE OR REPLACE FUNCTION tthc.my_units() RETURNS text[]
  AS 'MODULE_PATHNAME', 'tthc_my_units' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION tthc.my_units() IS
  'The units current_user works on: those tthc.officer_unit assigns to its roles, and the units below them';

CREATE FUNCTION tthc.sees_all() RETURNS boolean
  AS 'MODULE_PATHNAME', 'tthc_sees_all' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION tthc.sees_all() IS
  'Whether current_user reads every unit (a superuser, or a member of tthc_reader, tthc_auditor or tthc_admin)';

CREATE FUNCTION tthc.check_units(units text[]) RETURNS void
  AS 'MODULE_PATHNAME', 'tthc_check_units' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.check_units(text[]) IS
  'Raises 42501 unless the outer role (the login or SET ROLE, also inside SECURITY DEFINER functions) reads every unit or works on each of these';

-- the cache of assignments follows the table
CREATE TRIGGER table_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.officer_unit
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();
ALTER TABLE tthc.officer_unit ENABLE ALWAYS TRIGGER table_changed;

-- policies call my_units() once per query (an initplan), not once per row
DROP POLICY officer_units ON tthc.dossier;
CREATE POLICY officer_units ON tthc.dossier TO tthc_officer
  USING (handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR receiving_unit = ANY ((SELECT tthc.my_units())::text[]))
  WITH CHECK (handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR receiving_unit = ANY ((SELECT tthc.my_units())::text[]));

-- the logs are read through the dossiers an officer sees; only tthc writes them
DROP POLICY officer_units ON tthc.apology;
CREATE POLICY officer_units ON tthc.apology FOR SELECT TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id));
DROP POLICY admin_all ON tthc.apology;
CREATE POLICY admin_all ON tthc.apology FOR SELECT TO tthc_admin USING (true);
REVOKE INSERT ON tthc.apology FROM tthc_officer;

-- a rating is the applicant's: recorded once, never changed by staff
DROP POLICY officer_units ON tthc.rating;
CREATE POLICY officer_read ON tthc.rating FOR SELECT TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id));
CREATE POLICY officer_record ON tthc.rating FOR INSERT TO tthc_officer
  WITH CHECK (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id));
DROP POLICY admin_all ON tthc.rating;
CREATE POLICY admin_all ON tthc.rating FOR SELECT TO tthc_admin USING (true);
CREATE POLICY admin_record ON tthc.rating FOR INSERT TO tthc_admin WITH CHECK (true);
REVOKE UPDATE ON tthc.rating FROM tthc_officer;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON tthc.rating
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.rating
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
ALTER TABLE tthc.rating ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.rating ENABLE ALWAYS TRIGGER append_only_truncate;

-- ===================================================================
-- Views: each caller sees the dossiers it may see; names are masked
-- ===================================================================
-- The views run as their owner (so readers need no grant on the
-- dossiers), and filter by the caller: reader, auditor and admin see
-- every unit, an officer its own units, anyone else nothing.

CREATE OR REPLACE FUNCTION tthc.mask(value text, keep int DEFAULT 3) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN value IS NULL THEN NULL
              WHEN length(value) <= greatest(keep, 0) THEN repeat('*', length(value))
              ELSE repeat('*', length(value) - greatest(keep, 0)) || right(value, greatest(keep, 0)) END
$$;
COMMENT ON FUNCTION tthc.mask(text, int) IS
  'A value with all but its last `keep` characters (none when keep <= 0) replaced by *';

CREATE FUNCTION tthc.mask_name(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT string_agg(left(w, 1) || repeat('*', length(w) - 1), ' ' ORDER BY i)
  FROM regexp_split_to_table(btrim(name), '\s+') WITH ORDINALITY AS t(w, i)
$$;
COMMENT ON FUNCTION tthc.mask_name(text) IS
  'A person''s name with every word reduced to its first letter (Nguyễn Văn An: N***** V** A*)';

CREATE OR REPLACE VIEW tthc.dossier_masked WITH (security_barrier) AS
SELECT d.id, d.code, d.procedure_code, d.procedure_id, d.receiving_unit, d.handling_unit, d.channel,
       tthc.mask_name(d.applicant_name) AS applicant_name,
       tthc.mask(d.applicant_id, 0) AS applicant_id, tthc.mask(d.applicant_phone) AS applicant_phone,
       d.submitted_at, d.received_at, d.status, d.changed_at, d.due_at, d.promised_at, d.apologies,
       d.clock_started_at, d.paused_at, d.paused_work, d.step, d.step_unit, d.step_started_at, d.step_due_at,
       d.finished_at, d.returned_at, d.result, d.overdue_since, d.due_soon_at, d.regime
FROM tthc.dossier d
WHERE (SELECT tthc.sees_all())
   OR d.handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR d.receiving_unit = ANY ((SELECT tthc.my_units())::text[]);
COMMENT ON VIEW tthc.dossier_masked IS
  'Dossiers without personal data in clear: the applicant''s name as initials, no digit of the ID number (tthc.track checks its last 4), the phone''s last 3; each caller sees the units it may see';

CREATE OR REPLACE VIEW tthc.dossier_sla AS
SELECT s.*,
       CASE WHEN s.elapsed_work + s.remaining_work > interval '0'
            THEN round((extract(epoch FROM s.elapsed_work) / extract(epoch FROM s.elapsed_work + s.remaining_work))::numeric, 3)
       END AS share_used,
       CASE WHEN s.status IN ('resolved', 'returned') THEN 'done_' || s.result
            WHEN s.status IN ('awaiting_supplement', 'awaiting_payment') THEN 'paused'
            WHEN s.status IN ('received', 'processing') AND s.remaining_work < interval '0' THEN 'overdue'
            WHEN s.status IN ('received', 'processing') AND s.due_at < now() THEN 'overdue'
            WHEN s.status IN ('received', 'processing') AND s.remaining_work <= tthc.warn_before_work(s.calendar) THEN 'due_soon'
            WHEN s.status IN ('received', 'processing') THEN 'in_time'
       END AS band
FROM (
  SELECT d.id, d.code, d.procedure_code, d.receiving_unit, d.handling_unit, d.channel, d.status,
         d.received_at, d.clock_started_at, d.due_at, d.promised_at, d.finished_at, d.result, d.overdue_since,
         u.calendar,
         -- the clock stands still at the end (resolution) or while paused
         greatest(tthc.working_time_between(d.clock_started_at, r.at, u.calendar) - d.paused_work
                  - coalesce(tthc.working_time_between(d.paused_at, r.at, u.calendar), interval '0'),
                  interval '0') AS elapsed_work,
         tthc.working_time_between(r.at, d.due_at, u.calendar) AS remaining_work
  FROM tthc.dossier d
  JOIN tthc.unit u ON u.code = d.handling_unit
  CROSS JOIN LATERAL (SELECT least(coalesce(d.finished_at, now()), now()) AS at) r
  WHERE d.clock_started_at IS NOT NULL
    AND ((SELECT tthc.sees_all())
         OR d.handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR d.receiving_unit = ANY ((SELECT tthc.my_units())::text[]))) s;
COMMENT ON VIEW tthc.dossier_sla IS
  'Every received dossier the caller may see, with its elapsed and remaining working time, the share of its limit used, and its band';
GRANT SELECT ON tthc.dossier_masked, tthc.dossier_sla TO tthc_officer;

-- ===================================================================
-- Reports: an officer reports on its own units
-- ===================================================================

CREATE OR REPLACE FUNCTION tthc.report_scope(unit text, include_children boolean) RETURNS text[]
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
  -- the caller, not the owner these report functions run as
  PERFORM tthc.check_units(ARRAY[unit]);
  RETURN units;
END $$;

CREATE OR REPLACE FUNCTION tthc.report_period(period daterange, OUT lo date, OUT hi date)
  LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF period IS NULL THEN
    RAISE EXCEPTION 'the period of a report cannot be null' USING ERRCODE = '22004',
      HINT = 'For example daterange(''2025-01-01'', ''2026-01-01''): the year 2025.';
  END IF;
  IF isempty(period) THEN
    RAISE EXCEPTION 'the period of a report must be a non-empty date range'
      USING ERRCODE = '22023', HINT = 'For example daterange(''2025-01-01'', ''2026-01-01''): the year 2025.';
  END IF;
  lo := coalesce(lower(period), '-infinity'::date);
  hi := coalesce(upper(period), 'infinity'::date);
END $$;
