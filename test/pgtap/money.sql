-- pgTAP: money (0.10.0, issue 14), attacked from the attacker's side: fees,
-- receipt series, payments and receipts, and the functions that write them.
--
-- Fixture: a province MP with two communes MA (with its reception point
-- MA.1) and MB.  Each commune has a pooled login (mo_pool_a, mo_pool_b:
-- tthc_officer, assigned by tthc.officer_unit) through which its named
-- officers act with SET LOCAL tthc.actor / set_config(..., true):
--   mo_a1, mo_a2 at MA; mo_a11 at MA.1; mo_b1, mo_b2 at MB; mo_p1 at MP;
--   mo_gone at MA, inactive.
-- Beside them a reader, an auditor, an administrator and mo_outsider, a
-- login in no tthc role.  Procedure 7.000001 has two fees due at reception:
-- PHI (phí, 50 000 đồng, nobody exempt) and LEPHI (lệ phí, 20 000 đồng,
-- exempt: người có công).  Each commune has a receipt series per kind:
--   MA  01BLP0-001 AA/<yy>E phí     02BLP0-001 AB/<yy>E lệ phí
--   MB  01BLP0-001 BA/<yy>E phí     02BLP0-001 BB/<yy>E lệ phí
-- (<yy> the current local year: a series serves the year in its symbol).
--
-- Every attack is paired with the same path on the attacker's own data (or
-- by a role that may), so a broken fixture cannot pass vacuously; refused
-- attempts are followed by m_traces(), which must not have moved: every
-- dossier's event_seq, status and payment, the payments and receipts, the
-- series' next numbers and the number of events.  Statements that may fail
-- go through throws_ok / lives_ok, m_q / m_n (which return 'error
-- <SQLSTATE>'), or m_try, which always rolls its statement back.  COPY goes
-- through psql's \copy with ON_ERROR_STOP off around it when it is to be
-- refused (its SQLSTATE is psql's :SQLSTATE, its error is printed on stderr:
-- that is expected); a COPY TO that goes through writes to a program whose
-- line count is read back with a backquote (the file is named after psql's
-- pid, $PPID of both shells).  Nothing in this file is dated: every act
-- happens now, in one transaction that is rolled back.
BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT plan(277);

-- ===================================================================
-- Fixture (as the superuser, the administrator and the officers)
-- ===================================================================

INSERT INTO tthc.unit (code, name, level, tax_code) VALUES ('MP', 'tỉnh thử (money)', 'province', '0100000009');
INSERT INTO tthc.unit (code, name, level, parent, tax_code) VALUES
  ('MA', 'xã A (money)', 'commune', 'MP', '0100000001'),
  ('MB', 'xã B (money)', 'commune', 'MP', '0100000002');
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('MA.1', 'điểm tiếp nhận A.1 (money)', 'commune', 'MA');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('7.000001', 'money: 5 ngày', '5 working days');

CREATE ROLE mo_pool_a LOGIN IN ROLE tthc_officer;   -- MA's pooled portal login
CREATE ROLE mo_pool_b LOGIN IN ROLE tthc_officer;   -- MB's
CREATE ROLE mo_reader LOGIN IN ROLE tthc_reader;
CREATE ROLE mo_auditor LOGIN IN ROLE tthc_auditor;
CREATE ROLE mo_admin LOGIN IN ROLE tthc_admin;
CREATE ROLE mo_outsider LOGIN;                      -- in no tthc role, no grants
INSERT INTO tthc.officer_unit (role, unit) VALUES ('mo_pool_a', 'MA'), ('mo_pool_b', 'MB');

-- the value of a query (first column of its first row, as text), or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.m_q(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  EXECUTE q INTO r;
  RETURN coalesce(r, '<null>');
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- the rows a statement changed, or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.m_n(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n::text;
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- like m_n, but whatever happens the statement is rolled back: 'error
-- <SQLSTATE>', or 'written <rows>' for a statement that went through
CREATE FUNCTION pg_temp.m_try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE EXCEPTION '%', n USING ERRCODE = 'P0042';
EXCEPTION
  WHEN SQLSTATE 'P0042' THEN RETURN 'written ' || SQLERRM;
  WHEN others THEN RETURN 'error ' || SQLSTATE;
END $$;
-- like m_q, but the query is rolled back after its value is taken
CREATE FUNCTION pg_temp.m_rolled(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  EXECUTE q INTO r;
  RAISE EXCEPTION '%', coalesce(r, '<null>') USING ERRCODE = 'P0042';
EXCEPTION
  WHEN SQLSTATE 'P0042' THEN RETURN 'rolled back ' || SQLERRM;
  WHEN others THEN RETURN 'error ' || SQLSTATE;
END $$;

CREATE TEMP TABLE m_d (tag text PRIMARY KEY, id bigint, code text);
CREATE TEMP TABLE m_p (tag text PRIMARY KEY, id bigint);
CREATE TEMP TABLE m_mark (k text PRIMARY KEY, v text);
GRANT SELECT, INSERT ON m_d TO PUBLIC;
GRANT SELECT ON m_p TO PUBLIC;
-- a dossier's code and id, a payment's id, a series' symbol (AA -> AA/<yy>E)
CREATE FUNCTION pg_temp.m_code(t text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT code FROM m_d WHERE tag = t $$;
CREATE FUNCTION pg_temp.m_id(t text) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT id FROM m_d WHERE tag = t $$;
CREATE FUNCTION pg_temp.m_pay(t text) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT id FROM m_p WHERE tag = t $$;
CREATE FUNCTION pg_temp.m_sym(s text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT s || '/' || to_char(now(), 'YY') || 'E' $$;
-- what a refused act could leave behind, as the superuser sees it
CREATE FUNCTION pg_temp.m_traces() RETURNS text LANGUAGE sql AS $$
  SELECT (SELECT string_agg(m.tag || ':' || d.event_seq || ':' || d.status || ':' || coalesce(d.payment, '-'), ' ' ORDER BY m.tag)
          FROM m_d m JOIN tthc.dossier d ON d.id = m.id)
      || ' | ' || (SELECT count(*) || ' payments of ' || coalesce(sum(amount), 0) FROM tthc.payment)
      || ' | ' || (SELECT count(*) || ' receipts, ' || count(*) FILTER (WHERE status = 'issued') || ' issued' FROM tthc.receipt)
      || ' | ' || (SELECT string_agg(left(symbol, 2) || '=' || next_no, ' ' ORDER BY symbol) FROM tthc.receipt_series
                   WHERE unit IN ('MP', 'MA', 'MA.1', 'MB'))
      || ' | ' || (SELECT count(*) FROM tthc.dossier_event) || ' events' $$;

SET ROLE mo_admin;
SELECT lives_ok($$INSERT INTO tthc.officer (login, full_name, unit, title) VALUES
                    ('mo_a1', 'Nguyễn Văn A1', 'MA', 'công chức một cửa'),
                    ('mo_a2', 'Trần Thị A2', 'MA', 'kế toán'),
                    ('mo_a11', 'Lê Văn A11', 'MA.1', 'công chức'),
                    ('mo_b1', 'Phạm Văn B1', 'MB', 'công chức một cửa'),
                    ('mo_b2', 'Hoàng Thị B2', 'MB', 'kế toán'),
                    ('mo_p1', 'Đỗ Văn P1', 'MP', 'giám đốc trung tâm');
                  INSERT INTO tthc.officer (login, full_name, unit, active) VALUES ('mo_gone', 'Vũ Văn Gone', 'MA', false)$$,
                'the administrator registers the officers of both communes, the province and one who left');
SELECT lives_ok($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, stage, exempt)
                  SELECT id, 'PHI', 'phi', 'Phí thẩm định', 50000, 'reception', NULL FROM tthc.procedure WHERE code = '7.000001'
                  UNION ALL
                  SELECT id, 'LEPHI', 'le_phi', 'Lệ phí cấp giấy', 20000, 'reception', 'người có công' FROM tthc.procedure WHERE code = '7.000001'$$,
                'the administrator sets the procedure''s fees');
SELECT lives_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind, legal_reference) VALUES
                    ('MA', '01BLP0-001', pg_temp.m_sym('AA'), 'phi', 'TB phát hành 1'),
                    ('MA', '02BLP0-001', pg_temp.m_sym('AB'), 'le_phi', 'TB phát hành 1'),
                    ('MB', '01BLP0-001', pg_temp.m_sym('BA'), 'phi', 'TB phát hành 2'),
                    ('MB', '02BLP0-001', pg_temp.m_sym('BB'), 'le_phi', 'TB phát hành 2')$$,
                'the administrator registers a receipt series per kind for each commune (the first thing the series guard sees)');
RESET ROLE;

-- the dossiers, received by the officers now:
--   a_paid   MA  PHI (cash) and LEPHI (portal) paid, receipts AB 1 and AA 1
--   a_part   MA  20 000 of PHI paid, no receipt
--   a_open   MA  nothing paid
--   a_await  MA  awaiting payment
--   a_child  MA.1, received by mo_a11 through mo_pool_a
--   b_paid   MB  PHI paid (transfer), receipt BA 1
--   b_part   MB  10 000 of PHI paid, no receipt
--   b_open   MB  nothing paid
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_a1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id)
                    VALUES ('7.000001', 'MA', 'a_paid', '022088001111'), ('7.000001', 'MA', 'a_part', '022088002222'),
                           ('7.000001', 'MA', 'a_open', '022088003333'), ('7.000001', 'MA', 'a_await', '022088004444')
                    RETURNING applicant_name, id, code)
                  INSERT INTO m_d SELECT * FROM x;
                  SELECT tthc.transition(pg_temp.m_code('a_await'), 'processing');
                  SELECT tthc.transition(pg_temp.m_code('a_await'), 'awaiting_payment');
                  SELECT set_config('tthc.actor', 'mo_a11', true);
                  WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name)
                    VALUES ('7.000001', 'MA.1', 'a_child') RETURNING applicant_name, id, code)
                  INSERT INTO m_d SELECT * FROM x;
                  SELECT set_config('tthc.actor', 'mo_a1', true)$$,
                'mo_pool_a receives MA''s dossiers naming mo_a1, and MA.1''s naming mo_a11');
