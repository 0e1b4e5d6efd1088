-- The 2025 reorganisation: units that end on 30/6/2025 and the units that
-- succeed them.  Runs in a database of its own, which starts at 0.11.0 with
-- units and dossiers, then updates: the units that exist keep standing.
CREATE DATABASE tthc_reorg;
\c tthc_reorg
CREATE EXTENSION tthc VERSION '0.11.0';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  st text; tb text; co text; msg text; hint text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, tb = TABLE_NAME, co = COLUMN_NAME, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
  RETURN st || ' ' || coalesce(nullif(tb, ''), '-') || '.' || coalesce(nullif(co, ''), '-') || ': ' || msg
         || coalesce(' HINT: ' || nullif(hint, ''), '');
END $$;
-- what a write leaves: dossiers, events, numbers taken
CREATE FUNCTION pg_temp.footprint() RETURNS text LANGUAGE sql AS $$
  SELECT format('dossiers %s, events %s, numbers %s',
    (SELECT count(*) FROM tthc.dossier), (SELECT count(*) FROM tthc.dossier_event),
    (SELECT coalesce(sum(last), 0) FROM tthc.dossier_counter))
$$;

-- before the update: a province, a district and its three communes, the
-- towns that will succeed them, and a dossier of the old commune
INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm PVHCC tỉnh Quảng Ninh', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.90', 'UBND huyện Tiên Yên', 'commune', 'H22');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.90.01', 'UBND thị trấn Tiên Yên', 'commune', 'H22.90'),
  ('H22.90.02', 'UBND xã Phong Dụ', 'commune', 'H22.90'),
  ('H22.90.03', 'UBND xã Đông Ngũ', 'commune', 'H22.90');
INSERT INTO tthc.procedure (code, name, field, time_limit, boundary_free, valid_from) VALUES
  ('1.000001', 'Chứng thực bản sao', 'Chứng thực', '2 working days', true, '2020-01-01'),
  ('1.000002', 'Đăng ký khai sinh', 'Hộ tịch', '5 working days', false, '2020-01-01');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000002', 'H22.90.01', '2025-06-20 09:00', 'Hoàng Văn Trước');

ALTER EXTENSION tthc UPDATE TO '0.12.0';
-- the units that existed stand for ever
SELECT code, level, valid_from, valid_to FROM tthc.unit ORDER BY code;
-- a district is a level now; the district stands until 30/6/2025
UPDATE tthc.unit SET level = 'district' WHERE code = 'H22.90';

-- 1. The change of 1/7/2025: the district and its communes end; Tiên Yên
-- (the town, Phong Dụ and most of Đông Ngũ) and Hải Lạng (the rest of
-- Đông Ngũ) succeed them
UPDATE tthc.unit SET valid_to = '2025-06-30' WHERE code LIKE 'H22.90%';
INSERT INTO tthc.unit (code, name, level, parent, valid_from) VALUES
  ('H22.31', 'Trung tâm PVHCC xã Tiên Yên', 'commune', 'H22', '2025-07-01'),
  ('H22.32', 'Trung tâm PVHCC xã Hải Lạng', 'commune', 'H22', '2025-07-01');
INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, whole, share, legal_reference) VALUES
  ('H22.90', 'H22.31', '2025-07-01', false, 0.8, 'NQ 1679/NQ-UBTVQH15'),
  ('H22.90', 'H22.32', '2025-07-01', false, 0.2, 'NQ 1679/NQ-UBTVQH15'),
  ('H22.90.01', 'H22.31', '2025-07-01', true, NULL, 'NQ 1679/NQ-UBTVQH15'),
  ('H22.90.02', 'H22.31', '2025-07-01', true, NULL, 'NQ 1679/NQ-UBTVQH15'),
  ('H22.90.03', 'H22.31', '2025-07-01', false, 0.7, 'NQ 1679/NQ-UBTVQH15'),
  ('H22.90.03', 'H22.32', '2025-07-01', false, 0.3, 'NQ 1679/NQ-UBTVQH15');

-- June: the old communes receive; the dossier of 20/6 moves on in July
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000001', 'H22.90.03', '2025-06-30 16:00', 'Lý Thị Cuối Tháng'),
       ('1.000002', 'H22.90.02', '2025-06-27 10:00', 'Đinh Văn Sáu');
SELECT status, handling_unit FROM tthc.transition('H22.90.01-250620-0001', 'processing', '2025-07-01 08:30');
SELECT status, result FROM tthc.transition('H22.90.01-250620-0001', 'resolved', '2025-07-02 10:00');
SELECT status FROM tthc.transition('H22.90.03-250630-0001', 'processing', '2025-07-01 09:00');

-- July: an ended unit takes no new dossier, as receiving or handling unit,
-- and nothing is written (no dossier, no event, no number)
SELECT pg_temp.footprint();
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
                     VALUES ('1.000002', 'H22.90.03', '2025-07-01 08:00', 'A')$$) AS at_ended_unit;
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at, applicant_name)
                     VALUES ('1.000001', 'H22.31', 'H22.90.02', '2025-07-01 08:00', 'A')$$) AS for_ended_unit;
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
                     VALUES ('1.000002', 'H22.90', '2025-07-03 08:00', 'A')$$) AS at_ended_district;
