-- The national portal (DVCQG): the inbox, the payloads, the outbox queue
-- and the data-quality rules.
CREATE DATABASE tthc_portal_db;
\c tthc_portal_db
CREATE EXTENSION tthc;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';
\set VERBOSITY default
\set SHOW_CONTEXT never
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
-- what a write leaves: dossiers, events, numbers taken
CREATE FUNCTION pg_temp.footprint() RETURNS text LANGUAGE sql AS $$
  SELECT format('dossiers %s, events %s, numbers %s',
    (SELECT count(*) FROM tthc.dossier), (SELECT count(*) FROM tthc.dossier_event),
    (SELECT coalesce(sum(last), 0) FROM tthc.dossier_counter))
$$;

INSERT INTO tthc.unit (code, name, level, tax_code) VALUES ('H22', 'Trung tâm PVHCC tỉnh Quảng Ninh', 'province', '5700100256');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22'),
  ('H22.02', 'Trung tâm PVHCC đặc khu Vân Đồn', 'commune', 'H22');
INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit) VALUES
  ('1.005129', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Xây dựng', '15 ngày làm việc', '12 ngày làm việc'),
  ('1.000001', 'Cấp bản sao trích lục hộ tịch', 'Hộ tịch', '1 working day', NULL);
INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, stage)
SELECT p.id, 'LP-GP', 'le_phi', 'Lệ phí cấp giấy phép xây dựng', 75000, 'result' FROM tthc.procedure p WHERE p.code = '1.005129';
INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, stage)
SELECT p.id, 'LP-BS', 'le_phi', 'Lệ phí cấp bản sao', 8000, 'reception' FROM tthc.procedure p WHERE p.code = '1.000001';
INSERT INTO tthc.receipt_series (unit, template, symbol, kind, electronic) VALUES
  ('H22.02', '01BLP0-001', 'AA/26E', 'le_phi', true);
INSERT INTO tthc.officer (login, full_name, unit, title) VALUES
  ('lan.nt', 'Nguyễn Thị Lan', 'H22.01', 'Chuyên viên một cửa'),
  ('hung.tv', 'Trần Văn Hùng', 'H22.02', 'Công chức tư pháp');

-- ===================================================================
-- 1. The inbox: a record from the portal becomes a dossier, once
-- ===================================================================
\set rec '{"MaHoSo": "000.00.09.H22-261130-0007", "MaTTHC": "1.005129", "TenTTHC": "Cấp giấy phép xây dựng nhà ở riêng lẻ", "KenhThucHien": 2, "ChuHoSo": "Nguyễn Văn An", "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "022090001234"}], "LoaiDoiTuong": "1", "SoDienThoai": "0912345678", "Email": "an.nv@example.vn", "TrichYeuHoSo": "Xin cấp giấy phép xây nhà ở 3 tầng", "NgayNopHoSo": "20261130201500", "TrangThaiHoSo": "1", "DonViXuLy": "H22.01", "HoSoCoThanhPhanSoHoa": 1, "DuocThanhToanTrucTuyen": 0, "HinhThuc": 1}'
SELECT tthc.portal_receive(:'rec') AS code;
SELECT code, portal_code, status, channel, submitted_at, received_at, applicant_name, applicant_id,
       applicant_id_type, applicant_type, applicant_email, summary, digitised, result_by_post, event_seq
