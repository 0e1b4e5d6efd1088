-- pgTAP: the officer in the log, the scorecards and who may read or write
-- them (0.9.0, issue 13), attacked from the attacker's side.
--
-- Fixture: a province PP with two communes PA (with its reception point
-- PA.1) and PB.  Each commune has a pooled database account (p_pool_a,
-- p_pool_b: tthc_officer, assigned by tthc.officer_unit) through which its
-- named officers act with SET LOCAL tthc.actor / set_config(..., true):
--   p_a1, p_a2 at PA; p_a11 at PA.1; p_b1, p_b2 at PB; p_p1 at PP;
--   p_gone at PA, inactive.
-- Beside them a reader, an auditor, an administrator and p_outsider, a login
-- in no tthc role.  Every attack is paired with the same path on the
-- attacker's own data (or by a role that may), so a broken fixture cannot
-- pass vacuously.  Statements that may fail go through throws_ok / lives_ok,
-- p_q / p_n (which return 'error <SQLSTATE>'), or p_try, which always rolls
-- its statement back (so a hole found does not change what later tests
-- see).  COPY FROM goes through psql's \copy ... FROM PROGRAM with
-- ON_ERROR_STOP off around it: when the server refuses the COPY itself its
-- SQLSTATE is psql's :SQLSTATE (and its error is printed on stderr: that is
-- expected); a COPY into a table of the account's own, whose trigger writes
-- dossiers, records in a table what that INSERT got.
--
-- Events dated in March 2026 are backfills by the administrator naming an
-- officer (an officer's own account may not backdate); the officers' own
-- writes happen now, and only their relations (same day, next number) are
-- asserted, never a clock value.

-- ===================================================================
-- 0. SET LOCAL ends with its transaction.  Before the main transaction: a
-- transaction names p_a1 with SET LOCAL, writes a dossier naming it in a
-- savepoint it rolls back, and commits (nothing of it is kept).  The main
-- transaction then checks that nothing of the name is left.
-- ===================================================================
BEGIN;
SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh';
SET LOCAL tthc.actor = 'p_a1';
SAVEPOINT people_leak;
INSERT INTO tthc.unit (code, name, level) VALUES ('PA', 'xã A (people, leak)', 'commune');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('6.000009', 'people: leak', '3 working days');
INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_a1', 'Officer A1 (leak)', 'PA');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000009', 'PA', 'people-leak');
ROLLBACK TO SAVEPOINT people_leak;
COMMIT;

BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT plan(207);

-- ===================================================================
-- Fixture (as the superuser and the administrator)
-- ===================================================================

INSERT INTO tthc.unit (code, name, level) VALUES ('PP', 'tỉnh thử (people)', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('PA', 'xã A (people)', 'commune', 'PP'),
  ('PB', 'xã B (people)', 'commune', 'PP');
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('PA.1', 'điểm tiếp nhận A.1 (people)', 'commune', 'PA');
INSERT INTO tthc.procedure (code, name, time_limit, boundary_free, national_time_limit) VALUES
  ('6.000001', 'people: 3 ngày', '3 working days', true, '5 working days'),
  ('6.000002', 'people: 10 ngày', '10 working days', true, '15 working days');

CREATE ROLE p_pool_a NOLOGIN IN ROLE tthc_officer;   -- PA's pooled portal account
CREATE ROLE p_pool_b NOLOGIN IN ROLE tthc_officer;   -- PB's
CREATE ROLE p_reader NOLOGIN IN ROLE tthc_reader;
CREATE ROLE p_auditor NOLOGIN IN ROLE tthc_auditor;
CREATE ROLE p_admin NOLOGIN IN ROLE tthc_admin;
CREATE ROLE p_outsider LOGIN;                        -- in no tthc role, no grants
INSERT INTO tthc.officer_unit (role, unit) VALUES ('p_pool_a', 'PA'), ('p_pool_b', 'PB');

-- the value of a query (first column of its first row, as text), or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.p_q(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  EXECUTE q INTO r;
  RETURN coalesce(r, '<null>');
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- the rows a statement changed, or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.p_n(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n::text;
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- the SQLSTATE and message of the error a statement raises, or 'no error'
CREATE FUNCTION pg_temp.p_err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- like p_n, but whatever happens the statement is rolled back: 'error
-- <SQLSTATE>', or 'written <rows>' for a statement that went through
CREATE FUNCTION pg_temp.p_try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE EXCEPTION '%', n USING ERRCODE = 'P0042';
EXCEPTION
  WHEN SQLSTATE 'P0042' THEN RETURN 'written ' || SQLERRM;
  WHEN others THEN RETURN 'error ' || SQLSTATE;
END $$;

SELECT is(current_setting('tthc.actor'), '', 'SET LOCAL tthc.actor of the previous transaction is gone');

SET ROLE p_admin;
SELECT lives_ok($$INSERT INTO tthc.officer (login, full_name, unit, title) VALUES
                    ('p_a1', 'Nguyễn Văn A1', 'PA', 'công chức một cửa'),
                    ('p_a2', 'Trần Thị A2', 'PA', 'công chức một cửa'),
                    ('p_a11', 'Lê Văn A11', 'PA.1', 'công chức'),
                    ('p_b1', 'Phạm Văn B1', 'PB', 'công chức một cửa'),
                    ('p_b2', 'Hoàng Thị B2', 'PB', 'công chức'),
                    ('p_p1', 'Đỗ Văn P1', 'PP', 'giám đốc trung tâm');
                  INSERT INTO tthc.officer (login, full_name, unit, active) VALUES ('p_gone', 'Vũ Văn Gone', 'PA', false)$$,
                'the administrator registers the officers of both communes, the province and one who left');

-- March 2026, backfilled by the administrator naming the officers:
--   m_a     PA  received by p_a1 02/03, resolved by p_a2 03/03 (early)
--   m_late  PA  received by p_a1 02/03, resolved by p_a1 20/03 (late)
--   m_b     PB  received by p_b1 02/03, resolved by p_b1 03/03 (early)
--   m_open  PA  received by p_a1 02/03, left open (the sweep finds it overdue)
--   m_openb PB  received by p_b2 02/03, left open
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
                  VALUES ('6.000001', 'PA', '2026-03-02 08:00', 'm_a', '022088001111'),
                         ('6.000001', 'PA', '2026-03-02 08:00', 'm_late', '022088002222'),
                         ('6.000001', 'PA', '2026-03-02 08:00', 'm_open', '022088003333');
                  SELECT tthc.transition('PA-260302-0002', 'processing', '2026-03-02 09:00');
                  SELECT tthc.transition('PA-260302-0002', 'resolved', '2026-03-20 10:00');
                  SELECT set_config('tthc.actor', 'p_a2', true);
                  SELECT tthc.transition('PA-260302-0001', 'processing', '2026-03-02 09:00');
                  SELECT tthc.transition('PA-260302-0001', 'resolved', '2026-03-03 10:00');
                  SELECT set_config('tthc.actor', 'p_b1', true);
                  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
                  VALUES ('6.000001', 'PB', '2026-03-02 08:00', 'm_b', '022088004444');
                  SELECT tthc.transition('PB-260302-0001', 'processing', '2026-03-02 09:00');
                  SELECT tthc.transition('PB-260302-0001', 'resolved', '2026-03-03 10:00');
                  SELECT set_config('tthc.actor', 'p_b2', true);
                  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
                  VALUES ('6.000001', 'PB', '2026-03-02 08:00', 'm_openb', '022088005555');
                  SELECT set_config('tthc.actor', '', true)$$,
                'the administrator backfills March through the named officers of both communes');
RESET ROLE;

CREATE TEMP TABLE p_d (tag text PRIMARY KEY, id bigint, code text);
GRANT SELECT, INSERT ON p_d TO PUBLIC;
INSERT INTO p_d SELECT applicant_name, id, code FROM tthc.dossier WHERE applicant_name IN ('m_a', 'm_late', 'm_open', 'm_b', 'm_openb');
-- a dossier's events as seq:kind:actor:officer, for the auditor
CREATE FUNCTION pg_temp.p_events(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(e.seq || ':' || e.kind || ':' || e.actor || ':' || coalesce(e.officer, '-'), ' ' ORDER BY e.seq)
  FROM tthc.dossier_event e WHERE e.dossier_id = (SELECT id FROM p_d WHERE tag = t) $$;
-- what a refused write could leave behind, as the superuser sees it
CREATE FUNCTION pg_temp.p_traces() RETURNS text LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM tthc.dossier) || ' dossiers, '
      || (SELECT count(*) FROM tthc.dossier_event) || ' events, '
      || (SELECT count(*) FROM tthc.report_delta) || ' deltas, '
      || (SELECT coalesce(string_agg(c.unit || '=' || c.last, ',' ORDER BY c.unit), '-') FROM tthc.dossier_counter c
          WHERE c.unit IN ('PA', 'PB', 'PA.1') AND c.day = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) $$;
CREATE TEMP TABLE p_mark (k text PRIMARY KEY, v text);

SELECT is((SELECT string_agg(tag || '=' || code, ' ' ORDER BY tag) FROM p_d),
          'm_a=PA-260302-0001 m_b=PB-260302-0001 m_late=PA-260302-0002 m_open=PA-260302-0003 m_openb=PB-260302-0002',
          'fixture: the backfilled dossiers and their codes');
SET ROLE p_auditor;
SELECT is(pg_temp.p_events('m_a'), '1:status:p_admin:p_a1 2:status:p_admin:p_a2 3:status:p_admin:p_a2',
          'm_a: the reception names p_a1, the moves p_a2, each through the administrator''s account (actor)');
SELECT is(pg_temp.p_events('m_b'), '1:status:p_admin:p_b1 2:status:p_admin:p_b1 3:status:p_admin:p_b1',
          'm_b: every event names p_b1');
RESET ROLE;

-- ===================================================================
-- 1. The officer in the log: two officers through one pooled account
-- ===================================================================

-- without tthc.actor (and after the previous transaction's SET LOCAL) an
-- event names no officer, the actor is the account
SET ROLE p_pool_a;
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('6.000002', 'PA', 'n0') RETURNING id, code)
                    INSERT INTO p_d SELECT 'n0', id, code FROM x$$,
                'p_pool_a receives n0 at PA without naming an officer');
SET LOCAL tthc.actor = 'p_a1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('6.000002', 'PA', 'n1') RETURNING id, code)
                    INSERT INTO p_d SELECT 'n1', id, code FROM x$$,
                'p_pool_a, SET LOCAL tthc.actor = p_a1, receives n1');
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a2', true);
                  SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n1'), 'processing')$$,
                'then, in the same transaction, set_config(tthc.actor, p_a2, true) and p_a2 moves n1 to processing');
