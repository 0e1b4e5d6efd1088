-- The event log is tamper-evident: every event carries a hash chained to
-- the previous event of its dossier; tthc.verify_log finds the first broken
-- link.  Runs in a database of its own.
CREATE DATABASE tthc_audit;
\c tthc_audit
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
\set VERBOSITY default
\set SHOW_CONTEXT never

INSERT INTO tthc.unit (code, name, level) VALUES ('H22.01', 'phường', 'commune');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000001', 'năm ngày', '5 working days');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id, applicant_phone)
SELECT '1.000001', 'H22.01', '2026-03-02 08:00', '0220880012' || i, '091234567' || i FROM generate_series(1, 3) i;
SELECT count(*) FROM (
  SELECT tthc.transition(code, 'processing', '2026-03-02 09:00'), tthc.transition(code, 'resolved', '2026-03-03 10:00')
  FROM tthc.dossier) x;

-- every event is hashed, each link follows from the previous one
SELECT count(*) AS events, count(hash) AS hashed, count(DISTINCT hash) AS distinct_hashes,
       bool_and(length(hash) = 32) AS sha256 FROM tthc.dossier_event;
SELECT bool_and(d.event_hash = e.hash) AS dossier_holds_the_head
FROM tthc.dossier d JOIN tthc.dossier_event e ON e.dossier_id = d.id AND e.seq = d.event_seq;
SELECT * FROM tthc.verify_log();

-- nobody may edit the log, superusers included
UPDATE tthc.dossier_event SET note = 'sửa' WHERE seq = 2;
DELETE FROM tthc.dossier_event WHERE seq = 3;
TRUNCATE tthc.dossier_event;
SET session_replication_role = replica;
UPDATE tthc.dossier_event SET note = 'sửa' WHERE seq = 2;
RESET session_replication_role;

-- a superuser can still disable the trigger: the chain then shows each edit
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
UPDATE tthc.dossier_event SET note = 'đã sửa' FROM tthc.dossier d
WHERE d.id = dossier_id AND d.code = 'H22.01-260302-0001' AND seq = 2;
UPDATE tthc.dossier_event SET at = at - interval '1 day' FROM tthc.dossier d
WHERE d.id = dossier_id AND d.code = 'H22.01-260302-0002' AND seq = 3;
DELETE FROM tthc.dossier_event USING tthc.dossier d
WHERE d.id = dossier_id AND d.code = 'H22.01-260302-0003' AND seq = 3;
ALTER TABLE tthc.dossier_event ENABLE TRIGGER append_only;
SELECT * FROM tthc.verify_log();
SELECT * FROM tthc.verify_log('H22.01-260302-0002');

-- masking for BI readers
SELECT code, applicant_id, applicant_phone FROM tthc.dossier_masked ORDER BY code;
SELECT tthc.mask('123'), tthc.mask('0123456789', 4), tthc.mask(NULL),
       tthc.mask('0123456789', 0) AS keep_none, tthc.mask('0123456789', -3) AS keep_negative;
SELECT tthc.mask_name('Nguyễn Văn  An'), tthc.mask_name(' Lê '), tthc.mask_name(NULL) IS NULL AS null_name;

-- public tracking: the suffix of the applicant's ID must match
SELECT * FROM tthc.track('H22.01-260302-0001', '0121');
SELECT count(*) AS wrong_suffix FROM tthc.track('H22.01-260302-0001', '0122');
-- exactly 4 characters: a longer suffix would confirm the masked digits
-- one by one (a 5th digit in 10 guesses, then a 6th, ...)
SELECT count(*) AS too_short FROM tthc.track('H22.01-260302-0001', '21');
SELECT count(*) AS too_long FROM tthc.track('H22.01-260302-0001', '80121');
SELECT count(*) AS no_such_dossier FROM tthc.track('H22.01-260302-9999', '0121');

-- the log binds the dossier's state: a row changed around the trigger
-- disagrees with its latest event
CREATE TABLE audit_before AS SELECT code, status, event_seq FROM tthc.dossier;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id)
SELECT '1.000001', 'H22.01', '2026-03-04 08:00', '02208800200' || i FROM generate_series(1, 5) i;
-- 1. the trigger disabled
ALTER TABLE tthc.dossier DISABLE TRIGGER dossier_guard;
UPDATE tthc.dossier SET status = 'resolved', result = 'early' WHERE code = 'H22.01-260304-0001';
ALTER TABLE tthc.dossier ENABLE TRIGGER dossier_guard;
-- 2. replica mode (the guard does not fire there)
SET session_replication_role = replica;
UPDATE tthc.dossier SET due_at = due_at + interval '30 days' WHERE code = 'H22.01-260304-0002';
RESET session_replication_role;
-- 3. an owner's trigger sorted after the guard rewrites the row it returns
CREATE FUNCTION public.audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.applicant_id := 'forged'; RETURN NEW; END $$;
CREATE TRIGGER zz_rewrite BEFORE UPDATE ON tthc.dossier FOR EACH ROW
  WHEN (NEW.code = 'H22.01-260304-0003') EXECUTE FUNCTION public.audit_rewrite();
