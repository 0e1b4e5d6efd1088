-- The dossier lifecycle: reception, the clock, pauses and restarts, steps,
-- results, apologies, recomputation and the sweep, all with fixed times.
-- Runs in a database of its own.
CREATE DATABASE tthc_dossier;
\c tthc_dossier
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
\set VERBOSITY default
\set SHOW_CONTEXT never

INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm PVHCC tỉnh', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22'),
  ('H22.02', 'Sở Xây dựng', 'department', 'H22');
INSERT INTO tthc.procedure (code, name, time_limit, online_time_limit, supplement_mode, same_day_cutoff, valid_from, valid_to) VALUES
  ('1.000001', 'ba ngày, trực tuyến hai', '3 ngày làm việc', '2 ngày làm việc', 'restart', NULL, '2020-01-01', NULL),
  ('1.000002', 'tạm dừng khi bổ sung', '5 working days', NULL, 'pause', NULL, '2020-01-01', NULL),
  ('1.000003', 'tính lại khi bổ sung', '5 working days', NULL, 'restart', NULL, '2020-01-01', NULL),
  ('1.000004', 'trong ngày', 'trong ngày', NULL, 'restart', NULL, '2020-01-01', NULL),
  ('1.000007', 'trong ngày, hạn 11 giờ', 'same day', NULL, 'restart', '11:00', '2020-01-01', NULL),
  ('1.000005', 'liên thông', '10 working days', NULL, 'restart', NULL, '2020-01-01', NULL),
  ('1.000006', 'rút ngắn từ 1/7/2025', '15 working days', NULL, 'restart', NULL, '2020-01-01', '2025-06-30'),
  ('1.000006', 'rút ngắn từ 1/7/2025', '10 working days', NULL, 'restart', NULL, '2025-07-01', NULL),
  ('1.000008', 'tính theo ngày', '30 ngày', NULL, 'restart', NULL, '2020-01-01', NULL),
  ('1.000009', 'tính theo giờ', '4 giờ làm việc', NULL, 'restart', NULL, '2020-01-01', NULL);
INSERT INTO tthc.procedure_step (procedure_id, step, unit, allowance)
SELECT id, s.step, s.unit, s.allowance::tthc.time_limit
FROM tthc.procedure, (VALUES (1, 'H22.01', '3 working days'), (2, 'H22.02', '7 working days')) s(step, unit, allowance)
WHERE code = '1.000005';

-- a view of the log without the volatile columns (actor, recorded_at)
CREATE TEMP VIEW slip AS
SELECT d.code, e.seq, e.at, e.kind, e.from_status, e.to_status, e.unit, e.step,
       e.step_due_at, e.step_result, e.old_due_at, e.new_due_at, e.note
FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id;

-- 1. Reception on a make-up Saturday (10/01/2026 is worked for Friday 02/01):
-- the Saturday counts, and the code carries the receiving unit's local day.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000001', 'H22.01', '2026-01-10 09:00', 'Nguyễn Văn A');
SELECT code, status, received_at, due_at, regime, channel,
       due_at = tthc.deadline(received_at, '3 working days', 'vn') AS same_as_deadline,
       due_at = tthc.deadline(received_at, '3 working days', 'vn') AND
       due_at < tthc.deadline('2026-01-12 07:30', '3 working days', 'vn') AS saturday_counted
FROM tthc.dossier WHERE received_at = '2026-01-10 09:00';

-- 2. Online dossiers (channel 2) get the online limit; numbers follow per day.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, channel)
VALUES ('1.000001', 'H22.01', '2026-01-10 09:30', 2),
       ('1.000001', 'H22.01', '2026-01-10 10:00', 3);
SELECT code, channel, due_at, due_at = tthc.deadline(received_at, CASE channel WHEN 2 THEN '2 wd' ELSE '3 wd' END::tthc.time_limit, 'vn') AS right_limit
FROM tthc.dossier WHERE received_at::date = '2026-01-10' ORDER BY code;