SELECT is(current_setting('tthc.actor'), 'p_a2', 'the officer named stays p_a2 for the rest of the transaction');
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                  UPDATE tthc.dossier SET applicant_phone = '0912000111' WHERE code = (SELECT code FROM p_d WHERE tag = 'n1')$$,
                'and back to p_a1, who corrects the applicant''s phone (an edit)');
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a2', true);
                  WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('6.000001', 'PA', 'n2') RETURNING id, code)
                    INSERT INTO p_d SELECT 'n2', id, code FROM x;
                  SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n2'), 'processing');
                  SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n2'), 'resolved')$$,
                'p_a2 receives n2 and resolves it (to be rated)');
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                  SELECT tthc.apologize((SELECT code FROM p_d WHERE tag = 'n1'), 'people: chờ liên thông', now() + interval '90 days')$$,
                'p_a1 apologizes for n1 (tthc.apologize)');
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                  WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('6.000002', 'PA.1', 'n11') RETURNING id, code)
                    INSERT INTO p_d SELECT 'n11', id, code FROM x;
                  SELECT set_config('tthc.actor', 'p_a11', true);
                  SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n11'), 'processing')$$,
                'p_a1 (PA) receives n11 at PA.1, below PA, and p_a11 (PA.1) moves it');
SET LOCAL tthc.actor = '';
SET ROLE p_pool_b;
SET LOCAL tthc.actor = 'p_b1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('6.000002', 'PB', 'nb') RETURNING id, code)
                    INSERT INTO p_d SELECT 'nb', id, code FROM x$$,
                'p_pool_b, naming p_b1, receives nb at PB');
SET LOCAL tthc.actor = 'p_b2';
SELECT lives_ok($$SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'nb'), 'processing')$$,
                'and p_b2 moves it');
SET LOCAL tthc.actor = '';
RESET ROLE;

SET ROLE p_auditor;
SELECT is(pg_temp.p_events('n0'), '1:status:p_pool_a:-', 'n0: no officer named, none recorded; the actor is the account');
SELECT is(pg_temp.p_events('n1'), '1:status:p_pool_a:p_a1 2:status:p_pool_a:p_a2 3:edit:p_pool_a:p_a1 4:apology:p_pool_a:p_a1',
          'n1: each event names the officer of its moment, all through p_pool_a');
SELECT is(pg_temp.p_events('n2'), '1:status:p_pool_a:p_a2 2:status:p_pool_a:p_a2 3:status:p_pool_a:p_a2',
          'n2: p_a2 throughout');
SELECT is(pg_temp.p_events('nb'), '1:status:p_pool_b:p_b1 2:status:p_pool_b:p_b2',
          'nb: PB''s two officers through p_pool_b');
SELECT is(pg_temp.p_events('n11'), '1:status:p_pool_a:p_a1 2:status:p_pool_a:p_a11',
          'n11: PA''s officer received it at PA.1, PA.1''s moved it');
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM p_d)$$), '0',
          'every chain naming officers verifies');
RESET ROLE;
SELECT is((SELECT right(code, 4) || ',' || right(n1, 4) || ',' || right(n2, 4)
           FROM (SELECT (SELECT code FROM p_d WHERE tag = 'n0') AS code, (SELECT code FROM p_d WHERE tag = 'n1') AS n1,
                        (SELECT code FROM p_d WHERE tag = 'n2') AS n2) x),
          '0001,0002,0003', 'PA''s receptions today are numbered 1, 2, 3');

-- ===================================================================
-- 2. Naming an officer who may not act: refused, and nothing is left
-- ===================================================================

INSERT INTO p_mark VALUES ('before', pg_temp.p_traces());
SET ROLE p_pool_a;
SET LOCAL tthc.actor = 'p_b1';
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '42501', NULL, 'p_pool_a naming PB''s officer p_b1 cannot receive at PA (42501)');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                   SELECT '6.000002', 'PA', 'hijack' FROM generate_series(1, 3)$$,
                 '42501', NULL, 'nor three at once (INSERT ... SELECT)');
