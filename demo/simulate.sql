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
--   3. replays the events in time order through tthc.transition,
--      tthc.apologize and the money functions (tthc.pay, tthc.waive,
--      tthc.issue_receipt, tthc.cancel_receipt, tthc.refund), each as the
--      officer who acts (tthc.actor switched before every event; none for
--      a payment made on the portal), skipping any that would lie in the
--      future;
--   4. records the applicants' ratings, naming the officer, with answers
--      per criterion;
--   5. commits, so the worker only ever sees finished months.
-- The writers act like a portal's pooled account: one database role, the
-- person named per transaction and switched inside it.
-- A dossier's whole life is written in the transaction of its reception
-- month: the worker's sweep stamps what it flags with the present time, after
-- which no backdated event could be added to that dossier.  Except its money:
-- receipts are numbered in time order within their series, so a payment
-- (and all that follows it) dated after the reception month is replayed in
-- the transaction of the month it falls in (demo.event.batch).  Such a
-- dossier waits meanwhile in awaiting_payment, which the sweep leaves alone.
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
  kind   text NOT NULL,                -- transition | apology | pay | waive | receipt | replace | cancel | refund
  status tthc.dossier_status,
  note   text,
  promised_at timestamptz,
  officer text,                        -- who acts (tthc.actor); NULL: no one in the province (the portal)
  fee_code text,                       -- pay, waive, refund: the fee
  amount bigint,                       -- pay: đồng
  method text,                         -- pay: cash | transfer | card | qr | portal; receipt: its kind, phi | le_phi
  payer text,                          -- replace: the payer's name on the new receipt
  batch timestamptz NOT NULL);         -- the month whose transaction replays it
CREATE INDEX ON demo.event (grp, batch);

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

-- A payment's reference as its channel gives it (none for cash)
CREATE FUNCTION demo.payment_reference(method text) RETURNS text LANGUAGE sql AS $$
  SELECT CASE method
    WHEN 'portal' THEN 'DVCQG-' || upper(substr(md5(random()::text), 1, 14))
    WHEN 'transfer' THEN 'FT' || lpad(floor(random() * 1e10)::bigint::text, 10, '0')
    WHEN 'card' THEN 'POS-' || lpad(floor(random() * 1e8)::bigint::text, 8, '0')
    WHEN 'qr' THEN 'VIETQR-' || upper(substr(md5(random()::text), 1, 10)) END
$$;

-- The events of one received dossier, from its real reception and deadline.
-- All times are computed on the working-time clock of the national calendar
-- (every unit of the demo uses 'vn'), so they fall in office hours.  `desk`
-- receives, returns and takes a withdrawal; `handler` starts, asks for
-- supplements, apologises and resolves, late, asking and asking again as
-- often as their traits say (demo.officer); an inter-agency step is handed on
-- by an officer of the step that ends.
-- Money (`fees`, the procedure's row of demo.proc_fee; `money`, whether
-- tthc records it; `fix`, the chance that a receipt is replaced, and that
-- one is cancelled): the fees due at
-- reception are paid minutes after it, those due with the result once the
-- handler says so (awaiting_payment), all in the applicant's one way:
-- online applicants on the portal (the national payment platform, no
-- officer) or by bank transfer, the others at the desk in cash, by card, by
-- QR code or by transfer; the desk officer takes desk payments, issues the
-- receipts and records the waivers of exempt applicants (business
-- registered online, the exempt groups).  Paying the last fee due moves the
-- dossier on by itself (procedure.after_payment).  A few receipts are
-- replaced (the payer's name was wrong) or cancelled (an exempt applicant
-- paid: the payment is refunded and the fee waived; or made out wrong: a
-- new one is issued).  Without `money` the fees are paid outside tthc: the
-- dossier still waits for those due with the result, and the handler moves
-- it on.
CREATE FUNCTION demo.plan_events(d tthc.dossier, interagency boolean, nsteps int, step_units text[], lim tthc.time_limit,
                                 desk text, handler text, late_factor float8, supp_prob float8, repeat_prob float8,
                                 fees demo.proc_fee, money boolean, fix float8)
