-- 0.7.0's fixes of what attacks and real use found, where no other file
-- fits: one unit does not stop the sweep of the others, the error fields
-- name the table and column, an apology is written by tthc and promises a
-- finite date.  Runs in a database of its own.
CREATE DATABASE tthc_trust;
\c tthc_trust
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
\set VERBOSITY terse

INSERT INTO tthc.unit (code, name, level) VALUES ('T1', 'xã một', 'commune'), ('T2', 'xã hai', 'commune');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000001', 'bốn giờ', '4 working hours');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
SELECT '1.000001', u, '2026-03-02 08:00' FROM unnest(ARRAY['T1', 'T1', 'T2', 'T2']) u;

-- a calendar edited to have no working time at all under unit T2's
-- dossiers: the sweep leaves it out of the due-soon horizon (0.6.0 failed
-- every sweep of the database here) and flags the overdue dossiers
INSERT INTO tthc.calendar (name) VALUES ('never');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) SELECT 'never', d, '{}' FROM generate_series(1, 7) d;
ALTER TABLE tthc.unit DISABLE TRIGGER unit_in_use;
UPDATE tthc.unit SET calendar = 'never' WHERE code = 'T2';
ALTER TABLE tthc.unit ENABLE TRIGGER unit_in_use;
SELECT * FROM tthc.sweep('2026-03-02 14:00');
SELECT code, overdue_since FROM tthc.dossier ORDER BY code;
ALTER TABLE tthc.unit DISABLE TRIGGER unit_in_use;
UPDATE tthc.unit SET calendar = 'vn' WHERE code = 'T2';
ALTER TABLE tthc.unit ENABLE TRIGGER unit_in_use;

-- any failure in one unit's dossiers: the sweep goes unit by unit, warns
-- about the unit that fails, and flags the others
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
SELECT '1.000001', u, '2026-03-03 08:00' FROM unnest(ARRAY['T1', 'T2']) u;
CREATE FUNCTION public.trust_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'unit T2 is broken' USING ERRCODE = 'XX001'; END $$;
CREATE TRIGGER trust_fail BEFORE UPDATE ON tthc.dossier FOR EACH ROW
  WHEN (OLD.handling_unit = 'T2') EXECUTE FUNCTION public.trust_fail();
SELECT * FROM tthc.sweep('2026-03-03 14:00');
SELECT code, overdue_since FROM tthc.dossier WHERE received_at::date = '2026-03-03' ORDER BY code;
SELECT overdue, runs FROM tthc.sweep_state;
DROP TRIGGER trust_fail ON tthc.dossier;
SELECT * FROM tthc.sweep('2026-03-03 14:05');

-- the error fields: applications read the table and column, not the text
CREATE FUNCTION pg_temp.fields(q text)
RETURNS TABLE (code text, schema_n text, table_n text, column_n text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN QUERY SELECT 'ok', NULL::text, NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, schema_n = SCHEMA_NAME,
                          table_n = TABLE_NAME, column_n = COLUMN_NAME;
  RETURN NEXT;
END $$;
SELECT * FROM pg_temp.fields($$UPDATE tthc.dossier SET due_at = now() WHERE code = 'T1-260302-0001'$$);
SELECT * FROM pg_temp.fields($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES ('T2-260302-0009', '1.000001', 'T1', '2026-03-02 08:00')$$);
SELECT * FROM pg_temp.fields($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES ('T1-260302-0009', '1.000001', 'T1', '2026-03-02 08:00')$$);
SELECT * FROM pg_temp.fields($$SELECT tthc.apologize('T1-260302-0001', 'chờ', 'infinity', '2026-03-02 08:30')$$);

-- an apology promises a date: not 'infinity', by the function or by hand
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000002', 'mười ngày', '10 working days');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000002', 'T1', '2026-03-02 09:00')
RETURNING code;
SELECT tthc.apologize('T1-260302-0003', 'chờ xác minh', 'infinity', '2026-03-03 08:00');
UPDATE tthc.dossier SET promised_at = 'infinity', note = 'chờ', changed_at = '2026-03-03 08:00' WHERE code = 'T1-260302-0003';
-- nor without a reason, by hand
UPDATE tthc.dossier SET promised_at = '2026-03-20 16:00', changed_at = '2026-03-03 08:00' WHERE code = 'T1-260302-0003';
SELECT (tthc.apologize('T1-260302-0003', 'chờ xác minh', '2026-03-20 16:00', '2026-03-03 08:00')).promised_at;
-- written by tthc with its event, as the caller
SELECT a.seq, a.reason, a.issued_by = current_user AS by_caller, e.kind
FROM tthc.apology a JOIN tthc.dossier d ON d.id = a.dossier_id
JOIN tthc.dossier_event e ON e.dossier_id = d.id AND e.at = a.issued_at AND e.kind = 'apology';
-- and nobody else writes one, a superuser included
INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
SELECT id, 2, '2026-03-03 08:00', 'giả', due_at, due_at + interval '1 day' FROM tthc.dossier WHERE code = 'T1-260302-0003';

