-- pgTAP: row-level separation of officers.  Two communes S1 (with its
-- reception point S1.1) and S2 under a province SP; sep_off1 works at S1,
-- sep_off2 at S2.  Every attack on the other unit's data is run for both
-- officers and paired with the same path on the officer's own data, so a
-- broken fixture cannot pass vacuously.  Statements that may fail go through
-- sep_q / sep_n (which return 'error <SQLSTATE>') or throws_ok / lives_ok, so
-- one failure never aborts the file.
BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT plan(124);

-- ===================================================================
-- Fixture (as the superuser and a tthc_admin member)
-- ===================================================================

INSERT INTO tthc.unit (code, name, level) VALUES ('SP', 'tỉnh thử (separation)', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('S1', 'xã 1 (separation)', 'commune', 'SP'),
  ('S2', 'xã 2 (separation)', 'commune', 'SP');
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('S1.1', 'điểm tiếp nhận 1.1 (separation)', 'commune', 'S1');
INSERT INTO tthc.procedure (code, name, time_limit, boundary_free) VALUES
  ('5.000001', 'separation: 3 ngày', '3 working days', true),
  ('5.000002', 'separation: 10 ngày', '10 working days', true);

CREATE ROLE sep_off1 NOLOGIN IN ROLE tthc_officer;
CREATE ROLE sep_off2 NOLOGIN IN ROLE tthc_officer;
CREATE ROLE sep_off11 NOLOGIN IN ROLE tthc_officer;   -- S1.1 alone
CREATE ROLE sep_clerk1 NOLOGIN IN ROLE sep_off1;      -- a member of S1's officer role
CREATE ROLE sep_reader NOLOGIN IN ROLE tthc_reader;
CREATE ROLE sep_auditor NOLOGIN IN ROLE tthc_auditor;
CREATE ROLE sep_admin NOLOGIN IN ROLE tthc_admin;
CREATE ROLE sep_outsider LOGIN;                       -- in no tthc role, no grants
INSERT INTO tthc.officer_unit (role, unit) VALUES ('sep_off1', 'S1'), ('sep_off2', 'S2'), ('sep_off11', 'S1.1');

-- the value of a query (first column of its first row, as text), or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.sep_q(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  EXECUTE q INTO r;
  RETURN coalesce(r, '<null>');
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;
-- the rows a statement changed, or 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.sep_n(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n::text;
EXCEPTION WHEN others THEN
  RETURN 'error ' || SQLSTATE;
END $$;

-- dossiers, backfilled by the administrator:
--   a1   S1-260302-0001    received and handled at S1, resolved
--   a11  S1.1-260302-0001  at S1.1, open
--   b2   S2-260302-0001    at S2, resolved
--   x    S2-260302-0002    received at S2, handled by S1 (boundary-free): both officers'
--   o1   S1-<today>-0001   at S1, open, received a minute ago (for the apology)
--   o2   S2-<today>-0001   at S2, likewise
SET ROLE sep_admin;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at, applicant_name, applicant_id, applicant_phone)
VALUES ('5.000001', 'S1',   'S1',   '2026-03-02 08:00', 'a1',  '022088001234', '0912000001'),
       ('5.000001', 'S1.1', 'S1.1', '2026-03-02 08:00', 'a11', '022088002345', '0912000002'),
       ('5.000001', 'S2',   'S2',   '2026-03-02 08:00', 'b2',  '022088003456', '0912000003'),
       ('5.000001', 'S2',   'S1',   '2026-03-02 08:00', 'x',   '022088004567', '0912000004');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
VALUES ('5.000002', 'S1', now() - interval '1 minute', 'o1', '022088005678'),
       ('5.000002', 'S2', now() - interval '1 minute', 'o2', '022088006789');
SELECT lives_ok($$SELECT tthc.transition('S1-260302-0001', 'processing', '2026-03-02 09:00');
                  SELECT tthc.transition('S1-260302-0001', 'resolved', '2026-03-03 10:00');
                  SELECT tthc.transition('S2-260302-0001', 'processing', '2026-03-02 09:00');
                  SELECT tthc.transition('S2-260302-0001', 'resolved', '2026-03-03 10:00')$$,
                'the administrator resolves S1''s and S2''s dossiers (backfill)');
RESET ROLE;

CREATE TEMP TABLE sep_d AS
  SELECT applicant_name AS tag, id, code, received_at FROM tthc.dossier WHERE applicant_name IN ('a1', 'a11', 'b2', 'x', 'o1', 'o2');
GRANT SELECT ON sep_d TO PUBLIC;
SELECT is((SELECT string_agg(tag || '=' || code, ' ' ORDER BY tag COLLATE "C") FROM sep_d WHERE tag NOT IN ('o1', 'o2')),
          'a1=S1-260302-0001 a11=S1.1-260302-0001 b2=S2-260302-0001 x=S2-260302-0002',
          'fixture: the backfilled dossiers and their codes');

-- ===================================================================
-- tthc.my_units(): the caller's own units and their children
-- ===================================================================

SET ROLE sep_off1;
SELECT is(pg_temp.sep_q($$SELECT array_agg(u ORDER BY u COLLATE "C")::text FROM unnest(tthc.my_units()) u$$),
          '{S1,S1.1}', 'my_units(): sep_off1 gets S1 and its child S1.1, nothing else');
SET ROLE sep_off2;
SELECT is(pg_temp.sep_q($$SELECT array_agg(u ORDER BY u COLLATE "C")::text FROM unnest(tthc.my_units()) u$$),
          '{S2}', 'my_units(): sep_off2 gets S2 only');
SET ROLE sep_off11;
SELECT is(pg_temp.sep_q($$SELECT array_agg(u ORDER BY u COLLATE "C")::text FROM unnest(tthc.my_units()) u$$),
          '{S1.1}', 'my_units(): an officer of S1.1 alone never gets its parent S1 or a sibling');
SET ROLE sep_clerk1;
SELECT is(pg_temp.sep_q($$SELECT array_agg(u ORDER BY u COLLATE "C")::text FROM unnest(tthc.my_units()) u$$),
          '{S1,S1.1}', 'my_units(): a member of sep_off1 gets sep_off1''s units');
SET ROLE sep_reader;
SELECT is(pg_temp.sep_q($$SELECT tthc.my_units()::text$$), '{}', 'my_units(): a reader has no units');
SET ROLE sep_auditor;
SELECT is(pg_temp.sep_q($$SELECT tthc.my_units()::text$$), '{}', 'my_units(): an auditor has no units');
RESET ROLE;

-- ===================================================================
-- Ratings and apologies: own dossiers only
-- ===================================================================

SET ROLE sep_off1;
SELECT lives_ok($$INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'satisfied' FROM sep_d WHERE tag = 'a1'$$,
                'sep_off1 records the rating of S1''s finished dossier');
SET ROLE sep_off2;
SELECT lives_ok($$INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'satisfied' FROM sep_d WHERE tag = 'b2'$$,
                'sep_off2 records the rating of S2''s finished dossier');
SET ROLE sep_off1;
SELECT matches(pg_temp.sep_n($$INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'unsatisfied' FROM sep_d WHERE tag = 'b2'
                               ON CONFLICT (dossier_id) DO UPDATE SET rating = 'unsatisfied'$$),
               '^error (23503|42501)$', 'sep_off1 cannot rate S2''s dossier (23503 or 42501)');
SET ROLE sep_off2;
SELECT matches(pg_temp.sep_n($$INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'unsatisfied' FROM sep_d WHERE tag = 'a1'
                               ON CONFLICT (dossier_id) DO UPDATE SET rating = 'unsatisfied'$$),
               '^error (23503|42501)$', 'sep_off2 cannot rate S1''s dossier (23503 or 42501)');

SET ROLE sep_off1;
SELECT lives_ok($$SELECT tthc.apologize((SELECT code FROM sep_d WHERE tag = 'o1'), 'separation: chờ liên thông',
                                        now() + interval '60 days', now())$$,
                'sep_off1 apologizes for S1''s open dossier');
SET ROLE sep_off2;
SELECT lives_ok($$SELECT tthc.apologize((SELECT code FROM sep_d WHERE tag = 'o2'), 'separation: chờ liên thông',
                                        now() + interval '60 days', now())$$,
                'sep_off2 apologizes for S2''s open dossier');
SET ROLE sep_off1;
SELECT throws_ok($$SELECT tthc.apologize((SELECT code FROM sep_d WHERE tag = 'o2'), 'separation: hijack',
                                         now() + interval '90 days', now())$$,
                 '42704', NULL, 'sep_off1 cannot apologize for S2''s dossier: it does not exist for it');
SET ROLE sep_off2;
SELECT throws_ok($$SELECT tthc.apologize((SELECT code FROM sep_d WHERE tag = 'o1'), 'separation: hijack',
                                         now() + interval '90 days', now())$$,
                 '42704', NULL, 'sep_off2 cannot apologize for S1''s dossier: it does not exist for it');
SET ROLE sep_admin;
SELECT is((SELECT string_agg(s.tag || ':' || d.apologies || ':' || (SELECT count(*) FROM tthc.apology a WHERE a.dossier_id = d.id),
                             ' ' ORDER BY s.tag)
           FROM tthc.dossier d JOIN sep_d s ON s.id = d.id WHERE s.tag IN ('o1', 'o2')),
          'o1:1:1 o2:1:1', 'as the admin: each open dossier has its own officer''s apology only');
SELECT is((SELECT string_agg(s.tag || ':' || r.rating, ' ' ORDER BY s.tag) FROM tthc.rating r JOIN sep_d s ON s.id = r.dossier_id),
          'a1:satisfied b2:satisfied', 'as the admin: the ratings are the own officers'', unchanged');
RESET ROLE;

-- ===================================================================
-- What each officer sees
-- ===================================================================

-- sep_off1: a1, a11 (child unit), x (handled by S1), o1
SET ROLE sep_off1;
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, d.code) ORDER BY coalesce(s.tag, d.code) COLLATE "C")::text
                          FROM tthc.dossier d LEFT JOIN sep_d s ON s.id = d.id$$),
          '{a1,a11,o1,x}', 'sep_off1 sees the dossiers received or handled at S1 or S1.1, and no other');
