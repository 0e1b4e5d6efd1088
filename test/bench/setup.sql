-- test/bench/setup.sql: the benchmark's data and timing harness, schema bench.
-- Included by bench.sql (\ir); expects the baseline schema bl
-- (test/bench/baseline.sql) to be loaded already, and psql variables
-- :rows (size of bench.pairs) and :subset (rows the slow baselines run on).

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- Date pairs and reception times, reproducible (setseed), same size as bl.work:
--   a   a day in 2020-2029, as bl.work.d
--   b   a - 20 .. a + 100 days, so about a sixth of the pairs run backwards
--   ts  any minute of 2020-2029, Vietnam time (inside and outside office hours)
--   tl  the four kinds of time limit in turn
SELECT setseed(0.2026) \g /dev/null
CREATE TABLE bench.pairs AS
SELECT a,
       a + (random() * 120)::int - 20 AS b,
       date_trunc('minute', timestamptz '2020-01-01 00:00+07' + random() * interval '3650 days') AS ts,
       (ARRAY['15 working days', '4 working hours', '30 days', 'same day'])[1 + i % 4]::tthc.time_limit AS tl
FROM (SELECT i, date '2020-01-01' + (random() * 3650)::int AS a
      FROM generate_series(1, :rows) i) s;

-- The fixed subset the hand-written baselines run on: the first :subset rows
-- of bl.work in physical order (they take ~0.1 ms a row; 1M rows would take minutes).
CREATE TABLE bench.work_subset AS
SELECT d, n FROM bl.work ORDER BY ctid LIMIT :subset;

-- Every timed query.  role: floor (the executor doing the same work without
-- the calendar), tthc, baseline (hand-written, on bench.work_subset) or info
-- (tthc variants shown for reference, without a target).
CREATE TABLE bench.query (
  id      int PRIMARY KEY,
  grp     text NOT NULL,        -- the floor a query is compared with
  role    text NOT NULL CHECK (role IN ('floor', 'tthc', 'baseline', 'info')),
  label   text NOT NULL,
  sql     text NOT NULL
);

-- One row per timed execution; round 0 (the warm-up) is not recorded.
CREATE TABLE bench.timing (
  id      int NOT NULL REFERENCES bench.query,
  round   int NOT NULL,
  ms      float8 NOT NULL,
  result  bigint NOT NULL       -- the count(...), i.e. the non-null results
);

-- bench.run: a warm-up round, then `runs` timed rounds.  Each round runs
-- every query once, in id order, so that a disturbance (another process on
-- the machine) hits a floor and the queries compared with it alike.
CREATE PROCEDURE bench.run(runs int)
LANGUAGE plpgsql AS $$
DECLARE
  q  record;
  t0 timestamptz;
  c  bigint;
BEGIN
  FOR r IN 0 .. runs LOOP
    FOR q IN SELECT id, sql FROM bench.query ORDER BY id LOOP
      t0 := clock_timestamp();
      EXECUTE q.sql INTO c;
      IF r > 0 THEN
        INSERT INTO bench.timing
        VALUES (q.id, r, extract(epoch FROM clock_timestamp() - t0) * 1000, c);
      END IF;
    END LOOP;
  END LOOP;
END $$;