SELECT throws_ok($$SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n1'), 'awaiting_supplement', now(), 'hijack')$$,
                 '42501', NULL, 'nor move PA''s dossier n1 (tthc.transition)');
SELECT throws_ok($$UPDATE tthc.dossier SET applicant_name = 'hijack' WHERE code = (SELECT code FROM p_d WHERE tag = 'n1')$$,
                 '42501', NULL, 'nor edit it (UPDATE)');
SELECT throws_ok($$UPDATE tthc.dossier SET note = 'hijack' WHERE code = (SELECT code FROM p_d WHERE tag = 'n1')$$,
                 '42501', NULL, 'nor change its note');
SELECT throws_ok($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
                   SELECT code, '6.000002', 'PA', now() FROM p_d WHERE tag = 'n1'
                   ON CONFLICT (code) DO UPDATE SET applicant_name = 'hijack'$$,
                 '42501', NULL, 'nor upsert it (ON CONFLICT DO UPDATE)');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')
                   ON CONFLICT (code) DO NOTHING$$,
                 '42501', NULL, 'nor receive with ON CONFLICT DO NOTHING');
SELECT throws_ok($$SELECT tthc.apologize((SELECT code FROM p_d WHERE tag = 'n0'), 'hijack', now() + interval '90 days')$$,
                 '42501', NULL, 'nor apologize (tthc.apologize)');
SET LOCAL tthc.actor = 'p_a11';
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '42501', NULL, 'naming p_a11, who works at PA.1 below PA, it cannot receive at PA');
SELECT throws_ok($$SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n0'), 'processing')$$,
                 '42501', NULL, 'nor move PA''s dossier');
SET LOCAL tthc.actor = '';
SET ROLE p_pool_b;
SET LOCAL tthc.actor = 'p_a1';
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PB', 'hijack')$$,
                 '42501', NULL, 'p_pool_b naming PA''s officer p_a1 cannot receive at PB');
SELECT throws_ok($$SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'nb'), 'awaiting_supplement', now(), 'hijack')$$,
                 '42501', NULL, 'nor move PB''s dossier nb');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is(pg_temp.p_traces(), (SELECT v FROM p_mark WHERE k = 'before'),
          'the refused writes left no dossier, no event, no report delta and took no number');

-- unknown and inactive logins
SET ROLE p_pool_a;
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_nobody', true);
                   INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '22023', NULL, 'an unknown login is refused at reception (22023)');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_nobody', true);
                   SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n0'), 'processing')$$,
                 '22023', NULL, 'and on a move');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'P_A1', true);
                   INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '22023', NULL, 'a login is matched exactly: P_A1 is not p_a1');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_a1 ', true);
                   INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '22023', NULL, 'nor is ''p_a1 '' (a trailing space)');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_gone', true);
                   INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '22023', NULL, 'an inactive officer is refused (22023)');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_gone', true);
                   SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n0'), 'processing')$$,
                 '22023', NULL, 'on a move too');
RESET ROLE;
SELECT is(current_setting('tthc.actor'), '', 'the refused statements'' set_config went with them');
SELECT is(pg_temp.p_traces(), (SELECT v FROM p_mark WHERE k = 'before'),
          'the unknown and inactive logins left nothing either');

-- an officer deactivated (and reactivated) within the transaction: the
-- trigger sees the change at once
SET ROLE p_admin;
UPDATE tthc.officer SET active = false WHERE login = 'p_a2';
SET ROLE p_pool_a;
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_a2', true);
                   SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n0'), 'processing')$$,
                 '22023', NULL, 'p_a2, deactivated a statement ago, is refused');
SET ROLE p_admin;
UPDATE tthc.officer SET active = true WHERE login = 'p_a2';
SET ROLE p_pool_a;
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_a2', true);
                  SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n0'), 'processing')$$,
                'reactivated, p_a2 moves n0');
-- who may act: the dossier's units and above, not the account's
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_p1', true);
                  SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n0'), 'awaiting_supplement', now(), 'people: thiếu')$$,
                'p_p1, who works at the province above PA, may act on PA''s dossier');
SELECT lives_ok($$SELECT set_config('tthc.actor', 'p_b1', true);
                  WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, applicant_name)
                    VALUES ('6.000001', 'PA', 'PB', 'x') RETURNING id, code)
                    INSERT INTO p_d SELECT 'x', id, code FROM x$$,
                'p_b1 may receive at PA a dossier PB handles (boundary-free): PB is a unit of the dossier');
SET LOCAL tthc.actor = '';
RESET ROLE;
SET ROLE p_auditor;
SELECT is(pg_temp.p_events('n0'), '1:status:p_pool_a:- 2:status:p_pool_a:p_a2 3:pause:p_pool_a:p_p1',
          'n0''s events name p_a2 and p_p1, nothing of the refused attempts');
SELECT is(pg_temp.p_events('x'), '1:status:p_pool_a:p_b1', 'x''s reception names p_b1');
RESET ROLE;

-- a statement refused on its second row gives back the first row's number,
-- whether written at once or held (ON CONFLICT)
INSERT INTO p_mark VALUES ('multi', pg_temp.p_traces());
SET ROLE p_admin;
SET LOCAL tthc.actor = 'p_a1';
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                   VALUES ('6.000002', 'PA', 'multi-ok'), ('6.000002', 'PB', 'multi-hijack')$$,
                 '42501', NULL, 'the administrator naming p_a1: a reception at PA then one at PB fails on the second');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                   VALUES ('6.000002', 'PA', 'multi-ok'), ('6.000002', 'PB', 'multi-hijack')
                   ON CONFLICT (code) DO NOTHING$$,
                 '42501', NULL, 'with ON CONFLICT DO NOTHING too (the first row''s writes are held)');
RESET ROLE;
SELECT is(pg_temp.p_traces(), (SELECT v FROM p_mark WHERE k = 'multi'),
          'the statements refused on their second row left no dossier, event or report delta and took no number');
SET ROLE p_admin;
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('6.000002', 'PA', 'n3') RETURNING id, code)
                    INSERT INTO p_d SELECT 'n3', id, code FROM x$$,
                'the next reception at PA goes through');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is((SELECT right(code, 4) FROM p_d WHERE tag = 'n3'), '0005',
          'and takes the next number (n0 1, n1 2, n2 3, x 4): the refused statements gave theirs back');
SELECT is((SELECT count(*)::int FROM tthc.dossier WHERE applicant_name LIKE 'multi%' OR applicant_name = 'hijack'), 0,
          'no dossier of the refused statements exists');
SELECT is((SELECT count(*)::int FROM tthc.dossier_event e WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = e.dossier_id)),
          0, 'no event belongs to a dossier that does not exist (no held write leaked out)');
SELECT is((SELECT count(*) FROM tthc.dossier_event)::text,
          (SELECT (split_part(split_part(v, ' events', 1), ', ', 2)::int + 1)::text FROM p_mark WHERE k = 'multi'),
          'one event more than before: n3''s reception');

