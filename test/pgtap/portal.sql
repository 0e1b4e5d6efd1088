-- pgTAP: the national portal's sync (0.11.0, issue 15), attacked from the
-- attacker's side: the portal's account (tthc_portal), the officers of two
-- communes, a reader, an auditor, an administrator and a login in no tthc
-- role, through SELECT, INSERT, UPDATE, ON CONFLICT, COPY, the functions
-- and the view, and a search_path of the attacker's own.
--
-- Fixture: a province TP with two communes TA and TB.  Each commune has a
-- pooled login (pt_pool_a, pt_pool_b: tthc_officer, assigned by
-- tthc.officer_unit) through which its named officers act with SET LOCAL
-- tthc.actor: pt_a1 at TA, pt_b1 at TB.  pt_portal is the sync's login
-- (tthc_portal); beside them pt_reader, pt_auditor, pt_admin and
-- pt_outsider, a login in no tthc role.  Procedure 8.000009 (5 working days).
-- The dossiers, by tag (temp table pt_d):
--   a_desk  TA  in person, received by pt_a1            good data
--   a_bad   TA  in person, received by pt_a1            phone 12345 (a data issue)
--   b_desk  TB  in person, received by pt_b1            good data
--   b_bad   TB  in person, received by pt_b1            e-mail b@x (a data issue)
--   p_sub   TA  sent by the portal, submitted 3 days ago
--   p_recv  TA  sent by the portal, submitted 3 days ago, accepted 2 days ago
--   p_proc  TB  sent by the portal, accepted 2 days ago, moved to processing by pt_b1
--   p_bad   TB  sent by the portal, submitted, phone 12345 (a data issue)
--
-- Every attack is paired with the same path on the attacker's own data (or
-- by a role that may), so a broken fixture cannot pass vacuously; refused
-- attempts are followed by pt_traces(), which must not have moved: each
-- tagged dossier's event_seq, status, portal_seq, phone and note, the number
-- of dossiers, events and dossier numbers taken, the portal queue and the
-- status map.  Statements that may fail go through throws_ok / lives_ok,
-- pt_q / pt_n (which return 'error <SQLSTATE>'), or pt_try, which always
-- rolls its statement back ('written <rows>' when it went through).  COPY
-- goes through psql's \copy with ON_ERROR_STOP off around it when it is to
-- be refused (its SQLSTATE is psql's :SQLSTATE, its error is printed on
-- stderr: that is expected).  The portal's times are relative to now (the
-- portal dates its own acts in the past); everything else happens now, in
-- one transaction that is rolled back.
--
-- Two holes this suite found in the first draft are closed (their tests
-- are named "forged code" and "held, not claimed"): a portal_code could be
-- another dossier's code, so the outbox sent a forgery under that dossier's
-- MaHoSo; a dossier the outbox only held (never claimed) could be
-- acknowledged, and so left the outbox unsent.
BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT plan(260);

-- ===================================================================
-- Fixture (as the superuser, the administrator, the officers and the
-- portal's login)
-- ===================================================================

INSERT INTO tthc.unit (code, name, level, tax_code) VALUES ('TP', 'tỉnh thử (portal)', 'province', '0300000009');
INSERT INTO tthc.unit (code, name, level, parent, tax_code) VALUES
  ('TA', 'xã A (portal)', 'commune', 'TP', '0300000001'),
  ('TB', 'xã B (portal)', 'commune', 'TP', '0300000002');
INSERT INTO tthc.procedure (code, name, field, time_limit) VALUES ('8.000009', 'portal: 5 ngày', 'Thử nghiệm', '5 working days');

CREATE ROLE pt_pool_a LOGIN IN ROLE tthc_officer;   -- TA's pooled login
CREATE ROLE pt_pool_b LOGIN IN ROLE tthc_officer;   -- TB's
CREATE ROLE pt_portal LOGIN IN ROLE tthc_portal;    -- the sync (tthc-sync)
CREATE ROLE pt_reader LOGIN IN ROLE tthc_reader;
CREATE ROLE pt_auditor LOGIN IN ROLE tthc_auditor;
CREATE ROLE pt_admin LOGIN IN ROLE tthc_admin;
CREATE ROLE pt_outsider LOGIN;                      -- in no tthc role, no grants
INSERT INTO tthc.officer_unit (role, unit) VALUES ('pt_pool_a', 'TA'), ('pt_pool_b', 'TB');

-- the value of a query (first column of its first row, as text), or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.pt_q(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  EXECUTE q INTO r;
  RETURN coalesce(r, '<null>');
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- the rows a statement changed, or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.pt_n(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n::text;
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- like pt_n, but whatever happens the statement is rolled back: 'error
-- <SQLSTATE>', or 'written <rows>' for a statement that went through
CREATE FUNCTION pg_temp.pt_try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE EXCEPTION '%', n USING ERRCODE = 'P0042';
EXCEPTION
  WHEN SQLSTATE 'P0042' THEN RETURN 'written ' || SQLERRM;
  WHEN others THEN RETURN 'error ' || SQLSTATE;
END $$;

CREATE TEMP TABLE pt_d (tag text PRIMARY KEY, id bigint, code text);
CREATE TEMP TABLE pt_mark (k text PRIMARY KEY, v text);
GRANT SELECT, INSERT ON pt_d TO PUBLIC;
GRANT SELECT, INSERT ON pt_mark TO PUBLIC;
-- a dossier's code and id by tag (a fixed search_path: they are also
-- called under the attacker's search_path, section 8)
CREATE FUNCTION pg_temp.pt_code(t text) RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT code FROM pt_d WHERE tag = t $$;
CREATE FUNCTION pg_temp.pt_id(t text) RETURNS bigint LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT id FROM pt_d WHERE tag = t $$;
-- a record from the portal (DongBoHoSoMC): online, submitted `submitted`
-- ago, accepted `received` ago when given; a local time yyyyMMddHHmmss
CREATE FUNCTION pg_temp.pt_rec(mahoso text, unit text, submitted interval, received interval DEFAULT NULL,
                               phone text DEFAULT '0912345678', id_no text DEFAULT '022088003333')
RETURNS jsonb LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'MaHoSo', mahoso, 'MaTTHC', '8.000009', 'KenhThucHien', 2, 'ChuHoSo', 'Trần Thị Cổng',
    'SoGiayToChuHoSo', id_no, 'LoaiDoiTuong', 1, 'SoDienThoai', phone,
    'NgayNopHoSo', to_char(timezone('Asia/Ho_Chi_Minh', now() - submitted), 'YYYYMMDDHH24MISS'),
    'NgayTiepNhan', to_char(timezone('Asia/Ho_Chi_Minh', now() - received), 'YYYYMMDDHH24MISS'),
    'TrangThaiHoSo', CASE WHEN received IS NULL THEN '1' ELSE '2' END, 'DonViXuLy', unit))
$$;
-- what a refused act could leave behind, as the superuser sees it
CREATE FUNCTION pg_temp.pt_traces() RETURNS text LANGUAGE sql AS $$
  SELECT (SELECT string_agg(m.tag || ':' || d.event_seq || ':' || d.status || ':' || coalesce(d.portal_seq::text, '-')
                            || ':' || coalesce(d.applicant_phone, '-') || ':' || coalesce(d.note, '-'), ' ' ORDER BY m.tag)
          FROM pt_d m JOIN tthc.dossier d ON d.id = m.id)
      || ' | ' || (SELECT count(*) FROM tthc.dossier) || ' dossiers, '
      || (SELECT count(*) FROM tthc.dossier_event) || ' events, '
      || (SELECT coalesce(sum(last), 0) FROM tthc.dossier_counter) || ' numbers'
      || ' | queue ' || (SELECT count(*) || ' rows, ' || coalesce(sum(record_seq), 0) || ' acked, ' || count(lease_until)
                                || ' leased, ' || count(held_seq) || ' held, ' || coalesce(sum(attempts), 0) || ' attempts'
                         FROM tthc.portal_queue)
      || ' | map ' || (SELECT count(*) || ' rows, ' || string_agg(status || '=' || code, ' ' ORDER BY status, shipped)
                       FROM tthc.portal_status_map) $$;
-- a function of the caller's in a WHERE: raises on a row it should not see
CREATE FUNCTION pg_temp.pt_trap(dossier bigint, foreign_prefix text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  IF dossier IN (SELECT id FROM pt_d WHERE tag LIKE foreign_prefix || '%') THEN
    RAISE EXCEPTION 'leaked dossier %', dossier;
  END IF;
  RETURN true;
END $$;

SET ROLE pt_admin;
SELECT lives_ok($$INSERT INTO tthc.officer (login, full_name, unit, title) VALUES
                    ('pt_a1', 'Nguyễn Văn A Một', 'TA', 'công chức một cửa'),
                    ('pt_b1', 'Phạm Văn B Một', 'TB', 'công chức một cửa')$$,
                'the administrator registers an officer of each commune');
RESET ROLE;

SET ROLE pt_pool_a;
SET LOCAL tthc.actor = 'pt_a1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id, applicant_phone)
                    VALUES ('8.000009', 'TA', 'Nguyễn Văn Bàn', '022088001111', NULL),
                           ('8.000009', 'TA', 'Lê Thị Lỗi', '022088001112', '12345')
                    RETURNING CASE WHEN applicant_phone IS NULL THEN 'a_desk' ELSE 'a_bad' END, id, code)
                  INSERT INTO pt_d SELECT * FROM x$$,
                'pt_pool_a naming pt_a1 receives TA''s in-person dossiers (a_bad with a phone the portal refuses)');
