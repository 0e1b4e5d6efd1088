-- Money: fees, payments, refunds, waivers and receipts numbered without
-- gaps, each an event of the dossier.  Every rule and error (SQLSTATE,
-- table, column) with nothing written on failure; the clock paused while
-- awaiting payment and the move on once paid; the log catching a changed
-- payment or receipt; then months of random dossiers whose receipt-use
-- report and online-payment ratio must equal a brute-force count.  Runs in
-- a database of its own.
CREATE DATABASE tthc_money;
\c tthc_money
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
SET IntervalStyle = 'postgres';
\set VERBOSITY default
\set SHOW_CONTEXT never
-- an error as its SQLSTATE, table and column, and message
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  st text; tb text; co text; msg text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, tb = TABLE_NAME, co = COLUMN_NAME, msg = MESSAGE_TEXT;
  RETURN st || ' ' || coalesce(nullif(tb, ''), '-') || '.' || coalesce(nullif(co, ''), '-') || ': ' || msg;
END $$;
-- what a failed act could have left behind
CREATE FUNCTION pg_temp.footprint() RETURNS text LANGUAGE sql AS $$
  SELECT format('events %s, payments %s, receipts %s, next numbers %s, cancelled %s',
    (SELECT sum(event_seq) FROM tthc.dossier), (SELECT count(*) FROM tthc.payment),
    (SELECT count(*) FROM tthc.receipt),
    (SELECT string_agg(symbol || '=' || next_no, ' ' ORDER BY unit, symbol) FROM tthc.receipt_series),
    (SELECT count(*) FROM tthc.receipt WHERE status <> 'issued'))
$$;

INSERT INTO tthc.unit (code, name, level, tax_code) VALUES ('H22', 'Trung tâm PVHCC tỉnh', 'province', '5700100256');
INSERT INTO tthc.unit (code, name, level, parent, tax_code) VALUES
  ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22', '5700100256-001'),
  ('H22.02', 'Trung tâm PVHCC đặc khu Vân Đồn', 'commune', 'H22', NULL);
INSERT INTO tthc.procedure (code, name, time_limit, after_payment) VALUES
  ('1.000001', 'cấp bản sao trích lục hộ tịch', '1 working day', 'processing'),
  ('1.000002', 'cấp giấy chứng nhận quyền sử dụng đất', '10 working days', 'resolved'),
  ('1.000003', 'chứng thực chữ ký', '1 working day', 'processing');
INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, stage, exempt, legal_reference)
SELECT p.id, f.code, f.kind, f.name, f.amount, f.stage, f.exempt, 'NQ 12/2025/NQ-HĐND'
FROM tthc.procedure p JOIN (VALUES
  ('1.000001', 'LP-BS', 'le_phi', 'Lệ phí cấp bản sao', 8000, 'reception', 'người có công, hộ nghèo'),
  ('1.000002', 'LP-GCN', 'le_phi', 'Lệ phí cấp giấy chứng nhận', 100000, 'result', NULL),
  ('1.000002', 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ', 500000, 'reception', NULL),
  ('1.000002', 'PHI-BS', 'phi', 'Phí đo đạc bổ sung', 200000, 'supplement', NULL)
) f(proc, code, kind, name, amount, stage, exempt) ON f.proc = p.code;
SELECT fee_code, kind, amount, stage, portal_stage FROM tthc.fee ORDER BY fee_code;
INSERT INTO tthc.receipt_series (unit, template, symbol, kind, electronic, legal_reference) VALUES
  ('H22.01', '01BLP0-001', 'AA/26E', 'le_phi', true, 'NĐ 123/2020, NĐ 70/2025'),
  ('H22.01', '02BLP0-001', 'BB/26E', 'phi', true, 'NĐ 123/2020, NĐ 70/2025'),
  ('H22', '01BLP0-001', 'CC/26E', 'le_phi', true, NULL),
  ('H22', '02BLP0-001', 'DD/26E', 'phi', true, NULL),
  ('H22.01', '01BLP0-001', 'AA/25E', 'le_phi', true, 'last year''s'),
  ('H22.02', '01BLP0-001', 'EE/26P', 'le_phi', false, 'paper');
SELECT unit, symbol, kind, electronic, first_no, last_no, next_no, year FROM tthc.receipt_series ORDER BY unit, symbol;

-- 1. The configuration keeps its rules.
SELECT pg_temp.try($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind, next_no) VALUES ('H22.01', 'X', 'XX/26E', 'phi', 5)$$) AS next_no_given,
       pg_temp.try($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind, electronic) VALUES ('H22.01', 'X', 'XX/26E', 'phi', false)$$) AS e_but_paper,
       pg_temp.try($$INSERT INTO tthc.receipt_series (unit, template, symbol, kind) VALUES ('H22.01', 'X', 'AA-2026', 'phi')$$) AS bad_symbol,
       pg_temp.try($$UPDATE tthc.receipt_series SET next_no = 3 WHERE symbol = 'AA/26E'$$) AS move_next_no,
       pg_temp.try($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount) SELECT id, 'X', 'thue', 'x', 1 FROM tthc.procedure LIMIT 1$$) AS bad_kind,
       pg_temp.try($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount) SELECT id, 'X', 'phi', 'x', -1 FROM tthc.procedure LIMIT 1$$) AS negative_fee;

