-- sql/tthc--0.3.0--0.4.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.4.0'" to load this file. \quit

-- ===================================================================
-- The event log is tamper-evident: a hash chain per dossier
-- ===================================================================

ALTER TABLE tthc.dossier ADD COLUMN event_hash bytea;
COMMENT ON COLUMN tthc.dossier.event_hash IS 'Hash of the latest event: the head of the dossier''s hash chain';
ALTER TABLE tthc.dossier_event ADD COLUMN hash bytea;
COMMENT ON COLUMN tthc.dossier_event.hash IS
  'SHA-256 of the previous event''s hash and this event''s fields (see tthc.event_hash)';

CREATE FUNCTION tthc.event_hash(prev bytea, e tthc.dossier_event) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tthc_event_hash' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION tthc.event_hash(bytea, tthc.dossier_event) IS
  'The hash an event must carry after the previous event''s hash (NULL for the first event)';

-- seal the events written before this version, dossier by dossier, in order
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
ALTER TABLE tthc.dossier DISABLE TRIGGER dossier_guard;
DO $$
DECLARE
  r record;
  prev bytea;
  cur bigint := NULL;
BEGIN
  FOR r IN SELECT e.ctid AS tid, e.* FROM tthc.dossier_event e ORDER BY e.dossier_id, e.seq LOOP
    IF cur IS DISTINCT FROM r.dossier_id THEN
      IF cur IS NOT NULL THEN
        UPDATE tthc.dossier SET event_hash = prev WHERE id = cur;
      END IF;
      cur := r.dossier_id;
      prev := NULL;
    END IF;
    prev := tthc.event_hash(prev, ROW(r.dossier_id, r.seq, r.at, r.kind, r.from_status, r.to_status,
      r.unit, r.step, r.step_due_at, r.step_result, r.old_due_at, r.new_due_at, r.actor, r.note,
      r.recorded_at, NULL)::tthc.dossier_event);
    UPDATE tthc.dossier_event SET hash = prev WHERE ctid = r.tid;
  END LOOP;
  IF cur IS NOT NULL THEN
    UPDATE tthc.dossier SET event_hash = prev WHERE id = cur;
  END IF;
END $$;
ALTER TABLE tthc.dossier ENABLE TRIGGER dossier_guard;
ALTER TABLE tthc.dossier_event ENABLE TRIGGER append_only;

-- nobody edits the logs, superusers and replicas included (disabling the
-- triggers is still possible for a superuser; the chain then shows the edit)
ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only_truncate;

CREATE FUNCTION tthc.verify_log(code text DEFAULT NULL)
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
           CASE WHEN l.seq IS NULL AND d.event_seq > 0 THEN 'the dossier''s events are missing'
                WHEN l.seq IS DISTINCT FROM d.event_seq THEN 'the log ends at event ' || l.seq || ', not ' || d.event_seq
                WHEN l.hash IS DISTINCT FROM d.event_hash THEN 'the latest event does not match the dossier''s hash'
           END AS problem
    FROM tthc.dossier d
    LEFT JOIN LATERAL (SELECT x.seq, x.hash FROM tthc.dossier_event x WHERE x.dossier_id = d.id
                       ORDER BY x.seq DESC LIMIT 1) l ON true
    WHERE verify_log.code IS NULL OR d.code = verify_log.code)
  SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
  FROM (SELECT * FROM links WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM heads WHERE problem IS NOT NULL) b
  ORDER BY b.code, b.seq
$$;
COMMENT ON FUNCTION tthc.verify_log(text) IS
  'The first broken link of each dossier''s event chain (all dossiers, or one); no rows when every log is intact';

