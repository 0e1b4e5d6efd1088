-- test/bench/bench.sql: tthc's working-day functions against the executor
-- floor and against hand-written SQL / PL/pgSQL, in one session.
-- Run by scripts/bench.sh after loading test/bench/baseline.sql (schema bl).
-- psql variables (all optional): runs (timed rounds, default 5), subset (rows
-- of bl.work the slow baselines run on, default 10000).  Prints a table and
-- PASS/MISS per target; absolute times are never asserted.
\set ON_ERROR_STOP 1
\if :{?runs}
\else
  \set runs 5
\endif
\if :{?subset}
\else
  \set subset 10000
\endif

-- measure the functions, not the machine's parallelism or the JIT
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';

SELECT count(*) AS rows FROM bl.work \gset
\ir setup.sql
-- all-visible, hinted, statistics: every round scans the same pages the same way
VACUUM (FREEZE, ANALYZE) bl.work, bench.pairs, bench.work_subset;

-- The queries.  Each group's floor does the per-row work of the executor
-- (scan, deform, one built-in function call, aggregate) that the tthc query
-- does too, so "x floor" is the price of the calendar itself.
INSERT INTO bench.query (id, grp, role, label, sql) VALUES
  (10, 'add_working_days', 'info', 'count(*), the scan and aggregate alone',
       'SELECT count(*) FROM bl.work'),
  (11, 'add_working_days', 'floor', 'count(d + n)',
       'SELECT count(d + n) FROM bl.work'),
  (12, 'add_working_days', 'tthc', 'count(tthc.add_working_days(d, n))',
       'SELECT count(tthc.add_working_days(d, n)) FROM bl.work'),
  (13, 'add_working_days', 'baseline', 'count(bl.awd_sql(d, n))',
       'SELECT count(bl.awd_sql(d, n)) FROM bench.work_subset'),
  (14, 'add_working_days', 'baseline', 'count(bl.awd_plpgsql(d, n))',
       'SELECT count(bl.awd_plpgsql(d, n)) FROM bench.work_subset'),
  (20, 'working_days_between', 'floor', 'count(b - a)',
       'SELECT count(b - a) FROM bench.pairs'),
  (21, 'working_days_between', 'tthc', 'count(tthc.working_days_between(a, b))',
       'SELECT count(tthc.working_days_between(a, b)) FROM bench.pairs'),
  -- adding days to a timestamptz goes through the session time zone; adding
  -- hours does not, and is shown too as the cheapest possible floor
  (30, 'deadline', 'floor', 'count(ts + interval ''15 days'')',
       'SELECT count(ts + interval ''15 days'') FROM bench.pairs'),
  (31, 'deadline', 'info', 'count(ts + interval ''360 hours''), no zone',
       'SELECT count(ts + interval ''360 hours'') FROM bench.pairs'),
  (32, 'deadline', 'tthc', 'count(tthc.deadline(ts, ''15 working days''))',
       'SELECT count(tthc.deadline(ts, ''15 working days'')) FROM bench.pairs'),
  (33, 'deadline', 'info', 'count(tthc.deadline(ts, ''4 working hours''))',
       'SELECT count(tthc.deadline(ts, ''4 working hours'')) FROM bench.pairs'),
  (34, 'deadline', 'info', 'count(tthc.deadline(ts, ''30 days''))',
       'SELECT count(tthc.deadline(ts, ''30 days'')) FROM bench.pairs'),
  (35, 'deadline', 'info', 'count(tthc.deadline(ts, ''same day''))',
       'SELECT count(tthc.deadline(ts, ''same day'')) FROM bench.pairs'),
  (36, 'deadline', 'info', 'count(tthc.deadline(ts, tl)), 4 kinds mixed',
       'SELECT count(tthc.deadline(ts, tl)) FROM bench.pairs');

CALL bench.run(:runs);

