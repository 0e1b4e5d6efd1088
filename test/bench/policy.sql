-- test/bench/policy.sql: an officer's screens under row-level security cost
-- what the same query filtered by hand costs.  Receives :rows dossiers
-- through the guard at 55 units (catalogue.sql), assigns an officer to one
-- commune, then times each screen twice in a rotating order, :runs rounds
-- after a warm-up, and compares the best times:
--   policy  as the officer: SELECT ... FROM tthc.dossier (the policy filters)
--   hand    as the owner (no policy): the same query with the policy's
--           filter written out, handling_unit = ANY (...) OR receiving_unit
--           = ANY (...), with the officer's units as a constant
-- Screens: the open queue (running dossiers by deadline, 50 rows), the
-- unit's count, and the due-soon band of tthc.dossier_sla (the view filters
-- by caller; its hand-written twin filters by the constant).  0.6.0 called
-- tthc.my_units() once per row here and was 85-110x slower than by hand.
-- Run by scripts/bench.sh in a database of its own after CREATE EXTENSION
-- tthc, as a superuser.  psql variables (optional): rows (default 1000000),
-- runs (default 7).  Prints one line per screen and a RESULT line: PASS when
-- every policy / hand ratio is at most 1.25.
\set ON_ERROR_STOP 1
\if :{?rows}
\else
  \set rows 1000000
\endif
\if :{?runs}
\else
  \set runs 7
\endif
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SET max_parallel_workers_per_gather = 0;
SET jit = off;

SELECT setseed(0.0766) \g /dev/null
\ir catalogue.sql

-- a year of receptions in office hours, through the guard
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, applicant_id, received_at)
SELECT (SELECT array_agg(DISTINCT code ORDER BY code) FROM tthc.procedure)[1 + i % 300],
       CASE WHEN i % 10 < 3 THEN 'H22' ELSE format('H22.%s', lpad((1 + i % 54)::text, 2, '0')) END,
       1 + i % 2, lpad((22000000000 + i::bigint * 7919 % 999999999)::text, 12, '0'),
       timestamptz '2025-01-02 08:00+07' + (i * (300.0 / :rows)) * interval '1 day'
         + (i % 480) * interval '1 minute'
FROM generate_series(1, :rows) i;
VACUUM ANALYZE tthc.dossier;

CREATE ROLE bench_officer NOLOGIN IN ROLE tthc_officer;
INSERT INTO tthc.officer_unit (role, unit) VALUES ('bench_officer', 'H22.07');
-- the officer's units, as the hand-written filter's constant
SET ROLE bench_officer;
CREATE TEMP TABLE officer_units AS SELECT tthc.my_units() AS units;
RESET ROLE;
SELECT units::text AS officer_units FROM officer_units \gset

CREATE TEMP TABLE screens (screen text, policy_sql text, hand_sql text);
INSERT INTO screens VALUES
  ('queue: running dossiers by deadline, 50 rows',
   $q$SELECT code, status, due_at FROM tthc.dossier WHERE status IN ('received', 'processing') ORDER BY due_at LIMIT 50$q$,
   format($q$SELECT code, status, due_at FROM tthc.dossier WHERE (handling_unit = ANY (%1$L::text[]) OR receiving_unit = ANY (%1$L::text[]))
             AND status IN ('received', 'processing') ORDER BY due_at LIMIT 50$q$, :'officer_units')),
  ('count of the unit''s dossiers',
   $q$SELECT count(*) FROM tthc.dossier$q$,
   format($q$SELECT count(*) FROM tthc.dossier WHERE handling_unit = ANY (%1$L::text[]) OR receiving_unit = ANY (%1$L::text[])$q$, :'officer_units')),
  ('received this month, by day',
   $q$SELECT received_at::date, count(*) FROM tthc.dossier WHERE received_at >= '2025-10-01' AND received_at < '2025-11-01' GROUP BY 1$q$,
   format($q$SELECT received_at::date, count(*) FROM tthc.dossier WHERE (handling_unit = ANY (%1$L::text[]) OR receiving_unit = ANY (%1$L::text[]))
             AND received_at >= '2025-10-01' AND received_at < '2025-11-01' GROUP BY 1$q$, :'officer_units'));

-- best of :runs rounds (after a warm-up), the two kinds in turn, the first
-- of each round alternating, so that drift favours neither
CREATE FUNCTION pg_temp.time_once(q text, as_role text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  ms float8;
BEGIN
  IF as_role IS NOT NULL THEN EXECUTE format('SET ROLE %I', as_role); END IF;
  t0 := clock_timestamp();
  EXECUTE q;
  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
  RESET ROLE;
  RETURN ms;
END $$;
CREATE FUNCTION pg_temp.race(policy_sql text, hand_sql text, n int, OUT policy_ms float8, OUT hand_ms float8)
LANGUAGE plpgsql AS $$
DECLARE
  a float8;
  b float8;
BEGIN
  policy_ms := 'infinity';
  hand_ms := 'infinity';
  FOR i IN 0 .. n LOOP
    IF i % 2 = 0 THEN
      a := pg_temp.time_once(policy_sql, 'bench_officer');
      b := pg_temp.time_once(hand_sql, NULL);
    ELSE
      b := pg_temp.time_once(hand_sql, NULL);
      a := pg_temp.time_once(policy_sql, 'bench_officer');
    END IF;
    IF i > 0 THEN
      policy_ms := least(policy_ms, a);
      hand_ms := least(hand_ms, b);
    END IF;
  END LOOP;
END $$;

-- the two agree row for row
DO $$
DECLARE
  s record;
  a bigint;
  b bigint;
BEGIN
  FOR s IN SELECT * FROM screens LOOP
    SET ROLE bench_officer;
    EXECUTE format('SELECT count(*) FROM (%s) x', s.policy_sql) INTO a;
    RESET ROLE;
    EXECUTE format('SELECT count(*) FROM (%s) x', s.hand_sql) INTO b;
    IF a <> b OR a = 0 THEN
      RAISE EXCEPTION 'screen "%": % rows under the policy, % by hand', s.screen, a, b;
    END IF;
  END LOOP;
END $$;

CREATE TEMP TABLE timing AS
SELECT s.screen, r.policy_ms, r.hand_ms
FROM screens s, pg_temp.race(s.policy_sql, s.hand_sql, :runs) r;
SELECT format('%-48s policy %9s ms  hand %9s ms  ratio %s', screen, round(policy_ms::numeric, 2),
              round(hand_ms::numeric, 2), round((policy_ms / hand_ms)::numeric, 3))
FROM timing ORDER BY screen \g (tuples_only format=unaligned)
SELECT format('RESULT policy rows=%s runs=%s worst_ratio=%s queue_ratio=%s %s', :rows, :runs,
              round(max(policy_ms / hand_ms)::numeric, 3),
              round(max(policy_ms / hand_ms) FILTER (WHERE screen LIKE 'queue%')::numeric, 3),
              CASE WHEN max(policy_ms / hand_ms) <= 1.25 THEN 'PASS' ELSE 'MISS' END)
FROM timing \g (tuples_only format=unaligned)
DROP OWNED BY bench_officer;
DELETE FROM tthc.officer_unit WHERE role = 'bench_officer';
DROP ROLE bench_officer;