SET LOCAL tthc.actor = '';
SET ROLE pt_pool_b;
SET LOCAL tthc.actor = 'pt_b1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id, applicant_email)
                    VALUES ('8.000009', 'TB', 'Hoàng Văn Bình', '022088002221', NULL),
                           ('8.000009', 'TB', 'Đỗ Thị Sai', '022088002222', 'b@x')
                    RETURNING CASE WHEN applicant_email IS NULL THEN 'b_desk' ELSE 'b_bad' END, id, code)
                  INSERT INTO pt_d SELECT * FROM x$$,
                'pt_pool_b naming pt_b1 receives TB''s (b_bad with an e-mail the portal refuses)');
SET LOCAL tthc.actor = '';
SET ROLE pt_portal;
SELECT lives_ok($$INSERT INTO pt_d (tag, code) VALUES
                    ('p_sub', tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0001', 'TA', '3 days'))),
                    ('p_recv', tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0002', 'TA', '3 days', '2 days'))),
                    ('p_proc', tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days'))),
                    ('p_bad', tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0004', 'TB', '1 day', phone => '12345')))$$,
                'the portal''s login sends four dossiers through tthc.portal_receive, dated at its own (past) times');
RESET ROLE;
UPDATE pt_d m SET id = d.id FROM tthc.dossier d WHERE d.code = m.code AND m.id IS NULL;
SET ROLE pt_pool_b;
SET LOCAL tthc.actor = 'pt_b1';
SELECT lives_ok($$SELECT tthc.transition(pg_temp.pt_code('p_proc'), 'processing')$$,
                'pt_b1 moves the portal''s p_proc on to processing at TB');
SET LOCAL tthc.actor = '';
RESET ROLE;

SELECT is((SELECT string_agg(m.tag || ':' || d.receiving_unit || ':' || d.status || ':' || d.event_seq || ':' || d.portal_seq
                             || ':' || coalesce(d.portal_code, '-'), ' ' ORDER BY m.tag) FROM pt_d m JOIN tthc.dossier d ON d.id = m.id),
          'a_bad:TA:received:1:0:- a_desk:TA:received:1:0:- b_bad:TB:received:1:0:- b_desk:TB:received:1:0:-'
          || ' p_bad:TB:submitted:1:0:DVC-PT-0004 p_proc:TB:processing:2:0:DVC-PT-0003 p_recv:TA:received:1:0:DVC-PT-0002'
          || ' p_sub:TA:submitted:1:0:DVC-PT-0001',
          'fixture: units, statuses, events, none acknowledged, the portal''s MaHoSo on its own four');
SELECT is((SELECT string_agg(m.tag || ':' || (d.received_at < now() - interval '1 day')::text, ' ' ORDER BY m.tag)
           FROM pt_d m JOIN tthc.dossier d ON d.id = m.id WHERE m.tag IN ('a_desk', 'p_recv', 'p_proc')),
          'a_desk:false p_proc:true p_recv:true', 'fixture: the portal''s acceptances are dated at its times (2 days ago)');
SELECT is((SELECT string_agg(m.tag || ':' || i.field || ':' || i.rule, ' ' ORDER BY m.tag, i.field)
           FROM tthc.data_issues() i JOIN pt_d m ON m.code = i.code),
          'a_bad:applicant_phone:phone_shape b_bad:applicant_email:email_shape p_bad:applicant_phone:phone_shape',
          'fixture: a data issue planted in each unit''s in-person dossiers and in a portal dossier');
SELECT is((SELECT count(*)::int FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM pt_d)), 0,
          'fixture: every control slip verifies');
INSERT INTO pt_mark VALUES ('fixture', pg_temp.pt_traces());

-- ===================================================================
-- 1. The portal's login reading: SELECT, COPY TO, the functions, the view
-- ===================================================================

SET ROLE pt_portal;
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag, ' ' ORDER BY m.tag) FROM tthc.dossier d JOIN pt_d m ON m.id = d.id$$),
          'p_bad p_proc p_recv p_sub', 'the portal''s login reads the dossiers the portal sent, at both units');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.dossier WHERE portal_code IS NULL$$), '0',
          'and no dossier the portal did not send');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.dossier WHERE id IN (pg_temp.pt_id('a_desk'), pg_temp.pt_id('b_desk'))
                                                           OR code IN (pg_temp.pt_code('a_bad'), pg_temp.pt_code('b_bad'))$$), '0',
          'asked for the in-person dossiers of TA and TB by id and code, it gets none');
SELECT lives_ok($$SELECT count(*) FROM tthc.dossier WHERE pg_temp.pt_trap(id, 'a\_') AND pg_temp.pt_trap(id, 'b\_')$$,
                'its own function in a WHERE sees no in-person dossier of either unit');
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier_event$$, '42501', 'permission denied for table dossier_event',
                 'it cannot read the event log (the progress comes from tthc.portal_progress)');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_queue$$, '42501', 'permission denied for table portal_queue',
                 'nor tthc.portal_queue (leases, responses)');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || i.field, ' ' ORDER BY m.tag) FROM tthc.data_issues() i JOIN pt_d m ON m.code = i.code$$),
          'p_bad:applicant_phone', 'tthc.data_issues() for it: the issues of the portal''s own dossiers only (not a_bad''s or b_bad''s)');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.data_issues(pg_temp.pt_code('b_bad'))$$), '0',
          'asked for b_bad''s issues by code: none');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.portal_status_map$$), '10', 'it reads the status map');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_dossier(pg_temp.pt_code('p_recv')) ->> 'MaHoSo'$$), 'DVC-PT-0002',
          'tthc.portal_dossier of its p_recv: the record, under the portal''s MaHoSo');
SELECT is(pg_temp.pt_q($$SELECT (tthc.portal_dossier(pg_temp.pt_code('a_desk')) ->> 'MaHoSo') = pg_temp.pt_code('a_desk')$$), 'true',
          'and of an in-person dossier (the sync sends every dossier: the payloads are not bound by the SELECT policy)');
SELECT is(pg_temp.pt_q($$SELECT jsonb_array_length(tthc.portal_progress(pg_temp.pt_code('p_proc')))$$), '2',
          'tthc.portal_progress of p_proc: its two events');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag, ' ' ORDER BY m.tag) FROM tthc.portal_outbox o JOIN pt_d m ON m.code = o.code$$),
          'a_bad a_desk b_bad b_desk p_bad p_proc p_recv p_sub', 'tthc.portal_outbox: every dossier with events the portal lacks');
RESET ROLE;

-- COPY TO: what SELECT sees, no more
SET ROLE pt_portal;
\copy tthc.dossier TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-portal-copy.$PPID'
\set pt_lines_portal `cat /tmp/tthc-portal-copy.$PPID; rm -f /tmp/tthc-portal-copy.$PPID`
\copy (SELECT * FROM tthc.dossier WHERE portal_code IS NULL) TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-portal-copy.$PPID'
\set pt_lines_portal_null `cat /tmp/tthc-portal-copy.$PPID; rm -f /tmp/tthc-portal-copy.$PPID`
RESET ROLE;
SELECT is(:'pt_lines_portal'::int, (SELECT count(*)::int FROM tthc.dossier WHERE portal_code IS NOT NULL),
          'the portal''s COPY tthc.dossier TO: the dossiers it sent only');
SELECT is(:'pt_lines_portal_null'::text, '0', 'its COPY (SELECT … WHERE portal_code IS NULL) TO: nothing');

-- ===================================================================
-- 2. The portal's login writing the tables directly: INSERT, UPDATE,
-- ON CONFLICT, COPY FROM
-- ===================================================================

