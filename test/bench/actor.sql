-- test/bench/actor.sql: what naming the officer costs a reception.
-- INSERT ... SELECT of :rows dossiers into tthc.dossier three ways, in one
-- session, each round in turn first: with tthc.actor naming an officer of
-- the province centre (the guard looks the officer up and checks the unit;
-- every event records it and hashes it), without it, and (last, after
-- dropping them) without the three indexes 0.9.0 added for the scorecards
-- (dossier_finished, dossier_overdue_open, dossier_event_officer).  Run by
-- scripts/bench.sh (BENCH_ONLY=actor) after CREATE EXTENSION tthc.
\set ON_ERROR_STOP 1
\if :{?rows}
\else
  \set rows 200000
\endif
\if :{?runs}
\else
  \set runs 3
\endif
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SELECT setseed(0.2026) \g /dev/null
SELECT set_config('bench.runs', :'runs', false) \g /dev/null
\ir catalogue.sql
INSERT INTO tthc.officer (login, full_name, unit) VALUES ('bench.officer', 'Nguyễn Văn Bench', 'H22');

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.incoming AS
WITH days AS (
  SELECT array_agg(d::date ORDER BY d) AS d
  FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d
  WHERE tthc.is_working_day(d::date, 'vn')
), procs AS (
  SELECT array_agg(DISTINCT code ORDER BY code) AS p FROM tthc.procedure
)
SELECT procs.p[1 + floor(power(random(), 2) * cardinality(procs.p))::int] AS procedure_code,
       CASE WHEN random() < 0.3 THEN 'H22' ELSE format('H22.%s', lpad((1 + floor(random() * 54))::text, 2, '0')) END AS unit,
       (days.d[1 + floor(random() * cardinality(days.d))::int] + time '07:30'
          + floor(random() * 240 * 60) * interval '1 second') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS received_at
FROM generate_series(1, :rows) i, days, procs;
CREATE TABLE bench.timing (round int, variant text, ms float8, rows bigint);

CREATE PROCEDURE bench.round(variant text, r int)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  n bigint;
BEGIN
  ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only_truncate;
  TRUNCATE tthc.dossier, tthc.dossier_event, tthc.dossier_counter, tthc.report_delta RESTART IDENTITY;
  ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only_truncate;
  COMMIT;
  CHECKPOINT;
  t0 := clock_timestamp();
  PERFORM set_config('tthc.actor', CASE WHEN variant = 'named' THEN 'bench.officer' ELSE '' END, true);
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, received_at)
  SELECT procedure_code, unit, unit, received_at FROM bench.incoming;
  GET DIAGNOSTICS n = ROW_COUNT;
  COMMIT;
  IF r > 0 THEN
    INSERT INTO bench.timing VALUES (r, variant, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
    COMMIT;
  END IF;
END $$;
DO $$
BEGIN
  FOR r IN 0 .. current_setting('bench.runs')::int LOOP
    IF r % 2 = 1 THEN CALL bench.round('named', r); CALL bench.round('unnamed', r);
    ELSE CALL bench.round('unnamed', r); CALL bench.round('named', r); END IF;
  END LOOP;
END $$;
SELECT count(*) FILTER (WHERE officer = 'bench.officer') AS named_events FROM tthc.dossier_event \gset
DROP INDEX tthc.dossier_finished, tthc.dossier_overdue_open, tthc.dossier_event_officer;
DO $$
BEGIN
  FOR r IN 0 .. current_setting('bench.runs')::int LOOP
    CALL bench.round('no_new_indexes', r);
  END LOOP;
END $$;

\pset format unaligned
\pset tuples_only on
SELECT format('actor: round %s %-15s %9s ms', round, variant, round(ms::numeric, 1))
FROM bench.timing ORDER BY round, variant;
WITH b AS (SELECT variant, min(ms) AS ms FROM bench.timing GROUP BY variant)
SELECT format('RESULT actor rows=%s runs=%s named_ms=%s unnamed_ms=%s no_new_indexes_ms=%s named_ratio=%s index_ratio=%s named_events=%s %s',
              :rows, current_setting('bench.runs'), round(n.ms::numeric, 1), round(u.ms::numeric, 1), round(x.ms::numeric, 1),
              round((n.ms / u.ms)::numeric, 3), round((u.ms / x.ms)::numeric, 3), :named_events,
              CASE WHEN :named_events = :rows AND n.ms / u.ms <= 1.1 THEN 'PASS' ELSE 'MISS' END)
FROM b n, b u, b x WHERE n.variant = 'named' AND u.variant = 'unnamed' AND x.variant = 'no_new_indexes';
