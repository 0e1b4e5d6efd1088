-- sql/tthc--0.10.0--0.11.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.11.0'" to load this file. \quit

-- ===================================================================
-- The national portal (DVCQG): dossiers in, progress out (issue 15)
-- ===================================================================
-- The HTTP is outside the database (scale.md rule 8): tthc-sync, a client
-- built beside the extension, claims what the portal has not yet
-- acknowledged, sends the payloads these functions build from the dossier
-- and its verified log, and acknowledges what the portal accepted.
--
-- * Inbox: tthc.portal_receive(record) creates or updates a dossier from
--   the portal's DongBoHoSoMC record, keeping the portal's MaHoSo
--   (dossier.portal_code); the same record twice changes nothing.
-- * Outbox: the dossiers with events the portal has not acknowledged,
--   dossier.event_seq > dossier.portal_seq, a partial index.  portal_seq is
--   moved only by tthc.portal_ack (through tthc.portal_mark, which the
--   dossier trigger lets through with no event).  Leases, retries, the
--   acknowledged record and data holds are rows of tthc.portal_queue.
-- * Data quality: tthc.data_issues lists what the portal would refuse; a
--   dossier with issues is held out of the outbox until fixed.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tthc_portal') THEN
    CREATE ROLE tthc_portal NOLOGIN;
  END IF;
END $$;

-- -------------------------------------------------------------------
-- 1. What the portal's record has that a dossier did not
-- -------------------------------------------------------------------

ALTER TABLE tthc.dossier
  ADD COLUMN portal_code text CONSTRAINT portal_code_format CHECK (portal_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$'),
  ADD COLUMN portal_seq integer,
  ADD COLUMN applicant_type smallint CONSTRAINT applicant_type_known CHECK (applicant_type BETWEEN 1 AND 4),
  ADD COLUMN applicant_id_type smallint CONSTRAINT applicant_id_type_known CHECK (applicant_id_type IN (1, 2)),
  ADD COLUMN applicant_email text,
  ADD COLUMN summary text,
  ADD COLUMN result_by_post boolean NOT NULL DEFAULT false;
-- dossiers that existed before 0.11.0 are not queued for the portal (NULL);
-- every new dossier is (0: the portal has none of its events)
ALTER TABLE tthc.dossier ALTER COLUMN portal_seq SET DEFAULT 0;
COMMENT ON COLUMN tthc.dossier.portal_code IS 'The national portal''s code of the dossier (MaHoSo), for a dossier it sent; written at INSERT only';
COMMENT ON COLUMN tthc.dossier.portal_seq IS 'The last event the national portal acknowledged (NULL: never sent, a dossier older than 0.11.0); maintained by tthc.portal_ack';
COMMENT ON COLUMN tthc.dossier.applicant_type IS 'LoaiDoiTuong: 1 citizen, 2 enterprise, 3 state agency, 4 other (NULL: judged from the ID''s shape)';
COMMENT ON COLUMN tthc.dossier.applicant_id_type IS 'LoaiDinhDanh of a citizen''s ID: 1 the 12-digit citizen ID, 2 the 9-digit old ID card';
COMMENT ON COLUMN tthc.dossier.summary IS 'TrichYeuHoSo, the summary of the request (at most 1,000 characters for the portal)';
COMMENT ON COLUMN tthc.dossier.result_by_post IS 'HinhThuc: the result is sent by post (true) or handed over at the desk';
CREATE UNIQUE INDEX dossier_portal_code ON tthc.dossier (portal_code);
CREATE INDEX dossier_portal_pending ON tthc.dossier (id) WHERE event_seq > portal_seq;

-- -------------------------------------------------------------------
-- 2. The status codes the portal receives, as data
-- -------------------------------------------------------------------

CREATE TABLE tthc.portal_status_map (
  status tthc.dossier_status NOT NULL,
  code text NOT NULL CONSTRAINT portal_status_code_format CHECK (code ~ '^[0-9]{1,2}$'),
  shipped boolean NOT NULL DEFAULT false,
  PRIMARY KEY (status, shipped)
);
COMMENT ON TABLE tthc.portal_status_map IS 'The TrangThaiHoSo code the national portal receives for each status (shipped: the national codes 1-10); a row of yours for a status overrides the shipped one';
COMMENT ON COLUMN tthc.portal_status_map.shipped IS 'true for the rows tthc ships (they cannot be changed; insert your own row to override one)';
INSERT INTO tthc.portal_status_map (status, code, shipped)
SELECT s, tthc.dvc_code(s)::text, true FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::tthc.dossier_status)) s;
CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.portal_status_map
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.portal_status_map
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();
GRANT SELECT ON tthc.portal_status_map TO tthc_reader, tthc_auditor, tthc_officer, tthc_portal;
GRANT SELECT, INSERT, UPDATE, DELETE ON tthc.portal_status_map TO tthc_admin;
SELECT pg_catalog.pg_extension_config_dump('tthc.portal_status_map', 'WHERE NOT shipped');

CREATE FUNCTION tthc.portal_status(s tthc.dossier_status) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT m.code FROM tthc.portal_status_map m WHERE m.status = $1 ORDER BY m.shipped LIMIT 1
$$;
COMMENT ON FUNCTION tthc.portal_status(tthc.dossier_status) IS 'The portal''s code of a status (tthc.portal_status_map, your row first)';

-- the portal's times: yyyyMMddHHmmss in UTC+7
CREATE FUNCTION tthc.portal_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT pg_catalog.to_char(pg_catalog.timezone('Asia/Ho_Chi_Minh', $1), 'YYYYMMDDHH24MISS')
$$;
COMMENT ON FUNCTION tthc.portal_time(timestamptz) IS 'A time as the portal writes it: yyyyMMddHHmmss in UTC+7';

-- -------------------------------------------------------------------
-- 3. Data quality
-- -------------------------------------------------------------------

CREATE FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text)
RETURNS text LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'tthc_applicant_id_issue';
COMMENT ON FUNCTION tthc.applicant_id_issue(smallint, smallint, text) IS 'What is wrong with an applicant''s ID number for its applicant type (12-digit citizen ID, 9-digit old ID, 10/13-digit tax code), or NULL; the rule tthc.strict_applicant_id enforces';