SELECT lives_ok($$SELECT tthc.pay(pg_temp.m_code('a_paid'), 'PHI', 50000, 'cash', 'BL-CASH-1');
                  SELECT tthc.pay(pg_temp.m_code('a_paid'), 'LEPHI', 20000, 'portal', 'DVC-0001');
                  SELECT tthc.issue_receipt(pg_temp.m_code('a_paid'));
                  SELECT tthc.pay(pg_temp.m_code('a_part'), 'PHI', 20000, 'cash')$$,
                'mo_a1 takes a_paid''s fees and receipts them, and part of a_part''s');
SET LOCAL tthc.actor = '';
SET ROLE mo_pool_b;
SET LOCAL tthc.actor = 'mo_b1';
SELECT lives_ok($$WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id)
                    VALUES ('7.000001', 'MB', 'b_paid', '022088005555'), ('7.000001', 'MB', 'b_part', '022088006666'),
                           ('7.000001', 'MB', 'b_open', '022088007777')
                    RETURNING applicant_name, id, code)
                  INSERT INTO m_d SELECT * FROM x;
                  SELECT tthc.pay(pg_temp.m_code('b_paid'), 'PHI', 50000, 'transfer', 'VCB-778899');
                  SELECT tthc.issue_receipt(pg_temp.m_code('b_paid'));
                  SELECT tthc.pay(pg_temp.m_code('b_part'), 'PHI', 10000, 'cash')$$,
                'mo_pool_b naming mo_b1 receives MB''s dossiers, takes b_paid''s fee with a receipt and part of b_part''s');
SET LOCAL tthc.actor = '';
RESET ROLE;
INSERT INTO m_p
  SELECT m.tag || CASE WHEN m.tag = 'a_paid' THEN '.' || p.fee_code ELSE '' END, p.id
  FROM tthc.payment p JOIN m_d m ON m.id = p.dossier_id;

SELECT is((SELECT string_agg(unit || ' ' || left(symbol, 2) || ' ' || no || ' ' || kind || ' ' || total || ' ' || officer || '/' || actor, ', '
                             ORDER BY unit, symbol) FROM tthc.receipt),
          'MA AA 0000001 phi 50000 mo_a1/mo_pool_a, MA AB 0000001 le_phi 20000 mo_a1/mo_pool_a, MB BA 0000001 phi 50000 mo_b1/mo_pool_b',
          'fixture: the three receipts, numbered 1 in their series, naming the officer and the pooled login');
SELECT is(pg_temp.m_traces(),
          'a_await:3:awaiting_payment:- a_child:1:received:- a_open:1:received:- a_paid:5:received:online a_part:2:received:offline'
          || ' b_open:1:received:- b_paid:3:received:offline b_part:2:received:offline'
          || ' | 5 payments of 150000 | 3 receipts, 3 issued | AA=2 AB=2 BA=2 BB=1 | '
          || (SELECT count(*) FROM tthc.dossier_event) || ' events',
          'fixture: events, statuses, dossier.payment, payments, receipts and the series'' next numbers');
SELECT is((SELECT count(*)::int FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM m_d)), 0,
          'fixture: every control slip verifies, money rows included');

-- ===================================================================
-- 1. Reading: SELECT, COPY TO, receipt_document, receipt_usage
-- ===================================================================

-- a function of the caller's in a WHERE sees no row the policy hides
CREATE FUNCTION pg_temp.m_trap(dossier bigint, foreign_prefix text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  IF dossier IN (SELECT id FROM m_d WHERE tag LIKE foreign_prefix || '%') THEN
    RAISE EXCEPTION 'leaked a money row of dossier %', dossier;
  END IF;
  RETURN true;
END $$;

SET ROLE mo_pool_a;
SELECT is(pg_temp.m_q($$SELECT string_agg(m.tag || ':' || p.fee_code || ':' || p.amount, ' ' ORDER BY p.id)
                        FROM tthc.payment p JOIN m_d m ON m.id = p.dossier_id$$),
          'a_paid:PHI:50000 a_paid:LEPHI:20000 a_part:PHI:20000', 'mo_pool_a reads MA''s payments');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.payment$$), '3', 'and no other payment in the database');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.payment WHERE dossier_id = pg_temp.m_id('b_paid')$$), '0',
          'asked for b_paid''s payments by dossier id, it gets none');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')$$), '0',
          'nor b_part''s payment by its id');
SELECT is(pg_temp.m_q($$SELECT string_agg(unit || ' ' || left(symbol, 2) || ' ' || number, ', ' ORDER BY symbol) FROM tthc.receipt$$),
          'MA AA 1, MA AB 1', 'it reads MA''s receipts, not MB''s');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.receipt WHERE unit = 'MB' OR dossier_id = pg_temp.m_id('b_paid')$$), '0',
          'asked for MB''s receipts, it gets none');
SELECT lives_ok($$SELECT count(*) FROM tthc.payment WHERE pg_temp.m_trap(dossier_id, 'b\_')$$,
                'its own function in a WHERE on tthc.payment sees no payment of MB');
SELECT lives_ok($$SELECT count(*) FROM tthc.receipt WHERE pg_temp.m_trap(dossier_id, 'b\_')$$,
                'nor a receipt of MB');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.dossier_event WHERE kind IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')$$),
          '5', 'the events of MA''s money only (their notes are the rows'' facts)');
SELECT is(pg_temp.m_q($$SELECT tthc.receipt_document('MB', '01BLP0-001', pg_temp.m_sym('BA'), 1)$$), '<null>',
          'receipt_document of MB''s receipt BA 1: NULL');
SELECT is(pg_temp.m_q($$SELECT (d ->> 'total') || ' ' || (d -> 'collector' ->> 'tax_code') || ' ' || (d ->> 'dossier')
                        FROM tthc.receipt_document('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1) d$$),
          '50000 0100000001 ' || pg_temp.m_code('a_paid'), 'receipt_document of its own AA 1: the total, MA''s tax code, the dossier');
SELECT throws_ok($$SELECT * FROM tthc.receipt_usage('MB', daterange(current_date - 1, current_date + 2))$$, '42501', NULL,
                 'receipt_usage of MB: 42501 (check_units)');
SELECT throws_ok($$SELECT * FROM tthc.receipt_usage('MP', daterange(current_date - 1, current_date + 2))$$, '42501', NULL,
                 'nor of the province, which sums MB');
SELECT is(pg_temp.m_q($$SELECT string_agg(series_unit || ' ' || left(symbol, 2) || ' ' || first_no || '-' || last_no || ' ' || issued
                                          || ' ' || total_amount || ' ' || gaps, ', ' ORDER BY symbol)
                        FROM tthc.receipt_usage('MA', daterange(current_date - 1, current_date + 2))$$),
          'MA AA 1-1 1 50000 0, MA AB 1-1 1 20000 0', 'receipt_usage of its own MA');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.receipt_usage('MA.1', daterange(current_date - 1, current_date + 2))$$), '0',
          'and of MA.1, below MA (no series there)');
SET ROLE mo_pool_b;
SELECT is(pg_temp.m_q($$SELECT string_agg(m.tag || ':' || p.amount, ' ' ORDER BY p.id) FROM tthc.payment p JOIN m_d m ON m.id = p.dossier_id$$),
          'b_paid:50000 b_part:10000', 'mo_pool_b reads MB''s payments');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.payment$$), '2', 'and no other');
SELECT is(pg_temp.m_q($$SELECT string_agg(unit || ' ' || left(symbol, 2) || ' ' || number, ', ') FROM tthc.receipt$$),
          'MB BA 1', 'MB''s receipt only');
SELECT lives_ok($$SELECT count(*) FROM tthc.payment p JOIN tthc.receipt r ON r.dossier_id = p.dossier_id
                  WHERE pg_temp.m_trap(p.dossier_id, 'a\_') AND pg_temp.m_trap(r.dossier_id, 'a\_')$$,
                'its own function sees no payment or receipt of MA');
SELECT is(pg_temp.m_q($$SELECT tthc.receipt_document('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1)$$), '<null>',
          'receipt_document of MA''s AA 1: NULL');
SELECT throws_ok($$SELECT * FROM tthc.receipt_usage('MA', daterange(current_date - 1, current_date + 2))$$, '42501', NULL,
                 'receipt_usage of MA: 42501');
SELECT is(pg_temp.m_q($$SELECT string_agg(left(symbol, 2) || ' ' || issued, ', ') FROM tthc.receipt_usage('MB', daterange(current_date - 1, current_date + 2))$$),
          'BA 1', 'receipt_usage of its own MB');
SET ROLE mo_reader;
SELECT throws_ok($$SELECT count(*) FROM tthc.payment$$, '42501', 'permission denied for table payment', 'a reader cannot SELECT tthc.payment');
SELECT throws_ok($$SELECT count(*) FROM tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor tthc.receipt');
SELECT throws_ok($$SELECT tthc.receipt_document('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1)$$, '42501', 'permission denied for function receipt_document',
                 'nor call receipt_document (payers are named on it)');
SELECT is(pg_temp.m_q($$SELECT string_agg(series_unit || ' ' || left(symbol, 2) || ' ' || issued || ' ' || total_amount || ' ' || gaps, ', ' ORDER BY symbol)
                        FROM tthc.receipt_usage('MP', daterange(current_date - 1, current_date + 2))$$),
          'MA AA 1 50000 0, MA AB 1 20000 0, MB BA 1 50000 0', 'but it calls receipt_usage of the province: both communes'' series');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.receipt_series WHERE unit IN ('MA', 'MB')$$), '4', 'and reads the series');
SELECT is(pg_temp.m_q($$SELECT string_agg(fee_code || ':' || amount, ' ' ORDER BY fee_code) FROM tthc.fee f JOIN tthc.procedure v ON v.id = f.procedure_id
                        WHERE v.code = '7.000001'$$), 'LEPHI:20000 PHI:50000', 'and the fees');
SET ROLE mo_auditor;
SELECT is(pg_temp.m_q($$SELECT count(*) || '/' || sum(amount) FROM tthc.payment WHERE dossier_id IN (SELECT id FROM m_d)$$), '5/150000',
          'the auditor reads every payment');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.receipt WHERE dossier_id IN (SELECT id FROM m_d)$$), '3', 'and every receipt');
