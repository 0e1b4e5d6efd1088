-- pgTAP: the 2025 reorganisation (0.12.0, issue 16) attacked from the
-- attacker's side: transfers (tthc.transfer, an UPDATE or an upsert of
-- handling_unit), units that ended, tthc.unit_orphans and
-- tthc.unit_succession, by the officers of two communes of one province, of
-- an ended commune and of another province, the portal's account, a
-- reader, an auditor, an administrator and a login in no tthc role.
--
-- Fixture: province RP with the communes RA, RB (both with officers), RC
-- (no officers), RE (ended ten days ago, succeeded whole by RA) and RN
-- (stands in five days); province RQ with RQ1.  Each staffed commune has a
-- pooled login assigned by tthc.officer_unit (rg_pool_a, rg_pool_b,
-- rg_pool_e, rg_pool_q) through which its named officer acts with SET
-- LOCAL tthc.actor.  Procedure 9.000001 (30 working days, boundary-free).
-- The dossiers, by tag (temp table rg_d):
--   a_t     RA  transferred to RB by tthc.transfer, then moved by RB
--   a_up    RA  transferred to RB by an upsert (ON CONFLICT DO UPDATE)
--   a_keep  RA  open: what the refused transfers aim at
--   a_done  RA  resolved
--   b_own   RB  open
--   b_x     received at RB, handled by RA (boundary-free)
--   e_open, e_open2  RE, received 20 days ago (backfilled): orphans
--   p_a     RA  sent by the portal, received
--
-- Who decides a transfer.  Row security lets an officer read and move what
-- its units received or handle (README, "Access control"), so after A -> B
-- A still sees the dossier and its log: A's number, receipt and desk, as
-- for a boundary-free reception; this suite keeps that.  But moving it on
-- is the handling unit's decision (and the administrator's): the checks
-- named "not …'s to move" and "the handling unit decides" assert it (the
-- guard refuses a transfer by any other unit, 42501, and lets the row it
-- allowed leave the officer's sight: tthc.transfer_passes and
-- tthc.transfers_passed in the officers' policies), as "one change at a
-- time" refuses a transfer that also changes promised_at or step.  A
-- reader has no tthc.unit_orphans (it reads tthc.dossier masked only).
--
-- Refused acts are followed by rg_traces(), which must not move: each tagged
-- dossier's unit, status, event_seq, step, promised_at and note; dossiers,
-- events, numbers taken, report deltas, successions, apologies, units' ends.
-- rg_q gives a value or 'error <SQLSTATE>', rg_n 'written <rows>' or the
-- error: what it wrote stays, so the traces see it; rg_try and rg_peek roll
-- back (the acts that may go through; what a query then saw).
-- COPY goes through psql's \copy, ON_ERROR_STOP off (errors on stderr are
-- expected).  Officers may not backdate, so dates are relative to today.
BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT plan(93);

-- ===================================================================
-- 0. Fixture
-- ===================================================================