-- nor does a unit before it stands
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
                     VALUES ('1.000002', 'H22.32', '2025-06-30 08:00', 'A')$$) AS before_it_stands;
-- a successor with none recorded for the ended unit: the hint says so
INSERT INTO tthc.unit (code, name, level, parent, valid_to) VALUES ('H22.91', 'UBND xã Đã Nhập', 'commune', 'H22', '2025-06-30');
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
                     VALUES ('1.000002', 'H22.91', '2025-07-01 08:00', 'A')$$) AS no_successor;
SELECT pg_temp.footprint();
-- the last day counts in the unit's local time: 30/6 23:30 in Hà Nội is
-- still June
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000001', 'H22.90.01', '2025-06-30 23:30+07', 'Nửa Đêm') RETURNING code;
-- an online submission at an ended unit, corrected to its successor
-- before acceptance; not to another ended unit
INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, submitted_at, channel, applicant_name)
VALUES ('1.000001', 'H22.31', 'submitted', '2025-07-02 21:00', 2, 'Trực Tuyến') RETURNING code, handling_unit;
SELECT pg_temp.try($$UPDATE tthc.dossier SET handling_unit = 'H22.90.02' WHERE code = 'H22.31-250702-0001'$$) AS to_ended_unit;
UPDATE tthc.dossier SET handling_unit = 'H22.32' WHERE code = 'H22.31-250702-0001' RETURNING handling_unit;
-- the new units receive
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000002', 'H22.31', '2025-07-01 08:00', 'Đầu Tháng Bảy') RETURNING code;

-- 2. The dossiers the ended units still hold, with their successors
SELECT * FROM tthc.unit_orphans('2025-07-05 12:00');
-- on 30/6 nothing had ended yet
SELECT count(*) AS orphans_on_30_june FROM tthc.unit_orphans('2025-06-30 12:00');

-- 3. Transfers: the ended units' open dossiers move to their successors.
-- Hải Lạng's centre works Saturday mornings (its own calendar).
INSERT INTO tthc.calendar (name, parent) VALUES ('hai-lang', 'vn');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('hai-lang', 6, '{[07:30,11:30)}');
INSERT INTO tthc.unit (code, name, level, parent, calendar, valid_from) VALUES
  ('H22.33', 'Trung tâm PVHCC xã Quảng Tân', 'commune', 'H22', 'hai-lang', '2025-07-01');
INSERT INTO tthc.unit (code, name, level) VALUES ('H01', 'Trung tâm PVHCC thành phố Hà Nội', 'province');
-- the same calendar: the deadline stays; the code is the legal record
SELECT code, handling_unit, status, due_at FROM tthc.dossier WHERE code = 'H22.90.03-250630-0001';
SELECT code, handling_unit, status, due_at
FROM tthc.transfer('H22.90.03-250630-0001', 'H22.31', '2025-07-03 09:00', 'NQ 1679: xã Đông Ngũ nhập vào xã Tiên Yên');
-- another calendar: the deadline recomputed on it from the history, both times logged
SELECT code, due_at FROM tthc.dossier WHERE code = 'H22.90.02-250627-0001';
SELECT code, handling_unit, due_at FROM tthc.transfer('H22.90.02-250627-0001', 'H22.33', '2025-07-03 10:00');
SELECT d.code, e.seq, e.at, e.kind, e.unit, e.old_due_at, e.new_due_at, e.note
FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id
WHERE e.kind IN ('transfer', 'deadline') ORDER BY d.code, e.seq;
-- the national portal's progress names the unit that handled each event
-- then, and where the dossier went
SELECT x ->> 'PhongBanXuLy' AS unit, x ->> 'NoiDungXuLy' AS action, x ->> 'TrangThai' AS status
FROM jsonb_array_elements(tthc.portal_progress('H22.90.03-250630-0001')) x;
-- the new unit finishes it; what is left to move
SELECT status, result FROM tthc.transition('H22.90.02-250627-0001', 'processing', '2025-07-04 08:00');
SELECT status, result FROM tthc.transition('H22.90.02-250627-0001', 'resolved', '2025-07-05 09:00');
SELECT code, handling_unit FROM tthc.unit_orphans('2025-07-05 12:00');
-- what a transfer refuses, writing nothing
SELECT pg_temp.footprint();
SELECT pg_temp.try($$SELECT tthc.transfer('H22.90.01-250620-0001', 'H22.31', '2025-07-03 09:00')$$) AS finished_dossier,
       pg_temp.try($$SELECT tthc.transfer('H22.90.01-250630-0001', 'H22.90.02', '2025-07-03 09:00')$$) AS to_ended_unit,
       pg_temp.try($$SELECT tthc.transfer('H22.90.01-250630-0001', 'H01', '2025-07-03 09:00')$$) AS other_province,
       pg_temp.try($$SELECT tthc.transfer('H22.90.01-250630-0001', 'H22.90.01', '2025-07-03 09:00')$$) AS same_unit,
       pg_temp.try($$SELECT tthc.transfer('H22.90.01-250630-0001', 'H22.77', '2025-07-03 09:00')$$) AS unknown_unit,
       pg_temp.try($$SELECT tthc.transfer('H22.90.01-250630-0009', 'H22.31', '2025-07-03 09:00')$$) AS unknown_dossier;
