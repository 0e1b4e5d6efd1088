-- test/bench/receive.sql: receiving dossiers.  INSERT ... SELECT of :rows
-- dossiers into tthc.dossier (the guard trigger numbers each one, finds the
-- procedure version, computes the deadline and the other columns, and logs
-- the reception event) against the same rows into bench.dossier_plain, a
-- copy of the table with the same columns, defaults, identity, constraints
-- and indexes but no triggers, to which the client supplies code and
-- changed_at itself.  Run by scripts/bench.sh in a database of its own after
-- CREATE EXTENSION tthc.  psql variables (optional): rows (default 1000000),
-- runs (timed rounds after one warm-up round, default 3; each round inserts
-- into both tables, in turn first).  Prints one line per measurement.
\set ON_ERROR_STOP 1
\if :{?rows}
\else
  \set rows 1000000
\endif
\if :{?runs}
\else
  \set runs 3
\endif
SET client_min_messages = warning;
SET TimeZone = 'Asia/Ho_Chi_Minh';

SELECT setseed(0.2025) \g /dev/null
\ir catalogue.sql

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- The dossiers to receive, in reception order: received on the working days
-- of 2025 (calendar 'vn') during office hours, 07:30-11:30 and 13:00-17:00
-- local time; 30 % at the province centre, the rest spread over the 54
-- communes; procedures skewed (a few are popular); 90 % online (channel 2,
-- submitted up to three days before), 8 % in person, 2 % by post.  code is
-- what the client of the plain table gives: {unit}-{yyMMdd}-{NNNN}.
CREATE TABLE bench.incoming AS
WITH days AS (
  SELECT array_agg(d::date ORDER BY d) AS d
  FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d
  WHERE tthc.is_working_day(d::date, 'vn')
), procs AS (
  SELECT array_agg(DISTINCT code ORDER BY code) AS p FROM tthc.procedure
), raw AS (
  SELECT i,
         days.d[1 + floor(random() * cardinality(days.d))::int] AS day,
         floor(random() * 480 * 60)::int AS s,                    -- second of the working day
         CASE WHEN random() < 0.3 THEN 'H22'
              ELSE format('H22.%s', lpad((1 + floor(random() * 54))::text, 2, '0')) END AS unit,
         procs.p[1 + floor(power(random(), 2) * cardinality(procs.p))::int] AS proc,
         random() AS ch,
         random() AS sub
  FROM generate_series(1, :rows) i, days, procs
), timed AS (
  SELECT r.*,
         (r.day + CASE WHEN r.s < 240 * 60 THEN time '07:30' + r.s * interval '1 second'
                       ELSE time '13:00' + (r.s - 240 * 60) * interval '1 second' END)
           AT TIME ZONE 'Asia/Ho_Chi_Minh' AS received_at
  FROM raw r
)
SELECT row_number() OVER (ORDER BY received_at, i) AS n,
       proc AS procedure_code,
       unit AS receiving_unit,
       (CASE WHEN ch < 0.90 THEN 2 WHEN ch < 0.98 THEN 1 ELSE 3 END)::smallint AS channel,
       (ARRAY['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'])[1 + i % 8] || ' ' ||
       (ARRAY['Văn', 'Thị', 'Minh', 'Ngọc', 'Đức'])[1 + i % 5] || ' ' ||
       (ARRAY['An', 'Bình', 'Cường', 'Dung', 'Hà', 'Hùng', 'Lan', 'Nam', 'Phương', 'Tâm', 'Thảo'])[1 + i % 11]
         AS applicant_name,
       lpad((22000000000 + i::bigint * 7919 % 999999999)::text, 12, '0') AS applicant_id,
       '09' || lpad((i::bigint * 104729 % 100000000)::text, 8, '0') AS applicant_phone,
       format('Số %s, tổ %s, %s, tỉnh Quảng Ninh', 1 + i % 200, 1 + i % 40, unit) AS applicant_address,
       CASE WHEN ch < 0.90 THEN received_at - sub * interval '3 days' END AS submitted_at,
       received_at,
       format('%s-%s-%s', unit, to_char(received_at, 'YYMMDD'),
              to_char(row_number() OVER (PARTITION BY unit, day ORDER BY received_at, i), 'FM99990000')) AS code
FROM timed
ORDER BY received_at, i;
VACUUM (FREEZE, ANALYZE) bench.incoming;

CREATE TABLE bench.dossier_plain (LIKE tthc.dossier INCLUDING ALL);

CREATE TABLE bench.receive_timing (
  round   int NOT NULL,
  target  text NOT NULL CHECK (target IN ('plain', 'tthc')),
  ms      float8 NOT NULL,
  rows    bigint NOT NULL
);