RETURNS TABLE (seq int, at timestamptz, kind text, status tthc.dossier_status, note text, promised_at timestamptz,
               officer text, fee_code text, amount bigint, method text, payer text)
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
  pay  boolean;
  apol boolean := random() < 0.015;
  stuck boolean := r0 > now() - interval '75 days' AND random() < 0.04;
  gap  interval;
  p_at timestamptz;
  paid timestamptz;
  t    timestamptz;
  t0   timestamptz;
  x0   interval;
  k    int;
  -- money
  nf   int := coalesce(cardinality(fees.codes), 0);
  u_ex float8 := random();     -- the applicant is in an exempt group when below the fee's share
  pm   text;                   -- how the applicant pays
  waived boolean[];
  npaid int := 0;
  last_fee int;
  due_later boolean := false;  -- fees due with the result, not waived
  auto_resolved boolean := false;
  kd   text;
BEGIN
  IF nf > 0 THEN
    pm := CASE WHEN d.channel = 2 THEN CASE WHEN random() < 0.93 THEN 'portal' ELSE 'transfer' END
               ELSE (ARRAY['cash', 'cash', 'cash', 'cash', 'qr', 'qr', 'qr', 'card', 'card', 'transfer'])[1 + floor(random() * 10)::int] END;
    FOR i IN 1 .. nf LOOP
      waived[i] := (fees.exempt_online[i] AND d.channel = 2) OR u_ex < fees.exempt_share[i];
      due_later := due_later OR (fees.stages[i] = 'result' AND NOT waived[i]);
    END LOOP;
  END IF;
  IF nf > 0 AND money THEN
    -- what is due at reception, minutes after it; the receipt right after
    t := r0 + interval '2 min' + interval '20 min' * random();
    FOR i IN 1 .. nf LOOP
      CONTINUE WHEN fees.stages[i] <> 'reception';
      n := n + 1; seq := n; at := t; status := NULL; promised_at := NULL; fee_code := fees.codes[i]; payer := NULL;
      IF waived[i] THEN
        kind := 'waive'; amount := NULL; method := NULL; officer := desk;
        note := fees.exempt_reason[i];
      ELSE
        kind := 'pay'; amount := fees.amounts[i]; method := pm; officer := CASE WHEN pm = 'portal' THEN NULL ELSE desk END;
        note := demo.payment_reference(pm); npaid := npaid + 1; last_fee := i;
      END IF;
      RETURN NEXT;
    END LOOP;
    IF npaid > 0 THEN
      t := t + interval '1 min' + interval '3 min' * random();
      FOR kd IN SELECT DISTINCT fees.kinds[i] FROM generate_subscripts(fees.codes, 1) i
                 WHERE fees.stages[i] = 'reception' AND NOT waived[i] LOOP
        n := n + 1; seq := n; at := t; kind := 'receipt'; note := NULL; officer := desk;
        fee_code := NULL; amount := NULL; method := kd; RETURN NEXT;
      END LOOP;
      method := NULL;
      t := at + interval '15 min' + interval '90 min' * random();
      IF random() < fix THEN
        n := n + 1; seq := n; at := t; kind := 'replace'; note := 'Sai tên người nộp tiền';
        payer := demo.person_name(random(), random(), random()); RETURN NEXT;
      ELSIF random() < fix THEN
        IF npaid = 1 AND fees.exempt_share[last_fee] > 0 THEN
          -- an exempt applicant paid: the receipt cancelled, the money refunded, the fee waived
          n := n + 1; seq := n; at := t; kind := 'cancel'; note := 'Thu nhầm: người nộp thuộc diện được miễn'; RETURN NEXT;
          n := n + 1; seq := n; at := t + interval '2 min'; kind := 'refund'; note := 'Hoàn trả khoản đã thu nhầm';
          fee_code := fees.codes[last_fee]; RETURN NEXT;
          n := n + 1; seq := n; at := t + interval '3 min'; kind := 'waive'; note := fees.exempt_reason[last_fee]; RETURN NEXT;
        ELSE
          -- made out wrong: cancelled, and a new one issued for the same payments
          n := n + 1; seq := n; at := t; kind := 'cancel'; note := 'Lập sai nội dung biên lai'; RETURN NEXT;
          n := n + 1; seq := n; at := t + interval '5 min'; kind := 'receipt'; note := NULL; method := kd; RETURN NEXT;
        END IF;
      END IF;
    END IF;
    fee_code := NULL; amount := NULL; method := NULL; payer := NULL;
  END IF;

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
  -- financial obligations: fees due with the result, or (land) taxes paid
  -- at the treasury; a pause before the end, paid within 1-13 working hours
  pay := due_later OR random() < coalesce(fees.tax_prob, 0);
  IF pay THEN
    p_at := tthc.add_working_time(cur, x * (0.5 + 0.4 * random()));
    gap := interval '1 hour' + interval '12 hours' * random();
    paid := tthc.add_working_time(p_at, gap);
    res := tthc.add_working_time(res, gap);
    n := n + 1; seq := n; at := date_trunc('second', greatest(p_at, cur)); kind := 'transition'; status := 'awaiting_payment';
    note := CASE WHEN due_later THEN 'Thông báo nộp phí, lệ phí' ELSE 'Thông báo nộp thuế, lệ phí trước bạ' END;
    officer := cur_officer; RETURN NEXT;
    IF due_later AND money THEN
      -- the fees due: the last one paid moves the dossier on by itself
      FOR i IN 1 .. nf LOOP
        CONTINUE WHEN fees.stages[i] <> 'result' OR waived[i];
        n := n + 1; seq := n; at := paid; kind := 'pay'; status := NULL; fee_code := fees.codes[i];
        amount := fees.amounts[i]; method := pm; note := demo.payment_reference(pm);
        officer := CASE WHEN pm = 'portal' THEN NULL ELSE desk END; RETURN NEXT;
      END LOOP;
      t := paid + interval '1 min' + interval '3 min' * random();
      FOR kd IN SELECT DISTINCT fees.kinds[i] FROM generate_subscripts(fees.codes, 1) i
                 WHERE fees.stages[i] = 'result' AND NOT waived[i] LOOP
        n := n + 1; seq := n; at := t; kind := 'receipt'; note := NULL; officer := desk;
        fee_code := NULL; amount := NULL; method := kd; RETURN NEXT;
      END LOOP;
      method := NULL;
      IF random() < fix THEN
        n := n + 1; seq := n; at := at + interval '15 min' + interval '60 min' * random(); kind := 'replace';
        note := 'Sai tên người nộp tiền'; payer := demo.person_name(random(), random(), random()); RETURN NEXT;
        payer := NULL;
      END IF;
      IF fees.after_payment = 'resolved' THEN
        res := at; auto_resolved := true;    -- awaiting_payment -> resolved, the result handed over once paid
      END IF;
    ELSIF due_later AND fees.after_payment = 'resolved' THEN
      res := paid;    -- paid outside tthc: the handler hands the result over once paid
    ELSIF due_later OR random() < 0.5 THEN
      n := n + 1; seq := n; at := date_trunc('second', paid); kind := 'transition'; status := 'processing'; note := 'Đã nộp'; RETURN NEXT;
    ELSE
      res := paid;    -- resolved as soon as it is paid (awaiting_payment -> resolved)
    END IF;
  END IF;
  IF NOT auto_resolved THEN
    n := n + 1; seq := n; at := date_trunc('second', greatest(res, at)); kind := 'transition'; status := 'resolved'; note := NULL;
    officer := coalesce(cur_officer, handler); RETURN NEXT;
  END IF;
  IF random() < 0.96 THEN
    t := tthc.add_working_time(res, CASE WHEN d.channel = 2 AND random() < 0.7 THEN interval '10 min' * random()
                                         ELSE interval '24 hours' * random() ^ 2 END);
    n := n + 1; seq := n; at := date_trunc('second', greatest(t, at)); kind := 'transition'; status := 'returned'; note := NULL;
    officer := desk; RETURN NEXT;
  END IF;
