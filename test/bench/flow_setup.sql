-- test/bench/flow_setup.sql: the database the pgbench scripts flow_tthc.pgbench
-- and flow_plain.pgbench run in (scripts/bench.sh, after CREATE EXTENSION
-- tthc): the catalogue, the trigger-less copy bench.dossier_plain with the
-- sequence its codes come from, and bench.flow_reset() to empty a table
-- before each run.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT setseed(0.2027) \g /dev/null
\ir catalogue.sql

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.dossier_plain (LIKE tthc.dossier INCLUDING ALL);
CREATE SEQUENCE bench.plain_code;

-- bench.flow_reset(target): the table of one target ('plain' or 'tthc')
-- empty, its identity and code sequences restarted; the other target's
-- table keeps what its latest run wrote.  The log refuses TRUNCATE (an
-- ENABLE ALWAYS trigger): that is lifted for the reset only.
CREATE PROCEDURE bench.flow_reset(target text)
LANGUAGE plpgsql AS $$
BEGIN
  IF target = 'plain' THEN
    TRUNCATE bench.dossier_plain RESTART IDENTITY;
    PERFORM setval('bench.plain_code', 1, false);
  ELSIF target = 'tthc' THEN
    ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only_truncate;
    TRUNCATE tthc.dossier, tthc.dossier_event, tthc.dossier_counter RESTART IDENTITY;
    ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only_truncate;
  ELSE
    RAISE EXCEPTION 'unknown target %', target;
  END IF;
END $$;