-- Per query: best and median of the timed rounds, and the per-row cost.
CREATE VIEW bench.result AS
SELECT q.*, t.rows, t.best, t.median, t.best * 1000 / t.rows AS us_per_row
FROM bench.query q
JOIN (SELECT id, max(result) AS rows, min(ms) AS best,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median
      FROM bench.timing GROUP BY id) t USING (id);

-- ratio: best time over the group floor's best time (same rows);
-- speedup: a baseline's per-row cost over the group's tthc per-row cost.
CREATE VIEW bench.report AS
SELECT r.*,
       CASE WHEN r.role <> 'baseline' THEN r.best / f.best END AS ratio,
       CASE WHEN r.role = 'baseline' THEN r.us_per_row / t.us_per_row END AS speedup
FROM bench.result r
JOIN bench.result f ON f.grp = r.grp AND f.role = 'floor'
JOIN bench.result t ON t.grp = r.grp AND t.role = 'tthc';

\pset format unaligned
\pset tuples_only on
\echo
SELECT format('tthc benchmark: PostgreSQL %s, %s rows, best and median of %s timed runs after 1 warm-up,',
              split_part(current_setting('server_version'), ' ', 1), :'rows', :runs)
UNION ALL
SELECT format('max_parallel_workers_per_gather = %s, jit = %s, session TimeZone %s.',
              current_setting('max_parallel_workers_per_gather'), current_setting('jit'),
              current_setting('TimeZone'))
UNION ALL
SELECT format('Baselines (test/bench/baseline.sql) run on a fixed subset, the first %s rows of bl.work,', :subset)
UNION ALL
SELECT 'and are compared per row ("speedup" = baseline µs/row / tthc µs/row on all rows).';
\echo
WITH lines AS (
  SELECT 0 AS id, format('%-10s %-46s %8s %9s %9s %8s %8s %9s',
                         'role', 'query', 'rows', 'best ms', 'median ms', 'x floor', 'µs/row', 'speedup') AS line
  UNION ALL
  SELECT 1, repeat('-', 10) || ' ' || repeat('-', 46) || ' ' || repeat('-', 8) || ' ' || repeat('-', 9)
            || ' ' || repeat('-', 9) || ' ' || repeat('-', 8) || ' ' || repeat('-', 8) || ' ' || repeat('-', 9)
  UNION ALL
  SELECT id, format('%-10s %-46s %8s %9s %9s %8s %8s %9s',
                    role, label, rows,
                    to_char(best, 'FM999990.0'), to_char(median, 'FM999990.0'),
                    coalesce(to_char(ratio, 'FM990.00') || 'x', ''),
                    to_char(us_per_row, CASE WHEN us_per_row < 10 THEN 'FM0.000' ELSE 'FM99990.0' END),
                    coalesce(to_char(speedup, 'FM9999990') || 'x', ''))
  FROM bench.report
  UNION ALL   -- a blank line between groups
  SELECT DISTINCT id / 10 * 10 - 1, '' FROM bench.query WHERE id >= 20
)
SELECT line FROM lines ORDER BY id;

\echo
\echo 'Targets (from the issue; informational, the exit status does not depend on them):'
WITH target(ord, what, value, goal, met) AS (
  SELECT 1, 'add_working_days      <= 1.5x its floor', ratio, '1.5x', ratio <= 1.5
  FROM bench.report WHERE id = 12
  UNION ALL
  SELECT 2, 'working_days_between  <= 1.5x its floor', ratio, '1.5x', ratio <= 1.5
  FROM bench.report WHERE id = 21
  UNION ALL
  SELECT 3, 'deadline              <= 2x its floor', ratio, '2x', ratio <= 2
  FROM bench.report WHERE id = 32
  UNION ALL
  SELECT 4, 'add_working_days      >= 500x faster than PL/pgSQL', speedup, '500x', speedup >= 500
  FROM bench.report WHERE id = 14
)
SELECT format('  %-52s %10s  %s', what,
              to_char(value, CASE WHEN value < 100 THEN 'FM990.00' ELSE 'FM9999990' END) || 'x',
              CASE WHEN met THEN 'PASS' ELSE 'MISS' END)
FROM target ORDER BY ord;
