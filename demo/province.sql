-- demo/province.sql: a province like Quảng Ninh for scripts/demo.sh.
-- One provincial centre H22, 54 commune centres H22.01 … H22.54 (the wards,
-- communes and special zones in place since 1/7/2025; names for illustration),
-- seven departments (sở, ngành) that resolve the provincial procedures and
-- take the inter-agency steps, one external agency (Công an tỉnh), a
-- catalogue of ~330 procedures with realistic limits and the national limits
-- the province cut them from, and the officers (tthc.officer) who act on the
-- dossiers, each with the traits demo/simulate.sql gives them (demo.officer).
-- Run on a fresh database:
--   psql -X -v ON_ERROR_STOP=1 -d tthc_demo -f demo/province.sql
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tthc;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

-- ── Units ────────────────────────────────────────────────────────────────
INSERT INTO tthc.unit (code, name, level)
VALUES ('H22', 'Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh', 'province');

-- weight: the share of the province's commune-level dossiers a centre receives
CREATE TABLE demo.commune (code text PRIMARY KEY, name text NOT NULL, weight numeric NOT NULL, grp int NOT NULL);
INSERT INTO demo.commune (code, name, weight, grp)
SELECT 'H22.' || lpad(n::text, 2, '0'), name, weight, 0
FROM unnest(ARRAY[
  'phường Hà Tu','phường Hà Lầm','phường Cao Xanh','phường Hồng Gai','phường Hạ Long',
  'phường Bãi Cháy','phường Việt Hưng','phường Tuần Châu','phường Hoành Bồ','phường Mông Dương',
  'phường Quang Hanh','phường Cẩm Phả','phường Cửa Ông','phường Uông Bí','phường Vàng Danh',
  'phường Yên Tử','phường Đông Triều','phường Bình Khê','phường Mạo Khê','phường Hoàng Quế',
  'phường An Sinh','phường Quảng Yên','phường Đông Mai','phường Hiệp Hòa','phường Hà An',
  'phường Liên Hòa','phường Phong Cốc','phường Móng Cái 1','phường Móng Cái 2','phường Móng Cái 3',
  'xã Thống Nhất','xã Quảng La','xã Kỳ Thượng','xã Ba Chẽ','xã Lương Minh',
  'xã Đông Ngũ','xã Hải Lạng','xã Tiên Yên','xã Điền Xá','xã Bình Liêu',
  'xã Hoành Mô','xã Lục Hồn','xã Đầm Hà','xã Quảng Tân','xã Quảng Hà',
  'xã Đường Hoa','xã Quảng Đức','xã Cái Chiên','xã Hải Sơn','xã Hải Ninh',
  'xã Vĩnh Thực','xã Hải Hòa','đặc khu Vân Đồn','đặc khu Cô Tô'],
  ARRAY[2.2,1.6,1.8,2.0,2.6, 2.4,1.5,1.4,1.3,1.0, 1.4,2.2,1.3,2.3,0.9,
        1.0,1.9,1.0,1.7,1.0, 1.1,1.8,1.2,1.0,1.1, 0.9,1.0,1.6,1.2,1.0,
        0.6,0.6,0.4,0.6,0.4, 0.6,0.5,0.9,0.5,0.6, 0.4,0.4,0.7,0.5,0.7,
        0.6,0.5,0.5,0.6,0.6, 0.4,0.5,1.2,0.3]::numeric[]) WITH ORDINALITY AS t(name, weight, n);
-- four writer groups of similar volume (greedy, heaviest first); group 1 also
-- writes for the provincial centre, which receives 12 % of all dossiers
DO $$
DECLARE c record; load numeric[] := ARRAY[(SELECT 0.12 / 0.88 * sum(weight) FROM demo.commune), 0, 0, 0]; g int;
BEGIN
  FOR c IN SELECT code, weight FROM demo.commune ORDER BY weight DESC, code LOOP
    SELECT i INTO g FROM generate_series(1, 4) i ORDER BY load[i], i LIMIT 1;
    UPDATE demo.commune SET grp = g WHERE code = c.code;
    load[g] := load[g] + c.weight;
  END LOOP;
END $$;

INSERT INTO tthc.unit (code, name, level, parent)
SELECT code, 'Trung tâm PVHCC ' || name, 'commune', 'H22' FROM demo.commune ORDER BY code;
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.80', 'Sở Xây dựng', 'department', 'H22'),
  ('H22.81', 'Sở Nông nghiệp và Môi trường', 'department', 'H22'),
  ('H22.82', 'Thuế tỉnh Quảng Ninh', 'department', 'H22'),
  ('H22.83', 'Sở Tư pháp', 'department', 'H22'),
  ('H22.84', 'Sở Tài chính', 'department', 'H22'),
  ('H22.85', 'Sở Y tế', 'department', 'H22'),
  ('H22.86', 'Sở Nội vụ', 'department', 'H22'),
  -- outside the province's administration: its step is a national system's reply
  ('H22.90', 'Công an tỉnh Quảng Ninh', 'agency', 'H22');

-- ── Catalogue ────────────────────────────────────────────────────────────
-- level: who receives it (commune centres or the provincial centre);
-- popularity: relative volume; handler: the department that resolves a
-- provincial procedure (NULL: the commune centre that receives it, or, for an
-- inter-agency one, the provincial centre, which coordinates its steps);
-- national_time_limit: the limit in the ministry's decision, before the
-- province cut it (set below)
CREATE TABLE demo.catalogue (
  code text PRIMARY KEY, name text NOT NULL, field text NOT NULL, level text NOT NULL,
  time_limit tthc.time_limit NOT NULL, online_time_limit tthc.time_limit,
  supplement_mode text NOT NULL, popularity float8 NOT NULL, interagency boolean NOT NULL DEFAULT false,
  handler text REFERENCES tthc.unit (code), national_time_limit tthc.time_limit);

