-- Installing 0.1.0 and updating keeps user data and gives the same objects
-- as installing the current version.  Runs in databases of its own.
SET DateStyle = 'ISO, YMD';
CREATE DATABASE tthc_upgrade_old;
CREATE DATABASE tthc_upgrade_new;
\c tthc_upgrade_old
SET DateStyle = 'ISO, YMD';
CREATE EXTENSION tthc VERSION '0.1.0';
INSERT INTO tthc.calendar (name, parent) VALUES ('kept', 'vn');
SELECT tthc.add_working_days('2026-02-13', 1, 'kept') AS before_update;
ALTER EXTENSION tthc UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'tthc';
SELECT tthc.add_working_days('2026-02-13', 1, 'kept') AS after_update,
       tthc.transition_allowed('submitted', 'received') AS new_functions_work;
-- every object, definition by definition (test/lib/catalog_snapshot.sql,
-- not echoed)
\set ECHO none
\i test/lib/catalog_snapshot.sql
\set ECHO all
SELECT string_agg(line, chr(30) ORDER BY line) AS old_catalog FROM tthc_catalog \gset
\c tthc_upgrade_new
CREATE EXTENSION tthc;
\set ECHO none
\i test/lib/catalog_snapshot.sql
\set ECHO all
CREATE TEMP TABLE updated_catalog AS SELECT unnest(string_to_array(:'old_catalog', chr(30))) AS line;
-- what a fresh install and 0.1.0 plus every update do not share: nothing
CREATE TEMP VIEW catalog_diff AS
SELECT 'only installed' AS side, line FROM (SELECT line FROM tthc_catalog EXCEPT SELECT line FROM updated_catalog) a
UNION ALL
SELECT 'only updated', line FROM (SELECT line FROM updated_catalog EXCEPT SELECT line FROM tthc_catalog) b;
SELECT (SELECT count(*) FROM tthc_catalog) > 500 AS many_lines_compared,
       count(*) FILTER (WHERE line LIKE 'function %') > 0 AS functions,
       count(*) FILTER (WHERE line LIKE 'policy %') > 0 AS policies,
       count(*) FILTER (WHERE line LIKE 'shipped rows %') > 0 AS shipped_rows
FROM tthc_catalog;
SELECT side, left(line, 100) AS line FROM catalog_diff ORDER BY 1, 2;
-- the comparison catches a different definition: volatility, a comment, a
-- trigger's enabled state, a grant, a column default
BEGIN;
ALTER FUNCTION tthc.mask_name(text) VOLATILE;
COMMENT ON COLUMN tthc.dossier.note IS 'a different comment';
ALTER TABLE tthc.dossier_event ENABLE TRIGGER append_only;
GRANT SELECT ON tthc.rating TO tthc_reader;
ALTER TABLE tthc.dossier ALTER COLUMN channel SET DEFAULT 2;
SELECT side, left(regexp_replace(line, '\s+', ' ', 'g'), 60) AS line FROM catalog_diff ORDER BY 1, 2;
ROLLBACK;
-- updating from 0.3.0 seals the events already written into hash chains
CREATE DATABASE tthc_upgrade_030;
\c tthc_upgrade_030
SET TimeZone = 'Asia/Ho_Chi_Minh';
CREATE EXTENSION tthc VERSION '0.3.0';
INSERT INTO tthc.unit (code, name, level) VALUES ('H22.01', 'phường', 'commune');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000001', 'năm ngày', '5 working days');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
VALUES ('1.000001', 'H22.01', '2026-03-02 08:00'), ('1.000001', 'H22.01', '2026-03-02 08:30');
SELECT count(*) FROM (SELECT tthc.transition(code, 'processing', '2026-03-02 09:00') FROM tthc.dossier) x;
ALTER EXTENSION tthc UPDATE;
SELECT count(*) AS events, count(hash) AS sealed FROM tthc.dossier_event;
SELECT count(*) AS broken_links FROM tthc.verify_log();
-- and the chains carry on
SELECT (tthc.transition('H22.01-260302-0001', 'resolved', '2026-03-03 09:00')).event_seq;
SELECT count(*) AS broken_links FROM tthc.verify_log();
-- the reports count the dossiers written before the update (rebuilt from
-- the log by the update) and after it (counted by the trigger)
SELECT level, unit, field, received, resolved, resolved_early, in_progress
FROM tthc.report('H22.01', '[2026-03-01,2026-04-01)');
\c contrib_regression
DROP DATABASE tthc_upgrade_old;
DROP DATABASE tthc_upgrade_new;
DROP DATABASE tthc_upgrade_030;