-- ===================================================================
-- Roles and row-level security
-- ===================================================================

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['tthc_admin', 'tthc_officer', 'tthc_auditor', 'tthc_reader'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
END $$;

CREATE TABLE tthc.officer_unit (
  role name NOT NULL,
  unit text NOT NULL REFERENCES tthc.unit (code),
  PRIMARY KEY (role, unit)
);
COMMENT ON TABLE tthc.officer_unit IS
  'Which units (and their child units) the members of a role may work on, as tthc_officer';
SELECT pg_catalog.pg_extension_config_dump('tthc.officer_unit', '');

CREATE FUNCTION tthc.my_units() RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE mine(code) AS (
    SELECT o.unit FROM tthc.officer_unit o
    WHERE pg_catalog.pg_has_role(session_user, o.role, 'MEMBER')
       OR pg_catalog.pg_has_role(current_user, o.role, 'MEMBER')
    UNION
    SELECT u.code FROM tthc.unit u JOIN mine m ON u.parent = m.code)
  SELECT coalesce(array_agg(code), '{}') FROM mine
$$;
COMMENT ON FUNCTION tthc.my_units() IS
  'The units the current user works on: those of its roles in tthc.officer_unit and their children';

ALTER TABLE tthc.dossier ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON tthc.dossier TO tthc_admin USING (true) WITH CHECK (true);
CREATE POLICY auditor_read ON tthc.dossier FOR SELECT TO tthc_auditor USING (true);
CREATE POLICY officer_units ON tthc.dossier TO tthc_officer
  USING (handling_unit = ANY (tthc.my_units()) OR receiving_unit = ANY (tthc.my_units()))
  WITH CHECK (handling_unit = ANY (tthc.my_units()) OR receiving_unit = ANY (tthc.my_units()));

ALTER TABLE tthc.dossier_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON tthc.dossier_event FOR SELECT TO tthc_admin USING (true);
CREATE POLICY auditor_read ON tthc.dossier_event FOR SELECT TO tthc_auditor USING (true);
CREATE POLICY officer_units ON tthc.dossier_event FOR SELECT TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id));
ALTER TABLE tthc.apology ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON tthc.apology TO tthc_admin USING (true) WITH CHECK (true);
CREATE POLICY auditor_read ON tthc.apology FOR SELECT TO tthc_auditor USING (true);
CREATE POLICY officer_units ON tthc.apology TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id))
  WITH CHECK (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = dossier_id));

-- ===================================================================
-- Views: masked personal data, and the SLA of every dossier
-- ===================================================================

CREATE FUNCTION tthc.mask(value text, keep int DEFAULT 3) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN value IS NULL THEN NULL
              WHEN length(value) <= keep THEN repeat('*', length(value))
              ELSE repeat('*', length(value) - keep) || right(value, keep) END
$$;
COMMENT ON FUNCTION tthc.mask(text, int) IS 'A value with all but its last `keep` characters replaced by *';

CREATE VIEW tthc.dossier_masked WITH (security_barrier) AS
SELECT d.id, d.code, d.procedure_code, d.procedure_id, d.receiving_unit, d.handling_unit, d.channel,
       d.applicant_name, tthc.mask(d.applicant_id) AS applicant_id, tthc.mask(d.applicant_phone) AS applicant_phone,
       d.submitted_at, d.received_at, d.status, d.changed_at, d.due_at, d.promised_at, d.apologies,
       d.clock_started_at, d.paused_at, d.paused_work, d.step, d.step_unit, d.step_started_at, d.step_due_at,
       d.finished_at, d.returned_at, d.result, d.overdue_since, d.due_soon_at, d.regime
FROM tthc.dossier d;
COMMENT ON VIEW tthc.dossier_masked IS
  'Dossiers with the applicant''s ID number and phone reduced to their last 3 characters (for tthc_reader)';

CREATE FUNCTION tthc.warn_before_work(calendar text) RETURNS interval
  AS 'MODULE_PATHNAME', 'tthc_warn_before_work' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.warn_before_work(text) IS 'tthc.warn_before as working time on a calendar';

CREATE VIEW tthc.dossier_sla AS
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
  WHERE d.clock_started_at IS NOT NULL) s;
COMMENT ON VIEW tthc.dossier_sla IS
  'Every received dossier with its elapsed and remaining working time, the share of its limit used, and its band';

-- ===================================================================
-- Public tracking for portals
-- ===================================================================