SELECT pg_temp.try($$UPDATE tthc.dossier SET handling_unit = 'H22.31', status = 'processing'
                     WHERE code = 'H22.90.01-250630-0001'$$) AS unit_and_status_at_once;
SELECT pg_temp.footprint();

-- 3b. When the desk is open is not when the clock runs.  Hải Lạng's
-- calendar (Saturday mornings) is its processing calendar: from Saturday
-- 08:00, 3 working days fall due on Wednesday at 13:30.  With the same
-- hours as its desk only (reception_calendar), the law's calendar runs the
-- clock from Monday 07:30 and the deadline is Wednesday 17:00.
INSERT INTO tthc.calendar (name, parent) VALUES ('desk-24-7', 'vn');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
SELECT 'desk-24-7', d, '{[00:00,24:00)}' FROM generate_series(1, 7) d;
INSERT INTO tthc.procedure (code, name, field, time_limit, boundary_free, valid_from) VALUES
  ('1.000003', 'Đăng ký thường trú', 'Cư trú', '3 working days', false, '2020-01-01'),
  ('1.000004', 'Sao y bản chính', 'Chứng thực', 'same day', false, '2020-01-01');
INSERT INTO tthc.unit (code, name, level, parent, reception_calendar, valid_from) VALUES
  ('H22.34', 'Trung tâm PVHCC xã Đường Hoa', 'commune', 'H22', 'hai-lang', '2025-07-01'),
  ('H22.35', 'Trung tâm PVHCC phường Hạ Long (24/7)', 'commune', 'H22', 'desk-24-7', '2025-07-01');
SELECT pg_temp.try($$UPDATE tthc.unit SET reception_calendar = 'mars' WHERE code = 'H22.35'$$) AS unknown_reception_calendar;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name) VALUES
  ('1.000003', 'H22.33', '2025-07-05 08:00', 'Thứ Bảy, lịch chung'),
  ('1.000003', 'H22.34', '2025-07-05 08:00', 'Thứ Bảy, lịch tiếp nhận'),
  ('1.000003', 'H22.35', '2025-07-05 09:00', 'Sáng thứ Bảy'),
  ('1.000003', 'H22.35', '2025-07-05 22:00', 'Đêm thứ Bảy'),
  ('1.000004', 'H22.35', '2025-07-05 09:00', 'Trong ngày, sáng thứ Bảy'),
  ('1.000004', 'H22.35', '2025-07-07 16:30', 'Trong ngày, chiều thứ Hai'),
  ('1.000004', 'H22.35', '2025-07-07 20:00', 'Trong ngày, tối thứ Hai'),
  ('1.000003', 'H22.35', '2025-07-07 10:00', 'Giờ hành chính');
SELECT d.handling_unit, d.applicant_name, to_char(d.received_at, 'Dy DD/MM HH24:MI') AS received,
       to_char(d.due_at, 'Dy DD/MM HH24:MI') AS due, d.received_out_of_hours
FROM tthc.dossier d WHERE d.received_at >= '2025-07-05' AND d.received_at < '2025-07-08' AND d.handling_unit >= 'H22.33'
ORDER BY d.handling_unit, d.received_at, d.procedure_code;
-- the column is tthc's to write
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, received_out_of_hours)
                     VALUES ('1.000003', 'H22.35', '2025-07-07 10:00', 'A', false)$$) AS insert_out_of_hours,
       pg_temp.try($$UPDATE tthc.dossier SET received_out_of_hours = false WHERE applicant_name = 'Đêm thứ Bảy'$$) AS update_out_of_hours;
-- an online dossier submitted on Saturday night, accepted on Monday at
-- 09:00: by default its clock starts at acceptance; a province may start
-- it from the submission (the next working instant after it)
INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, submitted_at, channel, applicant_name) VALUES
  ('1.000003', 'H22.35', 'submitted', '2025-07-05 23:00', 2, 'Nộp đêm, mặc định'),
  ('1.000003', 'H22.35', 'submitted', '2025-07-05 23:10', 2, 'Nộp đêm, tính từ lúc nộp');
SELECT t.status FROM tthc.dossier d, tthc.transition(d.code, 'received', '2025-07-07 09:00') t WHERE d.applicant_name = 'Nộp đêm, mặc định';
BEGIN;
SET LOCAL tthc.online_clock_start = 'submission';
SELECT t.status FROM tthc.dossier d, tthc.transition(d.code, 'received', '2025-07-07 09:00') t WHERE d.applicant_name = 'Nộp đêm, tính từ lúc nộp';
COMMIT;
SELECT applicant_name, to_char(clock_started_at, 'Dy DD/MM HH24:MI') AS clock_from, to_char(due_at, 'Dy DD/MM HH24:MI') AS due,
       received_out_of_hours