SELECT is(pg_temp.m_q($$SELECT tthc.receipt_document('MB', '01BLP0-001', pg_temp.m_sym('BA'), 1) ->> 'total'$$), '50000',
          'and any receipt''s document');
SET ROLE mo_outsider;
SELECT throws_ok($$SELECT count(*) FROM tthc.payment$$, '42501', 'permission denied for table payment', 'an outsider cannot SELECT tthc.payment');
SELECT throws_ok($$SELECT count(*) FROM tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor tthc.receipt');
SELECT throws_ok($$SELECT count(*) FROM tthc.receipt_series$$, '42501', 'permission denied for table receipt_series', 'nor tthc.receipt_series');
SELECT throws_ok($$SELECT count(*) FROM tthc.fee$$, '42501', 'permission denied for table fee', 'nor tthc.fee');
SELECT throws_ok($$SELECT * FROM tthc.receipt_usage('MA', daterange(current_date - 1, current_date + 2))$$,
                 '42501', 'permission denied for function receipt_usage',
                 'nor call receipt_usage');
SELECT throws_ok($$SELECT tthc.receipt_document('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1)$$,
                 '42501', 'permission denied for function receipt_document', 'nor receipt_document');
RESET ROLE;

-- COPY TO: what SELECT sees, no more
SET ROLE mo_pool_a;
\copy tthc.payment TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-money-copy.$PPID'
\set m_lines_a_pay `cat /tmp/tthc-money-copy.$PPID; rm -f /tmp/tthc-money-copy.$PPID`
\copy tthc.receipt TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-money-copy.$PPID'
\set m_lines_a_rec `cat /tmp/tthc-money-copy.$PPID; rm -f /tmp/tthc-money-copy.$PPID`
SET ROLE mo_pool_b;
\copy tthc.payment TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-money-copy.$PPID'
\set m_lines_b_pay `cat /tmp/tthc-money-copy.$PPID; rm -f /tmp/tthc-money-copy.$PPID`
\set ON_ERROR_STOP 0
SET ROLE mo_reader;
SAVEPOINT m_copy;   -- after SET ROLE: rolling back to it keeps the role
\copy tthc.payment TO '/dev/null'
\set m_copy_r1 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
\copy tthc.receipt TO '/dev/null'
\set m_copy_r2 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
RELEASE SAVEPOINT m_copy;
SET ROLE mo_outsider;
SAVEPOINT m_copy;
\copy tthc.fee TO '/dev/null'
\set m_copy_o1 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
\copy tthc.receipt_series TO '/dev/null'
\set m_copy_o2 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
RELEASE SAVEPOINT m_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'m_lines_a_pay'::text, '3', 'mo_pool_a''s COPY tthc.payment TO: MA''s 3 payments only');
SELECT is(:'m_lines_a_rec'::text, '2', 'its COPY tthc.receipt TO: MA''s 2 receipts only');
SELECT is(:'m_lines_b_pay'::text, '2', 'mo_pool_b''s COPY tthc.payment TO: MB''s 2 payments only');
SELECT is(:'m_copy_r1'::text, '42501', 'a reader cannot COPY tthc.payment TO');
SELECT is(:'m_copy_r2'::text, '42501', 'nor tthc.receipt');
SELECT is(:'m_copy_o1'::text, '42501', 'an outsider cannot COPY tthc.fee TO');
SELECT is(:'m_copy_o2'::text, '42501', 'nor tthc.receipt_series');

-- ===================================================================
-- 2. Writing the money tables directly: INSERT, UPDATE, DELETE,
-- TRUNCATE, ON CONFLICT, COPY FROM, by every role
-- ===================================================================

INSERT INTO m_mark VALUES ('direct', pg_temp.m_traces());
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_a1';
SELECT throws_ok($$INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, officer, actor)
                   SELECT id, (SELECT procedure_id FROM tthc.dossier WHERE id = m.id), 'PHI', 50000, 'cash', false, now(), 99, 'mo_a1', 'mo_pool_a'
                   FROM m_d m WHERE tag = 'a_open'$$,
                 '42501', 'permission denied for table payment', 'mo_pool_a cannot INSERT a payment of its own dossier');
SELECT throws_ok($$UPDATE tthc.payment SET amount = 5000 WHERE dossier_id = pg_temp.m_id('a_paid')$$, '42501', 'permission denied for table payment',
                 'nor UPDATE the amount of its own payment');
SELECT throws_ok($$UPDATE tthc.payment SET online = true WHERE id = pg_temp.m_pay('a_part')$$, '42501', 'permission denied for table payment',
                 'nor make a cash payment online');
SELECT throws_ok($$DELETE FROM tthc.payment WHERE dossier_id = pg_temp.m_id('a_part')$$, '42501', 'permission denied for table payment', 'nor DELETE one');
SELECT throws_ok($$TRUNCATE tthc.payment$$, '42501', 'permission denied for table payment', 'nor TRUNCATE tthc.payment');
SELECT throws_ok($$INSERT INTO tthc.payment SELECT * FROM tthc.payment WHERE id = pg_temp.m_pay('a_part')
                   ON CONFLICT (id) DO UPDATE SET amount = 1$$, '42501', 'permission denied for table payment', 'nor upsert one (ON CONFLICT DO UPDATE)');
SELECT throws_ok($$INSERT INTO tthc.payment SELECT * FROM tthc.payment WHERE id = pg_temp.m_pay('a_part') ON CONFLICT DO NOTHING$$,
                 '42501', 'permission denied for table payment', 'nor with ON CONFLICT DO NOTHING');
SELECT throws_ok($$INSERT INTO tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor)
                   VALUES (pg_temp.m_id('a_part'), 'MA', '01BLP0-001', pg_temp.m_sym('AA'), 2, 'phi', true, now(), '[]', 20000, 99, 'mo_pool_a')$$,
                 '42501', 'permission denied for table receipt', 'nor INSERT a receipt');
SELECT throws_ok($$UPDATE tthc.receipt SET payer_name = 'hijack' WHERE dossier_id = pg_temp.m_id('a_paid')$$, '42501', 'permission denied for table receipt',
                 'nor UPDATE its own receipt');
SELECT throws_ok($$UPDATE tthc.receipt SET status = 'cancelled', cancelled_at = now(), cancel_seq = 99 WHERE dossier_id = pg_temp.m_id('a_paid')$$,
                 '42501', 'permission denied for table receipt', 'nor cancel it by UPDATE');
SELECT throws_ok($$DELETE FROM tthc.receipt WHERE dossier_id = pg_temp.m_id('a_paid')$$, '42501', 'permission denied for table receipt', 'nor DELETE it');
SELECT throws_ok($$TRUNCATE tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor TRUNCATE tthc.receipt');
SELECT throws_ok($$INSERT INTO tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor)
                   SELECT dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, 1, event_seq, actor
                   FROM tthc.receipt WHERE dossier_id = pg_temp.m_id('a_paid')
                   ON CONFLICT (unit, template, symbol, number) DO UPDATE SET total = 1$$,
                 '42501', 'permission denied for table receipt', 'nor upsert a receipt (ON CONFLICT DO UPDATE)');
SET LOCAL tthc.actor = '';
SET ROLE mo_pool_b;
SELECT throws_ok($$UPDATE tthc.payment SET amount = 1$$, '42501', 'permission denied for table payment', 'mo_pool_b cannot UPDATE tthc.payment');
SELECT throws_ok($$DELETE FROM tthc.payment$$, '42501', 'permission denied for table payment', 'nor DELETE from it');
SELECT throws_ok($$UPDATE tthc.receipt SET total = 1$$, '42501', 'permission denied for table receipt', 'nor UPDATE tthc.receipt');
SELECT throws_ok($$DELETE FROM tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor DELETE from it');
SET ROLE mo_admin;
SELECT throws_ok($$INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor)
                   SELECT dossier_id, procedure_id, fee_code, 30000, 'cash', false, now(), 99, 'mo_admin' FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')$$,
                 '42501', 'permission denied for table payment', 'the administrator cannot INSERT a payment');
SELECT throws_ok($$UPDATE tthc.payment SET amount = 40000 WHERE id = pg_temp.m_pay('b_part')$$,
                 '42501', 'permission denied for table payment', 'nor UPDATE one');
