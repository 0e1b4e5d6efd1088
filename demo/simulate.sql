-- demo/simulate.sql: a year of dossiers, driven through tthc's own functions.
-- Defines demo.simulate(grp, total, t_from, t_to); scripts/demo.sh runs one
-- writer session per group of commune centres, concurrently:
--   psql -c "CALL demo.simulate(1, 100000, '2025-11-22', '2026-11-22')"
-- Each session plans its dossiers (reception time, procedure, channel, the
-- desk officer who receives it and the officer who handles it, and what will
-- happen to each), then, one month of receptions at a time:
--   1. bulk-inserts the receptions (INSERT … SELECT, one per desk officer
--      named with set_config('tthc.actor', login, true); the trigger numbers
--      them, picks the procedure version, sets due_at and records the
--      officer);
--   2. derives every later event from the real deadlines and the traits of
--      the officer handling it (demo.plan_events, demo.officer);
--   3. replays the events in time order through tthc.transition and
--      tthc.apologize, each as the officer who acts (tthc.actor switched
--      before every event), skipping any that would lie in the future;
--   4. records the applicants' ratings, naming the officer, with answers
--      per criterion;
--   5. commits, so the worker only ever sees finished months.
-- The writers act like a portal's pooled account: one database role, the
-- person named per transaction and switched inside it.
-- A dossier's whole life is written in the transaction of its reception
-- month: the worker's sweep stamps what it flags with the present time, after
-- which no backdated event could be added to that dossier.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TABLE demo.plan (
  grp          int NOT NULL,
  id           int NOT NULL,
  unit         text NOT NULL,          -- the handling unit: the applicant's commune, or the department
  receiving_unit text NOT NULL,        -- where it was received (another commune: boundary-free)
  desk         text NOT NULL,          -- the officer at the receiving desk (receives, returns)
  handler      text NOT NULL,          -- the officer who handles it at the handling unit
  actor        text NOT NULL,          -- who inserts it: the desk, or '' (the portal) for a submission
  procedure    text NOT NULL,
  channel      smallint NOT NULL,
  received_at  timestamptz NOT NULL,   -- for refused ones: when the officer looked at it
  submitted_at timestamptz,
  refuse       boolean NOT NULL,
  applicant    text NOT NULL,
  applicant_id text NOT NULL,
  code         text,
  PRIMARY KEY (grp, id));
-- each month's work reads one group's month of the plan and its events by
-- index: a year of dossiers costs twelve times a month, not twelve times the year
CREATE INDEX ON demo.plan (grp, received_at);
CREATE INDEX ON demo.plan (grp, actor, received_at);
CREATE UNIQUE INDEX ON demo.plan (applicant_id);

CREATE TABLE demo.event (
  grp    int NOT NULL,
  code   text NOT NULL,
  seq    int NOT NULL,
  at     timestamptz NOT NULL,
  kind   text NOT NULL,                -- transition | apology
  status tthc.dossier_status,
  note   text,
  promised_at timestamptz,
  officer text);                       -- who acts (tthc.actor); NULL: no one in the province
CREATE INDEX ON demo.event (grp, code);

CREATE TABLE demo.timing (grp int, phase text, rows bigint, seconds numeric, at timestamptz DEFAULT clock_timestamp());

-- How late a centre runs compared with the others: a fixed factor per unit
-- code, from 0.3 to 2.0, skewed so that a few centres are much slower
CREATE FUNCTION demo.slowness(unit text) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT 0.3 + 1.7 * ((abs(hashtext(unit)) % 1000) / 1000.0) ^ 3
$$;

-- One officer of a unit's team, at random (NULL for a unit without officers:
-- an external agency, whose reply comes from its own system)
CREATE FUNCTION demo.pick(unit text, role text, grp text) RETURNS text LANGUAGE sql AS $$
  SELECT t.logins[1 + floor(random() * cardinality(t.logins))::int] FROM demo.team t
  WHERE t.unit = $1 AND t.role = $2 AND t.grp = $3