-- the issues of one dossier row: (field, rule, detail)
CREATE FUNCTION tthc.dossier_issues(d tthc.dossier) RETURNS TABLE(field text, rule text, detail text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT x.field, x.rule, x.detail FROM (VALUES
    ('applicant_name', 'required', CASE WHEN coalesce(btrim(d.applicant_name), '') = '' THEN 'the applicant''s name (ChuHoSo) is missing' END),
    ('applicant_name', 'name_shape', CASE
       WHEN coalesce(btrim(d.applicant_name), '') = '' THEN NULL
       WHEN d.applicant_name ~ '[0-9]' THEN 'a name has no digits'
       WHEN d.applicant_name <> btrim(d.applicant_name) OR d.applicant_name ~ '\s\s' THEN 'spaces before, after or doubled inside the name'
       WHEN char_length(d.applicant_name) < 2 OR char_length(d.applicant_name) > 150 THEN 'a name has 2 to 150 characters'
       WHEN d.applicant_name ~ '[!"#$%*+/:;<=>?@\[\\\]^_`{|}~]' THEN 'a name has no symbols' END),
    ('applicant_id', CASE WHEN coalesce(d.applicant_id, '') = '' THEN 'required' ELSE 'id_shape' END,
       tthc.applicant_id_issue(d.applicant_type, d.applicant_id_type, d.applicant_id)),
    ('applicant_id_type', 'id_type', CASE WHEN d.applicant_id_type IS NOT NULL AND coalesce(d.applicant_type, 1) <> 1
       THEN 'LoaiDinhDanh is for a citizen''s ID; the applicant type is ' || d.applicant_type END),
    ('applicant_phone', CASE WHEN d.applicant_phone IS NULL THEN 'required' ELSE 'phone_shape' END, CASE
       WHEN d.applicant_phone IS NULL THEN CASE WHEN d.channel = 2 THEN 'an online dossier has the applicant''s phone (SoDienThoai)' END
       WHEN regexp_replace(d.applicant_phone, '[ .-]', '', 'g') !~ '^(0|\+84)[1-9][0-9]{8,9}$'
         THEN 'a phone number is 0 (or +84) and 9 or 10 digits' END),
    ('applicant_email', 'email_shape', CASE WHEN d.applicant_email IS NOT NULL AND d.applicant_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
       THEN 'not an e-mail address' END),
    ('submitted_at', 'required', CASE WHEN d.channel = 2 AND d.submitted_at IS NULL
       THEN 'an online dossier has its submission time (NgayNopHoSo)' END),
    ('received_at', 'required', CASE WHEN d.received_at IS NULL AND d.status NOT IN ('submitted', 'refused')
       THEN 'a received dossier has its reception time (NgayTiepNhan)' END),
    ('received_at', 'time_order', CASE WHEN d.received_at < d.submitted_at
       THEN 'received before it was submitted' END),
    ('summary', 'too_long', CASE WHEN char_length(d.summary) > 1000
       THEN 'the summary (TrichYeuHoSo) has ' || char_length(d.summary) || ' characters; at most 1000' END)
  ) x(field, rule, detail)
  WHERE x.detail IS NOT NULL
$$;
COMMENT ON FUNCTION tthc.dossier_issues(tthc.dossier) IS 'The data-quality issues of one dossier row (tthc.data_issues)';

CREATE FUNCTION tthc.data_issues(code text DEFAULT NULL) RETURNS TABLE(code text, field text, rule text, detail text)
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT d.code, i.field, i.rule, i.detail
  FROM tthc.dossier d, LATERAL tthc.dossier_issues(d) i
  WHERE $1 IS NULL OR d.code = $1
  ORDER BY d.code, i.field, i.rule
$$;
COMMENT ON FUNCTION tthc.data_issues(text) IS 'What the national portal would refuse of the dossiers the caller sees (or of one): the applicant''s ID shape by applicant type, name, phone, e-mail, required times, the summary''s length; such a dossier is held out of the portal''s outbox until fixed';

-- -------------------------------------------------------------------
-- 4. Payloads, from the dossier and its verified log
-- -------------------------------------------------------------------

-- the log of a dossier must verify before anything of it is sent
CREATE FUNCTION tthc.portal_verified(d tthc.dossier) RETURNS void
LANGUAGE plpgsql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM tthc.verify_log(d.code) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the control slip of dossier % does not verify: event %: %', d.code, v.seq, v.problem
      USING ERRCODE = 'XX001', TABLE = 'dossier_event',
            HINT = 'Nothing of a dossier whose log does not verify is sent to the portal; see tthc.verify_log().';
  END IF;
END $$;

CREATE FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT CASE $1
    WHEN 'status' THEN CASE $3
      WHEN 'submitted' THEN 'Nộp hồ sơ trực tuyến'
      WHEN 'received' THEN 'Tiếp nhận hồ sơ'
      WHEN 'refused' THEN 'Từ chối tiếp nhận hồ sơ'
      WHEN 'processing' THEN 'Chuyển xử lý hồ sơ'
      WHEN 'awaiting_payment' THEN 'Yêu cầu thực hiện nghĩa vụ tài chính'
      WHEN 'withdrawn' THEN 'Công dân yêu cầu rút hồ sơ'
      WHEN 'stopped' THEN 'Dừng xử lý hồ sơ'
      WHEN 'resolved' THEN 'Đã xử lý xong hồ sơ'
      WHEN 'returned' THEN 'Trả kết quả cho công dân'
      ELSE 'Cập nhật trạng thái hồ sơ' END
    WHEN 'pause' THEN CASE WHEN $3 = 'awaiting_supplement' THEN 'Yêu cầu bổ sung hồ sơ'
                           ELSE 'Tạm dừng tính thời gian xử lý' END
    WHEN 'restart' THEN 'Tiếp nhận hồ sơ bổ sung, tính lại thời hạn'
    WHEN 'resume' THEN CASE WHEN $2 = 'awaiting_supplement' THEN 'Tiếp nhận hồ sơ bổ sung'
                            ELSE 'Tiếp tục xử lý hồ sơ' END
    WHEN 'handover' THEN 'Chuyển bước xử lý'
    WHEN 'deadline' THEN 'Điều chỉnh thời hạn theo lịch làm việc'
    WHEN 'apology' THEN 'Gửi văn bản xin lỗi, hẹn lại ngày trả kết quả'
    WHEN 'overdue' THEN 'Hồ sơ quá hạn xử lý'
    WHEN 'due_soon' THEN 'Hồ sơ sắp đến hạn xử lý'
    WHEN 'edit' THEN 'Cập nhật thông tin hồ sơ'
    WHEN 'payment' THEN 'Thu phí, lệ phí'
    WHEN 'refund' THEN 'Hoàn trả phí, lệ phí'
    WHEN 'waiver' THEN 'Miễn phí, lệ phí'
    WHEN 'receipt' THEN 'Phát hành biên lai thu phí, lệ phí'
    WHEN 'receipt_cancel' THEN 'Hủy biên lai thu phí, lệ phí'
    ELSE $1 END
$$;
COMMENT ON FUNCTION tthc.portal_action(text, tthc.dossier_status, tthc.dossier_status) IS 'The NoiDungXuLy of an event the portal receives';

CREATE FUNCTION tthc.portal_record(d tthc.dossier) RETURNS jsonb
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'MaHoSo', coalesce(d.portal_code, d.code),
    'MaTTHC', d.procedure_code,
    'TenTTHC', p.name,
    'TenLinhVuc', p.field,
    'KenhThucHien', d.channel,
    'ChuHoSo', d.applicant_name,
    'SoGiayToChuHoSo', d.applicant_id,
    'DinhDanhCHS', CASE WHEN idt IS NOT NULL
      THEN jsonb_build_array(jsonb_build_object('LoaiDinhDanh', idt, 'SoDinhDanh', d.applicant_id)) END,
    'LoaiDoiTuong', coalesce(d.applicant_type, CASE WHEN idt IS NOT NULL THEN 1
                                                    WHEN tthc.applicant_id_issue(2::smallint, NULL, d.applicant_id) IS NULL THEN 2 END),
    'SoDienThoai', d.applicant_phone,
    'Email', d.applicant_email,
    'TrichYeuHoSo', coalesce(d.summary, p.name),
    'NgayNopHoSo', tthc.portal_time(d.submitted_at),
    'NgayTiepNhan', tthc.portal_time(d.received_at),
    'NgayHenTra', tthc.portal_time(coalesce(d.promised_at, d.due_at)),
    'NgayTuChoi', (SELECT tthc.portal_time(max(e.at)) FROM tthc.dossier_event e
                   WHERE e.dossier_id = d.id AND e.to_status = 'refused'),
    'TrangThaiHoSo', tthc.portal_status(d.status),
    'NgayKetThucXuLy', tthc.portal_time(d.finished_at),
    'NgayTra', tthc.portal_time(d.returned_at),
    'HinhThuc', CASE WHEN d.result_by_post THEN 1 ELSE 0 END,
    'DonViXuLy', d.handling_unit,
    'GhiChu', d.note,
    'HoSoCoThanhPhanSoHoa', CASE WHEN d.digitised THEN 1 ELSE 0 END,
    'DuocThanhToanTrucTuyen', CASE WHEN d.payment = 'online' THEN 1 ELSE 0 END,
    'DanhSachLePhi', coalesce(
      -- what was receipted, when receipts exist
      (SELECT jsonb_agg(jsonb_build_object(
                'MaPhiLePhi', l ->> 'fee_code', 'TenPhiLePhi', l ->> 'name',
                'LoaiPhiLePhi', CASE r.kind WHEN 'phi' THEN 1 ELSE 2 END,
                'HinhThucThu', f.portal_stage, 'Gia', (l ->> 'amount')::bigint,
                'SoBienLai', r.symbol || '-' || r.no) ORDER BY r.number, o)
       FROM tthc.receipt r CROSS JOIN LATERAL jsonb_array_elements(r.lines) WITH ORDINALITY x(l, o)
       LEFT JOIN tthc.fee f ON f.procedure_id = d.procedure_id AND f.fee_code = l ->> 'fee_code'
       WHERE r.dossier_id = d.id AND r.status = 'issued'),
      -- else the procedure version's fees
      (SELECT jsonb_agg(jsonb_build_object(
                'MaPhiLePhi', f.fee_code, 'TenPhiLePhi', f.name,
                'LoaiPhiLePhi', CASE f.kind WHEN 'phi' THEN 1 ELSE 2 END,
                'HinhThucThu', f.portal_stage, 'Gia', f.amount) ORDER BY f.fee_code)
       FROM tthc.fee f WHERE f.procedure_id = d.procedure_id),
      '[]'),
    'DanhSachHoSoBoSung', coalesce(
      (SELECT jsonb_agg(jsonb_build_object(
                'LanBoSung', s.round, 'NgayYeuCauBoSung', tthc.portal_time(s.asked_at),
                'NoiDungYeuCauBoSung', s.note, 'NgayTiepNhanBoSung', tthc.portal_time(s.back_at),
                'NgayHenTraTruoc', tthc.portal_time(s.old_due), 'NgayHenTraMoi', tthc.portal_time(s.new_due))
              ORDER BY s.round)
       FROM (SELECT row_number() OVER (ORDER BY a.seq) AS round, a.at AS asked_at, a.note,
                    b.at AS back_at, coalesce(b.old_due_at, d.due_at) AS old_due, b.new_due_at AS new_due
             FROM tthc.dossier_event a
             LEFT JOIN LATERAL (SELECT e.at, e.old_due_at, e.new_due_at FROM tthc.dossier_event e
                                WHERE e.dossier_id = d.id AND e.seq > a.seq
                                  AND e.from_status = 'awaiting_supplement'
                                ORDER BY e.seq LIMIT 1) b ON true
             WHERE a.dossier_id = d.id AND a.to_status = 'awaiting_supplement'
               AND a.from_status IS DISTINCT FROM 'awaiting_supplement') s),
      '[]')))
  FROM tthc.procedure p,
       -- a citizen's kind of ID, as recorded or by the ID rule's shapes
       LATERAL (SELECT coalesce(d.applicant_id_type,
                  CASE WHEN coalesce(d.applicant_type, 1) <> 1 THEN NULL
                       WHEN tthc.applicant_id_issue(1::smallint, 1::smallint, d.applicant_id) IS NULL THEN 1
                       WHEN tthc.applicant_id_issue(1::smallint, 2::smallint, d.applicant_id) IS NULL THEN 2 END)::int AS idt) i
  WHERE p.id = coalesce(d.procedure_id,
                        (SELECT q.id FROM tthc.procedure q WHERE q.code = d.procedure_code
                         ORDER BY q.valid_from DESC LIMIT 1))