-- 2. A payment is an event of the dossier.
INSERT INTO tthc.officer (login, full_name, unit) VALUES
  ('an.nv', 'Nguyễn Văn An', 'H22.01'), ('cuong.lv', 'Lê Văn Cường', 'H22.02');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id, applicant_address)
VALUES ('1.000002', 'H22.01', '2026-11-02 09:00', 'Trần Thị Bình', '022190001234', 'Hạ Long, Quảng Ninh'),
       ('1.000001', 'H22.01', '2026-11-02 09:30', 'Phạm Văn Cơ', NULL, NULL),
       ('1.000003', 'H22.02', '2026-11-02 10:00', 'Đỗ Thu Hà', NULL, NULL);
SELECT code, payment FROM tthc.dossier ORDER BY code;
BEGIN;
SET LOCAL tthc.actor = 'an.nv';
SELECT fee_code, amount, method, online, reference, paid_at, officer, event_seq
FROM tthc.pay('H22.01-261102-0001', 'PHI-TD', 300000, 'portal', 'DVCQG-PAY-0001', '2026-11-02 09:05');
SELECT fee_code, amount, method, online FROM tthc.pay('H22.01-261102-0001', 'PHI-TD', 200000, 'transfer', 'VCB-77', '2026-11-02 09:06', online => true);
COMMIT;
SELECT seq, kind, unit, officer, note::jsonb ->> 'amount' AS amount FROM tthc.dossier_event
WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261102-0001') ORDER BY seq;
SELECT code, payment FROM tthc.dossier WHERE code = 'H22.01-261102-0001';

-- 3. Bad payments: a clear error, and nothing written.
SELECT pg_temp.footprint() AS before \gset
SELECT pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'PHI-TD', 1, 'cash')$$) AS more_than_due,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100001, 'cash')$$) AS more_than_fee,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-BS', 8000, 'cash')$$) AS fee_of_another_procedure,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 0, 'cash')$$) AS zero,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'cheque')$$) AS unknown_method,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'waived')$$) AS waiver_by_pay,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', NULL, 100, 'cash')$$) AS no_fee,
       pg_temp.try($$SELECT tthc.pay('H22.01-261199-0001', 'LP-GCN', 100, 'cash')$$) AS no_dossier;
SELECT pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'cash', NULL, '2026-11-02 08:00')$$) AS before_last_event,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'cash', NULL, now() + interval '1 day')$$) AS in_the_future,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'cash', NULL, 'infinity')$$) AS infinite;
BEGIN;
SET LOCAL tthc.actor = 'cuong.lv';
SELECT pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'cash')$$) AS officer_of_another_centre;
SET LOCAL tthc.actor = 'nobody';
SELECT pg_temp.try($$SELECT tthc.pay('H22.01-261102-0001', 'LP-GCN', 100, 'cash')$$) AS unknown_officer;
ROLLBACK;
SELECT pg_temp.footprint() = :'before' AS nothing_written;
-- a withdrawn dossier takes no payment
SELECT (tthc.transition('H22.02-261102-0001', 'withdrawn', '2026-11-02 10:05')).status AS withdrawn;
SELECT pg_temp.footprint() AS before \gset
SELECT pg_temp.try($$SELECT tthc.pay('H22.02-261102-0001', 'LP-BS', 8000, 'cash')$$) AS no_fee_there,
       pg_temp.try($$INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount) SELECT id, 'LP-CT', 'le_phi', 'Lệ phí chứng thực', 2000 FROM tthc.procedure WHERE code = '1.000003'$$) AS fee_added,
       pg_temp.try($$SELECT tthc.pay('H22.02-261102-0001', 'LP-CT', 2000, 'cash')$$) AS withdrawn_dossier;
SELECT pg_temp.footprint() = :'before' AS nothing_written;

-- 4. Receipts: one per kind, numbered next in the nearest series.
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40')$$) AS nothing_paid;
SELECT unit, template, symbol, number, no, kind, total, payer_name, payer_id, status, event_seq,
       jsonb_array_length(lines) AS lines
