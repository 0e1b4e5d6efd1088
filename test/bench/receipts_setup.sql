-- test/bench/receipts_setup.sql: the database the pgbench scripts
-- receipts_tthc.pgbench and receipts_plain.pgbench run in (scripts/bench.sh,
-- BENCH_ONLY=receipts, after CREATE EXTENSION tthc): a province centre H22
-- and :clients commune centres H22.01.., a procedure with one lệ phí, the
-- plain receipt table of the baseline with the sequence its numbers come
-- from, and bench.receipts_reset(variant, per_client) to start each run on
-- fresh tables.
--
-- Every pgbench client c (0-based, pgbench's client_id) works on the
-- dossiers of commune H22.0(c+1): its n-th transaction pays the fee of
-- dossier bench.rc_dossier (c, n), received and unpaid, and receipts it.
-- The variants differ only in where the number comes from:
--   one    one lệ phí series, at H22: it serves every commune below it, so
--          all clients take their numbers from the same series row
--   unit   a lệ phí series at each commune (the nearest serves first): each
--          client its own series row
--   plain  the same payment (tthc.pay), then the receipt inserted into
--          bench.receipt_plain (tthc.receipt's columns, checks and unique
--          number, no triggers, no log) numbered by nextval() of one
--          sequence: never waits, leaves gaps on rollback
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

INSERT INTO tthc.unit (code, name, level, tax_code)
VALUES ('H22', 'Trung tâm Phục vụ hành chính công tỉnh', 'province', '5700100256');
INSERT INTO tthc.unit (code, name, level, parent)
SELECT format('H22.%s', lpad(i::text, 2, '0')), format('Trung tâm Phục vụ hành chính công xã %s', i), 'commune', 'H22'
FROM generate_series(1, :clients) i;
INSERT INTO tthc.procedure (code, name, time_limit)
VALUES ('1.000001', 'Cấp bản sao trích lục hộ tịch', '5 working days');
INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, legal_reference)
SELECT id, 'LP-BS', 'le_phi', 'Lệ phí cấp bản sao', 8000, 'NQ 12/2025/NQ-HĐND' FROM tthc.procedure;

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
-- the dossiers of each client, in the order it pays them
CREATE TABLE bench.rc_dossier (client integer, n integer, code text NOT NULL, PRIMARY KEY (client, n));
CREATE TABLE bench.receipt_plain (LIKE tthc.receipt INCLUDING ALL);
CREATE SEQUENCE bench.receipt_no;

-- bench.receipts_reset(variant, per_client): money, dossiers and their logs
-- emptied (the logs' append-only triggers lifted for the TRUNCATE only),
-- per_client unpaid dossiers received for each client's commune (over the
-- last days, within the current year, so that the series of this year serve
-- them), the variant's receipt series
CREATE PROCEDURE bench.receipts_reset(variant text, per_client integer)
LANGUAGE plpgsql AS $$
DECLARE
  yy text := to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YY');
  t text;
BEGIN
  IF variant NOT IN ('one', 'unit', 'plain') THEN
    RAISE EXCEPTION 'unknown variant %', variant;
  END IF;
  FOREACH t IN ARRAY ARRAY['tthc.dossier_event', 'tthc.payment', 'tthc.receipt'] LOOP
    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER append_only_truncate', t);
  END LOOP;
  TRUNCATE tthc.receipt, tthc.payment, tthc.receipt_series, tthc.dossier, tthc.dossier_event,
           tthc.dossier_counter, bench.rc_dossier, bench.receipt_plain RESTART IDENTITY;
  FOREACH t IN ARRAY ARRAY['tthc.dossier_event', 'tthc.payment', 'tthc.receipt'] LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER append_only_truncate', t);
  END LOOP;
  PERFORM setval('bench.receipt_no', 1, false);
  -- received at most 9 days back, and not before 1 January (local time)
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, applicant_name, applicant_address, received_at)
  SELECT '1.000001', u.code, 1, 'Nguyễn Văn An', 'Hạ Long, Quảng Ninh',
         greatest(now() - interval '1 minute' - (n % 10) * interval '1 day',
                  date_trunc('year', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') AT TIME ZONE 'Asia/Ho_Chi_Minh')
  FROM tthc.unit u CROSS JOIN generate_series(1, per_client) n
  WHERE u.parent = 'H22'
  ORDER BY u.code, n;
  INSERT INTO bench.rc_dossier (client, n, code)
  SELECT substring(receiving_unit FROM '\.([0-9]+)$')::integer - 1,
         row_number() OVER (PARTITION BY receiving_unit ORDER BY id), code
  FROM tthc.dossier;
  IF variant = 'one' THEN
    INSERT INTO tthc.receipt_series (unit, template, symbol, kind)
    VALUES ('H22', '01BLP0-001', 'AA/' || yy || 'E', 'le_phi');
  ELSIF variant = 'unit' THEN
    INSERT INTO tthc.receipt_series (unit, template, symbol, kind)
    SELECT code, '01BLP0-001', 'AA/' || yy || 'E', 'le_phi' FROM tthc.unit WHERE parent = 'H22';
  END IF;
END $$;

-- bench.receipts_check(variant): one line on what the run left, INCONSISTENT
-- when a payment has no receipt or, for tthc's receipts, when a series'
-- numbers are not 1..N each once, receipt_usage counts a gap or a control
-- slip fails verify_log (the plain sequence may leave gaps: counted, not
-- judged)
CREATE FUNCTION bench.receipts_check(variant text) RETURNS text
LANGUAGE sql AS $$
  WITH r AS (SELECT unit, template, symbol, number, total FROM tthc.receipt WHERE variant <> 'plain'
             UNION ALL SELECT unit, template, symbol, number, total FROM bench.receipt_plain WHERE variant = 'plain'),
  -- (the plain receipts have one sequence: one series)
  s AS (SELECT count(*) AS n, min(number) AS lo, max(number) AS hi, count(DISTINCT number) AS distinct_n
        FROM r GROUP BY CASE WHEN variant = 'plain' THEN '' ELSE unit END, template, symbol),
  c AS (SELECT (SELECT count(*) FROM r) AS receipts, (SELECT count(*) FROM tthc.payment) AS payments,
               (SELECT count(*) FROM s) AS series,
               (SELECT count(*) FROM s WHERE lo <> 1 OR hi <> n OR distinct_n <> n) AS bad_series,
               (SELECT coalesce(sum(hi - n), 0) FROM s) AS gaps,
               CASE WHEN variant = 'plain' THEN 0 ELSE
                 (SELECT coalesce(sum(u.gaps), 0) FROM tthc.receipt_usage('H22',
                    daterange(date_trunc('year', now())::date, (date_trunc('year', now()) + interval '1 year')::date)) u) END AS usage_gaps,
               CASE WHEN variant = 'plain' THEN 0 ELSE (SELECT count(*) FROM tthc.verify_log()) END AS log_problems)
  SELECT format('receipts %s: %s receipts in %s series, %s payments, %s numbers missing (receipt_usage: %s), %s series not 1..N, %s control slips failing%s',
                variant, receipts, series, payments, gaps, usage_gaps, bad_series, log_problems,
                CASE WHEN receipts <> payments
                       OR variant <> 'plain' AND (bad_series > 0 OR gaps > 0 OR usage_gaps > 0 OR log_problems > 0)
                     THEN '  -- INCONSISTENT' ELSE '' END)
  FROM c
$$;