-- COPY FROM: the account cannot COPY into tthc.dossier; a COPY into a table
-- of its own whose trigger writes dossiers is checked like an INSERT
SET ROLE p_pool_a;
CREATE TEMP TABLE p_inbox (applicant_name text);
CREATE TEMP TABLE p_inbox_log (applicant_name text, outcome text);
-- the trigger records what its INSERT got (psql's :SQLSTATE does not see an
-- error raised while COPY reads its rows)
CREATE FUNCTION pg_temp.p_inbox_receive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', NEW.applicant_name);
    INSERT INTO p_inbox_log VALUES (NEW.applicant_name, 'written');
  EXCEPTION WHEN others THEN
    INSERT INTO p_inbox_log VALUES (NEW.applicant_name, 'error ' || SQLSTATE);
  END;
  RETURN NEW;
END $$;
CREATE TRIGGER p_inbox_receive AFTER INSERT ON p_inbox FOR EACH ROW EXECUTE FUNCTION pg_temp.p_inbox_receive();
SET LOCAL tthc.actor = 'p_b1';
\set ON_ERROR_STOP 0
SAVEPOINT p_copy;
\copy tthc.dossier (procedure_code, receiving_unit, applicant_name) FROM PROGRAM 'printf "6.000002\\tPA\\tcopy-hijack\\n"'
\set p_copy_1 :SQLSTATE
ROLLBACK TO SAVEPOINT p_copy;
RELEASE SAVEPOINT p_copy;
\set ON_ERROR_STOP 1
\copy p_inbox FROM PROGRAM 'printf "copy-hijack\\n"'
SET LOCAL tthc.actor = 'p_a1';
\copy p_inbox FROM PROGRAM 'printf "copy-own\\n"'
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT matches(:'p_copy_1'::text, '^(0A000|42501)$', 'p_pool_a naming p_b1 cannot COPY into tthc.dossier (row-level security: 0A000)');
SELECT is((SELECT outcome FROM p_inbox_log WHERE applicant_name = 'copy-hijack'), 'error 42501',
          'a COPY into its own table whose trigger receives at PA naming p_b1: 42501');
SELECT is((SELECT outcome FROM p_inbox_log WHERE applicant_name = 'copy-own'), 'written',
          'the same COPY naming p_a1 goes through');
SET ROLE p_auditor;
SELECT is((SELECT string_agg(d.applicant_name || ':' || right(d.code, 4) || ':' || e.officer || ':' || e.actor, ' ')
           FROM tthc.dossier d JOIN tthc.dossier_event e ON e.dossier_id = d.id WHERE d.applicant_name LIKE 'copy-%'),
          'copy-own:0006:p_a1:p_pool_a',
          'only the own COPY''s dossier exists, with the next number (the refused one took none), naming p_a1 through p_pool_a');
RESET ROLE;

-- ===================================================================
-- 3. What an officer's account may not write: tthc.officer,
-- tthc.scorecard_month, the event log's officer
-- ===================================================================

SET ROLE p_pool_a;
SELECT throws_ok($$SELECT count(*) FROM tthc.officer$$, '42501', NULL, 'p_pool_a cannot read tthc.officer');
SELECT throws_ok($$INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_evil', 'Evil', 'PA')$$,
                 '42501', NULL, 'nor register an officer (INSERT)');
SELECT throws_ok($$INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_b1', 'B1 at A', 'PA')
                   ON CONFLICT (login) DO UPDATE SET unit = 'PA'$$,
                 '42501', NULL, 'nor move PB''s officer to PA (ON CONFLICT DO UPDATE)');
SELECT throws_ok($$INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_evil', 'Evil', 'PA') ON CONFLICT DO NOTHING$$,
                 '42501', NULL, 'nor with ON CONFLICT DO NOTHING');
SELECT throws_ok($$UPDATE tthc.officer SET unit = 'PA' WHERE login = 'p_b1'$$, '42501', NULL, 'nor UPDATE one');
SELECT throws_ok($$UPDATE tthc.officer SET active = true WHERE login = 'p_gone'$$, '42501', NULL, 'nor reactivate one');
SELECT throws_ok($$DELETE FROM tthc.officer WHERE login = 'p_a2'$$, '42501', NULL, 'nor DELETE one');
SELECT throws_ok($$SELECT count(*) FROM tthc.scorecard_month$$, '42501', NULL, 'nor read tthc.scorecard_month');
SELECT throws_ok($$INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
                   VALUES ('2026-03-01', 'officer', 'PA', 'p_a1', '{"resolved": 99}', 'p_pool_a')$$,
                 '42501', NULL, 'nor publish a card (INSERT)');
SELECT throws_ok($$INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
                   VALUES ('2026-03-01', 'officer', 'PA', 'p_a1', '{"resolved": 99}', 'p_pool_a')
                   ON CONFLICT (month, kind, unit, item) DO UPDATE SET card = excluded.card$$,
                 '42501', NULL, 'nor upsert one (ON CONFLICT DO UPDATE)');
SELECT throws_ok($$UPDATE tthc.scorecard_month SET card = '{}'$$, '42501', NULL, 'nor UPDATE the cards');
SELECT throws_ok($$DELETE FROM tthc.scorecard_month$$, '42501', NULL, 'nor DELETE them');
SELECT throws_ok($$TRUNCATE tthc.scorecard_month$$, '42501', NULL, 'nor TRUNCATE them');
SELECT throws_ok($$INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at, officer)
                   SELECT id, 99, now(), 'edit', 'p_pool_a', now(), 'p_a1' FROM p_d WHERE tag = 'n1'$$,
                 '42501', NULL, 'nor INSERT an event naming an officer');
SELECT throws_ok($$UPDATE tthc.dossier_event SET officer = 'p_a2' WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'n1')$$,
                 '42501', NULL, 'nor change the officer of its own dossier''s event (UPDATE dossier_event.officer)');
SELECT throws_ok($$UPDATE tthc.dossier_event SET officer = NULL WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'n1')$$,
                 '42501', NULL, 'nor erase it');
SELECT throws_ok($$INSERT INTO tthc.stuck_rule (rule, threshold, description) VALUES ('chronically_late', 0, 'never late')$$,
                 '42501', NULL, 'nor override a stuck-procedure rule (INSERT)');
SELECT throws_ok($$UPDATE tthc.stuck_rule SET threshold = 0$$, '42501', NULL, 'nor loosen one');
SELECT is(pg_temp.p_q($$SELECT threshold FROM tthc.stuck_rule WHERE rule = 'chronically_late'$$), '0.90',
          'it reads the thresholds');
RESET ROLE;
SET ROLE p_pool_b;
SELECT throws_ok($$INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_evil', 'Evil', 'PB')$$,
                 '42501', NULL, 'p_pool_b cannot register an officer');
SELECT throws_ok($$UPDATE tthc.officer SET unit = 'PB' WHERE login = 'p_a1'$$, '42501', NULL, 'nor move PA''s officer to PB');
SELECT throws_ok($$UPDATE tthc.dossier_event SET officer = 'p_b2' WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'nb')$$,
                 '42501', NULL, 'nor change an event''s officer');
SELECT throws_ok($$INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
                   VALUES ('2026-03-01', 'officer', 'PB', 'p_b1', '{"resolved": 99}', 'p_pool_b')$$,
                 '42501', NULL, 'nor publish a card');