FROM tthc.dossier WHERE applicant_name LIKE 'Nộp đêm%' ORDER BY applicant_name;
SELECT pg_temp.try($$SET tthc.online_clock_start = 'midnight'$$) AS unknown_setting;
-- the deadlines the calendars give agree with tthc.lawful_due
SELECT count(*) AS not_lawful FROM tthc.dossier d WHERE d.clock_started_at IS NOT NULL AND d.finished_at IS NULL
  AND d.due_at IS DISTINCT FROM tthc.lawful_due(d);
-- (a row built by hand without its receiving unit: the handler's desk)
SELECT count(*) AS differ_without_receiving_unit FROM tthc.dossier d
WHERE d.clock_started_at IS NOT NULL AND d.receiving_unit = d.handling_unit
  AND tthc.lawful_due(jsonb_populate_record(NULL::tthc.dossier, to_jsonb(d) - 'receiving_unit')) IS DISTINCT FROM tthc.lawful_due(d);
-- the report counts what came in out of hours
SELECT unit, received, received_out_of_hours FROM tthc.report('H22', '[2025-07-05,2025-07-08)') WHERE level = 'unit' ORDER BY unit;

-- received out of hours once (Saturday 17/1/2026; 10/1 is a make-up working
-- day): a province that lets a dossier be received
-- again after a supplement (its own transition) keeps the first reception's
-- mark, and counts it once, live and rebuilt
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note) VALUES ('awaiting_supplement', 'received', true, 'received again');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000003', 'H22.35', '2026-01-17 10:00', 'Nhận lại');
SELECT t.status FROM tthc.dossier d, tthc.transition(d.code, 'processing', '2026-01-19 08:00') t WHERE d.applicant_name = 'Nhận lại';
SELECT t.status FROM tthc.dossier d, tthc.transition(d.code, 'awaiting_supplement', '2026-01-19 09:00') t WHERE d.applicant_name = 'Nhận lại';
SELECT t.status, t.received_out_of_hours FROM tthc.dossier d, tthc.transition(d.code, 'received', '2026-01-20 09:00') t WHERE d.applicant_name = 'Nhận lại';
DELETE FROM tthc.status_transition WHERE note = 'received again' AND NOT shipped;
CREATE TEMP TABLE again AS SELECT received, received_out_of_hours FROM tthc.report('H22.35', '[2026-01-01,2026-02-01)') WHERE level = 'unit';
SELECT * FROM again;
-- a desk keeps its unit's time zone
INSERT INTO tthc.calendar (name, parent, time_zone) VALUES ('desk-utc', 'vn', 'UTC');
SELECT pg_temp.try($$UPDATE tthc.unit SET reception_calendar = 'desk-utc' WHERE code = 'H22.32'$$) AS desk_in_another_zone;
-- a desk open only in the mornings shortens nothing: a same-day dossier
-- accepted at 13:30 is due that day at 17:00 (before its 15:00 cut-off)
INSERT INTO tthc.calendar (name, parent) VALUES ('desk-mornings', 'vn');
INSERT INTO tthc.calendar_week (calendar, isodow, hours)
SELECT 'desk-mornings', d, '{[07:30,11:30)}' FROM generate_series(1, 5) d;
INSERT INTO tthc.unit (code, name, level, parent, reception_calendar, valid_from) VALUES
  ('H22.36', 'Trung tâm PVHCC xã Quảng Đức', 'commune', 'H22', 'desk-mornings', '2025-07-01');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name) VALUES
  ('1.000004', 'H22.36', '2025-07-07 13:30', 'Buổi chiều'), ('1.000004', 'H22.36', '2025-07-07 15:30', 'Sau giờ cắt');
SELECT applicant_name, to_char(due_at, 'Dy DD/MM HH24:MI') AS due, received_out_of_hours FROM tthc.dossier
WHERE handling_unit = 'H22.36' ORDER BY received_at;
-- a desk whose cut-off is later than the processing calendar's: a same-day
-- dossier's first step falls due with it, not a day after
INSERT INTO tthc.calendar (name, parent, same_day_cutoff) VALUES ('desk-late', 'vn', '16:30');
INSERT INTO tthc.unit (code, name, level, parent, reception_calendar, valid_from) VALUES
  ('H22.37', 'Trung tâm PVHCC xã Hải Hòa', 'commune', 'H22', 'desk-late', '2025-07-01');
INSERT INTO tthc.procedure (code, name, field, time_limit, boundary_free, valid_from) VALUES
  ('1.000005', 'Xác nhận trong ngày, một bước', 'Chứng thực', 'same day', false, '2020-01-01');
INSERT INTO tthc.procedure_step (procedure_id, step, role, allowance)
SELECT id, 1, 'xử lý', 'same day' FROM tthc.procedure WHERE code = '1.000005';
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000005', 'H22.37', '2025-07-07 15:30', 'Một bước');
SELECT to_char(due_at, 'Dy DD/MM HH24:MI') AS due, to_char(step_due_at, 'Dy DD/MM HH24:MI') AS step_due,
       tthc.lawful_due(d) = due_at AS lawful