SELECT is(pg_temp.sep_q($$SELECT array_agg(DISTINCT coalesce(s.tag, e.dossier_id::text))::text
                          FROM tthc.dossier_event e LEFT JOIN sep_d s ON s.id = e.dossier_id$$),
          '{a1,a11,o1,x}', 'sep_off1 sees the events of those dossiers only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, a.dossier_id::text))::text
                          FROM tthc.apology a LEFT JOIN sep_d s ON s.id = a.dossier_id$$),
          '{o1}', 'sep_off1 sees S1''s apology only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, r.dossier_id::text))::text
                          FROM tthc.rating r LEFT JOIN sep_d s ON s.id = r.dossier_id$$),
          '{a1}', 'sep_off1 sees S1''s rating only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, v.code) ORDER BY coalesce(s.tag, v.code) COLLATE "C")::text
                          FROM tthc.dossier_sla v LEFT JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,o1,x}', 'sep_off1 reads tthc.dossier_sla, its units'' rows only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, v.code) ORDER BY coalesce(s.tag, v.code) COLLATE "C")::text
                          FROM tthc.dossier_masked v LEFT JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,o1,x}', 'sep_off1 reads tthc.dossier_masked, its units'' rows only');
CREATE FUNCTION pg_temp.sep_off1_all() RETURNS text LANGUAGE sql SECURITY INVOKER AS $$
  SELECT array_agg(coalesce(s.tag, d.code) ORDER BY coalesce(s.tag, d.code) COLLATE "C")::text
  FROM tthc.dossier d LEFT JOIN sep_d s ON s.id = d.id $$;