RESET ROLE;
SET ROLE p_auditor;
SELECT throws_ok($$INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_evil', 'Evil', 'PA')$$,
                 '42501', NULL, 'the auditor reads tthc.officer but cannot write it');
SELECT throws_ok($$UPDATE tthc.dossier_event SET officer = 'p_a2'$$, '42501', NULL, 'nor the events'' officer');
RESET ROLE;
SET ROLE p_reader;
SELECT throws_ok($$SELECT count(*) FROM tthc.officer$$, '42501', NULL, 'a reader cannot read tthc.officer');
SELECT throws_ok($$SELECT tthc.officer_on_dossier('p_a1', 1)$$, '42501', NULL, 'nor ask tthc.officer_on_dossier');
RESET ROLE;

-- COPY FROM into tthc.officer and tthc.scorecard_month
SET ROLE p_pool_a;
\set ON_ERROR_STOP 0
SAVEPOINT p_copy;
\copy tthc.officer (login, full_name, unit) FROM PROGRAM 'printf "p_evil\\tEvil\\tPA\\n"'
\set p_copy_4 :SQLSTATE
ROLLBACK TO SAVEPOINT p_copy;
\copy tthc.scorecard_month (month, kind, unit, item, card, closed_by) FROM PROGRAM 'printf "2026-03-01\\tofficer\\tPA\\tp_a1\\t{}\\tp_pool_a\\n"'
\set p_copy_5 :SQLSTATE
ROLLBACK TO SAVEPOINT p_copy;
\copy tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at, officer) FROM PROGRAM 'printf "1\\t99\\t2026-03-02\\tedit\\tp_pool_a\\t2026-03-02\\tp_a1\\n"'
\set p_copy_6 :SQLSTATE
ROLLBACK TO SAVEPOINT p_copy;
RELEASE SAVEPOINT p_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'p_copy_4'::text, '42501', 'p_pool_a cannot COPY into tthc.officer');
SELECT is(:'p_copy_5'::text, '42501', 'nor into tthc.scorecard_month');
SELECT is(:'p_copy_6'::text, '42501', 'nor into tthc.dossier_event');
SET ROLE p_pool_a;
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_evil', true);
                   INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '22023', NULL, 'and p_evil, which none of it registered, is still unknown');
RESET ROLE;
SET ROLE p_auditor;
SELECT is((SELECT string_agg(login || ':' || unit || ':' || active, ' ' ORDER BY login) FROM tthc.officer WHERE login LIKE 'p\_%'),
          'p_a1:PA:true p_a11:PA.1:true p_a2:PA:true p_b1:PB:true p_b2:PB:true p_gone:PA:false p_p1:PP:true',
          'as the auditor: tthc.officer is as the administrator left it');
RESET ROLE;

-- ===================================================================
-- 4. Ratings naming an officer, with answers
-- ===================================================================

INSERT INTO p_mark VALUES ('rating', (SELECT count(*) || '/' || coalesce(sum(rated), 0) FROM tthc.report_delta));
SET ROLE p_pool_a;
SELECT throws_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer) SELECT id, 'unsatisfied', 'p_nobody' FROM p_d WHERE tag = 'n2'$$,
                 '23503', NULL, 'a rating naming an unknown officer is refused (23503)');
SELECT throws_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer, answers)
                   SELECT id, 'satisfied', 'p_a2', '{"attitude": "meh"}' FROM p_d WHERE tag = 'n2'$$,
                 '22023', NULL, 'an answer that is not very_satisfied, satisfied or unsatisfied is refused (22023)');
SELECT throws_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer, answers)
                   SELECT id, 'satisfied', 'p_a2', '{"attitude": "satisfied", "time": 1}' FROM p_d WHERE tag = 'n2'$$,
                 '22023', NULL, 'so is a number among good answers');
SELECT throws_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer, answers)
                   SELECT id, 'satisfied', 'p_a2', '{"attitude": null}' FROM p_d WHERE tag = 'n2'$$,
                 '22023', NULL, 'and a JSON null');
SELECT matches(pg_temp.p_err($$INSERT INTO tthc.rating (dossier_id, rating, officer, answers)
                               SELECT id, 'satisfied', 'p_a2', '["satisfied"]' FROM p_d WHERE tag = 'n2'$$),
               '^(22023|23514): .*answers',
               'answers that are not an object are refused with an error that names them (22023 or 23514)');
-- the officer a rating is about counts in that officer's card: it must be
-- one who may act on the dossier (as tthc.actor must), or any account could
-- rate another unit's officers down
SELECT matches(pg_temp.p_try($$INSERT INTO tthc.rating (dossier_id, rating, officer)
                               SELECT id, 'unsatisfied', 'p_b1' FROM p_d WHERE tag = 'n2'$$),
               '^error (23503|42501|22023)$',
               'p_pool_a cannot rate its dossier n2 as about p_b1, PB''s officer, who has nothing to do with it');
SELECT matches(pg_temp.p_try($$INSERT INTO tthc.rating (dossier_id, rating, officer)
                               SELECT id, 'unsatisfied', 'p_a2' FROM p_d WHERE tag = 'm_b'$$),
               '^error (23503|42501)$', 'nor rate PB''s dossier m_b');
SELECT lives_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer, answers)
                  SELECT id, 'satisfied', 'p_a2', '{"attitude": "very_satisfied", "time": "satisfied"}' FROM p_d WHERE tag = 'n2'$$,
                'p_pool_a records n2''s rating about p_a2, with answers');
RESET ROLE;
SELECT is((SELECT count(*) || '/' || coalesce(sum(rated), 0) FROM tthc.report_delta),
          (SELECT split_part(v, '/', 1)::int + 1 || '/' || split_part(v, '/', 2)::int + 1 FROM p_mark WHERE k = 'rating'),
          'the refused ratings counted nothing: one delta more, one rating more');
SET ROLE p_pool_b;
SELECT throws_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer) SELECT id, 'satisfied', 'p_nobody' FROM p_d WHERE tag = 'm_b'$$,
                 '23503', NULL, 'p_pool_b: an unknown officer is refused');
SELECT matches(pg_temp.p_try($$INSERT INTO tthc.rating (dossier_id, rating, officer)
                               SELECT id, 'unsatisfied', 'p_a1' FROM p_d WHERE tag = 'm_b'$$),
               '^error (23503|42501|22023)$', 'and cannot rate m_b as about p_a1, PA''s officer');
RESET ROLE;
SET ROLE p_admin;
SELECT lives_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer, answers, rated_at)
                  SELECT id, 'unsatisfied', 'p_a2', '{"attitude": "unsatisfied"}', '2026-03-04 10:00' FROM p_d WHERE tag = 'm_a'$$,
                'the administrator backfills m_a''s March rating about p_a2');
RESET ROLE;
SET ROLE p_auditor;
SELECT is((SELECT string_agg(s.tag || ':' || r.rating || ':' || r.officer || ':' || coalesce(r.answers ->> 'attitude', '-'), ' ' ORDER BY s.tag)
           FROM tthc.rating r JOIN p_d s ON s.id = r.dossier_id),
          'm_a:unsatisfied:p_a2:unsatisfied n2:satisfied:p_a2:very_satisfied', 'as the auditor: the two ratings, nothing of the refused');
RESET ROLE;

-- ===================================================================
-- 5. The sweep: a deadline passing is nobody's act
-- ===================================================================