-- a rating is dated when it is given: an officer cannot put it in a past
-- month (whose satisfaction ratio it would change) nor ahead of the clock
SELECT count(*) FROM (VALUES (tthc.transition('T1-260302-0001', 'processing', '2026-03-03 08:50')),
                            (tthc.transition('T1-260302-0001', 'resolved', '2026-03-03 09:00'))) m;
CREATE ROLE trust_officer NOLOGIN IN ROLE tthc_officer;
INSERT INTO tthc.officer_unit (role, unit) VALUES ('trust_officer', 'T1');
SET ROLE trust_officer;
INSERT INTO tthc.rating (dossier_id, rating, rated_at)
SELECT id, 'satisfied', '2026-03-03 10:00' FROM tthc.dossier WHERE code = 'T1-260302-0001';
INSERT INTO tthc.rating (dossier_id, rating, rated_at)
SELECT id, 'satisfied', now() + interval '1 hour' FROM tthc.dossier WHERE code = 'T1-260302-0001';
INSERT INTO tthc.rating (dossier_id, rating)
SELECT id, 'satisfied' FROM tthc.dossier WHERE code = 'T1-260302-0001';
UPDATE tthc.rating SET rating = 'unsatisfied';
RESET ROLE;
SELECT count(*) AS ratings, min(rating) AS rating FROM tthc.rating;
DELETE FROM tthc.officer_unit WHERE role = 'trust_officer';
DROP ROLE trust_officer;

-- a row changed again by a nested statement (a function catching its own
-- errors, in a subtransaction) before its own statement ended keeps its
-- events, sums and number (found by review: the reception event was lost
-- and the counter went back under a stored code)
CREATE FUNCTION pg_temp.touch(bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    UPDATE tthc.dossier SET note = 'touched', changed_at = '2026-03-04 08:05' WHERE id = $1;
  EXCEPTION WHEN others THEN NULL;
  END;
  RETURN $1;
END $$;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
VALUES ('1.000002', 'T1', '2026-03-04 08:00') RETURNING code, pg_temp.touch(id) > 0 AS touched;
UPDATE tthc.dossier SET status = 'processing', changed_at = '2026-03-04 08:10'
WHERE code = 'T1-260304-0001' RETURNING event_seq, pg_temp.touch(id) > 0 AS touched;
SELECT e.seq, e.kind, e.to_status, e.note FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id
WHERE d.code = 'T1-260304-0001' ORDER BY e.seq;
SELECT last FROM tthc.dossier_counter WHERE unit = 'T1' AND day = '2026-03-04';
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000001', 'T1', '2026-03-04 08:20') RETURNING code;
SELECT * FROM tthc.verify_log('T1-260304-0001');

-- an id is tthc's: none ahead of the sequence (every later reception in the
-- province would collide with it), and a chosen id of another dossier with
-- ON CONFLICT DO NOTHING is skipped, not taken for that dossier
INSERT INTO tthc.dossier (id, procedure_code, receiving_unit, received_at) OVERRIDING SYSTEM VALUE
VALUES (1000000, '1.000002', 'T1', '2026-03-04 08:30');
INSERT INTO tthc.dossier (id, procedure_code, receiving_unit, received_at) OVERRIDING SYSTEM VALUE
SELECT id, '1.000002', 'T1', '2026-03-04 08:30' FROM tthc.dossier WHERE code = 'T2-260302-0001'
ON CONFLICT DO NOTHING;
-- nor the next id, which the sequence has not given yet (with a sequence
-- CACHE it would sit inside a range another session holds)
INSERT INTO tthc.dossier (id, procedure_code, receiving_unit, received_at) OVERRIDING SYSTEM VALUE
SELECT max(id) + 1, '1.000002', 'T1', '2026-03-04 08:30' FROM tthc.dossier;
SELECT count(*) AS t1_codes_today, max(code) FROM tthc.dossier WHERE code LIKE 'T1-260304-%';
SELECT last FROM tthc.dossier_counter WHERE unit = 'T1' AND day = '2026-03-04';
SELECT count(*) AS problems FROM tthc.verify_log();