INSERT INTO pt_mark VALUES ('direct', pg_temp.pt_traces());
SET ROLE pt_portal;
-- the columns tthc keeps
SELECT throws_ok($$UPDATE tthc.dossier SET portal_seq = event_seq WHERE code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'permission denied for table dossier', 'the portal''s login cannot acknowledge by hand (UPDATE portal_seq)');
SELECT throws_ok($$UPDATE tthc.dossier SET event_seq = 0 WHERE code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'permission denied for table dossier', 'nor UPDATE event_seq');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_code = 'DVC-PT-9999' WHERE code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'permission denied for table dossier', 'nor portal_code');
SELECT throws_ok($$UPDATE tthc.dossier SET due_at = now() + interval '1 year' WHERE code = pg_temp.pt_code('p_recv')$$,
                 '42501', 'permission denied for table dossier', 'nor due_at');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET note = 'từ cổng' WHERE code = pg_temp.pt_code('p_sub')$$), 'written 1',
          'it may UPDATE the note of its submitted p_sub');
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name, portal_seq)
                   VALUES ('DVC-PT-0101', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới', 5)$$,
                 '42501', 'permission denied for table dossier', 'nor INSERT a dossier already acknowledged (portal_seq)');
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name, event_seq)
                   VALUES ('DVC-PT-0101', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới', 0)$$,
                 '42501', 'permission denied for table dossier', 'nor name its event_seq');
SELECT throws_ok($$INSERT INTO tthc.dossier (code, portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                   VALUES (pg_temp.pt_code('a_desk'), 'DVC-PT-0101', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới')$$,
                 '42501', 'permission denied for table dossier', 'nor choose its code');
-- what the portal may insert: its own, submitted or received
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, submitted_at, applicant_name)
                   VALUES ('8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới')$$,
                 '42501', 'new row violates row-level security policy for table "dossier"',
                 'nor INSERT a dossier without a portal_code (row security: portal_inbox)');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
                   VALUES ('8.000009', 'TB', now(), 'Trần Văn Mới')$$,
                 '42501', 'new row violates row-level security policy for table "dossier"', 'nor an in-person one at TB');
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                   VALUES ('DVC-PT-0101', '8.000009', 'TA', 'processing', now(), 'Trần Văn Mới')$$,
                 '55000', NULL, 'nor a dossier already processing');
SELECT is(pg_temp.pt_try($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                           VALUES ('DVC-PT-0101', '8.000009', 'TA', 'submitted', now() - interval '1 day', 'Trần Văn Mới')$$), 'written 1',
          'it may INSERT a submitted dossier with its MaHoSo (dated a day back: the portal''s time)');
-- the dossiers it did not send
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET note = 'hijack' WHERE code IN (pg_temp.pt_code('a_desk'), pg_temp.pt_code('b_desk'))$$),
          'written 0', 'its UPDATE of the in-person a_desk and b_desk changes no row');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET applicant_phone = '0900000000' WHERE id IN (pg_temp.pt_id('a_bad'), pg_temp.pt_id('b_bad'))$$),
          'written 0', 'nor of a_bad and b_bad by id');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET note = 'hijack' WHERE portal_code IS NULL$$), 'written 0',
          'nor of every dossier without a portal_code');
SELECT lives_ok($$UPDATE tthc.dossier SET note = note WHERE pg_temp.pt_trap(id, 'a\_') AND pg_temp.pt_trap(id, 'b\_')$$,
                'its own function in an UPDATE''s WHERE sees no in-person dossier');
-- its own, once the province moved it on, and moves past received
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET applicant_phone = '0900000000' WHERE code = pg_temp.pt_code('p_proc')$$), 'written 0',
          'its UPDATE of p_proc, processing at TB, changes no row (portal_update: submitted or received)');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET status = 'withdrawn' WHERE code = pg_temp.pt_code('p_proc')$$), 'written 0',
          'nor withdraws it');
SELECT throws_ok($$UPDATE tthc.dossier SET status = 'processing' WHERE code = pg_temp.pt_code('p_recv')$$,
                 '42501', 'new row violates row-level security policy for table "dossier"',
                 'it cannot move its received p_recv on to processing (the province''s move)');
SELECT throws_ok($$UPDATE tthc.dossier SET status = 'resolved' WHERE code = pg_temp.pt_code('p_recv')$$, '55000', NULL,
                 'nor to resolved');
SELECT throws_ok($$UPDATE tthc.dossier SET status = 'submitted' WHERE code = pg_temp.pt_code('p_recv')$$, '55000', NULL,
                 'nor take its acceptance back (received to submitted: 55000)');
SELECT throws_ok($$UPDATE tthc.dossier SET status = 'refused' WHERE code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'new row violates row-level security policy for table "dossier"', 'nor refuse its submitted p_sub');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET status = 'received', changed_at = now() - interval '1 day' WHERE code = pg_temp.pt_code('p_sub')$$),
          'written 1', 'it may accept p_sub (dated a day back)');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET status = 'withdrawn' WHERE code = pg_temp.pt_code('p_recv')$$), 'written 1',
          'and withdraw p_recv');
SELECT throws_ok($$UPDATE tthc.dossier SET handling_unit = 'TB' WHERE code = pg_temp.pt_code('p_recv')$$, '428C9', NULL,
                 'it cannot hand its received p_recv to TB (the unit is the province''s once accepted)');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET handling_unit = 'TB' WHERE code = pg_temp.pt_code('p_sub')$$), 'written 1',
          'but may correct the unit of its submitted p_sub');
-- ON CONFLICT
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                   VALUES ('DVC-PT-0003', '8.000009', 'TB', 'submitted', now(), 'Trần Văn Mới')
                   ON CONFLICT (portal_code) DO UPDATE SET applicant_phone = '0900000000'$$,
                 '42501', NULL, 'nor upsert p_proc (ON CONFLICT DO UPDATE: 42501)');
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                   VALUES ('DVC-PT-0002', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới')
                   ON CONFLICT (portal_code) DO UPDATE SET status = 'processing'$$,
                 '42501', NULL, 'nor move p_recv to processing by upsert');
SELECT is(pg_temp.pt_try($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                           VALUES ('DVC-PT-0003', '8.000009', 'TB', 'submitted', now(), 'Trần Văn Mới') ON CONFLICT DO NOTHING$$),
          'written 0', 'ON CONFLICT DO NOTHING on p_proc writes nothing');
SELECT is(pg_temp.pt_try($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                           VALUES ('DVC-PT-0002', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới')
                           ON CONFLICT (portal_code) DO UPDATE SET note = 'từ cổng'$$),
          'written 1', 'an upsert of its received p_recv goes through');
-- the status map and the internal functions
SELECT throws_ok($$INSERT INTO tthc.portal_status_map (status, code) VALUES ('processing', '2')$$,
                 '42501', 'permission denied for table portal_status_map', 'nor write the status map (INSERT)');
SELECT throws_ok($$UPDATE tthc.portal_status_map SET code = '2' WHERE status = 'processing'$$,
                 '42501', 'permission denied for table portal_status_map', 'nor UPDATE it');
SELECT throws_ok($$DELETE FROM tthc.portal_status_map$$, '42501', 'permission denied for table portal_status_map', 'nor DELETE from it');
SELECT throws_ok($$TRUNCATE tthc.portal_status_map$$, '42501', 'permission denied for table portal_status_map', 'nor TRUNCATE it');
SELECT throws_ok($$INSERT INTO tthc.portal_queue (dossier_id, record_seq) VALUES (pg_temp.pt_id('p_sub'), 1)$$,
                 '42501', 'permission denied for table portal_queue', 'nor write tthc.portal_queue');
SELECT throws_ok($$SELECT setval('tthc.dossier_id_seq', 1)$$, '42501', 'permission denied for sequence dossier_id_seq',
                 'nor set the dossier id sequence back (it may only take ids from it)');
SELECT throws_ok($$SELECT tthc.portal_mark(pg_temp.pt_id('p_sub'), 1)$$, '42501', 'permission denied for function portal_mark',
                 'nor call tthc.portal_mark (the owner''s, for tthc.portal_ack)');
SELECT throws_ok($$SELECT tthc.portal_lease(pg_temp.pt_code('p_sub'))$$, '42501', 'permission denied for function portal_lease',
                 'nor tthc.portal_lease');
SELECT throws_ok($$SELECT tthc.portal_record(d) FROM tthc.dossier d WHERE d.code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'permission denied for function portal_record', 'nor tthc.portal_record');
SELECT throws_ok($$SELECT tthc.portal_events(d, 0, 10) FROM tthc.dossier d WHERE d.code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'permission denied for function portal_events', 'nor tthc.portal_events');
SELECT throws_ok($$SELECT tthc.portal_verified(d) FROM tthc.dossier d WHERE d.code = pg_temp.pt_code('p_sub')$$,
                 '42501', 'permission denied for function portal_verified', 'nor tthc.portal_verified');
SELECT throws_ok($$SELECT tthc.transition(pg_temp.pt_code('p_recv'), 'processing')$$, '42501', NULL,
                 'nor move p_recv on through tthc.transition');
RESET ROLE;

-- COPY FROM into tthc.dossier
\set ON_ERROR_STOP 0
SET ROLE pt_portal;
SAVEPOINT pt_copy;   -- after SET ROLE: rolling back to it keeps the role
\copy tthc.dossier (portal_code, procedure_code, receiving_unit, status, received_at, applicant_name) FROM PROGRAM 'printf "DVC-PT-0102\\t8.000009\\tTA\\treceived\\t2026-01-01\\tCopy\\n"'
\set pt_copy_p1 :SQLSTATE
ROLLBACK TO SAVEPOINT pt_copy;
\copy tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name) FROM PROGRAM 'printf "8.000009\\tTB\\t2026-01-01\\tCopy\\n"'
\set pt_copy_p2 :SQLSTATE
ROLLBACK TO SAVEPOINT pt_copy;
RELEASE SAVEPOINT pt_copy;
SET ROLE pt_pool_a;
SAVEPOINT pt_copy;
\copy tthc.dossier (portal_code, procedure_code, receiving_unit, received_at, applicant_name) FROM PROGRAM 'printf "DVC-PT-0103\\t8.000009\\tTA\\t2026-01-01\\tCopy\\n"'
\set pt_copy_a1 :SQLSTATE
ROLLBACK TO SAVEPOINT pt_copy;
RELEASE SAVEPOINT pt_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'pt_copy_p1'::text, '0A000', 'the portal''s login cannot COPY dossiers in (row security: 0A000)');
SELECT is(:'pt_copy_p2'::text, '0A000', 'nor an in-person one of TB');
SELECT is(:'pt_copy_a1'::text, '0A000', 'nor can pt_pool_a COPY a dossier with a portal_code in');
SELECT is(pg_temp.pt_traces(), (SELECT v FROM pt_mark WHERE k = 'direct'),
          'the refused writes left every dossier, event, number, the queue and the status map as they were');

