-- Every error a user can reach in the calendar functions and types, with
-- its SQLSTATE.  Each statement runs in its own subtransaction, so the
-- file also proves that a failed call writes nothing.
CREATE FUNCTION pg_temp.try(q text)
RETURNS TABLE (code text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN QUERY SELECT 'ok'::text, NULL::text, NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  -- a failing row's gid is random
  detail := regexp_replace(detail, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<gid>', 'g');
  RETURN NEXT;
END $$;
\pset format aligned
\x on
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';

-- unknown calendar: 42704
SELECT * FROM pg_temp.try($$SELECT tthc.add_working_days('2026-01-01', 1, 'nowhere')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.deadline(now(), 'same day', repeat('x', 100))$$);

-- out of the supported range (1990-01-01 .. 2199-12-31): 22008
SELECT * FROM pg_temp.try($$SELECT tthc.is_working_day('1989-12-31')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.add_working_days('2199-12-30', 5)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.add_working_days('1990-01-03', -5)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.add_working_days('infinity', 1)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.working_days_between('2026-01-01', '2200-01-01')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.add_working_time('2199-12-31 10:00+07', '100 hours')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.working_time_between('1980-01-01 00:00+07', '2026-01-01 00:00+07')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.deadline('2199-12-20 10:00+07', '30 days')$$);
SELECT * FROM pg_temp.try($$SELECT * FROM tthc.calendar_days('vn', '2199-12-30', '2200-01-02')$$);

-- working time with a day or month part: 22023
SELECT * FROM pg_temp.try($$SELECT tthc.add_working_time('2026-03-02 08:00+07', '1 day')$$);

-- lunar calendar: 22008 out of range, 22023 impossible dates
SELECT * FROM pg_temp.try($$SELECT tthc.lunar_to_solar(1899, 1, 1)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.lunar_to_solar(2200, 1, 1)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.lunar_to_solar(2026, 13, 1)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.lunar_to_solar(2026, 1, 31)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.lunar_to_solar(2026, 3, 1, true)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.lunar_to_solar(2025, 12, 30)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.solar_to_lunar('1899-12-31')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.solar_to_lunar('infinity')$$);

-- time_limit text input: 22P02 with the accepted forms; 22003 too large
SELECT * FROM pg_temp.try($$SELECT '15'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT 'fifteen working days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '15 weeks'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '0 working days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '-1 days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '1.5 days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '0.1234 working days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT ''::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '1.000 ngày'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '10,000 working days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '10001 working days'::tthc.time_limit$$);
SELECT * FROM pg_temp.try($$SELECT '99999999999 days'::tthc.time_limit$$);

-- calendar tables: bad rows are refused and nothing is written
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar (name, time_zone) VALUES ('x', 'Mars/Olympus')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar (name) VALUES ('Bad Name')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar (name, parent) VALUES ('orphan', 'nowhere')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar (name, day_length) VALUES ('long', '25 hours')$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.calendar SET parent = 'vn' WHERE name = 'vn'$$);
INSERT INTO tthc.calendar (name, parent) VALUES ('a', 'vn'), ('b', 'a');
SELECT * FROM pg_temp.try($$UPDATE tthc.calendar SET parent = 'b' WHERE name = 'a'$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_week VALUES ('a', 8, '{[08:00,12:00)}')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_week VALUES ('a', 6, '{[08:00,)}')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_week VALUES ('a', 6,
  '{[01:00,02:00),[03:00,04:00),[05:00,06:00),[07:00,08:00),[09:00,10:00),[11:00,12:00),[13:00,14:00),[15:00,16:00),[17:00,18:00)}')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_exception (calendar, day, kind, name) VALUES ('a', '2026-05-05', 'weekend', 'x')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_exception (calendar, day, kind, name) VALUES ('a', '2026-05-05', 'special_hours', 'x')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_exception (calendar, day, kind, name, hours) VALUES ('a', '2026-05-05', 'holiday', 'x', '{[08:00,09:00)}')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_exception (calendar, day, kind, name) VALUES ('a', '2200-01-01', 'holiday', 'x')$$);
INSERT INTO tthc.calendar_exception (calendar, day, kind, name) VALUES ('a', '2026-05-06', 'holiday', 'once');
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar_exception (calendar, day, kind, name) VALUES ('a', '2026-05-06', 'holiday', 'again')$$);
DELETE FROM tthc.calendar_exception WHERE calendar = 'a';
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar (name, time_zone) VALUES ('abbrev', 'ICT')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.calendar (name, time_zone) VALUES ('offset', '+07')$$);

