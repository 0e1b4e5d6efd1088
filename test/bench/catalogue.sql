-- test/bench/catalogue.sql: the units and procedures the dossier benchmarks
-- receive against, reproducible (setseed).  Included by receive.sql and
-- sweep.sql; expects CREATE EXTENSION tthc and an empty catalogue.
--   units       one province centre H22 and 54 commune centres H22.01..H22.54,
--               all on calendar 'vn'
--   procedures  300 codes, 330 versions: 70 % in working days (a third with
--               a shorter online limit), 10 % in working hours, 10 % in
--               calendar days, 10 % same day (half with an 11:00 cut-off);
--               English and Vietnamese spellings; every twelfth shortened
--               from 2025-07-01 (two versions); every twentieth inter-agency
--               (two steps, the second at the province centre)

INSERT INTO tthc.unit (code, name, level)
VALUES ('H22', 'Trung tâm Phục vụ hành chính công tỉnh', 'province');
INSERT INTO tthc.unit (code, name, level, parent)
SELECT format('H22.%s', lpad(i::text, 2, '0')), format('Trung tâm Phục vụ hành chính công xã %s', i),
       'commune', 'H22'
FROM generate_series(1, 54) i;

CREATE TEMP TABLE bench_procedure AS
SELECT i,
       format('1.%s', lpad((1000 + 37 * i)::text, 6, '0')) AS code,
       format('Thủ tục %s', i) AS name,
       CASE WHEN i % 10 < 7 THEN 'days_w' WHEN i % 10 = 7 THEN 'hours_w'
            WHEN i % 10 = 8 THEN 'days' ELSE 'same' END AS kind,
       (ARRAY[1, 2, 3, 3, 5, 5, 5, 7, 10, 10, 15, 15, 20, 30])[1 + i % 14] AS wdays,
       (ARRAY[2, 4, 4, 8, 16])[1 + i % 5] AS whours,
       (ARRAY[20, 30, 30, 45, 60])[1 + i % 5] AS cdays,
       i % 2 = 0 AS vietnamese
FROM generate_series(1, 300) i;

-- lim(n): the limit of a procedure as text, in its spelling, n working days
-- for the working-day kind (so that versions and online limits can differ)
CREATE FUNCTION pg_temp.lim(p bench_procedure, wd numeric) RETURNS text
LANGUAGE sql AS $$
  SELECT CASE p.kind
    WHEN 'days_w'  THEN format(CASE WHEN p.vietnamese THEN '%s ngày làm việc' ELSE '%s working days' END, trim_scale(wd))
    WHEN 'hours_w' THEN format(CASE WHEN p.vietnamese THEN '%s giờ làm việc' ELSE '%s working hours' END, p.whours)
    WHEN 'days'    THEN format(CASE WHEN p.vietnamese THEN '%s ngày' ELSE '%s days' END, p.cdays)
    ELSE CASE WHEN p.vietnamese THEN 'trong ngày' ELSE 'same day' END
  END $$;

-- the version in force today, and for every twelfth an older, longer one
INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit, same_day_cutoff,
                            supplement_mode, valid_from, valid_to)
SELECT p.code, p.name, 'Lĩnh vực ' || (p.i % 17),
       pg_temp.lim(p, p.wdays + v.older * greatest(1, p.wdays / 3))::tthc.time_limit,
       CASE WHEN p.kind = 'days_w' AND p.i % 3 = 0 AND p.wdays >= 2
            THEN pg_temp.lim(p, p.wdays - 0.5)::tthc.time_limit END,
       CASE WHEN p.kind = 'same' AND p.i % 20 < 10 THEN time '11:00' END,
       CASE WHEN p.i % 4 = 0 THEN 'pause' ELSE 'restart' END,
       CASE WHEN v.older = 1 THEN date '2018-01-01'
            WHEN p.i % 12 = 0 THEN date '2025-07-01' ELSE date '2018-01-01' END,
       CASE WHEN v.older = 1 THEN date '2025-06-30' END
FROM bench_procedure p
CROSS JOIN LATERAL (VALUES (0), (1)) v(older)
WHERE v.older = 0 OR p.i % 12 = 0
ORDER BY p.i, v.older DESC;

INSERT INTO tthc.procedure_step (procedure_id, step, unit, role, allowance)
SELECT pr.id, s.step, s.unit, s.role, s.allowance::tthc.time_limit
FROM tthc.procedure pr
JOIN bench_procedure p USING (code)
CROSS JOIN LATERAL (VALUES
  (1, NULL, 'bộ phận một cửa cấp xã', '1 working day'),
  (2, 'H22', NULL, format('%s working days', trim_scale(tthc.time_limit_amount(pr.time_limit) - 1)))) s(step, unit, role, allowance)
WHERE p.i % 20 = 3 AND p.kind = 'days_w' AND p.wdays >= 3;

DROP FUNCTION pg_temp.lim(bench_procedure, numeric);
