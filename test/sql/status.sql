-- Dossier statuses, their national codes, and the allowed moves (as data).
SET DateStyle = 'ISO, YMD';

SELECT s AS status, tthc.dvc_code(s) AS code, tthc.allowed_targets(s) AS may_move_to
FROM unnest(enum_range(NULL::tthc.dossier_status)) s;

-- the full matrix agrees with the table, and every move of domain.md §3 is allowed
SELECT count(*) FILTER (WHERE tthc.transition_allowed(a, b)) AS allowed_moves,
       count(*) FILTER (WHERE tthc.transition_allowed(a, b) <>
         EXISTS (SELECT 1 FROM tthc.status_transition t WHERE t.from_status = a AND t.to_status = b AND t.allowed)) AS disagreements
FROM unnest(enum_range(NULL::tthc.dossier_status)) a, unnest(enum_range(NULL::tthc.dossier_status)) b;

-- illegal moves: 55000 with the allowed targets in the detail
\set VERBOSITY default
SELECT tthc.check_transition('received', 'resolved');
SELECT tthc.check_transition('returned', 'processing');
SELECT tthc.check_transition('processing', 'resolved');

-- a province changes the table: its row overrides the shipped one, at once
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note)
VALUES ('awaiting_payment', 'resolved', false, 'this province resolves only from processing'),
       ('received', 'refused', true, 'late refusal allowed here');
SELECT tthc.transition_allowed('awaiting_payment', 'resolved') AS pay_to_resolved,
       tthc.transition_allowed('received', 'refused') AS received_to_refused;
DELETE FROM tthc.status_transition WHERE NOT shipped;
SELECT tthc.transition_allowed('awaiting_payment', 'resolved') AS pay_to_resolved,
       tthc.transition_allowed('received', 'refused') AS received_to_refused;
-- shipped rows stay as shipped
UPDATE tthc.status_transition SET allowed = false WHERE from_status = 'submitted';

-- units and procedures
INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm PVHCC tỉnh Quảng Ninh', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22');
INSERT INTO tthc.unit (code, name, level) VALUES ('h22.02', 'lower case', 'commune');
INSERT INTO tthc.unit (code, name, level, calendar) VALUES ('H22.03', 'no such calendar', 'commune', 'mars');
INSERT INTO tthc.procedure (code, name, time_limit, online_time_limit, valid_from, valid_to)
VALUES ('1.005129', 'Cấp giấy phép xây dựng', '15 ngày làm việc', '12 ngày làm việc', '2024-01-01', '2025-06-30'),
       ('1.005129', 'Cấp giấy phép xây dựng', '10 ngày làm việc', NULL, '2025-07-01', NULL),
       ('1.003560.000.00.00.H56', 'Biến thể tỉnh', 'trong ngày', NULL, '2025-07-01', NULL);
SELECT code, time_limit, online_time_limit, supplement_mode, valid_from, valid_to
FROM tthc.procedure ORDER BY code, valid_from;
-- overlapping versions are refused
INSERT INTO tthc.procedure (code, name, time_limit, valid_from) VALUES ('1.005129', 'again', '5 wd', '2025-01-01');
-- (terse: a failing row's gid is random)
\set VERBOSITY terse
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.5129', 'bad code', '5 wd');
INSERT INTO tthc.procedure (code, name, time_limit, supplement_mode) VALUES ('1.000001', 'x', '5 wd', 'forever');
\set VERBOSITY default
-- inter-agency steps
INSERT INTO tthc.procedure_step (procedure_id, step, unit, allowance)
SELECT id, 1, 'H22.01', '3 working days' FROM tthc.procedure WHERE code = '1.005129' AND valid_to IS NULL;
\set VERBOSITY terse
INSERT INTO tthc.procedure_step (procedure_id, step, allowance)
SELECT id, 2, '7 working days' FROM tthc.procedure WHERE code = '1.005129' AND valid_to IS NULL;
\set VERBOSITY default
