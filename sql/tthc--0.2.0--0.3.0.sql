-- sql/tthc--0.2.0--0.3.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.3.0'" to load this file. \quit

-- ===================================================================
-- Catalogue tables: every backend recompiles what it cached from them
-- ===================================================================

CREATE TRIGGER table_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.unit
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();
ALTER TABLE tthc.unit ENABLE ALWAYS TRIGGER table_changed;
CREATE TRIGGER table_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.procedure
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();
ALTER TABLE tthc.procedure ENABLE ALWAYS TRIGGER table_changed;
CREATE TRIGGER table_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.procedure_step
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();
ALTER TABLE tthc.procedure_step ENABLE ALWAYS TRIGGER table_changed;

-- ===================================================================
-- Tables: dossiers and what belongs to them (all keyed by dossier id)
-- ===================================================================

CREATE TABLE tthc.dossier (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code              text NOT NULL CONSTRAINT dossier_code_format
                    CHECK (code ~ '^[A-Z0-9.]+-[0-9]{6}-[0-9]{4,5}$'),
  procedure_code    text NOT NULL,
  procedure_id      bigint,
  receiving_unit    text NOT NULL,
  handling_unit     text NOT NULL,
  channel           smallint NOT NULL DEFAULT 1 CONSTRAINT channel_known CHECK (channel IN (1, 2, 3)),
  applicant_name    text,
  applicant_id      text,
  applicant_phone   text,
  applicant_address text,
  submitted_at      timestamptz,
  received_at       timestamptz,
  status            tthc.dossier_status NOT NULL DEFAULT 'received',
  changed_at        timestamptz NOT NULL,
  due_at            timestamptz,
  promised_at       timestamptz,
  apologies         smallint NOT NULL DEFAULT 0,
  clock_started_at  timestamptz,
  paused_at         timestamptz,
  paused_work       interval NOT NULL DEFAULT '0',
  step              smallint,
  step_unit         text,
  step_started_at   timestamptz,
  step_due_at       timestamptz,
  step_paused_work  interval,
  finished_at       timestamptz,
  returned_at       timestamptz,
  result            text CONSTRAINT result_known CHECK (result IN ('early', 'on_time', 'late')),
  overdue_since     timestamptz,
  due_soon_at       timestamptz,
  regime            text CONSTRAINT regime_known CHECK (regime IN ('ND61_2018', 'ND118_2025')),
  note              text,
  event_seq         int NOT NULL DEFAULT 0,
  CONSTRAINT dossier_code_unique UNIQUE (code)
);
COMMENT ON TABLE tthc.dossier IS
  'Administrative-procedure dossiers (hồ sơ TTHC); every write is checked and completed by the dossier_guard trigger';
COMMENT ON COLUMN tthc.dossier.code IS
  'The dossier code {receiving unit}-{yyMMdd}-{NNNN}, generated when not given (gap-free per unit and local day)';
COMMENT ON COLUMN tthc.dossier.procedure_id IS 'The version of the procedure in force at reception (set by tthc)';
COMMENT ON COLUMN tthc.dossier.handling_unit IS 'The unit that decides; its calendar times the dossier (defaults to the receiving unit)';
COMMENT ON COLUMN tthc.dossier.channel IS '1 in person, 2 online, 3 public postal service';
COMMENT ON COLUMN tthc.dossier.changed_at IS
  'Time of the latest event; set it in an UPDATE to date the change, otherwise now() is used';
COMMENT ON COLUMN tthc.dossier.due_at IS
  'The legal deadline (set by tthc at reception; moved only by lawful pauses, restarts and tthc.recompute_deadlines)';