SELECT throws_ok($$DELETE FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')$$, '42501', 'permission denied for table payment', 'nor DELETE one');
SELECT throws_ok($$TRUNCATE tthc.payment$$, '42501', 'permission denied for table payment', 'nor TRUNCATE tthc.payment');
SELECT throws_ok($$INSERT INTO tthc.payment SELECT * FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')
                   ON CONFLICT (id) DO UPDATE SET amount = 40000$$, '42501', 'permission denied for table payment', 'nor upsert one');
SELECT throws_ok($$INSERT INTO tthc.receipt (id, dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor)
                   SELECT id, dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor
                   FROM tthc.receipt WHERE unit = 'MB' ON CONFLICT (id) DO UPDATE SET payer_name = 'hijack'$$,
                 '42501', 'permission denied for table receipt', 'nor upsert a receipt');
SELECT throws_ok($$UPDATE tthc.receipt SET status = 'cancelled'$$, '42501', 'permission denied for table receipt', 'nor UPDATE one');
SELECT throws_ok($$DELETE FROM tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor DELETE one');
SELECT throws_ok($$TRUNCATE tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor TRUNCATE tthc.receipt');
SET ROLE mo_auditor;
SELECT throws_ok($$UPDATE tthc.payment SET amount = 1$$, '42501', 'permission denied for table payment', 'the auditor cannot UPDATE tthc.payment');
SELECT throws_ok($$DELETE FROM tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor DELETE from tthc.receipt');
SET ROLE mo_reader;
SELECT throws_ok($$UPDATE tthc.payment SET amount = 1$$, '42501', 'permission denied for table payment', 'a reader cannot UPDATE tthc.payment');
SELECT throws_ok($$TRUNCATE tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor TRUNCATE tthc.receipt');
SET ROLE mo_outsider;
SELECT throws_ok($$INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor)
                   VALUES (1, 1, 'PHI', 1, 'cash', false, now(), 99, 'x')$$,
                 '42501', 'permission denied for table payment', 'an outsider cannot INSERT a payment');
SELECT throws_ok($$DELETE FROM tthc.receipt$$, '42501', 'permission denied for table receipt', 'nor DELETE receipts');
RESET ROLE;
-- the owner (the superuser here) is refused by the tables' own triggers
SELECT throws_ok($$UPDATE tthc.payment SET amount = 5000 WHERE id = pg_temp.m_pay('b_part')$$, '42501', 'UPDATE on payment is not allowed',
                 'the superuser cannot UPDATE a payment (append_only)');
SELECT throws_ok($$DELETE FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')$$, '42501', 'DELETE on payment is not allowed',
                 'nor DELETE one');
SELECT throws_ok($$INSERT INTO tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor)
                   VALUES (pg_temp.m_id('b_part'), 'MB', '01BLP0-001', pg_temp.m_sym('BA'), 2, 'phi', true, now(), '[]', 10000, 99, 'postgres')$$,
                 '42501', 'INSERT on receipt is not allowed', 'nor INSERT a receipt');
SELECT throws_ok($$UPDATE tthc.receipt SET total = 1 WHERE unit = 'MB'$$, '42501', 'UPDATE on receipt is not allowed', 'nor UPDATE one');
SELECT throws_ok($$TRUNCATE tthc.receipt$$, '42501', 'TRUNCATE on receipt is not allowed', 'nor TRUNCATE tthc.receipt');

-- COPY FROM into the money tables
\set ON_ERROR_STOP 0
SET ROLE mo_pool_a;
SAVEPOINT m_copy;
\copy tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor) FROM PROGRAM 'printf "1\\t1\\tPHI\\t50000\\tcash\\tf\\t2026-01-01\\t99\\tmo_pool_a\\n"'
\set m_copy_a1 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
\copy tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor) FROM PROGRAM 'printf "1\\tMA\\t01BLP0-001\\tAA/26E\\t9\\tphi\\tt\\t2026-01-01\\t[]\\t1\\t99\\tmo_pool_a\\n"'
\set m_copy_a2 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
RELEASE SAVEPOINT m_copy;
SET ROLE mo_admin;
SAVEPOINT m_copy;
\copy tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor) FROM PROGRAM 'printf "1\\t1\\tPHI\\t50000\\tcash\\tf\\t2026-01-01\\t99\\tmo_admin\\n"'
\set m_copy_d1 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
\copy tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor) FROM PROGRAM 'printf "1\\tMA\\t01BLP0-001\\tAA/26E\\t9\\tphi\\tt\\t2026-01-01\\t[]\\t1\\t99\\tmo_admin\\n"'
\set m_copy_d2 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
RELEASE SAVEPOINT m_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'m_copy_a1'::text, '42501', 'mo_pool_a cannot COPY payments in');
SELECT is(:'m_copy_a2'::text, '42501', 'nor receipts');
SELECT is(:'m_copy_d1'::text, '42501', 'the administrator cannot COPY payments in (no INSERT privilege)');
SELECT is(:'m_copy_d2'::text, '42501', 'nor receipts');
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'direct'),
          'the refused writes of tthc.payment and tthc.receipt left every dossier, payment, receipt, number and event as it was');

-- receipt series: SELECT for officers, writes for the administrator, the
-- next number for tthc
INSERT INTO m_mark VALUES ('series', pg_temp.m_traces());
SET ROLE mo_pool_a;
SELECT throws_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind) VALUES ('MA', '01BLP0-002', pg_temp.m_sym('AC'), 'phi')$$,
                 '42501', 'permission denied for table receipt_series', 'mo_pool_a cannot register a series (INSERT)');
SELECT throws_ok($$UPDATE tthc.receipt_series SET next_no = 1 WHERE unit = 'MA'$$,
                 '42501', 'permission denied for table receipt_series', 'nor rewind its next number');
SELECT throws_ok($$UPDATE tthc.receipt_series SET active = false WHERE unit = 'MB'$$,
                 '42501', 'permission denied for table receipt_series', 'nor switch off MB''s series');
SELECT throws_ok($$DELETE FROM tthc.receipt_series WHERE unit = 'MB'$$, '42501', 'permission denied for table receipt_series', 'nor DELETE one');
SELECT throws_ok($$TRUNCATE tthc.receipt_series$$, '42501', 'permission denied for table receipt_series', 'nor TRUNCATE tthc.receipt_series');
SELECT throws_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind) VALUES ('MA', '01BLP0-001', pg_temp.m_sym('AA'), 'phi')
                   ON CONFLICT (unit, template, symbol) DO UPDATE SET next_no = 1$$, '42501', 'permission denied for table receipt_series', 'nor upsert one');
SELECT is(pg_temp.m_q($$SELECT next_no FROM tthc.receipt_series WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$), '2',
          'it reads the series (AA''s next number is 2)');
SET ROLE mo_reader;
SELECT throws_ok($$UPDATE tthc.receipt_series SET next_no = 1$$, '42501', 'permission denied for table receipt_series', 'a reader cannot UPDATE a series');
SET ROLE mo_auditor;
SELECT throws_ok($$UPDATE tthc.receipt_series SET last_no = 1$$, '42501', 'permission denied for table receipt_series', 'nor the auditor');
SET ROLE mo_outsider;
SELECT throws_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind) VALUES ('MA', '01BLP0-002', 'AC/26E', 'phi')$$,
                 '42501', 'permission denied for table receipt_series', 'nor an outsider (INSERT)');
SET ROLE mo_admin;
SELECT throws_ok($$UPDATE tthc.receipt_series SET next_no = 1 WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$, '428C9', NULL,
                 'the administrator cannot rewind a series'' next number (428C9)');
SELECT throws_ok($$UPDATE tthc.receipt_series SET next_no = next_no + 5 WHERE unit = 'MB'$$, '428C9', NULL, 'nor skip numbers');
SELECT throws_ok($$UPDATE tthc.receipt_series SET last_issued_at = now() + interval '1 day' WHERE unit = 'MA'$$, '428C9', NULL,
                 'nor move its last issue time');
SELECT throws_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind, next_no) VALUES ('MA', '01BLP0-002', pg_temp.m_sym('AC'), 'phi', 7)$$,
                 '428C9', NULL, 'nor start a new series past its first number');
SELECT throws_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind) VALUES ('MA', '01BLP0-001', pg_temp.m_sym('AA'), 'phi')
                   ON CONFLICT (unit, template, symbol) DO UPDATE SET next_no = 1$$, '428C9', NULL, 'nor rewind it by upsert');
SELECT throws_ok($$UPDATE tthc.receipt_series SET symbol = pg_temp.m_sym('AZ') WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$,
                 '55000', NULL, 'nor change the symbol of a series that has issued receipts (55000)');
SELECT throws_ok($$UPDATE tthc.receipt_series SET kind = 'le_phi' WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$,
                 '55000', NULL, 'nor its kind');
SELECT throws_ok($$UPDATE tthc.receipt_series SET unit = 'MB' WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$,
                 '55000', NULL, 'nor give it to another unit');
SELECT throws_ok($$DELETE FROM tthc.receipt_series WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$, '23503', NULL,
                 'nor DELETE it (its receipts refer to it: 23503)');
SELECT throws_ok($$TRUNCATE tthc.receipt_series$$, '42501', 'permission denied for table receipt_series', 'nor TRUNCATE tthc.receipt_series');
SELECT is(pg_temp.m_try($$UPDATE tthc.receipt_series SET last_no = 5000, legal_reference = 'QĐ 1/2026' WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$),
          'written 1', 'it may raise a used series'' last number and its legal reference');
SELECT is(pg_temp.m_try($$UPDATE tthc.receipt_series SET kind = 'phi', symbol = pg_temp.m_sym('BC') WHERE unit = 'MB' AND symbol = pg_temp.m_sym('BB')$$),
          'written 1', 'and change an unused series'' identity');
RESET ROLE;
-- nor the owner, outside a restore
SELECT throws_ok($$UPDATE tthc.receipt_series SET next_no = 1 WHERE unit = 'MA'$$, '428C9', 'the next number of a receipt series is kept by tthc',
                 'the superuser cannot rewind a series either');
SELECT throws_ok($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind, last_issued_at) VALUES ('MA', '01BLP0-002', pg_temp.m_sym('AC'), 'phi', now())$$,
                 '428C9', NULL, 'nor create one with a last issue time');
SELECT throws_ok($$UPDATE tthc.receipt_series SET first_no = 2 WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AB')$$, '55000', NULL,
                 'nor move a used series'' first number');
SELECT throws_ok($$SET LOCAL client_min_messages = warning; TRUNCATE tthc.receipt_series CASCADE$$, '42501', 'TRUNCATE on receipt is not allowed',
                 'nor TRUNCATE the series with their receipts');
SELECT is(pg_temp.m_try($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind, next_no) VALUES ('MA', '01BLP0-002', pg_temp.m_sym('AC'), 'phi', 1)$$),
          'written 1', 'a new series naming its first number as next goes through');