SELECT is(pg_temp.sep_q($$SELECT pg_temp.sep_off1_all()$$), '{a1,a11,o1,x}',
          'a SECURITY INVOKER function sep_off1 writes in pg_temp still sees its units only');
-- a cheap function of the officer's in the WHERE clause, which fails on any
-- row of another unit: the views are security barriers, so it never sees one
CREATE FUNCTION pg_temp.sep_trap(h text, r text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  IF NOT (h = ANY (tthc.my_units()) OR r = ANY (tthc.my_units())) THEN
    RAISE EXCEPTION 'leaked a row of % / %', h, r;
  END IF;
  RETURN true;
END $$;
SELECT lives_ok($$SELECT count(*) FROM tthc.dossier_sla WHERE pg_temp.sep_trap(handling_unit, receiving_unit)$$,
                'sep_off1''s own function in a WHERE on tthc.dossier_sla sees no other unit''s row');
SELECT lives_ok($$SELECT count(*) FROM tthc.dossier_masked WHERE pg_temp.sep_trap(handling_unit, receiving_unit)$$,
                'nor on tthc.dossier_masked');
RESET ROLE;

-- sep_off2: b2, x (received at S2), o2
SET ROLE sep_off2;
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, d.code) ORDER BY coalesce(s.tag, d.code) COLLATE "C")::text
                          FROM tthc.dossier d LEFT JOIN sep_d s ON s.id = d.id$$),
          '{b2,o2,x}', 'sep_off2 sees the dossiers received or handled at S2, and no other');