-- ===================================================================
-- 3. The inbox once the province moved a dossier on
-- ===================================================================

INSERT INTO pt_mark VALUES ('inbox', pg_temp.pt_traces());
SET ROLE pt_portal;
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days', phone => '0900000000'))$$,
                 '42501', NULL, 'a later record of p_proc (processing at TB) with a new phone: 42501');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days') || '{"TrangThaiHoSo": "7"}')$$,
                 '42501', NULL, 'withdrawing p_proc from the portal: 42501');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days') || '{"GhiChu": "x"}')$$,
                 '42501', NULL, 'a note on it: 42501');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days'))$$),
          (SELECT code FROM pt_d WHERE tag = 'p_proc'), 'the same record as before changes nothing and answers its code');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0005', 'TA', '1 day') || '{"TrangThaiHoSo": "4"}')$$,
                 '22023', NULL, 'a new record arriving processing: 22023');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0005', 'TA', '1 day') || '{"TrangThaiHoSo": "7"}')$$,
                 '22023', NULL, 'nor withdrawn');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0002', 'TA', '3 days', '2 days', phone => '0900000000'))$$),
          'written 1', 'a new phone for its received p_recv goes through');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0001', 'TA', '3 days', '1 day'))$$), 'written 1',
          'and the acceptance of its submitted p_sub');
SELECT matches(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec(pg_temp.pt_code('a_desk'), 'TB', '1 day'))$$), '^error ',
               'forged code: a record whose MaHoSo is the code of TA''s in-person a_desk is refused (the outbox would send two a_desk)');
RESET ROLE;
SELECT is(pg_temp.pt_traces(), (SELECT v FROM pt_mark WHERE k = 'inbox'), 'the refused records changed nothing');

-- ===================================================================
-- 4. tthc.strict_applicant_id is the superuser's
-- ===================================================================

SET LOCAL tthc.strict_applicant_id = on;
SET ROLE pt_portal;
SELECT throws_ok($$SET LOCAL tthc.strict_applicant_id = off$$, '42501', NULL, 'the portal''s login cannot SET tthc.strict_applicant_id off');
SELECT throws_ok($$SELECT set_config('tthc.strict_applicant_id', 'off', true)$$, '42501', NULL, 'nor through set_config');
SELECT throws_ok($$RESET tthc.strict_applicant_id$$, '42501', NULL, 'nor RESET it');
SELECT throws_ok($$ALTER ROLE CURRENT_USER SET tthc.strict_applicant_id = off$$, '42501', NULL, 'nor ALTER ROLE itself SET it');
SELECT throws_ok($$CREATE FUNCTION pg_temp.pt_lax() RETURNS text LANGUAGE sql SET tthc.strict_applicant_id = off
                   AS 'SELECT tthc.portal_receive(NULL)'$$, '42501', NULL,
                 'nor create a function of its own that SETs it');
SELECT is(current_setting('tthc.strict_applicant_id'), 'on', 'it is still on');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0006', 'TA', '1 day', id_no => '12345'))$$,
                 '22023', NULL, 'so a record whose citizen ID has 5 digits is refused (22023)');
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name, applicant_id, applicant_type)
                   VALUES ('DVC-PT-0006', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới', '0300000001', 1)$$,
                 '22023', NULL, 'as is an INSERT of one whose citizen ID is a tax code');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0006', 'TA', '1 day'))$$), 'written 1',
          'and the same record with a 12-digit citizen ID goes through');
SET ROLE pt_pool_a;
SELECT throws_ok($$SET LOCAL tthc.strict_applicant_id = off$$, '42501', NULL, 'an officer cannot SET it off');
SET ROLE pt_admin;
SELECT throws_ok($$SET LOCAL tthc.strict_applicant_id = off$$, '42501', NULL, 'nor the administrator');
RESET ROLE;
SET LOCAL tthc.strict_applicant_id = off;

-- ===================================================================
-- 5. The officers: the inbox for the other unit, data issues, the
-- portal's functions and columns, the MaHoSo of another unit's dossier
-- ===================================================================

INSERT INTO pt_mark VALUES ('officers', pg_temp.pt_traces());
SET ROLE pt_pool_a;
SET LOCAL tthc.actor = 'pt_a1';
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0201', 'TB', '0 s', '0 s'))$$, '42501', NULL,
                 'pt_pool_a naming pt_a1 cannot take in a record for TB (DonViXuLy): 42501');
SET LOCAL tthc.actor = '';
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0201', 'TB', '0 s', '0 s'))$$, '42501',
                 'new row violates row-level security policy for table "dossier"', 'nor naming nobody (row security)');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0201', 'TB', '0 s'))$$, '42501', NULL, 'nor as submitted');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days', phone => '0900000000'))$$,
                 '42501', NULL, 'nor a later record of TB''s p_proc');
SET LOCAL tthc.actor = 'pt_b1';
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0202', 'TA', '0 s', '0 s'))$$, '42501', NULL,
                 'naming TB''s pt_b1, it cannot take in a record for its own TA');
SET LOCAL tthc.actor = 'pt_a1';
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0203', 'TA', '1 day', '1 day'))$$, '42501', NULL,
                 'nor, naming pt_a1, a record dated a day back (only the portal''s login dates at the portal''s times)');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0204', 'TA', '0 s', '0 s'))$$), 'written 1',
          'a record for its own TA, received now, goes through');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0002', 'TA', '3 days', '2 days', phone => '0900000000'))$$),
          'written 1', 'and a new phone for TA''s portal dossier p_recv');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || i.field, ' ' ORDER BY m.tag) FROM tthc.data_issues() i JOIN pt_d m ON m.code = i.code$$),
          'a_bad:applicant_phone', 'tthc.data_issues() for pt_pool_a: TA''s a_bad only, not TB''s b_bad or p_bad');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.data_issues(pg_temp.pt_code('b_bad'))$$), '0', 'asked for b_bad by code: none');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.data_issues() WHERE code LIKE 'TB-%'$$), '0', 'no issue of any TB dossier');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(10)$$, '42501', 'permission denied for function portal_claim',
                 'it cannot call tthc.portal_claim');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('a_desk'), 1, '{}')$$, '42501', 'permission denied for function portal_ack',
                 'nor tthc.portal_ack of its own a_desk');
SELECT throws_ok($$SELECT tthc.portal_ack_record(pg_temp.pt_code('a_desk'), 1, '{}')$$, '42501',
                 'permission denied for function portal_ack_record', 'nor tthc.portal_ack_record');
SELECT throws_ok($$SELECT tthc.portal_release(pg_temp.pt_code('a_desk'))$$, '42501',
                 'permission denied for function portal_release', 'nor tthc.portal_release');
SELECT throws_ok($$SELECT tthc.portal_fail(pg_temp.pt_code('a_desk'), 'x')$$, '42501', 'permission denied for function portal_fail',
                 'nor tthc.portal_fail');
SELECT throws_ok($$SELECT tthc.portal_dossier(pg_temp.pt_code('b_desk'))$$, '42501', 'permission denied for function portal_dossier',
                 'nor tthc.portal_dossier of TB''s b_desk (the payload, the applicant''s data in clear)');
SELECT throws_ok($$SELECT tthc.portal_dossier(pg_temp.pt_code('a_desk'))$$, '42501', 'permission denied for function portal_dossier',
                 'nor of its own a_desk');
SELECT throws_ok($$SELECT tthc.portal_progress(pg_temp.pt_code('b_desk'))$$, '42501', 'permission denied for function portal_progress',
                 'nor tthc.portal_progress');