INSERT INTO tthc.unit (code, name, level) VALUES ('RP', 'tỉnh thử (reorg)', 'province'), ('RQ', 'tỉnh khác (reorg)', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('RA', 'xã A (reorg)', 'commune', 'RP'), ('RB', 'xã B (reorg)', 'commune', 'RP'),
  ('RC', 'xã C (reorg)', 'commune', 'RP'), ('RE', 'xã E, đã nhập vào A (reorg)', 'commune', 'RP'),
  ('RQ1', 'xã Q1 (reorg)', 'commune', 'RQ');
INSERT INTO tthc.unit (code, name, level, parent, valid_from) VALUES ('RN', 'xã mới (reorg)', 'commune', 'RP', current_date + 5);
INSERT INTO tthc.procedure (code, name, field, time_limit, boundary_free) VALUES ('9.000001', 'reorg: 30 ngày', 'Thử', '30 working days', true);

CREATE ROLE rg_pool_a LOGIN IN ROLE tthc_officer;
CREATE ROLE rg_pool_b LOGIN IN ROLE tthc_officer;
CREATE ROLE rg_pool_e LOGIN IN ROLE tthc_officer;   -- the ended commune's, to finish its orphans
CREATE ROLE rg_pool_q LOGIN IN ROLE tthc_officer;   -- another province's
CREATE ROLE rg_portal LOGIN IN ROLE tthc_portal;
CREATE ROLE rg_reader LOGIN IN ROLE tthc_reader;
CREATE ROLE rg_auditor LOGIN IN ROLE tthc_auditor;
CREATE ROLE rg_admin LOGIN IN ROLE tthc_admin;
CREATE ROLE rg_outsider LOGIN;                      -- in no tthc role, no grants
INSERT INTO tthc.officer_unit (role, unit) VALUES ('rg_pool_a', 'RA'), ('rg_pool_b', 'RB'), ('rg_pool_e', 'RE'), ('rg_pool_q', 'RQ1');

-- the value of a query (first column of its first row, as text), or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.rg_q(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN EXECUTE q INTO r; RETURN coalesce(r, '<null>');
EXCEPTION WHEN others THEN RETURN 'error ' || SQLSTATE; END $$;
-- a statement: 'written <rows>' (and kept) or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.rg_n(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN EXECUTE q; GET DIAGNOSTICS n = ROW_COUNT; RETURN 'written ' || n;
EXCEPTION WHEN others THEN RETURN 'error ' || SQLSTATE; END $$;
-- the same, always rolled back (for the acts that should go through, or that
-- go through on 0.12.0 as first written and would change what follows)
CREATE FUNCTION pg_temp.rg_try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN EXECUTE q; GET DIAGNOSTICS n = ROW_COUNT; RAISE EXCEPTION '%', n USING ERRCODE = 'P0042';
EXCEPTION WHEN SQLSTATE 'P0042' THEN RETURN 'written ' || SQLERRM; WHEN others THEN RETURN 'error ' || SQLSTATE; END $$;
-- a statement, then a query of what it did (as the caller sees it), both rolled back
CREATE FUNCTION pg_temp.rg_peek(stmt text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN EXECUTE stmt; EXECUTE q INTO r; RAISE EXCEPTION '%', coalesce(r, '<null>') USING ERRCODE = 'P0042';
EXCEPTION WHEN SQLSTATE 'P0042' THEN RETURN SQLERRM; WHEN others THEN RETURN 'error ' || SQLSTATE; END $$;
-- an error's SQLSTATE and hint
CREATE FUNCTION pg_temp.rg_hint(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN EXECUTE q; RETURN 'no error';
EXCEPTION WHEN others THEN GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT; RETURN SQLSTATE || ' ' || h; END $$;

CREATE TEMP TABLE rg_d (tag text PRIMARY KEY, id bigint, code text);
CREATE TEMP TABLE rg_mark (k text PRIMARY KEY, v text);
GRANT SELECT, INSERT ON rg_d, rg_mark TO PUBLIC;
CREATE FUNCTION pg_temp.rg_code(t text) RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT code FROM rg_d WHERE tag = t $$;
CREATE FUNCTION pg_temp.rg_id(t text) RETURNS bigint LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT id FROM rg_d WHERE tag = t $$;
-- what a refused act could leave behind, as the superuser sees it
CREATE FUNCTION pg_temp.rg_traces() RETURNS text LANGUAGE sql AS $$
  SELECT (SELECT string_agg(m.tag || ':' || d.handling_unit || ':' || d.status || ':' || d.event_seq || ':' || coalesce(d.step::text, '-')
                            || ':' || coalesce(d.promised_at::text, '-') || ':' || coalesce(d.note, '-'), ' ' ORDER BY m.tag)
          FROM rg_d m JOIN tthc.dossier d ON d.id = m.id)
      || ' | ' || (SELECT count(*) FROM tthc.dossier) || ' dossiers, ' || (SELECT count(*) FROM tthc.dossier_event) || ' events, '
      || (SELECT coalesce(sum(last), 0) FROM tthc.dossier_counter) || ' numbers'
      || ' | deltas ' || (SELECT count(*) || ' rows, ' || coalesce(sum(open_change), 0) || ' open, ' || coalesce(sum(transferred_in), 0)
                                 || ' in, ' || coalesce(sum(transferred_out), 0) || ' out' FROM tthc.report_delta)
      || ' | ' || (SELECT count(*) FROM tthc.unit_succession) || ' successions, ' || (SELECT count(*) FROM tthc.apology) || ' apologies'
      || ' | ' || (SELECT string_agg(code || '..' || coalesce(valid_to::text, ''), ' ' ORDER BY code) FROM tthc.unit WHERE code LIKE 'R%') $$;

SET ROLE rg_admin;
INSERT INTO tthc.officer (login, full_name, unit) VALUES
  ('rg_a1', 'Nguyễn Văn A', 'RA'), ('rg_b1', 'Trần Thị B', 'RB'), ('rg_e1', 'Lê Văn E', 'RE'), ('rg_q1', 'Phạm Thị Q', 'RQ1');
-- RE's dossiers of 20 days ago (a backfill), then RE ends, RA its successor
WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
           VALUES ('9.000001', 'RE', now() - interval '20 days', 'e_open', '022088000001'),
                  ('9.000001', 'RE', now() - interval '20 days', 'e_open2', '022088000002')
           RETURNING applicant_name, id, code)
INSERT INTO rg_d SELECT * FROM x;
UPDATE tthc.unit SET valid_to = current_date - 10 WHERE code = 'RE';
INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, whole, legal_reference)
VALUES ('RE', 'RA', current_date - 9, true, 'NQ thử (reorg)');
RESET ROLE;
SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, applicant_id)
           VALUES ('9.000001', 'RA', 'a_t', '022088000011'), ('9.000001', 'RA', 'a_up', '022088000012'),
                  ('9.000001', 'RA', 'a_keep', '022088000013'), ('9.000001', 'RA', 'a_done', '022088000014')
           RETURNING applicant_name, id, code)
INSERT INTO rg_d SELECT * FROM x;
SELECT lives_ok($$SELECT tthc.transition(pg_temp.rg_code('a_done'), 'processing'); SELECT tthc.transition(pg_temp.rg_code('a_done'), 'resolved')$$,
                'fixture: pool A naming rg_a1 receives a_t, a_up, a_keep and a_done, and resolves a_done');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_b;
SET LOCAL tthc.actor = 'rg_b1';
WITH x AS (INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, applicant_name, applicant_id)
           VALUES ('9.000001', 'RB', 'RB', 'b_own', '022088000021'), ('9.000001', 'RB', 'RA', 'b_x', '022088000022')
           RETURNING applicant_name, id, code)
INSERT INTO rg_d SELECT * FROM x;
SET LOCAL tthc.actor = '';
SET ROLE rg_portal;
WITH x AS (INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, channel, status, submitted_at, received_at, applicant_name, applicant_id)
           VALUES ('DVC-RG-0001', '9.000001', 'RA', 2, 'received', now() - interval '1 minute', now(), 'p_a', '022088000031')
           RETURNING applicant_name, id, code)