FROM tthc.dossier d WHERE applicant_name = 'Một bước';
-- a unit with dossiers keeps its desk (the deadlines of what it received read it)
SELECT pg_temp.try($$UPDATE tthc.unit SET reception_calendar = NULL WHERE code = 'H22.36'$$) AS change_a_used_desk;
-- 'submission' holds for a dossier inserted as received too (as the portal does)
BEGIN;
SET LOCAL tthc.online_clock_start = 'submission';
INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, channel, submitted_at, received_at, applicant_name)
VALUES ('1.000003', 'H22.35', 'received', 2, '2025-07-05 23:20', '2025-07-07 09:00', 'Nộp đêm, nhận thẳng');
COMMIT;
SELECT applicant_name, to_char(clock_started_at, 'Dy DD/MM HH24:MI') AS clock_from, to_char(due_at, 'Dy DD/MM HH24:MI') AS due
FROM tthc.dossier WHERE applicant_name = 'Nộp đêm, nhận thẳng';
-- accepted after a deadline that ran from its submission: overdue at the
-- unit from its reception, not before it (no negative stock in time)
BEGIN;
SET LOCAL tthc.online_clock_start = 'submission';
INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, submitted_at, channel, applicant_name)
VALUES ('1.000003', 'H22.35', 'submitted', '2025-07-01 09:00', 2, 'Nhận muộn');
SELECT t.status, to_char(t.due_at, 'Dy DD/MM HH24:MI') AS due FROM tthc.dossier d, tthc.transition(d.code, 'received', '2025-07-10 09:00') t
WHERE d.applicant_name = 'Nhận muộn';
COMMIT;
SELECT t.status, t.overdue_since IS NOT NULL AS overdue FROM tthc.dossier d, tthc.transition(d.code, 'processing', '2025-07-10 10:00') t
WHERE d.applicant_name = 'Nhận muộn';
SELECT p, in_progress, in_progress_in_time, in_progress_overdue FROM unnest(ARRAY['[2025-07-07,2025-07-10)', '[2025-07-07,2025-07-11)']::daterange[]) p,
       tthc.report('H22.35', p) r WHERE r.level = 'unit' ORDER BY p;
SELECT pg_temp.try($$SELECT tthc.lawful_due(jsonb_populate_record(NULL::tthc.dossier,
  '{"clock_started_at": "2025-07-07 08:00+07", "procedure_id": 1, "handling_unit": "H22.31"}'))$$) AS lawful_due_without_procedure;

-- a dossier's own ratios move with it: digitised at both units, one moved
-- to the other, the digitised rate is 2 of 2 there and nothing here
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, digitised) VALUES
  ('1.000003', 'H22.31', '2025-07-08 09:00', 'Số hóa A', true), ('1.000003', 'H22.32', '2025-07-08 09:00', 'Số hóa B', true);
SELECT t.handling_unit FROM tthc.dossier d, tthc.transfer(d.code, 'H22.32', '2025-07-08 10:00') t WHERE d.applicant_name = 'Số hóa A';
SELECT u, i.numerator, i.denominator FROM unnest(ARRAY['H22.31', 'H22.32']) u,
       tthc.indicators_766(u, '[2025-07-08,2025-07-09)') i WHERE i.indicator = 'digitised_rate' ORDER BY u;

-- the report: every row balances, the province's totals are those
-- without any transfer, and a rebuild from the log agrees
CREATE TEMP TABLE live AS
SELECT p, r.* FROM unnest(ARRAY['[2025-06-01,2025-08-01)', '[2025-07-01,2025-08-01)', '[2025-07-01,2025-07-03)', '[2025-07-04,2025-07-05)']::daterange[]) p,
       tthc.report('H22', p) r;
SELECT p, level, unit, carried_over, received, transferred_in, resolved, withdrawn, stopped, transferred_out, in_progress
FROM live WHERE level <> 'field' ORDER BY p, level = 'total', unit;
SELECT count(*) AS rows, count(*) FILTER (WHERE carried_over + received + transferred_in
                                           <> resolved + withdrawn + stopped + transferred_out + in_progress) AS unbalanced
FROM live;
SELECT tthc.report_rebuild() > 0 AS rebuilt;
SELECT (SELECT received_out_of_hours FROM tthc.report('H22.35', '[2026-01-01,2026-02-01)') WHERE level = 'unit')
       = (SELECT received_out_of_hours FROM again) AS out_of_hours_rebuilt_alike;
SELECT count(*) AS rebuild_differs FROM (
  (SELECT * FROM live EXCEPT ALL
   SELECT p, r.* FROM unnest(ARRAY['[2025-06-01,2025-08-01)', '[2025-07-01,2025-08-01)', '[2025-07-01,2025-07-03)', '[2025-07-04,2025-07-05)']::daterange[]) p,
          tthc.report('H22', p) r)
  UNION ALL
  (SELECT p, r.* FROM unnest(ARRAY['[2025-06-01,2025-08-01)', '[2025-07-01,2025-08-01)', '[2025-07-01,2025-07-03)', '[2025-07-04,2025-07-05)']::daterange[]) p,
          tthc.report('H22', p) r
   EXCEPT ALL SELECT * FROM live)) x;

