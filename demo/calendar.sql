-- demo/calendar.sql: a tour of the tthc calendar engine, run by scripts/demo.sh
-- (psql -X -q -v ON_ERROR_STOP=1 -d tthc_demo -f demo/calendar.sql).
-- Everything below works on a fresh database; the last two parts change the
-- calendars of that database only.

\set ON_ERROR_STOP 1
\pset footer off
\pset pager off
\pset linestyle unicode
\set fmt '''Dy DD/MM HH24:MI'''
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';      -- display only: the calendar has its own zone

CREATE EXTENSION IF NOT EXISTS tthc;

\echo
\echo '━━ 1. The national calendar vn around Tết Bính Ngọ (Tuesday 17/02/2026) ━━'
\echo
SELECT to_char(d.day, 'Dy') AS dow, d.*
  FROM tthc.calendar_days('vn', '2026-02-09', '2026-02-27') AS d;

\echo 'Every 2026 weekday off, and every Saturday worked, with its legal reference:'
SELECT to_char(day, 'Dy') AS dow, day, working, kind, name, legal_reference
  FROM tthc.calendar_days('vn', '2026-01-01', '2026-12-31')
 WHERE kind NOT IN ('working', 'weekend');

\echo '━━ 2. Appointments (tthc.deadline) for dossiers received at awkward moments ━━'
\echo '   Local time (UTC+7), 2026. Working hours 07:30-11:30 and 13:00-17:00;'
\echo '   same-day cut-off 15:00: a dossier received at 15:00 is due the next working day.'
\echo
SELECT d.dossier,
       to_char(d.received, :fmt)                                   AS received,
       to_char(tthc.deadline(d.received, '15 working days'), :fmt) AS "15 working days",
       to_char(tthc.deadline(d.received, '4 working hours'), :fmt) AS "4 working hours",
       to_char(tthc.deadline(d.received, 'same day'), :fmt)        AS "same day",
       to_char(tthc.deadline(d.received, '30 days'), :fmt)         AS "30 days"
  FROM (VALUES
    ('Friday before the Tết block',   timestamptz '2026-02-13 16:00+07'),
    ('Online, Sunday night',          timestamptz '2026-03-08 22:30+07'),
    ('Make-up Saturday (working!)',   timestamptz '2026-01-10 09:00+07'),
    ('Friday, one minute before 15h', timestamptz '2026-08-21 14:59+07'),
    ('Friday, at the 15:00 cut-off',  timestamptz '2026-08-21 15:00+07'),
    ('Lunch break, before 30/4-1/5',  timestamptz '2026-04-29 12:00+07')
  ) AS d(dossier, received);

\echo '━━ 3. Lunar calendar: Tết (1/1 lunar) and Giỗ Tổ Hùng Vương (10/3 lunar) ━━'
\echo
SELECT y AS year,
       (array['Canh','Tân','Nhâm','Quý','Giáp','Ất','Bính','Đinh','Mậu','Kỷ'])[y % 10 + 1] || ' ' ||
       (array['Thân','Dậu','Tuất','Hợi','Tý','Sửu','Dần','Mão','Thìn','Tỵ','Ngọ','Mùi'])[y % 12 + 1]
                                                      AS "năm",
       to_char(tthc.lunar_to_solar(y, 1, 1), 'Dy YYYY-MM-DD')  AS "Tết Nguyên đán",
       to_char(tthc.lunar_to_solar(y, 3, 10), 'Dy YYYY-MM-DD') AS "Giỗ Tổ Hùng Vương"
  FROM generate_series(2019, 2030) AS y;

\echo 'The Vietnamese calendar is computed for UTC+7, the Chinese one for UTC+8;'
\echo 'in these years a new moon falls near midnight or the leap month differs, and Tết moves:'
SELECT y AS year,
       tthc.lunar_to_solar(y, 1, 1) AS "Tết in Vietnam (UTC+7)",
       cn                           AS "Chinese New Year (UTC+8)"
  FROM (VALUES (1985, date '1985-02-20'), (2007, date '2007-02-18'), (2030, date '2030-02-03'))
       AS t(y, cn);

\echo '━━ 4. A centre calendar inheriting vn, open on Saturday mornings ━━'
\echo
INSERT INTO tthc.calendar (name, parent, description)
VALUES ('qn-hcc', 'vn', 'Trung tâm PVHCC Quảng Ninh: Saturday morning reception');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
VALUES ('qn-hcc', 6, '{[07:30,11:30)}');

SELECT c.calendar,
       to_char(r.received, :fmt)                                              AS received,
       to_char(tthc.deadline(r.received, '4 working hours', c.calendar), :fmt) AS "4 working hours"
  FROM (VALUES ('vn'), ('qn-hcc')) AS c(calendar),
       (VALUES (timestamptz '2026-02-13 16:00+07')) AS r(received);

\echo 'The centre keeps the national holidays; the Saturdays around them open in the morning:'
SELECT to_char(day, 'Dy') AS dow, day, working, kind, name, working_time, source
  FROM tthc.calendar_days('qn-hcc', '2026-02-13', '2026-02-23');

\echo '━━ 5. An administrator declares a new holiday: 24/11, Ngày Văn hóa Việt Nam ━━'
\echo
SELECT tthc.add_working_days('2026-11-23', 1) AS before \gset

INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference)
VALUES ('vn', '2026-11-24', 'holiday', 'Ngày Văn hóa Việt Nam', '(ví dụ)');

SELECT date :'before'                         AS "add_working_days('2026-11-23', 1) before",
       tthc.add_working_days('2026-11-23', 1) AS "after the INSERT";
SELECT to_char(day, 'Dy') AS dow, day, working, kind, name, legal_reference, source
  FROM tthc.calendar_days('vn', '2026-11-23', '2026-11-25');