SELECT is(pg_temp.sep_q($$SELECT array_agg(DISTINCT coalesce(s.tag, e.dossier_id::text))::text
                          FROM tthc.dossier_event e LEFT JOIN sep_d s ON s.id = e.dossier_id$$),
          '{b2,o2,x}', 'sep_off2 sees the events of those dossiers only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, a.dossier_id::text))::text
                          FROM tthc.apology a LEFT JOIN sep_d s ON s.id = a.dossier_id$$),
          '{o2}', 'sep_off2 sees S2''s apology only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, r.dossier_id::text))::text
                          FROM tthc.rating r LEFT JOIN sep_d s ON s.id = r.dossier_id$$),
          '{b2}', 'sep_off2 sees S2''s rating only');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, v.code) ORDER BY coalesce(s.tag, v.code) COLLATE "C")::text
                          FROM tthc.dossier_sla v LEFT JOIN sep_d s ON s.id = v.id$$),
          '{b2,o2,x}', 'sep_off2 reads tthc.dossier_sla, its unit''s rows only');
CREATE FUNCTION pg_temp.sep_trap2(h text, r text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  IF NOT (h = ANY (tthc.my_units()) OR r = ANY (tthc.my_units())) THEN
    RAISE EXCEPTION 'leaked a row of % / %', h, r;
  END IF;
  RETURN true;
END $$;
SELECT lives_ok($$SELECT count(*) FROM tthc.dossier_sla WHERE pg_temp.sep_trap2(handling_unit, receiving_unit)$$,
                'sep_off2''s own function in a WHERE on tthc.dossier_sla sees no other unit''s row');
SELECT lives_ok($$SELECT count(*) FROM tthc.dossier_masked WHERE pg_temp.sep_trap2(handling_unit, receiving_unit)$$,
                'nor on tthc.dossier_masked');
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, v.code) ORDER BY coalesce(s.tag, v.code) COLLATE "C")::text
                          FROM tthc.dossier_masked v LEFT JOIN sep_d s ON s.id = v.id$$),
          '{b2,o2,x}', 'sep_off2 reads tthc.dossier_masked, its unit''s rows only');
CREATE FUNCTION pg_temp.sep_off2_all() RETURNS text LANGUAGE sql SECURITY INVOKER AS $$
  SELECT array_agg(coalesce(s.tag, d.code) ORDER BY coalesce(s.tag, d.code) COLLATE "C")::text
  FROM tthc.dossier d LEFT JOIN sep_d s ON s.id = d.id $$;
SELECT is(pg_temp.sep_q($$SELECT pg_temp.sep_off2_all()$$), '{b2,o2,x}',
          'a SECURITY INVOKER function sep_off2 writes in pg_temp still sees its unit only');
RESET ROLE;

-- sep_off11 (S1.1 alone): a11 only
SET ROLE sep_off11;
SELECT is(pg_temp.sep_q($$SELECT array_agg(coalesce(s.tag, d.code) ORDER BY coalesce(s.tag, d.code) COLLATE "C")::text
                          FROM tthc.dossier d LEFT JOIN sep_d s ON s.id = d.id$$),
          '{a11}', 'an officer of S1.1 alone sees S1.1''s dossier, not its parent''s');
RESET ROLE;

-- ===================================================================
-- Readers, auditors and administrators see every row; verify_log
-- ===================================================================