-- 4. Reports across the change.  The first half-year at the old units:
-- ten dossiers at Đông Ngũ (split 0.7 / 0.3), four at Phong Dụ (whole to
-- Tiên Yên), two at the district itself (0.8 / 0.2) and one at a commune
-- that no unit took over
INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, share) VALUES ('H22.91', 'H22.31', '2025-07-01', NULL), ('H22.91', 'H22.32', '2025-07-01', NULL);
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
SELECT '1.000001', u, '2025-05-05 08:00'::timestamptz + i * interval '1 day', 'Người ' || i
FROM (VALUES ('H22.90.03', 10), ('H22.90.02', 4), ('H22.90', 2)) v(u, n), generate_series(1, n) i;
SELECT count(*) AS resolved_in_may FROM (
  SELECT tthc.transition(code, 'processing', received_at + interval '1 hour'),
         tthc.transition(code, 'resolved', received_at + interval '2 hours')
  FROM tthc.dossier WHERE received_at >= '2025-05-01' AND received_at < '2025-06-01' AND receiving_unit IN ('H22.90.03', 'H22.90')
    AND applicant_name <> 'Người 1') x;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000001', 'H22.91', '2025-04-10 08:00', 'Tháng Tư');
UPDATE tthc.unit SET valid_to = '2025-04-30' WHERE code = 'H22.91';
INSERT INTO tthc.unit (code, name, level, parent, valid_to) VALUES ('H22.92', 'UBND xã Cũ Hơn', 'commune', 'H22', '2025-03-31');
-- (H22.91's successors have no shares; H22.92 has none at all)
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000001', 'H22.92', '2025-03-03 08:00', 'Trước Nữa');
-- where each unit's history goes
SELECT * FROM tthc.unit_lineage() WHERE unit <> successor ORDER BY unit, successor;
-- the year with lineage: the rows of today's units, each naming what it carries
CREATE TEMP TABLE y2025 AS SELECT false AS lineage_asked, r.* FROM tthc.report('H22', '[2025-01-01,2026-01-01)') r
UNION ALL SELECT true, r.* FROM tthc.report('H22', '[2025-01-01,2026-01-01)', lineage => true) r;
SELECT level, unit, carried_over, received, transferred_in, resolved, withdrawn, stopped, transferred_out, in_progress, lineage
FROM y2025 WHERE lineage_asked AND level <> 'field' ORDER BY level = 'total', unit;
-- the province's totals are the same, every row balances
SELECT (SELECT to_jsonb(y) - 'lineage_asked' FROM y2025 y WHERE lineage_asked AND level = 'total')
     = (SELECT to_jsonb(y) - 'lineage_asked' FROM y2025 y WHERE NOT lineage_asked AND level = 'total') AS same_totals,
       count(*) FILTER (WHERE carried_over + received + transferred_in
                              <> resolved + withdrawn + stopped + transferred_out + in_progress) AS unbalanced
FROM y2025;
-- by brute force from the log: what each unit took in during 2025 (nothing
-- was open before: received and moved in) at the unit of each event, each
-- successor's part of it as unit_lineage says, against the lineage rows
WITH ev AS (
  SELECT u.code AS unit,
         count(e.*) FILTER (WHERE e.to_status = 'received' AND e.from_status IS DISTINCT FROM e.to_status)
         + count(e.*) FILTER (WHERE e.kind = 'transfer' AND tthc.as_jsonb(e.note) ->> 'to' = u.code) AS took_in
  FROM tthc.unit u
  LEFT JOIN tthc.dossier_event e ON e.at >= '2025-01-01' AND e.at < '2026-01-01'
        AND (e.unit = u.code AND e.kind = 'status' OR e.kind = 'transfer' AND tthc.as_jsonb(e.note) ->> 'to' = u.code)
  GROUP BY u.code),
brute AS (
  SELECT l.successor AS unit, sum(tthc.lineage_part(ev.took_in, l.lo, l.hi)) AS took_in
  FROM ev JOIN tthc.unit_lineage() l ON l.unit = ev.unit GROUP BY 1 HAVING sum(ev.took_in) > 0)
SELECT count(*) AS units, count(*) FILTER (WHERE b.took_in IS DISTINCT FROM y.carried_over + y.received + y.transferred_in) AS differ
FROM brute b FULL JOIN (SELECT * FROM y2025 WHERE lineage_asked AND level = 'unit') y USING (unit);
-- and no successor's stock is impossible, in any period: never below zero,
-- never more awaiting or overdue than is open
SELECT count(*) AS rows_with_lineage,
       count(*) FILTER (WHERE in_progress < 0 OR in_progress_in_time < 0 OR awaiting_supplement < 0
                              OR in_progress_overdue < 0 OR awaiting_supplement + in_progress_overdue > in_progress
                              OR carried_over < 0) AS impossible
FROM unnest(ARRAY['[2025-05-01,2025-06-01)', '[2025-06-01,2025-07-01)', '[2025-07-01,2025-08-01)',
                  '[2025-05-10,2025-07-03)', '[2025-01-01,2026-01-01)']::daterange[]) p,
     tthc.report('H22', p, lineage => true) r;
-- a successor asked alone carries its predecessors' parts; an ended unit
-- asked with lineage has no row of its own
SELECT level, unit, received, resolved, in_progress, lineage FROM tthc.report('H22.32', '[2025-01-01,2026-01-01)', lineage => true);
SELECT count(*) AS ended_unit_rows FROM tthc.report('H22.90.03', '[2025-01-01,2026-01-01)', lineage => true) WHERE level <> 'total';
-- the 766 indicators and the scorecard: the same province, and the
-- successor's own with its predecessors
SELECT indicator, a.numerator, a.denominator, b.numerator AS numerator_lineage, b.denominator AS denominator_lineage
FROM tthc.indicators_766('H22', '[2025-01-01,2026-01-01)') a
JOIN tthc.indicators_766('H22', '[2025-01-01,2026-01-01)', true) b USING (indicator)
WHERE a.denominator IS NOT NULL ORDER BY indicator;
SELECT indicator, numerator, denominator FROM tthc.indicators_766('H22.31', '[2025-01-01,2026-01-01)', true)
WHERE denominator IS NOT NULL ORDER BY indicator;
SELECT a.name, a.numerator, a.denominator, b.numerator AS numerator_lineage, b.denominator AS denominator_lineage
FROM tthc.scorecard_unit('H22', '[2025-01-01,2026-01-01)') a
JOIN tthc.scorecard_unit('H22', '[2025-01-01,2026-01-01)', true) b USING (name)
WHERE a.denominator IS NOT NULL ORDER BY a.indicator;
SELECT name, numerator, denominator FROM tthc.scorecard_unit('H22.32', '[2025-01-01,2026-01-01)', true)
WHERE denominator IS NOT NULL ORDER BY indicator;
-- the monthly views: every row balances, with the transfers; on today's
-- units the months of 2025 hold the same province totals, May at Tiên Yên
-- holds its predecessors' part
SELECT count(*) AS monthly_rows,
       count(*) FILTER (WHERE carried_over + received + transferred_in
                              <> resolved + withdrawn + stopped + transferred_out + in_progress) AS unbalanced
FROM tthc.report_monthly WHERE month >= '2025-01-01' AND month < '2026-01-01';
SELECT count(*) AS lineage_rows,
       count(*) FILTER (WHERE carried_over + received + transferred_in
                              <> resolved + withdrawn + stopped + transferred_out + in_progress) AS unbalanced,
       count(*) FILTER (WHERE in_progress < 0 OR in_progress_in_time < 0 OR carried_over < 0
                              OR awaiting_supplement + in_progress_overdue > in_progress) AS impossible,
       count(*) FILTER (WHERE unit LIKE 'H22.90%') AS rows_of_ended_units
FROM tthc.report_monthly_lineage WHERE month >= '2025-01-01' AND month < '2026-01-01';
SELECT count(*) AS months_whose_totals_differ FROM (
  SELECT month, sum(received) AS received, sum(resolved) AS resolved, sum(in_progress) AS in_progress,
         sum(transferred_in) AS t_in, sum(received_out_of_hours) AS out_of_hours
  FROM tthc.report_monthly GROUP BY month
  EXCEPT
  SELECT month, sum(received), sum(resolved), sum(in_progress), sum(transferred_in), sum(received_out_of_hours)
  FROM tthc.report_monthly_lineage GROUP BY month) x;
SELECT unit, month, received, resolved, in_progress FROM tthc.report_monthly_lineage
WHERE month = '2025-05-01' ORDER BY unit;
SELECT m.indicator, m.numerator, m.denominator, l.numerator AS numerator_lineage, l.denominator AS denominator_lineage
FROM tthc.indicators_766_monthly m JOIN tthc.indicators_766_monthly_lineage l USING (unit, month, indicator)
WHERE unit = 'H22' AND month = '2025-05-01' AND m.denominator IS NOT NULL ORDER BY indicator;
SELECT indicator, numerator, denominator FROM tthc.indicators_766_monthly_lineage
WHERE unit = 'H22.31' AND month = '2025-05-01' AND denominator IS NOT NULL ORDER BY indicator;
-- two ended units that name each other take nobody's history: each keeps
-- its own row, saying so, and the totals stay whole (nor does a ring of
-- four slow the walk)
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.93', 'Vòng A', 'commune', 'H22'), ('H22.94', 'Vòng B', 'commune', 'H22'),
  ('H22.95', 'Vòng C', 'commune', 'H22'), ('H22.96', 'Vòng D', 'commune', 'H22');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
SELECT '1.000001', u, '2025-02-03 09:00', 'Vòng ' || u FROM unnest(ARRAY['H22.93', 'H22.94', 'H22.95']) u;
UPDATE tthc.unit SET valid_to = '2025-06-30' WHERE code IN ('H22.93', 'H22.94', 'H22.95', 'H22.96');
INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, whole, share) VALUES
  ('H22.93', 'H22.94', '2025-07-01', true, NULL), ('H22.94', 'H22.93', '2025-07-01', true, NULL),
  ('H22.95', 'H22.96', '2025-07-01', false, 0.3), ('H22.95', 'H22.94', '2025-07-01', false, 0.3),
  ('H22.96', 'H22.95', '2025-07-01', false, 0.3), ('H22.96', 'H22.93', '2025-07-01', false, 0.3);
