-- pgTAP: the calendar's public contract.
BEGIN;
SET search_path = public, tthc;
SELECT plan(78);

-- the API: every function, its volatility and strictness
SELECT has_function('tthc', 'lunar_to_solar', ARRAY['integer', 'integer', 'integer', 'boolean']);
SELECT has_function('tthc', 'solar_to_lunar', ARRAY['date']);
SELECT has_function('tthc', 'is_working_day', ARRAY['date', 'text']);
SELECT has_function('tthc', 'add_working_days', ARRAY['date', 'integer', 'text']);
SELECT has_function('tthc', 'working_days_between', ARRAY['date', 'date', 'text']);
SELECT has_function('tthc', 'add_working_time', ARRAY['timestamp with time zone', 'interval', 'text']);
SELECT has_function('tthc', 'working_time_between', ARRAY['timestamp with time zone', 'timestamp with time zone', 'text']);
SELECT has_function('tthc', 'deadline', ARRAY['timestamp with time zone', 'tthc.time_limit', 'text']);
SELECT has_function('tthc', 'calendar_days', ARRAY['text', 'date', 'date']);
SELECT volatility_is('tthc', 'lunar_to_solar', ARRAY['integer', 'integer', 'integer', 'boolean'], 'immutable');
SELECT volatility_is('tthc', 'solar_to_lunar', ARRAY['date'], 'immutable');
SELECT volatility_is('tthc', 'time_limit_in', ARRAY['cstring'], 'immutable');
SELECT volatility_is('tthc', 'add_working_days', ARRAY['date', 'integer', 'text'], 'stable');
SELECT volatility_is('tthc', 'working_days_between', ARRAY['date', 'date', 'text'], 'stable');
SELECT volatility_is('tthc', 'add_working_time', ARRAY['timestamp with time zone', 'interval', 'text'], 'stable');
SELECT volatility_is('tthc', 'working_time_between', ARRAY['timestamp with time zone', 'timestamp with time zone', 'text'], 'stable');
SELECT volatility_is('tthc', 'deadline', ARRAY['timestamp with time zone', 'time_limit', 'text'], 'stable');
SELECT volatility_is('tthc', 'is_working_day', ARRAY['date', 'text'], 'stable');
SELECT volatility_is('tthc', 'calendar_days', ARRAY['text', 'date', 'date'], 'stable');
SELECT is_strict('tthc', 'deadline', ARRAY['timestamp with time zone', 'time_limit', 'text']);
SELECT is(
  (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'tthc' AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
      AND p.prorettype <> 'trigger'::regtype AND p.proparallel <> 's'
      AND p.oid <> 'tthc.restoring(regclass)'::regprocedure
      AND p.proname NOT IN ('attach_province', 'detach_province', 'mirror_province', 'money_stage', 'money_writing', 'portal_mark', 'transfer_passes', 'transfers_passed')),
  0, 'every C function but the triggers, tthc.restoring (it reads the leader''s running statement), the hub''s (they subscribe, or read the replication worker), the money act''s, the portal mark''s and the transfers the guard passed (backend state) is PARALLEL SAFE');
SELECT is((SELECT string_agg(p.proname || ' ' || p.proparallel::text || p.provolatile::text, ', ' ORDER BY p.proname)
           FROM pg_proc p WHERE p.pronamespace = 'tthc'::regnamespace
            AND p.proname IN ('attach_province', 'detach_province', 'mirror_province', 'money_stage', 'money_writing', 'portal_mark', 'transfer_passes', 'transfers_passed')),
          'attach_province uv, detach_province uv, mirror_province rs, money_stage uv, money_writing rv, portal_mark uv, transfer_passes rv, transfers_passed rv',
          'attaching, detaching and staging a money act are volatile and parallel unsafe; the hub''s province default is stable and parallel restricted, whether tthc writes money and which transfers the guard passed volatile and parallel restricted');