FROM tthc.issue_receipt('H22.01-261102-0001', '2026-11-02 09:10');
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0001', '2026-11-02 09:11')$$) AS again;
-- a refund of a receipted payment needs the receipt cancelled first
SELECT pg_temp.try($$SELECT tthc.refund(1, 'nộp thừa')$$) AS refund_on_receipt;
-- lệ phí and phí go on separate receipts; the series named must serve the dossier
SELECT amount FROM tthc.pay('H22.01-261102-0002', 'LP-BS', 8000, 'cash', NULL, '2026-11-02 09:35');
SELECT pg_temp.footprint() AS before \gset
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', '01BLP0-001', 'EE/26P')$$) AS series_of_another_unit,
       pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', '01BLP0-001', 'ZZ/26E')$$) AS no_such_series,
       pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', '02BLP0-001', 'BB/26E')$$) AS series_of_another_kind,
       pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', '01BLP0-001', 'AA/25E')$$) AS year_over,
       pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', '01BLP0-001', NULL)$$) AS half_a_series,
       pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', payer => '"x"')$$) AS bad_payer;
SELECT pg_temp.footprint() = :'before' AS nothing_written;
SELECT pg_temp.try($$UPDATE tthc.receipt_series SET last_no = 0 WHERE symbol = 'AA/26E'$$) AS last_below_first;
-- the nearest series of the kind is the commune's; once it is used up the
-- province's serves, and once no series is left the error says why
BEGIN;
UPDATE tthc.receipt_series SET last_no = 1 WHERE symbol = 'AA/26E';
SELECT symbol, number FROM tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name) VALUES ('1.000001', 'H22.01', '2026-11-02 09:45', 'x');
SELECT amount FROM tthc.pay('H22.01-261102-0003', 'LP-BS', 8000, 'cash', NULL, '2026-11-02 09:46');
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0003', '2026-11-02 09:48', '01BLP0-001', 'AA/26E')$$) AS exhausted;
SELECT unit, symbol, number FROM tthc.issue_receipt('H22.01-261102-0003', '2026-11-02 09:48');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name) VALUES ('1.000001', 'H22.01', '2026-11-02 09:50', 'y');
SELECT amount FROM tthc.pay('H22.01-261102-0004', 'LP-BS', 8000, 'cash', NULL, '2026-11-02 09:51');
UPDATE tthc.receipt_series SET active = false WHERE symbol = 'CC/26E';
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0004', '2026-11-02 09:52', '01BLP0-001', 'CC/26E')$$) AS inactive,
       pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0004', '2026-11-02 09:52')$$) AS none_left;
ROLLBACK;
-- a receipt cannot be dated a day before the latest of its series (within
-- a day, concurrent issuers dated their transactions' start take turns)
BEGIN;
SELECT symbol, number FROM tthc.issue_receipt('H22.01-261102-0002', '2026-11-03 09:50');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name) VALUES ('1.000001', 'H22.01', '2026-11-02 09:45', 'x');
SELECT amount FROM tthc.pay('H22.01-261102-0003', 'LP-BS', 8000, 'cash', NULL, '2026-11-02 09:46');
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0003', '2026-11-02 09:47')$$) AS out_of_order;
ROLLBACK;
SELECT pg_temp.footprint() = :'before' AS nothing_written;
-- a rolled-back receipt gives its number back
BEGIN;
SELECT symbol, number FROM tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40');
ROLLBACK;
SELECT symbol, number, payer_name, payer_tax_code
FROM tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 09:40', payer => '{"name": "Công ty TNHH Cơ", "tax_code": "5701234567"}');

-- 5. Cancelling keeps the number; replacing takes the next one.
SELECT pg_temp.footprint() AS before \gset
SELECT pg_temp.try($$SELECT tthc.cancel_receipt('H22.01', '01BLP0-001', 'AA/26E', 1, '')$$) AS no_reason,
       pg_temp.try($$SELECT tthc.cancel_receipt('H22.01', '01BLP0-001', 'AA/26E', 9, 'x')$$) AS no_such_receipt,
       pg_temp.try($$SELECT tthc.cancel_receipt('H22.01', '01BLP0-001', 'AA/26E', 1, 'x', NULL)$$) AS replace_null;
SELECT pg_temp.footprint() = :'before' AS nothing_written;
SELECT symbol, number, status, replaces, payer_name, total
FROM tthc.cancel_receipt('H22.01', '02BLP0-001', 'BB/26E', 1, 'sai tên người nộp', true, '2026-11-02 10:00',
                         '{"name": "Trần Thị Bình (đúng tên)"}');