SELECT unit, received, lineage FROM tthc.report('H22', '[2025-01-01,2026-01-01)', lineage => true)
WHERE level = 'unit' AND unit >= 'H22.93' ORDER BY unit;
SELECT (SELECT received FROM tthc.report('H22', '[2025-01-01,2026-01-01)', lineage => true) WHERE level = 'total')
     = (SELECT received FROM tthc.report('H22', '[2025-01-01,2026-01-01)') WHERE level = 'total') AS same_total_with_cycles;
-- the parts of a count always add up to it
SELECT count(*) AS parts_not_adding_up FROM generate_series(0, 200) n,
  LATERAL (SELECT sum(tthc.lineage_part(n, l.lo, l.hi)) AS s FROM tthc.unit_lineage() l WHERE l.unit = 'H22.90.03') x
WHERE x.s <> n;

-- 5. The succession's rules
SELECT pg_temp.try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, share)
                     VALUES ('H22.90.02', 'H22.32', '2025-07-01', 0.5)$$) AS a_share_beside_the_whole;
SELECT pg_temp.try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, whole)
                     VALUES ('H22.90.01', 'H22.32', '2025-07-01', true)$$) AS two_whole;
SELECT pg_temp.try($$UPDATE tthc.unit_succession SET share = 0.9 WHERE old_unit = 'H22.90.03' AND new_unit = 'H22.31'$$) AS over_the_whole;
SELECT pg_temp.try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective) VALUES ('H22.31', 'H22.31', '2025-07-01')$$) AS itself;
SELECT pg_temp.try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective) VALUES ('H22.90', 'H22.99', '2025-07-01')$$) AS unknown_unit;
SELECT pg_temp.try($$UPDATE tthc.unit SET valid_from = '2025-07-02', valid_to = '2025-07-01' WHERE code = 'H22.32'$$) AS ends_before_it_starts;
SELECT pg_temp.try($$UPDATE tthc.unit SET level = 'hamlet' WHERE code = 'H22.32'$$) AS unknown_level;