SET ROLE p_admin;
SET LOCAL tthc.actor = 'p_a1';
SELECT is(pg_temp.p_q($$SELECT overdue FROM tthc.sweep('2026-03-10 08:00')$$), '2',
          'the administrator naming p_a1 sweeps on 10/03: m_open and PB''s m_openb are overdue (no 42501 for PB)');
SET LOCAL tthc.actor = 'p_nobody';
SELECT lives_ok($$SELECT * FROM tthc.sweep('2026-03-11 08:00')$$, 'a sweep naming an unknown login is not refused');
SET LOCAL tthc.actor = '';
RESET ROLE;
SET ROLE p_auditor;
SELECT is(pg_temp.p_events('m_open'), '1:status:p_admin:p_a1 2:overdue:p_admin:-', 'm_open''s overdue event names no officer');
SELECT is(pg_temp.p_events('m_openb'), '1:status:p_admin:p_b2 2:overdue:p_admin:-', 'nor m_openb''s');
RESET ROLE;

-- ===================================================================
-- 6. Reading the scorecards, reports and views across units
-- ===================================================================

-- officer cards: the administrator and the auditor only
SET ROLE p_auditor;
SELECT is(pg_temp.p_q($$SELECT string_agg(officer || ':' || received || '/' || resolved || '/' || resolved_late || '/' || ratings
                                          || '/' || unsatisfied || '/' || coalesce(on_time_rate::text, '-'), ' ' ORDER BY officer)
                        FROM tthc.scorecard_officer('PA', '2026-03-15')$$),
          'p_a1:3/1/1/0/0/0.0000 p_a11:0/0/0/0/0/- p_a2:0/1/0/1/1/1.0000 p_gone:0/0/0/0/0/-',
          'the auditor reads PA''s March officer cards: PA''s and PA.1''s officers only, counted from the log');
SELECT is(pg_temp.p_q($$SELECT string_agg(officer || ':' || received || '/' || resolved, ' ' ORDER BY officer)
                        FROM tthc.scorecard_officer('PB', '2026-03-01')$$),
          'p_b1:1/1 p_b2:1/0', 'and PB''s');
SET ROLE p_admin;
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.scorecard_officer('PP', '2026-03-01')$$), '7',
          'the administrator reads the province''s: all seven officers');
SET ROLE p_pool_a;
SELECT throws_ok($$SELECT * FROM tthc.scorecard_officer('PA', '2026-03-01')$$, '42501', NULL,
                 'p_pool_a cannot read the officer cards, not even of its own unit');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_officer('PB', '2026-03-01')$$, '42501', NULL, 'nor of PB');
SET ROLE p_pool_b;
SELECT throws_ok($$SELECT * FROM tthc.scorecard_officer('PB', '2026-03-01')$$, '42501', NULL, 'p_pool_b neither, of PB');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_officer('PA', '2026-03-01')$$, '42501', NULL, 'nor of PA');
SET ROLE p_reader;
SELECT throws_ok($$SELECT * FROM tthc.scorecard_officer('PA', '2026-03-01')$$, '42501', NULL,
                 'a reader cannot read the officer cards (they name people)');
RESET ROLE;

-- unit cards, time reduction, stuck procedures, QĐ 766 points: own units
SET ROLE p_pool_a;
SELECT is(pg_temp.p_q($$SELECT numerator || '/' || denominator FROM tthc.scorecard_unit('PA', '[2026-03-01,2026-04-01)') WHERE indicator = 1$$),
          '1/2', 'p_pool_a reads PA''s unit card (total time: 1 of 2 in time)');
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.scorecard_unit('PA.1', '[2026-03-01,2026-04-01)')$$), '10',
          'and PA.1''s');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_unit('PB', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'not PB''s');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_unit('PP', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor the province''s');
SELECT is(pg_temp.p_q($$SELECT resolved FROM tthc.time_reduction('PA', '[2026-03-01,2026-04-01)')$$), '2',
          'p_pool_a reads PA''s time reduction');
SELECT throws_ok($$SELECT * FROM tthc.time_reduction('PB', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'not PB''s');
SELECT throws_ok($$SELECT * FROM tthc.time_reduction('PP', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor the province''s');
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.stuck_procedures('PA', '[2026-03-01,2026-04-01)', 1)$$), '1',
          'p_pool_a reads PA''s stuck procedures');
SELECT throws_ok($$SELECT * FROM tthc.stuck_procedures('PB', '[2026-03-01,2026-04-01)', 1)$$, '42501', NULL, 'not PB''s');
SELECT throws_ok($$SELECT * FROM tthc.stuck_procedures('PP', '[2026-03-01,2026-04-01)', 1)$$, '42501', NULL, 'nor the province''s');
SELECT is(pg_temp.p_q($$SELECT group_points || '/' || points FROM tthc.indicators_766('PA', '[2026-03-01,2026-04-01)')
                        WHERE indicator = 'on_time_rate'$$),
          '20/10.00', 'p_pool_a reads PA''s QĐ 766 points (progress: 20 points, half earned)');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('PB', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'not PB''s');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_diff('2026-03-01')$$, '42501', NULL, 'nor the month''s recount');
SET ROLE p_pool_b;
SELECT is(pg_temp.p_q($$SELECT numerator || '/' || denominator FROM tthc.scorecard_unit('PB', '[2026-03-01,2026-04-01)') WHERE indicator = 1$$),
          '1/1', 'p_pool_b reads PB''s unit card');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_unit('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'not PA''s');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_unit('PA.1', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor PA.1''s');
SELECT is(pg_temp.p_q($$SELECT resolved FROM tthc.time_reduction('PB', '[2026-03-01,2026-04-01)')$$), '1',
          'p_pool_b reads PB''s time reduction');
SELECT throws_ok($$SELECT * FROM tthc.time_reduction('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'not PA''s');
SELECT throws_ok($$SELECT * FROM tthc.stuck_procedures('PA', '[2026-03-01,2026-04-01)', 1)$$, '42501', NULL, 'nor PA''s stuck procedures');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor PA''s QĐ 766 points');
SET ROLE p_reader;
SELECT is(pg_temp.p_q($$SELECT points || '/' || max_points || '/' || grade FROM tthc.scorecard_unit('PP', '[2026-03-01,2026-04-01)')
                        WHERE name = 'total'$$),
          (SELECT points || '/' || max_points || '/' || grade FROM tthc.scorecard_unit('PP', '[2026-03-01,2026-04-01)') WHERE name = 'total'),
          'a reader reads the province''s unit card, as the superuser counts it');
SELECT is(pg_temp.p_q($$SELECT resolved FROM tthc.time_reduction('PP', '[2026-03-01,2026-04-01)')$$), '3',
          'and its time reduction');
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.stuck_procedures('PP', '[2026-03-01,2026-04-01)', 1)$$), '1',
          'and its stuck procedures');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_diff('2026-03-01')$$, '42501', NULL, 'but not the month''s recount');
SELECT throws_ok($$SELECT count(*) FROM tthc.scorecard_month$$, '42501', NULL, 'nor the published cards');
RESET ROLE;