-- an online submission waits unstarted; the clock starts at acceptance
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, channel, status, submitted_at)
VALUES ('1.000001', 'H22', 'H22.01', 2, 'submitted', '2026-01-09 22:15');
SELECT code, status, submitted_at, received_at, due_at, regime FROM tthc.dossier WHERE code LIKE 'H22-%';
SELECT (tthc.transition('H22-260109-0001', 'received', '2026-01-12 08:10')).due_at AS due_from_acceptance,
       tthc.deadline('2026-01-12 08:10', '2 wd', 'vn') AS expected;

-- 3. A pause spanning Tết: the deadline moves by the working time paused,
-- and Tết (16-20/02/2026) and the weekends in between do not count.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
VALUES ('1.000002', 'H22.01', '2026-02-09 08:00');
SELECT (tthc.transition('H22.01-260209-0001', 'processing', '2026-02-09 09:00')).status AS moved;
SELECT status, due_at AS due_before_pause FROM tthc.transition('H22.01-260209-0001', 'awaiting_supplement', '2026-02-12 10:00', 'thiếu bản vẽ');
SELECT status, paused_at, due_at, paused_work FROM tthc.transition('H22.01-260209-0001', 'processing', '2026-02-24 10:00');
SELECT due_at = tthc.add_working_time('2026-02-23 08:00', tthc.working_time_between('2026-02-12 10:00', '2026-02-24 10:00', 'vn'), 'vn') AS moved_by_time_paused,
       tthc.working_time_between('2026-02-12 10:00', '2026-02-24 10:00', 'vn') AS paused_work
FROM tthc.dossier WHERE code = 'H22.01-260209-0001';

-- 4. Restart vs pause on the same history: supplement requested on
-- Wednesday 04/03, complete dossier back on Monday 09/03, resolved Thursday
-- 12/03.  Paused: the deadline moves by the 3 working days waited, and the
-- dossier is late.  Restarted: the full 5 days run again from Monday, early.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
VALUES ('1.000002', 'H22.01', '2026-03-02 08:00'), ('1.000003', 'H22.01', '2026-03-02 08:00');
SELECT count(*) AS moves FROM tthc.dossier d,
  LATERAL (VALUES (1, 'processing', '2026-03-02 09:00'), (2, 'awaiting_supplement', '2026-03-04 09:00'),
                  (3, 'processing', '2026-03-09 09:00'), (4, 'resolved', '2026-03-12 09:00')) m(i, st, at),
  LATERAL tthc.transition(d.code, m.st::tthc.dossier_status, m.at::timestamptz) t
WHERE d.received_at = '2026-03-02 08:00';
SELECT p.supplement_mode, d.clock_started_at, d.due_at, d.finished_at, d.result
FROM tthc.dossier d JOIN tthc.procedure p ON p.id = d.procedure_id
WHERE d.received_at = '2026-03-02 08:00' ORDER BY p.supplement_mode;
SELECT code, seq, at, kind, from_status, to_status, old_due_at, new_due_at FROM slip
WHERE code LIKE 'H22.01-260302-%' ORDER BY code, seq;

-- 5. Apologies: at least one working day before the deadline, at most once;
-- the result is still judged against the legal deadline.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
VALUES ('1.000001', 'H22.01', '2026-04-06 08:00');
SELECT due_at FROM tthc.dossier WHERE code = 'H22.01-260406-0001';
SELECT tthc.apologize('H22.01-260406-0001', 'chờ xác minh', '2026-04-14 16:00', '2026-04-08 09:00');
SELECT seq, issued_at, reason, due_at, promised_at
FROM tthc.apologize('H22.01-260406-0001', 'chờ xác minh', '2026-04-14 16:00', '2026-04-07 08:00');
SELECT tthc.apologize('H22.01-260406-0001', 'lần hai', '2026-04-20 16:00', '2026-04-07 09:00');
SELECT (tthc.transition('H22.01-260406-0001', 'processing', '2026-04-07 10:00')).status AS moved;
SELECT promised_at, apologies, result, finished_at > due_at AS after_deadline, finished_at < promised_at AS before_promise
FROM tthc.transition('H22.01-260406-0001', 'resolved', '2026-04-13 10:00');
-- a province that allows two, with half a day's notice
SET tthc.apology_max = 2;
SET tthc.apology_min_notice = '4 giờ làm việc';
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000001', 'H22.01', '2026-04-06 08:30');
SELECT (tthc.apologize('H22.01-260406-0002', 'một', '2026-04-10 10:00', '2026-04-06 09:00')).seq,
       (tthc.apologize('H22.01-260406-0002', 'hai', '2026-04-14 10:00', '2026-04-08 10:00')).seq;