-- 6. From the attacker's side: the officers of an ended commune and of
-- its successor, an officer of the other successor, and a login outside
-- every tthc role
CREATE ROLE reorg_old NOLOGIN IN ROLE tthc_officer;
CREATE ROLE reorg_new NOLOGIN IN ROLE tthc_officer;
CREATE ROLE reorg_other NOLOGIN IN ROLE tthc_officer;
CREATE ROLE reorg_outsider NOLOGIN;
INSERT INTO tthc.officer_unit (role, unit) VALUES ('reorg_old', 'H22.90.03'), ('reorg_new', 'H22.31'), ('reorg_other', 'H22.32');
SET ROLE reorg_old;
-- its own orphans only; the succession it reads, never writes
SELECT code, handling_unit FROM tthc.unit_orphans('2025-07-05 12:00');
SELECT count(*) AS successions_read FROM tthc.unit_succession;
SELECT pg_temp.try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, share) VALUES ('H22.91', 'H22.32', '2025-07-01', 1)$$) AS insert_succession;
SELECT pg_temp.try($$UPDATE tthc.unit_succession SET share = 1 WHERE old_unit = 'H22.90.03'$$) AS update_succession;
SELECT pg_temp.try($$DELETE FROM tthc.unit_succession$$) AS delete_succession;
SELECT pg_temp.try($$INSERT INTO tthc.unit_succession (old_unit, new_unit, effective) VALUES ('H22.91', 'H22.31', '2025-07-01')
                     ON CONFLICT (old_unit, new_unit) DO UPDATE SET whole = true$$) AS upsert_succession;
-- nor revives its unit to receive again
SELECT pg_temp.try($$UPDATE tthc.unit SET valid_to = NULL WHERE code = 'H22.90.03'$$) AS revive_unit;
SELECT pg_temp.try($$SELECT tthc.unit_succession_check()$$) AS call_the_trigger;
RESET ROLE;
SET ROLE reorg_new;
-- (the ended unit's dossiers are its own officers' and tthc_admin's to move)
SELECT count(*) AS orphans_seen_by_successor FROM tthc.unit_orphans('2025-07-05 12:00');
RESET ROLE;
SET ROLE reorg_other;
SELECT count(*) AS orphans_seen_by_other FROM tthc.unit_orphans('2025-07-05 12:00');
RESET ROLE;
SET ROLE reorg_outsider;
SELECT pg_temp.try($$SELECT * FROM tthc.unit_orphans()$$) AS outsider_orphans;
SELECT pg_temp.try($$SELECT count(*) FROM tthc.unit_succession$$) AS outsider_reads;
COPY tthc.unit_succession TO stdout;
COPY tthc.unit_succession FROM stdin;
H22.91	H22.31	2025-07-01	t	\N	\N
\.
RESET ROLE;
SELECT count(*) AS successions, sum(share) FILTER (WHERE old_unit = 'H22.90.03') AS dong_ngu_shares FROM tthc.unit_succession;
DROP OWNED BY reorg_old, reorg_new, reorg_other, reorg_outsider;
DELETE FROM tthc.officer_unit WHERE role::text LIKE 'reorg_%';
DROP ROLE reorg_old, reorg_new, reorg_other, reorg_outsider;

-- 7. The log of everything above verifies
SELECT count(*) AS problems FROM tthc.verify_log();

\c contrib_regression
DROP DATABASE tthc_reorg;