COMMENT ON COLUMN tthc.dossier.promised_at IS 'The new date proposed in an apology (see tthc.apologize); lateness is still judged on due_at';
COMMENT ON COLUMN tthc.dossier.clock_started_at IS 'Reception, or the latest restart after a supplement';
COMMENT ON COLUMN tthc.dossier.paused_at IS 'Set while the clock is stopped (awaiting a supplement or payment)';
COMMENT ON COLUMN tthc.dossier.paused_work IS 'Working time spent paused since clock_started_at; due_at moved forward by it';
COMMENT ON COLUMN tthc.dossier.step IS 'Current step of an inter-agency procedure; advance it by one to hand the dossier over';
COMMENT ON COLUMN tthc.dossier.finished_at IS 'When the dossier entered resolved';
COMMENT ON COLUMN tthc.dossier.result IS 'early | on_time | late against due_at, set at resolution';
COMMENT ON COLUMN tthc.dossier.overdue_since IS 'The deadline it passed while running, once noticed (by tthc.sweep or any later change)';
COMMENT ON COLUMN tthc.dossier.due_soon_at IS 'When the due-soon warning was raised';
COMMENT ON COLUMN tthc.dossier.regime IS 'ND61_2018 for dossiers received before 2025-07-01 (UTC+7), ND118_2025 after';
COMMENT ON COLUMN tthc.dossier.note IS 'Note of the latest change; it is copied to the event log';
COMMENT ON COLUMN tthc.dossier.event_seq IS 'Number of events logged for this dossier';

CREATE INDEX dossier_handling_unit_idx ON tthc.dossier (handling_unit, received_at);
-- what tthc.sweep reads: only running dossiers not yet flagged, by deadline
CREATE INDEX dossier_overdue_watch ON tthc.dossier (due_at)
  WHERE overdue_since IS NULL AND status IN ('received', 'processing');
CREATE INDEX dossier_due_soon_watch ON tthc.dossier (due_at)
  WHERE due_soon_at IS NULL AND overdue_since IS NULL AND status IN ('received', 'processing');

CREATE TABLE tthc.dossier_event (
  dossier_id  bigint NOT NULL,
  seq         int NOT NULL,
  at          timestamptz NOT NULL,
  kind        text NOT NULL,
  from_status tthc.dossier_status,
  to_status   tthc.dossier_status,
  unit        text,
  step        smallint,
  step_due_at timestamptz,
  step_result text,
  old_due_at  timestamptz,
  new_due_at  timestamptz,
  actor       text NOT NULL,
  note        text,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (dossier_id, seq)
);
COMMENT ON TABLE tthc.dossier_event IS
  'The process control slip: one row per change of a dossier, written by tthc only; append-only';
COMMENT ON COLUMN tthc.dossier_event.kind IS
  'status | pause | resume | restart | handover | deadline | apology | overdue | due_soon | edit';
COMMENT ON COLUMN tthc.dossier_event.unit IS 'The unit acting, or responsible for the step that ended';
COMMENT ON COLUMN tthc.dossier_event.step_result IS 'early | on_time | late of the step that ended with this event';
COMMENT ON COLUMN tthc.dossier_event.recorded_at IS 'Transaction time of the write (at is the lawful time of the event)';

CREATE TABLE tthc.apology (
  dossier_id  bigint NOT NULL,
  seq         smallint NOT NULL,
  issued_at   timestamptz NOT NULL,
  reason      text NOT NULL,
  due_at      timestamptz NOT NULL,
  promised_at timestamptz NOT NULL,
  issued_by   text NOT NULL DEFAULT current_user,
  PRIMARY KEY (dossier_id, seq)
);
COMMENT ON TABLE tthc.apology IS
  'Apologies and new dates (form 04), written by tthc.apologize';

CREATE TABLE tthc.dossier_counter (
  unit text NOT NULL,
  day  date NOT NULL,
  last int NOT NULL,
  PRIMARY KEY (unit, day)
);
COMMENT ON TABLE tthc.dossier_counter IS
  'Last dossier number given per receiving unit and local day; its row lock makes codes gap-free';

CREATE TABLE tthc.sweep_state (
  id          boolean PRIMARY KEY DEFAULT true CONSTRAINT one_row CHECK (id),
  swept_to    timestamptz NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  overdue     bigint NOT NULL,
  due_soon    bigint NOT NULL,
  runs        bigint NOT NULL
);
COMMENT ON TABLE tthc.sweep_state IS 'The latest run of tthc.sweep on this node';