\set ON_ERROR_STOP 0
SET ROLE mo_pool_a;
SAVEPOINT m_copy;
\copy tthc.receipt_series (unit, template, symbol, kind, next_no) FROM PROGRAM 'printf "MA\\t01BLP0-009\\tAX/26E\\tphi\\t1\\n"'
\set m_copy_s1 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
\copy tthc.fee (procedure_id, fee_code, kind, name, amount) FROM PROGRAM 'printf "1\\tFREE\\tphi\\tfree\\t0\\n"'
\set m_copy_f1 :SQLSTATE
ROLLBACK TO SAVEPOINT m_copy;
RELEASE SAVEPOINT m_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'m_copy_s1'::text, '42501', 'mo_pool_a cannot COPY a series in');
SELECT is(:'m_copy_f1'::text, '42501', 'nor fees');
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'series'), 'every series'' next number is as it was');

-- fees: SELECT for officers, the terms of a paid fee stay
SET ROLE mo_pool_a;
SELECT throws_ok($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount)
                   SELECT id, 'FREE', 'phi', 'free', 0 FROM tthc.procedure WHERE code = '7.000001'$$, '42501', 'permission denied for table fee',
                 'mo_pool_a cannot add a fee');
SELECT throws_ok($$UPDATE tthc.fee SET amount = 0 WHERE fee_code = 'PHI'$$, '42501', 'permission denied for table fee', 'nor lower one');
SELECT throws_ok($$UPDATE tthc.fee SET exempt = 'mọi người' WHERE fee_code = 'PHI'$$,
                 '42501', 'permission denied for table fee', 'nor make anyone exempt from one');
SELECT throws_ok($$DELETE FROM tthc.fee WHERE fee_code = 'LEPHI'$$, '42501', 'permission denied for table fee', 'nor DELETE one');
SELECT throws_ok($$TRUNCATE tthc.fee$$, '42501', 'permission denied for table fee', 'nor TRUNCATE tthc.fee');
SELECT throws_ok($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount) SELECT procedure_id, fee_code, kind, name, 0 FROM tthc.fee
                   WHERE fee_code = 'PHI' ON CONFLICT (procedure_id, fee_code) DO UPDATE SET amount = 0$$,
                 '42501', 'permission denied for table fee', 'nor upsert one (ON CONFLICT DO UPDATE)');
SET ROLE mo_reader;
SELECT throws_ok($$UPDATE tthc.fee SET amount = 0$$, '42501', 'permission denied for table fee', 'a reader cannot UPDATE a fee');
SET ROLE mo_auditor;
SELECT throws_ok($$DELETE FROM tthc.fee$$, '42501', 'permission denied for table fee', 'nor the auditor DELETE one');
SET ROLE mo_admin;
SELECT throws_ok($$UPDATE tthc.fee SET amount = 40000 WHERE fee_code = 'PHI'$$, '55000', NULL,
                 'the administrator cannot change the amount of a fee that has been paid (55000)');
SELECT throws_ok($$UPDATE tthc.fee SET stage = 'result' WHERE fee_code = 'PHI'$$, '55000', NULL, 'nor its stage');
SELECT throws_ok($$UPDATE tthc.fee SET kind = 'le_phi' WHERE fee_code = 'PHI'$$, '55000', NULL, 'nor its kind');
SELECT throws_ok($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount) SELECT procedure_id, fee_code, kind, name, 1 FROM tthc.fee
                   WHERE fee_code = 'LEPHI' ON CONFLICT (procedure_id, fee_code) DO UPDATE SET amount = excluded.amount$$,
                 '55000', NULL, 'nor upsert a new amount');
SELECT throws_ok($$DELETE FROM tthc.fee WHERE fee_code = 'PHI'$$, '23503', NULL, 'nor DELETE a paid fee (23503)');
SELECT throws_ok($$TRUNCATE tthc.fee$$, '42501', 'permission denied for table fee', 'nor TRUNCATE tthc.fee');
SELECT is(pg_temp.m_try($$UPDATE tthc.fee SET name = 'Phí thẩm định hồ sơ', legal_reference = 'TT 1/2026' WHERE fee_code = 'PHI'$$),
          'written 1', 'it may correct a paid fee''s name and legal reference');
SELECT is(pg_temp.m_try($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount)
                          SELECT id, 'SAO', 'phi', 'Phí sao y', 5000 FROM tthc.procedure WHERE code = '7.000001';
                          UPDATE tthc.fee SET amount = 6000 WHERE fee_code = 'SAO'$$),
          'written 1', 'and add a fee and change its amount while nothing is paid on it');
RESET ROLE;

-- ===================================================================
-- 3. The client API on another commune's dossier, with another
-- commune's officer, an inactive or unknown officer, and by roles that
-- may not take money
-- ===================================================================

INSERT INTO m_mark VALUES ('api', pg_temp.m_traces());
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_a1';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('b_open'), 'PHI', 50000, 'cash')$$, '42704',
                 'dossier ' || pg_temp.m_code('b_open') || ' does not exist',
                 'mo_pool_a naming mo_a1 cannot take a payment on MB''s b_open: row security hides it (42704)');
SELECT throws_ok($$SELECT tthc.waive(pg_temp.m_code('b_open'), 'LEPHI', 'người có công')$$, '42704', NULL, 'nor waive its fee');
SELECT throws_ok($$SELECT tthc.refund(pg_temp.m_pay('b_part'), 'hijack')$$, '42704',
                 'payment ' || pg_temp.m_pay('b_part') || ' does not exist', 'nor refund b_part''s payment');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('b_part'))$$, '42704', NULL, 'nor issue b_part''s receipt');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MB', '01BLP0-001', pg_temp.m_sym('BA'), 1, 'hijack')$$, '42704',
                 'receipt 01BLP0-001/' || pg_temp.m_sym('BA') || ' number 1 of unit MB does not exist', 'nor cancel MB''s receipt BA 1');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MB', '01BLP0-001', pg_temp.m_sym('BA'), 1, 'hijack', true)$$, '42704', NULL,
                 'nor replace it');
SET LOCAL tthc.actor = 'mo_b1';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('b_open'), 'PHI', 50000, 'cash')$$, '42704', NULL,
                 'naming MB''s own officer mo_b1 does not open b_open to mo_pool_a');
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$, '42501', NULL,
                 'and mo_b1 may not take a payment on MA''s a_open (42501)');
SELECT throws_ok($$SELECT tthc.waive(pg_temp.m_code('a_open'), 'LEPHI', 'người có công')$$, '42501', NULL, 'nor waive its fee');
SELECT throws_ok($$SELECT tthc.refund(pg_temp.m_pay('a_part'), 'hijack')$$, '42501', NULL, 'nor refund a_part''s payment');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$, '42501', NULL, 'nor issue a_part''s receipt');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1, 'hijack')$$, '42501', NULL,
                 'nor cancel MA''s receipt AA 1');
SET LOCAL tthc.actor = 'mo_a11';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$, '42501', NULL,
                 'mo_a11, who works at MA.1 below MA, may not take a payment on MA''s a_open');
SET LOCAL tthc.actor = 'mo_gone';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$, '22023', NULL,
                 'the inactive mo_gone cannot take a payment (22023)');
SELECT throws_ok($$SELECT tthc.waive(pg_temp.m_code('a_open'), 'LEPHI', 'người có công')$$, '22023', NULL, 'nor waive a fee');
SELECT throws_ok($$SELECT tthc.refund(pg_temp.m_pay('a_part'), 'trả lại')$$, '22023', NULL, 'nor refund');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$, '22023', NULL, 'nor issue a receipt');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1, 'sai tên', true)$$, '22023', NULL,
                 'nor cancel and replace one');
SET LOCAL tthc.actor = 'mo_nobody';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$, '22023', NULL, 'an unknown login cannot take a payment');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$, '22023', NULL, 'nor issue a receipt');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'MO_A1', true); SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$,
                 '22023', NULL, 'MO_A1 is not mo_a1');
SET LOCAL tthc.actor = '';
SET ROLE mo_pool_b;
SET LOCAL tthc.actor = 'mo_b1';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$, '42704', NULL,
                 'mo_pool_b naming mo_b1 cannot take a payment on MA''s a_open (42704)');
SELECT throws_ok($$SELECT tthc.refund(pg_temp.m_pay('a_part'), 'hijack')$$, '42704', NULL, 'nor refund a_part''s payment');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$, '42704', NULL, 'nor issue its receipt');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '02BLP0-001', pg_temp.m_sym('AB'), 1, 'hijack')$$, '42704', NULL,
                 'nor cancel MA''s AB 1');
SET LOCAL tthc.actor = 'mo_a1';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('b_open'), 'PHI', 50000, 'cash')$$, '42501', NULL,
                 'naming MA''s mo_a1 it cannot take a payment on its own b_open');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('b_part'))$$, '42501', NULL, 'nor issue b_part''s receipt');
SET LOCAL tthc.actor = '';
SET ROLE mo_admin;
SELECT throws_ok($$SELECT set_config('tthc.actor', 'mo_a1', true); SELECT tthc.pay(pg_temp.m_code('b_open'), 'PHI', 50000, 'cash')$$,
                 '42501', NULL, 'the administrator naming mo_a1 cannot take a payment on MB''s b_open');
SELECT throws_ok($$SELECT set_config('tthc.actor', 'mo_gone', true); SELECT tthc.pay(pg_temp.m_code('b_open'), 'PHI', 50000, 'cash')$$,
                 '22023', NULL, 'nor naming mo_gone');
SET ROLE mo_reader;
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$,
                 '42501', 'permission denied for function pay', 'a reader cannot call tthc.pay');