SET ROLE sep_reader;
SELECT is(pg_temp.sep_q($$SELECT array_agg(s.tag ORDER BY s.tag COLLATE "C")::text FROM tthc.dossier_masked v JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,b2,o1,o2,x}', 'a reader sees every unit''s rows of tthc.dossier_masked');
SELECT is(pg_temp.sep_q($$SELECT applicant_id <> '022088003456' AND right(applicant_id, 4) <> '3456'
                          FROM tthc.dossier_masked WHERE code = 'S2-260302-0001'$$),
          'true', 'the masked ID does not give away the 4 characters tthc.track checks');
SELECT is(pg_temp.sep_q($$SELECT array_agg(s.tag ORDER BY s.tag COLLATE "C")::text FROM tthc.dossier_sla v JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,b2,o1,o2,x}', 'a reader sees every unit''s rows of tthc.dossier_sla');
SET ROLE sep_auditor;
SELECT is(pg_temp.sep_q($$SELECT array_agg(s.tag ORDER BY s.tag COLLATE "C")::text FROM tthc.dossier d JOIN sep_d s ON s.id = d.id$$),
          '{a1,a11,b2,o1,o2,x}', 'an auditor sees every unit''s dossiers');
SELECT is(pg_temp.sep_q($$SELECT array_agg(s.tag ORDER BY s.tag COLLATE "C")::text FROM tthc.dossier_masked v JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,b2,o1,o2,x}', 'an auditor sees every unit''s rows of tthc.dossier_masked');
SELECT is(pg_temp.sep_q($$SELECT count(*) FROM tthc.verify_log() v WHERE v.code IN (SELECT code FROM sep_d)$$), '0',
          'an auditor runs tthc.verify_log(): every chain intact');
SET ROLE sep_admin;
SELECT is(pg_temp.sep_q($$SELECT array_agg(s.tag ORDER BY s.tag COLLATE "C")::text FROM tthc.dossier_masked v JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,b2,o1,o2,x}', 'an administrator sees every unit''s rows of tthc.dossier_masked');
SELECT is(pg_temp.sep_q($$SELECT array_agg(s.tag ORDER BY s.tag COLLATE "C")::text FROM tthc.dossier_sla v JOIN sep_d s ON s.id = v.id$$),
          '{a1,a11,b2,o1,o2,x}', 'an administrator sees every unit''s rows of tthc.dossier_sla');
SET ROLE sep_off1;
SELECT throws_ok($$SELECT * FROM tthc.verify_log()$$, '42501', NULL, 'tthc.verify_log() is for the auditor: sep_off1 is refused');
SET ROLE sep_off2;
SELECT throws_ok($$SELECT * FROM tthc.verify_log()$$, '42501', NULL, 'tthc.verify_log() is for the auditor: sep_off2 is refused');
RESET ROLE;

-- ===================================================================
-- Reports: an officer's own units only
-- ===================================================================
-- March 2026, by handling unit: S1 a1 (resolved early) and x; S1.1 a11; S2 b2 (resolved early)

SET ROLE sep_off1;
SELECT is(pg_temp.sep_q($$SELECT received || '/' || resolved FROM tthc.report('S1', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '3/1', 'sep_off1 runs the report of S1 with its child unit');
SELECT is(pg_temp.sep_q($$SELECT received FROM tthc.report('S1.1', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '1', 'and of its child unit S1.1');
SELECT throws_ok($$SELECT * FROM tthc.report('S2', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'but not of S2, another officer''s unit');
SELECT throws_ok($$SELECT * FROM tthc.report('SP', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'nor of the province above it');
SELECT is(pg_temp.sep_q($$SELECT numerator || '/' || denominator FROM tthc.indicators_766('S1', '[2026-03-01,2026-04-01)')
                          WHERE indicator = 'on_time_rate'$$),
          '1/1', 'sep_off1 runs the QĐ 766 ratios of S1');
SELECT is(pg_temp.sep_q($$SELECT count(*) FROM tthc.indicators_766('S1.1', '[2026-03-01,2026-04-01)')$$),
          '8', 'and of S1.1');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('S2', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'but not of S2');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('SP', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'nor of the province');
SET ROLE sep_off2;
SELECT is(pg_temp.sep_q($$SELECT received || '/' || resolved FROM tthc.report('S2', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '1/1', 'sep_off2 runs the report of S2');
SELECT throws_ok($$SELECT * FROM tthc.report('S1', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'but not of S1');
SELECT throws_ok($$SELECT * FROM tthc.report('S1.1', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'nor of S1.1');
SELECT throws_ok($$SELECT * FROM tthc.report('SP', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'nor of the province');
SELECT is(pg_temp.sep_q($$SELECT numerator || '/' || denominator FROM tthc.indicators_766('S2', '[2026-03-01,2026-04-01)')
                          WHERE indicator = 'on_time_rate'$$),
          '1/1', 'sep_off2 runs the QĐ 766 ratios of S2');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('S1', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'but not of S1');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('SP', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'nor of the province');
SET ROLE sep_off11;
SELECT is(pg_temp.sep_q($$SELECT received FROM tthc.report('S1.1', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '1', 'an officer of S1.1 alone runs the report of S1.1');
SELECT throws_ok($$SELECT * FROM tthc.report('S1', '[2026-03-01,2026-04-01)')$$, '42501', NULL,
                 'but not of its parent S1');
SET ROLE sep_reader;
SELECT is(pg_temp.sep_q($$SELECT received || '/' || resolved FROM tthc.report('SP', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '4/2', 'a reader runs the report of the province');
SELECT is(pg_temp.sep_q($$SELECT numerator || '/' || denominator FROM tthc.indicators_766('S2', '[2026-03-01,2026-04-01)')
                          WHERE indicator = 'on_time_rate'$$),
          '1/1', 'and the ratios of any unit');
SET ROLE sep_auditor;
SELECT is(pg_temp.sep_q($$SELECT received || '/' || resolved FROM tthc.report('SP', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '4/2', 'an auditor runs the report of the province');
SET ROLE sep_admin;
SELECT is(pg_temp.sep_q($$SELECT received || '/' || resolved FROM tthc.report('SP', '[2026-03-01,2026-04-01)') WHERE level = 'total'$$),
          '4/2', 'an administrator (a tthc_officer member without units) runs the report of the province');
SELECT is(pg_temp.sep_q($$SELECT numerator || '/' || denominator FROM tthc.indicators_766('SP', '[2026-03-01,2026-04-01)')
                          WHERE indicator = 'on_time_rate'$$),
          '2/2', 'and its ratios');
RESET ROLE;

-- ===================================================================
-- Writes: receiving, editing, upserting
-- ===================================================================

SET ROLE sep_off1;
SELECT lives_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('5.000002', 'S1', 'n1')$$,
                'sep_off1 receives a dossier at S1');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, note) VALUES ('5.000002', 'S2', 'n1x', 'sep-hijack')$$,
                 '42501', NULL, 'sep_off1 cannot receive a dossier at S2');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, applicant_name, note)
                   VALUES ('5.000002', 'S2', 'S1', 'n1y', 'sep-hijack')$$,
                 '42501', NULL, 'nor one "received at S2" for S1 to handle (S2''s numbers are S2''s)');
SET ROLE sep_off2;
SELECT lives_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name) VALUES ('5.000002', 'S2', 'n2')$$,
                'sep_off2 receives a dossier at S2');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, note) VALUES ('5.000002', 'S1', 'n2x', 'sep-hijack')$$,
                 '42501', NULL, 'sep_off2 cannot receive a dossier at S1');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_name, note) VALUES ('5.000002', 'S1.1', 'n2y', 'sep-hijack')$$,
                 '42501', NULL, 'nor at S1.1');

SET ROLE sep_off1;
SELECT is(pg_temp.sep_n($$UPDATE tthc.dossier SET note = 'sep-own-1' WHERE code = 'S1.1-260302-0001'$$), '1',
          'sep_off1 updates S1.1''s dossier (1 row)');
SELECT is(pg_temp.sep_n($$UPDATE tthc.dossier SET note = 'sep-hijack' WHERE code = 'S2-260302-0001'$$), '0',
          'sep_off1''s UPDATE of S2''s dossier touches 0 rows');
SET ROLE sep_off2;
SELECT is(pg_temp.sep_n($$UPDATE tthc.dossier SET note = 'sep-own-2' WHERE code = (SELECT code FROM sep_d WHERE tag = 'o2')$$), '1',
          'sep_off2 updates S2''s dossier (1 row)');
SELECT is(pg_temp.sep_n($$UPDATE tthc.dossier SET note = 'sep-hijack' WHERE code IN ('S1-260302-0001', 'S1.1-260302-0001')$$), '0',
          'sep_off2''s UPDATE of S1''s and S1.1''s dossiers touches 0 rows');

-- INSERT ... ON CONFLICT (code) DO UPDATE on a code of today (a code given
-- must be the receiving unit's and day's): the own code updates the own row,
-- and the proposed row, handled by the other unit, must count nowhere; the
-- other unit's code either fails or changes nothing
SET ROLE sep_off1;
SELECT is(pg_temp.sep_n($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, handling_unit, received_at)
                          SELECT code, '5.000002', 'S1', 'S2', received_at FROM sep_d WHERE tag = 'o1'
                          ON CONFLICT (code) DO UPDATE SET note = 'sep-upsert-1'$$), '1',
          'sep_off1 upserts on S1''s dossier code (1 row)');
SELECT is(pg_temp.sep_q($$SELECT note FROM tthc.dossier WHERE code = (SELECT code FROM sep_d WHERE tag = 'o1')$$), 'sep-upsert-1',
          'and the upsert changed S1''s dossier');
SET ROLE sep_off2;
SELECT is(pg_temp.sep_n($$INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, handling_unit, received_at)
                          SELECT code, '5.000002', 'S2', 'S1', received_at FROM sep_d WHERE tag = 'o2'
                          ON CONFLICT (code) DO UPDATE SET note = 'sep-upsert-2'$$), '1',
          'sep_off2 upserts on S2''s dossier code (1 row)');
SELECT is(pg_temp.sep_q($$SELECT note FROM tthc.dossier WHERE code = (SELECT code FROM sep_d WHERE tag = 'o2')$$), 'sep-upsert-2',
          'and the upsert changed S2''s dossier');
SET ROLE sep_off1;
DO $$ BEGIN
  -- S2's code and reception, handled by S1 so that the proposed row passes an INSERT check on handling_unit
  INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, handling_unit, received_at)
  SELECT code, '5.000002', 'S2', 'S1', received_at FROM sep_d WHERE tag = 'o2'
  ON CONFLICT (code) DO UPDATE SET note = 'sep-hijack';
EXCEPTION WHEN others THEN NULL;  -- an error is a right answer too
END $$;
SET ROLE sep_off2;
DO $$ BEGIN
  INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, handling_unit, received_at)
  SELECT code, '5.000002', 'S1', 'S2', received_at FROM sep_d WHERE tag = 'o1'
  ON CONFLICT (code) DO UPDATE SET note = 'sep-hijack';
EXCEPTION WHEN others THEN NULL;
END $$;
SET ROLE sep_admin;
SELECT is((SELECT note FROM tthc.dossier WHERE code = (SELECT code FROM sep_d WHERE tag = 'o2')), 'sep-upsert-2',
          'as the admin: sep_off1''s upsert on S2''s code left S2''s dossier unchanged');
SELECT is((SELECT note FROM tthc.dossier WHERE code = (SELECT code FROM sep_d WHERE tag = 'o1')), 'sep-upsert-1',
          'as the admin: sep_off2''s upsert on S1''s code left S1''s dossier unchanged');
SELECT is((SELECT received FROM tthc.report('S2', '[2026-03-01,)') WHERE level = 'total'),
          (SELECT count(*) FROM tthc.dossier WHERE handling_unit = 'S2' AND received_at IS NOT NULL),
          'as the admin: S2''s report counts S2''s dossiers, no phantom reception from sep_off1''s upsert');
SELECT is((SELECT received FROM tthc.report('S1', '[2026-03-01,)') WHERE level = 'total'),
          (SELECT count(*) FROM tthc.dossier WHERE handling_unit IN ('S1', 'S1.1') AND received_at IS NOT NULL),
          'as the admin: S1''s report counts S1''s dossiers, no phantom reception from sep_off2''s upsert');
SET ROLE sep_auditor;
SELECT is((SELECT count(*)::int FROM tthc.dossier_event e WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = e.dossier_id)),
          0, 'as the auditor: no event in the log belongs to a dossier that does not exist (the upserts'' proposed rows)');
RESET ROLE;

-- ===================================================================
-- The logs: only tthc writes events, apologies; a rating is the citizen's
-- ===================================================================

SET ROLE sep_off1;
SELECT throws_ok($$INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
                   SELECT id, 11, now(), 'sep-forged', now(), now() + interval '60 days' FROM sep_d WHERE tag = 'o1'$$,
                 '42501', NULL, 'sep_off1 cannot INSERT an apology directly, even for S1''s dossier');
SELECT throws_ok($$INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
                   SELECT id, 12, now(), 'sep-forged', now(), now() + interval '60 days' FROM sep_d WHERE tag = 'o2'$$,
                 '42501', NULL, 'nor for S2''s');
SELECT throws_ok($$INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at)
                   SELECT id, 99, now(), 'edit', 'sep_off1', now() FROM sep_d WHERE tag = 'a1'$$,
                 '42501', NULL, 'sep_off1 cannot INSERT an event');
SELECT throws_ok($$UPDATE tthc.dossier_event SET note = 'sep-forged' WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'a1')$$,
                 '42501', NULL, 'nor UPDATE one');
SELECT throws_ok($$DELETE FROM tthc.dossier_event WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'a1')$$,
                 '42501', NULL, 'nor DELETE one');
SELECT throws_ok($$UPDATE tthc.rating SET rating = 'unsatisfied' WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'a1')$$,
                 '42501', NULL, 'sep_off1 cannot UPDATE the rating of S1''s dossier: it is the citizen''s');
SELECT throws_ok($$DELETE FROM tthc.rating WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'a1')$$,
                 '42501', NULL, 'nor DELETE it');