SELECT pg_catalog.pg_extension_config_dump('tthc.dossier', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier_event', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.apology', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier_counter', '');

-- ===================================================================
-- Triggers
-- ===================================================================

CREATE FUNCTION tthc.dossier_guard() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_dossier_guard' LANGUAGE C;
COMMENT ON FUNCTION tthc.dossier_guard() IS
  'Checks every write of a dossier (status moves, times, computed columns), runs the clock and logs the event';
CREATE TRIGGER dossier_guard BEFORE INSERT OR UPDATE ON tthc.dossier
  FOR EACH ROW EXECUTE FUNCTION tthc.dossier_guard();

CREATE FUNCTION tthc.dossier_numbered() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_dossier_numbered' LANGUAGE C;
COMMENT ON FUNCTION tthc.dossier_numbered() IS
  'Writes the dossier numbers handed out by a statement back to tthc.dossier_counter';
CREATE TRIGGER dossier_numbered AFTER INSERT ON tthc.dossier
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.dossier_numbered();

CREATE FUNCTION tthc.append_only() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_append_only' LANGUAGE C;
COMMENT ON FUNCTION tthc.append_only() IS
  'Refuses writes to a log that only tthc appends to';
CREATE TRIGGER append_only BEFORE INSERT OR UPDATE OR DELETE ON tthc.dossier_event
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.dossier_event
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only_truncate;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON tthc.apology
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.apology
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

CREATE FUNCTION tthc.unit_in_use() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.code = OLD.code AND NEW.calendar = OLD.calendar THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d
             WHERE d.handling_unit = OLD.code OR d.receiving_unit = OLD.code) THEN
    RAISE EXCEPTION 'unit % has dossiers', OLD.code
      USING ERRCODE = '23503',
            DETAIL = 'Its code and calendar time those dossiers; they cannot change while dossiers refer to it.',
            HINT = 'Create a new unit instead.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION tthc.unit_in_use() IS 'A unit with dossiers keeps its code and calendar';
CREATE TRIGGER unit_in_use BEFORE UPDATE OR DELETE ON tthc.unit
  FOR EACH ROW EXECUTE FUNCTION tthc.unit_in_use();

CREATE FUNCTION tthc.procedure_in_use() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  pid bigint := (pg_catalog.to_jsonb(OLD) ->> CASE TG_TABLE_NAME WHEN 'procedure' THEN 'id' ELSE 'procedure_id' END)::bigint;
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'procedure'
     AND (NEW.time_limit::text, NEW.online_time_limit::text, NEW.same_day_cutoff, NEW.supplement_mode, NEW.valid_from)
         IS NOT DISTINCT FROM
         (OLD.time_limit::text, OLD.online_time_limit::text, OLD.same_day_cutoff, OLD.supplement_mode, OLD.valid_from) THEN
    RETURN NEW;   -- closing a version (valid_to) or renaming is fine
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.procedure_id = pid) THEN
    RAISE EXCEPTION 'procedure version % has dossiers', pid
      USING ERRCODE = '23503',
            DETAIL = 'Dossiers received under a version keep its limits.',
            HINT = 'Close the version (valid_to) and add a new one.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION tthc.procedure_in_use() IS 'A procedure version with dossiers keeps its limits and steps';
CREATE TRIGGER procedure_in_use BEFORE UPDATE OR DELETE ON tthc.procedure
  FOR EACH ROW EXECUTE FUNCTION tthc.procedure_in_use();
CREATE TRIGGER procedure_in_use BEFORE UPDATE OR DELETE ON tthc.procedure_step
  FOR EACH ROW EXECUTE FUNCTION tthc.procedure_in_use();
CREATE INDEX dossier_procedure_idx ON tthc.dossier (procedure_id);

-- ===================================================================
-- Functions
-- ===================================================================

