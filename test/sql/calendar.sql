-- The national calendar 'vn': official schedules, generated years, inheritance, edits.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';

-- the official civil-service schedules 2019-2026, exactly as published
-- (domain.md §6): every weekday off and every working weekend day
CREATE TEMP TABLE official(day date, working boolean);
INSERT INTO official SELECT d::date, false FROM unnest(ARRAY[
  '2018-12-31','2019-01-01','2019-02-04','2019-02-05','2019-02-06','2019-02-07','2019-02-08',
  '2019-04-15','2019-04-29','2019-04-30','2019-05-01','2019-09-02',
  '2020-01-01','2020-01-23','2020-01-24','2020-01-27','2020-01-28','2020-01-29','2020-04-02',
  '2020-04-30','2020-05-01','2020-09-02',
  '2021-01-01','2021-02-10','2021-02-11','2021-02-12','2021-02-15','2021-02-16','2021-04-21',
  '2021-04-30','2021-05-03','2021-09-02','2021-09-03',
  '2022-01-03','2022-01-31','2022-02-01','2022-02-02','2022-02-03','2022-02-04','2022-04-11',
  '2022-05-02','2022-05-03','2022-09-01','2022-09-02',
  '2023-01-02','2023-01-20','2023-01-23','2023-01-24','2023-01-25','2023-01-26','2023-05-01',
  '2023-05-02','2023-05-03','2023-09-01','2023-09-04',
  '2024-01-01','2024-02-08','2024-02-09','2024-02-12','2024-02-13','2024-02-14','2024-04-18',
  '2024-04-29','2024-04-30','2024-05-01','2024-09-02','2024-09-03',
  '2025-01-01','2025-01-27','2025-01-28','2025-01-29','2025-01-30','2025-01-31','2025-04-07',
  '2025-04-30','2025-05-01','2025-05-02','2025-09-01','2025-09-02',
  '2026-01-01','2026-01-02','2026-02-16','2026-02-17','2026-02-18','2026-02-19','2026-02-20',
  '2026-04-27','2026-04-30','2026-05-01','2026-08-31','2026-09-01','2026-09-02']) d;
INSERT INTO official SELECT d::date, true FROM unnest(ARRAY[
  '2019-01-05','2019-05-04','2024-05-04','2025-04-26','2026-01-10','2026-08-22']) d;

-- differences between the calendar and the published lists: none expected
SELECT c.day, c.working, c.kind, c.name
FROM tthc.calendar_days('vn', '2018-12-31', '2026-12-31') c
WHERE (extract(isodow FROM c.day) < 6) <> c.working
EXCEPT SELECT o.day, o.working, c.kind, c.name FROM official o
       JOIN tthc.calendar_days('vn', '2018-12-31', '2026-12-31') c USING (day)
UNION ALL
SELECT o.day, o.working, 'missing', NULL FROM official o
WHERE tthc.is_working_day(o.day) <> o.working;

-- working days per year of the official schedules
SELECT extract(year FROM day)::int AS year, count(*) FILTER (WHERE working) AS working_days,
       count(*) FILTER (WHERE kind = 'makeup') AS makeup_saturdays,
       bool_or(provisional) AS any_provisional
FROM tthc.calendar_days('vn', '2019-01-01', '2026-12-31') GROUP BY 1 ORDER BY 1;

-- what a clerk reads: Tết 2026 with names and legal references
SELECT * FROM tthc.calendar_days('vn', '2026-02-13', '2026-02-23');
SELECT * FROM tthc.calendar_days('vn', '2026-01-09', '2026-01-10');

-- generated (provisional) years: 2027 Tết eve is Friday 02-05, so Saturday 06
-- and Sunday 07 give compensatory days after the block (10 and 11)
SELECT day, to_char(day, 'Dy') AS dow, kind, name, legal_reference, provisional
FROM tthc.calendar_days('vn', '2027-01-01', '2027-12-31') WHERE kind NOT IN ('working', 'weekend');

-- Labour Code history: Tết was 4 days until 2013 (1994 code), 5 from 2014
-- (2012 code); no Giỗ Tổ before 2007; Quốc khánh 1 day before 2021
SELECT extract(year FROM day)::int AS year,
       count(*) FILTER (WHERE name = 'Tết Nguyên đán' AND kind = 'holiday') AS tet_days,
       count(*) FILTER (WHERE name = 'Giỗ Tổ Hùng Vương' AND kind = 'holiday') AS gio_to,
       count(*) FILTER (WHERE name = 'Quốc khánh' AND kind = 'holiday') AS quoc_khanh
FROM tthc.calendar_days('vn', '2005-01-01', '2014-12-31')
GROUP BY 1 ORDER BY 1;
SELECT count(*) FILTER (WHERE name = 'Quốc khánh' AND kind = 'holiday') AS quoc_khanh_2027
FROM tthc.calendar_days('vn', '2027-01-01', '2027-12-31');

-- Giỗ Tổ 2009 fell on Saturday 04-04 (Vietnamese calendar): Monday 04-06 is compensatory
SELECT day, kind, name FROM tthc.calendar_days('vn', '2009-04-03', '2009-04-07') WHERE NOT working;

-- every generated year 1990-2199 (official ones excluded) has its days: at least
-- 9 statutory days and every holiday on a weekend compensated on a weekday
SELECT count(DISTINCT extract(year FROM day)) AS years,
       min(n) AS min_days_off, max(n) AS max_days_off