END $$;


-- Replays one event as the officer who acts (the pooled writer switches
-- tthc.actor inside its transaction); an apology the rules refuse (too
-- late, …) is skipped.  A receipt is cancelled, replaced or refunded by the
-- dossier's latest one (and its payment).
CREATE FUNCTION demo.apply(e demo.event) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  actor text;
  r tthc.receipt;
  pid bigint;
BEGIN
  -- an assignment, not PERFORM: evaluated without a query, once per event
  actor := set_config('tthc.actor', coalesce(e.officer, ''), true);
  CASE e.kind
  WHEN 'transition' THEN
    PERFORM tthc.transition(e.code, e.status, e.at, e.note);
  WHEN 'apology' THEN
    BEGIN
      PERFORM tthc.apologize(e.code, e.note, e.promised_at, e.at);
    EXCEPTION WHEN sqlstate '55000' OR sqlstate '22023' THEN
      RETURN 0;
    END;
  WHEN 'pay' THEN
    PERFORM tthc.pay(e.code, e.fee_code, e.amount, e.method, e.note, e.at);
  WHEN 'waive' THEN
    PERFORM tthc.waive(e.code, e.fee_code, e.note, e.at);
  WHEN 'receipt' THEN
    -- the desk's software names its series (template, symbol of the kind and
    -- the local year).  tthc.issue_receipt(code, at) alone finds the same
    -- one, but in 0.10.0 costs about four times as much: it works out the
    -- local year of every series of the kind in the database, 110 here,
    -- before keeping those of the dossier's units
    PERFORM tthc.issue_receipt(e.code, e.at, '01BLP0-001',
                               CASE e.method WHEN 'le_phi' THEN 'AA/' ELSE 'AB/' END
                               || to_char(e.at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YY') || 'E');
  WHEN 'replace', 'cancel' THEN
    SELECT q.* INTO STRICT r FROM tthc.receipt q JOIN tthc.dossier d ON d.id = q.dossier_id
     WHERE d.code = e.code AND q.status = 'issued' ORDER BY q.id DESC LIMIT 1;
    PERFORM tthc.cancel_receipt(r.unit, r.template, r.symbol, r.number, e.note, e.kind = 'replace', e.at,
                                CASE WHEN e.payer IS NOT NULL THEN jsonb_build_object('name', e.payer) END);
  WHEN 'refund' THEN
    SELECT q.id INTO STRICT pid FROM tthc.payment q JOIN tthc.dossier d ON d.id = q.dossier_id
     WHERE d.code = e.code AND q.fee_code = e.fee_code AND q.amount > 0 ORDER BY q.id DESC LIMIT 1;
    PERFORM tthc.refund(pid, e.note, NULL, e.at);
  END CASE;
  RETURN 1;
END $$;

CREATE PROCEDURE demo.simulate(g int, total int, t_from timestamptz, t_to timestamptz, money_from timestamptz DEFAULT NULL)
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
  last_month timestamptz := '-infinity';
  fix float8;
BEGIN
  PERFORM setseed(g / 10.0);
  SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh';
  -- tthc records the money of the dossiers received from money_from on (by
  -- default the last three weeks, local midnight): receipting costs tthc
  -- about as much as fifteen status changes, too much for a year of a
  -- million dossiers in a demo.  Before it, the portal reported how the fees
  -- were paid (dossier.payment, the client's column until tthc has payments).
  money_from := coalesce(money_from, date_trunc('day', t_to - interval '21 days'));
  -- the chance that a receipt is replaced (and that one is cancelled): about
  -- 40 in the province at any scale (3 in 10 of those received pay), at most 2 %
  fix := least(0.02, 40.0 / greatest(0.3 * total * extract(epoch FROM t_to - greatest(money_from, t_from))
                                                  / extract(epoch FROM t_to - t_from), 1));
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

  -- (local months, whatever the session's time zone: COMMIT ended SET LOCAL)
  FOR m IN SELECT DISTINCT date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS month
           FROM demo.plan WHERE grp = g ORDER BY 1 LOOP
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
               -- before tthc recorded money, how the fees were paid (from then
               -- on tthc sets it from the payments): online mostly when they
               -- applied online; components digitised at reception; the
               -- result asked for electronically
               CASE WHEN p.received_at < money_from AND f.codes IS NOT NULL AND NOT (p.channel = 2 AND true = ALL (f.exempt_online))
                    THEN CASE WHEN p.channel = 2 AND random() < 0.93 THEN 'online' ELSE 'offline' END END,
               random() < 0.93, random() < CASE WHEN p.channel = 2 THEN 0.85 ELSE 0.4 END
        FROM demo.plan p
        LEFT JOIN demo.proc_fee f ON f.code = p.procedure
        WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
          AND p.actor = dk.actor AND NOT (p.channel = 2 AND p.received_at >= money_from)
        ORDER BY p.received_at, p.id
        RETURNING code, applicant_id)
      UPDATE demo.plan p SET code = ins.code FROM ins WHERE p.grp = g AND p.applicant_id = ins.applicant_id;
      GET DIAGNOSTICS n = ROW_COUNT;
      n_ins := n_ins + n;
    END LOOP;
    -- 1b. from money_from on, the online dossiers come from the national
    --     portal: tthc.portal_receive takes each record as the portal's
    --     DongBoHoSoMC sends it (submitted), and the desk officer accepts
    --     it.  One applicant in a hundred gave a phone number the portal
    --     would refuse: tthc.data_issues finds it and the outbox holds it.
    PERFORM set_config('tthc.actor', '', true);
    UPDATE demo.plan p SET code = tthc.portal_receive(jsonb_build_object(
             'MaHoSo', 'G' || g || '.' || p.receiving_unit || '-' || lpad(p.id::text, 7, '0'),
             'MaTTHC', p.procedure, 'KenhThucHien', 2, 'ChuHoSo', p.applicant,
             'DinhDanhCHS', jsonb_build_array(jsonb_build_object('LoaiDinhDanh', 1, 'SoDinhDanh', p.applicant_id)),
             'LoaiDoiTuong', 1,
             'SoDienThoai', CASE WHEN random() < 0.01 THEN '09' || lpad((floor(random() * 1e6))::int::text, 6, '0')
                                 ELSE '09' || lpad((floor(random() * 1e8))::int::text, 8, '0') END,
             'TrichYeuHoSo', (SELECT c.name FROM demo.catalogue c WHERE c.code = p.procedure),
             'NgayNopHoSo', tthc.portal_time(coalesce(p.submitted_at, date_trunc('second', p.received_at - interval '30 hours' * random() ^ 3))),
             'TrangThaiHoSo', '1', 'DonViXuLy', p.unit, 'DonViTiepNhan', p.receiving_unit,
             'HoSoCoThanhPhanSoHoa', CASE WHEN random() < 0.93 THEN 1 ELSE 0 END))
    WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
      AND p.channel = 2 AND p.received_at >= money_from;
    GET DIAGNOSTICS n = ROW_COUNT;
    n_ins := n_ins + n;
    FOR dk IN SELECT DISTINCT p.actor FROM demo.plan p
             WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
               AND p.channel = 2 AND p.received_at >= money_from AND NOT p.refuse ORDER BY 1 LOOP
      PERFORM set_config('tthc.actor', dk.actor, true);
      UPDATE tthc.dossier d SET status = 'received', changed_at = p.received_at
      FROM demo.plan p
      WHERE d.code = p.code AND p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month'
        AND p.channel = 2 AND p.received_at >= money_from AND NOT p.refuse AND p.actor = dk.actor;
    END LOOP;

    -- 2. what happens next, from the real deadline of each dossier; from
    --    its first money event after the month on, in that event's month
    INSERT INTO demo.event (grp, code, seq, at, kind, status, note, promised_at, officer, fee_code, amount, method, payer, batch)
    SELECT g, x.code, x.seq, x.at, x.kind, x.status, x.note, x.promised_at, x.officer, x.fee_code, x.amount, x.method, x.payer,
           CASE WHEN x.seq >= x.later_seq
                THEN date_trunc('month', x.later_at AT TIME ZONE 'Asia/Ho_Chi_Minh') AT TIME ZONE 'Asia/Ho_Chi_Minh'
                ELSE m.month END
    FROM (
    SELECT y.*, min(y.seq) FILTER (WHERE y.money AND y.at >= m.month + interval '1 month') OVER w AS later_seq,
           min(y.at) FILTER (WHERE y.money AND y.at >= m.month + interval '1 month') OVER w AS later_at
    FROM (
    SELECT d.code, e.seq,
           -- strictly increasing per dossier: tthc.transition(code, status, at) with
           -- an `at` equal to the latest event's time logs the move at now() instead
           date_trunc('second', max(e.at) OVER (PARTITION BY d.code ORDER BY e.seq)) + e.seq * interval '1 second' AS at,
           e.kind, e.status, e.note, e.promised_at, e.officer, e.fee_code, e.amount, e.method, e.payer,
           e.kind NOT IN ('transition', 'apology') AS money
    FROM demo.plan p
    JOIN tthc.dossier d ON d.code = p.code
    JOIN demo.catalogue c ON c.code = p.procedure
    JOIN demo.officer h ON h.login = p.handler
    LEFT JOIN LATERAL (SELECT count(*)::int AS nsteps, array_agg(s.unit ORDER BY s.step) AS units
                       FROM tthc.procedure_step s WHERE s.procedure_id = d.procedure_id) st ON c.interagency
    LEFT JOIN demo.proc_fee f ON f.procedure_id = d.procedure_id
    CROSS JOIN LATERAL (
      SELECT 1 AS seq, p.received_at + interval '1 hour' * random() * 6 AS at, 'transition' AS kind,
             'refused'::tthc.dossier_status AS status, 'Hồ sơ không đúng thành phần theo quy định' AS note, NULL::timestamptz AS promised_at,
             p.desk AS officer, NULL::text AS fee_code, NULL::bigint AS amount, NULL::text AS method, NULL::text AS payer
      WHERE p.refuse
      UNION ALL
      SELECT * FROM demo.plan_events(d, c.interagency, st.nsteps, st.units,
                                     CASE WHEN d.channel = 2 THEN coalesce(c.online_time_limit, c.time_limit) ELSE c.time_limit END,
                                     p.desk, p.handler, h.late_factor, h.supp_prob, h.repeat_prob,
                                     f, p.received_at >= money_from, fix)
      WHERE NOT p.refuse) e
    WHERE p.grp = g AND p.received_at >= m.month AND p.received_at < m.month + interval '1 month') y
    WINDOW w AS (PARTITION BY y.code)) x;
    GET DIAGNOSTICS n = ROW_COUNT;
    n_ev := n_ev + n;

    -- 3. replay in time order, only what has already happened: this
    --    month's dossiers, and the money of earlier ones paid this month
    SELECT coalesce(sum(demo.apply(e)), 0) INTO n
    FROM (SELECT ev.* FROM demo.event ev
          WHERE ev.grp = g AND ev.batch = m.month AND ev.at < cutoff
          ORDER BY ev.at, ev.code, ev.seq) e;
    n_ok := n_ok + n;
    last_month := m.month;

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
  -- payments after the last month of receptions (a past YEAR), and what follows them
  SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh';
  SELECT coalesce(sum(demo.apply(e)), 0) INTO n
  FROM (SELECT ev.* FROM demo.event ev
        WHERE ev.grp = g AND ev.batch > last_month AND ev.at < cutoff
        ORDER BY ev.at, ev.code, ev.seq) e;
  n_ok := n_ok + n;
  COMMIT;
  INSERT INTO demo.timing VALUES (g, 'total', n_ins, extract(epoch FROM clock_timestamp() - t0));
  RAISE NOTICE 'group %: % dossiers received, % events planned, % applied, % s', g, n_ins, n_ev, n_ok,
    round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
END $$;
