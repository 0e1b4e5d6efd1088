-- sql/tthc--0.7.0--0.8.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.8.0'" to load this file. \quit

-- ===================================================================
-- A country: province nodes published to a national hub (issue 12)
-- ===================================================================
-- Every node's identities start at 1, so two provinces' dossiers, events
-- and procedures share ids.  The hub keeps them apart by the province in
-- every key: each replicated table gains a column `province`, NULL on a
-- province's own node (its rows are its own) and filled on the hub, as a
-- row arrives, with the province whose subscription applies it.  Nothing
-- a province wrote is renumbered or rewritten: the column is added empty,
-- which costs no rewrite of the 100 M-row tables, and the keys of the hub
-- (id, province) are built there, on an empty node, by tthc.attach_province.

ALTER TABLE tthc.dossier ADD COLUMN province text;
ALTER TABLE tthc.dossier_event ADD COLUMN province text,
  ADD COLUMN mirrored_at timestamptz;
ALTER TABLE tthc.apology ADD COLUMN province text;
ALTER TABLE tthc.rating ADD COLUMN province text;
ALTER TABLE tthc.unit ADD COLUMN province text;
ALTER TABLE tthc.calendar ADD COLUMN province text;
ALTER TABLE tthc.calendar_exception ADD COLUMN province text;
ALTER TABLE tthc.calendar_week ADD COLUMN province text;
ALTER TABLE tthc.calendar_year ADD COLUMN province text;
ALTER TABLE tthc.procedure ADD COLUMN province text;
ALTER TABLE tthc.procedure_step ADD COLUMN province text;
-- On a province's node the column stays NULL: nobody writes it there (the
-- hub's first attach drops these checks).  Every row is NULL now, so the
-- checks need not scan the large tables.
ALTER TABLE tthc.dossier ADD CONSTRAINT dossier_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.dossier_event ADD CONSTRAINT dossier_event_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.apology ADD CONSTRAINT apology_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.rating ADD CONSTRAINT rating_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.unit ADD CONSTRAINT unit_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.calendar ADD CONSTRAINT calendar_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.calendar_exception ADD CONSTRAINT calendar_exception_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.calendar_week ADD CONSTRAINT calendar_week_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.calendar_year ADD CONSTRAINT calendar_year_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.procedure ADD CONSTRAINT procedure_province_local CHECK (province IS NULL) NOT VALID;
ALTER TABLE tthc.procedure_step ADD CONSTRAINT procedure_step_province_local CHECK (province IS NULL) NOT VALID;
COMMENT ON COLUMN tthc.dossier.province IS 'On the national hub: the province the row is mirrored from (its root unit); NULL on a province''s own node';
COMMENT ON COLUMN tthc.dossier_event.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';
COMMENT ON COLUMN tthc.dossier_event.mirrored_at IS 'On the national hub: when the event arrived (mirrored_at - recorded_at is its replication lag); NULL on a province''s own node';
COMMENT ON COLUMN tthc.apology.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';
COMMENT ON COLUMN tthc.rating.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';
COMMENT ON COLUMN tthc.unit.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';
COMMENT ON COLUMN tthc.calendar.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';
COMMENT ON COLUMN tthc.calendar_exception.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';
COMMENT ON COLUMN tthc.calendar_week.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';
COMMENT ON COLUMN tthc.calendar_year.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';
COMMENT ON COLUMN tthc.procedure.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';
COMMENT ON COLUMN tthc.procedure_step.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

-- How the hub finds a replicated row again when a province updates or
-- deletes it (its replica identity).  The dossier code is unique in the
-- country by construction ({receiving unit}-{day}-{counter}), unit codes
-- are the national electronic codes, and report sums are keyed by unit.
-- Calendars, procedures and report deltas have no national key: they get
-- a random uuid, `gid`, assigned where the row is written.  The catalogue
-- tables are small (the rewrite is cheap); report_delta holds only what
-- the sweep has not folded yet.
ALTER TABLE tthc.dossier REPLICA IDENTITY USING INDEX dossier_code_unique;

