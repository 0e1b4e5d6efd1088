-- pgTAP: what each role created by tthc can and cannot see or do.
BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT plan(50);

SELECT has_role('tthc_admin');
SELECT has_role('tthc_officer');
SELECT has_role('tthc_auditor');
SELECT has_role('tthc_reader');

INSERT INTO tthc.unit (code, name, level) VALUES ('R01', 'xã A', 'commune'), ('R02', 'xã B', 'commune');
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('R01.1', 'điểm tiếp nhận của xã A', 'commune', 'R01');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('4.000001', 'thử', '3 working days');
CREATE ROLE tap_officer_a NOLOGIN IN ROLE tthc_officer;
CREATE ROLE tap_admin NOLOGIN IN ROLE tthc_admin;
CREATE ROLE tap_auditor NOLOGIN IN ROLE tthc_auditor;
CREATE ROLE tap_reader NOLOGIN IN ROLE tthc_reader;
INSERT INTO tthc.officer_unit (role, unit) VALUES ('tap_officer_a', 'R01');
-- dossiers of both communes, received as the administrator (a backfill)
SET ROLE tap_admin;
SELECT lives_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id, applicant_phone)
                  VALUES ('4.000001', 'R01.1', '2026-03-02 08:00', '022088001234', '0912345678'),
                         ('4.000001', 'R02', '2026-03-02 08:00', '022088005678', '0987654321')$$,
                'tthc_admin backfills dossiers received in the past');
SELECT lives_ok($$INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('4.000002', 'thử 2', '1 working day')$$,
                'tthc_admin edits the catalogue');
RESET ROLE;

CREATE TEMP TABLE ids AS SELECT id, code FROM tthc.dossier;
GRANT SELECT ON ids TO PUBLIC;

-- an officer: own units and their children only
SET ROLE tap_officer_a;
SELECT is((SELECT array_agg(code ORDER BY code) FROM tthc.dossier), ARRAY['R01.1-260302-0001'],
          'an officer sees the dossiers of its unit and its child units only');
SELECT is((SELECT count(*)::int FROM tthc.dossier_event), 1, 'and only their events');
SELECT lives_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, applicant_id) VALUES ('4.000001', 'R01', '0220880099')$$,
                'an officer receives at its own unit, now');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit) VALUES ('4.000001', 'R02')$$,
                 '42501', NULL, 'but not at another commune');
SELECT throws_ok($$SELECT tthc.transition('R02-260302-0001', 'processing')$$,
                 '42704', NULL, 'another commune''s dossier does not exist for it');
SELECT lives_ok($$SELECT tthc.transition('R01.1-260302-0001', 'processing', now() - interval '8 minutes')$$, 'an officer moves its dossiers');
SELECT throws_ok($$SELECT tthc.transition('R01.1-260302-0001', 'resolved', now() - interval '1 day')$$,
                 '42501', NULL, 'but cannot backdate beyond tthc.backdate_tolerance');
SELECT lives_ok($$SELECT tthc.transition('R01.1-260302-0001', 'resolved', now() - interval '5 minutes')$$,
                'within the tolerance it may');
SELECT throws_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('4.000001', 'R01', '2026-03-01 08:00')$$,
                 '42501', NULL, 'nor receive in the past');
SELECT throws_ok($$INSERT INTO tthc.unit (code, name, level) VALUES ('R03', 'x', 'commune')$$,
                 '42501', NULL, 'nor edit the catalogue');
SELECT throws_ok($$SELECT * FROM tthc.sweep()$$, '42501', NULL, 'nor run the sweep');
SELECT throws_ok($$UPDATE tthc.dossier_event SET note = 'x'$$, '42501', NULL, 'nor touch the log');
SELECT throws_ok($$DELETE FROM tthc.dossier$$, '42501', NULL, 'nor delete a dossier');
SELECT lives_ok($$INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'satisfied' FROM ids WHERE code = 'R01.1-260302-0001'$$,
                'an officer records the rating of its finished dossier');
SELECT throws_ok($$INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'satisfied' FROM ids WHERE code = 'R02-260302-0001'$$,
                 '23503', NULL, 'not of another commune''s');
SELECT is((SELECT received FROM tthc.report('R01', '[2026-03-01,)') WHERE level = 'total'), 2::bigint,
          'an officer reports on its own unit and the units below it');
SELECT throws_ok($$SELECT * FROM tthc.report('R02', '[2026-03-01,)')$$, '42501', NULL,
                 'not on another commune');
SELECT throws_ok($$SELECT tthc.report_rebuild()$$, '42501', NULL, 'rebuilding the report sums is for tthc_admin');
RESET ROLE;

-- an auditor: everything, raw, read-only
SET ROLE tap_auditor;
SELECT is((SELECT count(*)::int FROM tthc.dossier), 3, 'an auditor sees every dossier');
SELECT is((SELECT applicant_id FROM tthc.dossier WHERE code = 'R02-260302-0001'), '022088005678',
          'with the personal data as recorded');