$$;
COMMENT ON FUNCTION tthc.portal_record(tthc.dossier) IS 'The portal''s dossier record (DongBoHoSoMC) of a dossier row';

CREATE FUNCTION tthc.portal_dossier(code text) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  d tthc.dossier;
BEGIN
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = portal_dossier.code;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM tthc.portal_verified(d);
  RETURN tthc.portal_record(d);
END $$;
COMMENT ON FUNCTION tthc.portal_dossier(text) IS 'The dossier record the national portal expects (DongBoHoSoMC), built from the dossier and its verified log; NULL for an unknown code';

CREATE FUNCTION tthc.portal_events(d tthc.dossier, after_seq integer, lim integer) RETURNS jsonb
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'MaHoSo', coalesce(d.portal_code, d.code),
           'NguoiXuLy', left(coalesce(o.full_name, u.name, 'Hệ thống'), 50),
           'ChucDanh', o.title,
           'ThoiDiemXuLy', tthc.portal_time(e.at),
           'PhongBanXuLy', coalesce(u.name, e.unit),
           'NoiDungXuLy', tthc.portal_action(e.kind, e.from_status, e.to_status)
                          || CASE WHEN e.note IS NOT NULL AND e.kind NOT IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
                                  THEN ': ' || e.note ELSE '' END,
           'TrangThai', tthc.portal_status(e.status_after),
           'NgayBatDau', tthc.portal_time(e.started),
           'NgayKetThucTheoQuyDinh', tthc.portal_time(coalesce(e.step_due_at, e.due)))) ORDER BY e.seq), '[]')
  FROM (SELECT x.*, first_value(x.to_status) OVER (PARTITION BY x.sgrp ORDER BY x.seq) AS status_after,
               first_value(x.new_due_at) OVER (PARTITION BY x.dgrp ORDER BY x.seq) AS due
        FROM (SELECT e.*, coalesce(lag(e.at) OVER (ORDER BY e.seq), e.at) AS started,
                     count(e.to_status) OVER (ORDER BY e.seq) AS sgrp,
                     count(e.new_due_at) OVER (ORDER BY e.seq) AS dgrp
              FROM tthc.dossier_event e
              WHERE e.dossier_id = d.id AND e.seq <= after_seq + lim) x) e
  LEFT JOIN tthc.officer o ON o.login = e.officer
  LEFT JOIN tthc.unit u ON u.code = coalesce(e.unit, d.handling_unit)
  WHERE e.seq > after_seq
$$;

CREATE FUNCTION tthc.portal_progress(code text, after_seq integer DEFAULT 0, lim integer DEFAULT 10) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  d tthc.dossier;
BEGIN
  IF after_seq IS NULL OR after_seq < 0 OR lim IS NULL OR lim < 1 THEN
    RAISE EXCEPTION 'after_seq is 0 or more and lim 1 or more, not % and %', after_seq, lim
      USING ERRCODE = '22023';
  END IF;
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = portal_progress.code;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM tthc.portal_verified(d);
  RETURN tthc.portal_events(d, after_seq, lim);
END $$;
COMMENT ON FUNCTION tthc.portal_progress(text, integer, integer) IS 'The progress records the national portal expects (CapNhatTienDoHoSoMC), one per event after after_seq in order, at most lim: handler (the officer''s name), time, action, status after it, unit, step deadline; from the verified log';

-- -------------------------------------------------------------------
-- 5. The outbox: claim, acknowledge, fail
-- -------------------------------------------------------------------

CREATE TABLE tthc.portal_queue (
  dossier_id bigint PRIMARY KEY,
  record_seq integer NOT NULL DEFAULT 0,
  lease_until timestamptz,
  leased_by integer,
  lease interval,
  attempts integer NOT NULL DEFAULT 0,
  next_try_at timestamptz,
  last_error text,
  last_response jsonb,
  held_reason text,
  held_seq integer,
  sent_at timestamptz
);
COMMENT ON TABLE tthc.portal_queue IS 'The portal sync''s state of a dossier it handled: the record the portal acknowledged (record_seq), the lease of the sender sending it, retries, the data hold; maintained by the tthc.portal_* functions';
COMMENT ON COLUMN tthc.portal_queue.record_seq IS 'The event_seq as of which the portal acknowledged the dossier record (0: never)';
COMMENT ON COLUMN tthc.portal_queue.leased_by IS 'The backend (pid) of the sender holding the lease';
COMMENT ON COLUMN tthc.portal_queue.held_reason IS 'Data issues that hold the dossier out of the outbox (tthc.data_issues), as of event held_seq';
GRANT SELECT ON tthc.portal_queue TO tthc_auditor, tthc_admin;
SELECT pg_catalog.pg_extension_config_dump('tthc.portal_queue', '');