SELECT throws_ok($$SELECT tthc.waive(pg_temp.m_code('a_open'), 'LEPHI', 'x')$$, '42501', 'permission denied for function waive', 'nor tthc.waive');
SELECT throws_ok($$SELECT tthc.refund(pg_temp.m_pay('a_part'), 'x')$$, '42501', 'permission denied for function refund', 'nor tthc.refund');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$,
                 '42501', 'permission denied for function issue_receipt', 'nor tthc.issue_receipt');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1, 'x')$$,
                 '42501', 'permission denied for function cancel_receipt', 'nor tthc.cancel_receipt');
SET ROLE mo_auditor;
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$,
                 '42501', 'permission denied for function pay', 'the auditor cannot call tthc.pay');
SELECT throws_ok($$SELECT tthc.refund(pg_temp.m_pay('a_part'), 'x')$$, '42501', 'permission denied for function refund', 'nor tthc.refund');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1, 'x')$$,
                 '42501', 'permission denied for function cancel_receipt', 'nor tthc.cancel_receipt');
SET ROLE mo_outsider;
SELECT throws_ok($$SELECT tthc.pay('MA-000000-0001', 'PHI', 50000, 'cash')$$,
                 '42501', 'permission denied for function pay', 'an outsider cannot call tthc.pay');
SELECT throws_ok($$SELECT tthc.waive('MA-000000-0001', 'LEPHI', 'x')$$, '42501', 'permission denied for function waive', 'nor tthc.waive');
SELECT throws_ok($$SELECT tthc.refund(1, 'x')$$, '42501', 'permission denied for function refund', 'nor tthc.refund');
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt('MA-000000-0001')$$, '42501', 'permission denied for function issue_receipt', 'nor tthc.issue_receipt');
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '01BLP0-001', 'AA/26E', 1, 'x')$$,
                 '42501', 'permission denied for function cancel_receipt', 'nor tthc.cancel_receipt');
RESET ROLE;
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'api'),
          'the refused calls left no event, no payment, no receipt, and took no receipt number');

-- the same paths for those who may (rolled back)
SET ROLE mo_pool_a;
SELECT is(pg_temp.m_try($$SELECT set_config('tthc.actor', 'mo_a1', true); SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$),
          'written 1', 'mo_a1 takes a payment on a_open');
SELECT is(pg_temp.m_try($$SELECT set_config('tthc.actor', 'mo_p1', true); SELECT tthc.pay(pg_temp.m_code('a_open'), 'PHI', 50000, 'cash')$$),
          'written 1', 'and so may mo_p1, who works at the province above MA');
SELECT is(pg_temp.m_try($$SELECT set_config('tthc.actor', 'mo_a11', true); SELECT tthc.pay(pg_temp.m_code('a_child'), 'PHI', 50000, 'cash')$$),
          'written 1', 'mo_a11 takes one on MA.1''s a_child');
SELECT is(pg_temp.m_try($$SELECT set_config('tthc.actor', 'mo_a2', true); SELECT tthc.issue_receipt(pg_temp.m_code('a_part'))$$),
          'written 1', 'mo_a2 issues a_part''s receipt');
SET ROLE mo_admin;
SELECT is(pg_temp.m_try($$SELECT set_config('tthc.actor', 'mo_b2', true); SELECT tthc.pay(pg_temp.m_code('b_open'), 'PHI', 50000, 'cash')$$),
          'written 1', 'the administrator naming MB''s mo_b2 takes a payment on b_open');
RESET ROLE;
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'api'), 'those were rolled back');

-- ===================================================================
-- 4. The internal functions, called directly
-- ===================================================================

INSERT INTO m_mark VALUES ('internal', pg_temp.m_traces());
SET ROLE mo_outsider;
SELECT throws_ok($$SELECT * FROM tthc.money_apply('{"op": "pay", "fee_code": "PHI", "amount": 1, "method": "cash"}', 1, 2, now(), 'x', NULL)$$,
                 '42501', 'permission denied for function money_apply', 'an outsider cannot call tthc.money_apply');
SELECT throws_ok($$SELECT tthc.series_take(NULL::tthc.dossier, 'phi', now(), NULL, NULL)$$,
                 '42501', 'permission denied for function series_take', 'nor tthc.series_take');
SELECT throws_ok($$SELECT tthc.money_stage('MA-000000-0001', '{"op": "pay"}')$$, '42501', 'permission denied for function money_stage', 'nor tthc.money_stage');
SELECT throws_ok($$SELECT tthc.money_act(1, 'MA-000000-0001', '{"op": "pay"}', now())$$,
                 '42501', 'permission denied for function money_act', 'nor tthc.money_act');
SELECT throws_ok($$SELECT tthc.money_dossier('MA-000000-0001')$$, '42501', 'permission denied for function money_dossier', 'nor tthc.money_dossier');
SELECT throws_ok($$SELECT tthc.money_writing()$$, '42501', 'permission denied for function money_writing', 'nor tthc.money_writing');
SET ROLE mo_reader;
SELECT throws_ok($$SELECT * FROM tthc.money_apply('{"op": "pay", "fee_code": "PHI", "amount": 1, "method": "cash"}', 1, 2, now(), 'x', NULL)$$,
                 '42501', 'permission denied for function money_apply', 'a reader cannot call tthc.money_apply');
SELECT throws_ok($$SELECT tthc.series_take(NULL::tthc.dossier, 'phi', now(), NULL, NULL)$$,
                 '42501', 'permission denied for function series_take', 'nor tthc.series_take');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay"}')$$,
                 '42501', 'permission denied for function money_stage', 'nor tthc.money_stage');
SELECT throws_ok($$SELECT tthc.money_act(pg_temp.m_id('a_open'), pg_temp.m_code('a_open'), '{"op": "pay"}', now())$$,
                 '42501', 'permission denied for function money_act',
                 'nor tthc.money_act');
SELECT throws_ok($$SELECT tthc.money_dossier(pg_temp.m_code('a_open'))$$, '42501', 'permission denied for function money_dossier', 'nor tthc.money_dossier');
SET ROLE mo_auditor;
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay"}')$$,
                 '42501', 'permission denied for function money_stage', 'the auditor cannot call tthc.money_stage');
SELECT throws_ok($$SELECT tthc.money_act(pg_temp.m_id('a_open'), pg_temp.m_code('a_open'), '{"op": "pay"}', now())$$,
                 '42501', 'permission denied for function money_act',
                 'nor tthc.money_act');
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_a1';
SELECT throws_ok($$SELECT * FROM tthc.money_apply(jsonb_build_object('op', 'pay', 'fee_code', 'PHI', 'amount', 50000, 'method', 'cash'),
                                                  pg_temp.m_id('b_open'), 2, now(), 'mo_pool_a', 'mo_a1')$$,
                 '42501', 'permission denied for function money_apply',
                 'an officer cannot call tthc.money_apply (it runs as the owner, for the dossier trigger only)');
SELECT throws_ok($$SELECT tthc.series_take(d, 'phi', now(), NULL, NULL) FROM tthc.dossier d WHERE d.id = pg_temp.m_id('a_part')$$,
                 '42501', 'permission denied for function series_take', 'nor tthc.series_take');
SELECT throws_ok($$SELECT tthc.money_writing()$$, '42501', 'permission denied for function money_writing', 'nor tthc.money_writing');
SELECT throws_ok($$SELECT tthc.money_dossier(pg_temp.m_code('b_open'))$$, '42704', NULL, 'tthc.money_dossier of MB''s b_open: 42704');
SELECT is(pg_temp.m_q($$SELECT tthc.money_dossier(pg_temp.m_code('a_open'))$$), pg_temp.m_id('a_open')::text,
          'of its own a_open: its id');
SELECT throws_ok($$SELECT tthc.money_act(pg_temp.m_id('b_open'), pg_temp.m_code('b_open'),
                                         '{"op": "pay", "fee_code": "PHI", "amount": 50000, "method": "cash"}', now())$$,
                 '55000', NULL, 'tthc.money_act on b_open: the UPDATE finds no row it may change (55000)');
SELECT is(pg_temp.m_q($$SELECT tthc.money_act(pg_temp.m_id('a_open'), pg_temp.m_code('b_open'),
                                              '{"op": "pay", "fee_code": "PHI", "amount": 50000, "method": "cash"}', now())$$),
          '1', 'tthc.money_act staging for b_open and updating a_open does nothing to either (returns a_open''s event number)');
-- money_stage, then an UPDATE of the dossier as the caller: every check of
-- the API still applies
SELECT is(pg_temp.m_n($$SELECT tthc.money_stage(pg_temp.m_code('b_open'), '{"op": "pay", "fee_code": "PHI", "amount": 50000, "method": "cash"}');
                        UPDATE tthc.dossier SET note = 'hijack' WHERE code = pg_temp.m_code('b_open')$$), '0',
          'a payment staged on MB''s b_open: its UPDATE changes no row');
DO $$ BEGIN PERFORM tthc.money_stage(NULL, NULL); END $$;   -- the act not taken is dropped here (see the report)
SELECT is(pg_temp.m_n($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 60000, "method": "cash"}');
                        UPDATE tthc.dossier SET changed_at = changed_at WHERE code = pg_temp.m_code('a_part')$$), '1',
          'an over-payment staged for a_open and an UPDATE of a_part: a_part does not take it (no 23514, nothing written)');