SELECT ok((SELECT count(*) FROM tthc.dossier_event) >= 5, 'and every event');
SELECT is((SELECT count(*)::int FROM tthc.verify_log()), 0, 'and verifies the logs');
SELECT throws_ok($$UPDATE tthc.dossier SET note = 'x'$$, '42501', NULL, 'but changes nothing');
SELECT is((SELECT rating FROM tthc.rating), 'satisfied', 'and reads the ratings with their comments');
RESET ROLE;

-- a BI reader: the views only, personal data masked
SET ROLE tap_reader;
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier$$, '42501', NULL, 'a reader cannot read the dossier table');
SELECT throws_ok($$SELECT count(*) FROM tthc.dossier_event$$, '42501', NULL, 'nor the event log');
SELECT is((SELECT applicant_id || ' ' || applicant_phone FROM tthc.dossier_masked WHERE code = 'R02-260302-0001'),
          '************ *******321', 'the masked view shows no digit of the ID number, the last 3 of the phone');
SELECT is((SELECT count(*)::int FROM tthc.dossier_sla), 3, 'the SLA view covers every received dossier');
SELECT is((SELECT band FROM tthc.dossier_sla WHERE code = 'R01.1-260302-0001'), 'done_late', 'with its band');
SELECT is((SELECT array[received, resolved, resolved_late, in_progress] FROM tthc.report('R01', '[2026-03-01,)') WHERE level = 'total'),
          ARRAY[2, 1, 1, 1]::bigint[], 'a reader runs the report of a commune with its child units');
SELECT is((SELECT array[numerator, denominator] FROM tthc.indicators_766('R01', '[2026-03-01,)') WHERE indicator = 'satisfaction_rate'),
          ARRAY[1, 1]::bigint[], 'and the QĐ 766 ratios');
SELECT throws_ok($$SELECT * FROM tthc.rating$$, '42501', NULL, 'but not the ratings, whose comments may name people');
SELECT throws_ok($$SELECT tthc.report_compact()$$, '42501', NULL, 'nor fold the report sums');
RESET ROLE;

-- the administrator rebuilds the report sums from the log: the same report
SET ROLE tap_admin;
SELECT lives_ok($$SELECT * FROM tthc.sweep()$$, 'tthc_admin runs the sweep (0.6.0: 42501 on sweep_state after the work)');
SELECT is((SELECT runs FROM tthc.sweep_state), 1::bigint, 'and it is recorded');
SELECT ok(tthc.report_rebuild() > 0, 'tthc_admin rebuilds the report sums');
SELECT is((SELECT array[received, resolved, resolved_late, in_progress] FROM tthc.report('R01', '[2026-03-01,)') WHERE level = 'total'),
          ARRAY[2, 1, 1, 1]::bigint[], 'and the report is unchanged');
SET ROLE tap_reader;
SELECT is((SELECT sum(received_in_person + received_online + received_postal)::int FROM tthc.report_month
           WHERE unit IN ('R01', 'R01.1') AND month >= '2026-03-01'),
          2, 'a BI reader reads the monthly sums the rebuild folded');
RESET ROLE;

-- the public tracking function: nothing without the right suffix
SELECT is((SELECT status::text FROM tthc.track('R02-260302-0001', '5678')), 'received', 'tracking with the ID suffix');
SELECT is((SELECT count(*)::int FROM tthc.track('R02-260302-0001', '5679')), 0, 'nothing with a wrong suffix');
SELECT is(current_setting('tthc.track_min_time'), '20ms', 'every tracking call takes 20 ms at the least');
SET ROLE tap_reader;
SELECT throws_ok($$SET tthc.track_min_time = 0$$, '42501', NULL, 'which a client cannot shorten');
RESET ROLE;

-- the public API: what PUBLIC may call, and nothing else (trigger functions
-- and helpers of tthc's own functions are not for calling)
SELECT set_eq(
  $$SELECT p.proname::text FROM pg_proc p WHERE p.pronamespace = 'tthc'::regnamespace
      AND has_function_privilege('public', p.oid, 'EXECUTE') AND p.prorettype <> 'trigger'::regtype
      AND p.proname NOT LIKE 'time\_limit\_%' AND p.proname NOT IN ('time_range', 'time_multirange')$$,
  ARRAY['lunar_to_solar', 'solar_to_lunar', 'is_working_day', 'add_working_days', 'working_days_between',
        'add_working_time', 'working_time_between', 'deadline', 'calendar_days', 'dvc_code',
        'transition_allowed', 'check_transition', 'allowed_targets', 'transition', 'apologize',
        'my_units', 'sees_all', 'mask', 'mask_name', 'warn_before_work', 'track', 'is_hub', 'mirror_province',
        'working_day_equivalent', 'grade_18', 'indicator_weights'],
  'PUBLIC may call the documented API only (types'' own functions aside)');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'tthc'::regnamespace
             AND p.prorettype = 'trigger'::regtype AND has_function_privilege('public', p.oid, 'EXECUTE')),
          0, 'no trigger function is PUBLIC');
SELECT * FROM finish();
ROLLBACK;