SELECT apologies, promised_at FROM tthc.dossier WHERE code = 'H22.01-260406-0002';
RESET tthc.apology_max;
RESET tthc.apology_min_notice;

-- 6. Event times: never backwards, never in the future; a direct UPDATE that
-- skips a status fails like tthc.transition, and nothing is written.
SELECT tthc.transition('H22.01-260406-0002', 'processing', '2026-04-08 09:59');
SELECT tthc.transition('H22.01-260406-0002', 'processing', now() + interval '1 hour');
UPDATE tthc.dossier SET status = 'resolved', changed_at = '2026-04-09 10:00' WHERE code = 'H22.01-260406-0002';
UPDATE tthc.dossier SET status = 'returned' WHERE code = 'H22.01-260406-0002';
SELECT status, event_seq, (SELECT count(*) FROM slip WHERE code = 'H22.01-260406-0002') AS events
FROM tthc.dossier WHERE code = 'H22.01-260406-0002';
-- the same moves, in order, by plain UPDATEs
UPDATE tthc.dossier SET status = 'processing', changed_at = '2026-04-08 11:00' WHERE code = 'H22.01-260406-0002';
UPDATE tthc.dossier SET status = 'resolved', changed_at = '2026-04-09 10:00', note = 'trả qua bưu chính' WHERE code = 'H22.01-260406-0002';
UPDATE tthc.dossier SET status = 'returned', changed_at = '2026-04-10 15:00' WHERE code = 'H22.01-260406-0002';
SELECT status, finished_at, returned_at, result FROM tthc.dossier WHERE code = 'H22.01-260406-0002';
-- an edit of the applicant's details is logged as an edit
UPDATE tthc.dossier SET applicant_phone = '0912345678', changed_at = '2026-04-10 16:00' WHERE code = 'H22.01-260406-0002';
SELECT seq, at, kind, from_status, to_status, note FROM slip WHERE code = 'H22.01-260406-0002' ORDER BY seq;

-- 7. An inter-agency dossier late in its second step only: step 1 (the
-- commune, 3 days) hands over early; step 2 (the department, 7 days) runs
-- over its allowance, yet the dossier as a whole finishes early.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000005', 'H22.01', '2026-05-04 08:00');
SELECT step, step_unit, step_due_at, due_at FROM tthc.dossier WHERE code = 'H22.01-260504-0001';
SELECT (tthc.transition('H22.01-260504-0001', 'processing', '2026-05-04 09:00')).step;
SELECT step, step_unit, step_started_at, step_due_at
FROM tthc.transition('H22.01-260504-0001', 'processing', '2026-05-06 10:00', 'chuyển Sở Xây dựng');
-- no step after the last one
SELECT tthc.transition('H22.01-260504-0001', 'processing', '2026-05-15 13:00');
SELECT result FROM tthc.transition('H22.01-260504-0001', 'resolved', '2026-05-15 14:00');
SELECT seq, at, kind, unit, step, step_due_at, step_result FROM slip
WHERE code = 'H22.01-260504-0001' ORDER BY seq;
-- the late step and the unit responsible, from the log
SELECT e.unit AS responsible, e.step, e.step_due_at, e.at AS handed_over_at
FROM slip e WHERE e.code = 'H22.01-260504-0001' AND e.step_result = 'late';
-- no hand-over outside processing, nor together with a status move
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000005', 'H22.01', '2026-05-04 08:30');
UPDATE tthc.dossier SET step = 2, changed_at = '2026-05-04 09:00' WHERE code = 'H22.01-260504-0002';
UPDATE tthc.dossier SET status = 'processing', step = 2, changed_at = '2026-05-04 09:00' WHERE code = 'H22.01-260504-0002';
SELECT (tthc.transition('H22.01-260504-0002', 'processing', '2026-05-04 09:00')).step AS still_step;