SELECT symbol, number, status, replaced_by IS NOT NULL AS replaced, cancel_reason FROM tthc.receipt ORDER BY id;
SELECT pg_temp.try($$SELECT tthc.cancel_receipt('H22.01', '02BLP0-001', 'BB/26E', 1, 'again')$$) AS cancel_replaced;
-- cancelled without replacement: its payments can be refunded, or receipted anew
SELECT symbol, number, status FROM tthc.cancel_receipt('H22.01', '01BLP0-001', 'AA/26E', 1, 'thu nhầm', false, '2026-11-02 10:05');
SELECT pg_temp.try($$SELECT tthc.refund(p.id, 'x', 9000) FROM tthc.payment p WHERE fee_code = 'LP-BS'$$) AS refund_more,
       pg_temp.try($$SELECT tthc.refund(p.id, '') FROM tthc.payment p WHERE fee_code = 'LP-BS'$$) AS refund_no_reason,
       pg_temp.try($$SELECT tthc.refund(999, 'x')$$) AS refund_nothing;
SELECT amount, method, refund_of IS NOT NULL AS is_refund, reference
FROM tthc.refund((SELECT id FROM tthc.payment WHERE fee_code = 'LP-BS'), 'thu nhầm', at => '2026-11-02 10:06');
SELECT code, payment FROM tthc.dossier WHERE code = 'H22.01-261102-0002';
SELECT pg_temp.try($$SELECT tthc.issue_receipt('H22.01-261102-0002', '2026-11-02 10:07')$$) AS nothing_left;
-- waivers: only for a fee with exemptions, and only before anything is paid
SELECT amount, method, reference FROM tthc.waive('H22.01-261102-0002', 'LP-BS', 'hộ nghèo', '2026-11-02 10:08');
SELECT pg_temp.try($$SELECT tthc.waive('H22.01-261102-0002', 'LP-BS', 'again', '2026-11-02 10:09')$$) AS twice,
       pg_temp.try($$SELECT tthc.waive('H22.01-261102-0001', 'LP-GCN', 'x', '2026-11-02 10:09')$$) AS nobody_exempt,
       pg_temp.try($$SELECT tthc.waive('H22.01-261102-0001', 'LP-GCN', ' ')$$) AS no_reason,
       pg_temp.try($$SELECT tthc.pay('H22.01-261102-0002', 'LP-BS', 1, 'cash')$$) AS pay_after_waiver;

-- 6. Awaiting payment pauses the clock; paying what is due moves the
-- dossier on as its procedure says (here: resolved).  A supplement-stage
-- fee is due only once a supplement was asked for.
SELECT (tthc.transition('H22.01-261102-0001', 'processing', '2026-11-02 10:30')).status;
SELECT (tthc.transition('H22.01-261102-0001', 'awaiting_payment', '2026-11-03 09:00')).status;
SELECT status, paused_at IS NOT NULL AS paused FROM tthc.dossier WHERE code = 'H22.01-261102-0001';
SELECT amount FROM tthc.pay('H22.01-261102-0001', 'LP-GCN', 60000, 'qr', 'VIETQR-1', '2026-11-04 09:00');
SELECT status, due_at, paused_at IS NOT NULL AS paused FROM tthc.dossier WHERE code = 'H22.01-261102-0001' \gset before_
SELECT amount FROM tthc.pay('H22.01-261102-0001', 'LP-GCN', 40000, 'card', 'POS-1', '2026-11-05 09:00');
SELECT status, due_at > :'before_due_at'::timestamptz AS deadline_moved_by_the_pause, paused_at IS NULL AS running,
       finished_at, result, payment
FROM tthc.dossier WHERE code = 'H22.01-261102-0001';
SELECT seq, kind, from_status, to_status FROM tthc.dossier_event
WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261102-0001') AND seq > 6 ORDER BY seq;
-- a supplement makes its fee due: the dossier waits until that is paid too
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
VALUES ('1.000002', 'H22.01', '2026-11-05 10:00', 'Lê Thị Dung');
SELECT (tthc.transition('H22.01-261105-0001', 'processing', '2026-11-05 10:10')).status;
SELECT (tthc.transition('H22.01-261105-0001', 'awaiting_supplement', '2026-11-05 10:20')).status;
SELECT (tthc.transition('H22.01-261105-0001', 'processing', '2026-11-06 10:20')).status;
SELECT (tthc.transition('H22.01-261105-0001', 'awaiting_payment', '2026-11-06 10:30')).status;
SELECT amount FROM tthc.pay('H22.01-261105-0001', 'PHI-TD', 500000, 'portal', NULL, '2026-11-06 11:00');
SELECT status FROM tthc.dossier WHERE code = 'H22.01-261105-0001';
SELECT amount FROM tthc.pay('H22.01-261105-0001', 'LP-GCN', 100000, 'portal', NULL, '2026-11-06 11:01');
SELECT status FROM tthc.dossier WHERE code = 'H22.01-261105-0001';
SELECT amount FROM tthc.pay('H22.01-261105-0001', 'PHI-BS', 200000, 'portal', NULL, '2026-11-06 11:02');
SELECT status FROM tthc.dossier WHERE code = 'H22.01-261105-0001';
SELECT number, kind, total FROM tthc.issue_receipt('H22.01-261105-0001', '2026-11-06 11:03') ORDER BY kind;