SELECT throws_ok($$SELECT tthc.portal_mark(pg_temp.pt_id('a_desk'), 1)$$, '42501', 'permission denied for function portal_mark',
                 'nor tthc.portal_mark');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_outbox$$, '42501', 'permission denied for view portal_outbox',
                 'nor read tthc.portal_outbox');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_queue$$, '42501', 'permission denied for table portal_queue',
                 'nor tthc.portal_queue');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_seq = event_seq WHERE code = pg_temp.pt_code('a_desk')$$, '428C9', NULL,
                 'it cannot acknowledge its own a_desk by hand (portal_seq: 428C9)');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_seq = NULL WHERE code = pg_temp.pt_code('a_bad')$$, '428C9', NULL,
                 'nor take a_bad out of the outbox (portal_seq NULL)');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_code = 'DVC-PT-0205' WHERE code = pg_temp.pt_code('a_desk')$$, '428C9', NULL,
                 'nor give a_desk a portal_code (it would open it to the portal''s login)');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_code = NULL WHERE code = pg_temp.pt_code('p_recv')$$, '428C9', NULL,
                 'nor take p_recv''s away');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, portal_seq) VALUES ('8.000009', 'TA', 'Trần Văn Mới', 3)$$,
                 '428C9', NULL, 'nor INSERT a dossier already acknowledged');
SELECT throws_ok($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES (pg_temp.pt_code('a_desk'), '8.000009', 'TA', now())
                   ON CONFLICT (code) DO UPDATE SET portal_code = 'DVC-PT-0205'$$, '428C9', NULL, 'nor upsert a portal_code onto a_desk');
SELECT throws_ok($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES (pg_temp.pt_code('a_desk'), '8.000009', 'TA', now())
                   ON CONFLICT (code) DO UPDATE SET portal_seq = 1$$, '428C9', NULL, 'nor a portal_seq');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET note = 'ghi chú' WHERE code = pg_temp.pt_code('a_desk')$$), 'written 1',
          'it may UPDATE a_desk''s note (a change the outbox will carry)');
SELECT is(pg_temp.pt_try($$UPDATE tthc.dossier SET portal_seq = event_seq WHERE code = pg_temp.pt_code('b_desk')$$), 'written 0',
          'its UPDATE of TB''s b_desk portal_seq changes no row');
-- the MaHoSo the outbox sends is coalesce(portal_code, code): another
-- dossier's code as a portal_code sends the forgery under that dossier's name
SELECT matches(pg_temp.pt_try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id, portal_code)
                                VALUES ('8.000009', 'TA', 'Giả Mạo', '022088009999', pg_temp.pt_code('b_desk'))$$), '^error ',
               'forged code: it cannot INSERT a TA dossier whose portal_code is TB''s b_desk''s code (the outbox would send it as b_desk)');
SELECT matches(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec(pg_temp.pt_code('b_bad'), 'TA', '0 s', '0 s'))$$), '^error ',
               'forged code: nor take in a record for TA whose MaHoSo is TB''s b_bad''s code');
SELECT is(pg_temp.pt_try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id, portal_code)
                           VALUES ('8.000009', 'TA', 'Người Thật', '022088009999', 'DVC-PT-0206')$$), 'written 1',
          'a TA dossier with a MaHoSo of the portal''s goes through');
SET LOCAL tthc.actor = '';
SET ROLE pt_pool_b;
SET LOCAL tthc.actor = 'pt_b1';
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0207', 'TA', '0 s', '0 s'))$$, '42501', NULL,
                 'pt_pool_b naming pt_b1 cannot take in a record for TA');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0002', 'TA', '3 days', '2 days', phone => '0900000000'))$$,
                 '42501', NULL, 'nor a later record of TA''s p_recv (row security: it inserts, for TA)');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0002', 'TB', '0 s', '0 s'))$$, '23505', NULL,
                 'p_recv''s MaHoSo for TB: the unique MaHoSo refuses it (23505), nothing of p_recv is read or changed');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0208', 'TB', '0 s'))$$), 'written 1',
          'a record for its own TB goes through');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || i.field, ' ' ORDER BY m.tag) FROM tthc.data_issues() i JOIN pt_d m ON m.code = i.code$$),
          'b_bad:applicant_email p_bad:applicant_phone', 'tthc.data_issues() for pt_pool_b: TB''s b_bad and p_bad, not TA''s a_bad');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.data_issues(pg_temp.pt_code('a_bad'))$$), '0', 'asked for a_bad by code: none');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(10)$$, '42501', 'permission denied for function portal_claim',
                 'it cannot call tthc.portal_claim');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('b_desk'), 1, '{}')$$, '42501', 'permission denied for function portal_ack',
                 'nor tthc.portal_ack');
SELECT throws_ok($$SELECT tthc.portal_release(pg_temp.pt_code('b_desk'))$$, '42501', 'permission denied for function portal_release',
                 'nor tthc.portal_release');
SELECT throws_ok($$SELECT tthc.portal_fail(pg_temp.pt_code('b_desk'), 'x')$$, '42501', 'permission denied for function portal_fail',
                 'nor tthc.portal_fail');
SELECT throws_ok($$SELECT tthc.portal_dossier(pg_temp.pt_code('a_desk'))$$, '42501', 'permission denied for function portal_dossier',
                 'nor tthc.portal_dossier of TA''s a_desk');
SELECT throws_ok($$SELECT tthc.portal_progress(pg_temp.pt_code('p_proc'))$$, '42501', 'permission denied for function portal_progress',
                 'nor tthc.portal_progress of its own p_proc');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_outbox$$, '42501', 'permission denied for view portal_outbox',
                 'nor read tthc.portal_outbox');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_queue$$, '42501', 'permission denied for table portal_queue',
                 'nor tthc.portal_queue');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_seq = event_seq WHERE code = pg_temp.pt_code('p_proc')$$, '428C9', NULL,
                 'nor acknowledge its p_proc by hand (428C9)');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_code = 'DVC-PT-0209' WHERE code = pg_temp.pt_code('p_proc')$$, '428C9', NULL,
                 'nor change p_proc''s portal_code');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is(pg_temp.pt_traces(), (SELECT v FROM pt_mark WHERE k = 'officers'), 'the officers'' refused acts left nothing');

-- ===================================================================
-- 6. The reader, the auditor, the administrator, and a login in no
-- tthc role
-- ===================================================================

INSERT INTO pt_mark VALUES ('roles', pg_temp.pt_traces());
SET ROLE pt_reader;
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.portal_status_map$$), '10', 'a reader reads the status map');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_status('received') || ' ' || tthc.portal_time('2026-01-01 00:00+00')$$), '2 20260101070000',
          'and calls the status and time helpers');
SELECT throws_ok($$SELECT count(*) FROM tthc.data_issues()$$, '42501', 'permission denied for function data_issues',
                 'it cannot call tthc.data_issues (it names dossiers and what is wrong with their applicant''s data)');
SELECT throws_ok($$SELECT tthc.portal_dossier(pg_temp.pt_code('a_desk'))$$, '42501', 'permission denied for function portal_dossier',
                 'nor tthc.portal_dossier');
SELECT throws_ok($$SELECT tthc.portal_progress(pg_temp.pt_code('a_desk'))$$, '42501', 'permission denied for function portal_progress',
                 'nor tthc.portal_progress');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0301', 'TA', '1 day'))$$, '42501',
                 'permission denied for function portal_receive', 'nor tthc.portal_receive');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(1)$$, '42501', 'permission denied for function portal_claim', 'nor tthc.portal_claim');
SELECT throws_ok($$SELECT tthc.portal_release('x')$$, '42501', 'permission denied for function portal_release', 'nor tthc.portal_release');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_outbox$$, '42501', 'permission denied for view portal_outbox', 'nor read the outbox');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_queue$$, '42501', 'permission denied for table portal_queue', 'nor the queue');
SELECT throws_ok($$INSERT INTO tthc.portal_status_map (status, code) VALUES ('processing', '2')$$, '42501',
                 'permission denied for table portal_status_map', 'nor write the status map');
SET ROLE pt_auditor;
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag, ' ' ORDER BY m.tag) FROM tthc.portal_outbox o JOIN pt_d m ON m.code = o.code$$),
          'a_bad a_desk b_bad b_desk p_bad p_proc p_recv p_sub', 'the auditor reads the outbox');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.portal_queue$$), (SELECT count(*)::text FROM tthc.portal_queue), 'and the queue');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || i.field, ' ' ORDER BY m.tag) FROM tthc.data_issues() i JOIN pt_d m ON m.code = i.code$$),
          'a_bad:applicant_phone b_bad:applicant_email p_bad:applicant_phone', 'and every unit''s data issues');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_dossier(pg_temp.pt_code('b_desk')) ->> 'ChuHoSo'$$), 'Hoàng Văn Bình',
          'and any dossier''s payload');