CREATE FUNCTION tthc.transition(code text, to_status tthc.dossier_status,
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
  -- processing -> processing hands the dossier to its next step; any other
  -- same-status move must be allowed as such
  IF cur = to_status AND to_status <> 'processing' THEN
    PERFORM tthc.check_transition(cur, to_status);
  END IF;
  UPDATE tthc.dossier x
     SET status = transition.to_status,
         changed_at = transition.at,
         note = transition.note,
         step = CASE WHEN x.status = 'processing' AND transition.to_status = 'processing'
                     THEN coalesce(x.step, 0) + 1 ELSE x.step END
   WHERE x.code = transition.code
  RETURNING * INTO d;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  RETURN d;
END $$;
COMMENT ON FUNCTION tthc.transition(text, tthc.dossier_status, timestamptz, text) IS
  'Moves a dossier to a status at a time (processing to processing hands it to the next step)';

CREATE FUNCTION tthc.apologize(code text, reason text, promised_at timestamptz,
                               at timestamptz DEFAULT now())
  RETURNS tthc.apology
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  d tthc.dossier;
  a tthc.apology;
  old_due timestamptz;
BEGIN
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'an apology needs a reason' USING ERRCODE = '22023';
  END IF;
  IF at IS NULL OR promised_at IS NULL THEN
    RAISE EXCEPTION 'the apology time and the promised date cannot be null' USING ERRCODE = '22004';
  END IF;
  UPDATE tthc.dossier x
     SET promised_at = apologize.promised_at, changed_at = apologize.at, note = apologize.reason
   WHERE x.code = apologize.code
  RETURNING * INTO d;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
  VALUES (d.id, d.apologies, apologize.at, apologize.reason, d.due_at, apologize.promised_at)
  RETURNING * INTO a;
  RETURN a;
END $$;
COMMENT ON FUNCTION tthc.apologize(text, text, timestamptz, timestamptz) IS
  'Issues an apology with a new date (form 04): only while open, early enough (tthc.apology_min_notice) and at most tthc.apology_max times';

CREATE FUNCTION tthc.lawful_due(d tthc.dossier) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'tthc_lawful_due' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.lawful_due(tthc.dossier) IS
  'The deadline of a dossier recomputed on today''s calendars: the limit from clock_started_at, moved by paused_work';

CREATE FUNCTION tthc.due_soon_horizon(at timestamptz) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'tthc_due_soon_horizon' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.due_soon_horizon(timestamptz) IS
  'The latest deadline that is due soon at a time on any unit''s calendar (tthc.warn_before of working time ahead)';

CREATE FUNCTION tthc.recompute_deadlines(calendar text, since date, apply boolean DEFAULT false,
                                         at timestamptz DEFAULT now())
  RETURNS TABLE (code text, handling_unit text, status tthc.dossier_status,
                 old_due_at timestamptz, new_due_at timestamptz)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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
      FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit
      WHERE u.calendar IN (SELECT f.name FROM family f)
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
COMMENT ON FUNCTION tthc.recompute_deadlines(text, date, boolean, timestamptz) IS
  'After a calendar change: lists (apply = false) or moves, logging each (apply = true), the deadlines of open dossiers on that calendar and those inheriting from it';

CREATE FUNCTION tthc.sweep(at timestamptz DEFAULT now())
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
  INSERT INTO tthc.sweep_state AS s (swept_to, started_at, finished_at, overdue, due_soon, runs)
  VALUES (sweep.at, started, clock_timestamp(), sweep.overdue, sweep.due_soon, 1)
  ON CONFLICT (id) DO UPDATE
    SET swept_to = excluded.swept_to, started_at = excluded.started_at,
        finished_at = excluded.finished_at, overdue = excluded.overdue,
        due_soon = excluded.due_soon, runs = s.runs + 1;
  RETURN NEXT;
END $$;
COMMENT ON FUNCTION tthc.sweep(timestamptz) IS
  'Flags running dossiers past their deadline (once) and warns those due soon, logging events and sending NOTIFY tthc_overdue / tthc_due_soon';

-- ===================================================================
-- Privileges
-- ===================================================================

GRANT SELECT ON tthc.dossier, tthc.dossier_event, tthc.apology, tthc.sweep_state TO PUBLIC;