$$;

-- The events of one received dossier, from its real reception and deadline.
-- All times are computed on the working-time clock of the national calendar
-- (every unit of the demo uses 'vn'), so they fall in office hours.  `desk`
-- receives, returns and takes a withdrawal; `handler` starts, asks for
-- supplements, apologises and resolves, late, asking and asking again as
-- often as their traits say (demo.officer); an inter-agency step is handed on
-- by an officer of the step that ends.
CREATE FUNCTION demo.plan_events(d tthc.dossier, interagency boolean, nsteps int, step_units text[], lim tthc.time_limit,
                                 desk text, handler text, late_factor float8, supp_prob float8, repeat_prob float8)
RETURNS TABLE (seq int, at timestamptz, kind text, status tthc.dossier_status, note text, promised_at timestamptz,
               officer text)
LANGUAGE plpgsql AS $$
DECLARE
  r0   timestamptz := d.received_at;
  due  timestamptz := d.due_at;
  cur  timestamptz;
  wl   interval;        -- working time left until due from cur
  x    interval;        -- working time from cur to resolution
  res  timestamptz;
  n    int := 0;
  late boolean;
  supp boolean := random() < supp_prob;
  rounds int := 0;
  cur_officer text := handler;
  pay  boolean := random() < 0.10;
  apol boolean := random() < 0.015;
  stuck boolean := r0 > now() - interval '75 days' AND random() < 0.04;
  gap  interval;
  p_at timestamptz;
  paid timestamptz;
  t    timestamptz;
  t0   timestamptz;
  x0   interval;
  k    int;