INSERT INTO rg_d SELECT * FROM x;
RESET ROLE;
SELECT is((SELECT string_agg(m.tag || ':' || d.receiving_unit || '>' || d.handling_unit || ':' || d.status, ' ' ORDER BY m.tag)
           FROM rg_d m JOIN tthc.dossier d ON d.id = m.id),
          'a_done:RA>RA:resolved a_keep:RA>RA:received a_t:RA>RA:received a_up:RA>RA:received b_own:RB>RB:received b_x:RB>RA:received '
          || 'e_open:RE>RE:received e_open2:RE>RE:received p_a:RA>RA:received', 'fixture: the dossiers, their units and statuses');

-- ===================================================================
-- 1. The transfers A -> B: tthc.transfer, and an upsert of handling_unit
-- ===================================================================

INSERT INTO rg_mark VALUES ('before', pg_temp.rg_traces());
SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
SELECT is(pg_temp.rg_q($$SELECT handling_unit || ' ' || status FROM tthc.transfer(pg_temp.rg_code('a_t'), 'RB', now(), 'sai thẩm quyền')$$),
          'RB received', 'pool A naming rg_a1 transfers its open a_t to RB');
SELECT is(pg_temp.rg_q($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
                         VALUES (pg_temp.rg_code('a_up'), '9.000001', 'RA', now())
                         ON CONFLICT (code) DO UPDATE SET handling_unit = 'RB' RETURNING handling_unit$$),
          'RB', 'and a_up by INSERT … ON CONFLICT DO UPDATE SET handling_unit (a transfer too)');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_b;
SET LOCAL tthc.actor = 'rg_b1';
SELECT is(pg_temp.rg_q($$SELECT status FROM tthc.transition(pg_temp.rg_code('a_t'), 'processing')$$), 'processing',
          'pool B naming rg_b1 moves a_t on, now its unit''s');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is((SELECT string_agg(m.tag || ':' || e.seq || ':' || e.unit || ':' || e.officer || ':' || (e.note::jsonb ->> 'from') || '>'
                             || (e.note::jsonb ->> 'to') || ':' || coalesce(e.note::jsonb ->> 'reason', '-'), ' ' ORDER BY m.tag)
           FROM tthc.dossier_event e JOIN rg_d m ON m.id = e.dossier_id WHERE e.kind = 'transfer'),
          'a_t:2:RA:rg_a1:RA>RB:sai thẩm quyền a_up:2:RA:rg_a1:RA>RB:-',
          'each transfer wrote one transfer event, by the officer named, at the unit that sent it on, with note {"from","to","reason"}');
SELECT is((SELECT count(*) FROM tthc.dossier) || ' ' || (SELECT coalesce(sum(last), 0) FROM tthc.dossier_counter),
          regexp_replace((SELECT v FROM rg_mark WHERE k = 'before'), '^.*\| ([0-9]+) dossiers, [0-9]+ events, ([0-9]+) numbers.*$', '\1 \2'),
          'the upsert''s proposed row took no number and left no dossier');
SET ROLE rg_admin;
SELECT is(pg_temp.rg_q($$SELECT string_agg(unit || ':' || transferred_in || '/' || transferred_out, ' ' ORDER BY unit)
                         FROM tthc.report('RP', daterange(current_date, current_date + 1)) WHERE level = 'unit' AND unit IN ('RA', 'RB')$$),
          'RA:0/2 RB:2/0', 'the report counts both out of RA and into RB');
RESET ROLE;

-- ===================================================================
-- 2. Who sees what after the transfer
-- ===================================================================

SET ROLE rg_pool_b;
SELECT is(pg_temp.rg_q($$SELECT string_agg(m.tag, ' ' ORDER BY m.tag) FROM tthc.dossier d JOIN rg_d m ON m.id = d.id$$) || ' / '
          || pg_temp.rg_q($$SELECT string_agg(e.seq || ':' || e.kind, ' ' ORDER BY e.seq) FROM tthc.dossier_event e WHERE e.dossier_id = pg_temp.rg_id('a_t')$$),
          'a_t a_up b_own b_x / 1:status 2:transfer 3:status', 'pool B sees the dossiers transferred to it beside its own, and a_t''s whole log');
SET ROLE rg_pool_a;
SELECT is(pg_temp.rg_q($$SELECT string_agg(m.tag || ':' || d.handling_unit, ' ' ORDER BY m.tag) FROM tthc.dossier d JOIN rg_d m ON m.id = d.id$$),
          'a_done:RA a_keep:RA a_t:RB a_up:RB b_x:RA p_a:RA',
          'pool A still sees a_t and a_up, now RB''s: it received them (its number, its desk returns the result)');
SELECT is(pg_temp.rg_q($$SELECT string_agg(e.seq || ':' || e.kind, ' ' ORDER BY e.seq) FROM tthc.dossier_event e WHERE e.dossier_id = pg_temp.rg_id('a_t')$$),
          '1:status 2:transfer 3:status', 'and a_t''s log, RB''s moves included');
SET ROLE rg_pool_e;
SELECT is(pg_temp.rg_q($$SELECT string_agg(m.tag, ' ' ORDER BY m.tag) FROM tthc.dossier d JOIN rg_d m ON m.id = d.id$$) || ' / '
          || pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier_event WHERE dossier_id IN (pg_temp.rg_id('a_t'), pg_temp.rg_id('a_up'))$$),
          'e_open e_open2 / 0', 'pool E (the ended commune) sees its orphans only, no event of the transferred dossiers');