ALTER TABLE tthc.calendar ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE tthc.calendar_exception ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE tthc.calendar_week ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE tthc.calendar_year ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE tthc.procedure ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE tthc.procedure_step ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE tthc.report_delta ADD COLUMN gid uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
-- the calendar tables' identities carry `shipped`: the publication leaves
-- shipped rows out (every node has them from CREATE EXTENSION), and a row
-- filter may only name identity columns
ALTER TABLE tthc.calendar ADD CONSTRAINT calendar_gid UNIQUE (gid, shipped);
ALTER TABLE tthc.calendar_exception ADD CONSTRAINT calendar_exception_gid UNIQUE (gid, shipped);
ALTER TABLE tthc.calendar_week ADD CONSTRAINT calendar_week_gid UNIQUE (gid, shipped);
ALTER TABLE tthc.calendar_year ADD CONSTRAINT calendar_year_gid UNIQUE (gid, shipped);
ALTER TABLE tthc.procedure ADD CONSTRAINT procedure_gid UNIQUE (gid);
ALTER TABLE tthc.procedure_step ADD CONSTRAINT procedure_step_gid UNIQUE (gid);
ALTER TABLE tthc.report_delta ADD CONSTRAINT report_delta_gid UNIQUE (gid);
ALTER TABLE tthc.calendar REPLICA IDENTITY USING INDEX calendar_gid;
ALTER TABLE tthc.calendar_exception REPLICA IDENTITY USING INDEX calendar_exception_gid;
ALTER TABLE tthc.calendar_week REPLICA IDENTITY USING INDEX calendar_week_gid;
ALTER TABLE tthc.calendar_year REPLICA IDENTITY USING INDEX calendar_year_gid;
ALTER TABLE tthc.procedure REPLICA IDENTITY USING INDEX procedure_gid;
ALTER TABLE tthc.procedure_step REPLICA IDENTITY USING INDEX procedure_step_gid;
ALTER TABLE tthc.report_delta REPLICA IDENTITY USING INDEX report_delta_gid;
COMMENT ON COLUMN tthc.calendar.gid IS 'The row''s identity in the country (how the national hub finds it again)';
COMMENT ON COLUMN tthc.calendar_exception.gid IS 'The row''s identity in the country (how the national hub finds it again)';
COMMENT ON COLUMN tthc.calendar_week.gid IS 'The row''s identity in the country (how the national hub finds it again)';
COMMENT ON COLUMN tthc.calendar_year.gid IS 'The row''s identity in the country (how the national hub finds it again)';
COMMENT ON COLUMN tthc.procedure.gid IS 'The row''s identity in the country (how the national hub finds it again)';
COMMENT ON COLUMN tthc.procedure_step.gid IS 'The row''s identity in the country (how the national hub finds it again)';
COMMENT ON COLUMN tthc.report_delta.gid IS 'The row''s identity in the country (how the national hub finds it again when the sweep folds it)';

-- The event log stays append-only on every node even when a session
-- plays replication's part (SET session_replication_role = replica turns
-- ordinary triggers off): its guards fire always.  A replication worker
-- may insert (the hub's copy of a province's log); nobody may change or
-- delete.
ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only_truncate;
ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only_truncate;
ALTER TABLE tthc.rating ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.rating ENABLE ALWAYS TRIGGER append_only_truncate;
ALTER TABLE tthc.dossier ENABLE ALWAYS TRIGGER dossier_kept;

-- An officer reads the events, apologies and ratings of the dossiers it
-- reads: on the hub ids repeat across provinces, so the province too.
ALTER POLICY officer_units ON tthc.dossier_event USING (EXISTS (SELECT 1 FROM tthc.dossier d
  WHERE d.id = dossier_event.dossier_id AND d.province IS NOT DISTINCT FROM dossier_event.province));
ALTER POLICY officer_units ON tthc.apology USING (EXISTS (SELECT 1 FROM tthc.dossier d
  WHERE d.id = apology.dossier_id AND d.province IS NOT DISTINCT FROM apology.province));
