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
-- an officer reads and moves the dossiers its units received or handle, and
-- receives only at its own units (a reception numbers at the receiving unit)
CREATE POLICY officer_units ON tthc.dossier FOR SELECT TO tthc_officer
  USING (handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR receiving_unit = ANY ((SELECT tthc.my_units())::text[]));
CREATE POLICY officer_moves ON tthc.dossier FOR UPDATE TO tthc_officer
  USING (handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR receiving_unit = ANY ((SELECT tthc.my_units())::text[]))
  WITH CHECK (handling_unit = ANY ((SELECT tthc.my_units())::text[]) OR receiving_unit = ANY ((SELECT tthc.my_units())::text[]));
CREATE POLICY officer_receives ON tthc.dossier FOR INSERT TO tthc_officer
  WITH CHECK (receiving_unit = ANY ((SELECT tthc.my_units())::text[]));

-- the policy reads both units: with an index on each, an officer's screens
-- read its own dossiers (a bitmap OR of the two), not the province's
CREATE INDEX dossier_receiving_unit_idx ON tthc.dossier (receiving_unit, received_at);

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
-- a caller's own function in a WHERE clause must not see rows the filter
-- drops: both views are security barriers
ALTER VIEW tthc.dossier_sla SET (security_barrier = true);
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

-- ===================================================================
-- The control slip binds the dossier's state; only tthc writes the logs
-- ===================================================================
-- Each event carries the digest of the dossier row after it (covered by the
-- event's hash), so a row changed around the trigger (a trigger sorted
-- after the guard, DISABLE TRIGGER, replica mode, a COPY that is not a
-- restore) disagrees with its latest event.  The events, apologies and
-- report sums of a write are held until its row is stored: a row that
-- INSERT ... ON CONFLICT skips leaves none of them, and gives its number
-- back.

ALTER TABLE tthc.dossier_event ADD COLUMN state bytea;
COMMENT ON COLUMN tthc.dossier_event.state IS
  'tthc.dossier_state() of the dossier after the event (covered by hash); NULL for events logged before 0.7.0 that a later event superseded';

CREATE FUNCTION tthc.dossier_state(d tthc.dossier) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tthc_dossier_state' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.dossier_state(tthc.dossier) IS
  'SHA-256 of the columns of a dossier row that its latest event binds (every column tthc defines but event_hash)';

CREATE FUNCTION tthc.restoring(rel regclass) RETURNS boolean
  AS 'MODULE_PATHNAME', 'tthc_restoring' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tthc.restoring(regclass) IS
  'Whether the running statement is a COPY FROM into this table by its owner (a restore)';

-- apologies are written with their event, by the dossier trigger
CREATE OR REPLACE TRIGGER append_only BEFORE INSERT OR UPDATE OR DELETE ON tthc.apology
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only;
COMMENT ON TABLE tthc.apology IS
  'Apologies and new dates (form 04), written by tthc with the apology event; append-only';

-- ratings restored by pg_restore are already in the restored sums
CREATE OR REPLACE FUNCTION tthc.rating_counted() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  rows text;
BEGIN
  IF tthc.restoring(TG_RELID) THEN
    RETURN NULL;
  END IF;
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