DO $$ BEGIN PERFORM tthc.money_stage(NULL, NULL); END $$;
SELECT is(pg_temp.m_n($$SELECT tthc.money_stage(pg_temp.m_code('b_open'), '{"op": "pay", "fee_code": "PHI", "amount": 50000, "method": "cash"}');
                        INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
                        VALUES (pg_temp.m_code('b_open'), '7.000001', 'MB', now()) ON CONFLICT (code) DO UPDATE SET note = 'hijack'$$),
          'error 42501', 'nor does an upsert of b_open (42501)');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 60000, "method": "cash"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '23514', NULL,
                 'an over-payment staged on its own a_open (60 000 of 50 000): 23514');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_part'), '{"op": "pay", "fee_code": "PHI", "amount": 30001, "method": "cash"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_part')$$, '23514', NULL,
                 'on a_part, 30 001 when 30 000 is still due: 23514');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 60000, "method": "cash"}');
                   INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
                   VALUES (pg_temp.m_code('a_open'), '7.000001', 'MA', now()) ON CONFLICT (code) DO UPDATE SET note = 'x'$$, '23514', NULL,
                 'carried out by an upsert of a_open: 23514');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": -50000, "method": "cash"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '22023', NULL,
                 'a negative payment staged (a refund of nothing): 22023, as tthc.pay says');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 50000, "method": "bitcoin"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '22023', NULL,
                 'an unknown method staged: 22023, as tthc.pay says');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "NOPE", "amount": 1, "method": "cash"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '42704', NULL,
                 'a fee the procedure does not have: 42704');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), jsonb_build_object('op', 'refund', 'payment', pg_temp.m_pay('b_part'), 'reason', 'x'));
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '42704', NULL,
                 'a refund of MB''s payment staged on its own a_open: 42704');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_part'), jsonb_build_object('op', 'refund', 'payment', pg_temp.m_pay('a_part'),
                                                                                 'amount', 20001, 'reason', 'x'));
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_part')$$, '23514', NULL,
                 'a refund of more than what stands of a payment: 23514');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_part'), jsonb_build_object('op', 'refund', 'payment', pg_temp.m_pay('a_part'),
                                                                                 'amount', -1, 'reason', 'x'));
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_part')$$, '22023', NULL,
                 'a negative refund: 22023 (the amount must be positive)');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_paid'), jsonb_build_object('op', 'refund', 'payment', pg_temp.m_pay('a_paid.PHI'), 'reason', 'x'));
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_paid')$$, '55000', NULL,
                 'a refund of a payment on an issued receipt: 55000');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_paid'), jsonb_build_object('op', 'cancel', 'unit', 'MB', 'template', '01BLP0-001',
                                                        'symbol', pg_temp.m_sym('BA'), 'number', 1, 'reason', 'x', 'replace', false));
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_paid')$$, '42704', NULL,
                 'a cancellation of MB''s receipt staged on its own a_paid: 42704');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_part'), jsonb_build_object('op', 'issue', 'template', '01BLP0-001', 'symbol', pg_temp.m_sym('BA')));
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_part')$$, '42501', NULL,
                 'a receipt of a_part staged on MB''s series BA: 42501');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "waive", "fee_code": "PHI", "reason": "x"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '55000', NULL,
                 'a waiver of PHI, from which nobody is exempt: 55000');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_paid'), '{"op": "waive", "fee_code": "LEPHI", "reason": "x"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_paid')$$, '55000', NULL,
                 'a waiver of a fee already paid: 55000');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "bogus"}');
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '22023', NULL, 'an unknown act: 22023');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 1, "method": "cash"}');
                   SELECT set_config('tthc.actor', 'mo_b1', true);
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '42501', NULL,
                 'a payment staged and carried out naming mo_b1: 42501');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 1, "method": "cash"}');
                   SELECT set_config('tthc.actor', 'mo_gone', true);
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '22023', NULL,
                 'naming mo_gone: 22023');
SELECT throws_ok($$SELECT tthc.money_stage(pg_temp.m_code('a_open'), '{"op": "pay", "fee_code": "PHI", "amount": 1, "method": "cash"}');
                   SELECT set_config('tthc.event_time', (now() - interval '1 day')::text, true);
                   UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.m_code('a_open')$$, '42501', NULL,
                 'dated yesterday by the officer''s login (tthc.event_time): 42501');
-- dossier.payment is tthc's once a dossier has payments
SELECT throws_ok($$UPDATE tthc.dossier SET payment = 'offline' WHERE code = pg_temp.m_code('a_paid')$$, '428C9', NULL,
                 'mo_pool_a cannot write a_paid''s dossier.payment (it has payments): 428C9');
SELECT throws_ok($$UPDATE tthc.dossier SET payment = NULL WHERE code = pg_temp.m_code('a_paid')$$, '428C9', NULL, 'nor clear it');
SELECT throws_ok($$UPDATE tthc.dossier SET payment = 'online' WHERE code = pg_temp.m_code('a_part')$$, '428C9', NULL,
                 'nor write a_part''s, paid in part');
SELECT throws_ok($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
                   VALUES (pg_temp.m_code('a_part'), '7.000001', 'MA', now()) ON CONFLICT (code) DO UPDATE SET payment = 'online'$$,
                 '428C9', NULL, 'nor upsert it');
SELECT is(pg_temp.m_try($$UPDATE tthc.dossier SET payment = 'online' WHERE code = pg_temp.m_code('a_open')$$), 'written 1',
          'a_open has no payments: its dossier.payment is still the client''s');
SET LOCAL tthc.actor = '';
SET ROLE mo_pool_b;
SELECT is(pg_temp.m_n($$UPDATE tthc.dossier SET payment = 'offline' WHERE code = pg_temp.m_code('a_paid')$$), '0',
          'mo_pool_b''s UPDATE of a_paid''s dossier.payment changes no row');
SET ROLE mo_admin;
SELECT throws_ok($$UPDATE tthc.dossier SET payment = 'online' WHERE code = pg_temp.m_code('b_part')$$, '428C9', NULL,
                 'the administrator cannot write b_part''s dossier.payment');
RESET ROLE;
SELECT throws_ok($$UPDATE tthc.dossier SET payment = 'online' WHERE code = pg_temp.m_code('b_paid')$$, '428C9', NULL, 'nor the superuser');
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'internal'),
          'the refused internal calls and staged acts left no event, payment, receipt or number');

-- ===================================================================
-- 5. A dossier awaiting payment moves on only by its own commune's
-- payment
-- ===================================================================

SET ROLE mo_pool_b;
SET LOCAL tthc.actor = 'mo_b1';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_await'), 'PHI', 50000, 'portal')$$, '42704', NULL,
                 'mo_pool_b cannot pay MA''s a_await');
SET LOCAL tthc.actor = '';
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_b2';
SELECT throws_ok($$SELECT tthc.pay(pg_temp.m_code('a_await'), 'PHI', 50000, 'portal')$$, '42501', NULL,
                 'nor mo_pool_a naming MB''s mo_b2');
SET LOCAL tthc.actor = 'mo_a2';
SELECT throws_ok($$SELECT tthc.waive(pg_temp.m_code('a_await'), 'PHI', 'người có công')$$, '55000', NULL,
                 'PHI cannot be waived through tthc.waive either');
SELECT is(pg_temp.m_q($$SELECT status FROM tthc.dossier WHERE code = pg_temp.m_code('a_await')$$), 'awaiting_payment',
          'a_await still awaits payment');
SELECT lives_ok($$SELECT tthc.waive(pg_temp.m_code('a_await'), 'LEPHI', 'người có công: thẻ số 123');
                  SELECT tthc.pay(pg_temp.m_code('a_await'), 'PHI', 50000, 'portal', 'DVC-0002')$$,
                'mo_a2 waives a_await''s LEPHI (an exempt applicant) and takes PHI through the portal');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is((SELECT status || ':' || payment FROM tthc.dossier WHERE id = pg_temp.m_id('a_await')), 'processing:online',
          'settled, a_await moves on to processing, paid online');
SELECT is((SELECT string_agg(kind || ':' || officer || ':' || actor, ' ' ORDER BY seq) FROM tthc.dossier_event
           WHERE dossier_id = pg_temp.m_id('a_await') AND seq > 3),
          'waiver:mo_a2:mo_pool_a payment:mo_a2:mo_pool_a resume:mo_a2:mo_pool_a',
          'its events: the waiver, the payment and the move it makes, each by mo_a2');
INSERT INTO m_p SELECT 'a_await.' || fee_code, id FROM tthc.payment WHERE dossier_id = pg_temp.m_id('a_await');

-- ===================================================================
-- 6. Receipt numbers stay without gaps through failure
-- ===================================================================

-- a receipt issued in a transaction that rolls back gives its number back
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_a1';
SAVEPOINT m_gap;
SELECT number AS m_gap_no FROM tthc.issue_receipt(pg_temp.m_code('a_part')) \gset
SELECT next_no AS m_gap_next FROM tthc.receipt_series WHERE symbol = pg_temp.m_sym('AA') \gset
ROLLBACK TO SAVEPOINT m_gap;
RELEASE SAVEPOINT m_gap;
SELECT is(:'m_gap_no'::text, '2', 'a_part''s receipt, issued in a savepoint, took AA 2');
SELECT is(:'m_gap_next'::text, '3', 'and moved AA''s next number to 3');
SELECT is(pg_temp.m_q($$SELECT next_no FROM tthc.receipt_series WHERE symbol = pg_temp.m_sym('AA')$$), '2',
          'rolled back, AA''s next number is 2 again');
SELECT is(pg_temp.m_q($$SELECT count(*) || '/' || (SELECT event_seq FROM tthc.dossier WHERE code = pg_temp.m_code('a_part'))
                        FROM tthc.receipt WHERE dossier_id = pg_temp.m_id('a_part')$$), '0/2',
          'a_part has no receipt and no new event');
SELECT is(pg_temp.m_rolled($$SELECT number FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$), 'rolled back 2',
          'issued again in a block that fails after it: AA 2 again');
SELECT is(pg_temp.m_q($$SELECT string_agg(left(symbol, 2) || ' ' || number || ' ' || total, ', ') FROM tthc.issue_receipt(pg_temp.m_code('a_part'))$$),
          'AA 2 20000', 'issued for good: AA 2, the number the rolled-back receipts gave back');
SET LOCAL tthc.actor = '';
RESET ROLE;