SELECT is(
  (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'tthc' AND p.prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('sql', 'plpgsql'))
      AND NOT coalesce(p.proconfig::text LIKE '%search_path%', false)),
  0, 'every SQL and PL/pgSQL function has a fixed search_path');
SELECT is(
  (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'tthc' AND obj_description(p.oid, 'pg_proc') IS NULL
      AND p.proname NOT IN ('time_range', 'time_multirange')),
  0, 'every function has a comment');

-- the tables
SELECT has_table('tthc', 'calendar', 'calendar table');
SELECT has_table('tthc', 'calendar_week', 'calendar_week table');
SELECT has_table('tthc', 'calendar_exception', 'calendar_exception table');
SELECT has_table('tthc', 'calendar_year', 'calendar_year table');
SELECT col_is_pk('tthc', 'calendar_exception', ARRAY['calendar', 'day', 'shipped'], 'exceptions keyed by calendar, day and origin');
SELECT has_trigger('tthc', 'calendar_exception', 'calendar_changed', 'edits invalidate the cache');
SELECT has_type('tthc', 'time_limit', 'time_limit type');

-- errors carry their SQLSTATE
SELECT throws_ok($$SELECT tthc.add_working_days('2026-01-01', 1, 'nowhere')$$, '42704');
SELECT throws_ok($$SELECT tthc.is_working_day('1980-01-01')$$, '22008');
SELECT throws_ok($$SELECT tthc.add_working_time(now(), '1 day')$$, '22023');
SELECT throws_ok($$SELECT 'two weeks'::tthc.time_limit$$, '22P02');
SELECT throws_ok($$SELECT tthc.lunar_to_solar(2026, 2, 1, true)$$, '22023');
SELECT throws_ok($$SELECT tthc.lunar_to_solar(2300, 1, 1)$$, '22008');
SELECT throws_ok($$INSERT INTO tthc.calendar (name, time_zone) VALUES ('z', 'Nowhere/Zone')$$, '22023');

-- facts
SELECT is(tthc.lunar_to_solar(2026, 1, 1), date '2026-02-17', 'Tết 2026');
SELECT is(tthc.lunar_to_solar(1985, 1, 1), date '1985-01-21', 'Tết 1985 in Vietnam (China: 20 February)');
SELECT is(tthc.lunar_to_solar(2009, 3, 10), date '2009-04-04', 'Giỗ Tổ 2009 in Vietnam (China: 5 April)');
SELECT ok(tthc.is_working_day('2026-01-10'), 'make-up Saturday 2026-01-10 is a working day');
SELECT ok(NOT tthc.is_working_day('2026-01-02'), 'Friday 2026-01-02 is swapped off');
SELECT is(tthc.add_working_days('2026-02-13', 1), date '2026-02-23', 'one working day after Friday 13 Feb 2026 is after Tết');
SELECT is(tthc.deadline('2026-08-21 14:59+07', 'same day'), timestamptz '2026-08-21 17:00+07', 'same day before the cut-off');
SELECT is(tthc.deadline('2026-08-21 15:00+07', 'same day'), timestamptz '2026-08-22 17:00+07', 'same day at the cut-off: the make-up Saturday');
SELECT is(tthc.deadline('2026-03-02 16:00+07', '1 working hour'), timestamptz '2026-03-02 17:00+07', 'ends at 17:00, not next morning');
SELECT is(tthc.deadline('2026-03-08 22:30+07', '0.5 working days'), timestamptz '2026-03-09 11:30+07', 'Sunday night online: half a day from Monday 07:30');

-- session time zone does not matter
SET LOCAL TimeZone = 'America/New_York';
SELECT is(tthc.deadline('2026-03-06 16:00+07', '2 working hours'), timestamptz '2026-03-09 08:30+07',
          'UTC+7 arithmetic under a New York session across its DST change');
SELECT is(tthc.working_time_between('2026-03-06 00:00+07', '2026-03-10 00:00+07'), interval '16 hours',
          'two working days between Friday and Tuesday midnights, New York session');
RESET TimeZone;

