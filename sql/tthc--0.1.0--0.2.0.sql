-- sql/tthc--0.1.0--0.2.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.2.0'" to load this file. \quit

-- ===================================================================
-- Dossier statuses and the allowed moves
-- ===================================================================

CREATE TYPE tthc.dossier_status AS ENUM (
  'submitted', 'received', 'refused', 'processing', 'awaiting_supplement',
  'awaiting_payment', 'withdrawn', 'stopped', 'resolved', 'returned');
COMMENT ON TYPE tthc.dossier_status IS
  'Dossier statuses, in the order of the national DVCQG codes 1-10';

CREATE FUNCTION tthc.dvc_code(status tthc.dossier_status) RETURNS int
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT CASE status
          WHEN 'submitted' THEN 1 WHEN 'received' THEN 2 WHEN 'refused' THEN 3
          WHEN 'processing' THEN 4 WHEN 'awaiting_supplement' THEN 5
          WHEN 'awaiting_payment' THEN 6 WHEN 'withdrawn' THEN 7 WHEN 'stopped' THEN 8
          WHEN 'resolved' THEN 9 WHEN 'returned' THEN 10 END $$;
COMMENT ON FUNCTION tthc.dvc_code(tthc.dossier_status) IS
  'The national (DVCQG) code of a status: 1 submitted ... 10 returned';

CREATE TABLE tthc.status_transition (
  from_status tthc.dossier_status NOT NULL,
  to_status   tthc.dossier_status NOT NULL,
  allowed     boolean NOT NULL DEFAULT true,
  note        text,
  shipped     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (from_status, to_status, shipped)
);
COMMENT ON TABLE tthc.status_transition IS
  'Allowed status moves, as data: a row of yours for a pair overrides the shipped one (allowed = false forbids it)';

INSERT INTO tthc.status_transition (from_status, to_status, note, shipped) VALUES
  ('submitted', 'received', 'accepted: the clock starts', true),
  ('submitted', 'refused', 'not accepted', true),
  ('received', 'processing', NULL, true),
  ('processing', 'processing', 'hand-over between steps or agencies', true),
  ('processing', 'awaiting_supplement', 'request to supplement (form 02)', true),
  ('awaiting_supplement', 'processing', 'complete dossier back', true),
  ('processing', 'awaiting_payment', 'financial obligations', true),
  ('awaiting_payment', 'processing', NULL, true),
  ('awaiting_payment', 'resolved', NULL, true),
  ('received', 'withdrawn', 'the applicant withdraws', true),
  ('processing', 'withdrawn', 'the applicant withdraws', true),
  ('awaiting_supplement', 'withdrawn', 'the applicant withdraws', true),
  ('awaiting_payment', 'withdrawn', 'the applicant withdraws', true),
  ('processing', 'stopped', 'stop notice', true),
  ('awaiting_supplement', 'stopped', 'stop notice', true),
  ('processing', 'resolved', 'completed: lateness is judged here', true),
  ('resolved', 'returned', 'result handed over', true);

CREATE FUNCTION tthc.table_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_table_changed' LANGUAGE C;
COMMENT ON FUNCTION tthc.table_changed() IS
  'Statement trigger: every session recompiles what it cached from this table at its next statement';

CREATE TRIGGER table_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.status_transition
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();
ALTER TABLE tthc.status_transition ENABLE ALWAYS TRIGGER table_changed;
CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.status_transition
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.status_transition
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('tthc.status_transition', 'WHERE NOT shipped');

CREATE FUNCTION tthc.transition_allowed(from_status tthc.dossier_status, to_status tthc.dossier_status)
  RETURNS boolean AS 'MODULE_PATHNAME', 'tthc_transition_allowed'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.transition_allowed(tthc.dossier_status, tthc.dossier_status) IS
  'Whether a dossier may move between two statuses';

CREATE FUNCTION tthc.check_transition(from_status tthc.dossier_status, to_status tthc.dossier_status)
  RETURNS void AS 'MODULE_PATHNAME', 'tthc_check_transition'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.check_transition(tthc.dossier_status, tthc.dossier_status) IS
  'Raises 55000, naming the allowed next statuses, unless the move is allowed';