SELECT (tthc.transition('H22.01-260304-0003', 'processing', '2026-03-04 09:00')).applicant_id;
DROP TRIGGER zz_rewrite ON tthc.dossier;
-- 4. an owner's trigger after the guard drops the row: nothing is logged for it
CREATE FUNCTION public.audit_skip() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RETURN NULL; END $$;
CREATE TRIGGER zz_skip BEFORE UPDATE ON tthc.dossier FOR EACH ROW
  WHEN (NEW.code = 'H22.01-260304-0004') EXECUTE FUNCTION public.audit_skip();
SELECT tthc.transition('H22.01-260304-0004', 'processing', '2026-03-04 09:00') IS NULL AS not_moved;
DROP TRIGGER zz_skip ON tthc.dossier;
SELECT d.event_seq, count(e.seq) AS events FROM tthc.dossier d JOIN tthc.dossier_event e ON e.dossier_id = d.id
WHERE d.code = 'H22.01-260304-0004' GROUP BY d.event_seq;
-- 5. a COPY that is not a restore of the table (a function writing the
-- dossier inside COPY (SELECT ...) TO) is checked like any write
CREATE FUNCTION public.audit_sneak() RETURNS int LANGUAGE sql AS $$
  UPDATE tthc.dossier SET due_at = '2030-01-01' WHERE code = 'H22.01-260304-0005' RETURNING 1 $$;
COPY (SELECT public.audit_sneak()) TO stdout;
-- the rows disagree; the other dossiers are intact
SELECT * FROM tthc.verify_log() WHERE code LIKE 'H22.01-260304-%';
-- a dossier without events, and events of no dossier
ALTER TABLE tthc.dossier DISABLE TRIGGER dossier_guard;
ALTER TABLE tthc.dossier DISABLE TRIGGER dossier_numbered;
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, handling_unit, changed_at)
VALUES ('H22.01-260305-0001', '1.000001', 'H22.01', 'H22.01', '2026-03-05 08:00');
ALTER TABLE tthc.dossier ENABLE TRIGGER dossier_numbered;
ALTER TABLE tthc.dossier ENABLE TRIGGER dossier_guard;
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at)
VALUES (999999, 1, '2026-03-05 08:00', 'status', 'someone', '2026-03-05 08:00');
ALTER TABLE tthc.dossier_event ENABLE TRIGGER append_only;
SELECT * FROM tthc.verify_log() WHERE code LIKE 'H22.01-260305-%' OR code LIKE '(%';
-- each dossier checked alone finds what the whole check finds of it
CREATE FUNCTION pg_temp.alone_disagrees() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
    (SELECT v.* FROM tthc.verify_log() v WHERE v.code NOT LIKE '(%'
     EXCEPT ALL SELECT o.* FROM tthc.dossier d, tthc.verify_log(d.code) o)
    UNION ALL
    (SELECT o.* FROM tthc.dossier d, tthc.verify_log(d.code) o
     EXCEPT ALL SELECT v.* FROM tthc.verify_log() v)) x $$;
SELECT count(*) AS problems, pg_temp.alone_disagrees() AS alone_disagrees FROM tthc.verify_log();
-- the same first problem where two checks fail at one event: a latest
-- event whose stored hash was changed is both altered and not the head
BEGIN;
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
UPDATE tthc.dossier_event x SET hash = sha256(x.hash) FROM tthc.dossier d
WHERE d.id = x.dossier_id AND x.seq = d.event_seq AND d.code LIKE 'H22.01-260304-%';
SELECT problem, count(*) AS dossiers, pg_temp.alone_disagrees() AS alone_disagrees
FROM tthc.verify_log() WHERE code LIKE 'H22.01-260304-%' GROUP BY problem ORDER BY problem;
ROLLBACK;
-- and reads it by index, not the whole log (the portal checks one dossier
-- at every claim and payload): no sequential scan of the dossiers or the
-- events where an index serves
SET enable_seqscan = off;
SELECT pg_stat_force_next_flush();
CREATE TEMP TABLE scans AS
SELECT relname, seq_scan FROM pg_stat_user_tables WHERE schemaname = 'tthc' AND relname IN ('dossier', 'dossier_event');
SELECT count(*) AS problems FROM tthc.verify_log('H22.01-260304-0002');
SELECT pg_stat_force_next_flush();
SELECT s.relname, s.seq_scan - b.seq_scan AS seq_scans
FROM pg_stat_user_tables s JOIN scans b USING (relname) WHERE s.schemaname = 'tthc' ORDER BY 1;
RESET enable_seqscan;

-- a log whose hash column an owner dropped (the log's schema is the
-- owner's to change): writes go on, unchained, with a NULL chain head; in
-- this session (whose column map was made before) and in a new one
ALTER TABLE tthc.dossier_event DROP COLUMN hash;
SELECT (tthc.transition('H22.01-260302-0003', 'returned', '2026-03-04 09:00')).event_hash IS NULL AS unchained;
\c tthc_audit
SET TimeZone = 'Asia/Ho_Chi_Minh';
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id)
VALUES ('1.000001', 'H22.01', '2026-03-04 08:00', '022088001299') RETURNING code, event_seq, event_hash IS NULL AS unchained;
SELECT count(*) AS events FROM tthc.dossier_event;

\c contrib_regression
DROP DATABASE tthc_audit;