CREATE FUNCTION tthc.portal_mark(dossier_id bigint, upto_seq integer) RETURNS integer
LANGUAGE c STRICT PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'tthc_portal_mark';
COMMENT ON FUNCTION tthc.portal_mark(bigint, integer) IS 'Internal (tthc.portal_ack): moves dossier.portal_seq forward without an event';
REVOKE ALL ON FUNCTION tthc.portal_mark(bigint, integer) FROM PUBLIC;

CREATE FUNCTION tthc.portal_claim(n integer, lease interval DEFAULT '2 min')
RETURNS TABLE(code text, mahoso text, acked_seq integer, event_seq integer, is_update boolean, record jsonb)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  d tthc.dossier;
  q tthc.portal_queue;
  issues text;
  broken record;
  got integer := 0;
BEGIN
  IF n IS NULL OR n < 1 OR n > 10000 THEN
    RAISE EXCEPTION 'a claim takes 1 to 10000 dossiers, not %', n USING ERRCODE = '22023';
  END IF;
  IF lease IS NULL OR lease < interval '1 second' OR lease > interval '1 day' THEN
    RAISE EXCEPTION 'a lease lasts 1 second to 1 day, not %', lease USING ERRCODE = '22023';
  END IF;
  -- the pending dossiers (partial index), oldest first, not leased, not
  -- waiting for a retry, not held since their last change; locked rows
  -- (another claim, or a change in progress) are skipped
  FOR d IN
    SELECT x.* FROM tthc.dossier x
    WHERE x.event_seq > x.portal_seq
      AND NOT EXISTS (SELECT 1 FROM tthc.portal_queue y
                      WHERE y.dossier_id = x.id
                        AND (y.lease_until > now() OR y.next_try_at > now() OR y.held_seq >= x.event_seq))
    ORDER BY x.id
    FOR UPDATE OF x SKIP LOCKED
  LOOP
    -- (no LIMIT: dossiers found held on the way do not shorten the claim;
    -- the loop's cursor reads and locks only as far as it gets)
    EXIT WHEN got >= n;
    SELECT string_agg(i.field || ': ' || i.detail, '; ' ORDER BY i.field) INTO issues FROM tthc.dossier_issues(d) i;
    IF issues IS NULL THEN
      SELECT * INTO broken FROM tthc.verify_log(d.code) LIMIT 1;
      IF FOUND THEN
        issues := format('the control slip does not verify (event %s: %s)', broken.seq, broken.problem);
      END IF;
    END IF;
    IF issues IS NOT NULL THEN
      INSERT INTO tthc.portal_queue AS y (dossier_id, held_reason, held_seq)
      VALUES (d.id, issues, d.event_seq)
      ON CONFLICT (dossier_id) DO UPDATE SET held_reason = excluded.held_reason, held_seq = excluded.held_seq,
                                             lease = NULL;
      CONTINUE;
    END IF;
    -- the lease; a lease another claim took since this one's snapshot wins
    INSERT INTO tthc.portal_queue AS y (dossier_id, lease_until, leased_by, lease)
    VALUES (d.id, now() + portal_claim.lease, pg_backend_pid(), portal_claim.lease)
    ON CONFLICT (dossier_id) DO UPDATE
      SET lease_until = excluded.lease_until, leased_by = excluded.leased_by, lease = excluded.lease,
          held_reason = NULL, held_seq = NULL
      WHERE y.lease_until IS NULL OR y.lease_until <= now()
    RETURNING * INTO q;
    CONTINUE WHEN q IS NULL;
    got := got + 1;
    code := d.code;
    mahoso := coalesce(d.portal_code, d.code);
    acked_seq := d.portal_seq;
    event_seq := d.event_seq;
    is_update := q.record_seq > 0 OR d.portal_code IS NOT NULL;
    record := CASE WHEN q.record_seq < d.event_seq THEN tthc.portal_record(d) END;
    RETURN NEXT;
    q := NULL;
  END LOOP;
END $$;
COMMENT ON FUNCTION tthc.portal_claim(integer, interval) IS 'Hands out up to n dossiers with events the national portal has not acknowledged, each leased to this session: code, MaHoSo, acknowledged and last event, whether the portal has it, and the record to send (NULL when the portal has it as of event_seq); dossiers with data issues are held';

-- the queue row of a dossier claimed and not held, locked; whether the
-- caller holds its lease is the caller's to check (q.leased_by): a sender
-- whose lease ran out keeps it until another claim takes the dossier
CREATE FUNCTION tthc.portal_lease(code text, OUT d tthc.dossier, OUT q tthc.portal_queue)
LANGUAGE plpgsql VOLATILE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
BEGIN
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = portal_lease.code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'code';
  END IF;
  SELECT * INTO q FROM tthc.portal_queue y WHERE y.dossier_id = d.id FOR UPDATE;
  IF FOUND AND q.held_seq >= d.event_seq THEN
    RAISE EXCEPTION 'dossier % is held out of the outbox for its data issues', code
      USING ERRCODE = '55000', TABLE = 'portal_queue', DETAIL = q.held_reason,
            HINT = 'Fix the data (tthc.data_issues()); the next claim hands it out.';
  END IF;
  -- a hold is not a claim: the lease (its length) is set by a claim only
  IF NOT FOUND OR q.lease IS NULL THEN
    RAISE EXCEPTION 'dossier % was not claimed', code
      USING ERRCODE = '55000', TABLE = 'portal_queue', HINT = 'Claim it with tthc.portal_claim() first.';
  END IF;
END $$;

CREATE FUNCTION tthc.portal_ack_record(code text, record_seq integer, response jsonb) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  l record;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF record_seq IS NULL OR record_seq < 1 OR record_seq > (l.d).event_seq THEN
    RAISE EXCEPTION 'record_seq % of dossier % is not one of its events (1 to %)', record_seq, code, (l.d).event_seq
      USING ERRCODE = '22023';
  END IF;
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN false;                      -- not this session's: nothing recorded
  END IF;
  UPDATE tthc.portal_queue y
  SET record_seq = greatest(y.record_seq, portal_ack_record.record_seq), last_response = tthc.portal_reply(response),
      attempts = 0, next_try_at = NULL, last_error = NULL, sent_at = now(),
      lease_until = now() + coalesce(y.lease, '2 min')
  WHERE y.dossier_id = (l.d).id;
  RETURN true;
END $$;
COMMENT ON FUNCTION tthc.portal_ack_record(text, integer, jsonb) IS 'The national portal accepted the dossier record built as of event record_seq: recorded, and the lease extended, while this session holds the dossier''s lease (true); false and nothing recorded otherwise';

CREATE FUNCTION tthc.portal_ack(code text, upto_seq integer, response jsonb) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  l record;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF upto_seq IS NULL OR upto_seq < 0 OR upto_seq > (l.d).event_seq THEN
    RAISE EXCEPTION 'upto_seq % of dossier % is not one of its events (0 to %)', upto_seq, code, (l.d).event_seq
      USING ERRCODE = '22023';
  END IF;
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN false;                      -- not this session's: nothing recorded
  END IF;
  PERFORM tthc.portal_mark((l.d).id, upto_seq);
  UPDATE tthc.portal_queue y
  SET last_response = tthc.portal_reply(response), attempts = 0, next_try_at = NULL, last_error = NULL, sent_at = now(),
      -- done: the lease is given back; else extended for the next chunk
      lease_until = CASE WHEN upto_seq >= (l.d).event_seq THEN NULL ELSE now() + coalesce(y.lease, '2 min') END,
      leased_by = CASE WHEN upto_seq >= (l.d).event_seq THEN NULL ELSE y.leased_by END
  WHERE y.dossier_id = (l.d).id;
  RETURN true;
END $$;
COMMENT ON FUNCTION tthc.portal_ack(text, integer, jsonb) IS 'The national portal accepted the progress of a dossier up to event upto_seq (never moves back): recorded while this session holds the dossier''s lease (true; the lease extended, or given back when all is acknowledged); false and nothing recorded otherwise';

CREATE FUNCTION tthc.portal_fail(code text, error text) RETURNS timestamptz
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  l record;
  retry_at timestamptz;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN NULL;                       -- not this session's: nothing recorded
  END IF;
  -- 30 s, 1 min, 2 min, ... at most 1 hour
  retry_at := now() + least(interval '30 seconds' * power(2, least((l.q).attempts, 20)), interval '1 hour');
  UPDATE tthc.portal_queue y
  SET attempts = y.attempts + 1, next_try_at = retry_at, last_error = left(coalesce(error, 'unknown error'), 2000),
      lease_until = NULL, leased_by = NULL
  WHERE y.dossier_id = (l.d).id;
  RETURN retry_at;
END $$;
COMMENT ON FUNCTION tthc.portal_fail(text, text) IS 'A dossier could not be sent: gives this session''s lease back with the error; it is claimable again after a backoff (30 s doubling, at most 1 hour), returned; NULL (nothing recorded) when the lease is not this session''s';

CREATE FUNCTION tthc.portal_release(code text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  l record;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN false;
  END IF;
  UPDATE tthc.portal_queue y SET lease_until = NULL, leased_by = NULL WHERE y.dossier_id = (l.d).id;
  RETURN true;
END $$;
COMMENT ON FUNCTION tthc.portal_release(text) IS 'Gives this session''s lease of a dossier back unsent, with no attempt counted and no backoff (a sender stopping, or ending its cycle early); false when the lease is not this session''s';

-- what of the portal's reply the queue keeps: its code and message, cut
CREATE FUNCTION tthc.portal_reply(response jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT CASE WHEN pg_catalog.jsonb_typeof(response) = 'object'
              THEN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                     'error_code', response -> 'error_code',
                     'message', pg_catalog.left(response ->> 'message', 500))) END
$$;
COMMENT ON FUNCTION tthc.portal_reply(jsonb) IS 'Internal: what portal_queue.last_response keeps of a reply (error_code, and message cut at 500 characters)';

CREATE VIEW tthc.portal_outbox WITH (security_barrier) AS
  SELECT d.code, coalesce(d.portal_code, d.code) AS mahoso, d.event_seq, d.portal_seq AS acked_seq,
         CASE WHEN q.held_seq >= d.event_seq THEN 'held'
              WHEN q.lease_until > now() THEN 'leased'
              WHEN q.next_try_at IS NOT NULL THEN 'retrying'
              ELSE 'pending' END AS state,
         coalesce(q.attempts, 0) AS attempts, q.next_try_at, q.last_error, q.held_reason
  FROM tthc.dossier d LEFT JOIN tthc.portal_queue q ON q.dossier_id = d.id
  WHERE d.event_seq > d.portal_seq;
COMMENT ON VIEW tthc.portal_outbox IS 'The dossiers with events the national portal has not acknowledged: pending, leased to a sender, retrying after a failure, or held for data issues (with the reason)';
GRANT SELECT ON tthc.portal_outbox TO tthc_portal, tthc_auditor, tthc_admin;

-- -------------------------------------------------------------------
-- 6. The inbox
-- -------------------------------------------------------------------

-- a field of the portal's record, or a clear refusal naming it
CREATE FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  v jsonb := payload -> field;
  s text;
BEGIN
  IF v IS NULL OR v = 'null' OR (jsonb_typeof(v) = 'string' AND btrim(v #>> '{}') = '') THEN
    IF required THEN
      RAISE EXCEPTION 'portal record: % is required', field
        USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = col;
    END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(v) NOT IN ('string', 'number') THEN
    RAISE EXCEPTION 'portal record: % is a JSON %, not a % (a string or a number)', field, jsonb_typeof(v), kind
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = col;
  END IF;
  s := btrim(v #>> '{}');
  IF kind = 'integer' AND s !~ '^-?[0-9]{1,4}$' THEN
    RAISE EXCEPTION 'portal record: % is not an integer: "%"', field, s
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = col;
  END IF;
  IF kind = 'time' THEN
    IF s !~ '^[0-9]{14}$' THEN
      RAISE EXCEPTION 'portal record: % is not a time yyyyMMddHHmmss: "%"', field, s
        USING ERRCODE = '22007', TABLE = 'dossier', COLUMN = col;
    END IF;
    BEGIN
      PERFORM make_timestamp(substr(s, 1, 4)::int, substr(s, 5, 2)::int, substr(s, 7, 2)::int,
                             substr(s, 9, 2)::int, substr(s, 11, 2)::int, substr(s, 13, 2)::int);
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
      RAISE EXCEPTION 'portal record: % is not a valid time: "%"', field, s
        USING ERRCODE = '22008', TABLE = 'dossier', COLUMN = col;
    END;
  END IF;
  RETURN s;
END $$;

CREATE FUNCTION tthc.portal_time_in(s text) RETURNS timestamptz
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT pg_catalog.make_timestamptz(substr($1, 1, 4)::int, substr($1, 5, 2)::int, substr($1, 7, 2)::int,
                                     substr($1, 9, 2)::int, substr($1, 11, 2)::int, substr($1, 13, 2)::int,
                                     'Asia/Ho_Chi_Minh')
$$;
COMMENT ON FUNCTION tthc.portal_time_in(text) IS 'A portal time (yyyyMMddHHmmss, UTC+7) as a timestamptz';

CREATE FUNCTION tthc.portal_receive(payload jsonb) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  mahoso text;
  proc text;
  unit_code text;
  recv_unit text;
  rec_channel int;
  st tthc.dossier_status;
  code_in text;
  name text;
  idno text;
  idtype int;
  atype int;
  phone text;
  email text;
  rec_summary text;
  submitted timestamptz;
  received timestamptz;
  rec_digitised boolean;
  paid_online boolean;
  by_post boolean;
  rec_note text;
  ident jsonb;
  d tthc.dossier;
  c text;
BEGIN
  IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
    RAISE EXCEPTION 'a portal record is a JSON object, not %', coalesce(jsonb_typeof(payload), 'NULL')
      USING ERRCODE = '22023';
  END IF;
  mahoso := tthc.portal_field(payload, 'MaHoSo', 'portal_code', 'text', true);
  IF mahoso !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$' THEN
    RAISE EXCEPTION 'portal record: MaHoSo "%" is not a dossier code', mahoso
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'portal_code';
  END IF;
  proc := tthc.portal_field(payload, 'MaTTHC', 'procedure_code', 'text', true);
  IF NOT EXISTS (SELECT 1 FROM tthc.procedure p WHERE p.code = proc) THEN
    RAISE EXCEPTION 'portal record %: MaTTHC % is not a procedure of this province', mahoso, proc
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'procedure_code';
  END IF;
  unit_code := tthc.portal_field(payload, 'DonViXuLy', 'handling_unit', 'text', true);
  IF NOT EXISTS (SELECT 1 FROM tthc.unit u WHERE u.code = unit_code) THEN
    RAISE EXCEPTION 'portal record %: DonViXuLy % is not a unit of this province', mahoso, unit_code
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'handling_unit';
  END IF;
  -- the receiving unit, when the portal names one (a provincial centre
  -- receiving for its department); else the handling unit receives
  recv_unit := coalesce(tthc.portal_field(payload, 'DonViTiepNhan', 'receiving_unit', 'text'), unit_code);
  IF NOT EXISTS (SELECT 1 FROM tthc.unit u WHERE u.code = recv_unit) THEN
    RAISE EXCEPTION 'portal record %: DonViTiepNhan % is not a unit of this province', mahoso, recv_unit
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'receiving_unit';
  END IF;
  rec_channel := coalesce(tthc.portal_field(payload, 'KenhThucHien', 'channel', 'integer')::int, 2);
  IF rec_channel NOT IN (1, 2, 3) THEN
    RAISE EXCEPTION 'portal record %: KenhThucHien is 1, 2 or 3, not %', mahoso, rec_channel
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'channel';
  END IF;
  code_in := coalesce(tthc.portal_field(payload, 'TrangThaiHoSo', 'status', 'text'), tthc.portal_status('submitted'));
  SELECT x.s INTO st FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::tthc.dossier_status)) x(s)
  WHERE tthc.portal_status(x.s) = code_in ORDER BY x.s LIMIT 1;
  IF st IS NULL OR st NOT IN ('submitted', 'received', 'withdrawn') THEN
    RAISE EXCEPTION 'portal record %: TrangThaiHoSo % is not a status the portal sends', mahoso, code_in
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'status',
            DETAIL = 'The portal sends a dossier submitted, received (accepted) or withdrawn; the province moves it on.';
  END IF;
  name := tthc.portal_field(payload, 'ChuHoSo', 'applicant_name', 'text', true);
  ident := CASE WHEN jsonb_typeof(payload -> 'DinhDanhCHS') = 'array' THEN payload -> 'DinhDanhCHS' -> 0 END;
  IF payload ? 'DinhDanhCHS' AND payload -> 'DinhDanhCHS' <> 'null' AND jsonb_typeof(payload -> 'DinhDanhCHS') <> 'array' THEN
    RAISE EXCEPTION 'portal record %: DinhDanhCHS is a list', mahoso
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'applicant_id';
  END IF;
  idno := coalesce(tthc.portal_field(payload, 'SoGiayToChuHoSo', 'applicant_id', 'text'),
                   CASE WHEN ident IS NOT NULL THEN tthc.portal_field(ident, 'SoDinhDanh', 'applicant_id', 'text') END);
  idtype := CASE WHEN ident IS NOT NULL THEN tthc.portal_field(ident, 'LoaiDinhDanh', 'applicant_id_type', 'integer')::int END;
  IF idtype NOT IN (1, 2) THEN
    RAISE EXCEPTION 'portal record %: LoaiDinhDanh is 1 (citizen ID) or 2 (old ID card), not %', mahoso, idtype
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'applicant_id_type';
  END IF;
  atype := tthc.portal_field(payload, 'LoaiDoiTuong', 'applicant_type', 'integer')::int;
  IF atype NOT BETWEEN 1 AND 4 THEN
    RAISE EXCEPTION 'portal record %: LoaiDoiTuong is 1 to 4, not %', mahoso, atype
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'applicant_type';
  END IF;
  phone := tthc.portal_field(payload, 'SoDienThoai', 'applicant_phone', 'text');
  email := tthc.portal_field(payload, 'Email', 'applicant_email', 'text');
  rec_summary := tthc.portal_field(payload, 'TrichYeuHoSo', 'summary', 'text');
  IF char_length(rec_summary) > 1000 THEN
    RAISE EXCEPTION 'portal record %: TrichYeuHoSo has % characters; at most 1000', mahoso, char_length(rec_summary)
      USING ERRCODE = '22001', TABLE = 'dossier', COLUMN = 'summary';
  END IF;
  submitted := tthc.portal_time_in(tthc.portal_field(payload, 'NgayNopHoSo', 'submitted_at', 'time', rec_channel = 2));
  received := tthc.portal_time_in(tthc.portal_field(payload, 'NgayTiepNhan', 'received_at', 'time', st = 'received'));
  IF received < submitted THEN
    RAISE EXCEPTION 'portal record %: NgayTiepNhan is before NgayNopHoSo', mahoso
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'received_at';
  END IF;
  rec_digitised := tthc.portal_field(payload, 'HoSoCoThanhPhanSoHoa', 'digitised', 'integer')::int = 1;
  paid_online := tthc.portal_field(payload, 'DuocThanhToanTrucTuyen', 'payment', 'integer')::int = 1;
  by_post := tthc.portal_field(payload, 'HinhThuc', 'result_by_post', 'integer')::int = 1;
  rec_note := tthc.portal_field(payload, 'GhiChu', 'note', 'text');

  SELECT * INTO d FROM tthc.dossier x WHERE x.portal_code = mahoso;
  IF NOT FOUND THEN
    IF st = 'withdrawn' THEN
      RAISE EXCEPTION 'portal record %: a dossier this province never had cannot arrive withdrawn', mahoso
        USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'status';
    END IF;
    INSERT INTO tthc.dossier AS x (portal_code, procedure_code, receiving_unit, handling_unit, channel, status,
                                   submitted_at, received_at, applicant_name, applicant_id, applicant_id_type,
                                   applicant_type, applicant_phone, applicant_email, summary, digitised, payment,
                                   result_by_post, note)
    VALUES (mahoso, proc, recv_unit, unit_code, rec_channel, st, submitted, CASE WHEN st = 'received' THEN received END,
            name, idno, idtype, atype, phone, email, rec_summary, coalesce(rec_digitised, false),
            CASE WHEN paid_online THEN 'online' END, coalesce(by_post, false), rec_note)
    RETURNING x.code INTO c;
    RETURN c;
  END IF;

  -- a later record: what a client may change, and the moves the portal makes
  -- (acceptance, withdrawal); nothing when nothing differs
  idno := coalesce(idno, d.applicant_id);
  idtype := coalesce(idtype, d.applicant_id_type);
  atype := coalesce(atype, d.applicant_type);
  phone := coalesce(phone, d.applicant_phone);
  email := coalesce(email, d.applicant_email);
  rec_summary := coalesce(rec_summary, d.summary);
  rec_digitised := coalesce(rec_digitised, d.digitised);
  by_post := coalesce(by_post, d.result_by_post);
  rec_note := coalesce(rec_note, d.note);
  IF d.status <> 'submitted' THEN
    proc := d.procedure_code;
    unit_code := d.handling_unit;
    rec_channel := d.channel;
  END IF;
  st := CASE WHEN st = 'received' AND d.status = 'submitted' THEN st
             WHEN st = 'withdrawn' AND d.status <> 'withdrawn' THEN st
             ELSE d.status END;
  IF (d.applicant_name, d.applicant_id, d.applicant_id_type, d.applicant_type, d.applicant_phone,
      d.applicant_email, d.summary, d.digitised, d.result_by_post, d.note, d.procedure_code,
      d.handling_unit, d.channel, d.status)
     IS NOT DISTINCT FROM
     (name, idno, idtype::smallint, atype::smallint, phone, email, rec_summary, rec_digitised, by_post, rec_note, proc,
      unit_code, rec_channel::smallint, st) THEN
    RETURN d.code;
  END IF;
  UPDATE tthc.dossier x SET
    applicant_name = name, applicant_id = idno, applicant_id_type = idtype, applicant_type = atype,
    applicant_phone = phone, applicant_email = email, summary = rec_summary,
    digitised = rec_digitised, result_by_post = by_post, note = rec_note,
    procedure_code = proc, handling_unit = unit_code, channel = rec_channel, status = st,
    changed_at = CASE WHEN st = 'received' AND d.status = 'submitted' THEN received ELSE x.changed_at END
  WHERE x.id = d.id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'portal record %: dossier % is % at its handling unit; the portal''s change is for the unit to record', mahoso, d.code, d.status
      USING ERRCODE = '42501', TABLE = 'dossier',
            HINT = 'The portal''s account changes a dossier it sent only until the province moves it on (submitted or received).';
  END IF;
  RETURN d.code;
END $$;
COMMENT ON FUNCTION tthc.portal_receive(jsonb) IS 'The inbox: creates a dossier from the national portal''s record (DongBoHoSoMC field names) as submitted or received, keeping its MaHoSo; a later record changes only what a client may (the applicant''s details, the summary, the note; the procedure and unit while submitted) and accepts or withdraws it; the same record twice changes nothing; a malformed record is refused naming the field; returns the dossier''s code';

-- -------------------------------------------------------------------
-- 7. A fix: a procedure step could never be changed or removed (the
--    trigger read the procedure's columns from a step row)
-- -------------------------------------------------------------------

CREATE OR REPLACE FUNCTION tthc.procedure_in_use() RETURNS trigger
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  pid bigint := (pg_catalog.to_jsonb(OLD) ->> CASE TG_TABLE_NAME WHEN 'procedure' THEN 'id' ELSE 'procedure_id' END)::bigint;
  o jsonb := pg_catalog.to_jsonb(OLD);
  n jsonb := pg_catalog.to_jsonb(NEW);
BEGIN
  -- closing a version (valid_to) or renaming it is fine
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'procedure'
     AND (SELECT pg_catalog.jsonb_object_agg(k, n -> k) FROM pg_catalog.unnest(ARRAY['time_limit', 'online_time_limit',
            'same_day_cutoff', 'supplement_mode', 'valid_from', 'field', 'online_service']) k)
         = (SELECT pg_catalog.jsonb_object_agg(k, o -> k) FROM pg_catalog.unnest(ARRAY['time_limit', 'online_time_limit',
            'same_day_cutoff', 'supplement_mode', 'valid_from', 'field', 'online_service']) k) THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.procedure_id = pid) THEN
    RAISE EXCEPTION 'procedure version % has dossiers', pid
      USING ERRCODE = '23503',
            DETAIL = 'Dossiers received under a version keep its limits, field, online offer and steps.',
            HINT = 'Close the version (valid_to) and add a new one.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- -------------------------------------------------------------------
-- 8. One dossier's control slip by its index.  verify_log(code) was one
--    SQL function for every code, planned without knowing it, so "code IS
--    NULL OR d.code = code" read every dossier and event to verify one;
--    the portal verifies a dossier at each claim and payload.  The same
--    checks now stand once, below, and become the two queries of a
--    PL/pgSQL function whose plans it keeps: every dossier, or one found
--    by its code's index (with no scan for orphan events or series).
-- -------------------------------------------------------------------

DO $do$
DECLARE
  -- :one_or_all picks the dossiers checked, :all the whole-log checks
  checks constant text := $checks$
    WITH e AS (
      SELECT d.code, x.seq, x.hash,
             lag(x.seq) OVER w AS prev_seq,
             tthc.event_hash(lag(x.hash) OVER w, x) AS expected
      FROM tthc.dossier d JOIN tthc.dossier_event x
        ON x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
      WHERE :one_or_all
      WINDOW w AS (PARTITION BY x.dossier_id, x.province ORDER BY x.seq)),
    links AS (
      SELECT e.code, e.seq,
             CASE WHEN e.seq <> coalesce(e.prev_seq, 0) + 1 THEN 'an event is missing before this one'
                  WHEN e.hash IS DISTINCT FROM e.expected THEN 'the event was altered: its hash does not match'
             END AS problem
      FROM e),
    heads AS (
      SELECT d.code, d.event_seq AS seq,
             CASE WHEN l.seq IS NULL THEN 'the dossier has no events'
                  WHEN l.seq IS DISTINCT FROM d.event_seq THEN 'the log ends at event ' || l.seq || ', not ' || d.event_seq
                  WHEN l.hash IS DISTINCT FROM d.event_hash THEN 'the latest event does not match the dossier''s hash'
                  WHEN l.state IS NULL THEN 'the latest event does not bind the dossier''s state'
                  WHEN l.state IS DISTINCT FROM tthc.dossier_state(d) THEN 'the dossier row does not match its log: it was changed without an event'
             END AS problem
      FROM tthc.dossier d
      LEFT JOIN LATERAL (SELECT x.seq, x.hash, x.state FROM tthc.dossier_event x WHERE x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
                         ORDER BY x.seq DESC LIMIT 1) l ON true
      WHERE :one_or_all),
    orphans AS (
      SELECT '(dossier id ' || x.dossier_id || coalesce(' of ' || x.province, '') || ')' AS code, min(x.seq) AS seq,
             'events of a dossier that does not exist' AS problem
      FROM tthc.dossier_event x
      WHERE :all AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = x.dossier_id
                                                       AND d.province IS NOT DISTINCT FROM x.province)
      GROUP BY x.dossier_id, x.province),
    -- a province's own money rows against their events (the hub mirrors the events only)
    money_rows AS (
      SELECT d.code, p.event_seq AS seq,
             CASE WHEN x.seq IS NULL THEN 'payment ' || p.id || ' has no event'
                  WHEN x.kind NOT IN ('payment', 'refund', 'waiver') OR x.note IS NULL
                    OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.payment_fact(p) OR x.at <> p.paid_at
                    THEN 'payment ' || p.id || ' does not match its event' END AS problem
      FROM tthc.payment p JOIN tthc.dossier d ON d.id = p.dossier_id AND d.province IS NULL
      LEFT JOIN tthc.dossier_event x ON x.dossier_id = p.dossier_id AND x.province IS NULL AND x.seq = p.event_seq
      WHERE :one_or_all
      UNION ALL
      SELECT d.code, r.event_seq,
             CASE WHEN x.seq IS NULL OR x.kind <> 'receipt' OR x.note IS NULL
                    OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.receipt_fact(r) OR x.at <> r.issued_at
                    THEN 'receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' does not match its event' END
      FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NULL
      LEFT JOIN tthc.dossier_event x ON x.dossier_id = r.dossier_id AND x.province IS NULL AND x.seq = r.event_seq
      WHERE :one_or_all
      UNION ALL
      SELECT d.code, coalesce(r.cancel_seq, d.event_seq),
             CASE WHEN r.status <> 'issued' AND (x.seq IS NULL OR x.kind <> 'receipt_cancel' OR x.note IS NULL
                    OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.receipt_cancel_fact(r) OR x.at <> r.cancelled_at)
                    THEN 'the cancellation of receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' does not match its event'
                  WHEN r.status = 'issued' AND EXISTS (
                    SELECT 1 FROM tthc.dossier_event c WHERE c.dossier_id = r.dossier_id AND c.province IS NULL
                       AND c.kind = 'receipt_cancel' AND (tthc.as_jsonb(c.note) ->> 'receipt')::bigint = r.id)
                    THEN 'receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' was cancelled but reads issued' END
      FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NULL
      LEFT JOIN tthc.dossier_event x ON x.dossier_id = r.dossier_id AND x.province IS NULL AND x.seq = r.cancel_seq
      WHERE :one_or_all
      UNION ALL
      SELECT d.code, x.seq, 'the ' || x.kind || ' event has no row' || CASE WHEN x.kind LIKE 'receipt%' THEN ' in tthc.receipt' ELSE ' in tthc.payment' END
      FROM tthc.dossier_event x JOIN tthc.dossier d ON d.id = x.dossier_id AND d.province IS NULL
      WHERE x.province IS NULL AND x.kind IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
        AND :one_or_all
        AND NOT EXISTS (SELECT 1 FROM tthc.payment p WHERE p.dossier_id = x.dossier_id AND p.event_seq = x.seq)
        AND NOT EXISTS (SELECT 1 FROM tthc.receipt r WHERE r.dossier_id = x.dossier_id
                          AND (r.event_seq = x.seq OR r.cancel_seq = x.seq))),
    -- every series' next number follows its receipts, numbered from first_no without a hole
    series AS (
      SELECT '(series ' || s.unit || ' ' || s.template || '/' || s.symbol || ')' AS code, s.next_no AS seq,
             'the next number is ' || s.next_no || ' but the receipts are ' || count(r.id) || ' up to number '
               || coalesce(max(r.number), s.first_no - 1) AS problem
      FROM tthc.receipt_series s LEFT JOIN tthc.receipt r USING (unit, template, symbol)
      WHERE :all
      GROUP BY s.unit, s.template, s.symbol, s.first_no, s.next_no
      HAVING s.next_no <> coalesce(max(r.number), s.first_no - 1) + 1
          OR count(r.id) <> coalesce(max(r.number), s.first_no - 1) - s.first_no + 1)
    -- the first problem: the earliest event, then the checks in this
    -- order (an altered latest event also fails the head's check)
    SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
    FROM (SELECT *, 1 AS k FROM links WHERE problem IS NOT NULL
          UNION ALL SELECT *, 2 FROM heads WHERE problem IS NOT NULL
          UNION ALL SELECT *, 3 FROM orphans
          UNION ALL SELECT *, 4 FROM money_rows WHERE problem IS NOT NULL
          UNION ALL SELECT *, 5 FROM series) b
    ORDER BY b.code, b.seq, b.k, b.problem
$checks$;
BEGIN
  EXECUTE format($create$
CREATE FUNCTION tthc.log_problems(target text) RETURNS TABLE(code text, seq integer, problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $body$
#variable_conflict use_column
BEGIN
  IF target IS NULL THEN
    RETURN QUERY %s;
  ELSE
    RETURN QUERY %s;
  END IF;
END
$body$ $create$,
    replace(replace(checks, ':one_or_all', 'true'), ':all', 'true'),
    replace(replace(checks, ':one_or_all', 'd.code = log_problems.target'), ':all', 'false'));
END
$do$;
COMMENT ON FUNCTION tthc.log_problems(text) IS 'Internal (tthc.verify_log): the first problem of each dossier''s control slip, of every dossier (NULL) or of one by its code''s index';
REVOKE ALL ON FUNCTION tthc.log_problems(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.log_problems(text) TO tthc_auditor;

CREATE OR REPLACE FUNCTION tthc.verify_log(code text DEFAULT NULL) RETURNS TABLE(code text, seq integer, problem text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM tthc.log_problems(verify_log.code) $$;

-- -------------------------------------------------------------------
-- 9. Who may do what
-- -------------------------------------------------------------------

COMMENT ON FUNCTION tthc.portal_field(jsonb, text, text, text, boolean) IS 'Internal (tthc.portal_receive): a field of the portal''s record, refused naming it when malformed';

COMMENT ON FUNCTION tthc.portal_lease(text) IS 'Internal: a dossier and its portal_queue row, locked, for an acknowledgement or a failure';

COMMENT ON FUNCTION tthc.portal_events(tthc.dossier, integer, integer) IS 'Internal (tthc.portal_progress): the progress records of a dossier row';

COMMENT ON FUNCTION tthc.portal_verified(tthc.dossier) IS 'Internal: refuses (XX001) a dossier whose control slip does not verify';

-- the portal's account: dossiers it sent, as the portal may change them
GRANT SELECT ON tthc.dossier TO tthc_portal;
GRANT INSERT (portal_code, procedure_code, receiving_unit, handling_unit, channel, status, submitted_at, received_at,
              applicant_name, applicant_id, applicant_id_type, applicant_type, applicant_phone, applicant_email,
              summary, digitised, payment, result_by_post, note)
  ON tthc.dossier TO tthc_portal;
GRANT UPDATE (applicant_name, applicant_id, applicant_id_type, applicant_type, applicant_phone, applicant_email,
              summary, digitised, result_by_post, note, procedure_code, handling_unit, channel, status, changed_at)
  ON tthc.dossier TO tthc_portal;
GRANT USAGE ON SEQUENCE tthc.dossier_id_seq TO tthc_portal;
CREATE POLICY portal_sent ON tthc.dossier FOR SELECT TO tthc_portal USING (portal_code IS NOT NULL);
CREATE POLICY portal_inbox ON tthc.dossier FOR INSERT TO tthc_portal
  WITH CHECK (portal_code IS NOT NULL AND status IN ('submitted', 'received'));
-- before the province has moved it on: acceptance, withdrawal, the applicant's details
CREATE POLICY portal_update ON tthc.dossier FOR UPDATE TO tthc_portal
  USING (portal_code IS NOT NULL AND status IN ('submitted', 'received'))
  WITH CHECK (portal_code IS NOT NULL AND status IN ('submitted', 'received', 'withdrawn'));

REVOKE ALL ON FUNCTION tthc.portal_claim(integer, interval), tthc.portal_ack(text, integer, jsonb),
  tthc.portal_ack_record(text, integer, jsonb), tthc.portal_fail(text, text), tthc.portal_release(text),
  tthc.portal_reply(jsonb),
  tthc.portal_lease(text), tthc.portal_dossier(text), tthc.portal_progress(text, integer, integer),
  tthc.portal_record(tthc.dossier), tthc.portal_events(tthc.dossier, integer, integer),
  tthc.portal_verified(tthc.dossier), tthc.portal_receive(jsonb), tthc.data_issues(text),
  tthc.dossier_issues(tthc.dossier), tthc.portal_field(jsonb, text, text, text, boolean),
  tthc.portal_status(tthc.dossier_status), tthc.portal_time(timestamptz), tthc.portal_time_in(text),
  tthc.portal_action(text, tthc.dossier_status, tthc.dossier_status), tthc.applicant_id_issue(smallint, smallint, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.portal_status(tthc.dossier_status), tthc.portal_time(timestamptz),
  tthc.portal_time_in(text), tthc.portal_action(text, tthc.dossier_status, tthc.dossier_status),
  tthc.applicant_id_issue(smallint, smallint, text)
  TO tthc_officer, tthc_auditor, tthc_admin, tthc_reader, tthc_portal;
GRANT EXECUTE ON FUNCTION tthc.portal_claim(integer, interval), tthc.portal_ack(text, integer, jsonb),
  tthc.portal_ack_record(text, integer, jsonb), tthc.portal_fail(text, text), tthc.portal_release(text)
  TO tthc_portal, tthc_admin;
GRANT EXECUTE ON FUNCTION tthc.portal_dossier(text), tthc.portal_progress(text, integer, integer)
  TO tthc_portal, tthc_auditor, tthc_admin;
GRANT EXECUTE ON FUNCTION tthc.portal_receive(jsonb), tthc.portal_field(jsonb, text, text, text, boolean)
  TO tthc_portal, tthc_officer, tthc_admin;
GRANT EXECUTE ON FUNCTION tthc.data_issues(text), tthc.dossier_issues(tthc.dossier)
  TO tthc_officer, tthc_auditor, tthc_admin, tthc_portal;