-- a calendar in a zone with daylight saving: Paris, 24/7, spring forward on 2026-03-29
INSERT INTO tthc.calendar (name, time_zone) VALUES ('paris-247', 'Europe/Paris');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
SELECT 'paris-247', d, '{[00:00,24:00)}' FROM generate_series(1, 7) d;
SELECT is(tthc.working_time_between('2026-03-29 00:00+01', '2026-03-30 00:00+02', 'paris-247'), interval '23 hours',
          'the spring-forward day has 23 working hours');
SELECT is(tthc.working_time_between('2026-10-25 00:00+02', '2026-10-26 00:00+01', 'paris-247'), interval '25 hours',
          'the fall-back day has 25 working hours');
SELECT is(tthc.add_working_time('2026-03-29 00:00+01', '3 hours', 'paris-247'), timestamptz '2026-03-29 04:00+02',
          'three real hours after midnight on the spring-forward day is 04:00 local');
SELECT is((SELECT working_time FROM tthc.calendar_days('paris-247', '2026-03-29', '2026-03-29')), interval '23 hours',
          'calendar_days reports the real length of the day');
INSERT INTO tthc.calendar (name, time_zone) VALUES ('paris-office', 'Europe/Paris');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
SELECT 'paris-office', d, '{[09:00,17:00)}' FROM generate_series(1, 5) d;
SELECT is(tthc.add_working_time('2026-03-27 16:00+01', '2 hours', 'paris-office'), timestamptz '2026-03-30 10:00+02',
          'office hours stay 09:00-17:00 local across the change');

-- the same-day cut-off is wall-clock time on a daylight-saving day (New York, 24/7)
INSERT INTO tthc.calendar (name, time_zone) VALUES ('ny-247', 'America/New_York');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
SELECT 'ny-247', d, '{[00:00,24:00)}' FROM generate_series(1, 7) d;
SELECT is(tthc.deadline('2026-03-08 15:30-04', 'same day', 'ny-247'), timestamptz '2026-03-10 00:00-04',
          'spring-forward day: 15:30 is after the 15:00 cut-off');
SELECT is(tthc.deadline('2026-11-01 14:30-05', 'same day', 'ny-247'), timestamptz '2026-11-02 00:00-05',
          'fall-back day: 14:30 is before the 15:00 cut-off');

-- a child with its own Labour Code rules keeps the parent's official years
INSERT INTO tthc.calendar (name, parent, holiday_rules) VALUES ('rules-child', 'vn', 'vn');
SELECT is(
  (SELECT count(*)::int FROM tthc.calendar_days('rules-child', '2019-01-01', '2026-12-31') WHERE provisional),
  0, 'no provisional days in the years vn has an official schedule for');

-- a centre calendar inheriting vn: the invariants hold on it too
INSERT INTO tthc.calendar (name, parent) VALUES ('centre', 'vn');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('centre', 6, '{[07:30,11:30)}');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, hours)
VALUES ('centre', '2026-02-21', 'special_hours', 'Mở cửa sau Tết', '{[08:00,10:00),[14:00,16:00)}');
SELECT ok(NOT tthc.is_working_day('2026-02-17', 'centre'), 'the centre inherits Tết');
SELECT ok(tthc.is_working_day('2026-02-14', 'centre'), 'the centre works Saturday mornings');
SELECT is(tthc.deadline('2026-02-13 16:00+07', '4 working hours', 'centre'), timestamptz '2026-02-14 10:30+07',
          'a Friday 16:00 dossier is due Saturday 10:30 at the centre');
SELECT is(tthc.working_time_between('2026-02-21 00:00+07', '2026-02-22 00:00+07', 'centre'), interval '4 hours',
          'special hours in two intervals');
SELECT is(
  (SELECT count(*)::int FROM generate_series(1, 3000) i,
          LATERAL (SELECT date '2020-01-01' + (i * 7919) % 3000 AS d, (i % 41) - 20 AS n) g
    WHERE g.n <> 0 AND tthc.working_days_between(g.d, tthc.add_working_days(g.d, g.n, 'centre'), 'centre') <> g.n),
  0, 'working_days_between(d, add_working_days(d, n)) = n on the centre calendar');