SET ROLE rg_pool_q;
SELECT is(pg_temp.rg_q($$SELECT count(*) || '/' || (SELECT count(*) FROM tthc.dossier_event) FROM tthc.dossier$$), '0/0',
          'pool Q (another province) sees no dossier and no event');
SET ROLE rg_reader;
SELECT is(pg_temp.rg_q($$SELECT handling_unit FROM tthc.dossier_masked WHERE id = pg_temp.rg_id('a_t')$$) || ' '
          || pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier_event$$),
          'RB error 42501', 'a reader sees a_t at RB in tthc.dossier_masked, but not the event log');
SET ROLE rg_auditor;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier d JOIN rg_d m ON m.id = d.id$$), '9', 'the auditor sees every dossier');
SET ROLE rg_portal;
SELECT is(pg_temp.rg_q($$SELECT string_agg(m.tag, ' ' ORDER BY m.tag) FROM tthc.dossier d JOIN rg_d m ON m.id = d.id$$) || ' '
          || pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier_event$$),
          'p_a error 42501', 'the portal''s login sees only the dossier the portal sent, none transferred, and no event');
SET ROLE rg_outsider;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier$$) || ' ' || pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier_event$$),
          'error 42501 error 42501', 'a login in no tthc role reads neither the dossiers nor the events');
RESET ROLE;

-- ===================================================================
-- 3. Not A's to move: the transfer is the handling unit's decision
-- ===================================================================

SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('a_t'), 'RA', now(), 'lấy lại')$$), 'error 42501',
          'not A''s to move: pool A cannot take a_t back from RB by tthc.transfer (42501)');
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('a_t'), 'RC')$$), 'error 42501',
          'not A''s to move: nor send it on to RC');
SELECT matches(pg_temp.rg_try($$UPDATE tthc.dossier SET handling_unit = 'RA' WHERE code = pg_temp.rg_code('a_t')$$), '^(error 42501|written 0)$',
               'not A''s to move: nor take it back by UPDATE handling_unit');
SELECT is(pg_temp.rg_try($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES (pg_temp.rg_code('a_up'), '9.000001', 'RA', now())
                           ON CONFLICT (code) DO UPDATE SET handling_unit = 'RC'$$), 'error 42501',
          'not A''s to move: nor send a_up on by upsert');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_b;
SET LOCAL tthc.actor = 'rg_b1';
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('b_x'), 'RB')$$), 'error 42501',
          'not B''s to move: pool B, which only received b_x, cannot take it from its handling unit RA');
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('a_t'), 'RA', now(), 'trả lại')$$), 'written 1',
          'the handling unit decides: pool B may send a_t back to RA');
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('a_t'), 'RC', now(), 'chuyển tiếp')$$), 'written 1',
          'the handling unit decides: or on to RC');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('b_x'), 'RC')$$), 'written 1',
          'the handling unit decides: pool A may send b_x, received at RB, on to RC');
SET LOCAL tthc.actor = '';
SET ROLE rg_admin;
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('b_x'), 'RB')$$), 'written 1', 'and the administrator may move b_x');
RESET ROLE;

-- ===================================================================
-- 4. What a transfer refuses, on the officer's own dossiers
-- ===================================================================

INSERT INTO rg_mark VALUES ('own', pg_temp.rg_traces());
SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
SELECT throws_ok($$SELECT tthc.transfer(pg_temp.rg_code('a_done'), 'RB')$$, '55000',
                 'dossier ' || pg_temp.rg_code('a_done') || ' is resolved: only an open dossier is transferred',
                 'a closed dossier is not transferred (55000)');
SELECT throws_ok($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RQ1')$$, '22023',
                 'dossier ' || pg_temp.rg_code('a_keep') || ' cannot be transferred from RA to RQ1, a unit of another province',
                 'nor to another province''s unit (22023)');
SELECT throws_ok($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RE')$$, '55000',
                 'unit RE ended on ' || (current_date - 10) || ': it takes no new dossiers after that day',
                 'nor to the ended RE (55000)');
SELECT is(pg_temp.rg_hint($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RE')$$), '55000 Its successors: RA (tthc.unit_succession).',
          'the hint names RE''s successor');
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RE', now() - interval '15 days')$$), 'error 42501',
          'nor to RE dated back to when it stood (an officer does not backdate: 42501)');
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RN')$$)
          || ' ' || pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RA')$$)
          || ' ' || pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RZ')$$)
          || ' ' || pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB', now() + interval '1 hour')$$),
          'error 55000 error 22023 error 42704 error 22023',
          'nor to RN, which does not stand yet (55000), its own unit (22023), an unknown unit (42704), nor dated in the future (22023)');
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), NULL)$$) || ' '
          || pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB', NULL)$$), 'error 22004 error 22004',
          'nor to no unit, nor at no time (22004)');
SELECT is(pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB', status = 'processing' WHERE code = pg_temp.rg_code('a_keep')$$) || ' '
          || pg_temp.rg_n($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES (pg_temp.rg_code('a_keep'), '9.000001', 'RA', now())
                              ON CONFLICT (code) DO UPDATE SET handling_unit = 'RB', status = 'resolved'$$),
          'error 55000 error 55000', 'an UPDATE or an upsert of unit and status at once: 55000');
SELECT matches(pg_temp.rg_try($$UPDATE tthc.dossier SET handling_unit = 'RB', promised_at = now() + interval '200 days' WHERE code = pg_temp.rg_code('a_keep')$$),
               '^error (55000|22023)$',
               'one change at a time: a transfer cannot carry a new promised_at (it would skip the apology and its reason)');
