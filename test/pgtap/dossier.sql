-- pgTAP: the dossier lifecycle's public contract, and what a client
-- without privileges on the logs can and cannot do.
BEGIN;
SET search_path = public, tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
LOAD 'tthc';  -- its settings exist once the library is loaded
SELECT plan(34);

-- tables, keys (every dossier-scoped table is keyed by the dossier id)
SELECT has_table('tthc', 'dossier', 'tthc.dossier');
SELECT has_table('tthc', 'dossier_event', 'tthc.dossier_event');
SELECT has_table('tthc', 'apology', 'tthc.apology');
SELECT has_table('tthc', 'dossier_counter', 'tthc.dossier_counter');
SELECT col_is_pk('tthc', 'dossier', 'id', 'dossier: id is the key');
SELECT col_type_is('tthc', 'dossier', 'id', 'bigint', 'dossier ids are bigint');
SELECT col_is_pk('tthc', 'dossier_event', ARRAY['dossier_id', 'seq'], 'events: keyed by dossier id');
SELECT col_is_pk('tthc', 'apology', ARRAY['dossier_id', 'seq'], 'apologies: keyed by dossier id');
SELECT col_is_pk('tthc', 'dossier_counter', ARRAY['unit', 'day'], 'counter: one row per unit and day');
SELECT col_is_unique('tthc', 'dossier', 'code', 'dossier codes are unique');
SELECT col_type_is('tthc', 'dossier', 'status', 'dossier_status', 'status is the national enum');
SELECT trigger_is('tthc', 'dossier', 'dossier_guard', 'tthc', 'dossier_guard', 'the guard trigger');
SELECT trigger_is('tthc', 'dossier', 'dossier_numbered', 'tthc', 'dossier_numbered', 'the number write-back');
SELECT trigger_is('tthc', 'dossier_event', 'append_only', 'tthc', 'append_only', 'the log refuses writers');
SELECT is((SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'tthc' AND tablename = 'dossier'
            AND indexname IN ('dossier_overdue_watch', 'dossier_due_soon_watch') AND indexdef LIKE '%WHERE%'),
          2, 'the sweep reads two partial indexes');

-- functions and their volatility
SELECT has_function('tthc', 'transition', ARRAY['text', 'tthc.dossier_status', 'timestamp with time zone', 'text']);
SELECT has_function('tthc', 'apologize', ARRAY['text', 'text', 'timestamp with time zone', 'timestamp with time zone']);
SELECT has_function('tthc', 'recompute_deadlines', ARRAY['text', 'date', 'boolean', 'timestamp with time zone']);
SELECT has_function('tthc', 'sweep', ARRAY['timestamp with time zone']);
SELECT volatility_is('tthc', 'transition', ARRAY['text', 'dossier_status', 'timestamp with time zone', 'text'], 'volatile');
SELECT volatility_is('tthc', 'sweep', ARRAY['timestamp with time zone'], 'volatile');
SELECT volatility_is('tthc', 'lawful_due', ARRAY['dossier'], 'stable');
SELECT volatility_is('tthc', 'due_soon_horizon', ARRAY['timestamp with time zone'], 'stable');

-- settings, with their defaults
SELECT is(current_setting('tthc.apology_max'), '1', 'tthc.apology_max defaults to 1');
SELECT is(current_setting('tthc.apology_min_notice'), '1 working day', 'tthc.apology_min_notice defaults to 1 working day');
SELECT is(current_setting('tthc.warn_before'), '1 working day', 'tthc.warn_before defaults to 1 working day');

-- an officer (tthc_officer, for unit T01): receives and moves dossiers, the
-- numbers and events being written for it; reads the log, cannot write it
INSERT INTO tthc.unit (code, name, level) VALUES ('T01', 'thử', 'commune');
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('3.000001', 'thử', '2 working days');
CREATE ROLE tthc_tap_officer NOLOGIN IN ROLE tthc_officer;
INSERT INTO tthc.officer_unit (role, unit) VALUES ('tthc_tap_officer', 'T01');
SET ROLE tthc_tap_officer;
SELECT lives_ok($$INSERT INTO tthc.dossier (procedure_code, receiving_unit) VALUES ('3.000001', 'T01')$$,
                'an officer receives a dossier without rights on the counter or the log');
SELECT is((SELECT code FROM tthc.dossier WHERE receiving_unit = 'T01'),
          'T01-' || to_char(now(), 'YYMMDD') || '-0001', 'and it is numbered');
SELECT lives_ok($$SELECT tthc.transition((SELECT code FROM tthc.dossier WHERE receiving_unit = 'T01'), 'processing')$$,
                'an officer moves it');
SELECT is((SELECT array_agg(kind || ':' || coalesce(to_status::text, '') ORDER BY seq) FROM tthc.dossier_event e
            JOIN tthc.dossier d ON d.id = e.dossier_id WHERE d.receiving_unit = 'T01'),
          ARRAY['status:received', 'status:processing'], 'the log has both moves, written as the officer');
SELECT is((SELECT DISTINCT actor FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id
            WHERE d.receiving_unit = 'T01'), 'tthc_tap_officer', 'the actor is the officer');
SELECT throws_ok($$INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at) VALUES (1, 9, now(), 'edit', 'x', now())$$,
                 '42501', NULL, 'an officer cannot forge an event');
SELECT throws_ok($$UPDATE tthc.dossier SET status = 'resolved', changed_at = now() - interval '1 day' WHERE receiving_unit = 'T01'$$,
                 '42501', NULL, 'nor backdate a move');
SELECT throws_ok($$UPDATE tthc.dossier_counter SET last = 0$$, '42501', NULL, 'nor touch the counter');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