ALTER POLICY officer_read ON tthc.rating USING (EXISTS (SELECT 1 FROM tthc.dossier d
  WHERE d.id = rating.dossier_id AND d.province IS NOT DISTINCT FROM rating.province));
ALTER POLICY officer_record ON tthc.rating WITH CHECK (EXISTS (SELECT 1 FROM tthc.dossier d
  WHERE d.id = rating.dossier_id AND d.province IS NOT DISTINCT FROM rating.province));

-- ===================================================================
-- The hub's side
-- ===================================================================
CREATE TABLE tthc.province (
    code text PRIMARY KEY,
    subscription name NOT NULL UNIQUE,
    slot name NOT NULL,
    attached_at timestamptz NOT NULL DEFAULT now(),
    tthc_version text NOT NULL
);
COMMENT ON TABLE tthc.province IS 'On the national hub: the provinces it mirrors (written by tthc.attach_province and tthc.detach_province)';

CREATE FUNCTION tthc.mirror_province() RETURNS text
  AS 'MODULE_PATHNAME', 'tthc_mirror_province' LANGUAGE C STABLE PARALLEL RESTRICTED;
-- (PUBLIC: it is the default of the province columns on the hub, evaluated
-- before the hub's guard can refuse a client's INSERT with its own error)
COMMENT ON FUNCTION tthc.mirror_province() IS
  'In a replication worker of the national hub, the province whose subscription it applies; NULL elsewhere (the default of the province columns on the hub)';

CREATE FUNCTION tthc.hub_mirror() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_hub_mirror' LANGUAGE C;
REVOKE ALL ON FUNCTION tthc.hub_mirror() FROM PUBLIC;
COMMENT ON FUNCTION tthc.hub_mirror() IS
  'On the national hub: refuses local writes of mirrored rows, and a province''s change of a row of another province or of its log';

CREATE FUNCTION tthc.is_hub() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                        WHERE tgrelid = 'tthc.dossier'::pg_catalog.regclass AND tgname = 'a_hub_mirror') $$;
COMMENT ON FUNCTION tthc.is_hub() IS 'Whether this node is a national hub (tthc.attach_province made it one)';

CREATE FUNCTION tthc.attach_province(conninfo text) RETURNS text
  AS 'MODULE_PATHNAME', 'tthc_attach_province' LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION tthc.attach_province(text) FROM PUBLIC;
COMMENT ON FUNCTION tthc.attach_province(text) IS
  'On the national hub: mirrors the province at conninfo (its publication, a slot created through libpq, a subscription); idempotent; returns its root unit code';

CREATE FUNCTION tthc.detach_province(code text) RETURNS void
  AS 'MODULE_PATHNAME', 'tthc_detach_province' LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION tthc.detach_province(text) FROM PUBLIC;
COMMENT ON FUNCTION tthc.detach_province(text) IS
  'On the national hub: stops mirroring a province, removes its rows from the hub and drops its slot on the province after commit';

-- hub_init: what makes an empty node a hub, run by the first
-- tthc.attach_province.  The keys gain the province; the names of
-- calendars and the ids of procedures are no longer unique on their own,
-- so the foreign keys on them go (each province checked them when it
-- wrote the row, and replication does not check them again anyway); the
-- province columns fill themselves from the applying subscription; every
-- mirrored table refuses local writes; and the catalogue caches follow
-- replicated changes (replication fires row triggers only).
CREATE FUNCTION tthc.hub_init() RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  SET client_min_messages = warning
  AS $$
DECLARE
  -- the mirrored tables with a province column; the sums have none (keyed by unit)
  keyed text[] := ARRAY['dossier', 'dossier_event', 'apology', 'rating', 'unit', 'calendar',
                        'calendar_exception', 'calendar_week', 'calendar_year', 'procedure', 'procedure_step'];
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
END $$;
REVOKE ALL ON FUNCTION tthc.hub_init() FROM PUBLIC;
COMMENT ON FUNCTION tthc.hub_init() IS 'Turns an empty node into a national hub (called by the first tthc.attach_province)';