SELECT matches(pg_temp.rg_try($$UPDATE tthc.dossier SET handling_unit = 'RB', step = 2 WHERE code = pg_temp.rg_code('a_keep')$$),
               '^error (55000|22023)$', 'one change at a time: nor a new step (it would skip the hand-over''s checks)');
SELECT is(pg_temp.rg_peek($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB', now(), 'x", "to": "RQ1')$$,
                          $$SELECT (note::jsonb ->> 'to') || ' | ' || (note::jsonb ->> 'reason') FROM tthc.dossier_event
                            WHERE dossier_id = pg_temp.rg_id('a_keep') ORDER BY seq DESC LIMIT 1$$),
          'RB | x", "to": "RQ1', 'a reason written as JSON stays the reason: the transfer''s "to" (what the report follows) is RB');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is(pg_temp.rg_traces(), (SELECT v FROM rg_mark WHERE k = 'own'), 'the refused transfers left nothing behind');

-- ===================================================================
-- 5. Every other role at A's open a_keep and the portal's p_a
-- ===================================================================

INSERT INTO rg_mark VALUES ('others', pg_temp.rg_traces());
SET ROLE rg_pool_b;
SET LOCAL tthc.actor = 'rg_b1';
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB')$$), 'error 42704',
          'pool B cannot pull A''s a_keep: for it the dossier does not exist (42704)');
SELECT is(pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB' WHERE id = pg_temp.rg_id('a_keep')$$), 'written 0',
          'its UPDATE of a_keep''s handling_unit changes no row');
SELECT is(pg_temp.rg_n($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at) VALUES (pg_temp.rg_code('a_keep'), '9.000001', 'RA', now())
                           ON CONFLICT (code) DO UPDATE SET handling_unit = 'RB'$$), 'error 42501', 'its upsert on a_keep''s code fails (42501)');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_q;
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RQ1')$$) || ' ' || pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RQ1'$$),
          'error 42704 written 0', 'pool Q cannot pull a_keep to its province, by tthc.transfer or UPDATE');
SET ROLE rg_pool_e;
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB')$$), 'error 42704', 'nor can pool E move it');
SET ROLE rg_reader;
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB')$$) || ' ' || pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB'$$),
          'error 42501 error 42501', 'a reader may neither call tthc.transfer nor UPDATE a dossier');
SET ROLE rg_auditor;
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB')$$) || ' ' || pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB'$$),
          'error 42501 error 42501', 'nor the auditor');
SET ROLE rg_portal;
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('p_a'), 'RB')$$) || ' '
          || pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB' WHERE id = pg_temp.rg_id('a_keep')$$),
          'error 42501 written 0', 'the portal''s login may not call tthc.transfer; its UPDATE of the in-person a_keep changes no row');
SELECT is(pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB' WHERE code = pg_temp.rg_code('p_a')$$) || ' '
          || pg_temp.rg_n($$INSERT INTO tthc.dossier (portal_code, procedure_code, receiving_unit, status, submitted_at, applicant_name)
                              VALUES ('DVC-RG-0001', '9.000001', 'RA', 'submitted', now(), 'x') ON CONFLICT (portal_code) DO UPDATE SET handling_unit = 'RB'$$),
          'error 428C9 error 428C9', 'nor may it move its received p_a by UPDATE or upsert of handling_unit (428C9: it may not execute tthc.transfer)');
SET ROLE rg_outsider;
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('a_keep'), 'RB')$$) || ' ' || pg_temp.rg_n($$UPDATE tthc.dossier SET handling_unit = 'RB'$$),
          'error 42501 error 42501', 'a login in no tthc role may neither call tthc.transfer nor UPDATE a dossier');
RESET ROLE;
SELECT is(pg_temp.rg_traces(), (SELECT v FROM rg_mark WHERE k = 'others'), 'the other roles'' refused acts left nothing behind');

-- ===================================================================
-- 6. The ended unit: receptions, orphans, moving them on
-- ===================================================================

INSERT INTO rg_mark VALUES ('ended', pg_temp.rg_traces());
SET ROLE rg_pool_e;
SET LOCAL tthc.actor = 'rg_e1';
SELECT is(pg_temp.rg_hint($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('9.000001', 'RE', 'x')$$),
          '55000 Its successors: RA (tthc.unit_succession).', 'pool E cannot receive at the ended RE (55000, the hint names RA)');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_a;
INSERT INTO rg_mark SELECT 'refused', pg_temp.rg_n($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, applicant_name)
                                                      VALUES ('9.000001', 'RA', 'RE', 'x')$$);
RESET ROLE;
SELECT is((SELECT v FROM rg_mark WHERE k = 'refused'), 'error 55000', 'nor pool A for RE to handle');
SELECT is(pg_temp.rg_traces(), (SELECT v FROM rg_mark WHERE k = 'ended'), 'the refused receptions took no number and wrote nothing');

SET ROLE rg_pool_e;
SELECT is(pg_temp.rg_q($$SELECT string_agg(m.tag || ':' || o.handling_unit || ':' || o.status || ':' || o.successors::text, ' ' ORDER BY m.tag)
                         FROM tthc.unit_orphans() o JOIN rg_d m ON m.code = o.code$$),
          'e_open:RE:received:{RA} e_open2:RE:received:{RA}', 'pool E lists its orphans with their successor');
