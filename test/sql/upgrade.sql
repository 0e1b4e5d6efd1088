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
SELECT string_agg(obj, E'\n' ORDER BY obj) AS old_objects
FROM (SELECT pg_describe_object(classid, objid, objsubid) AS obj FROM pg_depend
      WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
        AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tthc')) s \gset
\c tthc_upgrade_new
CREATE EXTENSION tthc;
SELECT count(*) AS objects,
       string_agg(obj, E'\n' ORDER BY obj) = :'old_objects' AS same_objects_as_updated
FROM (SELECT pg_describe_object(classid, objid, objsubid) AS obj FROM pg_depend
      WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
        AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tthc')) s;
\c contrib_regression
DROP DATABASE tthc_upgrade_old;
DROP DATABASE tthc_upgrade_new;