FROM tthc.dossier;
-- the same record again changes nothing: the same code, no event
SELECT tthc.portal_receive(:'rec') AS code, pg_temp.footprint();
-- the portal accepted it: received at NgayTiepNhan, the clock starts there
SELECT tthc.portal_receive(jsonb_set(jsonb_set(:'rec', '{TrangThaiHoSo}', '"2"'), '{NgayTiepNhan}', '"20261201080000"')) AS code;
SELECT status, received_at, due_at, event_seq FROM tthc.dossier;
-- a new phone: an edit; the procedure cannot change any more (received)
SELECT tthc.portal_receive(jsonb_set(jsonb_set(:'rec', '{SoDienThoai}', '"0987654321"'), '{MaTTHC}', '"1.000001"')) AS code;
SELECT procedure_code, applicant_phone, event_seq FROM tthc.dossier;
SELECT seq, kind, from_status, to_status, CASE WHEN kind <> 'edit' THEN at END AS at FROM tthc.dossier_event ORDER BY seq;
-- the first record again: the status does not move back; its phone is
-- the portal's word again (an edit)
SELECT tthc.portal_receive(:'rec') AS code;
SELECT status, applicant_phone, event_seq FROM tthc.dossier;

-- a submitted dossier of a procedure with inter-agency steps, accepted:
-- its first step starts (0.10.0 refused the acceptance, taking the step the
-- clock set for a client's step change)
INSERT INTO tthc.procedure (code, name, field, time_limit) VALUES ('1.000002', 'Cấp phép liên thông', 'Xây dựng', '12 ngày làm việc');
INSERT INTO tthc.procedure_step (procedure_id, step, unit, allowance)
SELECT p.id, s.step, s.unit, s.allowance::tthc.time_limit FROM tthc.procedure p,
  (VALUES (1, 'H22.01', '5 working days'), (2, 'H22.02', '7 working days')) s(step, unit, allowance)
WHERE p.code = '1.000002';
SELECT tthc.portal_receive(:'rec'::jsonb || '{"MaHoSo": "000.00.09.H22-261130-0008", "MaTTHC": "1.000002"}') AS code;
SELECT status, step, step_unit, step_due_at FROM tthc.transition('H22.01-261130-0002', 'received', '2026-12-01 09:00+07');
-- a version's steps are kept once it has dossiers, and free before (0.10.0
-- refused every change of a step: its trigger read the procedure's columns)
SELECT pg_temp.try($$UPDATE tthc.procedure_step SET allowance = '6 working days' WHERE step = 1$$) AS used_version;
INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000003', 'Chưa dùng', '3 working days');
INSERT INTO tthc.procedure_step (procedure_id, step, unit, allowance)
SELECT id, 1, 'H22.01', '3 working days' FROM tthc.procedure WHERE code = '1.000003';
SELECT pg_temp.try($$UPDATE tthc.procedure_step SET allowance = '2 working days' WHERE unit = 'H22.01' AND procedure_id = (SELECT id FROM tthc.procedure WHERE code = '1.000003')$$) AS unused_update,
       pg_temp.try($$DELETE FROM tthc.procedure_step WHERE procedure_id = (SELECT id FROM tthc.procedure WHERE code = '1.000003')$$) AS unused_delete;

-- a malformed record is refused naming the field; nothing is written
SELECT pg_temp.footprint() AS before;
SELECT t.case, pg_temp.try(format('SELECT tthc.portal_receive(%L::jsonb)', t.r)) AS refused
FROM (VALUES
  ('not an object', '[1, 2]'::jsonb),
  ('no MaHoSo', :'rec'::jsonb - 'MaHoSo'),
  ('MaHoSo with a space', jsonb_set(:'rec', '{MaHoSo}', '"H22 01"')),
  ('unknown procedure', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-1"}', '{MaTTHC}', '"1.999999"')),
  ('unknown unit', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-2"}', '{DonViXuLy}', '"H99"')),
  ('channel 5', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-3"}', '{KenhThucHien}', '5')),
  ('channel not a number', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-4"}', '{KenhThucHien}', '"online"')),
  ('no applicant', :'rec'::jsonb - 'MaHoSo' - 'ChuHoSo' || '{"MaHoSo": "X-5"}'),
  ('blank applicant', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-6"}', '{ChuHoSo}', '"  "')),
  ('time with dashes', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-7"}', '{NgayNopHoSo}', '"2026-11-30 20:15"')),
  ('13th month', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-8"}', '{NgayNopHoSo}', '"20261330201500"')),
  ('online, no NgayNopHoSo', :'rec'::jsonb - 'MaHoSo' - 'NgayNopHoSo' || '{"MaHoSo": "X-9"}'),
  ('accepted, no NgayTiepNhan', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-10"}', '{TrangThaiHoSo}', '"2"')),
  ('received before submitted', :'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-11", "TrangThaiHoSo": 2, "NgayTiepNhan": "20261130100000"}'),
  ('status 4', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-12"}', '{TrangThaiHoSo}', '"4"')),
  ('status 11', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-13"}', '{TrangThaiHoSo}', '11')),
  ('arrives withdrawn', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-14"}', '{TrangThaiHoSo}', '"7"')),
  ('LoaiDinhDanh 3', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-15"}', '{DinhDanhCHS,0,LoaiDinhDanh}', '3')),
  ('DinhDanhCHS not a list', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-16"}', '{DinhDanhCHS}', '{"SoDinhDanh": "1"}')),
  ('LoaiDoiTuong 5', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-17"}', '{LoaiDoiTuong}', '5')),
  ('summary of 1001', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-18"}', '{TrichYeuHoSo}', to_jsonb(repeat('a', 1001)))),
  ('MaHoSo of a unit''s own code', jsonb_set(:'rec', '{MaHoSo}', '"H22.02-261123-0001"')),
  ('MaHoSo of a unit''s next code', jsonb_set(:'rec', '{MaHoSo}', '"H22.01-261208-00099"')),
  ('summary an object', jsonb_set(:'rec'::jsonb - 'MaHoSo' || '{"MaHoSo": "X-19"}', '{TrichYeuHoSo}', '{"a": 1}'))
) t("case", r);
SELECT pg_temp.footprint() AS after;

-- the province's own status codes are a table; the inbox reads it too
INSERT INTO tthc.portal_status_map (status, code) VALUES ('received', '12');
SELECT tthc.portal_status('received') AS received, tthc.portal_status('processing') AS processing;
SELECT pg_temp.try($$UPDATE tthc.portal_status_map SET code = '9' WHERE status = 'stopped'$$) AS shipped_row;
DELETE FROM tthc.portal_status_map WHERE NOT shipped;

-- ===================================================================
-- 2. The outbox's payloads, from the dossier and its log
-- ===================================================================
-- an in-person dossier at H22.02, its fee paid and receipted, with a
-- supplement round, resolved and returned: every field the record has
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, applicant_name, applicant_id,
                          applicant_phone, summary)
VALUES ('1.000001', 'H22.02', 1, '2026-11-23 08:30+07', 'Lê Thị Bình', '123456789', '0203 812 345', NULL);
SET tthc.actor = 'hung.tv';
SELECT status FROM tthc.transition('H22.02-261123-0001', 'processing', '2026-11-23 09:00+07');
SELECT status FROM tthc.transition('H22.02-261123-0001', 'awaiting_supplement', '2026-11-23 10:00+07', 'thiếu tờ khai');
SELECT status FROM tthc.transition('H22.02-261123-0001', 'processing', '2026-11-24 09:00+07');
SELECT count(*) AS paid FROM tthc.pay('H22.02-261123-0001', 'LP-BS', 8000, 'cash', NULL, '2026-11-24 09:05+07');
SELECT count(*) AS receipts FROM tthc.issue_receipt('H22.02-261123-0001', '2026-11-24 09:06+07');
SELECT status FROM tthc.transition('H22.02-261123-0001', 'resolved', '2026-11-24 15:00+07');
SELECT status FROM tthc.transition('H22.02-261123-0001', 'returned', '2026-11-25 08:00+07');
RESET tthc.actor;
SELECT jsonb_pretty(tthc.portal_dossier('H22.02-261123-0001'));
SELECT jsonb_pretty(tthc.portal_progress('H22.02-261123-0001'));
-- in chunks: after event 3, at most 2
SELECT e ->> 'ThoiDiemXuLy' AS at, e ->> 'NoiDungXuLy' AS action, e ->> 'TrangThai' AS status
FROM jsonb_array_elements(tthc.portal_progress('H22.02-261123-0001', 3, 2)) e;
SELECT jsonb_array_length(tthc.portal_progress('H22.02-261123-0001', 9, 10)) AS after_the_last;
-- the portal's dossier: its MaHoSo, the fee from the procedure (no receipt yet)
SELECT jsonb_pretty(tthc.portal_dossier('H22.01-261130-0001'));
SELECT tthc.portal_dossier('H22.01-000000-0000') IS NULL AS unknown_code;
SELECT pg_temp.try($$SELECT tthc.portal_progress('H22.02-261123-0001', -1)$$) AS negative_after,
       pg_temp.try($$SELECT tthc.portal_progress('H22.02-261123-0001', 0, 0)$$) AS no_limit;

-- a log that does not verify sends nothing: the payloads refuse (XX001)
BEGIN;
ALTER TABLE tthc.dossier DISABLE TRIGGER dossier_guard;
UPDATE tthc.dossier SET applicant_name = 'Lê Thị Bính' WHERE code = 'H22.02-261123-0001';
SELECT pg_temp.try($$SELECT tthc.portal_dossier('H22.02-261123-0001')$$) AS tampered;
ROLLBACK;

-- ===================================================================
-- 3. Data quality
-- ===================================================================
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, status, submitted_at, received_at, applicant_name,
                          applicant_id, applicant_type, applicant_id_type, applicant_phone, applicant_email, summary)
VALUES
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:00+07', 'Phạm Minh Châu', '022090001234', 1, 1, '0912345678', NULL, NULL),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:01+07', 'Phạm  Minh2', '099090001234', 1, 1, '12345', 'chau@', NULL),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:02+07', 'Công ty TNHH Hạ Long', '022090001234', 2, NULL, NULL, NULL, repeat('x', 1001)),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:03+07', 'Công ty CP Vân Đồn', '5700100256-001', 2, 1, '+84 912 345 678', NULL, NULL),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:04+07', ' ', NULL, NULL, NULL, NULL, NULL, NULL),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:05+07', 'Đỗ Văn Em', '012345678', 1, 2, NULL, NULL, NULL),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:06+07', 'Đỗ Văn Em', '012345678', 1, 1, NULL, NULL, NULL),
  ('1.000001', 'H22.01', 1, 'received', NULL, '2026-12-01 08:07+07', 'Hội Người cao tuổi', 'HNCT/2019/07', 4, NULL, NULL, NULL, NULL);
SELECT * FROM tthc.data_issues() WHERE code LIKE 'H22.01-261201-%';
SELECT count(*) AS issues_of_one FROM tthc.data_issues('H22.01-261201-0002');

-- the ID rule can be an error at INSERT and UPDATE; a refused row takes no number
SET tthc.strict_applicant_id = on;
SELECT pg_temp.footprint() AS before;
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id, applicant_type)
                     VALUES ('1.000001', 'H22.01', '2026-12-01 09:00+07', 'Vũ Thị Giang', '02209000123', 1)$$) AS short_id;
SELECT pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id, applicant_type)
                     VALUES ('1.000001', 'H22.01', '2026-12-01 09:00+07', 'Công ty Giang', '570010025', 2)$$) AS short_tax_code;
SELECT pg_temp.try($$UPDATE tthc.dossier SET applicant_id = '1234' WHERE code = 'H22.01-261201-0001'$$) AS update_to_bad;
SELECT pg_temp.footprint() AS after;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id, applicant_type)
VALUES ('1.000001', 'H22.01', '2026-12-01 09:00+07', 'Vũ Thị Giang', '022090001299', 1) RETURNING code;
-- a dossier whose ID is already wrong may still move
SELECT status FROM tthc.transition('H22.01-261201-0002', 'processing', '2026-12-01 09:30+07');
RESET tthc.strict_applicant_id;

-- ===================================================================
-- 4. The queue: claim, acknowledge, fail, leases
-- ===================================================================
SELECT code, mahoso, acked_seq, event_seq, is_update, record IS NOT NULL AS has_record
FROM tthc.portal_claim(100) ORDER BY code;
-- held for its data issues, with the reason; claimed ones are leased
SELECT code, state, held_reason FROM tthc.portal_outbox ORDER BY code;
-- nothing more to claim while leased
SELECT count(*) AS claimed_again FROM tthc.portal_claim(100);
-- the record, then the progress in two chunks
SELECT tthc.portal_ack_record('H22.02-261123-0001', 9, '{"error_code": 0}') AS mine;
SELECT tthc.portal_ack('H22.02-261123-0001', 5, '{"error_code": 0}') AS mine;
SELECT code, event_seq, acked_seq, state FROM tthc.portal_outbox WHERE code = 'H22.02-261123-0001';
SELECT tthc.portal_ack('H22.02-261123-0001', 3, '{"error_code": 0}') AS never_back,
       (SELECT portal_seq FROM tthc.dossier WHERE code = 'H22.02-261123-0001') AS acked;
SELECT tthc.portal_ack('H22.02-261123-0001', 9, '{"error_code": 0}') AS mine;
SELECT count(*) AS still_queued FROM tthc.portal_outbox WHERE code = 'H22.02-261123-0001';
-- the acknowledgement logged nothing and the log still verifies
SELECT event_seq, portal_seq FROM tthc.dossier WHERE code = 'H22.02-261123-0001';
SELECT count(*) AS problems FROM tthc.verify_log();
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
VALUES ('1.000001', 'H22.01', '2026-12-03 08:00+07', 'Ngô Văn Khoa', '022090004444') RETURNING code;
SELECT pg_temp.try($$SELECT tthc.portal_ack('H22.02-261123-0001', 11, '{}')$$) AS past_the_last,
       pg_temp.try($$SELECT tthc.portal_ack('H22.01-261201-0003', 1, '{}')$$) AS held,
       pg_temp.try($$SELECT tthc.portal_ack('H22.01-261203-0001', 1, '{}')$$) AS never_claimed,
       pg_temp.try($$SELECT tthc.portal_ack('nope', 1, '{}')$$) AS no_dossier,
       pg_temp.try($$SELECT * FROM tthc.portal_claim(0)$$) AS claim_none,
       pg_temp.try($$SELECT * FROM tthc.portal_claim(1, '0 s')$$) AS no_lease;
-- a failure gives the lease back and backs off, doubling
SELECT tthc.portal_fail('H22.01-261201-0001', 'HTTP 503') - now() AS first_backoff;
SELECT state, attempts, last_error FROM tthc.portal_outbox WHERE code = 'H22.01-261201-0001';
SELECT count(*) AS while_backing_off FROM tthc.portal_claim(100) WHERE code = 'H22.01-261201-0001';
-- a later change of a sent dossier queues it again, its record with it
UPDATE tthc.dossier SET note = 'đã nhận kết quả' WHERE code = 'H22.02-261123-0001';
-- an expired lease is claimable again, by anyone
SELECT code, acked_seq, event_seq, is_update, record ->> 'GhiChu' AS note
FROM tthc.portal_claim(100, '1 second') WHERE code = 'H22.02-261123-0001';
SELECT pg_sleep(1.2);
SELECT code, acked_seq, event_seq, record IS NULL AS record_sent
FROM tthc.portal_claim(100) WHERE code = 'H22.02-261123-0001';
-- fixing a held dossier's data releases it at the next claim
UPDATE tthc.dossier SET applicant_id = '022090001288', applicant_phone = '0912000111', applicant_email = NULL,
                        applicant_name = 'Phạm Minh'
WHERE code = 'H22.01-261201-0002';
-- a hold is not a claim: fixed but not yet claimed, it cannot be acknowledged
SELECT pg_temp.try($$SELECT tthc.portal_ack('H22.01-261201-0002', 2, '{}')$$) AS held_then_fixed;
SELECT code FROM tthc.portal_claim(100) WHERE code = 'H22.01-261201-0002';

-- clients cannot write the outbox's columns (428C9)
SELECT pg_temp.try($$UPDATE tthc.dossier SET portal_seq = event_seq WHERE code = 'H22.01-261201-0003'$$) AS ack_by_hand,
       pg_temp.try($$UPDATE tthc.dossier SET portal_code = 'X' WHERE code = 'H22.01-261201-0003'$$) AS portal_code,
       pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, portal_seq)
                     VALUES ('1.000001', 'H22.01', now(), 'A', 5)$$) AS born_acked,
       pg_temp.try($$INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, portal_seq)
                     VALUES ('1.000001', 'H22.01', now(), 'A', NULL)$$) AS born_unqueued;

-- a lease is its session's.  Everything pending is claimed first, so
-- what follows sees only its own dossiers.
SELECT count(*) AS others FROM tthc.portal_claim(10000, '1 hour');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id, applicant_phone)
VALUES ('1.000001', 'H22.02', '2026-12-04 08:00+07', 'Đỗ Văn Một', '022090005551', '12345'),
       ('1.000001', 'H22.02', '2026-12-04 08:01+07', 'Đỗ Văn Hai', '022090005552', '12345'),
       ('1.000001', 'H22.02', '2026-12-04 08:02+07', 'Đỗ Văn Ba', '022090005553', '12345'),
       ('1.000001', 'H22.02', '2026-12-04 08:03+07', 'Đỗ Văn Bốn', '022090005554', '0912000444');
-- dossiers found held on the way do not shorten a claim: one asked, one
-- given, past three held
SELECT code FROM tthc.portal_claim(1);
SELECT code, state FROM tthc.portal_outbox WHERE code LIKE 'H22.02-261204-%' ORDER BY code;
-- given back unsent: no attempt, no backoff, claimable at once
SELECT tthc.portal_release('H22.02-261204-0004') AS released, tthc.portal_release('H22.02-261204-0004') AS again;
SELECT state, attempts, next_try_at FROM tthc.portal_outbox WHERE code = 'H22.02-261204-0004';
SELECT code FROM tthc.portal_claim(1);
-- what the queue keeps of a reply: its code and message, cut
SELECT tthc.portal_ack_record('H22.02-261204-0004', 1,
         jsonb_build_object('error_code', '0', 'message', repeat('đ', 600), 'data', jsonb_build_array(repeat('x', 1000)))) AS mine;
SELECT last_response - 'message' AS kept, length(last_response ->> 'message') AS message_length
FROM tthc.portal_queue WHERE dossier_id = (SELECT id FROM tthc.dossier WHERE code = 'H22.02-261204-0004');
-- another session (this one ended: its leases stand until they run out)
-- acknowledges, fails and releases nothing of it
\c tthc_portal_db
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT tthc.portal_ack_record('H22.02-261204-0004', 1, '{}') AS ack_record, tthc.portal_ack('H22.02-261204-0004', 1, '{}') AS ack,
       tthc.portal_fail('H22.02-261204-0004', 'not mine') AS fail, tthc.portal_release('H22.02-261204-0004') AS release;
SELECT o.state, o.acked_seq, o.attempts, o.last_error, q.record_seq
FROM tthc.portal_outbox o JOIN tthc.dossier d USING (code) JOIN tthc.portal_queue q ON q.dossier_id = d.id
WHERE o.code = 'H22.02-261204-0004';

-- the pending set is an index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM tthc.dossier WHERE event_seq > portal_seq ORDER BY id;
RESET enable_seqscan;

\c contrib_regression
DROP DATABASE tthc_portal_db;