SELECT is(pg_temp.pt_q($$SELECT jsonb_array_length(tthc.portal_progress(pg_temp.pt_code('p_proc')))$$), '2', 'and its progress');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(1)$$, '42501', 'permission denied for function portal_claim',
                 'it cannot claim (the sync''s)');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('a_desk'), 1, '{}')$$, '42501', 'permission denied for function portal_ack',
                 'nor acknowledge');
SELECT throws_ok($$SELECT tthc.portal_fail(pg_temp.pt_code('a_desk'), 'x')$$, '42501', 'permission denied for function portal_fail',
                 'nor fail a dossier');
SELECT throws_ok($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0302', 'TA', '1 day'))$$, '42501',
                 'permission denied for function portal_receive', 'nor take a record in');
SELECT throws_ok($$UPDATE tthc.portal_queue SET attempts = 0$$, '42501', 'permission denied for table portal_queue', 'nor write the queue');
SELECT throws_ok($$INSERT INTO tthc.portal_status_map (status, code) VALUES ('processing', '2')$$, '42501',
                 'permission denied for table portal_status_map', 'nor the status map');
SELECT throws_ok($$SELECT tthc.portal_mark(pg_temp.pt_id('a_desk'), 1)$$, '42501', 'permission denied for function portal_mark',
                 'nor call tthc.portal_mark');
SET ROLE pt_admin;
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.portal_queue$$), (SELECT count(*)::text FROM tthc.portal_queue),
          'the administrator reads the queue');
SELECT throws_ok($$UPDATE tthc.portal_queue SET held_seq = NULL$$, '42501', 'permission denied for table portal_queue',
                 'but cannot release a hold by UPDATE');
SELECT throws_ok($$DELETE FROM tthc.portal_queue$$, '42501', 'permission denied for table portal_queue', 'nor DELETE from the queue');
SELECT throws_ok($$SELECT tthc.portal_mark(pg_temp.pt_id('a_desk'), 1)$$, '42501', 'permission denied for function portal_mark',
                 'nor call tthc.portal_mark');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_seq = event_seq WHERE code = pg_temp.pt_code('b_desk')$$, '428C9', NULL,
                 'nor write portal_seq (428C9)');
SELECT throws_ok($$UPDATE tthc.dossier SET portal_code = 'DVC-PT-0303' WHERE code = pg_temp.pt_code('b_desk')$$, '428C9', NULL,
                 'nor portal_code');
SELECT throws_ok($$UPDATE tthc.portal_status_map SET code = '2' WHERE shipped AND status = 'processing'$$, '55000', NULL,
                 'nor change a shipped row of the status map (55000)');
SELECT throws_ok($$DELETE FROM tthc.portal_status_map WHERE shipped$$, '55000', NULL, 'nor delete one');
SELECT throws_ok($$TRUNCATE tthc.portal_status_map$$, '42501', 'permission denied for table portal_status_map', 'nor TRUNCATE the map');
SELECT throws_ok($$INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('processing', '2', true)$$, '23505', NULL,
                 'nor pass a row of its own off as shipped');
SELECT is(pg_temp.pt_try($$INSERT INTO tthc.portal_status_map (status, code) VALUES ('processing', '12')$$), 'written 1',
          'it may add a row of its own (the province''s code)');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_dossier(pg_temp.pt_code('b_desk')) ->> 'MaHoSo'$$), (SELECT code FROM pt_d WHERE tag = 'b_desk'),
          'and read any payload');
SELECT is(pg_temp.pt_try($$SELECT count(*) FROM tthc.portal_claim(1)$$), 'written 1', 'and run the sync''s claim');
RESET ROLE;
SET ROLE pt_outsider;
SELECT is(pg_temp.pt_q($$SELECT string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text) FROM pg_proc p
                        WHERE p.pronamespace = 'tthc'::regnamespace AND (p.proname LIKE 'portal\_%' OR p.proname LIKE '%\_issue%')
                          AND has_function_privilege(p.oid, 'EXECUTE')$$), '<null>',
          'a login in no tthc role may EXECUTE none of the portal''s functions (nor applicant_id_issue, dossier_issues, data_issues)');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(1)$$, '42501', 'permission denied for function portal_claim', 'it cannot call portal_claim');
SELECT throws_ok($$SELECT tthc.portal_ack('x', 0, '{}')$$, '42501', 'permission denied for function portal_ack', 'nor portal_ack');
SELECT throws_ok($$SELECT tthc.portal_release('x')$$, '42501', 'permission denied for function portal_release', 'nor portal_release');
SELECT throws_ok($$SELECT tthc.portal_reply('{}')$$, '42501', 'permission denied for function portal_reply', 'nor portal_reply');
SELECT throws_ok($$SELECT tthc.portal_ack_record('x', 1, '{}')$$, '42501', 'permission denied for function portal_ack_record',
                 'nor portal_ack_record');
SELECT throws_ok($$SELECT tthc.portal_fail('x', 'x')$$, '42501', 'permission denied for function portal_fail', 'nor portal_fail');
SELECT throws_ok($$SELECT tthc.portal_dossier(pg_temp.pt_code('a_desk'))$$, '42501', 'permission denied for function portal_dossier',
                 'nor portal_dossier');
SELECT throws_ok($$SELECT tthc.portal_progress(pg_temp.pt_code('a_desk'))$$, '42501', 'permission denied for function portal_progress',
                 'nor portal_progress');
SELECT throws_ok($$SELECT tthc.portal_receive('{}')$$, '42501', 'permission denied for function portal_receive', 'nor portal_receive');
SELECT throws_ok($$SELECT tthc.portal_mark(1, 1)$$, '42501', 'permission denied for function portal_mark', 'nor portal_mark');
SELECT throws_ok($$SELECT * FROM tthc.data_issues()$$, '42501', 'permission denied for function data_issues', 'nor data_issues');
SELECT throws_ok($$SELECT tthc.dossier_issues(NULL::tthc.dossier)$$, '42501', 'permission denied for function dossier_issues',
                 'nor dossier_issues');
SELECT throws_ok($$SELECT tthc.applicant_id_issue(1::smallint, 1::smallint, '1')$$, '42501', 'permission denied for function applicant_id_issue',
                 'nor applicant_id_issue');
SELECT throws_ok($$SELECT tthc.portal_status('received')$$, '42501', 'permission denied for function portal_status', 'nor portal_status');
SELECT throws_ok($$SELECT tthc.portal_time(now())$$, '42501', 'permission denied for function portal_time', 'nor portal_time');
SELECT throws_ok($$SELECT tthc.portal_time_in('20260101000000')$$, '42501', 'permission denied for function portal_time_in',
                 'nor portal_time_in');
SELECT throws_ok($$SELECT tthc.portal_field('{}', 'MaHoSo', 'portal_code', 'text')$$, '42501', 'permission denied for function portal_field',
                 'nor portal_field');
SELECT throws_ok($$SELECT tthc.portal_action('status', NULL, 'received')$$, '42501', 'permission denied for function portal_action',
                 'nor portal_action');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_outbox$$, '42501', 'permission denied for view portal_outbox', 'nor read the outbox');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_queue$$, '42501', 'permission denied for table portal_queue', 'nor the queue');
SELECT throws_ok($$SELECT count(*) FROM tthc.portal_status_map$$, '42501', 'permission denied for table portal_status_map',
                 'nor the status map');
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier$$, '42501', 'permission denied for table dossier', 'nor the dossiers');
SELECT throws_ok($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                   VALUES ('DVC-PT-0304', '8.000009', 'TA', 'submitted', now(), 'Trần Văn Mới')$$, '42501', 'permission denied for table dossier',
                 'nor INSERT one');
RESET ROLE;
SELECT is(pg_temp.pt_traces(), (SELECT v FROM pt_mark WHERE k = 'roles'), 'the refused acts of these roles left nothing');

-- ===================================================================
-- 7. The outbox: claim, acknowledge, fail, by the portal's login
-- ===================================================================

SET ROLE pt_portal;
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || c.mahoso || ':' || c.acked_seq || '/' || c.event_seq || ':' || (c.record IS NOT NULL),
                                          ' ' ORDER BY m.tag)
                        FROM tthc.portal_claim(1000) c JOIN pt_d m ON m.code = c.code$$),
          'a_desk:' || pg_temp.pt_code('a_desk') || ':0/1:true b_desk:' || pg_temp.pt_code('b_desk') || ':0/1:true'
          || ' p_proc:DVC-PT-0003:0/2:true p_recv:DVC-PT-0002:0/1:true p_sub:DVC-PT-0001:0/1:true',
          'the portal''s login claims the dossiers without issues, of both units, each with its record');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || o.state, ' ' ORDER BY m.tag) FROM tthc.portal_outbox o JOIN pt_d m ON m.code = o.code$$),
          'a_bad:held a_desk:leased b_bad:held b_desk:leased p_bad:held p_proc:leased p_recv:leased p_sub:leased',
          'those with data issues are held, the others leased to it');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.portal_claim(1000) c JOIN pt_d m ON m.code = c.code$$), '0',
          'a second claim hands out none of them');