FROM (SELECT extract(year FROM day) AS y, day, count(*) OVER (PARTITION BY extract(year FROM day)) AS n
      FROM tthc.calendar_days('vn', '1990-01-01', '2199-12-31')
      WHERE provisional AND kind IN ('holiday', 'compensatory')) s;
SELECT count(*) AS weekend_compensatory_days
FROM tthc.calendar_days('vn', '1990-01-01', '2199-12-31')
WHERE kind = 'compensatory' AND extract(isodow FROM day) > 5;

-- range edges
SELECT tthc.is_working_day('1990-01-02'), tthc.is_working_day('2199-12-31');

-- ---------------------------------------------------------------
-- A centre calendar inheriting vn: Saturday-morning reception
-- ---------------------------------------------------------------
INSERT INTO tthc.calendar (name, parent, description) VALUES ('qn-hcc', 'vn', 'Quảng Ninh centre');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('qn-hcc', 6, '{[07:30,11:30)}');
-- it inherits Tết, works Saturday mornings, and a make-up Saturday is a full day
SELECT day, to_char(day, 'Dy') AS dow, working, kind, working_time, source
FROM tthc.calendar_days('qn-hcc', '2026-02-13', '2026-02-23');
SELECT day, working, kind, working_time FROM tthc.calendar_days('qn-hcc', '2026-01-10', '2026-01-10');
-- its own exception wins over the inherited one: open on the eve of Tết
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, hours)
VALUES ('qn-hcc', '2026-02-16', 'special_hours', 'Trực Tết', '{[08:00,11:00)}');
SELECT day, working, kind, name, working_time, source
FROM tthc.calendar_days('qn-hcc', '2026-02-16', '2026-02-17');
-- a grandchild inherits through the chain
INSERT INTO tthc.calendar (name, parent) VALUES ('qn-hcc-halong', 'qn-hcc');
SELECT day, working, kind, working_time, source
FROM tthc.calendar_days('qn-hcc-halong', '2026-02-14', '2026-02-17');
-- a weekday closed with '{}'
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('qn-hcc-halong', 3, '{}');
SELECT tthc.is_working_day('2026-03-04', 'qn-hcc-halong') AS wednesday_open,
       tthc.is_working_day('2026-03-04', 'qn-hcc') AS parent_wednesday_open;

-- ---------------------------------------------------------------
-- Edits are seen by the next statement
-- ---------------------------------------------------------------
-- a new holiday, 24/11 (Ngày Văn hóa Việt Nam), declared as a row
SELECT tthc.add_working_days('2026-11-23', 1) AS before_edit;
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference)
VALUES ('vn', '2026-11-24', 'holiday', 'Ngày Văn hóa Việt Nam', 'test');
SELECT tthc.add_working_days('2026-11-23', 1) AS after_edit,
       tthc.is_working_day('2026-11-24', 'qn-hcc-halong') AS grandchild_works;
DELETE FROM tthc.calendar_exception WHERE calendar = 'vn' AND day = '2026-11-24';
SELECT tthc.add_working_days('2026-11-23', 1) AS after_delete;

-- an edit rolled back is forgotten (a row of yours overrides a shipped weekday)
BEGIN;
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('vn', 1, '{[08:00,12:00)}');
SELECT tthc.working_time_between('2026-03-02 00:00+07', '2026-03-03 00:00+07') AS monday_in_tx;
ROLLBACK;
SELECT tthc.working_time_between('2026-03-02 00:00+07', '2026-03-03 00:00+07') AS monday_after_rollback;

-- an official schedule for 2027 replaces the generated days of that year
BEGIN;
INSERT INTO tthc.calendar_year (calendar, year, legal_reference) VALUES ('vn', 2027, 'test letter');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference) VALUES
  ('vn', '2027-02-04', 'holiday', 'Tết Nguyên đán', 'test letter'),
  ('vn', '2027-02-05', 'holiday', 'Tết Nguyên đán', 'test letter'),
  ('vn', '2027-02-08', 'holiday', 'Tết Nguyên đán', 'test letter'),
  ('vn', '2027-02-09', 'holiday', 'Tết Nguyên đán', 'test letter'),
  ('vn', '2027-02-10', 'holiday', 'Tết Nguyên đán', 'test letter'),
  ('vn', '2027-02-20', 'makeup', 'Làm bù', 'test letter');
SELECT day, working, kind, provisional, legal_reference
FROM tthc.calendar_days('vn', '2027-02-04', '2027-02-11') WHERE NOT working OR kind <> 'working';
SELECT day, working, kind, working_time FROM tthc.calendar_days('vn', '2027-02-20', '2027-02-20');
SELECT count(*) AS provisional_days_2027
FROM tthc.calendar_days('vn', '2027-01-01', '2027-12-31') WHERE provisional;
ROLLBACK;

-- a calendar without holiday rules has only its weekly pattern
INSERT INTO tthc.calendar (name, description) VALUES ('plain', 'Mon-Sat, no holidays');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
SELECT 'plain', d, '{[08:00,12:00)}' FROM generate_series(1, 6) d;
SELECT count(*) FILTER (WHERE working) AS working, count(*) FILTER (WHERE NOT working) AS off
FROM tthc.calendar_days('plain', '2026-01-01', '2026-12-31');

-- pg_dump keeps user rows only: the shipped rows come with CREATE EXTENSION
SELECT c.relname, x.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, cond)
JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'tthc' ORDER BY 1;