-- 8. Same-day procedures and the cut-off (the calendar's 15:00, or the
-- procedure's own); calendar days; working hours.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES
  ('1.000004', 'H22.01', '2026-06-05 14:59'), ('1.000004', 'H22.01', '2026-06-05 15:00'),
  ('1.000007', 'H22.01', '2026-06-05 10:59'), ('1.000007', 'H22.01', '2026-06-05 11:00'),
  ('1.000008', 'H22.01', '2026-06-05 11:00'), ('1.000009', 'H22.01', '2026-06-05 16:00');
SELECT d.procedure_code, p.time_limit, p.same_day_cutoff, d.received_at, d.due_at
FROM tthc.dossier d JOIN tthc.procedure p ON p.id = d.procedure_id
WHERE d.received_at::date = '2026-06-05' ORDER BY d.code;

-- 9. The version in force at reception, and the regime by reception time
-- (ND 118/2025 from 1/7/2025 00:00 in Vietnam).
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES
  ('1.000006', 'H22.01', '2025-06-30 23:59:59'), ('1.000006', 'H22.01', '2025-07-01 00:00');
SELECT d.code, d.received_at, p.time_limit, d.regime
FROM tthc.dossier d JOIN tthc.procedure p ON p.id = d.procedure_id
WHERE d.procedure_code = '1.000006' ORDER BY d.received_at;

-- 10. Numbers: a code given by the client must be the receiving unit's, of
-- the day of its reception, written as tthc writes it, and the next number
-- (or one given already, left to the unique index): it can never take
-- another unit's or a later number, which would block every later reception.
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.01-260608-0007', '1.000001', 'H22.01', '2026-06-08 08:00');
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.02-260608-0001', '1.000001', 'H22.01', '2026-06-08 08:00');
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.01-260609-0001', '1.000001', 'H22.01', '2026-06-08 08:00');
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.01-260608-00001', '1.000001', 'H22.01', '2026-06-08 08:00');
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.01-260608-0001', '1.000001', 'H22.01', '2026-06-08 08:00');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000001', 'H22.01', '2026-06-08 08:05');
-- a code given again conflicts; ON CONFLICT skips it and leaves nothing of it
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.01-260608-0002', '1.000001', 'H22.01', '2026-06-08 08:10');
INSERT INTO tthc.dossier (code, procedure_code, receiving_unit, received_at)
VALUES ('H22.01-260608-0002', '1.000001', 'H22.01', '2026-06-08 08:10') ON CONFLICT (code) DO NOTHING;
SELECT code FROM tthc.dossier WHERE received_at::date = '2026-06-08' ORDER BY received_at;
SELECT unit, day, last FROM tthc.dossier_counter ORDER BY day, unit;
-- a row skipped by ON CONFLICT on another key leaves no event, no count and
-- no number: the next row takes the number it had
CREATE UNIQUE INDEX dossier_applicant_once ON tthc.dossier (applicant_id, received_at);
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id)
VALUES ('1.000001', 'H22.01', '2026-06-08 09:00', '022088000601');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id)
VALUES ('1.000001', 'H22.01', '2026-06-08 09:00', '022088000602'),
       ('1.000001', 'H22.01', '2026-06-08 09:00', '022088000601'),   -- already received
       ('1.000001', 'H22.01', '2026-06-08 09:00', '022088000603')
