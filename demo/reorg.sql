-- demo/reorg.sql: the province before 1/7/2025, for scripts/demo.sh.
-- NQ 1679/NQ-UBTVQH15 made Quảng Ninh's 171 commune-level units in 13
-- districts into the 54 communes, wards and special zones of
-- demo/province.sql.  This file gives the demo that history:
--   * 13 districts (H22.D01 … H22.D13, level district) and 171 old communes
--     (H22.D01.01 …), all ending on 30/6/2025 (names for illustration);
--   * tthc.unit_succession: each old commune to the new one that took it,
--     whole, and one in nine split between two new ones (0.6 / 0.4): the
--     many-to-many of the real change;
--   * the 54 new units stand from 1/7/2025 (valid_from);
--   * demo.history(total, t_end): the commune dossiers of 2025 up to t_end,
--     at the old communes until 30/6 and the new ones after, scaled (total a
--     year), each month in one transaction through tthc's own functions:
--     received, processing, then resolved (one in twelve late) or withdrawn;
--     what the old communes still had open on 30/6 is moved to their
--     successor on 1/7 (tthc.transfer) and finished there.
-- The districts kept no dossiers of their own here (their procedures went
-- to the communes and the province), so they have no successors.
-- Run after demo/province.sql, when the demo's year starts after 1/7/2025:
--   psql -v ON_ERROR_STOP=1 -d tthc_demo -f demo/reorg.sql
--   psql -d tthc_demo -c "CALL demo.history(100000, '2025-12-08')"
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';

-- ── The old units and who took them over ────────────────────────────────
INSERT INTO tthc.unit (code, name, level, parent, valid_to)
SELECT 'H22.D' || lpad(d::text, 2, '0'),
       'UBND ' || (ARRAY['thành phố Hạ Long', 'thành phố Cẩm Phả', 'thành phố Uông Bí', 'thành phố Móng Cái',
                         'thị xã Đông Triều', 'thị xã Quảng Yên', 'huyện Vân Đồn', 'huyện Tiên Yên', 'huyện Đầm Hà',
                         'huyện Hải Hà', 'huyện Bình Liêu', 'huyện Ba Chẽ', 'huyện Cô Tô'])[d],
       'district', 'H22', '2025-06-30'
FROM generate_series(1, 13) d;

-- old commune k (1 … 171) lies in district ceil(13k/171) and went to new
-- commune ceil(54k/171); every ninth was split with the next new commune
CREATE TABLE demo.old_commune (code text PRIMARY KEY, k int NOT NULL, successor text NOT NULL,
                               second text, weight numeric NOT NULL);
INSERT INTO demo.old_commune (code, k, successor, second, weight)
SELECT 'H22.D' || lpad(((k * 13 + 170) / 171)::text, 2, '0') || '.' || lpad(k::text, 3, '0'), k,
       'H22.' || lpad(((k * 54 + 170) / 171)::text, 2, '0'),
       CASE WHEN k % 9 = 0 AND (k * 54 + 170) / 171 < 54 THEN 'H22.' || lpad(((k * 54 + 170) / 171 + 1)::text, 2, '0') END,
       0
FROM generate_series(1, 171) k;
-- its weight: its part of the new commune's volume
UPDATE demo.old_commune o SET weight = c.weight * CASE WHEN o.second IS NULL THEN 1 ELSE 0.6 END
                                        / (SELECT count(*) FROM demo.old_commune x WHERE x.successor = o.successor)
FROM demo.commune c WHERE c.code = o.successor;
INSERT INTO tthc.unit (code, name, level, parent, valid_to)
SELECT o.code, 'UBND ' || CASE WHEN o.k % 3 = 0 THEN 'phường' ELSE 'xã' END || ' cũ ' || o.k
                || ' (nay thuộc ' || c.name || ')', 'commune', left(o.code, 7), '2025-06-30'
FROM demo.old_commune o JOIN demo.commune c ON c.code = o.successor ORDER BY o.k;
UPDATE tthc.unit SET valid_from = '2025-07-01' WHERE code IN (SELECT code FROM demo.commune);
INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, whole, share, legal_reference)
SELECT code, successor, date '2025-07-01', second IS NULL, CASE WHEN second IS NOT NULL THEN 0.6 END, 'NQ 1679/NQ-UBTVQH15'
FROM demo.old_commune
UNION ALL
SELECT code, second, date '2025-07-01', false, 0.4, 'NQ 1679/NQ-UBTVQH15' FROM demo.old_commune WHERE second IS NOT NULL;