-- a move without a time of its own is timed by the trigger (after a
-- concurrent move it takes the clock, not the transaction's start)
CREATE OR REPLACE FUNCTION tthc.transition(code text, to_status tthc.dossier_status,
                                           at timestamptz DEFAULT now(), note text DEFAULT NULL)
  RETURNS tthc.dossier
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  d tthc.dossier;
  cur tthc.dossier_status;
BEGIN
  IF at IS NULL THEN
    RAISE EXCEPTION 'the time of a transition cannot be null' USING ERRCODE = '22004';
  END IF;
  SELECT x.status INTO cur FROM tthc.dossier x WHERE x.code = transition.code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  IF cur = to_status AND to_status <> 'processing' THEN
    PERFORM tthc.check_transition(cur, to_status);
  END IF;
  -- now() is the default: the trigger picks the time
  PERFORM set_config('tthc.event_time', CASE WHEN transition.at = now() THEN '' ELSE transition.at::text END, true);
  UPDATE tthc.dossier x
     SET status = transition.to_status,
         changed_at = CASE WHEN transition.at = now() THEN x.changed_at ELSE transition.at END,
         note = transition.note,
         step = CASE WHEN x.status = 'processing' AND transition.to_status = 'processing'
                     THEN coalesce(x.step, 0) + 1 ELSE x.step END
   WHERE x.code = transition.code
  RETURNING * INTO d;
  PERFORM set_config('tthc.event_time', '', true);
  RETURN d;
END $$;

CREATE OR REPLACE FUNCTION tthc.apologize(code text, reason text, promised_at timestamptz,
                                          at timestamptz DEFAULT now())
  RETURNS tthc.apology
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  d tthc.dossier;
  a tthc.apology;
BEGIN
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'an apology needs a reason' USING ERRCODE = '22023';
  END IF;
  IF at IS NULL OR promised_at IS NULL THEN
    RAISE EXCEPTION 'the apology time and the promised date cannot be null' USING ERRCODE = '22004';
  END IF;
  IF NOT isfinite(promised_at) OR NOT isfinite(at) THEN
    RAISE EXCEPTION 'the apology time and the promised date must be finite' USING ERRCODE = '22023',
      COLUMN = 'promised_at', TABLE = 'apology', SCHEMA = 'tthc';
  END IF;
  PERFORM set_config('tthc.event_time', CASE WHEN apologize.at = now() THEN '' ELSE apologize.at::text END, true);
  UPDATE tthc.dossier x
     SET promised_at = apologize.promised_at,
         changed_at = CASE WHEN apologize.at = now() THEN x.changed_at ELSE apologize.at END,
         note = apologize.reason
   WHERE x.code = apologize.code
  RETURNING * INTO d;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  PERFORM set_config('tthc.event_time', '', true);
  -- written by the trigger with the apology event
  SELECT * INTO a FROM tthc.apology y WHERE y.dossier_id = d.id AND y.seq = d.apologies;
  RETURN a;
END $$;

CREATE OR REPLACE FUNCTION tthc.verify_log(code text DEFAULT NULL)
  RETURNS TABLE (code text, seq int, problem text)
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH e AS (
    SELECT d.code, x.seq, x.hash,
           lag(x.seq) OVER w AS prev_seq,
           tthc.event_hash(lag(x.hash) OVER w, x) AS expected
    FROM tthc.dossier d JOIN tthc.dossier_event x ON x.dossier_id = d.id
    WHERE verify_log.code IS NULL OR d.code = verify_log.code
    WINDOW w AS (PARTITION BY x.dossier_id ORDER BY x.seq)),
  links AS (
    SELECT e.code, e.seq,
           CASE WHEN e.seq <> coalesce(e.prev_seq, 0) + 1 THEN 'an event is missing before this one'
                WHEN e.hash IS DISTINCT FROM e.expected THEN 'the event was altered: its hash does not match'
           END AS problem
    FROM e),
  heads AS (
    SELECT d.code, d.event_seq AS seq,
           CASE WHEN l.seq IS NULL THEN 'the dossier has no events'
                WHEN l.seq IS DISTINCT FROM d.event_seq THEN 'the log ends at event ' || l.seq || ', not ' || d.event_seq
                WHEN l.hash IS DISTINCT FROM d.event_hash THEN 'the latest event does not match the dossier''s hash'
                WHEN l.state IS NULL THEN 'the latest event does not bind the dossier''s state'
                WHEN l.state IS DISTINCT FROM tthc.dossier_state(d) THEN 'the dossier row does not match its log: it was changed without an event'
           END AS problem
    FROM tthc.dossier d
    LEFT JOIN LATERAL (SELECT x.seq, x.hash, x.state FROM tthc.dossier_event x WHERE x.dossier_id = d.id
                       ORDER BY x.seq DESC LIMIT 1) l ON true
    WHERE verify_log.code IS NULL OR d.code = verify_log.code),
  orphans AS (
    SELECT '(dossier id ' || x.dossier_id || ')' AS code, min(x.seq) AS seq,
           'events of a dossier that does not exist' AS problem
    FROM tthc.dossier_event x
    WHERE verify_log.code IS NULL AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = x.dossier_id)
    GROUP BY x.dossier_id)
  SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
  FROM (SELECT * FROM links WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM heads WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM orphans) b
  ORDER BY b.code, b.seq
$$;
COMMENT ON FUNCTION tthc.verify_log(text) IS
  'The first problem of each dossier''s control slip (all dossiers, or one): a broken or missing link, a row that disagrees with its latest event or has no events, events of no dossier; no rows when every log is intact';