ON CONFLICT (applicant_id, received_at) DO NOTHING;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_id)
VALUES ('1.000001', 'H22.01', '2026-06-08 09:00', '022088000601')    -- the last one skipped
ON CONFLICT (applicant_id, received_at) DO NOTHING;
DROP INDEX tthc.dossier_applicant_once;
SELECT d.code, d.applicant_id, d.event_seq, count(e.seq) AS events
FROM tthc.dossier d LEFT JOIN tthc.dossier_event e ON e.dossier_id = d.id
WHERE d.received_at = '2026-06-08 09:00' GROUP BY d.code, d.applicant_id, d.event_seq ORDER BY d.code;
SELECT count(*) AS orphan_events FROM tthc.dossier_event e WHERE NOT EXISTS (SELECT FROM tthc.dossier d WHERE d.id = e.dossier_id);
SELECT last FROM tthc.dossier_counter WHERE unit = 'H22.01' AND day = '2026-06-08';
SELECT received FROM tthc.report('H22.01', '[2026-06-08,2026-06-09)') WHERE level = 'total';
-- boundary-free: a procedure off the list is received along its own line of
-- units only; no dossier crosses into another province
INSERT INTO tthc.unit (code, name, level) VALUES ('H99', 'tỉnh khác', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('H22.03', 'phường khác', 'commune', 'H22');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at) VALUES ('1.000001', 'H22.03', 'H22.01', '2026-06-08 10:00');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at) VALUES ('1.000001', 'H99', 'H22.01', '2026-06-08 10:00');
INSERT INTO tthc.procedure (code, name, time_limit, boundary_free) VALUES ('1.000099', 'phi địa giới', '3 working days', true);
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at) VALUES ('1.000099', 'H22.03', 'H22.01', '2026-06-08 10:00')
RETURNING code, receiving_unit, handling_unit;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at) VALUES ('1.000099', 'H99', 'H22.01', '2026-06-08 10:00');
-- along the line of units, without the list: the provincial centre for a
-- commune, a commune handing a dossier up to the province
INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at) VALUES
  ('1.000001', 'H22', 'H22.01', '2026-06-08 10:05'), ('1.000001', 'H22.01', 'H22', '2026-06-08 10:05')
RETURNING code, receiving_unit, handling_unit;
-- every generated code is the unit, the local day of its first event and
-- the next number of that day, without gaps
SELECT count(*) AS dossiers,
       count(*) FILTER (WHERE code = receiving_unit || '-' || to_char(first_at, 'YYMMDD') || '-' || lpad(n::text, 4, '0')) AS numbered_in_order
FROM (SELECT d.code, d.receiving_unit, e.at AS first_at,
             row_number() OVER (PARTITION BY d.receiving_unit, e.at::date ORDER BY d.code) AS n
      FROM tthc.dossier d JOIN tthc.dossier_event e ON e.dossier_id = d.id AND e.seq = 1
      WHERE e.at::date <> '2026-06-08') x;

-- 11. Terminal statuses: withdrawn, refused, stopped
INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, submitted_at, channel) VALUES
  ('1.000001', 'H22.01', 'submitted', '2026-06-09 08:00', 2);
INSERT INTO tthc.dossier (procedure_code, receiving_unit, status, received_at) VALUES ('1.000001', 'H22.01', 'received', '2026-06-09 08:05');
SELECT (tthc.transition('H22.01-260609-0001', 'refused', '2026-06-09 09:00', 'sai thẩm quyền')).status,
       (tthc.transition('H22.01-260609-0002', 'withdrawn', '2026-06-09 09:00')).status;
SELECT tthc.transition('H22.01-260609-0002', 'processing', '2026-06-09 10:00');
SELECT tthc.transition('H22.01-260609-0001', 'received', '2026-06-09 10:00');

-- 12. A new holiday declared after deadlines were set: preview, then apply.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES
  ('1.000001', 'H22.01', '2026-06-15 08:00'), ('1.000002', 'H22.01', '2026-06-15 08:00');
SELECT (tthc.transition('H22.01-260615-0002', 'processing', '2026-06-15 09:00')).status AS moved,
       (tthc.transition('H22.01-260615-0002', 'awaiting_payment', '2026-06-15 10:00')).status AS paused;