-- a statement that fails on its second receipt gives the first one's number back
SET ROLE mo_pool_b;
SET LOCAL tthc.actor = 'mo_b1';
SELECT lives_ok($$SELECT tthc.pay(pg_temp.m_code('b_part'), 'LEPHI', 20000, 'cash')$$, 'mo_b1 takes b_part''s LEPHI');
RESET ROLE;
SET ROLE mo_admin;
UPDATE tthc.receipt_series SET last_no = 1 WHERE unit = 'MB' AND symbol = pg_temp.m_sym('BA');   -- BA is used up
RESET ROLE;
INSERT INTO m_mark VALUES ('exhausted', pg_temp.m_traces());
SET ROLE mo_pool_b;
SELECT throws_ok($$SELECT * FROM tthc.issue_receipt(pg_temp.m_code('b_part'))$$, '54000', NULL,
                 'b_part''s receipts: BB takes 1 for the lệ phí, then BA, used up, refuses the phí (54000)');
RESET ROLE;
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'exhausted'),
          'nothing is left of it: BB''s next number is still 1, no receipt, no event');
SET ROLE mo_admin;
UPDATE tthc.receipt_series SET last_no = 9999999 WHERE unit = 'MB' AND symbol = pg_temp.m_sym('BA');
RESET ROLE;
SET ROLE mo_pool_b;
SELECT is(pg_temp.m_q($$SELECT string_agg(left(symbol, 2) || ' ' || number || ' ' || total, ', ' ORDER BY event_seq)
                        FROM tthc.issue_receipt(pg_temp.m_code('b_part'))$$),
          'BB 1 20000, BA 2 10000', 'once BA is extended: BB 1 and BA 2');
SET LOCAL tthc.actor = '';
RESET ROLE;

-- a replacement that cannot be numbered leaves the receipt it would replace issued
SET ROLE mo_admin;
UPDATE tthc.receipt_series SET last_no = 2 WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA');   -- AA 1 and 2 used
RESET ROLE;
INSERT INTO m_mark VALUES ('replace', pg_temp.m_traces());
SET ROLE mo_pool_a;
SET LOCAL tthc.actor = 'mo_a1';
SELECT throws_ok($$SELECT tthc.cancel_receipt('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1, 'sai tên người nộp', true)$$, '54000', NULL,
                 'AA 1''s replacement finds AA used up (54000)');
RESET ROLE;
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'replace'), 'AA 1 is still issued, a_paid has no new event');
SET ROLE mo_admin;
UPDATE tthc.receipt_series SET last_no = 9999999 WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA');
RESET ROLE;
SET ROLE mo_pool_a;
SELECT is(pg_temp.m_q($$SELECT left(symbol, 2) || ' ' || number || ' ' || status || ' ' || total
                        FROM tthc.cancel_receipt('MA', '01BLP0-001', pg_temp.m_sym('AA'), 1, 'sai tên người nộp', true,
                                                 payer => '{"name": "Nguyễn Thị Nộp"}')$$),
          'AA 3 issued 50000', 'once AA is extended, AA 1 is replaced by AA 3');
SET LOCAL tthc.actor = '';
RESET ROLE;
SET ROLE mo_reader;
SELECT is(pg_temp.m_q($$SELECT string_agg(series_unit || ' ' || left(symbol, 2) || ' ' || first_no || '-' || last_no || ' ' || issued || '/' || cancelled
                                          || '/' || replaced || ' ' || total_amount || ' ' || gaps, ', ' ORDER BY symbol)
                        FROM tthc.receipt_usage('MP', daterange(current_date - 1, current_date + 2))$$),
          'MA AA 1-3 3/0/1 70000 0, MA AB 1-1 1/0/0 20000 0, MB BA 1-2 2/0/0 60000 0, MB BB 1-1 1/0/0 20000 0',
          'the receipt-use report: every number used once, the replaced one counted, no gaps');
RESET ROLE;

-- ===================================================================
-- 7. Replica mode and the owner around the triggers
-- ===================================================================

SET ROLE mo_pool_a;
SELECT throws_ok($$SET LOCAL session_replication_role = replica$$, '42501', NULL, 'an officer cannot switch to replica mode');
RESET ROLE;
INSERT INTO m_mark VALUES ('replica', pg_temp.m_traces());
SELECT throws_ok($$SET LOCAL session_replication_role = replica;
                   INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor)
                   SELECT dossier_id, procedure_id, fee_code, amount, method, online, paid_at, 99, actor FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')$$,
                 '42501', 'INSERT on payment is not allowed', 'the superuser in replica mode cannot INSERT a payment (its triggers fire always)');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; UPDATE tthc.payment SET amount = 1 WHERE id = pg_temp.m_pay('b_part')$$,
                 '42501', 'UPDATE on payment is not allowed', 'nor UPDATE one');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; DELETE FROM tthc.payment WHERE id = pg_temp.m_pay('b_part')$$,
                 '42501', 'DELETE on payment is not allowed', 'nor DELETE one');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; TRUNCATE tthc.payment$$,
                 '42501', 'TRUNCATE on payment is not allowed', 'nor TRUNCATE tthc.payment');
SELECT throws_ok($$SET LOCAL session_replication_role = replica;
                   INSERT INTO tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at, lines, total, event_seq, actor)
                   VALUES (pg_temp.m_id('b_open'), 'MB', '01BLP0-001', pg_temp.m_sym('BA'), 3, 'phi', true, now(), '[]', 50000, 99, 'postgres')$$,
                 '42501', 'INSERT on receipt is not allowed', 'nor INSERT a receipt');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; UPDATE tthc.receipt SET status = 'issued', cancelled_at = NULL, cancel_seq = NULL,
                   replaced_by = NULL WHERE unit = 'MA' AND number = 1 AND symbol = pg_temp.m_sym('AA')$$,
                 '42501', 'UPDATE on receipt is not allowed', 'nor UPDATE one');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; DELETE FROM tthc.receipt WHERE unit = 'MB'$$,
                 '42501', 'DELETE on receipt is not allowed', 'nor DELETE one');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; TRUNCATE tthc.receipt$$,
                 '42501', 'TRUNCATE on receipt is not allowed', 'nor TRUNCATE tthc.receipt');
SELECT throws_ok($$SET LOCAL session_replication_role = replica; UPDATE tthc.receipt_series SET next_no = 1 WHERE unit = 'MA'$$,
                 '428C9', NULL, 'nor rewind a series (its guard fires always)');
SELECT throws_ok($$SET LOCAL session_replication_role = replica;
                   UPDATE tthc.receipt_series SET symbol = pg_temp.m_sym('AZ') WHERE unit = 'MA' AND symbol = pg_temp.m_sym('AA')$$,
                 '55000', NULL, 'nor rename a used one');
SELECT is(current_setting('session_replication_role'), 'origin', 'the refused statements took replica mode with them');
SELECT is(pg_temp.m_traces(), (SELECT v FROM m_mark WHERE k = 'replica'), 'and left every money row and number as it was');

-- the superuser around the triggers: the control slips name each change
SELECT is((SELECT count(*)::int FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM m_d)), 0,
          'before: every control slip verifies');
ALTER TABLE tthc.payment DISABLE TRIGGER append_only;
UPDATE tthc.payment SET amount = 5000 WHERE id = pg_temp.m_pay('b_paid');                  -- b_paid: 50 000 becomes 5 000
DELETE FROM tthc.payment WHERE id = pg_temp.m_pay('a_await.LEPHI');                          -- a_await: the waiver is gone
ALTER TABLE tthc.payment ENABLE TRIGGER append_only;
ALTER TABLE tthc.receipt DISABLE TRIGGER append_only;
DELETE FROM tthc.receipt WHERE dossier_id = pg_temp.m_id('b_part') AND symbol = pg_temp.m_sym('BB');   -- b_part: BB 1 is gone
UPDATE tthc.receipt SET total = 2000 WHERE dossier_id = pg_temp.m_id('a_part');              -- a_part: AA 2 reads 2 000
ALTER TABLE tthc.receipt ENABLE TRIGGER append_only;
SET LOCAL session_replication_role = replica;
UPDATE tthc.dossier SET payment = 'online' WHERE id = pg_temp.m_id('a_child');              -- a_child: paid, says the row
SET LOCAL session_replication_role = origin;
-- a_open: a payment loaded by the owner's COPY FROM (a restore) with no event
COPY (SELECT pg_temp.m_id('a_open'), procedure_id, 'PHI', 50000, 'cash', false, now(), 99, 'postgres'
      FROM tthc.dossier WHERE id = pg_temp.m_id('a_open')) TO STDOUT \g |cat > /tmp/tthc-money-copy.$PPID
\copy tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor) FROM PROGRAM 'cat /tmp/tthc-money-copy.$PPID; rm -f /tmp/tthc-money-copy.$PPID'
INSERT INTO m_p SELECT 'a_open.forged', id FROM tthc.payment WHERE dossier_id = pg_temp.m_id('a_open');
SET ROLE mo_auditor;
SELECT is(pg_temp.m_q($$SELECT string_agg(m.tag || ': ' || v.problem, '; ' ORDER BY m.tag) FROM tthc.verify_log() v JOIN m_d m ON m.code = v.code$$),
          'a_await: the waiver event has no row in tthc.payment; '
          || 'a_child: the dossier row does not match its log: it was changed without an event; '
          || 'a_open: payment ' || pg_temp.m_pay('a_open.forged') || ' has no event; '
          || 'a_part: receipt 01BLP0-001/' || pg_temp.m_sym('AA') || ' 0000002 does not match its event; '
          || 'b_paid: payment ' || pg_temp.m_pay('b_paid') || ' does not match its event; '
          || 'b_part: the receipt event has no row in tthc.receipt',
          'the auditor''s verify_log names each: the changed amount and total, the deleted waiver and receipt, '
          || 'the forged payment, the rewritten dossier.payment');
SELECT is(pg_temp.m_q($$SELECT count(*) FROM tthc.verify_log() v WHERE v.code IN (pg_temp.m_code('a_paid'), pg_temp.m_code('b_open'))$$), '0',
          'and nothing of the dossiers left alone');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