-- bench.receive: a warm-up round (it also brings shared_buffers into
-- memory: the first round of a fresh cluster is ~40 % slower for both
-- tables), then `runs` timed rounds; each empties both tables, then times the
-- INSERT (and its commit) into each, the plain table first in odd rounds.
-- A checkpoint before each INSERT keeps the previous round's dirty pages out
-- of the measurement.
CREATE PROCEDURE bench.receive(runs int)
LANGUAGE plpgsql AS $$
DECLARE
  ins_plain text := 'INSERT INTO bench.dossier_plain (code, procedure_code, receiving_unit,'
    ' handling_unit, channel, applicant_name, applicant_id, applicant_phone, applicant_address,'
    ' submitted_at, received_at, changed_at)'
    ' SELECT code, procedure_code, receiving_unit, receiving_unit, channel, applicant_name,'
    ' applicant_id, applicant_phone, applicant_address, submitted_at, received_at, received_at'
    ' FROM bench.incoming';
  ins_tthc text := 'INSERT INTO tthc.dossier (procedure_code, receiving_unit,'
    ' handling_unit, channel, applicant_name, applicant_id, applicant_phone, applicant_address,'
    ' submitted_at, received_at)'
    ' SELECT procedure_code, receiving_unit, receiving_unit, channel, applicant_name,'
    ' applicant_id, applicant_phone, applicant_address, submitted_at, received_at'
    ' FROM bench.incoming';
  t0 timestamptz;
  n bigint;
  target text;
BEGIN
  FOR r IN 0 .. runs LOOP
    FOREACH target IN ARRAY CASE WHEN r % 2 = 1 THEN ARRAY['plain', 'tthc'] ELSE ARRAY['tthc', 'plain'] END LOOP
      IF target = 'plain' THEN
        TRUNCATE bench.dossier_plain RESTART IDENTITY;
      ELSE
        -- the log refuses TRUNCATE (ENABLE ALWAYS): lift that for the reset only
        ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only_truncate;
        TRUNCATE tthc.dossier, tthc.dossier_event, tthc.dossier_counter RESTART IDENTITY;
        ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only_truncate;
      END IF;
      COMMIT;
      CHECKPOINT;
      t0 := clock_timestamp();
      EXECUTE CASE target WHEN 'plain' THEN ins_plain ELSE ins_tthc END;
      GET DIAGNOSTICS n = ROW_COUNT;
      COMMIT;
      IF r > 0 THEN
        INSERT INTO bench.receive_timing
        VALUES (r, target, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
        COMMIT;
      END IF;
    END LOOP;
  END LOOP;
END $$;

CALL bench.receive(:runs);

-- what the last tthc round wrote: every dossier numbered, timed and logged
SELECT count(*) AS dossiers,
       count(DISTINCT code) AS codes,
       count(due_at) AS with_due,
       count(*) FILTER (WHERE code ~ '^[A-Z0-9.]+-[0-9]{6}-[0-9]{4,5}$') AS well_formed
FROM tthc.dossier \gset
-- numbered per unit and local day in reception order, as bench.incoming.code
SELECT count(*) AS same_codes
FROM tthc.dossier d JOIN bench.incoming i ON i.code = d.code AND i.received_at = d.received_at \gset
SELECT count(*) AS events FROM tthc.dossier_event \gset
SELECT coalesce(sum(last), 0) AS numbered FROM tthc.dossier_counter \gset

\pset format unaligned
\pset tuples_only on
SELECT format('receive: %s dossiers, %s codes (%s as in bench.incoming), %s deadlines, %s events, %s numbers in tthc.dossier_counter%s',
              :dossiers, :codes, :same_codes, :with_due, :events, :numbered,
              CASE WHEN :dossiers = :rows AND :codes = :rows AND :with_due = :rows AND :well_formed = :rows
                        AND :events = :rows AND :numbered = :rows
                   THEN '' ELSE '  -- INCONSISTENT' END);
SELECT format('receive: round %s %-5s %9s ms  %6s µs a dossier', round, target,
              round(ms::numeric, 1), round((ms * 1000 / rows)::numeric, 2))
FROM bench.receive_timing ORDER BY round, target;
WITH best AS (
  SELECT target, min(ms) AS ms, max(rows) AS rows FROM bench.receive_timing GROUP BY target
)
SELECT format('RESULT receive rows=%s runs=%s plain_ms=%s tthc_ms=%s ratio=%s target=2 %s',
              p.rows, :runs, round(p.ms::numeric, 1), round(t.ms::numeric, 1),
              round((t.ms / p.ms)::numeric, 2),
              CASE WHEN t.ms / p.ms <= 2 THEN 'PASS' ELSE 'MISS' END)
FROM best p, best t WHERE p.target = 'plain' AND t.target = 'tthc';