INSERT INTO tthc.calendar_exception (calendar, day, kind, name)
VALUES ('vn', '2026-06-16', 'holiday', 'ngày nghỉ đột xuất (thử)');
SELECT * FROM tthc.recompute_deadlines('vn', '2026-06-16');
SELECT count(*) AS nothing_moved_yet FROM slip WHERE kind = 'deadline';
SELECT * FROM tthc.recompute_deadlines('vn', '2026-06-16', apply => true, at => '2026-06-16 09:00');
SELECT code, kind, old_due_at, new_due_at, note FROM slip WHERE kind = 'deadline' ORDER BY code;
SELECT count(*) AS second_run FROM tthc.recompute_deadlines('vn', '2026-06-16', true, '2026-06-16 09:00');
-- the paused dossier resumes from its moved deadline
SELECT due_at, paused_work FROM tthc.transition('H22.01-260615-0002', 'processing', '2026-06-18 10:00');
DELETE FROM tthc.calendar_exception WHERE calendar = 'vn' AND day = '2026-06-16' AND NOT shipped;

-- 13. The sweep: overdue once, due soon once, paused never; idempotent.
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES
  ('1.000009', 'H22.01', '2026-07-01 08:00'),   -- 4 working hours: due 13:30
  ('1.000001', 'H22.01', '2026-07-01 08:00'),   -- 3 working days
  ('1.000003', 'H22.01', '2026-07-01 08:00');   -- paused below
SELECT (tthc.transition('H22.01-260701-0003', 'processing', '2026-07-01 08:30')).status,
       (tthc.transition('H22.01-260701-0003', 'awaiting_supplement', '2026-07-01 09:00')).status;
SELECT code, due_at FROM tthc.dossier WHERE received_at = '2026-07-01 08:00' ORDER BY code;
SELECT * FROM tthc.sweep('2026-07-01 14:00');
SELECT * FROM tthc.sweep('2026-07-03 09:00');
SELECT * FROM tthc.sweep('2026-07-03 09:00');
SELECT code, status, overdue_since, due_soon_at FROM tthc.dossier WHERE received_at = '2026-07-01 08:00' ORDER BY code;
SELECT code, seq, at, kind, old_due_at FROM slip
WHERE code LIKE 'H22.01-260701-%' AND kind IN ('overdue', 'due_soon') ORDER BY code, seq;
SELECT swept_to, overdue, due_soon, runs FROM tthc.sweep_state;
-- resolved after its deadline: late, and noticed as overdue on the way
SELECT result, overdue_since FROM tthc.transition('H22.01-260701-0002', 'processing', '2026-07-06 08:00');
SELECT result, overdue_since, finished_at FROM tthc.transition('H22.01-260701-0002', 'resolved', '2026-07-07 08:00');

-- a move at the very time of the latest event keeps that time
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000001', 'H22.01', '2026-07-08 09:00');
SELECT changed_at, status FROM tthc.transition('H22.01-260708-0001', 'processing', '2026-07-08 09:00');

-- 14. The log of one dossier reads as its process control slip
SELECT seq, at, kind, from_status, to_status, unit, old_due_at, new_due_at, note FROM slip
WHERE code = 'H22.01-260209-0001' ORDER BY seq;
-- every dossier's events are numbered 1..event_seq without gaps, in time order
SELECT count(*) AS dossiers,
       count(*) FILTER (WHERE n = d.event_seq AND mx = d.event_seq AND ordered) AS consistent
FROM tthc.dossier d,
LATERAL (SELECT count(*) AS n, max(seq) AS mx,
                bool_and(at >= coalesce(prev_at, at)) AS ordered
         FROM (SELECT seq, at, lag(at) OVER (ORDER BY seq) AS prev_at
               FROM tthc.dossier_event e WHERE e.dossier_id = d.id) x) e;
\c contrib_regression
DROP DATABASE tthc_dossier;