BEGIN
  -- withdrawn by the applicant (≈1 %)
  IF random() < 0.01 THEN
    t := tthc.add_working_time(r0, tthc.working_time_between(r0, due) * (0.1 + 0.5 * random()));
    IF random() < 0.5 THEN
      n := n + 1; seq := n; at := r0; kind := 'transition'; status := 'processing'; note := NULL; officer := handler; RETURN NEXT;
    END IF;
    n := n + 1; seq := n; at := t; kind := 'transition'; status := 'withdrawn'; note := 'Công dân yêu cầu rút hồ sơ'; officer := desk;
    RETURN NEXT;
    RETURN;
  END IF;

  -- the officer starts on it within the first hours
  cur := tthc.add_working_time(r0, least(tthc.working_time_between(r0, due) * 0.1, interval '90 min') * random());
  n := n + 1; seq := n; at := date_trunc('second', cur); kind := 'transition'; status := 'processing'; note := NULL;
  officer := handler; RETURN NEXT;

  -- requests to supplement (≈8 %, more or less with the officer): restart or
  -- pause the clock; some officers ask again once the papers came (up to 3 times)
  WHILE supp LOOP
    rounds := rounds + 1;
    t := tthc.add_working_time(cur, tthc.working_time_between(cur, due) * (0.1 + 0.4 * random()));
    gap := interval '2 hours' + interval '60 hours' * random() ^ 2;
    cur := tthc.add_working_time(t, gap);
    n := n + 1; seq := n; at := date_trunc('second', t); kind := 'transition'; status := 'awaiting_supplement';
    note := CASE WHEN rounds = 1
                 THEN (ARRAY['Thiếu bản sao CCCD','Thiếu bản vẽ hiện trạng','Sai thông tin thửa đất','Thiếu giấy ủy quyền',
                             'Thiếu xác nhận của UBND cấp xã'])[1 + floor(random() * 5)::int]
                 ELSE (ARRAY['Bổ sung thêm bản sao có chứng thực','Sửa lại tờ khai','Bổ sung trích lục bản đồ',
                             'Thiếu chữ ký của đồng sở hữu'])[1 + floor(random() * 4)::int] END;
    RETURN NEXT;
    n := n + 1; seq := n; at := date_trunc('second', cur); kind := 'transition'; status := 'processing'; note := 'Đã bổ sung đủ'; RETURN NEXT;
    IF d.clock_started_at IS NOT NULL AND (SELECT supplement_mode FROM tthc.procedure WHERE id = d.procedure_id) = 'restart' THEN
      due := tthc.deadline(date_trunc('second', cur), lim);
    ELSE
      due := tthc.add_working_time(due, gap);
    END IF;
    supp := rounds < 3 AND random() < repeat_prob;
  END LOOP;
  IF stuck THEN RETURN; END IF;

  wl := tthc.working_time_between(cur, due);
  late := random() < CASE WHEN rounds > 0 THEN 0.10 ELSE 0.02 END * demo.slowness(d.handling_unit) * late_factor;
  IF apol AND wl >= interval '24 hours' THEN
    -- an apology one to two working days before the deadline, then late but before the promised date
    t := tthc.add_working_time(due, -(interval '9 hours' + interval '8 hours' * random()));
    p_at := tthc.add_working_time(due, interval '8 hours' * (1 + floor(random() * 4)));
    n := n + 1; seq := n; at := date_trunc('second', t); kind := 'apology'; status := NULL;
    note := 'Chờ ý kiến của cơ quan phối hợp'; promised_at := p_at; officer := handler; RETURN NEXT;
    promised_at := NULL;
    x := wl + tthc.working_time_between(due, p_at) * (0.1 + 0.8 * random());
  ELSIF late THEN
    x := wl + interval '10 min' + interval '64 hours' * random() ^ 3;
  ELSE
    x := greatest(wl, interval '0') * (0.15 + 0.83 * random());
  END IF;

  -- inter-agency: hand-overs to the next steps over the first 80 % of the way
  IF interagency THEN
    t0 := cur; x0 := x;
    FOR k IN 2 .. nsteps LOOP
      -- roughly where the step allowances end: the centre checks first (≈15 %),
      -- a department does most of the work, a last one (tax, finance) follows
      t := greatest(cur, tthc.add_working_time(t0, x0 * CASE k WHEN 2 THEN 0.12 * (0.5 + random())
                                                              ELSE 0.72 * (0.85 + 0.2 * random()) END));
      -- handed on by the step that ends: the centre's coordinator for the
      -- first, then an officer of the department (none for an external agency)
      n := n + 1; seq := n; at := date_trunc('second', t); kind := 'transition'; status := 'processing';
      note := 'Chuyển ' || step_units[k]; officer := cur_officer; RETURN NEXT;
      cur := at;
      cur_officer := demo.pick(step_units[k], 'handler', 'all');
    END LOOP;
    x := greatest(x0 - tthc.working_time_between(t0, cur), interval '0');
  END IF;

  res := tthc.add_working_time(cur, x);
  -- financial obligations (≈10 %): pause before the end, paid within 1-13 working hours
  IF pay THEN
    p_at := tthc.add_working_time(cur, x * (0.5 + 0.4 * random()));
    gap := interval '1 hour' + interval '12 hours' * random();
    paid := tthc.add_working_time(p_at, gap);
    res := tthc.add_working_time(res, gap);
    n := n + 1; seq := n; at := date_trunc('second', greatest(p_at, cur)); kind := 'transition'; status := 'awaiting_payment';
    note := 'Thông báo nộp lệ phí, thuế'; officer := cur_officer; RETURN NEXT;
    IF random() < 0.5 THEN
      n := n + 1; seq := n; at := date_trunc('second', paid); kind := 'transition'; status := 'processing'; note := 'Đã nộp'; RETURN NEXT;
    ELSE
      res := paid;    -- resolved as soon as it is paid (awaiting_payment -> resolved)
    END IF;
  END IF;
  n := n + 1; seq := n; at := date_trunc('second', greatest(res, at)); kind := 'transition'; status := 'resolved'; note := NULL;
  officer := coalesce(cur_officer, handler); RETURN NEXT;
  IF random() < 0.96 THEN
    t := tthc.add_working_time(res, CASE WHEN d.channel = 2 AND random() < 0.7 THEN interval '10 min' * random()
                                         ELSE interval '24 hours' * random() ^ 2 END);
    n := n + 1; seq := n; at := date_trunc('second', greatest(t, at)); kind := 'transition'; status := 'returned'; note := NULL;
    officer := desk; RETURN NEXT;
  END IF;