SELECT is(
  (SELECT count(*)::int FROM generate_series(1, 3000) i,
          LATERAL (SELECT timestamptz '2020-01-01 00:00+07' + (i * 104729 % 86400000) * interval '1 second' AS t,
                          (i * 7727 % 200000) * interval '1 second' AS x) g
    WHERE tthc.working_time_between(g.t, tthc.add_working_time(g.t, g.x, 'centre'), 'centre') <> g.x
       OR tthc.working_time_between(g.t, tthc.add_working_time(g.t, g.x, 'paris-office'), 'paris-office') <> g.x),
  0, 'working_time_between(a, add_working_time(a, x)) = x on the centre and Paris calendars');

-- an edit is seen by the next statement; the child sees the parent's edit
SELECT is(tthc.add_working_days('2026-11-23', 1, 'centre'), date '2026-11-24', 'before 24/11 is declared');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name) VALUES ('vn', '2026-11-24', 'holiday', 'Ngày Văn hóa Việt Nam');
SELECT is(tthc.add_working_days('2026-11-23', 1, 'centre'), date '2026-11-25', 'after: the child skips the new holiday');
UPDATE tthc.calendar SET same_day_cutoff = '16:00' WHERE name = 'centre';
SELECT is(tthc.deadline('2026-08-21 15:30+07', 'same day', 'centre'), timestamptz '2026-08-21 17:00+07', 'a later cut-off is applied at once');
UPDATE tthc.calendar SET day_length = '4 hours' WHERE name = 'centre';
SELECT is(tthc.deadline('2026-03-02 07:30+07', '1 working day', 'centre'), timestamptz '2026-03-02 11:30+07', 'the nominal day length is a setting');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('vn', 5, '{}');
SELECT ok(NOT tthc.is_working_day('2026-03-06'), 'a row of yours overrides the shipped Friday hours of vn');
SELECT ok(NOT tthc.is_working_day('2026-03-06', 'centre'), 'and the centre inheriting the week follows');

-- shipped rows are read-only; a row of yours for the same day overrides one
SELECT throws_ok($$UPDATE tthc.calendar SET same_day_cutoff = '16:00' WHERE name = 'vn'$$, '55000');
SELECT throws_ok($$DELETE FROM tthc.calendar_exception WHERE calendar = 'vn' AND day = '2026-08-31'$$, '55000');
SELECT throws_ok($$TRUNCATE tthc.calendar_year$$, '55000');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference)
VALUES ('vn', '2026-08-31', 'working', 'Đính chính: làm việc bình thường', 'test');
SELECT ok(tthc.is_working_day('2026-08-31'), 'kind working cancels a shipped day off');
SELECT is((SELECT kind || ' / ' || name FROM tthc.calendar_days('vn', '2026-08-31', '2026-08-31')),
          'working / Đính chính: làm việc bình thường', 'calendar_days shows the override');
SELECT ok(tthc.is_working_day('2026-08-31', 'centre'), 'the child inherits the override');

-- inheritance cycles are refused
INSERT INTO tthc.calendar (name, parent) VALUES ('loop-a', 'vn'), ('loop-b', 'loop-a');
SELECT throws_ok($$UPDATE tthc.calendar SET parent = 'loop-b' WHERE name = 'loop-a'$$, '22023');

-- the lunar roundtrip over the whole supported range, in C
SELECT is(
  (SELECT count(*)::int FROM generate_series(date '1900-01-31', date '2199-12-31', interval '1 day') g(d),
          LATERAL tthc.solar_to_lunar(g.d::date) l
    WHERE tthc.lunar_to_solar(l.year, l.month, l.day, l.leap) <> g.d::date),
  0, 'lunar conversions round-trip every day of 1900-2199');

SELECT * FROM finish();
ROLLBACK;
