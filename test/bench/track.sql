-- test/bench/track.sql: tthc.track(code, id_suffix), the public tracking
-- function, answers a wrong guess no faster than a right one, and tells
-- nothing by its time about whether the code exists or how much of the
-- suffix was right.  Receives :rows dossiers through the guard (catalogue.sql),
-- then times calls of each kind, every kind once per round in a rotating
-- order, :runs rounds after a warm-up, and compares the best times:
--   right      an existing code and the last 4 digits of its applicant's ID
--   near       the same code, the first 3 of those digits right, the last wrong
--   wrong      the same code, all 4 digits wrong
--   unknown    a code that does not exist (its counter past the day's last)
-- twice: with tthc.track_min_time = 0, :calls calls a kind (the work
-- itself, which differs: a missing row is found faster than a row is read),
-- then with the shipped setting, :padded_calls calls a kind.  Run by
-- scripts/bench.sh in a database of its own after CREATE EXTENSION tthc,
-- as a superuser.  psql variables (optional): rows (default 100000), calls
-- (default 20000), padded_calls (default 100), runs (default 5).  Prints
-- one line per kind and setting and a RESULT line: PASS when, with the
-- shipped setting, every wrong kind takes at least 0.99 times as long as
-- right and they are within 1 % of each other.
\set ON_ERROR_STOP 1
\if :{?rows}
\else
  \set rows 100000
\endif
\if :{?calls}
\else
  \set calls 20000
\endif
\if :{?padded_calls}
\else
  \set padded_calls 100
\endif
\if :{?runs}
\else
  \set runs 5
\endif
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';
SET max_parallel_workers_per_gather = 0;
SET jit = off;

SELECT setseed(0.2028) \g /dev/null
\ir catalogue.sql

-- receptions in 2025 office hours through the guard, with 12-digit IDs
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, applicant_name, applicant_id, received_at)
SELECT (SELECT array_agg(DISTINCT code ORDER BY code) FROM tthc.procedure)[1 + i % 300],
       CASE WHEN i % 10 < 3 THEN 'H22' ELSE format('H22.%s', lpad((1 + i % 54)::text, 2, '0')) END,
       2, 'Nguyễn Văn An', lpad((22000000000 + i::bigint * 7919 % 999999999)::text, 12, '0'),
       timestamptz '2025-01-02 08:00+07' + (i / 400) * interval '1 day' + (i % 400) * interval '1 minute'
FROM generate_series(1, :rows) i;
VACUUM ANALYZE tthc.dossier;

-- the probes: dossiers drawn at random, the same for every kind; k orders
-- them, and a measurement takes the first n
CREATE TEMP TABLE probe AS
SELECT k, d.code, right(d.applicant_id, 4) AS suffix,
       regexp_replace(d.code, '[0-9]+$', '99999') AS unknown_code
FROM (SELECT row_number() OVER (ORDER BY random()) AS k, code, applicant_id
      FROM tthc.dossier ORDER BY random() LIMIT :calls) d;
CREATE INDEX ON probe (k);
CREATE TEMP TABLE track_kind (kind text PRIMARY KEY, pos int, sql text);
INSERT INTO track_kind VALUES
  ('right',   0, 'SELECT count(t.*) FROM probe p, LATERAL tthc.track(p.code, p.suffix) t WHERE p.k <= $1'),
  ('near',    1, 'SELECT count(t.*) FROM probe p, LATERAL tthc.track(p.code, left(p.suffix, 3) || ((right(p.suffix, 1)::int + 1) % 10)::text) t WHERE p.k <= $1'),
  ('wrong',   2, 'SELECT count(t.*) FROM probe p, LATERAL tthc.track(p.code, translate(p.suffix, ''0123456789'', ''5678901234'')) t WHERE p.k <= $1'),
  ('unknown', 3, 'SELECT count(t.*) FROM probe p, LATERAL tthc.track(p.unknown_code, p.suffix) t WHERE p.k <= $1');
CREATE TEMP TABLE track_timing (setting text, kind text, run int, ms float8, calls int, found bigint);

CREATE PROCEDURE pg_temp.measure(setting text, calls int, runs int)
LANGUAGE plpgsql AS $$
DECLARE
  q record;
  t0 timestamptz;
  c bigint;
BEGIN
  FOR r IN 0 .. runs LOOP
    -- a rotating order: each kind runs first, second, ... in turn
    FOR q IN SELECT kind, sql FROM track_kind ORDER BY (pos + r) % 4 LOOP
      t0 := clock_timestamp();
      EXECUTE q.sql INTO c USING calls;
      IF r > 0 THEN
        INSERT INTO track_timing
        VALUES (setting, q.kind, r, extract(epoch FROM clock_timestamp() - t0) * 1000, calls, c);
      END IF;
    END LOOP;
  END LOOP;
END $$;
SELECT current_setting('tthc.track_min_time') AS shipped \gset
SET tthc.track_min_time = 0;
CALL pg_temp.measure('0 ms', :calls, :runs);
RESET tthc.track_min_time;
CALL pg_temp.measure(:'shipped', :padded_calls, :runs);

CREATE TEMP VIEW track_best AS
SELECT setting, kind, max(calls) AS calls, min(ms) AS best,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median, max(found) AS found
FROM track_timing GROUP BY setting, kind;
SELECT (SELECT best FROM track_best WHERE setting = :'shipped' AND kind = 'right') AS right_ms,
       (SELECT min(best) FROM track_best WHERE setting = :'shipped' AND kind <> 'right') AS fastest_wrong_ms,
       (SELECT max(best) / min(best) FROM track_best WHERE setting = :'shipped' AND kind <> 'right') AS wrong_spread,
       (SELECT min(best) FROM track_best WHERE setting = '0 ms' AND kind <> 'right')
         / (SELECT best FROM track_best WHERE setting = '0 ms' AND kind = 'right') AS raw_wrong_vs_right \gset

\pset format unaligned
\pset tuples_only on
SELECT format('track: min_time %-5s %-8s %6s calls %9s ms best %9s ms median %9s µs a call %6s x right, %s answered',
              b.setting, b.kind, b.calls, to_char(b.best, 'FM99990.0'), to_char(b.median, 'FM99990.0'),
              to_char(b.best * 1000 / b.calls, 'FM999990.00'),
              to_char(b.best / r.best, 'FM90.000'), b.found)
       || CASE WHEN (b.kind = 'right') <> (b.found = b.calls) THEN '  -- INCONSISTENT' ELSE '' END
FROM track_best b JOIN track_kind k USING (kind)
JOIN track_best r ON r.setting = b.setting AND r.kind = 'right'
ORDER BY b.setting = :'shipped', k.pos;
SELECT format('RESULT track rows=%s calls=%s padded_calls=%s runs=%s min_time=%s right_ms=%s fastest_wrong_ms=%s wrong_vs_right=%s wrong_spread=%s raw_wrong_vs_right=%s %s',
              :rows, :calls, :padded_calls, :runs, replace(:'shipped', ' ', ''), round(:right_ms::numeric, 1),
              round(:fastest_wrong_ms::numeric, 1), round((:fastest_wrong_ms / :right_ms)::numeric, 4),
              round(:wrong_spread::numeric, 4), round(:raw_wrong_vs_right::numeric, 3),
              CASE WHEN :fastest_wrong_ms / :right_ms >= 0.99 AND :wrong_spread <= 1.01 THEN 'PASS' ELSE 'MISS' END);
