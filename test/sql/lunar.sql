-- The Vietnamese lunar calendar (UTC+7).
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';

-- Tết (lunar 1/1) 2019-2027, as published
SELECT y, tthc.lunar_to_solar(y, 1, 1) AS tet
FROM generate_series(2019, 2027) y;

-- years where Vietnam (UTC+7) and China (UTC+8) differ: 1985-01-21 (CN 02-20),
-- 2007-02-17 (CN 02-18), 2030-02-02 (CN 02-03)
SELECT tthc.lunar_to_solar(1985, 1, 1) AS tet_1985,
       tthc.lunar_to_solar(2007, 1, 1) AS tet_2007,
       tthc.lunar_to_solar(2030, 1, 1) AS tet_2030;

-- Giỗ Tổ Hùng Vương (10/3): 2009 is Saturday 4 April in Vietnam (China: 5 April)
SELECT y, tthc.lunar_to_solar(y, 3, 10) AS gio_to, to_char(tthc.lunar_to_solar(y, 3, 10), 'Dy') AS dow
FROM generate_series(2007, 2011) y;

-- leap months: 2020 has a leap 4th month, 2023 a leap 2nd month, 2025 a leap 6th
SELECT tthc.lunar_to_solar(2020, 4, 1, true) AS leap4_2020,
       tthc.lunar_to_solar(2023, 2, 1, true) AS leap2_2023,
       tthc.lunar_to_solar(2025, 6, 1, true) AS leap6_2025;
SELECT tthc.solar_to_lunar('2020-05-23'), tthc.solar_to_lunar('2023-03-22'),
       tthc.solar_to_lunar('2025-07-25');

-- the eve of Tết is day 29 or 30 of month 12
SELECT tthc.solar_to_lunar('2026-02-16') AS eve_2026, tthc.solar_to_lunar('2023-01-21') AS eve_2023;

-- composite access
SELECT (tthc.solar_to_lunar('2026-11-22')).*;

-- every day from lunar 1900-01-01 to the end of lunar 2199 converts both ways
SELECT count(*) AS days,
       count(*) FILTER (WHERE tthc.lunar_to_solar(l.year, l.month, l.day, l.leap) <> d) AS mismatches,
       min(l.year) AS first_year, max(l.year) AS last_year
FROM generate_series(date '1900-01-31', date '2200-01-01', interval '1 day') g(d0),
     LATERAL (SELECT d0::date AS d) x,
     LATERAL tthc.solar_to_lunar(x.d) l;

-- lunar months are 29 or 30 days; a year has 12 or 13 months (one leap)
WITH m AS (
  SELECT l.year, l.month, l.leap, count(*) AS len
  FROM generate_series(date '1900-01-31', date '2199-12-31', interval '1 day') g(d),
       LATERAL tthc.solar_to_lunar(g.d::date) l
  GROUP BY 1, 2, 3)
SELECT min(len) AS shortest, max(len) AS longest,
       count(*) FILTER (WHERE leap) AS leap_months,
       count(DISTINCT year) FILTER (WHERE leap) AS years_with_leap
FROM m WHERE year BETWEEN 1900 AND 2198;

-- errors
SELECT tthc.lunar_to_solar(1899, 1, 1);
SELECT tthc.lunar_to_solar(2200, 1, 1);
SELECT tthc.lunar_to_solar(2026, 13, 1);
SELECT tthc.lunar_to_solar(2026, 1, 31);
SELECT tthc.lunar_to_solar(2026, 3, 1, true);
SELECT tthc.lunar_to_solar(2025, 12, 30);  -- month 12 of 2025 has 29 days
SELECT tthc.solar_to_lunar('1899-12-31');
SELECT tthc.solar_to_lunar('infinity');
SELECT tthc.lunar_to_solar(NULL, 1, 1) IS NULL AS strict;