SET ROLE sep_off2;
SELECT throws_ok($$INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
                   SELECT id, 13, now(), 'sep-forged', now(), now() + interval '60 days' FROM sep_d WHERE tag = 'o2'$$,
                 '42501', NULL, 'sep_off2 cannot INSERT an apology directly, even for S2''s dossier');
SELECT throws_ok($$INSERT INTO tthc.apology (dossier_id, seq, issued_at, reason, due_at, promised_at)
                   SELECT id, 14, now(), 'sep-forged', now(), now() + interval '60 days' FROM sep_d WHERE tag = 'o1'$$,
                 '42501', NULL, 'nor for S1''s');
SELECT throws_ok($$INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at)
                   SELECT id, 99, now(), 'edit', 'sep_off2', now() FROM sep_d WHERE tag = 'b2'$$,
                 '42501', NULL, 'sep_off2 cannot INSERT an event');
SELECT throws_ok($$UPDATE tthc.dossier_event SET note = 'sep-forged' WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'b2')$$,
                 '42501', NULL, 'nor UPDATE one');
SELECT throws_ok($$DELETE FROM tthc.dossier_event WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'b2')$$,
                 '42501', NULL, 'nor DELETE one');
SELECT throws_ok($$UPDATE tthc.rating SET rating = 'unsatisfied' WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'b2')$$,
                 '42501', NULL, 'sep_off2 cannot UPDATE the rating of S2''s dossier: it is the citizen''s');