RESET ROLE;
SET ROLE pt_pool_a;
SET LOCAL tthc.actor = 'pt_a1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id)
                    VALUES ('8.000009', 'TA', 'Vũ Văn Muộn', '022088001113') RETURNING 'a_late', id, code)
                  INSERT INTO pt_d SELECT * FROM x$$,
                'pt_a1 receives a_late after the claim');
SET LOCAL tthc.actor = '';
RESET ROLE;
SET ROLE pt_auditor;
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || coalesce((q.leased_by = pg_backend_pid())::text, '-') || ':' || (q.held_seq IS NOT NULL),
                                          ' ' ORDER BY m.tag)
                        FROM tthc.portal_queue q JOIN pt_d m ON m.id = q.dossier_id$$),
          'a_bad:-:true a_desk:true:false b_bad:-:true b_desk:true:false p_bad:-:true p_proc:true:false p_recv:true:false p_sub:true:false',
          'the auditor reads the queue: the leases (this backend''s) and the holds');
RESET ROLE;
INSERT INTO pt_mark VALUES ('queue', pg_temp.pt_traces());
SET ROLE pt_portal;
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('a_late'), 1, '{}')$$, '55000', 'dossier ' || pg_temp.pt_code('a_late') || ' was not claimed',
                 'the portal''s login cannot acknowledge a_late, which it never claimed (55000)');
SELECT throws_ok($$SELECT tthc.portal_ack_record(pg_temp.pt_code('a_late'), 1, '{}')$$, '55000', NULL, 'nor its record');
SELECT throws_ok($$SELECT tthc.portal_fail(pg_temp.pt_code('a_late'), 'x')$$, '55000', NULL, 'nor fail it');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('a_bad'), 1, '{}')$$, '55000',
                 'dossier ' || pg_temp.pt_code('a_bad') || ' is held out of the outbox for its data issues',
                 'nor acknowledge the held a_bad (55000)');
SELECT throws_ok($$SELECT tthc.portal_ack_record(pg_temp.pt_code('p_bad'), 1, '{}')$$, '55000', NULL, 'nor the held p_bad''s record');
SELECT throws_ok($$SELECT tthc.portal_fail(pg_temp.pt_code('b_bad'), 'x')$$, '55000', NULL, 'nor fail the held b_bad');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('p_proc'), 3, '{}')$$, '22023', NULL,
                 'nor acknowledge p_proc past its last event (3 of 2: 22023)');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('p_proc'), -1, '{}')$$, '22023', NULL, 'nor up to event -1');
SELECT throws_ok($$SELECT tthc.portal_ack(pg_temp.pt_code('p_proc'), NULL, '{}')$$, '22023', NULL, 'nor up to no event');
SELECT throws_ok($$SELECT tthc.portal_ack_record(pg_temp.pt_code('p_proc'), 3, '{}')$$, '22023', NULL, 'nor its record as of event 3');
SELECT throws_ok($$SELECT tthc.portal_ack_record(pg_temp.pt_code('p_proc'), 0, '{}')$$, '22023', NULL, 'nor as of event 0');
SELECT throws_ok($$SELECT tthc.portal_ack('TA-000000-0000', 1, '{}')$$, '22023', NULL, 'nor a dossier that does not exist');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(0)$$, '22023', NULL, 'a claim of 0 dossiers: 22023');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(10001)$$, '22023', NULL, 'nor of 10 001');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(1, '0 s')$$, '22023', NULL, 'nor with no lease');
SELECT throws_ok($$SELECT * FROM tthc.portal_claim(1, '2 days')$$, '22023', NULL, 'nor a lease of 2 days');
RESET ROLE;
SELECT is(pg_temp.pt_traces(), (SELECT v FROM pt_mark WHERE k = 'queue'), 'the refused acknowledgements moved nothing');
-- a hold is not a claim: b_bad, fixed by TB, was never handed out
SET ROLE pt_pool_b;
SET LOCAL tthc.actor = 'pt_b1';
SELECT lives_ok($$UPDATE tthc.dossier SET applicant_email = 'binh@example.vn' WHERE code = pg_temp.pt_code('b_bad')$$,
                'pt_b1 fixes b_bad''s e-mail (event 2)');
SET LOCAL tthc.actor = '';
RESET ROLE;
INSERT INTO pt_mark VALUES ('fixed', pg_temp.pt_traces());
SET ROLE pt_portal;
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_ack(pg_temp.pt_code('b_bad'), 2, '{}')$$), 'error 55000',
          'held, not claimed: the portal''s login cannot acknowledge b_bad, held and fixed but never claimed (55000)');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_ack_record(pg_temp.pt_code('b_bad'), 2, '{}')$$), 'error 55000',
          'held, not claimed: nor its record');
SELECT is(pg_temp.pt_try($$SELECT tthc.portal_fail(pg_temp.pt_code('b_bad'), 'x')$$), 'error 55000', 'held, not claimed: nor fail it');
RESET ROLE;
SELECT is(pg_temp.pt_traces(), (SELECT v FROM pt_mark WHERE k = 'fixed'), 'b_bad is as it was, waiting for the next claim');
INSERT INTO pt_mark VALUES ('events', (SELECT count(*) FROM tthc.dossier_event));
SET ROLE pt_portal;
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || c.acked_seq || '/' || c.event_seq, ' ' ORDER BY m.tag)
                        FROM tthc.portal_claim(1000) c JOIN pt_d m ON m.code = c.code$$),
          'a_late:0/1 b_bad:0/2', 'the next claim hands out a_late and the fixed b_bad');
-- the paths it may take: the record, then the progress in two chunks
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_ack_record(pg_temp.pt_code('p_proc'), 2, '{"error_code": 0}')$$), 'true',
          'it acknowledges p_proc''s record (its lease, extended)');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_ack(pg_temp.pt_code('p_proc'), 1, '{"error_code": 0}')$$), 'true', 'and its first event');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_ack(pg_temp.pt_code('p_proc'), 0, '{"error_code": 0}') || ' ' || acked_seq
                        FROM tthc.portal_outbox WHERE code = pg_temp.pt_code('p_proc')$$), 'true 1',
          'an acknowledgement up to event 0 moves nothing back (portal_seq stays 1)');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_ack(pg_temp.pt_code('p_proc'), 2, '{"error_code": 0}')$$), 'true', 'then the second');
SELECT is(pg_temp.pt_q($$SELECT count(*) FROM tthc.portal_outbox WHERE code = pg_temp.pt_code('p_proc')$$), '0',
          'p_proc, claimed and acknowledged by the portal''s login, has left the outbox');
SELECT is(pg_temp.pt_q($$SELECT string_agg(tthc.portal_ack(code, event_seq, '{}')::text, ' ') FROM tthc.portal_outbox o
                        WHERE o.code IN (pg_temp.pt_code('a_desk'), pg_temp.pt_code('b_desk'), pg_temp.pt_code('b_bad'))$$),
          'true true true', 'it acknowledges a_desk, b_desk and b_bad, of both units');
SELECT is(pg_temp.pt_q($$SELECT tthc.portal_fail(pg_temp.pt_code('p_sub'), 'HTTP 503') > now()$$), 'true',
          'p_sub could not be sent: it fails, to be retried later');
SELECT is(pg_temp.pt_q($$SELECT string_agg(m.tag || ':' || o.state || ':' || o.acked_seq || '/' || o.event_seq, ' ' ORDER BY m.tag)
                        FROM tthc.portal_outbox o JOIN pt_d m ON m.code = o.code$$),
          'a_bad:held:0/1 a_late:leased:0/1 p_bad:held:0/1 p_recv:leased:0/1 p_sub:retrying:0/1',
          'the outbox: the held, the leased and the retrying');
RESET ROLE;
SELECT is((SELECT count(*) FROM tthc.dossier_event)::text, (SELECT v FROM pt_mark WHERE k = 'events'),
          'the acknowledgements and the failure wrote no event');
SELECT is((SELECT string_agg(m.tag || ':' || d.portal_seq || '/' || d.event_seq, ' ' ORDER BY m.tag) FROM pt_d m JOIN tthc.dossier d ON d.id = m.id
           WHERE m.tag IN ('a_desk', 'b_bad', 'b_desk', 'p_proc')),
          'a_desk:1/1 b_bad:2/2 b_desk:1/1 p_proc:2/2', 'portal_seq is event_seq for each dossier acknowledged');
SELECT is((SELECT count(*)::int FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM pt_d)), 0, 'and every control slip still verifies');

-- ===================================================================
-- 8. A search_path of the attacker's: its own schema first, with its
-- now(), pg_backend_pid(), comparison operators and helpers
-- ===================================================================