-- create_publication: on a province node, the two publications the hub
-- subscribes to.  `tthc` carries the catalogue, the dossiers and the
-- report sums (inserts, updates, deletes: a sum folded by the sweep leaves
-- report_delta on the hub too); `tthc_log` carries the event log, the
-- apologies and the ratings, inserts only, so that no change or removal of
-- a province's log ever reaches the hub's copy, whoever makes it.  The
-- province columns stay home (the hub fills its own); shipped calendar rows
-- stay home (every node has them).
CREATE FUNCTION tthc.create_publication() RETURNS text
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
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
                           'procedure', 'procedure_step', 'dossier', 'report_delta', 'report_day', 'report_month',
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
END $$;
REVOKE ALL ON FUNCTION tthc.create_publication() FROM PUBLIC;
COMMENT ON FUNCTION tthc.create_publication() IS
  'On a province node (operator-run, idempotent): publishes what the national hub mirrors, as publications tthc and tthc_log; returns tthc';

CREATE VIEW tthc.province_status AS
  SELECT p.code AS province, p.subscription, s.subenabled AS enabled,
         st.pid IS NOT NULL AS streaming,
         (SELECT count(*) FROM pg_catalog.pg_subscription_rel r
           WHERE r.srsubid = s.oid AND r.srsubstate <> 'r') AS tables_syncing,
         st.last_msg_receipt_time AS last_received,
         pg_catalog.now() - st.last_msg_receipt_time AS silent_for,
         e.recorded_at AS last_event_at,
         e.mirrored_at - e.recorded_at AS lag,
         st.latest_end_lsn AS confirmed_lsn,
         coalesce(ss.apply_error_count, 0) AS apply_errors,
         coalesce(ss.sync_error_count, 0) AS sync_errors,
         p.attached_at, p.tthc_version
  FROM tthc.province p
  LEFT JOIN pg_catalog.pg_subscription s ON s.subname = p.subscription
  LEFT JOIN pg_catalog.pg_stat_subscription_stats ss ON ss.subid = s.oid
  LEFT JOIN pg_catalog.pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL
  LEFT JOIN LATERAL (SELECT x.recorded_at, x.mirrored_at FROM tthc.dossier_event x
                     WHERE x.province = p.code ORDER BY x.mirrored_at DESC LIMIT 1) e ON true;
COMMENT ON VIEW tthc.province_status IS
  'On the national hub, per province: its subscription, whether it streams, tables still copying, the last message received and how long ago, the lag of the latest event to arrive (mirrored_at - recorded_at), and the errors its apply and copy workers met since the statistics were reset';
GRANT SELECT ON tthc.province_status TO tthc_reader, tthc_auditor, tthc_admin;

