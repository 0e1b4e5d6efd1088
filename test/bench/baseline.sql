-- test/bench/baseline.sql: what a user writes by hand today, for the calendar benchmark
-- (scripts/bench.sh); kept in the repository so the benchmark needs nothing
-- from outside it.
-- Baselines that a user would write by hand, to compare tthc's C calendar against.
DROP SCHEMA IF EXISTS bl CASCADE; CREATE SCHEMA bl; SET search_path = bl;
CREATE TABLE hol(day date PRIMARY KEY);
-- fixed-date VN holidays 2015-2035 plus a 5-day block in late Jan/Feb (approximate Tet) for realism
INSERT INTO hol SELECT make_date(y,m,d) FROM generate_series(2015,2035) y,
  (VALUES (1,1),(4,30),(5,1),(9,2),(9,3)) v(m,d) ON CONFLICT DO NOTHING;
INSERT INTO hol SELECT make_date(y,2,1) + k FROM generate_series(2015,2035) y, generate_series(0,4) k ON CONFLICT DO NOTHING;
ANALYZE hol;
CREATE TABLE work(d date, n int);
INSERT INTO work SELECT date '2020-01-01' + (random()*3650)::int, 1 + (random()*29)::int FROM generate_series(1,1000000);
ANALYZE work;
CREATE FUNCTION awd_sql(d date, n int) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT x::date FROM generate_series(d + 1, d + n*2 + 40, interval '1 day') x
  WHERE extract(isodow FROM x) < 6 AND NOT EXISTS (SELECT 1 FROM bl.hol h WHERE h.day = x::date)
  ORDER BY x OFFSET n - 1 LIMIT 1 $$;
CREATE FUNCTION awd_plpgsql(d date, n int) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE k int := 0;
BEGIN
  WHILE k < n LOOP
    d := d + 1;
    IF extract(isodow FROM d) < 6 AND NOT EXISTS (SELECT 1 FROM bl.hol WHERE day = d) THEN k := k + 1; END IF;
  END LOOP;
  RETURN d;
END $$;