-- found by a second review: rows that a data-modifying WITH skips with ON
-- CONFLICT inside a plain INSERT or UPDATE, and a statement of a rolled-back
-- savepoint left on the executor's stack (a cursor closed inside it), leave
-- no events and no counts
CREATE TEMP TABLE before_cte AS SELECT received FROM tthc.report('T1', '[2026-03-04,2026-03-05)') WHERE level = 'total';
WITH c AS (INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
           SELECT 'T1-260304-0001', '1.000001', 'T1', '2026-03-04 09:00' FROM generate_series(1, 3)
           ON CONFLICT DO NOTHING RETURNING id)
UPDATE tthc.dossier SET note = 'cte' WHERE code = 'T1-260304-0001';
CREATE FUNCTION pg_temp.stale() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  c refcursor;
BEGIN
  OPEN c FOR SELECT 1;
  BEGIN
    CLOSE c;
    INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('9.999999', 'T1', '2026-03-04 09:00');
  EXCEPTION WHEN others THEN NULL;
  END;
  RETURN 'x';
END $$;
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('T1-260304-0001', '1.000001', 'T1', '2026-03-04 09:00', pg_temp.stale()) ON CONFLICT DO NOTHING;
SELECT r.received - b.received AS counted_again FROM tthc.report('T1', '[2026-03-04,2026-03-05)') r, before_cte b
WHERE r.level = 'total';
SELECT count(*) AS problems FROM tthc.verify_log();

-- a write that raises a flag inside a two-phase transaction: PREPARE works
-- (the notice would make it fail; the flag stands, unannounced)
BEGIN;
UPDATE tthc.dossier SET note = 'cổng', changed_at = '2026-03-05 08:00' WHERE code = 'T1-260304-0002';
PREPARE TRANSACTION 'trust_portal';
COMMIT PREPARED 'trust_portal';
SELECT code, overdue_since IS NOT NULL AS flagged FROM tthc.dossier WHERE code = 'T1-260304-0002';

-- COPY, from the attacker's side: an officer cannot load dossiers (row-level
-- security refuses COPY FROM) nor the logs, and what it copies out is its
-- own units' rows; a login outside every tthc role copies nothing
CREATE ROLE trust_clerk NOLOGIN IN ROLE tthc_officer;
CREATE ROLE trust_stranger NOLOGIN;
INSERT INTO tthc.officer_unit (role, unit) VALUES ('trust_clerk', 'T2');
SET ROLE trust_clerk;
\copy tthc.dossier (procedure_code, receiving_unit) FROM '/dev/null'
\copy tthc.dossier_event FROM '/dev/null'
\copy tthc.apology FROM '/dev/null'
\copy tthc.rating FROM '/dev/null'
COPY tthc.dossier (code) TO STDOUT;
COPY (SELECT count(*) FROM tthc.dossier_event) TO STDOUT;
SET ROLE trust_stranger;
COPY tthc.dossier (code) TO STDOUT;
\copy tthc.dossier (procedure_code, receiving_unit) FROM '/dev/null'
RESET ROLE;
SELECT count(*) AS t2_events FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id
WHERE d.handling_unit = 'T2' OR d.receiving_unit = 'T2';
DELETE FROM tthc.officer_unit WHERE role = 'trust_clerk';
DROP ROLE trust_clerk;
DROP ROLE trust_stranger;

-- a report's NULL period is 22004, as the README says
SELECT count(*) FROM tthc.report('T1', NULL);
SELECT count(*) FROM tthc.indicators_766('T1', NULL);

\c contrib_regression
DROP DATABASE tthc_trust;