CREATE TEMP TABLE stem (field text, level text, fw float8, names text[]);
INSERT INTO stem VALUES
 ('Hộ tịch', 'commune', 30, ARRAY['Đăng ký khai sinh','Đăng ký kết hôn','Đăng ký khai tử','Đăng ký nhận cha, mẹ, con',
   'Cấp bản sao trích lục hộ tịch','Đăng ký lại khai sinh','Đăng ký giám hộ','Thay đổi, cải chính, bổ sung thông tin hộ tịch',
   'Cấp giấy xác nhận tình trạng hôn nhân','Đăng ký chấm dứt giám hộ','Đăng ký lại kết hôn','Ghi vào Sổ hộ tịch việc hộ tịch đã giải quyết ở nước ngoài']),
 ('Chứng thực', 'commune', 25, ARRAY['Chứng thực bản sao từ bản chính','Chứng thực chữ ký trong giấy tờ, văn bản',
   'Chứng thực hợp đồng, giao dịch','Chứng thực di chúc','Chứng thực văn bản thỏa thuận phân chia di sản',
   'Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng','Chứng thực chữ ký người dịch']),
 ('Đất đai', 'commune', 14, ARRAY['Đăng ký biến động quyền sử dụng đất','Cấp Giấy chứng nhận quyền sử dụng đất lần đầu',
   'Đính chính Giấy chứng nhận đã cấp','Cấp đổi Giấy chứng nhận quyền sử dụng đất','Tách thửa hoặc hợp thửa đất',
   'Xóa đăng ký thế chấp quyền sử dụng đất','Đăng ký thế chấp quyền sử dụng đất','Cấp lại Giấy chứng nhận do bị mất',
   'Chuyển mục đích sử dụng đất','Gia hạn sử dụng đất nông nghiệp','Hòa giải tranh chấp đất đai','Thu hồi đất tự nguyện trả lại']),
 ('Kinh doanh', 'commune', 6, ARRAY['Đăng ký thành lập hộ kinh doanh','Đăng ký thay đổi nội dung đăng ký hộ kinh doanh',
   'Tạm ngừng kinh doanh hộ kinh doanh','Chấm dứt hoạt động hộ kinh doanh','Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh',
   'Cấp Giấy chứng nhận đủ điều kiện kinh doanh rượu bán lẻ','Cấp giấy phép bán lẻ sản phẩm thuốc lá']),
 ('Xây dựng', 'commune', 5, ARRAY['Cấp giấy phép xây dựng nhà ở riêng lẻ','Điều chỉnh giấy phép xây dựng','Gia hạn giấy phép xây dựng',
   'Cấp lại giấy phép xây dựng','Cấp giấy phép sửa chữa, cải tạo công trình','Cấp giấy phép di dời công trình']),
 ('Tư pháp', 'commune', 4, ARRAY['Công nhận hòa giải viên','Thôi làm hòa giải viên','Thanh toán thù lao cho hòa giải viên',
   'Công nhận tuyên truyền viên pháp luật','Xác nhận thông tin hộ tịch']),
 ('Bảo trợ xã hội', 'commune', 6, ARRAY['Trợ cấp xã hội hằng tháng','Hỗ trợ chi phí mai táng','Xác định mức độ khuyết tật',
   'Đổi, cấp lại Giấy xác nhận khuyết tật','Trợ giúp xã hội khẩn cấp','Công nhận hộ nghèo, hộ cận nghèo phát sinh']),
 ('Người có công', 'commune', 2, ARRAY['Giải quyết chế độ mai táng phí người có công','Cấp giấy giới thiệu thăm viếng mộ liệt sĩ',
   'Hưởng trợ cấp thờ cúng liệt sĩ','Cấp bổ sung hoặc cấp lại giấy chứng nhận người có công']),
 ('Giáo dục', 'commune', 2, ARRAY['Chuyển trường đối với học sinh tiểu học','Cho phép nhóm trẻ độc lập hoạt động',
   'Xét cấp hỗ trợ học tập','Công nhận xã đạt chuẩn phổ cập giáo dục']),
 ('Nông nghiệp', 'commune', 2, ARRAY['Hỗ trợ khôi phục sản xuất vùng bị thiệt hại','Xác nhận nguồn gốc thủy sản khai thác',
   'Đăng ký kê khai số lượng chăn nuôi','Công nhận tổ hợp tác']),
 ('Kinh doanh', 'province', 5, ARRAY['Đăng ký thành lập doanh nghiệp tư nhân','Đăng ký thành lập công ty TNHH một thành viên',
   'Đăng ký thành lập công ty cổ phần','Đăng ký thay đổi người đại diện theo pháp luật','Đăng ký thay đổi vốn điều lệ',
   'Đăng ký hoạt động chi nhánh, văn phòng đại diện','Thông báo tạm ngừng kinh doanh','Giải thể doanh nghiệp']),
 ('Đầu tư', 'province', 1, ARRAY['Chấp thuận chủ trương đầu tư','Cấp Giấy chứng nhận đăng ký đầu tư','Điều chỉnh dự án đầu tư',
   'Chấm dứt hoạt động dự án đầu tư']),
 ('Giao thông vận tải', 'province', 3, ARRAY['Cấp đổi giấy phép lái xe','Cấp lại giấy phép lái xe','Cấp giấy phép kinh doanh vận tải bằng xe ô tô',
   'Cấp phù hiệu xe ô tô kinh doanh vận tải','Cấp giấy phép lưu hành xe quá tải trọng','Đăng ký phương tiện thủy nội địa']),
 ('Y tế', 'province', 2, ARRAY['Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh','Cấp giấy phép hoạt động phòng khám',
   'Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm','Cấp chứng chỉ hành nghề dược','Cấp giấy chứng nhận đủ điều kiện kinh doanh dược']),
 ('Lao động', 'province', 2, ARRAY['Cấp giấy phép lao động cho người nước ngoài','Gia hạn giấy phép lao động',
   'Đăng ký nội quy lao động','Cấp giấy phép cho thuê lại lao động']),
 ('Tư pháp', 'province', 2, ARRAY['Cấp Phiếu lý lịch tư pháp','Đăng ký hành nghề công chứng','Cấp thẻ công chứng viên',
   'Đăng ký hoạt động văn phòng luật sư','Đăng ký hành nghề thừa phát lại']),
 ('Xây dựng', 'province', 1, ARRAY['Thẩm định báo cáo nghiên cứu khả thi','Cấp chứng chỉ hành nghề hoạt động xây dựng',
   'Cấp giấy phép xây dựng công trình cấp I, II','Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở']),
 ('Môi trường', 'province', 1, ARRAY['Cấp giấy phép môi trường','Thẩm định báo cáo đánh giá tác động môi trường',
   'Cấp giấy phép khai thác nước dưới đất','Cấp giấy phép xả nước thải vào nguồn nước']);
-- a few of the stems come in variants, for a catalogue of ~300
CREATE TEMP TABLE variant (v int, suffix text);
INSERT INTO variant VALUES (0, ''), (1, ' có yếu tố nước ngoài'), (2, ' (thủ tục rút gọn)'), (3, ' trực tuyến toàn trình'),
  (4, ' (liên thông)'), (5, ' lưu động');

INSERT INTO demo.catalogue (code, name, field, level, time_limit, online_time_limit, supplement_mode, popularity)
SELECT '1.00' || lpad((1000 + (r * 7919) % 9000)::text, 4, '0'), name, field, level, lim::tthc.time_limit,
       CASE WHEN lim LIKE '% ngày làm việc' AND split_part(lim, ' ', 1)::int >= 3 AND h2 < 0.22
            THEN (split_part(lim, ' ', 1)::int - 1 - (h2 * 100)::int % 2) || ' ngày làm việc' END::tthc.time_limit,
       CASE WHEN h3 < 0.2 THEN 'pause' ELSE 'restart' END,
       fw / power(rank, 1.1) / (1 + 2 * v)