SELECT throws_ok($$DELETE FROM tthc.rating WHERE dossier_id = (SELECT id FROM sep_d WHERE tag = 'b2')$$,
                 '42501', NULL, 'nor DELETE it');
SET ROLE sep_auditor;
SELECT is((SELECT string_agg(s.tag || ':' || r.rating, ' ' ORDER BY s.tag) FROM tthc.rating r JOIN sep_d s ON s.id = r.dossier_id),
          'a1:satisfied b2:satisfied', 'as the auditor: both ratings are as the citizens gave them');
SELECT is((SELECT count(*)::int FROM tthc.apology a JOIN sep_d s ON s.id = a.dossier_id), 2,
          'as the auditor: the two apologies tthc wrote, nothing forged');
RESET ROLE;

-- ===================================================================
-- Moves: tthc.transition
-- ===================================================================

SET ROLE sep_off1;
SELECT lives_ok($$SELECT tthc.transition('S1.1-260302-0001', 'processing', now())$$,
                'sep_off1 moves S1.1''s dossier');
SET ROLE sep_off2;
SELECT lives_ok($$SELECT tthc.transition((SELECT code FROM sep_d WHERE tag = 'o2'), 'processing', now())$$,
                'sep_off2 moves S2''s dossier');
SET ROLE sep_off1;
SELECT throws_ok($$SELECT tthc.transition((SELECT code FROM sep_d WHERE tag = 'o2'), 'awaiting_supplement', now())$$,
                 '42704', NULL, 'sep_off1 cannot move S2''s dossier: it does not exist for it');