RESET ROLE;
CREATE FUNCTION pg_temp.rg_orphans_as(r text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  n := pg_temp.rg_q($q$SELECT count(*) FROM tthc.unit_orphans('infinity')$q$);
  RESET ROLE;
  RETURN r || ':' || n;
END $$;
SELECT is(pg_temp.rg_orphans_as('rg_pool_a') || ' ' || pg_temp.rg_orphans_as('rg_pool_b') || ' ' || pg_temp.rg_orphans_as('rg_pool_q'),
          'rg_pool_a:0 rg_pool_b:0 rg_pool_q:0',
          'pools A (RE''s successor), B and Q see none of RE''s orphans through tthc.unit_orphans, at any time');
SET ROLE rg_auditor;
SELECT is(pg_temp.rg_q($$SELECT string_agg(code, ' ' ORDER BY code) FROM tthc.unit_orphans() WHERE handling_unit = 'RE'$$),
          pg_temp.rg_code('e_open') || ' ' || pg_temp.rg_code('e_open2'), 'the auditor lists both');
SET ROLE rg_reader;
SELECT ok(NOT has_function_privilege('tthc.unit_orphans(timestamptz)', 'EXECUTE')
          OR pg_temp.rg_q($$SELECT count(*) FROM tthc.unit_orphans() WHERE handling_unit = 'RE'$$) = '2',
          'a reader granted tthc.unit_orphans gets the orphans (codes and units it reads in tthc.dossier_masked), not 42501 on tthc.dossier');
RESET ROLE;
SELECT is(pg_temp.rg_orphans_as('rg_portal') || ' ' || pg_temp.rg_orphans_as('rg_outsider'), 'rg_portal:error 42501 rg_outsider:error 42501',
          'neither the portal''s login nor a login in no tthc role may call tthc.unit_orphans');

SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('e_open'), 'RA')$$), 'error 42704', 'pool A cannot pull RE''s orphan to itself');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_e;
SET LOCAL tthc.actor = 'rg_e1';
SELECT is(pg_temp.rg_q($$SELECT handling_unit FROM tthc.transfer(pg_temp.rg_code('e_open'), 'RA', now(), 'NQ thử: E nhập vào A')$$), 'RA',
          'pool E naming rg_e1 moves e_open to its successor RA');
SELECT is(pg_temp.rg_q($$SELECT string_agg(o.code, ' ') FROM tthc.unit_orphans() o$$), pg_temp.rg_code('e_open2'),
          'its orphans: e_open2 left');
SET LOCAL tthc.actor = '';
RESET ROLE;
INSERT INTO rg_mark VALUES ('moved', pg_temp.rg_traces());
SET ROLE rg_pool_e;
SET LOCAL tthc.actor = 'rg_e1';
SELECT is(pg_temp.rg_try($$SELECT tthc.transfer(pg_temp.rg_code('e_open'), 'RB')$$), 'error 42501',
          'not E''s to move: once RA''s, pool E cannot send e_open on to RB');
SET LOCAL tthc.actor = '';
SET ROLE rg_pool_a;
SET LOCAL tthc.actor = 'rg_a1';
SELECT is(pg_temp.rg_q($$SELECT string_agg(e.seq || ':' || e.kind, ' ' ORDER BY e.seq) FROM tthc.dossier_event e WHERE e.dossier_id = pg_temp.rg_id('e_open')$$),
          '1:status 2:transfer', 'pool A now sees e_open and its log');
SELECT is(pg_temp.rg_n($$SELECT tthc.transfer(pg_temp.rg_code('e_open'), 'RE')$$), 'error 55000', 'but cannot hand it back to the ended RE');
SET LOCAL tthc.actor = '';
RESET ROLE;
SELECT is(pg_temp.rg_traces(), (SELECT v FROM rg_mark WHERE k = 'moved'), 'the refused moves of e_open left nothing behind');

-- ===================================================================
-- 7. tthc.unit_succession and tthc.unit are the administrator's
-- ===================================================================

INSERT INTO rg_mark VALUES ('succ', pg_temp.rg_traces());
SET ROLE rg_pool_a;
SELECT is(pg_temp.rg_q($$SELECT string_agg(old_unit || '>' || new_unit, ' ') FROM tthc.unit_succession WHERE old_unit LIKE 'R%'$$)
          || ' ' || pg_temp.rg_n($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, share) VALUES ('RE', 'RB', current_date, 0.5)$$)
          || ' ' || pg_temp.rg_n($$UPDATE tthc.unit_succession SET whole = false, share = 0.1 WHERE old_unit = 'RE'$$)
          || ' ' || pg_temp.rg_n($$DELETE FROM tthc.unit_succession WHERE old_unit = 'RE'$$),
          'RE>RA error 42501 error 42501 error 42501', 'pool A reads the succession, may not INSERT, UPDATE or DELETE it');
SELECT is(pg_temp.rg_n($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective) VALUES ('RE', 'RA', current_date)
                           ON CONFLICT (old_unit, new_unit) DO UPDATE SET new_unit = 'RB'$$), 'error 42501', 'nor upsert it');
SELECT is(pg_temp.rg_n($$UPDATE tthc.unit SET valid_to = NULL WHERE code = 'RE'$$), 'error 42501', 'nor revive RE to receive again');
SET ROLE rg_pool_e;
SELECT is(pg_temp.rg_n($$UPDATE tthc.unit_succession SET new_unit = 'RB' WHERE old_unit = 'RE'$$) || ' '
          || pg_temp.rg_n($$UPDATE tthc.unit SET valid_to = NULL WHERE code = 'RE'$$),
          'error 42501 error 42501', 'nor may pool E redirect its succession or revive its unit');