FROM (
  SELECT s.field, s.level, s.fw, n.name || va.suffix AS name, n.i AS rank, va.v,
         row_number() OVER (ORDER BY s.level, s.field, n.i, va.v) AS r,
         abs(hashtext(n.name || va.suffix)) % 1000 / 1000.0 AS h1,
         abs(hashtext('o' || n.name || va.suffix)) % 1000 / 1000.0 AS h2,
         abs(hashtext('p' || n.name || va.suffix)) % 1000 / 1000.0 AS h3
  FROM stem s, unnest(s.names) WITH ORDINALITY AS n(name, i), variant va
  WHERE va.v = 0 OR abs(hashtext(n.name || va.v)) % 100 < 40
) x,
LATERAL (SELECT CASE
   WHEN field IN ('Chứng thực') THEN CASE WHEN h1 < 0.6 THEN 'trong ngày' WHEN h1 < 0.85 THEN '4 giờ làm việc' ELSE '2 ngày làm việc' END
   WHEN field = 'Đầu tư' THEN CASE WHEN h1 < 0.5 THEN '15 ngày làm việc' ELSE '30 ngày' END
   WHEN field = 'Môi trường' THEN CASE WHEN h1 < 0.5 THEN '20 ngày làm việc' ELSE '30 ngày' END
   WHEN h1 < 0.10 THEN '1 ngày làm việc'
   WHEN h1 < 0.30 THEN '3 ngày làm việc'
   WHEN h1 < 0.47 THEN '5 ngày làm việc'
   WHEN h1 < 0.62 THEN '10 ngày làm việc'
   WHEN h1 < 0.76 THEN '15 ngày làm việc'
   WHEN h1 < 0.84 THEN '20 ngày làm việc'
   WHEN h1 < 0.88 THEN '8 working hours'
   WHEN h1 < 0.91 THEN '4 giờ làm việc'
   WHEN h1 < 0.95 THEN '30 ngày'
   ELSE 'trong ngày' END AS lim) l;

-- inter-agency (liên thông) procedures, received at the provincial centre,
-- with their steps handled by the departments
INSERT INTO demo.catalogue (code, name, field, level, time_limit, online_time_limit, supplement_mode, popularity, interagency)
VALUES
 ('1.012001', 'Cấp Giấy chứng nhận QSDĐ lần đầu cho tổ chức (liên thông thuế)', 'Đất đai', 'province', '20 ngày làm việc', NULL, 'restart', 2.0, true),
 ('1.012002', 'Chuyển nhượng quyền sử dụng đất (liên thông thuế)', 'Đất đai', 'province', '10 ngày làm việc', '9 ngày làm việc', 'pause', 4.0, true),
 ('1.012003', 'Cấp giấy phép xây dựng có thẩm định thiết kế', 'Xây dựng', 'province', '15 ngày làm việc', NULL, 'restart', 1.5, true),
 ('1.012004', 'Giao đất, cho thuê đất thực hiện dự án', 'Đất đai', 'province', '20 ngày làm việc', NULL, 'pause', 0.8, true),
 ('1.012005', 'Đăng ký khai sinh, thường trú, thẻ BHYT cho trẻ dưới 6 tuổi (liên thông)', 'Hộ tịch', 'province', '5 ngày làm việc', '4 ngày làm việc', 'restart', 2.5, true),
 ('1.012006', 'Cấp Phiếu lý lịch tư pháp (liên thông Công an)', 'Tư pháp', 'province', '10 ngày làm việc', NULL, 'restart', 1.5, true),
 ('1.012007', 'Thẩm định giá đất cụ thể', 'Tài chính', 'province', '15 ngày làm việc', NULL, 'pause', 0.5, true),
 ('1.012008', 'Gia hạn thời hạn sử dụng đất của tổ chức', 'Đất đai', 'province', '10 ngày làm việc', NULL, 'restart', 0.7, true);

-- the provincial procedures are resolved by the department of their field
-- (after the 2025 mergers: transport under Xây dựng, planning and investment
-- under Tài chính, labour under Nội vụ); the centre only receives and returns
UPDATE demo.catalogue SET handler = CASE
    WHEN field IN ('Xây dựng', 'Giao thông vận tải') THEN 'H22.80'
    WHEN field IN ('Môi trường', 'Đất đai', 'Nông nghiệp') THEN 'H22.81'
    WHEN field = 'Tư pháp' THEN 'H22.83'
    WHEN field IN ('Kinh doanh', 'Đầu tư', 'Tài chính') THEN 'H22.84'
    WHEN field = 'Y tế' THEN 'H22.85'
    WHEN field = 'Lao động' THEN 'H22.86' END
WHERE level = 'province' AND NOT interagency;

-- The national limits.  Quảng Ninh shortened most of its procedures; here
-- about five in six are cut by roughly 30-50 %, to the round numbers the
-- ministries' decisions use; same-day authentication (fixed by decree) and
-- one in six of the rest keep the national limit.
CREATE FUNCTION demo.national_limit(lim tthc.time_limit, field text, h float8) RETURNS tthc.time_limit
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN h < 0.16 OR (field = 'Chứng thực' AND u = 'same_day') THEN lim::text
    WHEN u = 'working_days' THEN
      (SELECT n FROM unnest(ARRAY[2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 45, 60]) n
       WHERE n > a ORDER BY abs(n - a / (0.70 - 0.20 * (h - 0.16) / 0.84)), n LIMIT 1) || ' ngày làm việc'
    WHEN u = 'working_hours' THEN (CASE WHEN a <= 4 THEN 1 ELSE 2 END) || ' ngày làm việc'
    WHEN u = 'same_day' THEN (CASE WHEN h < 0.6 THEN 2 ELSE 3 END) || ' ngày làm việc'
    WHEN u = 'days' THEN (CASE WHEN h < 0.6 THEN 45 ELSE 60 END) || ' ngày'
    ELSE lim::text END::tthc.time_limit
  FROM (SELECT tthc.time_limit_unit(lim) AS u, tthc.time_limit_amount(lim) AS a) x
$$;
UPDATE demo.catalogue SET national_time_limit = demo.national_limit(time_limit, field, abs(hashtext('n' || code)) % 1000 / 1000.0);

-- offered online: most in full (toàn trình), land and inter-agency ones in
-- part (một phần), about one in twelve not at all
INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit, supplement_mode, boundary_free, valid_from,
                            online_service, national_time_limit)
SELECT code, name, field, time_limit, online_time_limit, supplement_mode, level = 'commune', '2020-01-01',
       CASE WHEN abs(hashtext(code)) % 12 = 0 THEN NULL
            WHEN interagency OR field IN ('Đất đai', 'Xây dựng') THEN 'partial' ELSE 'full' END,
       national_time_limit
FROM demo.catalogue ORDER BY code;