-- rows shipped with the extension are read-only: 55000
SELECT * FROM pg_temp.try($$UPDATE tthc.calendar SET day_length = '7 hours' WHERE name = 'vn'$$);
SELECT * FROM pg_temp.try($$DELETE FROM tthc.calendar_exception WHERE calendar = 'vn' AND day = '2026-01-01'$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.calendar_week SET hours = '{}' WHERE calendar = 'vn'$$);
SELECT * FROM pg_temp.try($$DELETE FROM tthc.calendar_year WHERE calendar = 'vn'$$);
SELECT * FROM pg_temp.try($$TRUNCATE tthc.calendar_exception$$);
SELECT * FROM pg_temp.try($$DELETE FROM tthc.calendar WHERE name = 'a'$$);
\x off
-- nothing of the refused rows was written
SELECT name, parent FROM tthc.calendar ORDER BY name;
SELECT count(*) AS user_exceptions FROM tthc.calendar_exception WHERE NOT shipped;
SELECT count(*) AS shipped_exceptions FROM tthc.calendar_exception WHERE shipped;
SELECT count(*) AS user_week_rows FROM tthc.calendar_week WHERE NOT shipped;

-- ===== dossiers (in a database of their own) =====
CREATE DATABASE tthc_errors;
\c tthc_errors
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
CREATE FUNCTION pg_temp.try(q text)
RETURNS TABLE (code text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN QUERY SELECT 'ok'::text, NULL::text, NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  -- a failing row's gid is random
  detail := regexp_replace(detail, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<gid>', 'g');
  RETURN NEXT;
END $$;
INSERT INTO tthc.unit (code, name, level) VALUES ('E01', 'đơn vị thử', 'commune');
INSERT INTO tthc.procedure (code, name, time_limit, valid_from, valid_to)
VALUES ('2.000001', 'ba ngày', '3 wd', '2020-01-01', '2025-12-31'),
       ('2.000002', 'ba mươi ngày', '30 days', '1990-01-01', NULL);
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('2.000001', 'E01', '2025-03-03 08:00');
\x on
-- unknown procedure, unit or dossier, or no version in force: 42704
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('9.999999', 'E01', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('2.000001', 'E99', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at) VALUES ('2.000001', 'E01', 'E98', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('2.000001', 'E01', '2026-01-05 08:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.transition('E01-250303-9999', 'processing', '2025-03-03 09:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.apologize('E01-250303-9999', 'x', '2025-03-10', '2025-03-03 09:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.recompute_deadlines('mars', '2025-01-01')$$);
-- missing values: 23502 / 22004
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, received_at) VALUES ('2.000001', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (receiving_unit, received_at) VALUES ('E01', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, received_at) VALUES ('2.000001', 'E01', NULL, '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.transition('E01-250303-0001', 'processing', NULL)$$);
SELECT * FROM pg_temp.try($$SELECT tthc.apologize('E01-250303-0001', 'x', NULL, '2025-03-03 09:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.apologize('E01-250303-0001', '  ', '2025-03-10', '2025-03-03 09:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.sweep(NULL)$$);
-- a code of the wrong shape: 22023; a channel not known: 23514
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES ('E01/250303/1', '2.000001', 'E01', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES ('E01-25033-0001', '2.000001', 'E01', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES ('e01-250303-0001', '2.000001', 'E01', '2025-03-03 08:00')$$);
-- (the failing row's detail holds a hash of the transaction time: not shown)
SELECT code, message FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel) VALUES ('2.000001', 'E01', '2025-03-03 08:00', 4)$$);
-- a limit the calendar cannot place (a calendar without working time): 22008
INSERT INTO tthc.calendar (name) VALUES ('never');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) SELECT 'never', d, '{}' FROM generate_series(1, 7) d;
INSERT INTO tthc.unit (code, name, level, calendar) VALUES ('E02', 'không bao giờ làm việc', 'commune', 'never');
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('2.000002', 'E02', '2025-03-03 08:00')$$);
-- a dossier starts as submitted or received; illegal moves: 55000
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, received_at) VALUES ('2.000001', 'E01', 'processing', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, submitted_at, received_at) VALUES ('2.000001', 'E01', 'submitted', '2025-03-03 08:00', '2025-03-03 08:00')$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier SET status = 'resolved', changed_at = '2025-03-03 09:00' WHERE code = 'E01-250303-0001'$$);
SELECT * FROM pg_temp.try($$SELECT tthc.transition('E01-250303-0001', 'received', '2025-03-03 09:00')$$);
-- event times: 22023
SELECT * FROM pg_temp.try($$SELECT tthc.transition('E01-250303-0001', 'processing', '2025-03-03 07:59')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.transition('E01-250303-0001', 'processing', now() + interval '1 minute')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('2.000002', 'E01', now() + interval '1 day')$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, submitted_at, received_at) VALUES ('2.000001', 'E01', '2025-03-03 09:00', '2025-03-03 08:00')$$);
-- computed columns: 428C9
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier SET due_at = '2025-12-31' WHERE code = 'E01-250303-0001'$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier SET result = 'early' WHERE code = 'E01-250303-0001'$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier SET handling_unit = 'E01', receiving_unit = 'H22' WHERE code = 'E01-250303-0001'$$);
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, due_at) VALUES ('2.000001', 'E01', '2025-03-03 08:00', '2025-03-04')$$);
-- steps: 22023
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier SET status = 'processing', changed_at = '2025-03-03 09:00' WHERE code = 'E01-250303-0001'$$);
SELECT * FROM pg_temp.try($$SELECT tthc.transition('E01-250303-0001', 'processing', '2025-03-03 09:30')$$);
-- apologies: 55000 / 22023
SELECT * FROM pg_temp.try($$SELECT tthc.apologize('E01-250303-0001', 'x', '2025-03-05', '2025-03-03 10:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.apologize('E01-250303-0001', 'x', '2025-03-10', '2025-03-05 16:00')$$);
SELECT * FROM pg_temp.try($$SELECT tthc.apologize('E01-250303-0001', 'chờ kết quả xác minh', '2025-03-10', '2025-03-03 10:00')$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier SET promised_at = NULL WHERE code = 'E01-250303-0001'$$);
-- a per-row function rolling back a dossier change of its own after the
-- statement's rows were counted: 25000
CREATE FUNCTION pg_temp.undone_move(c text) RETURNS smallint LANGUAGE plpgsql AS $f$
BEGIN
  IF c IS NOT NULL THEN
    BEGIN
      PERFORM tthc.transition(c, 'awaiting_supplement', '2025-03-04 09:00');
      RAISE EXCEPTION 'undone';
    EXCEPTION WHEN raise_exception THEN NULL;
    END;
  END IF;
  RETURN 1;
END $f$;
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel) SELECT '2.000001', 'E01', '2025-03-03 08:30', pg_temp.undone_move(CASE WHEN i = 2 THEN 'E01-250303-0001' END) FROM generate_series(1, 2) i$$);
-- settings: 22023
SELECT * FROM pg_temp.try($$SET tthc.warn_before = '3 days'$$);
SELECT * FROM pg_temp.try($$SET tthc.apology_min_notice = 'soon'$$);
SELECT * FROM pg_temp.try($$SET tthc.apology_max = -1$$);
-- the logs are append-only: 42501
SELECT * FROM pg_temp.try($$INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at) VALUES (1, 99, now(), 'edit', 'me', now())$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.dossier_event SET note = 'x'$$);
SELECT * FROM pg_temp.try($$DELETE FROM tthc.dossier_event$$);
SELECT * FROM pg_temp.try($$TRUNCATE tthc.dossier_event$$);
SELECT * FROM pg_temp.try($$DELETE FROM tthc.apology$$);
-- catalogue rows in use: 23503
SELECT * FROM pg_temp.try($$DELETE FROM tthc.unit WHERE code = 'E01'$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.unit SET calendar = 'a' WHERE code = 'E01'$$);
SELECT * FROM pg_temp.try($$UPDATE tthc.procedure SET time_limit = '1 wd' WHERE code = '2.000001'$$);
SELECT * FROM pg_temp.try($$DELETE FROM tthc.procedure WHERE code = '2.000001'$$);
\x off
-- nothing of the refused writes was written
SELECT code, status, due_at, promised_at, event_seq FROM tthc.dossier WHERE receiving_unit = 'E01';
SELECT count(*) AS events FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id WHERE d.receiving_unit = 'E01';
SELECT unit, day, last FROM tthc.dossier_counter WHERE unit = 'E01';
-- closing a version is fine while it has dossiers
UPDATE tthc.procedure SET valid_to = '2025-06-30' WHERE code = '2.000001';
\c contrib_regression
DROP DATABASE tthc_errors;