-- bind the state of every dossier written before this version: its latest
-- event takes the row's digest, and its hash and the chain head follow
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
ALTER TABLE tthc.dossier DISABLE TRIGGER dossier_guard;
UPDATE tthc.dossier_event x SET state = tthc.dossier_state(d)
  FROM tthc.dossier d WHERE d.id = x.dossier_id AND x.seq = d.event_seq;
UPDATE tthc.dossier_event x SET hash = tthc.event_hash(p.hash, x)
  FROM tthc.dossier d LEFT JOIN tthc.dossier_event p ON p.dossier_id = d.id AND p.seq = d.event_seq - 1
  WHERE d.id = x.dossier_id AND x.seq = d.event_seq;
UPDATE tthc.dossier d SET event_hash = x.hash
  FROM tthc.dossier_event x WHERE x.dossier_id = d.id AND x.seq = d.event_seq;
ALTER TABLE tthc.dossier ENABLE TRIGGER dossier_guard;
ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only;

-- ===================================================================
-- The sweep: for tthc_admin, unit by unit when one unit fails
-- ===================================================================
-- The notices (NOTIFY tthc_overdue, tthc_due_soon) are sent by the dossier
-- trigger with the flag, whatever write raised it; the sweep only offers
-- the candidates.

CREATE FUNCTION tthc.sweep_units(at timestamptz, horizon timestamptz, unit text,
                                 OUT overdue bigint, OUT due_soon bigint)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  WITH u AS (
    UPDATE tthc.dossier d SET changed_at = sweep_units.at
     WHERE d.overdue_since IS NULL AND d.status IN ('received', 'processing')
       AND d.due_at < sweep_units.at AND d.changed_at <= sweep_units.at
       AND (sweep_units.unit IS NULL OR d.handling_unit = sweep_units.unit)
    RETURNING d.overdue_since)
  SELECT count(*) FILTER (WHERE u.overdue_since IS NOT NULL) INTO overdue FROM u;
  WITH u AS (
    UPDATE tthc.dossier d SET changed_at = sweep_units.at
     WHERE d.due_soon_at IS NULL AND d.overdue_since IS NULL AND d.status IN ('received', 'processing')
       AND d.due_at <= sweep_units.horizon AND d.due_at >= sweep_units.at AND d.changed_at <= sweep_units.at
       AND (sweep_units.unit IS NULL OR d.handling_unit = sweep_units.unit)
    RETURNING d.due_soon_at)
  SELECT count(*) FILTER (WHERE u.due_soon_at IS NOT NULL) INTO due_soon FROM u;
END $$;
COMMENT ON FUNCTION tthc.sweep_units(timestamptz, timestamptz, text) IS
  'The work of tthc.sweep for every unit (unit NULL) or one';

CREATE OR REPLACE FUNCTION tthc.sweep(at timestamptz DEFAULT now())
  RETURNS TABLE (overdue bigint, due_soon bigint)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  started timestamptz := clock_timestamp();
  horizon timestamptz;
  u text;
  o bigint;
  s bigint;
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
  horizon := tthc.due_soon_horizon(sweep.at);
  BEGIN
    SELECT x.overdue, x.due_soon INTO overdue, due_soon FROM tthc.sweep_units(sweep.at, horizon, NULL) x;
  EXCEPTION WHEN OTHERS THEN
    -- one unit (a calendar with no working time, say) must not stop the others
    overdue := 0; due_soon := 0;
    FOR u IN SELECT DISTINCT d.handling_unit FROM tthc.dossier d
              WHERE d.overdue_since IS NULL AND d.status IN ('received', 'processing')
                AND d.due_at <= greatest(horizon, sweep.at) ORDER BY 1 LOOP
      BEGIN
        SELECT x.overdue, x.due_soon INTO o, s FROM tthc.sweep_units(sweep.at, horizon, u) x;
        overdue := overdue + o;
        due_soon := due_soon + s;
      EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'tthc.sweep left out unit %: %', u, SQLERRM
          USING ERRCODE = SQLSTATE, HINT = 'Fix the unit''s calendar; the other units were swept.';
      END;
    END LOOP;
  END;
  PERFORM tthc.report_compact();
  INSERT INTO tthc.sweep_state AS s (swept_to, started_at, finished_at, overdue, due_soon, runs)
  VALUES (sweep.at, started, clock_timestamp(), sweep.overdue, sweep.due_soon, 1)
  ON CONFLICT (id) DO UPDATE
    SET swept_to = excluded.swept_to, started_at = excluded.started_at,
        finished_at = excluded.finished_at, overdue = excluded.overdue,
        due_soon = excluded.due_soon, runs = s.runs + 1;
  RETURN NEXT;