-- steps: the centre checks (≈20 %), a department decides (≈50 %), a second one
-- (tax, finance) or the centre finishes (≈30 %); the judicial record goes
-- through the police's system first (an external agency, 3 days of 10)
INSERT INTO tthc.procedure_step (procedure_id, step, unit, allowance)
SELECT p.id, s.step, s.unit, (s.days || ' working days')::tthc.time_limit
FROM tthc.procedure p
JOIN (VALUES
  ('1.012001', 1, 'H22', 3), ('1.012001', 2, 'H22.81', 12), ('1.012001', 3, 'H22.82', 5),
  ('1.012002', 1, 'H22', 2), ('1.012002', 2, 'H22.81', 5),  ('1.012002', 3, 'H22.82', 3),
  ('1.012003', 1, 'H22', 3), ('1.012003', 2, 'H22.80', 12),
  ('1.012004', 1, 'H22', 3), ('1.012004', 2, 'H22.81', 12), ('1.012004', 3, 'H22.84', 5),
  ('1.012005', 1, 'H22', 1), ('1.012005', 2, 'H22.83', 4),
  ('1.012006', 1, 'H22', 1), ('1.012006', 2, 'H22.90', 3),  ('1.012006', 3, 'H22.83', 6),
  ('1.012007', 1, 'H22', 3), ('1.012007', 2, 'H22.84', 12),
  ('1.012008', 1, 'H22', 2), ('1.012008', 2, 'H22.81', 6),  ('1.012008', 3, 'H22.82', 2)
) AS s(code, step, unit, days) ON s.code = p.code;

ANALYZE demo.catalogue;