CREATE SCHEMA pt_evil AUTHORIZATION pt_portal;
-- the attacker's objects, created by whoever calls this (the portal's login)
CREATE FUNCTION pg_temp.pt_plant() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  CREATE FUNCTION pt_evil.now() RETURNS timestamptz LANGUAGE sql AS 'SELECT ''infinity''::timestamptz';
  CREATE FUNCTION pt_evil.pg_backend_pid() RETURNS integer LANGUAGE sql AS 'SELECT 0';
  CREATE FUNCTION pt_evil.yes(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
  CREATE FUNCTION pt_evil.yes(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true';
  CREATE FUNCTION pt_evil.no(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT false';
  CREATE OPERATOR pt_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = pt_evil.yes);
  CREATE OPERATOR pt_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = pt_evil.yes);
  CREATE OPERATOR pt_evil.> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = pt_evil.no);
  CREATE OPERATOR pt_evil.>= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = pt_evil.no);
  CREATE OPERATOR pt_evil.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = pt_evil.no);
  CREATE FUNCTION pt_evil.later(timestamptz, interval) RETURNS timestamptz LANGUAGE sql AS 'SELECT ''infinity''::timestamptz';
  CREATE OPERATOR pt_evil.+ (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = pt_evil.later);
  CREATE FUNCTION pt_evil.to_char(timestamp, text) RETURNS text LANGUAGE sql AS 'SELECT ''hijacked''';
  CREATE FUNCTION pt_evil.timezone(text, timestamptz) RETURNS timestamp LANGUAGE sql AS 'SELECT ''2000-01-01''::timestamp';
  CREATE FUNCTION pt_evil.left(text, integer) RETURNS text LANGUAGE sql AS 'SELECT ''hijacked''';
  CREATE FUNCTION pt_evil.btrim(text) RETURNS text LANGUAGE sql AS 'SELECT ''''';
  CREATE FUNCTION pt_evil.char_length(text) RETURNS integer LANGUAGE sql AS 'SELECT 0';
  CREATE FUNCTION pt_evil.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql AS 'SELECT ''object''';
  CREATE FUNCTION pt_evil.jsonb_strip_nulls(jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT ''{"hijacked": true}''::jsonb';
  GRANT USAGE ON SCHEMA pt_evil TO pt_pool_a;
END $$;

SET ROLE pt_pool_a;
SET LOCAL tthc.actor = 'pt_a1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id)
                    VALUES ('8.000009', 'TA', 'Trịnh Văn Hà', '022088001114') RETURNING 'a_hj', id, code)
                  INSERT INTO pt_d SELECT * FROM x$$,
                'pt_a1 receives a_hj');
SET LOCAL tthc.actor = '';
INSERT INTO pt_mark VALUES ('issues_a', pg_temp.pt_q($$SELECT string_agg(code || ':' || field || ':' || rule, ' ' ORDER BY code, field) FROM tthc.data_issues()$$));
SET ROLE pt_portal;
INSERT INTO pt_mark VALUES ('dossier', pg_temp.pt_q($$SELECT tthc.portal_dossier(pg_temp.pt_code('p_recv'))::text$$)),
                           ('progress', pg_temp.pt_q($$SELECT tthc.portal_progress(pg_temp.pt_code('p_proc'))::text$$)),
                           ('issues', pg_temp.pt_q($$SELECT string_agg(code || ':' || field || ':' || rule, ' ' ORDER BY code, field) FROM tthc.data_issues()$$));
SELECT lives_ok($$SELECT pg_temp.pt_plant()$$, 'the portal''s login creates its own now(), pg_backend_pid(), =, >, >=, <, +, to_char, timezone, … in its schema');
RESET ROLE;
INSERT INTO pt_mark VALUES ('hijack', pg_temp.pt_traces());
SET ROLE pt_portal;
SET LOCAL search_path = pt_evil, pg_catalog, tthc, public;
INSERT INTO pt_mark VALUES
  ('hj_now', pg_temp.pt_q($$SELECT now()::text || ' ' || ('a' = 'b')::text$$)),
  ('hj_dossier', pg_temp.pt_q($$SELECT tthc.portal_dossier(pg_temp.pt_code('p_recv'))::text$$)),
  ('hj_progress', pg_temp.pt_q($$SELECT tthc.portal_progress(pg_temp.pt_code('p_proc'))::text$$)),
  ('hj_issues', pg_temp.pt_q($$SELECT string_agg(code || ':' || field || ':' || rule, ' ' ORDER BY code, field) FROM tthc.data_issues()$$)),
  ('hj_claim', pg_temp.pt_q($$SELECT string_agg(c.code || ':' || c.mahoso || ':' || (c.record ->> 'MaHoSo') || ':' || (c.record ->> 'NgayTiepNhan'), ' ')
                              FROM tthc.portal_claim(1000) c$$)),
  ('hj_ack_past', pg_temp.pt_try($$SELECT tthc.portal_ack(pg_temp.pt_code('a_hj'), 5, '{}')$$)),
  ('hj_ack_held', pg_temp.pt_try($$SELECT tthc.portal_ack(pg_temp.pt_code('a_bad'), 1, '{}')$$)),
  ('hj_ack_none', pg_temp.pt_try($$SELECT tthc.portal_ack('TA-000000-0000', 0, '{}')$$)),
  ('hj_receive_4', pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0401', 'TA', '1 day') || '{"TrangThaiHoSo": "4"}')$$)),
  ('hj_receive_proc', pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0003', 'TB', '3 days', '2 days', phone => '0900000000'))$$)),
  ('hj_receive_long', pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0402', 'TA', '1 day') || jsonb_build_object('TrichYeuHoSo', repeat('x', 1001)))$$));
SET LOCAL search_path = public, tthc;
SET ROLE pt_pool_a;
SET LOCAL search_path = pt_evil, pg_catalog, tthc, public;
INSERT INTO pt_mark VALUES
  ('hj_issues_a', pg_temp.pt_q($$SELECT string_agg(code || ':' || field || ':' || rule, ' ' ORDER BY code, field) FROM tthc.data_issues()$$)),
  ('hj_dossier_a', pg_temp.pt_q($$SELECT tthc.portal_dossier(pg_temp.pt_code('a_desk'))::text$$)),
  ('hj_receive_b', pg_temp.pt_try($$SELECT tthc.portal_receive(pg_temp.pt_rec('DVC-PT-0403', 'TB', '0 s', '0 s'))$$));
SET LOCAL search_path = public, tthc;
RESET ROLE;
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_now'), 'infinity true', 'the attacker''s search_path is in force for its own statements');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_dossier'), (SELECT v FROM pt_mark WHERE k = 'dossier'),
          'under it, tthc.portal_dossier gives the same record as under the caller''s usual path');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_progress'), (SELECT v FROM pt_mark WHERE k = 'progress'),
          'tthc.portal_progress the same progress');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_issues'), (SELECT v FROM pt_mark WHERE k = 'issues'), 'tthc.data_issues the same issues');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_claim'),
          pg_temp.pt_code('a_hj') || ':' || pg_temp.pt_code('a_hj') || ':' || pg_temp.pt_code('a_hj') || ':'
          || (SELECT to_char(timezone('Asia/Ho_Chi_Minh', received_at), 'YYYYMMDDHH24MISS') FROM tthc.dossier WHERE id = pg_temp.pt_id('a_hj')),
          'tthc.portal_claim hands out a_hj only, with its true record');
SELECT is((SELECT (lease_until = now() + interval '2 min') || ' ' || (leased_by = pg_backend_pid()) FROM tthc.portal_queue
           WHERE dossier_id = pg_temp.pt_id('a_hj')), 'true true',
          'its lease is 2 minutes from now, to this backend (not the attacker''s infinity and pid 0)');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_ack_past'), 'error 22023', 'an acknowledgement past a_hj''s last event is still 22023');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_ack_held'), 'error 55000', 'one of the held a_bad still 55000');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_ack_none'), 'error 22023', 'one of an unknown dossier still 22023');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_receive_4'), 'error 22023', 'tthc.portal_receive still refuses a record arriving processing');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_receive_proc'), 'error 42501', 'and a change of p_proc, processing at TB');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_receive_long'), 'error 22001', 'and a summary of 1 001 characters');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_issues_a'), (SELECT v FROM pt_mark WHERE k = 'issues_a'),
          'pt_pool_a under the same path: tthc.data_issues gives TA''s issues, as before');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_dossier_a'), 'error 42501', 'tthc.portal_dossier is still refused to it');
SELECT is((SELECT v FROM pt_mark WHERE k = 'hj_receive_b'), 'error 42501', 'and a record for TB');
SELECT is(regexp_replace(pg_temp.pt_traces(), ' \| queue [^|]*', ''),
          regexp_replace((SELECT v FROM pt_mark WHERE k = 'hijack'), ' \| queue [^|]*', ''),
          'under the attacker''s path no dossier, event, number or status code moved (the queue: a_hj''s lease only)');

SELECT * FROM finish();
ROLLBACK;
