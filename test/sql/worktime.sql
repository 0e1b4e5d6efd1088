-- Working-day and working-time arithmetic on 'vn'.  Session time zone is
-- deliberately not Vietnam's: calendars compute in their own zone.
SET TimeZone = 'America/New_York';
SET DateStyle = 'ISO, YMD';

-- add_working_days across Tết 2026 (Mon 16 - Fri 20 Feb off)
SELECT n, tthc.add_working_days('2026-02-13', n) AS from_fri_13,
          tthc.add_working_days('2026-02-15', n) AS from_sun_15
FROM unnest(ARRAY[-3, -1, 0, 1, 2, 5]) n;
-- the make-up Saturday 2026-01-10 counts; the swapped Friday 01-02 does not
SELECT tthc.add_working_days('2026-01-09', 1) AS after_fri_9,
       tthc.add_working_days('2025-12-31', 1) AS after_dec_31,
       tthc.add_working_days('2026-01-12', -1) AS before_mon_12;

-- working_days_between: a < x <= b, mirrored when b < a
SELECT tthc.working_days_between('2026-02-13', '2026-02-23') AS fri_to_mon,
       tthc.working_days_between('2026-02-23', '2026-02-13') AS mon_to_fri,
       tthc.working_days_between('2026-02-15', '2026-02-15') AS same_day,
       tthc.working_days_between('2026-01-01', '2026-12-31') AS year_2026,
       tthc.working_days_between('2025-12-31', '2026-12-31') AS all_of_2026;

-- add_working_time: intervals are [07:30, 11:30) and [13:00, 17:00), UTC+7
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT ts, amount, tthc.add_working_time(ts, amount) AS result
FROM (VALUES
  (timestamptz '2026-03-02 08:00+07', interval '1 hour'),
  ('2026-03-02 11:00+07', '30 minutes'),      -- ends exactly at 11:30: stays
  ('2026-03-02 11:00+07', '31 minutes'),      -- spills into the afternoon
  ('2026-03-02 16:00+07', '1 hour'),          -- ends at 17:00, not next morning
  ('2026-03-02 16:00+07', '61 minutes'),
  ('2026-03-02 12:00+07', '0'),               -- lunch: normalised to 13:00
  ('2026-03-02 17:00+07', '0'),               -- 17:00 is outside [13:00,17:00)
  ('2026-03-02 06:00+07', '0'),
  ('2026-03-02 07:30+07', '0'),
  ('2026-02-13 16:00+07', '8 hours'),         -- Friday before Tết
  ('2026-02-13 16:00+07', '1 hour'),
  ('2026-01-09 17:30+07', '4 hours'),         -- Friday evening -> make-up Saturday
  ('2026-03-02 08:30+07', '-1 hour'),         -- backwards: stays at 07:30
  ('2026-03-02 08:30+07', '-61 minutes'),     -- previous working day, 16:59
  ('2026-02-23 08:30+07', '-2 hours'),        -- back across Tết
  ('2026-03-02 10:00:30.5+07', '1 second')
) v(ts, amount);

-- working_time_between: working time in [a, b)
SELECT tthc.working_time_between('2026-03-02 00:00+07', '2026-03-03 00:00+07') AS one_day,
       tthc.working_time_between('2026-03-02 11:00+07', '2026-03-02 14:00+07') AS across_lunch,
       tthc.working_time_between('2026-02-13 16:00+07', '2026-02-23 08:00+07') AS across_tet,
       tthc.working_time_between('2026-02-23 08:00+07', '2026-02-13 16:00+07') AS backwards,
       tthc.working_time_between('2026-01-01 00:00+07', '2027-01-01 00:00+07') AS year_2026;

-- deadline(): the appointment on the receipt, for awkward reception times
SELECT label, received,
       tthc.deadline(received, '15 working days') AS wd15,
       tthc.deadline(received, '0.5 working days') AS wd_half,
       tthc.deadline(received, '4 working hours') AS wh4,
       tthc.deadline(received, '30 days') AS d30,
       tthc.deadline(received, 'same day') AS same_day
FROM (VALUES
  ('Friday 16:00 before Tết',   timestamptz '2026-02-13 16:00+07'),
  ('Sunday night online',       '2026-03-08 22:30+07'),
  ('make-up Saturday',          '2026-01-10 09:00+07'),
  ('lunch time',                '2026-03-02 12:00+07'),
  ('14:59, before the cut-off', '2026-08-21 14:59+07'),
  ('15:00, at the cut-off',     '2026-08-21 15:00+07'),
  ('during Tết',                '2026-02-18 10:00+07'),
  ('Monday 07:30 sharp',        '2026-03-02 07:30+07')
) v(label, received);