CREATE FUNCTION tthc.track(code text, id_suffix text)
  RETURNS TABLE (status tthc.dossier_status, received_at timestamptz, due_at timestamptz,
                 promised_at timestamptz, finished_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  d record;
  ok boolean;
BEGIN
  -- the same work whether the code exists and whether the suffix matches
  SELECT x.status, x.received_at, x.due_at, x.promised_at, x.finished_at, coalesce(x.applicant_id, '') AS aid
    INTO d FROM tthc.dossier x WHERE x.code = track.code;
  ok := length(coalesce(id_suffix, '')) >= 4
        AND md5(right(coalesce(d.aid, ''), length(id_suffix))) = md5(id_suffix)
        AND d.aid <> '';
  IF ok THEN
    RETURN QUERY SELECT d.status, d.received_at, d.due_at, d.promised_at, d.finished_at;
  END IF;
END $$;
COMMENT ON FUNCTION tthc.track(text, text) IS
  'Status and appointment of a dossier for its applicant: the last 4 or more characters of the applicant''s ID must match; nothing otherwise';

-- ===================================================================
-- Privileges
-- ===================================================================

REVOKE SELECT ON tthc.dossier, tthc.dossier_event, tthc.apology FROM PUBLIC;
GRANT USAGE ON SCHEMA tthc TO tthc_admin, tthc_officer, tthc_auditor, tthc_reader;
GRANT tthc_officer TO tthc_admin;
GRANT SELECT, INSERT, UPDATE ON tthc.calendar, tthc.calendar_week, tthc.calendar_exception, tthc.calendar_year,
  tthc.status_transition, tthc.unit, tthc.procedure, tthc.procedure_step, tthc.officer_unit TO tthc_admin;
GRANT DELETE ON tthc.calendar, tthc.calendar_week, tthc.calendar_exception, tthc.calendar_year,
  tthc.status_transition, tthc.unit, tthc.procedure, tthc.procedure_step, tthc.officer_unit TO tthc_admin;
GRANT USAGE ON SEQUENCE tthc.procedure_id_seq TO tthc_admin;
GRANT SELECT, INSERT, UPDATE ON tthc.dossier TO tthc_officer;
GRANT SELECT ON tthc.dossier_event TO tthc_officer;
GRANT SELECT, INSERT ON tthc.apology TO tthc_officer;
GRANT SELECT ON tthc.dossier, tthc.dossier_event, tthc.apology, tthc.dossier_counter, tthc.officer_unit TO tthc_auditor;
GRANT SELECT ON tthc.dossier_masked, tthc.dossier_sla TO tthc_reader, tthc_auditor, tthc_admin;
GRANT EXECUTE ON FUNCTION tthc.sweep(timestamptz), tthc.recompute_deadlines(text, date, boolean, timestamptz) TO tthc_admin;
REVOKE EXECUTE ON FUNCTION tthc.sweep(timestamptz), tthc.recompute_deadlines(text, date, boolean, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.verify_log(text) TO tthc_auditor;
REVOKE EXECUTE ON FUNCTION tthc.verify_log(text) FROM PUBLIC;

-- ===================================================================
-- tthc.transition and tthc.apologize keep their time even when it equals
-- the latest event's (passed to the trigger as tthc.event_time)
-- ===================================================================

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
  PERFORM set_config('tthc.event_time', transition.at::text, true);
  UPDATE tthc.dossier x
     SET status = transition.to_status,
         changed_at = transition.at,
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
  PERFORM set_config('tthc.event_time', apologize.at::text, true);
  UPDATE tthc.dossier x
     SET promised_at = apologize.promised_at, changed_at = apologize.at, note = apologize.reason
   WHERE x.code = apologize.code
  RETURNING * INTO d;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  PERFORM set_config('tthc.event_time', '', true);
  INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
  VALUES (d.id, d.apologies, apologize.at, apologize.reason, d.due_at, apologize.promised_at)
  RETURNING * INTO a;
  RETURN a;
END $$;
