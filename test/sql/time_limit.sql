-- tthc.time_limit: input in English and Vietnamese, canonical English output.
SELECT input, input::tthc.time_limit AS canonical,
       tthc.time_limit_unit(input::tthc.time_limit) AS unit,
       tthc.time_limit_amount(input::tthc.time_limit) AS amount
FROM unnest(ARRAY[
  '15 working days', '1 working day', '15 ngày làm việc', '15 NGÀY LÀM VIỆC', '15 Ngày Làm Việc',
  '15 ngay lam viec', '15wd', '  15   WD ', '0.5 working days', '0,5 ngày làm việc',
  '1.25 business days', '4 working hours', '4 giờ làm việc', '4 GIỜ LÀM VIỆC', '1 wh', '2.5 wh',
  '30 days', '1 day', '30 ngày', '30 NGÀY', '30d', '30 calendar days',
  'same day', 'Same Day', 'trong ngày', 'TRONG NGÀY', 'trong ngay', '10000 days',
  '007 working days', '0.125 working days', '1.5 ngày làm việc',
  E'15 nga\u0300y la\u0300m vie\u0323\u0302c',   -- decomposed (NFD) Vietnamese
  E'15\u00a0ngày làm việc',                      -- no-break space
  E'4 gio\u031b\u0300 la\u0300m vie\u0323\u0302c']) input;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Ho_Chi_Minh';

-- equality is on the meaning, not the spelling (operators live in schema tthc)
SET search_path = tthc, public;
SELECT '15 ngày làm việc'::tthc.time_limit = '15 working days' AS eq,
       '15 working days'::tthc.time_limit = '15 days' AS eq_other_unit,
       '15 working days'::tthc.time_limit <> '15 days' AS ne,
       'trong ngày'::tthc.time_limit = 'same day' AS same;
-- hashable: GROUP BY and DISTINCT work, and hash joins
SELECT l::tthc.time_limit AS time_limit, count(*)
FROM unnest(ARRAY['2 wd', '2 ngày làm việc', '2 working days', '2 days', 'same day', 'trong ngày']) l
GROUP BY 1 ORDER BY 2 DESC, 1::text;

-- binary I/O round trip through COPY
CREATE TEMP TABLE tl(id int, v tthc.time_limit);
INSERT INTO tl VALUES (1, '15 working days'), (2, '0.5 wd'), (3, '4 wh'), (4, '30 days'), (5, 'same day');
COPY tl TO '/tmp/tthc_time_limit.bin' WITH (FORMAT binary);
CREATE TEMP TABLE tl2 (LIKE tl);
COPY tl2 FROM '/tmp/tthc_time_limit.bin' WITH (FORMAT binary);
SELECT tl.id, tl.v, tl2.v = tl.v AS same FROM tl JOIN tl2 USING (id) ORDER BY id;
SELECT tthc.time_limit_send('0.5 working days');

-- bad input: see errors.sql