-- the BI views: an officer's account sees its units' rows only
SET ROLE p_pool_a;
SELECT is(pg_temp.p_q($$SELECT array_agg(DISTINCT unit ORDER BY unit)::text FROM tthc.report_monthly WHERE unit LIKE 'P%'$$),
          '{PA,PA.1}', 'p_pool_a reads tthc.report_monthly: PA''s and PA.1''s rows, not PB''s');
SELECT is(pg_temp.p_q($$SELECT array_agg(DISTINCT unit ORDER BY unit)::text FROM tthc.indicators_766_monthly WHERE unit LIKE 'P%'$$),
          '{PA,PA.1}', 'and tthc.indicators_766_monthly: PA and PA.1, not PB nor PP (which sums PB)');
CREATE FUNCTION pg_temp.p_trap(u text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  IF NOT u = ANY (tthc.my_units()) THEN
    RAISE EXCEPTION 'leaked a row of %', u;
  END IF;
  RETURN true;
END $$;
SELECT lives_ok($$SELECT count(*) FROM tthc.report_monthly WHERE pg_temp.p_trap(unit)$$,
                'p_pool_a''s own function in a WHERE on tthc.report_monthly sees no other unit''s row');
SELECT lives_ok($$SELECT count(*) FROM tthc.indicators_766_monthly WHERE pg_temp.p_trap(unit)$$,
                'nor on tthc.indicators_766_monthly');
SELECT is(pg_temp.p_q($$SELECT numerator || '/' || denominator FROM tthc.indicators_766_monthly
                        WHERE unit = 'PA' AND month = '2026-03-01' AND indicator = 'on_time_rate'$$),
          '1/2', 'PA''s March on-time rate in the view');
SET ROLE p_pool_b;
SELECT is(pg_temp.p_q($$SELECT array_agg(DISTINCT unit ORDER BY unit)::text FROM tthc.report_monthly WHERE unit LIKE 'P%'$$),
          '{PB}', 'p_pool_b reads PB''s rows of tthc.report_monthly only');
SELECT is(pg_temp.p_q($$SELECT array_agg(DISTINCT unit ORDER BY unit)::text FROM tthc.indicators_766_monthly WHERE unit LIKE 'P%'$$),
          '{PB}', 'and of tthc.indicators_766_monthly');
SELECT lives_ok($$SELECT count(*) FROM tthc.indicators_766_monthly WHERE pg_temp.p_trap(unit)$$,
                'p_pool_b''s call of the trap on tthc.indicators_766_monthly sees no other unit''s row');
SET ROLE p_reader;
SELECT is(pg_temp.p_q($$SELECT array_agg(DISTINCT unit ORDER BY unit)::text FROM tthc.report_monthly WHERE unit LIKE 'P%'$$),
          '{PA,PA.1,PB}', 'a reader reads every unit''s rows of tthc.report_monthly');
SELECT is(pg_temp.p_q($$SELECT array_agg(DISTINCT unit ORDER BY unit)::text FROM tthc.indicators_766_monthly WHERE unit LIKE 'P%'$$),
          '{PA,PA.1,PB,PP}', 'and of tthc.indicators_766_monthly');
RESET ROLE;

-- ===================================================================
-- 7. Closing the month
-- ===================================================================

SET ROLE p_pool_a;
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-03-01')$$, '42501', NULL, 'p_pool_a cannot close a month');
SET ROLE p_pool_b;
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-03-01')$$, '42501', NULL, 'nor p_pool_b');
SET ROLE p_reader;
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-03-01')$$, '42501', NULL, 'nor a reader');
SET ROLE p_auditor;
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-03-01')$$, '42501', NULL, 'nor the auditor');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_diff('2026-03-01')$$, '55000', NULL,
                 'the auditor''s recount of a month not closed: 55000');
SET ROLE p_admin;
SELECT throws_ok($$SELECT tthc.scorecard_close('2099-01-01')$$, '22023', NULL, 'a month not over cannot be closed (22023)');
SELECT throws_ok($$SELECT tthc.scorecard_close(NULL)$$, '22004', NULL, 'nor a null month (22004)');
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.scorecard_month WHERE month = '2026-03-01'$$), '0',
          'nothing was published by the refused closes');
SELECT matches(pg_temp.p_q($$SELECT tthc.scorecard_close('2026-03-17')$$), '^[1-9][0-9]*$',
               'the administrator closes March (any day of it)');
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-03-01')$$, '55000', NULL, 'closing March again: 55000');
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-03-31')$$, '55000', NULL, 'by another of its days too');
SELECT is(pg_temp.p_q($$SELECT string_agg(item || ':' || (card ->> 'received') || '/' || (card ->> 'resolved') || '/' || (card ->> 'ratings'), ' ' ORDER BY item)
                        FROM tthc.scorecard_month WHERE month = '2026-03-01' AND kind = 'officer' AND item LIKE 'p\_%'$$),
          'p_a1:3/1/0 p_a11:0/0/0 p_a2:0/1/1 p_b1:1/1/0 p_b2:1/0/0 p_gone:0/0/0 p_p1:0/0/0',
          'the published officer cards of March');
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.scorecard_diff('2026-03-01')$$), '0', 'a recount today changes nothing');
RESET ROLE;

-- a late rating: the recount shows it, the published card stays
SET ROLE p_admin;
SELECT lives_ok($$INSERT INTO tthc.rating (dossier_id, rating, officer, rated_at)
                  SELECT id, 'satisfied', 'p_a1', '2026-03-25 10:00' FROM p_d WHERE tag = 'm_late'$$,
                'the administrator records a late March rating about p_a1');
SELECT is(pg_temp.p_q($$SELECT string_agg(kind || ':' || item || ':' || field || ':' || published || '->' || recounted, ' ' ORDER BY field)
                        FROM tthc.scorecard_diff('2026-03-01') WHERE kind = 'officer'$$),
          'officer:p_a1:ratings:0->1', 'the administrator''s recount shows p_a1''s card would change');
SET ROLE p_auditor;
SELECT is(pg_temp.p_q($$SELECT count(*) FROM tthc.scorecard_diff('2026-03-01') WHERE kind = 'officer' AND item = 'p_a1'$$), '1',
          'the auditor''s too');
SELECT is(pg_temp.p_q($$SELECT card ->> 'ratings' FROM tthc.scorecard_month WHERE month = '2026-03-01' AND kind = 'officer' AND item = 'p_a1'$$),
          '0', 'the published card is unchanged');
RESET ROLE;

-- the published cards never change (README: 42501 on UPDATE, DELETE,
-- TRUNCATE, for everyone): not for the administrator, nor the superuser,
-- nor in replica mode, as for the event log, whose triggers fire always
SET ROLE p_admin;
SELECT throws_ok($$UPDATE tthc.scorecard_month SET card = jsonb_set(card, '{ratings}', '1') WHERE item = 'p_a1'$$,
                 '42501', NULL, 'the administrator cannot UPDATE a published card');
SELECT throws_ok($$DELETE FROM tthc.scorecard_month WHERE month = '2026-03-01'$$, '42501', NULL, 'nor DELETE the month');
SELECT throws_ok($$TRUNCATE tthc.scorecard_month$$, '42501', NULL, 'nor TRUNCATE');
SELECT throws_ok($$INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
                   SELECT month, kind, unit, item, jsonb_set(card, '{ratings}', '1'), closed_by FROM tthc.scorecard_month
                   WHERE month = '2026-03-01' AND item = 'p_a1'
                   ON CONFLICT (month, kind, unit, item) DO UPDATE SET card = excluded.card$$,
                 '42501', NULL, 'nor upsert it (ON CONFLICT DO UPDATE)');