END $$;

-- Replays one event as the officer who acts (the pooled writer switches
-- tthc.actor inside its transaction); an apology the rules refuse (too
-- late, …) is skipped.
CREATE FUNCTION demo.apply(e demo.event) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  actor text;
BEGIN
  -- an assignment, not PERFORM: evaluated without a query, once per event
  actor := set_config('tthc.actor', coalesce(e.officer, ''), true);
  IF e.kind = 'apology' THEN
    BEGIN
      PERFORM tthc.apologize(e.code, e.note, e.promised_at, e.at);
      RETURN 1;
    EXCEPTION WHEN sqlstate '55000' OR sqlstate '22023' THEN
      RETURN 0;
    END;
  END IF;
  PERFORM tthc.transition(e.code, e.status, e.at, e.note);
  RETURN 1;
END $$;

CREATE PROCEDURE demo.simulate(g int, total int, t_from timestamptz, t_to timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  t  timestamptz;
  m  record;
  dk record;
  n_plan bigint; n_ins bigint := 0; n_ev bigint := 0; n_ok bigint := 0; n bigint;
  w_all numeric; w_grp numeric;
  cdf_c float8[]; codes_c text[]; cdf_p float8[]; codes_p text[]; communes text[];
  cutoff timestamptz := now() - interval '1 minute';
BEGIN
  PERFORM setseed(g / 10.0);
  SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh';
  -- the provincial centre gets 12 % of the volume, the communes the rest by weight
  SELECT sum(weight) INTO w_all FROM demo.commune;
  SELECT sum(weight) INTO w_grp FROM demo.commune WHERE grp = g;
  SELECT array_agg(c ORDER BY code), array_agg(code ORDER BY code) INTO cdf_c, codes_c
    FROM (SELECT code, sum(popularity) OVER (ORDER BY code) / sum(popularity) OVER () AS c FROM demo.catalogue WHERE level = 'commune') s;
  SELECT array_agg(c ORDER BY code), array_agg(code ORDER BY code) INTO cdf_p, codes_p
    FROM (SELECT code, sum(popularity) OVER (ORDER BY code) / sum(popularity) OVER () AS c FROM demo.catalogue WHERE level = 'province') s;

  -- the plan: receptions on working days, Monday peaks, more in the morning
  SELECT array_agg(code ORDER BY code) INTO communes FROM demo.commune WHERE grp = g;
  -- boundary-free (phi địa giới, from 1/7/2025): one in five applicants who
  -- come in person for a commune procedure (all are on the province's list)
  -- hand it in at another centre of the group, which receives and numbers
  -- it; their own commune handles it.  A provincial procedure is received at
  -- the provincial centre and resolved by its department (demo.catalogue).
  -- The desk officer: a commune's desks take turns by the day, the provincial
  -- centre's six windows share every day; the handler: one of the unit's
  -- officers for the procedure's field
  INSERT INTO demo.plan (grp, id, unit, receiving_unit, desk, handler, actor, procedure, channel, received_at, submitted_at,
                         refuse, applicant, applicant_id)
  SELECT pl.g, pl.id, pl.unit, pl.receiving_unit, pl.desk, pl.handler, CASE WHEN pl.refuse THEN '' ELSE pl.desk END,
         pl.procedure, pl.channel, pl.at, pl.submitted_at, pl.refuse, pl.applicant, pl.applicant_id
  FROM (
  SELECT q.g, q.id, hu.unit, q.receiving_unit,
         dt.logins[1 + CASE WHEN q.receiving_unit = 'H22' THEN floor(random() * cardinality(dt.logins))::int
                            ELSE (q.at::date - date '2000-01-01') % cardinality(dt.logins) END] AS desk,
         ht.logins[1 + floor(random() * cardinality(ht.logins))::int] AS handler,
         q.procedure, q.channel, q.at, q.submitted_at, q.refuse, q.applicant, q.applicant_id
  FROM (
  SELECT g AS g, row_number() OVER (ORDER BY r.at) AS id, r.unit,
         CASE WHEN r.unit <> 'H22' AND r.channel = 1 AND r.at >= timestamptz '2025-07-01 00:00+07' AND random() < 0.2
              THEN communes[1 + (array_position(communes, r.unit)
                                 + floor(random() * (array_length(communes, 1) - 1))::int) % array_length(communes, 1)]
              ELSE r.unit END AS receiving_unit,
         CASE WHEN r.unit = 'H22' THEN codes_p[1 + width_bucket(r.u1, cdf_p)] ELSE codes_c[1 + width_bucket(r.u1, cdf_c)] END AS procedure,
         r.channel, r.at,
         CASE WHEN r.refuse THEN r.at - interval '20 hours' * random() END AS submitted_at,
         r.refuse,
         demo.person_name(random(), random(), random()) AS applicant,
         '022' || g || lpad((row_number() OVER (ORDER BY r.at))::text, 8, '0') AS applicant_id
  FROM (
    SELECT u.code AS unit, random() AS u1, ch.channel, ch.channel = 2 AND random() < 0.02 AS refuse,
           (d.day + CASE WHEN random() < 0.62 THEN time '07:30' + interval '4 hours' * random() ^ 1.4
                         ELSE time '13:00' + interval '4 hours' * random() END)::timestamp(0) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at
    FROM (SELECT day::date, CASE extract(isodow FROM day) WHEN 1 THEN 1.35 WHEN 2 THEN 1.1 WHEN 5 THEN 0.9 WHEN 6 THEN 0.8 ELSE 1.0 END
                 * (1 + 0.12 * cos(2 * pi() * (extract(doy FROM day) - 20) / 365.0)) AS w
          FROM generate_series(t_from::date, t_to::date, interval '1 day') AS day
          WHERE tthc.is_working_day(day::date, 'vn')) d
    CROSS JOIN (SELECT code, weight * 0.88 / w_all AS share FROM demo.commune WHERE grp = g
                UNION ALL SELECT 'H22', 0.12 WHERE g = 1) u
    CROSS JOIN LATERAL (SELECT sum(w) AS sw FROM (SELECT CASE extract(isodow FROM day) WHEN 1 THEN 1.35 WHEN 2 THEN 1.1 WHEN 5 THEN 0.9 WHEN 6 THEN 0.8 ELSE 1.0 END
                 * (1 + 0.12 * cos(2 * pi() * (extract(doy FROM day) - 20) / 365.0)) AS w
          FROM generate_series(t_from::date, t_to::date, interval '1 day') AS day
          WHERE tthc.is_working_day(day::date, 'vn')) z) s
    CROSS JOIN LATERAL generate_series(1, floor(total * u.share * d.w / s.sw * (0.85 + 0.3 * random()) + random())::int) AS i
    CROSS JOIN LATERAL (SELECT CASE WHEN v < 0.91 THEN 2 WHEN v < 0.975 THEN 1 ELSE 3 END::smallint AS channel FROM (SELECT random() + 0 * i AS v) q) ch
  ) r
  WHERE r.at < t_to) q
  JOIN demo.catalogue c ON c.code = q.procedure
  CROSS JOIN LATERAL (SELECT CASE WHEN q.unit = 'H22' THEN coalesce(c.handler, 'H22') ELSE q.unit END AS unit) hu
  JOIN demo.team dt ON dt.unit = q.receiving_unit AND dt.role = 'desk' AND dt.grp = ''
  JOIN demo.team ht ON ht.unit = hu.unit AND ht.role = 'handler' AND ht.grp IN (demo.field_group(c.field), 'all')) pl;
  GET DIAGNOSTICS n_plan = ROW_COUNT;
  INSERT INTO demo.timing VALUES (g, 'plan', n_plan, extract(epoch FROM clock_timestamp() - t0));
  COMMIT;
  ANALYZE demo.plan;
  COMMIT;

  FOR m IN SELECT DISTINCT date_trunc('month', received_at) AS month FROM demo.plan WHERE grp = g ORDER BY 1 LOOP
    SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh';
    t := clock_timestamp();
    -- 1. receptions, in bulk, one statement per desk officer, who is named
    --    for it; the trigger numbers them, sets their deadlines and records
    --    the officer.  Online submissions not yet looked at (refused later)
    --    come from the portal: no officer.
    FOR dk IN SELECT DISTINCT p.actor FROM demo.plan p
             WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month' ORDER BY 1 LOOP
      PERFORM set_config('tthc.actor', dk.actor, true);
      WITH ins AS (
        INSERT INTO tthc.dossier (procedure_code, receiving_unit, handling_unit, channel, status, submitted_at, received_at,
                                  applicant_name, applicant_id, applicant_phone, applicant_address,
                                  payment, digitised, result_electronic)
        SELECT p.procedure, p.receiving_unit, p.unit, p.channel, CASE WHEN p.refuse THEN 'submitted' ELSE 'received' END::tthc.dossier_status,
               date_trunc('second', CASE WHEN p.refuse THEN p.submitted_at WHEN p.channel = 2 THEN p.received_at - interval '30 hours' * random() ^ 3 END),
               CASE WHEN NOT p.refuse THEN p.received_at END,
               p.applicant, p.applicant_id, '09' || lpad((floor(random() * 1e8))::int::text, 8, '0'),
               (SELECT name FROM demo.commune c WHERE c.code = p.unit) || ', tỉnh Quảng Ninh',
               -- about a third pay a fee, online mostly when they applied online;
               -- components digitised at reception; the result asked for electronically
               CASE WHEN random() < 0.35 THEN CASE WHEN random() < CASE WHEN p.channel = 2 THEN 0.8 ELSE 0.15 END
                                                   THEN 'online' ELSE 'offline' END END,
               random() < 0.93, random() < CASE WHEN p.channel = 2 THEN 0.85 ELSE 0.4 END
        FROM demo.plan p
        WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
          AND p.actor = dk.actor
        ORDER BY p.received_at, p.id
        RETURNING code, applicant_id)
      UPDATE demo.plan p SET code = ins.code FROM ins WHERE p.grp = g AND p.applicant_id = ins.applicant_id;
      GET DIAGNOSTICS n = ROW_COUNT;
      n_ins := n_ins + n;
    END LOOP;

    -- 2. what happens next, from the real deadline of each dossier
    INSERT INTO demo.event (grp, code, seq, at, kind, status, note, promised_at, officer)
    SELECT g, d.code, e.seq,
           -- strictly increasing per dossier: tthc.transition(code, status, at) with
           -- an `at` equal to the latest event's time logs the move at now() instead
           date_trunc('second', max(e.at) OVER (PARTITION BY d.code ORDER BY e.seq)) + e.seq * interval '1 second',
           e.kind, e.status, e.note, e.promised_at, e.officer
    FROM demo.plan p
    JOIN tthc.dossier d ON d.code = p.code
    JOIN demo.catalogue c ON c.code = p.procedure
    JOIN demo.officer h ON h.login = p.handler
    LEFT JOIN LATERAL (SELECT count(*)::int AS nsteps, array_agg(s.unit ORDER BY s.step) AS units
                       FROM tthc.procedure_step s WHERE s.procedure_id = d.procedure_id) st ON c.interagency
    CROSS JOIN LATERAL (
      SELECT 1 AS seq, p.received_at + interval '1 hour' * random() * 6 AS at, 'transition' AS kind,
             'refused'::tthc.dossier_status AS status, 'Hồ sơ không đúng thành phần theo quy định' AS note, NULL::timestamptz AS promised_at,
             p.desk AS officer
      WHERE p.refuse
      UNION ALL
      SELECT * FROM demo.plan_events(d, c.interagency, st.nsteps, st.units,
                                     CASE WHEN d.channel = 2 THEN coalesce(c.online_time_limit, c.time_limit) ELSE c.time_limit END,
                                     p.desk, p.handler, h.late_factor, h.supp_prob, h.repeat_prob)
      WHERE NOT p.refuse) e
    WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month';
    GET DIAGNOSTICS n = ROW_COUNT;
    n_ev := n_ev + n;

    -- 3. replay in time order, only what has already happened
    SELECT coalesce(sum(demo.apply(e)), 0) INTO n
    FROM (SELECT ev.* FROM demo.event ev
          JOIN demo.plan p ON p.grp = g AND p.code = ev.code
          WHERE ev.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
            AND ev.at < cutoff
          ORDER BY ev.at, ev.code, ev.seq) e;
    n_ok := n_ok + n;

    -- 4. about a third of the applicants rate the handling once it is over,
    --    about the officer who handled it (or, at the desk, the one they
    --    met), most of them answering per criterion: attitude, time, guidance
    INSERT INTO tthc.rating (dossier_id, rating, comment, rated_at, officer, answers)
    SELECT a.id,
           CASE WHEN a.time_bad AND random() < 0.5 OR a.attitude_bad OR random() < 0.003 THEN 'unsatisfied'
                WHEN random() < 0.55 THEN 'very_satisfied' ELSE 'satisfied' END,
           CASE WHEN a.attitude_bad AND random() < 0.3 THEN 'Cán bộ thiếu nhiệt tình'
                WHEN random() < 0.05 THEN (ARRAY['Cán bộ hướng dẫn tận tình', 'Trả kết quả đúng hẹn', 'Chờ lâu',
                                                 'Thủ tục trực tuyến thuận tiện'])[1 + floor(random() * 4)::int] END,
           least(a.done + interval '1 hour' + interval '3 days' * random(), cutoff),
           a.officer,
           CASE WHEN random() < 0.7 THEN jsonb_build_object(
             'attitude', CASE WHEN a.attitude_bad THEN 'unsatisfied' WHEN random() < 0.6 THEN 'very_satisfied' ELSE 'satisfied' END,
             'time', CASE WHEN a.time_bad THEN 'unsatisfied' WHEN random() < 0.55 THEN 'very_satisfied' ELSE 'satisfied' END,
             'guidance', CASE WHEN random() < 0.003 THEN 'unsatisfied' WHEN random() < 0.55 THEN 'very_satisfied' ELSE 'satisfied' END) END
    FROM (-- each drawn once (volatile: not flattened)
          SELECT w.id, w.done, w.officer, w.result = 'late' AND random() < 0.6 AS time_bad, random() < o.attitude_bad AS attitude_bad
          FROM (SELECT d.id, d.result, coalesce(d.finished_at, d.changed_at) AS done,
                       CASE WHEN random() < CASE WHEN p.channel = 2 THEN 0.05 ELSE 0.6 END THEN p.desk ELSE p.handler END AS officer
                FROM tthc.dossier d JOIN demo.plan p ON p.grp = g AND p.code = d.code
                WHERE p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
                  AND d.status IN ('resolved', 'returned', 'withdrawn', 'stopped') AND random() < 0.35) w
          JOIN demo.officer o ON o.login = w.officer) a;
    INSERT INTO demo.timing VALUES (g, to_char(m.month, 'YYYY-MM'), n, extract(epoch FROM clock_timestamp() - t));
    COMMIT;
  END LOOP;
  INSERT INTO demo.timing VALUES (g, 'total', n_ins, extract(epoch FROM clock_timestamp() - t0));
  RAISE NOTICE 'group %: % dossiers received, % events planned, % applied, % s', g, n_ins, n_ev, n_ok,
    round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
END $$;