-- 7. dossier.payment follows the payments; fees paid keep their terms.
SELECT pg_temp.try($$UPDATE tthc.dossier SET payment = 'offline' WHERE code = 'H22.01-261102-0001'$$) AS payment_by_hand,
       pg_temp.try($$UPDATE tthc.dossier SET payment = 'offline' WHERE code = 'H22.02-261102-0001'$$) AS no_payments_yet,
       pg_temp.try($$UPDATE tthc.fee SET amount = 1 WHERE fee_code = 'PHI-TD'$$) AS fee_paid_changed,
       pg_temp.try($$UPDATE tthc.fee SET legal_reference = 'NQ 13/2025' WHERE fee_code = 'PHI-TD'$$) AS fee_reference,
       pg_temp.try($$DELETE FROM tthc.fee WHERE fee_code = 'PHI-TD'$$) AS fee_paid_deleted,
       pg_temp.try($$UPDATE tthc.receipt_series SET symbol = 'AB/26E' WHERE symbol = 'BB/26E'$$) AS used_series_renamed,
       pg_temp.try($$UPDATE tthc.receipt_series SET last_no = 5000 WHERE symbol = 'BB/26E'$$) AS used_series_last_no,
       pg_temp.try($$DELETE FROM tthc.receipt_series WHERE symbol = 'BB/26E'$$) AS used_series_deleted;
UPDATE tthc.dossier SET payment = NULL WHERE code = 'H22.02-261102-0001';
-- nor with a money act staged by hand along with it
SELECT pg_temp.try($$WITH s AS (SELECT tthc.money_stage('H22.01-261102-0001',
    '{"op": "cancel", "unit": "H22.01", "template": "02BLP0-001", "symbol": "BB/26E", "number": 2, "reason": "x", "replace": true}'))
  UPDATE tthc.dossier SET payment = 'offline' WHERE code = 'H22.01-261102-0001' AND EXISTS (SELECT FROM s)$$) AS payment_with_an_act;
-- an act staged by hand is checked as the API checks it: a "payment" of 0
-- by method waived is not a waiver
SELECT pg_temp.try($$WITH s AS (SELECT tthc.money_stage('H22.01-261105-0001', '{"op": "pay", "fee_code": "PHI-BS", "amount": 0, "method": "waived"}'))
  UPDATE tthc.dossier SET note = 'x' WHERE code = 'H22.01-261105-0001' AND EXISTS (SELECT FROM s)$$) AS waiver_staged_as_payment;
-- and only the role that staged it carries it out
CREATE ROLE regress_money_other;
GRANT tthc_admin TO regress_money_other;
SELECT pg_temp.footprint() AS before \gset
BEGIN;
SELECT tthc.money_stage('H22.01-261102-0001',
  '{"op": "cancel", "unit": "H22.01", "template": "02BLP0-001", "symbol": "BB/26E", "number": 2, "reason": "x", "replace": false}');
SET LOCAL ROLE regress_money_other;
UPDATE tthc.dossier SET applicant_phone = '0900000000' WHERE code = 'H22.01-261102-0001';
RESET ROLE;
SELECT pg_temp.footprint() = regexp_replace(:'before', 'events ([0-9]+)', 'events ' || (split_part(split_part(:'before', ',', 1), ' ', 2)::int + 1)) AS only_the_edit,
       (SELECT status FROM tthc.receipt WHERE symbol = 'BB/26E' AND number = 2) AS receipt_untouched;
ROLLBACK;
DROP ROLE regress_money_other;
-- the logs: only tthc writes them
SELECT pg_temp.try($$INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, paid_at, event_seq, actor) SELECT dossier_id, procedure_id, fee_code, 1, 'cash', false, now(), 99, 'me' FROM tthc.payment LIMIT 1$$) AS insert_payment,
       pg_temp.try($$UPDATE tthc.payment SET amount = amount + 1$$) AS update_payment,
       pg_temp.try($$DELETE FROM tthc.receipt$$) AS delete_receipt,
       pg_temp.try($$UPDATE tthc.receipt SET status = 'cancelled'$$) AS cancel_by_hand,
       pg_temp.try($$TRUNCATE tthc.receipt, tthc.payment$$) AS truncate;