CREATE FUNCTION tthc.allowed_targets(from_status tthc.dossier_status)
  RETURNS tthc.dossier_status[] AS 'MODULE_PATHNAME', 'tthc_allowed_targets'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.allowed_targets(tthc.dossier_status) IS
  'The statuses a dossier may move to from a status';

-- ===================================================================
-- Units and procedures (small catalogue tables, no dossier references)
-- ===================================================================

CREATE TABLE tthc.unit (
  code     text PRIMARY KEY CONSTRAINT unit_code_format CHECK (code ~ '^[A-Z0-9.]+$'),
  name     text NOT NULL,
  level    text NOT NULL CONSTRAINT unit_level_known
           CHECK (level IN ('province', 'commune', 'department', 'agency')),
  parent   text REFERENCES tthc.unit (code) ON UPDATE CASCADE,
  calendar text NOT NULL DEFAULT 'vn' REFERENCES tthc.calendar (name) ON UPDATE CASCADE
);
COMMENT ON TABLE tthc.unit IS
  'Receiving and handling units (provincial centre, commune centres, agencies), with their electronic code and calendar';
CREATE INDEX ON tthc.unit (parent);

CREATE TABLE tthc.procedure (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code              text NOT NULL
                    CONSTRAINT procedure_code_format CHECK (code ~ '^[0-9]\.[0-9]{6}(\.[0-9A-Z]+)*$'),
  name              text NOT NULL,
  field             text,
  time_limit        tthc.time_limit NOT NULL,
  online_time_limit tthc.time_limit,
  same_day_cutoff   time,
  supplement_mode   text NOT NULL DEFAULT 'restart'
                    CONSTRAINT supplement_mode_known CHECK (supplement_mode IN ('restart', 'pause')),
  boundary_free     boolean NOT NULL DEFAULT false,
  valid_from        date NOT NULL DEFAULT '1990-01-01',
  valid_to          date,
  CONSTRAINT validity_ordered CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
COMMENT ON TABLE tthc.procedure IS
  'Administrative procedures with their legal time limit, one row per version (valid_from..valid_to, inclusive)';
COMMENT ON COLUMN tthc.procedure.supplement_mode IS
  'restart: the full limit runs again from the complete dossier; pause: the clock stops while awaiting the supplement';
CREATE INDEX ON tthc.procedure (code, valid_from);

CREATE FUNCTION tthc.procedure_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- one version at a time per code; the lock makes concurrent inserts take turns
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('tthc.procedure:' || NEW.code));
  IF EXISTS (SELECT 1 FROM tthc.procedure p
             WHERE p.code = NEW.code AND p.id <> NEW.id
               AND daterange(p.valid_from, p.valid_to, '[]') && daterange(NEW.valid_from, NEW.valid_to, '[]')) THEN
    RAISE EXCEPTION 'procedure % already has a version valid between % and %',
                    NEW.code, NEW.valid_from, coalesce(NEW.valid_to::text, 'open end')
      USING ERRCODE = '23P01',
            HINT = 'Close the current version first: UPDATE tthc.procedure SET valid_to = ... WHERE code = ...';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION tthc.procedure_check() IS 'Versions of a procedure do not overlap';
CREATE TRIGGER procedure_check BEFORE INSERT OR UPDATE ON tthc.procedure
  FOR EACH ROW EXECUTE FUNCTION tthc.procedure_check();

CREATE TABLE tthc.procedure_step (
  procedure_id bigint NOT NULL REFERENCES tthc.procedure (id) ON DELETE CASCADE,
  step         int NOT NULL CONSTRAINT step_positive CHECK (step >= 1),
  unit         text REFERENCES tthc.unit (code) ON UPDATE CASCADE,
  role         text,
  allowance    tthc.time_limit NOT NULL,
  PRIMARY KEY (procedure_id, step),
  CONSTRAINT step_has_unit_or_role CHECK (unit IS NOT NULL OR role IS NOT NULL)
);
COMMENT ON TABLE tthc.procedure_step IS
  'Ordered steps of an inter-agency (liên thông) procedure, each with the unit or role responsible and its allowance';

SELECT pg_catalog.pg_extension_config_dump('tthc.unit', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.procedure', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.procedure_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.procedure_step', '');

GRANT SELECT ON tthc.status_transition, tthc.unit, tthc.procedure, tthc.procedure_step TO PUBLIC;