END $$;
GRANT SELECT, INSERT, UPDATE ON tthc.sweep_state TO tthc_admin;

-- ===================================================================
-- Public tracking: exactly the last 4 characters of the ID
-- ===================================================================

CREATE OR REPLACE FUNCTION tthc.track(code text, id_suffix text)
  RETURNS TABLE (status tthc.dossier_status, received_at timestamptz, due_at timestamptz,
                 promised_at timestamptz, finished_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  started timestamptz := clock_timestamp();
  d record;
  ok boolean;
BEGIN
  -- a fixed length: a longer suffix would confirm digits one at a time
  IF id_suffix IS NULL OR length(id_suffix) <> 4 THEN
    RAISE EXCEPTION 'the ID suffix is the last 4 characters of the applicant''s ID'
      USING ERRCODE = '22023';
  END IF;
  -- the same work whether the code exists and whether the suffix matches,
  -- and then a wait to tthc.track_min_time: the caller's clock learns
  -- nothing, and guessing a suffix takes at least that long per guess
  SELECT x.status, x.received_at, x.due_at, x.promised_at, x.finished_at, coalesce(x.applicant_id, '') AS aid
    INTO d FROM tthc.dossier x WHERE x.code = track.code;
  ok := md5(right(coalesce(d.aid, ''), 4)) = md5(id_suffix) AND length(coalesce(d.aid, '')) >= 4;
  RETURN QUERY SELECT d.status, d.received_at, d.due_at, d.promised_at, d.finished_at WHERE ok;
  PERFORM tthc.track_wait(started);
END $$;
COMMENT ON FUNCTION tthc.track(text, text) IS
  'Status and appointment of a dossier for its applicant: exactly the last 4 characters of the applicant''s ID must match; nothing otherwise, in the same time (tthc.track_min_time)';

-- ===================================================================
-- Privileges: a small public API
-- ===================================================================
-- What anyone may call: the calendar arithmetic, the status helpers, the
-- dossier moves (row-level security decides on which dossiers), tracking,
-- masking and the caller's own scope.  Trigger functions and helpers of
-- tthc's own functions are not for calling: they no longer clutter an API
-- generated from the schema.

REVOKE EXECUTE ON FUNCTION
  tthc.calendar_check(), tthc.calendar_changed(), tthc.protect_shipped(), tthc.table_changed(),
  tthc.procedure_check(), tthc.dossier_guard(), tthc.dossier_numbered(), tthc.dossier_counted(),
  tthc.append_only(), tthc.unit_in_use(), tthc.procedure_in_use(),
  tthc.rating_counted(), tthc.rating_check(), tthc.hours_ok(tthc.time_multirange),
  tthc.due_soon_horizon(timestamptz), tthc.event_hash(bytea, tthc.dossier_event),
  tthc.dossier_state(tthc.dossier), tthc.lawful_due(tthc.dossier),
  tthc.report_scope(text, boolean), tthc.report_period(daterange),
  tthc.report_fold_sql(text, text, text), tthc.report_months(date, date),
  tthc.track_wait(timestamptz), tthc.check_units(text[]), tthc.restoring(regclass),
  tthc.sweep_units(timestamptz, timestamptz, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.event_hash(bytea, tthc.dossier_event), tthc.dossier_state(tthc.dossier),
  tthc.lawful_due(tthc.dossier) TO tthc_auditor, tthc_admin;
GRANT EXECUTE ON FUNCTION tthc.due_soon_horizon(timestamptz), tthc.sweep_units(timestamptz, timestamptz, text)
  TO tthc_admin;

-- a rating is dated when it is given: not ahead of the clock, and not in a
-- past month (whose satisfaction figures it would change) except as a
-- backfill by tthc_admin, as for events
CREATE OR REPLACE FUNCTION tthc.rating_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  st tthc.dossier_status;
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
  RETURN NEW;
END $$;