-- what is due, fee by fee
SELECT * FROM tthc.dossier_fees('H22.01-261102-0001');
SELECT * FROM tthc.dossier_fees('H22.01-261102-0002');
-- acts staged by hand say why, as the API demands; a refund is positive;
-- nothing is waived on a closed dossier
SELECT pg_temp.try($$WITH s AS (SELECT tthc.money_stage('H22.01-261102-0001',
    '{"op": "cancel", "unit": "H22.01", "template": "02BLP0-001", "symbol": "BB/26E", "number": 2, "replace": false}'))
  UPDATE tthc.dossier SET note = 'x' WHERE code = 'H22.01-261102-0001' AND EXISTS (SELECT FROM s)$$) AS cancel_without_reason,
       pg_temp.try($$WITH s AS (SELECT tthc.money_stage('H22.01-261102-0001', '{"op": "refund", "payment": 1}'))
  UPDATE tthc.dossier SET note = 'x' WHERE code = 'H22.01-261102-0001' AND EXISTS (SELECT FROM s)$$) AS refund_without_reason,
       pg_temp.try($$SELECT tthc.refund(5, 'x', 0)$$) AS refund_of_nothing,
       pg_temp.try($$SELECT tthc.waive('H22.02-261102-0001', 'LP-CT', 'hộ nghèo')$$) AS waive_withdrawn;
-- an unused series starts at its new first number
BEGIN;
INSERT INTO tthc.receipt_series (unit, template, symbol, kind, first_no) VALUES ('H22.02', 'T9', 'ZZ/26E', 'phi', 5);
UPDATE tthc.receipt_series SET first_no = 1 WHERE symbol = 'ZZ/26E';
UPDATE tthc.receipt_series SET first_no = 7 WHERE symbol = 'ZZ/26E';
SELECT first_no, next_no FROM tthc.receipt_series WHERE symbol = 'ZZ/26E';
ROLLBACK;
-- the owner's query for dossier.payment cannot be hijacked by an operator of
-- the caller's search_path
CREATE ROLE regress_money_evil;
GRANT tthc_admin TO regress_money_evil;
CREATE SCHEMA regress_evil AUTHORIZATION regress_money_evil;
SET ROLE regress_money_evil;
CREATE FUNCTION regress_evil.eq(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF current_user <> 'regress_money_evil' THEN
    EXECUTE 'ALTER ROLE regress_money_evil SUPERUSER';
  END IF;
  RETURN $1 OPERATOR(pg_catalog.=) $2;
END $$;
CREATE OPERATOR regress_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = regress_evil.eq);
BEGIN;
SET LOCAL search_path = regress_evil, pg_catalog;
UPDATE tthc.dossier SET payment = 'online' WHERE code = 'H22.02-261102-0001';
ROLLBACK;
RESET ROLE;
SELECT rolsuper AS became_superuser FROM pg_roles WHERE rolname = 'regress_money_evil';
DROP SCHEMA regress_evil CASCADE;
DROP ROLE regress_money_evil;
-- 8. The control slip binds payments and receipts.
SELECT count(*) AS problems FROM tthc.verify_log();
BEGIN;
ALTER TABLE tthc.payment DISABLE TRIGGER append_only;
UPDATE tthc.payment SET amount = 30000 WHERE id = 1;
SELECT code, seq, problem FROM tthc.verify_log();
ROLLBACK;
BEGIN;
ALTER TABLE tthc.receipt DISABLE TRIGGER append_only;
UPDATE tthc.receipt SET payer_name = 'someone else' WHERE number = 2 AND symbol = 'BB/26E';
SELECT code, seq, problem FROM tthc.verify_log();
ROLLBACK;
BEGIN;
ALTER TABLE tthc.receipt DISABLE TRIGGER append_only;
UPDATE tthc.receipt SET status = 'issued', cancelled_at = NULL, cancel_seq = NULL WHERE number = 1 AND symbol = 'AA/26E';
SELECT code, seq, problem FROM tthc.verify_log();
ROLLBACK;
BEGIN;
ALTER TABLE tthc.payment DISABLE TRIGGER append_only;
ALTER TABLE tthc.receipt DISABLE TRIGGER append_only;
DELETE FROM tthc.receipt WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261105-0001');
DELETE FROM tthc.payment WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261105-0001');
SELECT code, seq, problem FROM tthc.verify_log();
ROLLBACK;
-- a series whose next number was moved, and a note that is not JSON: each
-- one problem, the rest of the check still done
BEGIN;
ALTER TABLE tthc.receipt_series DISABLE TRIGGER receipt_series_guard;
UPDATE tthc.receipt_series SET next_no = next_no + 1 WHERE symbol = 'BB/26E';
ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
UPDATE tthc.dossier_event SET note = 'not json'
 WHERE kind = 'payment' AND dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261105-0001');