SET ROLE sep_off2;
SELECT throws_ok($$SELECT tthc.transition((SELECT code FROM sep_d WHERE tag = 'o1'), 'processing', now())$$,
                 '42704', NULL, 'sep_off2 cannot move S1''s dossier: it does not exist for it');
SET ROLE sep_admin;
SELECT is((SELECT string_agg(s.tag || ':' || d.status, ' ' ORDER BY s.tag COLLATE "C") FROM tthc.dossier d JOIN sep_d s ON s.id = d.id),
          'a1:resolved a11:processing b2:resolved o1:received o2:processing x:received',
          'as the admin: only the own officers'' moves happened');
SELECT is((SELECT count(*)::int FROM tthc.dossier WHERE note = 'sep-hijack' OR applicant_name IN ('n1x', 'n1y', 'n2x', 'n2y')), 0,
          'as the admin: no cross-unit write left a trace');
RESET ROLE;

-- ===================================================================
-- Someone outside every tthc role
-- ===================================================================

SET ROLE sep_outsider;
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier$$, '42501', NULL, 'an outsider cannot read tthc.dossier');
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier_event$$, '42501', NULL, 'nor tthc.dossier_event');
SELECT throws_ok($$SELECT count(*) FROM tthc.apology$$, '42501', NULL, 'nor tthc.apology');
SELECT throws_ok($$SELECT count(*) FROM tthc.rating$$, '42501', NULL, 'nor tthc.rating');
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier_sla$$, '42501', NULL, 'nor tthc.dossier_sla');
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier_masked$$, '42501', NULL, 'nor tthc.dossier_masked');
SELECT throws_ok($$SELECT tthc.transition('S1-260302-0001', 'returned', now())$$, '42501', NULL,
                 'nor move a dossier');
SELECT throws_ok($$SELECT * FROM tthc.report('S1', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor run the report');
SELECT throws_ok($$SELECT * FROM tthc.indicators_766('S1', '[2026-03-01,2026-04-01)')$$, '42501', NULL, 'nor the QĐ 766 ratios');
SELECT is(pg_temp.sep_q($$SELECT tthc.my_units()::text$$), '{}', 'my_units(): an outsider has no units');
SELECT is(pg_temp.sep_q($$SELECT status::text FROM tthc.track('S1-260302-0001', '1234')$$), 'resolved',
          'an outsider tracks a dossier with the last 4 characters of the applicant''s ID');
SELECT is(pg_temp.sep_q($$SELECT count(*) FROM tthc.track('S1-260302-0001', '1235')$$), '0',
          'a wrong suffix returns no row');
SELECT throws_ok($$SELECT * FROM tthc.track('S1-260302-0001', '01234')$$, '22023', NULL,
                 'a suffix of 5 characters is refused (22023)');
SELECT throws_ok($$SELECT * FROM tthc.track('S1-260302-0001', '234')$$, '22023', NULL,
                 'a suffix of 3 characters is refused (22023)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