-- the same instants, seen from New York: only the display changes
SET TimeZone = 'America/New_York';
SELECT tthc.deadline('2026-08-21 14:59+07', 'same day') AS before_cutoff,
       tthc.deadline('2026-08-21 15:00+07', 'same day') AS at_cutoff,
       tthc.add_working_time('2026-03-02 16:00+07', '1 hour') AS five_pm_hcm;
-- DST in the session zone (8 March 2026 in New York) does not move Vietnamese hours
SELECT tthc.working_time_between('2026-03-06 00:00+07', '2026-03-10 00:00+07') AS fri_to_mon;
SET TimeZone = 'Asia/Ho_Chi_Minh';

-- calendar days: N days later, pushed to the next working day, 17:00
SELECT tthc.deadline('2026-01-28 10:00+07', '30 days') AS lands_on_sat_27_feb,
       tthc.deadline('2026-01-17 10:00+07', '30 days') AS lands_on_mon_16_tet;

-- ---------------------------------------------------------------
-- Invariants over thousands of generated inputs
-- ---------------------------------------------------------------
CREATE TEMP TABLE gen AS
SELECT i, date '2010-01-01' + (i * 7919) % 7300 AS d, ((i * 104729) % 121) - 60 AS n,
       timestamptz '2015-01-01 00:00+07' + ((i * 15485863::bigint) % (86400 * 3650)) * interval '1 second' AS ts,
       ((i * 32452843::bigint) % (4 * 60 * 60 * 200)) * interval '1 second' AS x
FROM generate_series(1, 20000) i;

-- working_days_between(d, add_working_days(d, n)) = n for n <> 0
SELECT count(*) AS cases,
       count(*) FILTER (WHERE tthc.working_days_between(d, tthc.add_working_days(d, n)) <> n) AS broken
FROM gen WHERE n <> 0;
-- add_working_days lands on a working day, strictly monotone in n
SELECT count(*) FILTER (WHERE NOT tthc.is_working_day(tthc.add_working_days(d, n))) AS not_working,
       count(*) FILTER (WHERE tthc.add_working_days(d, n + 1) <= tthc.add_working_days(d, n) AND n <> 0) AS not_monotone
FROM gen;
-- working_time_between(a, add_working_time(a, x)) = x, forwards and backwards
SELECT count(*) AS cases,
       count(*) FILTER (WHERE tthc.working_time_between(ts, tthc.add_working_time(ts, x)) <> x) AS broken_fwd,
       count(*) FILTER (WHERE tthc.working_time_between(ts, tthc.add_working_time(ts, -x)) <> -x) AS broken_back,
       count(*) FILTER (WHERE tthc.add_working_time(ts, x) < ts) AS went_backwards
FROM gen;
-- monotone in the start: a later reception never gets an earlier appointment
SELECT count(*) AS not_monotone
FROM (SELECT ts, tthc.deadline(ts, '3 working days') AS due,
             lag(tthc.deadline(ts, '3 working days')) OVER (ORDER BY ts) AS prev_due
      FROM gen) s
WHERE due < prev_due;

-- against a brute-force oracle: count the working days from calendar_days
WITH days AS (SELECT day, working FROM tthc.calendar_days('vn', '2009-12-01', '2031-12-31')),
     cum AS (SELECT day, working, count(*) FILTER (WHERE working) OVER (ORDER BY day) AS c FROM days)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE tthc.working_days_between(g.d, g.d + 45) <> b.c - a.c) AS wdb_mismatch,
       count(*) FILTER (WHERE tthc.add_working_days(g.d, 10) <>
                 (SELECT min(day) FROM cum WHERE working AND c = a.c + 10)) AS awd_mismatch
FROM gen g JOIN cum a ON a.day = g.d JOIN cum b ON b.day = g.d + 45
WHERE g.i <= 3000;
-- working time oracle: sum of per-day working time between two midnights
SELECT count(*) AS cases,
       count(*) FILTER (WHERE tthc.working_time_between(d::timestamptz, (d + 20)::timestamptz) <>
              (SELECT sum(working_time) FROM tthc.calendar_days('vn', d, d + 19))) AS mismatch
FROM gen WHERE i <= 2000;

-- NULLs give NULL (STRICT)
SELECT tthc.add_working_days(NULL, 1) IS NULL AS a, tthc.deadline(NULL, 'same day') IS NULL AS b,
       tthc.is_working_day('2026-01-01', NULL) IS NULL AS c;