SELECT throws_ok($$INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
                   VALUES ('2026-02-01', 'officer', 'PA', 'p_a1', '{}', 'p_admin')$$,
                 '42501', NULL, 'nor publish a card of its own making (INSERT)');
\set ON_ERROR_STOP 0
SAVEPOINT p_copy;
\copy tthc.scorecard_month (month, kind, unit, item, card, closed_by) FROM PROGRAM 'printf "2026-02-01\\tofficer\\tPA\\tp_a1\\t{}\\tp_admin\\n"'
\set p_copy_7 :SQLSTATE
ROLLBACK TO SAVEPOINT p_copy;
RELEASE SAVEPOINT p_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'p_copy_7'::text, '42501', 'nor COPY cards in');
SELECT throws_ok($$UPDATE tthc.scorecard_month SET card = '{}' WHERE month = '2026-03-01'$$, '42501', NULL,
                 'the superuser cannot UPDATE a published card either');
SELECT throws_ok($$DELETE FROM tthc.scorecard_month WHERE month = '2026-03-01'$$, '42501', NULL, 'nor DELETE one');
SELECT is(pg_temp.p_try($$SET LOCAL session_replication_role = replica;
                          UPDATE tthc.scorecard_month SET card = '{}' WHERE month = '2026-03-01'$$), 'error 42501',
          'nor in replica mode (the log''s triggers fire always)');
SELECT is(pg_temp.p_try($$SET LOCAL session_replication_role = replica;
                          DELETE FROM tthc.scorecard_month WHERE month = '2026-03-01'$$), 'error 42501',
          'nor DELETE in replica mode');
SELECT is((SELECT count(*)::int FROM tthc.scorecard_month WHERE month = '2026-03-01' AND card = '{}'), 0,
          'every March card is still as published');

-- ===================================================================
-- 8. The officers named in the log stay registered: the log and the
-- ratings name a login; deleting it (or renaming it) and registering the
-- login again for someone else would hand that person the history
-- ===================================================================

SET ROLE p_admin;
SELECT is(pg_temp.p_try($$DELETE FROM tthc.officer WHERE login = 'p_a2'$$), 'error 23503',
          'the administrator cannot delete an officer the log and a rating name (23503): deactivate instead');
SELECT matches(pg_temp.p_try($$UPDATE tthc.officer SET login = 'p_a2x' WHERE login = 'p_a2'$$), '^error (23503|42501|55000)$',
               'nor rename the login the log names');
SELECT is(pg_temp.p_try($$DELETE FROM tthc.officer WHERE login = 'p_gone'$$), 'written 1',
          'an officer the log does not name may be deleted');
SELECT lives_ok($$UPDATE tthc.officer SET active = false WHERE login = 'p_b2'$$, 'and one who left deactivated');
RESET ROLE;

-- ===================================================================
-- 9. The officer is in the hash chain
-- ===================================================================

SELECT is(pg_temp.p_try($$SET LOCAL session_replication_role = replica;
                          UPDATE tthc.dossier_event SET officer = 'p_a2'
                          WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'm_late') AND seq = 1$$), 'error 42501',
          'the superuser in replica mode cannot change an event''s officer (the log''s triggers fire always)');
-- a superuser around the trigger: a swapped, an erased and an added officer
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
UPDATE tthc.dossier_event SET officer = 'p_a2' WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'm_late') AND seq = 1;
UPDATE tthc.dossier_event SET officer = NULL WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'm_b') AND seq = 2;
UPDATE tthc.dossier_event SET officer = 'p_a1' WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'n0') AND seq = 1;
UPDATE tthc.dossier_event SET actor = 'p_pool_b' WHERE dossier_id = (SELECT id FROM p_d WHERE tag = 'n2') AND seq = 2;
ALTER TABLE tthc.dossier_event ENABLE TRIGGER append_only;
SET ROLE p_auditor;
SELECT is(pg_temp.p_q($$SELECT string_agg(s.tag || ':' || v.seq, ' ' ORDER BY s.tag)
                        FROM tthc.verify_log() v JOIN p_d s ON s.code = v.code$$),
          'm_b:2 m_late:1 n0:1 n2:2',
          'verify_log names each event whose officer was swapped, erased or added, or whose actor was changed; the others verify');
RESET ROLE;

-- ===================================================================
-- 10. Someone outside every tthc role
-- ===================================================================

SET ROLE p_outsider;
SELECT throws_ok($$SELECT count(*) FROM tthc.officer$$, '42501', NULL, 'an outsider cannot read tthc.officer');
SELECT throws_ok($$INSERT INTO tthc.officer (login, full_name, unit) VALUES ('p_evil', 'Evil', 'PA')$$, '42501', NULL,
                 'nor write it');
SELECT throws_ok($$SELECT count(*) FROM tthc.scorecard_month$$, '42501', NULL, 'nor read tthc.scorecard_month');
SELECT throws_ok($$SELECT count(*) FROM tthc.stuck_rule$$, '42501', NULL, 'nor tthc.stuck_rule');
SELECT throws_ok($$SELECT count(*) FROM tthc.report_monthly$$, '42501', NULL, 'nor the view tthc.report_monthly');
SELECT throws_ok($$SELECT count(*) FROM tthc.indicators_766_monthly$$, '42501', NULL, 'nor tthc.indicators_766_monthly');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_officer('PA', '2026-03-01')$$, '42501', NULL, 'nor call tthc.scorecard_officer');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_unit('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor tthc.scorecard_unit');
SELECT throws_ok($$SELECT * FROM tthc.time_reduction('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor tthc.time_reduction');
SELECT throws_ok($$SELECT * FROM tthc.stuck_procedures('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor tthc.stuck_procedures');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('PA', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor tthc.indicators_766');
SELECT throws_ok($$SELECT tthc.scorecard_close('2026-02-01')$$, '42501', NULL, 'nor tthc.scorecard_close');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_diff('2026-03-01')$$, '42501', NULL, 'nor tthc.scorecard_diff');
SELECT throws_ok($$SELECT * FROM tthc.scorecard_cards('2026-03-01')$$, '42501', NULL, 'nor tthc.scorecard_cards');
SELECT throws_ok($$SELECT tthc.officer_on_dossier('p_a1', 1)$$, '42501', NULL, 'nor tthc.officer_on_dossier (which logins exist)');
SELECT throws_ok($$SELECT * FROM tthc.local_bounds('PA', '2026-03-01', '2026-04-01')$$, '42501', NULL, 'nor tthc.local_bounds');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                   SELECT tthc.transition((SELECT code FROM p_d WHERE tag = 'n1'), 'awaiting_supplement', now(), 'hijack')$$,
                 '42501', NULL, 'naming p_a1 gives it nothing: it still cannot move a dossier');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                   INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('6.000002', 'PA', 'hijack')$$,
                 '42501', NULL, 'nor receive one');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'p_a1', true);
                   INSERT INTO tthc.rating (dossier_id, rating, officer) SELECT id, 'unsatisfied', 'p_a1' FROM p_d WHERE tag = 'm_open'$$,
                 '42501', NULL, 'nor rate one');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