SELECT code, seq, problem FROM tthc.verify_log();
ROLLBACK;
-- each dossier checked alone finds the same
BEGIN;
ALTER TABLE tthc.payment DISABLE TRIGGER append_only;
ALTER TABLE tthc.receipt DISABLE TRIGGER append_only;
UPDATE tthc.payment SET amount = 30000 WHERE id = 1;
UPDATE tthc.receipt SET payer_name = 'someone else' WHERE number = 2 AND symbol = 'BB/26E';
DELETE FROM tthc.receipt WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261105-0001');
DELETE FROM tthc.payment WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.01-261105-0001');
SELECT count(*) AS problems,
       (SELECT count(*) FROM (
          (SELECT v.* FROM tthc.verify_log() v WHERE v.code NOT LIKE '(%'
           EXCEPT ALL SELECT o.* FROM tthc.dossier d, tthc.verify_log(d.code) o)
          UNION ALL
          (SELECT o.* FROM tthc.dossier d, tthc.verify_log(d.code) o
           EXCEPT ALL SELECT v.* FROM tthc.verify_log() v)) x) AS alone_disagree
FROM tthc.verify_log();
ROLLBACK;
-- what a receipt provider takes
SELECT jsonb_pretty(tthc.receipt_document('H22.01', '02BLP0-001', 'BB/26E', 2) - 'issued_at');

-- 9. Months of random dossiers at two centres: payments mostly online,
-- refunds, waivers, receipts, cancellations and replacements.  The
-- receipt-use report and the online-payment ratio equal a brute force.
SELECT setseed(0.414);
INSERT INTO tthc.receipt_series (unit, template, symbol, kind) VALUES
  ('H22.02', '01BLP0-001', 'FF/26E', 'le_phi'), ('H22.02', '02BLP0-001', 'GG/26E', 'phi');
DO $$
DECLARE
  i int;
  t timestamptz;
  c text;
  f record;
  r record;
  k int;
BEGIN
  FOR i IN 1..400 LOOP
    t := timestamptz '2026-11-09 08:00' + i * interval '80 minutes';
    INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name)
    VALUES ((ARRAY['1.000001', '1.000002', '1.000003'])[1 + i % 3], (ARRAY['H22.01', 'H22.02'])[1 + (i / 3) % 2], t,
            'Người nộp ' || i)
    RETURNING code INTO c;
    k := 0;
    FOR f IN SELECT y.fee_code, y.amount, y.exempt FROM tthc.fee y JOIN tthc.dossier d ON d.procedure_id = y.procedure_id
              WHERE d.code = c AND y.stage <> 'supplement' ORDER BY y.fee_code LOOP
      k := k + 1;
      IF f.exempt IS NOT NULL AND random() < 0.1 THEN
        PERFORM tthc.waive(c, f.fee_code, 'hộ nghèo', t + k * interval '1 minute');
      ELSIF random() < 0.85 THEN
        PERFORM tthc.pay(c, f.fee_code, f.amount, (ARRAY['portal', 'portal', 'portal', 'cash', 'transfer', 'qr', 'card'])[1 + (random() * 6)::int],
                         NULL, t + k * interval '1 minute');
      END IF;
    END LOOP;
    IF random() < 0.9 AND EXISTS (SELECT 1 FROM tthc.unreceipted((SELECT id FROM tthc.dossier WHERE code = c))) THEN
      PERFORM tthc.issue_receipt(c, t + interval '10 minutes');
      IF random() < 0.08 THEN
        SELECT * INTO r FROM tthc.receipt WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = c) ORDER BY id LIMIT 1;
        PERFORM tthc.cancel_receipt(r.unit, r.template, r.symbol, r.number, 'sai thông tin', random() < 0.6,
                                    t + interval '20 minutes');
      END IF;
    END IF;
    -- a refund now and then, of a payment no issued receipt covers
    IF random() < 0.05 THEN
      PERFORM tthc.refund(u.payment, 'nộp nhầm', NULL, t + interval '30 minutes')
      FROM tthc.unreceipted((SELECT id FROM tthc.dossier WHERE code = c)) u LIMIT 1;
    END IF;
  END LOOP;