-- ── Fees and receipt series ──────────────────────────────────────────────
-- Most dossiers are free: birth, death and (domestic) marriage registration
-- (Luật Hộ tịch, Điều 11), social benefits, schools, mediation.  A minority
-- of procedures carry a fee (phí) or a charge (lệ phí): civil-status copies
-- and registrations with a foreign element, land certificates and
-- mortgages, building permits, business registration, driving licences,
-- the judicial record, professional licences (about 3 in 10 dossiers).
-- Certification (chứng thực: Thông tư 226/2016/TT-BTC, 2.000 đồng a page,
-- 10.000 a signature, 50.000 a contract) is left free here although it
-- is not: a fifth of all dossiers, its receipts would double what the money
-- costs the demo (demo/simulate.sql).  Amounts in đồng as the
-- Ministry of Finance's circulars set them, or as a provincial resolution
-- does (the ones marked so are illustrative).  stage: when it is due
-- (reception, or result: the dossier waits in awaiting_payment, then goes
-- on as procedure.after_payment says); exempt: who is exempt, as the legal
-- text says, with what the simulation makes of it: exempt_online, every
-- online submission (business registration); exempt_share, the share of
-- applicants in the exempt group (demo/simulate.sql records a waiver).
-- A rule names a stem (the catalogue name without its variant suffix;
-- foreign_only: only the variant with a foreign element, or only without)
-- or, for an inter-agency procedure, its code.
CREATE FUNCTION demo.stem(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT regexp_replace(name, '( có yếu tố nước ngoài| \(thủ tục rút gọn\)| trực tuyến toàn trình| \(liên thông\)| lưu động)$', '')
$$;
CREATE TABLE demo.fee_rule (
  stem text, code text, foreign_only boolean, fee_code text NOT NULL, kind text NOT NULL, name text NOT NULL,
  amount bigint NOT NULL, stage text NOT NULL, after_payment text, legal_reference text,
  exempt text, exempt_online boolean NOT NULL DEFAULT false, exempt_share float8 NOT NULL DEFAULT 0, exempt_reason text,
  CHECK ((stem IS NULL) <> (code IS NULL)));
INSERT INTO demo.fee_rule (stem, code, foreign_only, fee_code, kind, name, amount, stage, after_payment, legal_reference, exempt, exempt_share,
                           exempt_reason)
SELECT r.stem, r.code, r.foreign_only, r.fee_code, r.kind, r.name, r.amount, r.stage, r.after_payment, r.legal_reference,
       CASE r.ex WHEN 'ht' THEN 'Người thuộc gia đình có công với cách mạng, người thuộc hộ nghèo, người khuyết tật (Luật Hộ tịch, Điều 11)'
                 WHEN 'lltp' THEN 'Trẻ em, người cao tuổi, người khuyết tật, người thuộc hộ nghèo, người có công với cách mạng'
                 WHEN 'nn' THEN 'Cá nhân, hộ gia đình vay vốn phát triển nông nghiệp, nông thôn' END,
       CASE r.ex WHEN 'ht' THEN 0.06 WHEN 'lltp' THEN 0.08 WHEN 'nn' THEN 0.15 ELSE 0 END,
       CASE r.ex WHEN 'ht' THEN 'Người thuộc hộ nghèo' WHEN 'lltp' THEN 'Người cao tuổi'
                 WHEN 'nn' THEN 'Hộ gia đình vay vốn phát triển sản xuất nông nghiệp' END
FROM (VALUES
  -- commune centres: civil status (Thông tư 281/2016/TT-BTC; lệ phí hộ tịch: Thông tư 85/2019/TT-BTC, set by the province)
  ('Cấp bản sao trích lục hộ tịch', NULL, NULL::boolean, 'PHI-BSTL', 'phi', 'Phí cấp bản sao trích lục hộ tịch', 8000, 'result', 'resolved', 'Thông tư 281/2016/TT-BTC', NULL),
  ('Đăng ký kết hôn', NULL, true, 'LP-HT', 'le_phi', 'Lệ phí đăng ký kết hôn có yếu tố nước ngoài', 1000000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', 'ht'),
  ('Đăng ký nhận cha, mẹ, con', NULL, false, 'LP-HT', 'le_phi', 'Lệ phí đăng ký nhận cha, mẹ, con', 15000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', 'ht'),
  ('Đăng ký nhận cha, mẹ, con', NULL, true, 'LP-HT', 'le_phi', 'Lệ phí đăng ký nhận cha, mẹ, con có yếu tố nước ngoài', 1000000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', 'ht'),
  ('Thay đổi, cải chính, bổ sung thông tin hộ tịch', NULL, NULL, 'LP-HT', 'le_phi', 'Lệ phí thay đổi, cải chính, bổ sung thông tin hộ tịch', 15000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', 'ht'),
  ('Cấp giấy xác nhận tình trạng hôn nhân', NULL, NULL, 'LP-HT', 'le_phi', 'Lệ phí cấp giấy xác nhận tình trạng hôn nhân', 15000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', 'ht'),
  -- land (fees set by the province; mortgages: Thông tư 202/2016/TT-BTC)
  ('Đăng ký biến động quyền sử dụng đất', NULL, NULL, 'LP-GCN', 'le_phi', 'Lệ phí chứng nhận đăng ký biến động về đất đai', 28000, 'result', 'resolved', 'Nghị quyết HĐND tỉnh', NULL),
  ('Cấp Giấy chứng nhận quyền sử dụng đất lần đầu', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ cấp Giấy chứng nhận', 300000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL),
  ('Cấp Giấy chứng nhận quyền sử dụng đất lần đầu', NULL, NULL, 'LP-GCN', 'le_phi', 'Lệ phí cấp Giấy chứng nhận quyền sử dụng đất', 25000, 'result', 'processing', 'Nghị quyết HĐND tỉnh', NULL),
  ('Cấp đổi Giấy chứng nhận quyền sử dụng đất', NULL, NULL, 'LP-GCN', 'le_phi', 'Lệ phí cấp đổi Giấy chứng nhận', 20000, 'result', 'resolved', 'Nghị quyết HĐND tỉnh', NULL),
  ('Cấp lại Giấy chứng nhận do bị mất', NULL, NULL, 'LP-GCN', 'le_phi', 'Lệ phí cấp lại Giấy chứng nhận', 20000, 'result', 'resolved', 'Nghị quyết HĐND tỉnh', NULL),
  ('Tách thửa hoặc hợp thửa đất', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ tách thửa, hợp thửa đất', 150000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL),
  ('Đăng ký thế chấp quyền sử dụng đất', NULL, NULL, 'PHI-DKBD', 'phi', 'Phí đăng ký biện pháp bảo đảm', 80000, 'reception', NULL, 'Thông tư 202/2016/TT-BTC', 'nn'),
  ('Xóa đăng ký thế chấp quyền sử dụng đất', NULL, NULL, 'PHI-DKBD', 'phi', 'Phí xóa đăng ký biện pháp bảo đảm', 20000, 'reception', NULL, 'Thông tư 202/2016/TT-BTC', 'nn'),
  -- building permits: paid when the permit is handed over
  ('Cấp giấy phép xây dựng nhà ở riêng lẻ', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ', 75000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Cấp giấy phép sửa chữa, cải tạo công trình', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí cấp giấy phép xây dựng (sửa chữa, cải tạo)', 75000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Cấp giấy phép di dời công trình', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí cấp giấy phép di dời công trình', 75000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Điều chỉnh giấy phép xây dựng', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí điều chỉnh giấy phép xây dựng', 15000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Gia hạn giấy phép xây dựng', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí gia hạn giấy phép xây dựng', 15000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Cấp lại giấy phép xây dựng', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí cấp lại giấy phép xây dựng', 15000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  -- household businesses, alcohol and tobacco retail (Thông tư 168/2016/TT-BTC)
  ('Đăng ký thành lập hộ kinh doanh', NULL, NULL, 'LP-DKKD', 'le_phi', 'Lệ phí đăng ký hộ kinh doanh', 100000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', NULL, NULL, 'LP-DKKD', 'le_phi', 'Lệ phí đăng ký thay đổi nội dung hộ kinh doanh', 50000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh', NULL, NULL, 'LP-DKKD', 'le_phi', 'Lệ phí cấp lại Giấy chứng nhận đăng ký hộ kinh doanh', 50000, 'reception', NULL, 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Cấp Giấy chứng nhận đủ điều kiện kinh doanh rượu bán lẻ', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định cấp giấy phép bán lẻ rượu', 1200000, 'reception', NULL, 'Thông tư 168/2016/TT-BTC', NULL),
  ('Cấp giấy phép bán lẻ sản phẩm thuốc lá', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định cấp giấy phép bán lẻ sản phẩm thuốc lá', 1200000, 'reception', NULL, 'Thông tư 168/2016/TT-BTC', NULL),
  -- provincial centre: enterprises (Thông tư 47/2019/TT-BTC: no lệ phí when registered online)
  ('Đăng ký thành lập doanh nghiệp tư nhân', NULL, NULL, 'PHI-CB', 'phi', 'Phí công bố nội dung đăng ký doanh nghiệp', 100000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', NULL),
  ('Đăng ký thành lập công ty TNHH một thành viên', NULL, NULL, 'PHI-CB', 'phi', 'Phí công bố nội dung đăng ký doanh nghiệp', 100000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', NULL),
  ('Đăng ký thành lập công ty cổ phần', NULL, NULL, 'PHI-CB', 'phi', 'Phí công bố nội dung đăng ký doanh nghiệp', 100000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', NULL),
  ('Đăng ký thành lập doanh nghiệp tư nhân', NULL, NULL, 'LP-DKDN', 'le_phi', 'Lệ phí đăng ký doanh nghiệp', 50000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', 'online'),
  ('Đăng ký thành lập công ty TNHH một thành viên', NULL, NULL, 'LP-DKDN', 'le_phi', 'Lệ phí đăng ký doanh nghiệp', 50000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', 'online'),
  ('Đăng ký thành lập công ty cổ phần', NULL, NULL, 'LP-DKDN', 'le_phi', 'Lệ phí đăng ký doanh nghiệp', 50000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', 'online'),
  ('Đăng ký thay đổi người đại diện theo pháp luật', NULL, NULL, 'LP-DKDN', 'le_phi', 'Lệ phí đăng ký thay đổi nội dung đăng ký doanh nghiệp', 50000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', 'online'),
  ('Đăng ký thay đổi vốn điều lệ', NULL, NULL, 'LP-DKDN', 'le_phi', 'Lệ phí đăng ký thay đổi nội dung đăng ký doanh nghiệp', 50000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', 'online'),
  ('Đăng ký hoạt động chi nhánh, văn phòng đại diện', NULL, NULL, 'LP-DKDN', 'le_phi', 'Lệ phí đăng ký hoạt động chi nhánh, văn phòng đại diện', 50000, 'reception', NULL, 'Thông tư 47/2019/TT-BTC', 'online'),
  -- transport
  ('Cấp đổi giấy phép lái xe', NULL, NULL, 'LP-GPLX', 'le_phi', 'Lệ phí cấp giấy phép lái xe', 135000, 'reception', NULL, 'Thông tư 37/2023/TT-BTC', NULL),
  ('Cấp lại giấy phép lái xe', NULL, NULL, 'LP-GPLX', 'le_phi', 'Lệ phí cấp giấy phép lái xe', 135000, 'reception', NULL, 'Thông tư 37/2023/TT-BTC', NULL),
  ('Cấp giấy phép kinh doanh vận tải bằng xe ô tô', NULL, NULL, 'LP-GPKD', 'le_phi', 'Lệ phí cấp giấy phép kinh doanh vận tải bằng xe ô tô', 200000, 'result', 'resolved', 'Nghị quyết HĐND tỉnh', NULL),
  ('Đăng ký phương tiện thủy nội địa', NULL, NULL, 'LP-DKPT', 'le_phi', 'Lệ phí cấp giấy chứng nhận đăng ký phương tiện thủy nội địa', 70000, 'result', 'resolved', 'Thông tư 199/2016/TT-BTC', NULL),
  -- health (Thông tư 59/2023/TT-BTC, 67/2021/TT-BTC, 277/2016/TT-BTC)
  ('Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định cấp chứng chỉ hành nghề khám bệnh, chữa bệnh', 360000, 'reception', NULL, 'Thông tư 59/2023/TT-BTC', NULL),
  ('Cấp giấy phép hoạt động phòng khám', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định cấp giấy phép hoạt động phòng khám', 4300000, 'reception', NULL, 'Thông tư 59/2023/TT-BTC', NULL),
  ('Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', 1000000, 'reception', NULL, 'Thông tư 67/2021/TT-BTC', NULL),
  ('Cấp chứng chỉ hành nghề dược', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định cấp chứng chỉ hành nghề dược', 500000, 'reception', NULL, 'Thông tư 277/2016/TT-BTC', NULL),
  ('Cấp giấy chứng nhận đủ điều kiện kinh doanh dược', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định điều kiện kinh doanh dược', 4000000, 'reception', NULL, 'Thông tư 277/2016/TT-BTC', NULL),
  -- labour: work permits of foreigners, handed over once paid
  ('Cấp giấy phép lao động cho người nước ngoài', NULL, NULL, 'LP-GPLD', 'le_phi', 'Lệ phí cấp giấy phép lao động', 600000, 'result', 'resolved', 'Nghị quyết HĐND tỉnh', NULL),
  ('Gia hạn giấy phép lao động', NULL, NULL, 'LP-GPLD', 'le_phi', 'Lệ phí gia hạn giấy phép lao động', 450000, 'result', 'resolved', 'Nghị quyết HĐND tỉnh', NULL),
  -- justice, building, environment
  ('Cấp Phiếu lý lịch tư pháp', NULL, NULL, 'PHI-LLTP', 'phi', 'Phí cung cấp thông tin lý lịch tư pháp', 200000, 'reception', NULL, 'Thông tư 244/2016/TT-BTC', 'lltp'),
  ('Cấp chứng chỉ hành nghề hoạt động xây dựng', NULL, NULL, 'LP-CCHN', 'le_phi', 'Lệ phí cấp chứng chỉ hành nghề hoạt động xây dựng', 150000, 'reception', NULL, 'Thông tư 38/2022/TT-BTC', NULL),
  ('Cấp giấy phép xây dựng công trình cấp I, II', NULL, NULL, 'LP-GPXD', 'le_phi', 'Lệ phí cấp giấy phép xây dựng công trình', 150000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  ('Thẩm định báo cáo đánh giá tác động môi trường', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định báo cáo đánh giá tác động môi trường', 10000000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL),
  ('Cấp giấy phép khai thác nước dưới đất', NULL, NULL, 'PHI-TD', 'phi', 'Phí thẩm định đề án khai thác, sử dụng nước dưới đất', 1500000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL),
  -- inter-agency procedures of the provincial centre
  (NULL, '1.012001', NULL, 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ cấp Giấy chứng nhận (tổ chức)', 1000000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL),
  (NULL, '1.012001', NULL, 'LP-GCN', 'le_phi', 'Lệ phí cấp Giấy chứng nhận quyền sử dụng đất (tổ chức)', 100000, 'result', 'processing', 'Nghị quyết HĐND tỉnh', NULL),
  (NULL, '1.012002', NULL, 'LP-GCN', 'le_phi', 'Lệ phí chứng nhận đăng ký biến động về đất đai', 28000, 'result', 'processing', 'Nghị quyết HĐND tỉnh', NULL),
  (NULL, '1.012003', NULL, 'LP-GPXD', 'le_phi', 'Lệ phí cấp giấy phép xây dựng công trình', 150000, 'result', 'resolved', 'Thông tư 85/2019/TT-BTC; nghị quyết HĐND tỉnh', NULL),
  (NULL, '1.012004', NULL, 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ giao đất, cho thuê đất', 3000000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL),
  (NULL, '1.012006', NULL, 'PHI-LLTP', 'phi', 'Phí cung cấp thông tin lý lịch tư pháp', 200000, 'reception', NULL, 'Thông tư 244/2016/TT-BTC', 'lltp'),
  (NULL, '1.012008', NULL, 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ gia hạn sử dụng đất', 1000000, 'reception', NULL, 'Nghị quyết HĐND tỉnh', NULL)
) AS r(stem, code, foreign_only, fee_code, kind, name, amount, stage, after_payment, legal_reference, ex);
UPDATE demo.fee_rule SET exempt = 'Đăng ký qua mạng thông tin điện tử (Thông tư 47/2019/TT-BTC)', exempt_online = true,
                         exempt_reason = 'Đăng ký qua mạng điện tử: miễn lệ phí'
WHERE fee_code = 'LP-DKDN';

INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, stage, exempt, legal_reference)
SELECT p.id, r.fee_code, r.kind, r.name, r.amount, r.stage, r.exempt, r.legal_reference
FROM tthc.procedure p JOIN demo.catalogue c ON c.code = p.code
JOIN demo.fee_rule r ON r.code = c.code
                     OR (r.stem = demo.stem(c.name) AND NOT c.interagency
                         AND (r.foreign_only IS NULL OR r.foreign_only = (c.name LIKE '% có yếu tố nước ngoài')))
ORDER BY p.id, r.fee_code;
UPDATE tthc.procedure p SET after_payment = r.after_payment::tthc.dossier_status
FROM demo.catalogue c, demo.fee_rule r
WHERE c.code = p.code AND r.after_payment IS NOT NULL
  AND (r.code = c.code OR (r.stem = demo.stem(c.name) AND NOT c.interagency
                           AND (r.foreign_only IS NULL OR r.foreign_only = (c.name LIKE '% có yếu tố nước ngoài'))));

-- what the simulation needs per procedure version: its fees as arrays, and
-- how often it waits for taxes paid elsewhere (land: thuế, lệ phí trước bạ)
CREATE TABLE demo.proc_fee (
  procedure_id bigint PRIMARY KEY, code text NOT NULL UNIQUE, codes text[], kinds text[], amounts bigint[], stages text[],
  exempt_online boolean[], exempt_share float8[], exempt_reason text[], after_payment text NOT NULL, tax_prob float8 NOT NULL);
INSERT INTO demo.proc_fee
SELECT p.id, p.code, array_agg(f.fee_code ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       array_agg(f.kind ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       array_agg(f.amount ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       array_agg(f.stage ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       array_agg(coalesce(r.exempt_online, false) ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       array_agg(coalesce(r.exempt_share, 0) ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       array_agg(r.exempt_reason ORDER BY f.stage, f.fee_code) FILTER (WHERE f.fee_code IS NOT NULL),
       p.after_payment::text, CASE WHEN min(c.field) = 'Đất đai' THEN 0.3 ELSE 0 END
FROM tthc.procedure p JOIN demo.catalogue c ON c.code = p.code
LEFT JOIN tthc.fee f ON f.procedure_id = p.id
LEFT JOIN LATERAL (SELECT x.exempt_online, x.exempt_share, x.exempt_reason FROM demo.fee_rule x
                   WHERE x.fee_code = f.fee_code AND (x.code = c.code OR (x.stem = demo.stem(c.name) AND NOT c.interagency))
                   LIMIT 1) r ON true
GROUP BY p.id, p.code, p.after_payment;
ANALYZE demo.proc_fee;

-- The units that collect (the centres: every dossier is received at one)
-- have a tax code, and one electronic receipt series per kind and year:
-- template 01BLP0-001, symbol AA/26E for lệ phí and AB/26E for phí (26:
-- the year, E: electronic), numbers 1..99999.  The series of the year
-- before serve the simulated months that fall in it.
UPDATE tthc.unit SET tax_code = '57' || lpad((abs(hashtext('mst' || code)) % 100000000)::text, 8, '0')
WHERE level IN ('province', 'commune');
INSERT INTO tthc.receipt_series (unit, template, symbol, kind, electronic, first_no, last_no, legal_reference)
SELECT u.code, '01BLP0-001', s.prefix || '/' || to_char(y % 100, 'FM00') || 'E', s.kind, true, 1, 99999,
       'Nghị định 123/2020/NĐ-CP, sửa đổi bởi Nghị định 70/2025/NĐ-CP; Thông tư 78/2021/TT-BTC'
FROM tthc.unit u
CROSS JOIN (VALUES ('AA', 'le_phi'), ('AB', 'phi')) AS s(prefix, kind)
CROSS JOIN generate_series(2025, extract(year FROM now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::int) AS y
WHERE u.level IN ('province', 'commune')
ORDER BY u.code, y, s.prefix;

-- ── Officers ─────────────────────────────────────────────────────────────
-- Every centre has its desk (tiếp nhận và trả kết quả: receives, returns,
-- takes withdrawals) and its handlers; a commune's handlers split the work by
-- field (justice and civil status; land, building and business; culture and
-- social affairs), a department's or the provincial centre's take any.  The
-- portals write through one pooled account and name the officer with
-- tthc.actor (demo/simulate.sql).  demo.officer keeps what the simulation
-- makes of each one: how often their dossiers run late (late_factor, times
-- the centre's own slowness), how often they ask for a supplement and ask
-- again, how often an applicant is unhappy with their attitude.

-- Vietnamese names, by frequency of family names (the applicants of
-- demo/simulate.sql)
CREATE FUNCTION demo.person_name(r float8, s float8, t float8) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['Nguyễn','Nguyễn','Nguyễn','Nguyễn','Trần','Trần','Lê','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi','Đỗ','Ngô','Dương','Lý','Đinh','Phan','Vi'])[1 + floor(r * 20)::int]
  || ' ' || (ARRAY['Văn','Thị','Đức','Minh','Thu','Ngọc','Quang','Hồng','Thanh','Xuân','Hữu','Thị Thu'])[1 + floor(s * 12)::int]
  || ' ' || (ARRAY['An','Bình','Chi','Dũng','Giang','Hà','Hải','Hạnh','Hoa','Hùng','Huyền','Khánh','Lan','Linh','Long','Mai',
                   'Nam','Nga','Phương','Quân','Sơn','Thảo','Trang','Tuấn','Vy','Yến'])[1 + floor(t * 26)::int]
$$;
-- an officer's name from a key: family names by frequency, middle and given
-- names by gender (most one-stop desk officers are women)
CREATE FUNCTION demo.officer_name(k text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['Nguyễn','Nguyễn','Nguyễn','Nguyễn','Nguyễn','Trần','Trần','Lê','Lê','Phạm','Phạm','Hoàng','Vũ','Đặng',
                'Bùi','Đỗ','Ngô','Dương','Lương','Đinh','Phan','Trịnh','Hà','Tạ'])[1 + abs(hashtext('f' || k)) % 24]
         || ' ' || CASE WHEN female
              THEN (ARRAY['Thị','Thị','Thị','Thu','Ngọc','Hồng','Thanh','Minh','Thùy','Phương','Kim','Mai'])[1 + abs(hashtext('m' || k)) % 12]
                   || ' ' || (ARRAY['Anh','Chi','Dung','Giang','Hà','Hạnh','Hoa','Hương','Huyền','Lan','Linh','Loan','Mai','Nga',
                                    'Ngân','Nhung','Oanh','Phương','Thảo','Trang','Vân','Yến','Thủy','Hằng'])[1 + abs(hashtext('g' || k)) % 24]
              ELSE (ARRAY['Văn','Văn','Văn','Đức','Minh','Quang','Hữu','Xuân','Thanh','Mạnh','Công','Ngọc'])[1 + abs(hashtext('m' || k)) % 12]
                   || ' ' || (ARRAY['An','Bình','Cường','Dũng','Đức','Hải','Hiếu','Hùng','Huy','Khánh','Khoa','Long','Nam','Phong',
                                    'Quân','Sơn','Thắng','Thành','Trung','Tuấn','Tùng','Việt','Vinh','Hưng'])[1 + abs(hashtext('g' || k)) % 24] END
  FROM (SELECT abs(hashtext('s' || k)) % 100 < 60 AS female) x
$$;
-- the ASCII letters of a Vietnamese name, lower case (for logins)
CREATE FUNCTION demo.ascii_fold(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT translate(lower(translate(s, 'Đ', 'd')),
                   'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ',
                   repeat('a', 17) || repeat('e', 11) || repeat('i', 5) || repeat('o', 17) || repeat('u', 11) || repeat('y', 5) || 'd')
$$;
-- which handlers of a commune take a procedure of a field
CREATE FUNCTION demo.field_group(field text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN field IN ('Hộ tịch', 'Chứng thực', 'Tư pháp') THEN 'tp'
              WHEN field IN ('Đất đai', 'Xây dựng', 'Nông nghiệp', 'Kinh doanh') THEN 'dc'
              ELSE 'vx' END
$$;

CREATE TABLE demo.officer (
  login        text PRIMARY KEY REFERENCES tthc.officer (login),
  unit         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('desk', 'handler')),
  grp          text,                   -- a commune handler's fields (demo.field_group); 'all' for other handlers; NULL for desks
  late_factor  float8 NOT NULL,        -- times the centre's chance of a late dossier
  supp_prob    float8 NOT NULL,        -- chance of asking for a supplement
  repeat_prob  float8 NOT NULL,        -- chance of asking again once the supplement came
  attitude_bad float8 NOT NULL,        -- chance that a rating finds their attitude unsatisfactory
  story        text);                  -- what the demo makes of them, if anything special

CREATE TEMP TABLE slot AS
SELECT u.code AS unit, s.role, s.grp, s.i, s.title
FROM tthc.unit u LEFT JOIN demo.commune c ON c.code = u.code
CROSS JOIN LATERAL (
  SELECT 'desk' AS role, NULL::text AS grp, i,
         CASE WHEN u.level = 'province' THEN 'Chuyên viên tiếp nhận, Trung tâm PVHCC tỉnh' ELSE 'Công chức tiếp nhận và trả kết quả' END AS title
  FROM generate_series(1, CASE WHEN u.level = 'province' THEN 6 WHEN c.weight >= 1.5 THEN 2 ELSE 1 END) i
  WHERE u.level IN ('province', 'commune')
  UNION ALL
  SELECT 'handler', g.grp, i, g.title
  FROM (VALUES ('tp', 'Công chức Tư pháp - Hộ tịch'), ('dc', 'Chuyên viên Phòng Kinh tế, Hạ tầng và Đô thị'),
               ('vx', 'Chuyên viên Phòng Văn hóa - Xã hội')) g(grp, title),
       generate_series(1, CASE WHEN g.grp = 'tp' AND c.weight >= 1.5 THEN 2 ELSE 1 END) i
  WHERE u.level = 'commune'
  UNION ALL
  SELECT 'handler', 'all', i, CASE WHEN u.level = 'province' THEN 'Chuyên viên điều phối liên thông' ELSE 'Chuyên viên ' || u.name END
  FROM generate_series(1, CASE WHEN u.level = 'province' THEN 2 WHEN u.code = 'H22.82' THEN 2 ELSE 3 END) i
  WHERE u.level IN ('province', 'department')) s;

-- the officers the demo's story is about (the first slot of their kind)
CREATE TEMP TABLE character (unit text, role text, grp text, full_name text, late_factor float8, supp_prob float8,
                             repeat_prob float8, attitude_bad float8, story text);
INSERT INTO character VALUES
  ('H22.05', 'handler', 'dc', 'Đặng Văn Hùng', 1.0, 0.45, 0.6, 0.01,
   'yêu cầu bổ sung hồ sơ nhiều lần (asks for supplements again and again)'),
  ('H22.12', 'handler', 'tp', 'Phạm Thu Trang', 10, 0.08, 0.04, 0.01,
   'trễ hạn nhiều hơn hẳn đồng nghiệp (much later than colleagues)'),
  ('H22.80', 'handler', 'all', 'Bùi Quang Minh', 6, 0.08, 0.04, 0.004,
   'trễ hạn nhiều hơn hẳn đồng nghiệp (much later than colleagues)'),
  ('H22.01', 'desk', NULL, 'Vũ Thị Hoa', 1.0, 0.08, 0.04, 0.10,
   'người dân không hài lòng về thái độ (applicants unhappy with her attitude)');

CREATE TEMP TABLE staff AS
SELECT s.*, coalesce(ch.full_name, demo.officer_name(s.unit || s.role || coalesce(s.grp, '') || s.i)) AS full_name,
       ch.late_factor, ch.supp_prob, ch.repeat_prob, ch.attitude_bad, ch.story,
       abs(hashtext('late' || s.unit || s.role || coalesce(s.grp, '') || s.i)) % 1000 / 1000.0 AS h1,
       abs(hashtext('supp' || s.unit || s.role || coalesce(s.grp, '') || s.i)) % 1000 / 1000.0 AS h2
FROM slot s LEFT JOIN character ch ON ch.unit = s.unit AND ch.role = s.role AND ch.grp IS NOT DISTINCT FROM s.grp AND s.i = 1;
-- logins as the one-stop software spells them: given name, initials, @unit
ALTER TABLE staff ADD COLUMN login text;
UPDATE staff t SET login = x.base || CASE WHEN x.n > 1 THEN x.n::text ELSE '' END || '@' || lower(t.unit)
FROM (SELECT unit, role, grp, i, base, row_number() OVER (PARTITION BY unit, base ORDER BY role, grp, i) AS n
      FROM (SELECT unit, role, grp, i,
                   demo.ascii_fold(substr(full_name, length(full_name) - strpos(reverse(full_name), ' ') + 2))
                   || left(demo.ascii_fold(split_part(full_name, ' ', 1)), 1)
                   || left(demo.ascii_fold(split_part(full_name, ' ', 2)), 1) AS base
            FROM staff) b) x
WHERE x.unit = t.unit AND x.role = t.role AND x.grp IS NOT DISTINCT FROM t.grp AND x.i = t.i;

INSERT INTO tthc.officer (login, full_name, unit, title)
SELECT login, full_name, unit, title FROM staff ORDER BY unit, role, grp, i;
-- one in twelve handlers runs much later than the others; the rest vary
INSERT INTO demo.officer (login, unit, role, grp, late_factor, supp_prob, repeat_prob, attitude_bad, story)
SELECT login, unit, role, grp,
       coalesce(late_factor, CASE WHEN role = 'handler' AND h1 < 0.08 THEN 2.5 + 20 * h1 ELSE 0.3 + 0.9 * h1 END),
       coalesce(supp_prob, 0.08 * (0.5 + h2)), coalesce(repeat_prob, 0.04), coalesce(attitude_bad, 0.002),
       coalesce(story, CASE WHEN role = 'handler' AND h1 < 0.08 THEN 'trễ hạn nhiều (often late)' END)
FROM staff;
-- who is on which desk and takes which fields, for the simulation's picks
CREATE TABLE demo.team (unit text, role text, grp text, logins text[] NOT NULL, PRIMARY KEY (unit, role, grp));
INSERT INTO demo.team SELECT unit, role, coalesce(grp, ''), array_agg(login ORDER BY login) FROM demo.officer GROUP BY 1, 2, 3;
ANALYZE demo.officer;
ANALYZE demo.team;

\echo
\echo '━━ The province: 1 provincial centre, 54 commune centres, 7 departments, 1 external agency ━━'
\pset footer off
\pset linestyle unicode
SELECT u.level, count(*) AS units, min(u.code) AS first, max(u.code) AS last,
       sum((SELECT count(*) FROM tthc.officer o WHERE o.unit = u.code)) AS "officers (tthc.officer)"
FROM tthc.unit u GROUP BY u.level ORDER BY min(u.code);
\echo 'Officers the simulation singles out (demo.officer; the others vary around their centre):'
SELECT o.login, o.full_name AS "họ tên / name", o.unit, d.role, round(d.late_factor::numeric, 1) AS "late ×",
       round(d.supp_prob::numeric, 2) AS "supplement", round(d.repeat_prob::numeric, 2) AS "again", d.story
FROM demo.officer d JOIN tthc.officer o USING (login)
WHERE d.story IS NOT NULL AND d.story NOT LIKE 'trễ hạn nhiều (%' ORDER BY o.unit, o.login;
SELECT count(*) AS "other handlers who are often late (late × 2.5-4)" FROM demo.officer WHERE story LIKE 'trễ hạn nhiều (%';
\pset footer off
\pset linestyle unicode
\echo 'Catalogue: procedures by field'
SELECT field AS "lĩnh vực / field", count(*) AS procedures,
       count(online_time_limit) AS "shorter online limit", count(*) FILTER (WHERE supplement_mode = 'pause') AS "pause on supplement",
       count(*) FILTER (WHERE interagency) AS "inter-agency"
FROM demo.catalogue GROUP BY field ORDER BY count(*) DESC;
\echo 'Catalogue: time limits (thời hạn giải quyết), and the national limits they were cut from'
SELECT time_limit::text AS "time limit", count(*) AS procedures,
       string_agg(DISTINCT national_time_limit::text, ', ') AS "national limits (ministries' decisions)",
       count(*) FILTER (WHERE national_time_limit::text = time_limit::text) AS "not cut"
FROM demo.catalogue
GROUP BY 1 ORDER BY min(tthc.time_limit_unit(time_limit)), min(tthc.time_limit_amount(time_limit));
SELECT count(*) FILTER (WHERE tthc.working_day_equivalent(national_time_limit) > tthc.working_day_equivalent(time_limit))
         || ' of ' || count(*) || ' procedures cut; the catalogue is '
         || to_char(100 * (1 - sum(tthc.working_day_equivalent(time_limit)) / sum(tthc.working_day_equivalent(national_time_limit))), 'FM90.0')
         || ' % shorter than the national limits (working-day equivalents, tthc.time_reduction)' AS " "
FROM demo.catalogue;