SET ROLE rg_reader;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.unit_succession WHERE old_unit = 'RE'$$) || ' '
          || pg_temp.rg_n($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective) VALUES ('RC', 'RB', current_date)$$)
          || ' ' || pg_temp.rg_n($$DELETE FROM tthc.unit_succession$$),
          '1 error 42501 error 42501', 'a reader reads it, may not INSERT or DELETE');
SET ROLE rg_auditor;
SELECT is(pg_temp.rg_n($$UPDATE tthc.unit_succession SET share = 1$$) || ' ' || pg_temp.rg_n($$DELETE FROM tthc.unit_succession$$),
          'error 42501 error 42501', 'nor the auditor UPDATE or DELETE');
SET ROLE rg_portal;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.unit_succession$$) || ' '
          || pg_temp.rg_n($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective) VALUES ('RC', 'RB', current_date)$$) || ' '
          || pg_temp.rg_n($$DELETE FROM tthc.unit_succession$$),
          'error 42501 error 42501 error 42501', 'the portal''s login neither reads nor writes it');
SET ROLE rg_admin;
SELECT is(pg_temp.rg_try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, share) VALUES ('RC', 'RB', current_date, 0.5)$$),
          'written 1', 'the administrator may write it');
RESET ROLE;

-- COPY FROM: the succession, and a dossier for another unit to handle
\set ON_ERROR_STOP 0
SET ROLE rg_pool_a;
SAVEPOINT rg_copy;
\copy tthc.unit_succession FROM PROGRAM 'printf "RE\\tRB\\t2026-01-01\\tf\\t0.5\\tx\\n"'
\set rg_copy_succ :SQLSTATE
ROLLBACK TO SAVEPOINT rg_copy;
\copy tthc.dossier (procedure_code, receiving_unit, handling_unit, applicant_name) FROM PROGRAM 'printf "9.000001\\tRA\\tRB\\tCopy\\n"'
\set rg_copy_dossier :SQLSTATE
ROLLBACK TO SAVEPOINT rg_copy;
RELEASE SAVEPOINT rg_copy;
SET ROLE rg_reader;
SAVEPOINT rg_copy;
\copy tthc.unit_succession FROM PROGRAM 'printf "RE\\tRB\\t2026-01-01\\tf\\t0.5\\tx\\n"'
\set rg_copy_succ_r :SQLSTATE
ROLLBACK TO SAVEPOINT rg_copy;
RELEASE SAVEPOINT rg_copy;
\set ON_ERROR_STOP 1
RESET ROLE;
SELECT is(:'rg_copy_succ'::text || ' ' || :'rg_copy_succ_r', '42501 42501', 'neither pool A nor a reader can COPY a succession in (42501)');
SELECT is(:'rg_copy_dossier'::text, '0A000', 'nor can pool A COPY in a dossier for RB to handle (row security: 0A000)');
SELECT is(pg_temp.rg_traces(), (SELECT v FROM rg_mark WHERE k = 'succ'), 'the refused writes left the succession, units and dossiers as they were');

-- COPY TO: what SELECT sees, no more
SET ROLE rg_pool_q;
\copy (SELECT d.code FROM tthc.dossier d UNION ALL SELECT e.dossier_id::text FROM tthc.dossier_event e) TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-reorg-copy.$PPID'
\set rg_lines_q `cat /tmp/tthc-reorg-copy.$PPID; rm -f /tmp/tthc-reorg-copy.$PPID`
SET ROLE rg_pool_b;
\copy tthc.dossier TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-reorg-copy.$PPID'
\set rg_lines_b `cat /tmp/tthc-reorg-copy.$PPID; rm -f /tmp/tthc-reorg-copy.$PPID`
SET ROLE rg_pool_e;
\copy (SELECT * FROM tthc.unit_orphans()) TO PROGRAM 'wc -l | tr -d " " > /tmp/tthc-reorg-copy.$PPID'
\set rg_lines_e `cat /tmp/tthc-reorg-copy.$PPID; rm -f /tmp/tthc-reorg-copy.$PPID`
RESET ROLE;
SELECT is(:'rg_lines_q'::text, '0', 'pool Q''s COPY of the dossiers and events TO: nothing');
SELECT is(:'rg_lines_b'::int, 4, 'pool B''s COPY tthc.dossier TO: its two and the two transferred to it');
SELECT is(:'rg_lines_e'::int, 1, 'pool E''s COPY of its orphans TO: e_open2 alone');

-- ===================================================================
-- 8. The log after the transfers verifies; the report balances
-- ===================================================================

SET ROLE rg_auditor;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM rg_d)$$) || ' '
          || pg_temp.rg_q($$SELECT count(*) FROM tthc.verify_log(pg_temp.rg_code('a_t'))$$) || ' '
          || pg_temp.rg_q($$SELECT count(*) FROM tthc.verify_log(pg_temp.rg_code('e_open'))$$), '0 0 0',
          'the auditor''s tthc.verify_log(): every chain intact, a_t''s (moved A -> B -> processing) and e_open''s (off the ended RE) by name');
SET ROLE rg_admin;
SELECT is(pg_temp.rg_q($$SELECT string_agg(unit || ':' || transferred_in || '/' || transferred_out, ' ' ORDER BY unit) || ' unbalanced '
                         || count(*) FILTER (WHERE carried_over + received + transferred_in
                                                   <> resolved + withdrawn + stopped + transferred_out + in_progress)
                         FROM tthc.report('RP', daterange(current_date, current_date + 1)) WHERE level = 'unit'$$),
          'RA:1/2 RB:2/0 RE:0/1 unbalanced 0', 'the report: RE out 1, RA in 1 and out 2, RB in 2, every row balanced');