END $$;
SELECT count(*) AS dossiers, (SELECT count(*) FROM tthc.payment) AS payments,
       (SELECT count(*) FROM tthc.payment WHERE amount < 0) > 0 AS some_refunds,
       (SELECT count(*) FROM tthc.payment WHERE method = 'waived') > 0 AS some_waivers,
       (SELECT count(*) FILTER (WHERE status = 'cancelled') > 0 AND count(*) FILTER (WHERE status = 'replaced') > 0
        FROM tthc.receipt) AS some_cancelled_and_replaced
FROM tthc.dossier;
SELECT count(*) AS problems FROM tthc.verify_log();
-- the receipt-use report against a count over the receipts, per month and unit
WITH months AS (SELECT generate_series(date '2026-07-01', date '2026-12-01', interval '1 month')::date AS m),
brute AS (
  SELECT u.code AS scope, m.m, r.unit, r.template, r.symbol, min(r.number) AS first_no, max(r.number) AS last_no,
         count(*) AS issued, count(*) FILTER (WHERE r.status = 'cancelled') AS cancelled,
         count(*) FILTER (WHERE r.status = 'replaced') AS replaced,
         coalesce(sum(r.total) FILTER (WHERE r.status = 'issued'), 0) AS total_amount,
         (SELECT count(*) FROM generate_series(1, max(r.number)) g(n)
           WHERE NOT EXISTS (SELECT 1 FROM tthc.receipt q WHERE (q.unit, q.template, q.symbol, q.number) = (r.unit, r.template, r.symbol, g.n))) AS gaps
  FROM tthc.unit u, months m, tthc.receipt r
  WHERE (r.unit = u.code OR u.code = 'H22') AND (r.issued_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= m.m
    AND (r.issued_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (m.m + interval '1 month')::date
  GROUP BY u.code, m.m, r.unit, r.template, r.symbol),
fn AS (
  SELECT u.code AS scope, m.m, x.* FROM tthc.unit u, months m,
    tthc.receipt_usage(u.code, daterange(m.m, (m.m + interval '1 month')::date)) x)
SELECT (SELECT count(*) FROM brute) AS rows, (SELECT sum(issued) FROM brute) AS receipts,
       (SELECT count(*) FROM (
          (SELECT scope, m, unit, template, symbol, first_no, last_no, issued, cancelled, replaced, total_amount, gaps FROM brute
           EXCEPT ALL
           SELECT scope, m, series_unit, template, symbol, first_no, last_no, issued, cancelled, replaced, total_amount, gaps FROM fn)
          UNION ALL
          (SELECT scope, m, series_unit, template, symbol, first_no, last_no, issued, cancelled, replaced, total_amount, gaps FROM fn
           EXCEPT ALL
           SELECT scope, m, unit, template, symbol, first_no, last_no, issued, cancelled, replaced, total_amount, gaps FROM brute)) d) AS differences,
       (SELECT max(gaps) FROM fn) AS max_gaps;
-- every series numbered 1..n, each number once
SELECT unit, symbol, count(*) = max(number) AND count(DISTINCT number) = count(*) AS consecutive
FROM tthc.receipt GROUP BY unit, symbol ORDER BY unit, symbol;
-- the online-payment ratio (QĐ 766 indicator 7) against the payments
CREATE TEMP TABLE brute_online AS
SELECT d.receiving_unit AS unit, count(*) FILTER (WHERE s.stands) AS with_fee,
       count(*) FILTER (WHERE s.online) AS paid_online
FROM tthc.dossier d
CROSS JOIN LATERAL (
  SELECT bool_or(true) AS stands, bool_or(p.online) AS online FROM tthc.payment p
  WHERE p.dossier_id = d.id AND p.amount > 0
    AND p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0) > 0) s
WHERE d.received_at >= '2026-07-01'
GROUP BY d.receiving_unit;
SELECT b.unit, b.with_fee > 0 AS has_fees, i.numerator = b.paid_online AND i.denominator = b.with_fee AS agrees
FROM brute_online b, tthc.indicators_766(b.unit, '[2026-07-01,2027-01-01)') i
WHERE i.indicator = 'online_payment_rate' ORDER BY b.unit;
SELECT tthc.report_rebuild() > 0 AS rebuilt;
SELECT b.unit, i.numerator = b.paid_online AND i.denominator = b.with_fee AS agrees_after_rebuild
FROM brute_online b, tthc.indicators_766(b.unit, '[2026-07-01,2027-01-01)') i
WHERE i.indicator = 'online_payment_rate' ORDER BY b.unit;
SELECT count(*) AS problems FROM tthc.verify_log();
\c contrib_regression
DROP DATABASE tthc_money;