CREATE FUNCTION tthc.national_report(period daterange)
  RETURNS TABLE(level text, unit text, carried_over bigint, received bigint, received_in_person bigint,
                received_online bigint, received_postal bigint, resolved bigint, resolved_early bigint,
                resolved_on_time bigint, resolved_late bigint, in_progress bigint, in_progress_in_time bigint,
                in_progress_overdue bigint, awaiting_supplement bigint, supplement_requests bigint,
                withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  -- the caller, not the owner: a national reader reads every province
  PERFORM tthc.check_units(ARRAY(SELECT u.code FROM tthc.unit u WHERE u.parent IS NULL));
  -- tthc.report's sums, read once for the whole country and grouped by
  -- province (the root above each unit): the same rows as each province's
  -- tthc.report total, without its rows per unit and field.  The day rows
  -- of the period's partial months come by their day index.
  RETURN QUERY
  WITH RECURSIVE tree(code, root) AS (
    SELECT u.code, u.code FROM tthc.unit u WHERE u.parent IS NULL
    UNION ALL
    SELECT u.code, t.root FROM tthc.unit u JOIN tree t ON u.parent = t.code),
  p AS (
    SELECT r.lo, r.hi, m.lo_month, m.whole_from, m.whole_to
    FROM tthc.report_period(national_report.period) r, tthc.report_months(r.lo, r.hi) m),
  a AS (
    SELECT r.unit, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_day r, p WHERE r.day >= p.lo_month AND r.day < least(p.whole_from, p.hi)
    UNION ALL
    SELECT r.unit, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_day r, p WHERE r.day >= greatest(p.whole_to, p.whole_from) AND r.day < p.hi
    UNION ALL
    SELECT r.unit, r.month, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_month r, p WHERE r.month < p.lo_month OR r.month >= p.whole_from AND r.month < p.whole_to
    UNION ALL
    SELECT r.unit, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_delta r, p WHERE r.day < p.hi),
  s AS (
    SELECT grouping(t.root) AS g, t.root,
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
    FROM tree t LEFT JOIN a ON a.unit = t.code CROSS JOIN p
    GROUP BY GROUPING SETS ((t.root), ()))
  SELECT CASE WHEN s.g = 0 THEN 'province' ELSE 'total' END, s.root, s.carried_over::bigint,
         (s.in_person + s.online + s.postal)::bigint, s.in_person::bigint, s.online::bigint, s.postal::bigint,
         (s.early + s.on_time + s.late)::bigint, s.early::bigint, s.on_time::bigint, s.late::bigint,
         s.open_end::bigint, (s.open_end - s.overdue_end)::bigint, s.overdue_end::bigint,
         s.supp_end::bigint, s.supp_req::bigint, s.withdrawn::bigint, s.refused::bigint, s.stopped::bigint,
         round((s.early + s.on_time) / nullif(s.early + s.on_time + s.late, 0), 4),
         CASE WHEN s.early + s.on_time + s.late > 0
              THEN s.work / (s.early + s.on_time + s.late)::float8 END
  FROM s
  ORDER BY s.g, s.root;
END $$;
REVOKE ALL ON FUNCTION tthc.national_report(daterange) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.national_report(daterange) TO tthc_reader, tthc_auditor, tthc_admin;
COMMENT ON FUNCTION tthc.national_report(daterange) IS
  'One row per province (level province, unit its root code) with its tthc.report totals, and their sum (level total)';

-- the hub does not sweep: its flags come from the provinces' sweeps
CREATE OR REPLACE FUNCTION tthc.sweep(at timestamp with time zone DEFAULT now()) RETURNS TABLE(overdue bigint, due_soon bigint)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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
  -- a national hub mirrors the provinces' flags and sums; it sweeps nothing
  IF tthc.is_hub() THEN
    overdue := 0; due_soon := 0;
    RETURN NEXT;
    RETURN;
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

-- the report sums read report_delta by column (it now has its gid), and the
-- day rows of the partial months by two ranges
CREATE OR REPLACE FUNCTION tthc.report(unit text, period daterange, include_children boolean DEFAULT true) RETURNS TABLE(level text, unit text, field text, carried_over bigint, received bigint, received_in_person bigint, received_online bigint, received_postal bigint, resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint, in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint, awaiting_supplement bigint, supplement_requests bigint, withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
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
    SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied
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
$_$;

CREATE OR REPLACE FUNCTION tthc.indicators_766(unit text, period daterange) RETURNS TABLE(grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text)
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

-- on the hub a unit's calendar is its province's (a name qualified as PROVINCE/name)
CREATE OR REPLACE VIEW tthc.dossier_sla WITH (security_barrier='true') AS
 SELECT s.id,
    s.code,
    s.procedure_code,
    s.receiving_unit,
    s.handling_unit,
    s.channel,
    s.status,
    s.received_at,
    s.clock_started_at,
    s.due_at,
    s.promised_at,
    s.finished_at,
    s.result,
    s.overdue_since,
    s.calendar,
    s.elapsed_work,
    s.remaining_work,
        CASE
            WHEN ((s.elapsed_work + s.remaining_work) > '00:00:00'::interval) THEN round((EXTRACT(epoch FROM s.elapsed_work) / EXTRACT(epoch FROM (s.elapsed_work + s.remaining_work))), 3)
            ELSE NULL::numeric
        END AS share_used,
        CASE
            WHEN (s.status = ANY (ARRAY['resolved'::tthc.dossier_status, 'returned'::tthc.dossier_status])) THEN ('done_'::text || s.result)
            WHEN (s.status = ANY (ARRAY['awaiting_supplement'::tthc.dossier_status, 'awaiting_payment'::tthc.dossier_status])) THEN 'paused'::text
            WHEN ((s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) AND (s.remaining_work < '00:00:00'::interval)) THEN 'overdue'::text
            WHEN ((s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) AND (s.due_at < now())) THEN 'overdue'::text
            WHEN ((s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) AND (s.remaining_work <= tthc.warn_before_work(s.calendar))) THEN 'due_soon'::text
            WHEN (s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) THEN 'in_time'::text
            ELSE NULL::text
        END AS band
   FROM ( SELECT d.id,
            d.code,
            d.procedure_code,
            d.receiving_unit,
            d.handling_unit,
            d.channel,
            d.status,
            d.received_at,
            d.clock_started_at,
            d.due_at,
            d.promised_at,
            d.finished_at,
            d.result,
            d.overdue_since,
            (COALESCE(u.province || '/'::text, ''::text) || u.calendar) AS calendar,
            GREATEST(((tthc.working_time_between(d.clock_started_at, r.at, (COALESCE(u.province || '/'::text, ''::text) || u.calendar)) - d.paused_work) - COALESCE(tthc.working_time_between(d.paused_at, r.at, (COALESCE(u.province || '/'::text, ''::text) || u.calendar)), '00:00:00'::interval)), '00:00:00'::interval) AS elapsed_work,
            tthc.working_time_between(r.at, d.due_at, (COALESCE(u.province || '/'::text, ''::text) || u.calendar)) AS remaining_work
           FROM ((tthc.dossier d
             JOIN tthc.unit u ON ((u.code = d.handling_unit)))
             CROSS JOIN LATERAL ( SELECT LEAST(COALESCE(d.finished_at, now()), now()) AS at) r)
          WHERE ((d.clock_started_at IS NOT NULL) AND (( SELECT tthc.sees_all() AS sees_all) OR (d.handling_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (d.receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[]))))) s;

-- on the hub the chains are the province's: the keys include the province
CREATE OR REPLACE FUNCTION tthc.verify_log(code text DEFAULT NULL::text) RETURNS TABLE(code text, seq integer, problem text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  WITH e AS (
    SELECT d.code, x.seq, x.hash,
           lag(x.seq) OVER w AS prev_seq,
           tthc.event_hash(lag(x.hash) OVER w, x) AS expected
    FROM tthc.dossier d JOIN tthc.dossier_event x
      ON x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
    WHERE verify_log.code IS NULL OR d.code = verify_log.code
    WINDOW w AS (PARTITION BY x.dossier_id, x.province ORDER BY x.seq)),
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
    LEFT JOIN LATERAL (SELECT x.seq, x.hash, x.state FROM tthc.dossier_event x WHERE x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
                       ORDER BY x.seq DESC LIMIT 1) l ON true
    WHERE verify_log.code IS NULL OR d.code = verify_log.code),
  orphans AS (
    SELECT '(dossier id ' || x.dossier_id || coalesce(' of ' || x.province, '') || ')' AS code, min(x.seq) AS seq,
           'events of a dossier that does not exist' AS problem
    FROM tthc.dossier_event x
    WHERE verify_log.code IS NULL AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = x.dossier_id
                                                     AND d.province IS NOT DISTINCT FROM x.province)
    GROUP BY x.dossier_id, x.province)
  SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
  FROM (SELECT * FROM links WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM heads WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM orphans) b
  ORDER BY b.code, b.seq
$$;