RESET ROLE;

-- ===================================================================
-- 9. Reports across the change, from the attacker's side: an officer
-- reads its own unit on today's units (RA carries the ended RE), never
-- the other unit's, through the functions and the lineage views; the
-- transfer markers give nothing away; an outsider reads nothing
-- ===================================================================

CREATE TEMP TABLE rg_lin AS
SELECT r.* FROM tthc.report('RA', daterange(current_date - 40, current_date + 1), lineage => true) r;
GRANT SELECT ON rg_lin TO PUBLIC;
SELECT sum(received) AS rg_ra_re_received FROM tthc.report_monthly WHERE unit IN ('RA', 'RE') \gset
SET ROLE rg_pool_a;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM (TABLE rg_lin EXCEPT ALL
                          SELECT * FROM tthc.report('RA', daterange(current_date - 40, current_date + 1), lineage => true)) x$$)
          || ' ' || pg_temp.rg_q($$SELECT lineage FROM tthc.report('RA', daterange(current_date - 40, current_date + 1), lineage => true)
                                   WHERE level = 'unit'$$),
          '0 RE', 'pool A''s report of RA with lineage is the administrator''s, carrying the ended RE');
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.report('RB', daterange(current_date - 40, current_date + 1), lineage => true)$$)
          || ' ' || pg_temp.rg_q($$SELECT count(*) FROM tthc.indicators_766('RB', daterange(current_date - 40, current_date + 1), true)$$)
          || ' ' || pg_temp.rg_q($$SELECT count(*) FROM tthc.scorecard_unit('RB', daterange(current_date - 40, current_date + 1), true)$$)
          || ' ' || pg_temp.rg_q($$SELECT count(*) FROM tthc.report('RE', daterange(current_date - 40, current_date + 1), lineage => true)$$),
          'error 42501 error 42501 error 42501 error 42501',
          'nor RB''s report, 766 ratios or scorecard with lineage, nor the ended RE''s (the units it may read)');
SELECT is(pg_temp.rg_q($$SELECT coalesce(string_agg(DISTINCT unit, ','), '-') FROM tthc.report_monthly_lineage$$)
          || ' ' || pg_temp.rg_q($$SELECT coalesce(string_agg(DISTINCT unit, ','), '-') FROM tthc.indicators_766_monthly_lineage$$),
          'RA RA', 'the lineage views show pool A RA''s rows only (RE''s history inside them)');
SELECT is(pg_temp.rg_q($$SELECT sum(received) FROM tthc.report_monthly_lineage$$),
          :'rg_ra_re_received',
          '  and RA''s row there holds what RA and RE received');
SET ROLE rg_pool_b;
SELECT is(pg_temp.rg_q($$SELECT coalesce(string_agg(DISTINCT unit, ','), '-') FROM tthc.report_monthly_lineage WHERE unit <> 'RB'$$)
          || ' ' || pg_temp.rg_q($$SELECT count(*) FROM tthc.indicators_766_monthly_lineage WHERE unit NOT IN ('RB')$$),
          '- 0', 'pool B''s lineage views hold no row of RA or RE');
SELECT is(pg_temp.rg_q($$SELECT tthc.transfers_passed()::text$$) || ' ' || pg_temp.rg_q($$SELECT tthc.transfer_passes(pg_temp.rg_id('a_keep'))$$),
          '{} false', 'outside a transfer the guard''s markers are empty: pool B learns nothing of A''s a_keep by them');
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.dossier WHERE id = ANY (tthc.transfers_passed()) OR tthc.transfer_passes(id)$$),
          '0', '  and reads no row of another unit through them');
SELECT is(pg_temp.rg_n($$UPDATE tthc.dossier SET note = 'x' WHERE code = pg_temp.rg_code('a_keep') AND tthc.transfer_passes(id)$$),
          'written 0', '  nor writes one');
SET ROLE rg_outsider;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.report_monthly_lineage$$) || ' ' ||
          pg_temp.rg_q($$SELECT count(*) FROM tthc.indicators_766_monthly_lineage$$),
          'error 42501 error 42501', 'the outsider reads neither lineage view');
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.unit_lineage()$$) || ' ' ||
          pg_temp.rg_q($$SELECT tthc.lineage_part(10, 0, 0.5)$$) || ' ' ||
          pg_temp.rg_q($$SELECT tthc.transfers_passed()::text$$) || ' ' ||
          pg_temp.rg_q($$SELECT tthc.transfer_passes(1)$$),
          'error 42501 error 42501 error 42501 error 42501', 'nor calls unit_lineage, lineage_part or the markers');
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.report('RA', daterange(current_date - 40, current_date + 1), lineage => true)$$) || ' ' ||
          pg_temp.rg_q($$SELECT count(*) FROM tthc.report_lineage(ARRAY['RA'], true)$$),
          'error 42501 error 42501', 'nor the report with lineage, nor its internal report_lineage');
SET ROLE rg_reader;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.report_monthly_lineage WHERE unit IN ('RA', 'RB')$$) <> '0'
          AND pg_temp.rg_q($$SELECT count(*) FROM tthc.report_monthly_lineage WHERE unit = 'RE'$$) = '0', true,
          'the reader reads the province on today''s units (RA and RB), with no row of the ended RE');
SET ROLE rg_pool_q;
SELECT is(pg_temp.rg_q($$SELECT count(*) FROM tthc.report_monthly_lineage WHERE unit LIKE 'R_'$$), '0',
          'another province''s officer reads none of RP''s lineage rows');

SELECT * FROM finish();
ROLLBACK;