-- ── 2025, month by month ────────────────────────────────────────────────
CREATE PROCEDURE demo.history(total int, t_end timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  m_end timestamptz;
  days numeric;
  procs text[];
  w_all numeric := (SELECT sum(weight) FROM demo.commune);
BEGIN
  PERFORM setseed(0.5);
  SELECT array_agg(code ORDER BY popularity DESC, code) INTO procs
  FROM (SELECT code, popularity FROM demo.catalogue WHERE level = 'commune' ORDER BY popularity DESC, code LIMIT 60) p;
  SELECT count(*) INTO days FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d
  WHERE tthc.is_working_day(d::date, 'vn');
  FOR m IN SELECT generate_series(date '2025-01-01', (t_end - interval '1 second')::date, interval '1 month')::date LOOP
    m_end := least(m + interval '1 month', t_end);
    -- the receptions: working days, mornings busier, at the units standing that day
    INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, applicant_name, applicant_id)
    SELECT procs[1 + floor(random() * cardinality(procs) * random())::int], u.code,
           CASE WHEN random() < 0.9 THEN 2 ELSE 1 END,
           (d.day + CASE WHEN random() < 0.62 THEN time '07:30' + interval '4 hours' * random()
                         ELSE time '13:00' + interval '4 hours' * random() END)::timestamp(0) AT TIME ZONE 'Asia/Ho_Chi_Minh',
           demo.person_name(random(), random(), random()),
           '022' || lpad((floor(random() * 1e9))::bigint::text, 9, '0')
    FROM (SELECT day::date FROM generate_series(m, (m_end - interval '1 second')::date, interval '1 day') day
          WHERE tthc.is_working_day(day::date, 'vn')) d
    JOIN LATERAL (SELECT o.code, o.weight FROM demo.old_commune o WHERE d.day < date '2025-07-01'
                  UNION ALL
                  SELECT c.code, c.weight FROM demo.commune c WHERE d.day >= date '2025-07-01') u ON true
    CROSS JOIN LATERAL generate_series(1, floor(total * 0.88 * u.weight / w_all / days * (0.8 + 0.4 * random()) + random())::int) i
    WHERE (d.day + time '07:30') AT TIME ZONE 'Asia/Ho_Chi_Minh' < m_end;
    -- the plan of each: processing an hour later, then finished within its
    -- limit, late (one in twelve) or withdrawn (one in fifty)
    CREATE TEMP TABLE h ON COMMIT DROP AS
    SELECT d.code, d.handling_unit, d.received_at, d.received_at + interval '1 hour' AS started,
           CASE WHEN r < 0.02 THEN 'withdrawn' ELSE 'resolved' END::tthc.dossier_status AS outcome,
           CASE WHEN r < 0.02 THEN d.received_at + interval '1 day'
                WHEN r < 0.10 THEN d.due_at + interval '1 day' * (1 + 4 * random())
                ELSE d.received_at + interval '2 hours' + (d.due_at - d.received_at - interval '2 hours') * (0.2 + 0.75 * random()) END AS finished
    FROM (SELECT x.*, random() AS r FROM tthc.dossier x
          WHERE x.received_at >= m AND x.received_at < m_end AND x.status = 'received') d;
    PERFORM tthc.transition(code, 'processing', started) FROM h ORDER BY code;
    -- 1/7: the old communes' dossiers still open move to their successor
    -- (the one taking the most of a split commune)
    PERFORM tthc.transfer(h.code, o.successor, '2025-07-01 08:00+07', 'NQ 1679/NQ-UBTVQH15: đơn vị hành chính cấp xã sau sắp xếp')
    FROM h JOIN demo.old_commune o ON o.code = h.handling_unit
    WHERE h.finished > '2025-07-01 08:00+07' ORDER BY h.code;
    PERFORM tthc.transition(code, outcome, greatest(finished, started + interval '1 minute',
                                                      CASE WHEN handling_unit LIKE 'H22.D%' AND finished > '2025-07-01 08:00+07'
                                                           THEN timestamptz '2025-07-01 08:01+07' END))
    FROM h ORDER BY finished;
    DROP TABLE h;
    COMMIT;
  END LOOP;
END $$;
