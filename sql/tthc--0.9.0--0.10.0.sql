-- sql/tthc--0.9.0--0.10.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.10.0'" to load this file. \quit

-- ===================================================================
-- Money: fees, payments and receipts numbered without gaps (issue 14)
-- ===================================================================
-- A procedure version has fees (phí and lệ phí, each due at reception, at a
-- supplement or with the result).  A payment, a refund, a waiver, a receipt
-- issued and a receipt cancelled are events of the dossier: the client API
-- below (run as the caller) stages the act and updates the dossier, and the
-- dossier trigger has tthc.money_apply (run as the owner) check it and
-- write the rows with the numbers of the events it logs.  Row security,
-- the acting officer's unit and the dossier's lock apply as to any change;
-- the rows are in the hash chain (the event's note is the row's fact) and
-- tthc.verify_log compares them.  A receipt takes the next number of its
-- series by updating the series row, whose lock is held until commit:
-- concurrent issuers take turns and a rolled-back receipt gives its number
-- back, so numbers are consecutive without gaps or duplicates.

-- -------------------------------------------------------------------
-- 1. Fees and receipt series (configuration, maintained by tthc_admin)
-- -------------------------------------------------------------------

ALTER TABLE tthc.procedure ADD COLUMN after_payment tthc.dossier_status NOT NULL DEFAULT 'processing'
  CONSTRAINT after_payment_known CHECK (after_payment IN ('processing', 'resolved'));
COMMENT ON COLUMN tthc.procedure.after_payment IS 'Where a dossier awaiting payment goes once what is due is paid: processing (default) or resolved';

ALTER TABLE tthc.unit ADD COLUMN tax_code text
  CONSTRAINT unit_tax_code_format CHECK (tax_code ~ '^[0-9]{10}([0-9]{2}|-[0-9]{3})?$');
COMMENT ON COLUMN tthc.unit.tax_code IS 'The unit''s tax code (mã số thuế), printed on its receipts as the collector''s';

CREATE TABLE tthc.fee (
  procedure_id bigint NOT NULL REFERENCES tthc.procedure (id) ON DELETE CASCADE,
  fee_code text NOT NULL CONSTRAINT fee_code_format CHECK (fee_code ~ '^[A-Za-z0-9._-]{1,40}$'),
  kind text NOT NULL CONSTRAINT fee_kind_known CHECK (kind IN ('phi', 'le_phi')),
  name text NOT NULL,
  amount bigint NOT NULL CONSTRAINT fee_amount_nonnegative CHECK (amount >= 0),
  stage text NOT NULL DEFAULT 'reception' CONSTRAINT fee_stage_known CHECK (stage IN ('reception', 'supplement', 'result')),
  portal_stage smallint GENERATED ALWAYS AS (CASE stage WHEN 'reception' THEN 1 WHEN 'supplement' THEN 2 ELSE 4 END) STORED,
  exempt text,
  legal_reference text,
  PRIMARY KEY (procedure_id, fee_code)
);
COMMENT ON TABLE tthc.fee IS 'The fees (phí) and charges (lệ phí) of a procedure version; maintained by tthc_admin';
COMMENT ON COLUMN tthc.fee.kind IS 'phi | le_phi: they go on separate receipts';
COMMENT ON COLUMN tthc.fee.amount IS 'In đồng';
COMMENT ON COLUMN tthc.fee.stage IS 'When it is due: reception, supplement (once a supplement was asked for) or result';
COMMENT ON COLUMN tthc.fee.portal_stage IS 'The national portal''s HinhThucThu: 1 at reception, 2 at a supplement, 4 with the result';
COMMENT ON COLUMN tthc.fee.exempt IS 'Who is exempt, as the legal text says (tthc.waive records a waiver); NULL: nobody';
GRANT SELECT, INSERT, UPDATE, DELETE ON tthc.fee TO tthc_admin;
GRANT SELECT ON tthc.fee TO tthc_officer, tthc_auditor, tthc_reader;
SELECT pg_catalog.pg_extension_config_dump('tthc.fee', '');

CREATE TABLE tthc.receipt_series (
  unit text NOT NULL REFERENCES tthc.unit (code),
  template text NOT NULL CONSTRAINT receipt_template_format CHECK (template ~ '^[A-Za-z0-9./-]{1,20}$'),
  symbol text NOT NULL CONSTRAINT receipt_symbol_format CHECK (symbol ~ '^[A-Z0-9]{1,8}/[0-9]{2}[A-Z]{1,2}$'),
  kind text NOT NULL CONSTRAINT receipt_kind_known CHECK (kind IN ('phi', 'le_phi')),
  electronic boolean NOT NULL DEFAULT true,
  first_no integer NOT NULL DEFAULT 1 CONSTRAINT first_no_range CHECK (first_no BETWEEN 1 AND 9999999),
  last_no integer NOT NULL DEFAULT 9999999 CONSTRAINT last_no_range CHECK (last_no BETWEEN first_no AND 9999999),
  next_no integer NOT NULL,
  last_issued_at timestamptz,
  year smallint GENERATED ALWAYS AS (2000 + substring(symbol FROM '/([0-9]{2})')::smallint) STORED,
  legal_reference text,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (unit, template, symbol),
  CONSTRAINT next_no_range CHECK (next_no BETWEEN first_no AND last_no + 1),
  CONSTRAINT symbol_says_electronic CHECK (symbol !~ '[EP]$' OR electronic = (symbol ~ 'E$'))
);
COMMENT ON TABLE tthc.receipt_series IS 'Receipt series of a collecting unit: template (mẫu số) and symbol (ký hiệu, with the year in it) numbered first_no..last_no; maintained by tthc_admin, numbered by tthc';
COMMENT ON COLUMN tthc.receipt_series.symbol IS 'ký hiệu, e.g. AA/26E: the two digits after / are the year, E electronic, P paper';
COMMENT ON COLUMN tthc.receipt_series.next_no IS 'The number the next receipt takes (set by tthc: first_no at creation; last_no + 1 when exhausted)';
COMMENT ON COLUMN tthc.receipt_series.last_issued_at IS 'The latest date of a receipt of the series: no later number is dated a day before it';
COMMENT ON COLUMN tthc.receipt_series.year IS 'The year of the symbol: the series serves that local year only';
COMMENT ON COLUMN tthc.receipt_series.active IS 'false: no new receipts (a replaced template, say); issued ones stay';

-- (as the owner, like the other triggers written in SQL: tthc.restoring asks
-- about the caller, tthc.money_writing is tthc's own)
CREATE FUNCTION tthc.receipt_series_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
BEGIN
  IF tthc.restoring(TG_RELID) OR tthc.money_writing() THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.next_no IS NOT NULL AND NEW.next_no <> NEW.first_no OR NEW.last_issued_at IS NOT NULL THEN
      RAISE EXCEPTION 'the next number of a receipt series is kept by tthc'
        USING ERRCODE = '428C9', TABLE = 'receipt_series', COLUMN = 'next_no', SCHEMA = 'tthc',
              HINT = 'Leave next_no out: a new series starts at first_no.';
    END IF;
    NEW.next_no := NEW.first_no;
    RETURN NEW;
  END IF;
  -- an unused series starts at its (new) first number
  IF OLD.next_no = OLD.first_no AND NEW.next_no IS NOT DISTINCT FROM OLD.next_no THEN
    NEW.next_no := NEW.first_no;
    RETURN NEW;
  END IF;
  IF NEW.next_no IS DISTINCT FROM OLD.next_no OR NEW.last_issued_at IS DISTINCT FROM OLD.last_issued_at THEN
    RAISE EXCEPTION 'the next number of a receipt series is kept by tthc'
      USING ERRCODE = '428C9', TABLE = 'receipt_series', COLUMN = 'next_no', SCHEMA = 'tthc',
            DETAIL = 'Receipt numbers are consecutive: tthc.issue_receipt takes them.';
  END IF;
  IF OLD.next_no > OLD.first_no AND (NEW.unit, NEW.template, NEW.symbol, NEW.kind, NEW.electronic, NEW.first_no)
       IS DISTINCT FROM (OLD.unit, OLD.template, OLD.symbol, OLD.kind, OLD.electronic, OLD.first_no) THEN
    RAISE EXCEPTION 'receipt series %/% of unit % has issued receipts', OLD.template, OLD.symbol, OLD.unit
      USING ERRCODE = '55000', TABLE = 'receipt_series', SCHEMA = 'tthc',
            DETAIL = 'Only last_no, legal_reference and active can change once a number is used.',
            HINT = 'Set active = false and create a new series.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION tthc.receipt_series_guard() IS 'Keeps a series'' next number to tthc and its identity fixed once used';
CREATE TRIGGER receipt_series_guard BEFORE INSERT OR UPDATE ON tthc.receipt_series
  FOR EACH ROW EXECUTE FUNCTION tthc.receipt_series_guard();
ALTER TABLE tthc.receipt_series ENABLE ALWAYS TRIGGER receipt_series_guard;
GRANT SELECT, INSERT, UPDATE, DELETE ON tthc.receipt_series TO tthc_admin;
GRANT SELECT ON tthc.receipt_series TO tthc_officer, tthc_auditor, tthc_reader;
SELECT pg_catalog.pg_extension_config_dump('tthc.receipt_series', '');

-- -------------------------------------------------------------------
-- 2. Payments and receipts (written by tthc only)
-- -------------------------------------------------------------------

CREATE TABLE tthc.payment (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  dossier_id bigint NOT NULL REFERENCES tthc.dossier (id),
  procedure_id bigint NOT NULL,
  fee_code text NOT NULL,
  amount bigint NOT NULL,
  method text NOT NULL CONSTRAINT payment_method_known
    CHECK (method IN ('cash', 'transfer', 'card', 'qr', 'portal', 'waived')),
  online boolean NOT NULL,
  reference text,
  paid_at timestamptz NOT NULL,
  refund_of bigint REFERENCES tthc.payment (id),
  event_seq integer NOT NULL,
  officer text,
  actor text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (procedure_id, fee_code) REFERENCES tthc.fee (procedure_id, fee_code),
  CONSTRAINT refund_is_negative CHECK ((refund_of IS NULL) = (amount >= 0)),
  CONSTRAINT waiver_is_zero CHECK ((method = 'waived') = (amount = 0)),
  UNIQUE (dossier_id, event_seq)
);
CREATE INDEX ON tthc.payment (refund_of) WHERE refund_of IS NOT NULL;
COMMENT ON TABLE tthc.payment IS 'Payments of a dossier''s fees, one row per payment, refund (negative, refund_of) or waiver (0, method waived); written by tthc with the event; append-only';
COMMENT ON COLUMN tthc.payment.method IS 'cash | transfer | card | qr | portal (the national payment platform) | waived';
COMMENT ON COLUMN tthc.payment.online IS 'Paid online (the QĐ 766 online-payment ratio): by default, through the portal';
COMMENT ON COLUMN tthc.payment.reference IS 'The payment platform''s or bank''s reference; for a refund or a waiver, the reason';
COMMENT ON COLUMN tthc.payment.event_seq IS 'The dossier event that records it (kind payment, refund or waiver)';

CREATE TABLE tthc.receipt (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  dossier_id bigint NOT NULL REFERENCES tthc.dossier (id),
  unit text NOT NULL,
  template text NOT NULL,
  symbol text NOT NULL,
  number integer NOT NULL,
  no text GENERATED ALWAYS AS (lpad(number::text, 7, '0')) STORED,
  kind text NOT NULL,
  electronic boolean NOT NULL,
  issued_at timestamptz NOT NULL,
  payer_name text,
  payer_id text,
  payer_tax_code text,
  payer_address text,
  lines jsonb NOT NULL,
  total bigint NOT NULL CONSTRAINT receipt_total_positive CHECK (total > 0),
  status text NOT NULL DEFAULT 'issued' CONSTRAINT receipt_status_known CHECK (status IN ('issued', 'cancelled', 'replaced')),
  replaces bigint REFERENCES tthc.receipt (id),
  replaced_by bigint REFERENCES tthc.receipt (id),
  cancelled_at timestamptz,
  cancel_reason text,
  event_seq integer NOT NULL,
  cancel_seq integer,
  officer text,
  actor text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (unit, template, symbol, number),
  FOREIGN KEY (unit, template, symbol) REFERENCES tthc.receipt_series (unit, template, symbol),
  CONSTRAINT receipt_cancel_consistent CHECK ((status = 'issued') = (cancelled_at IS NULL)
    AND (status = 'issued') = (cancel_seq IS NULL) AND (status = 'replaced') = (replaced_by IS NOT NULL))
);
CREATE INDEX ON tthc.receipt (dossier_id);
COMMENT ON TABLE tthc.receipt IS 'Receipts (biên lai) as issued: never deleted, never renumbered; cancelled or replaced by tthc.cancel_receipt';
COMMENT ON COLUMN tthc.receipt.number IS 'Consecutive within its series without gaps';
COMMENT ON COLUMN tthc.receipt.no IS 'The number as printed: 7 digits';
COMMENT ON COLUMN tthc.receipt.lines IS 'The fees it covers: [{payment, fee_code, name, amount}]';
COMMENT ON COLUMN tthc.receipt.status IS 'issued | cancelled (the number is kept, the money is not receipted) | replaced (by replaced_by)';
COMMENT ON COLUMN tthc.receipt.event_seq IS 'The dossier event that issued it (kind receipt); cancel_seq the one that cancelled it (receipt_cancel)';

-- payments and receipts: only tthc.money_apply writes them (append_only lets it)
CREATE TRIGGER append_only BEFORE INSERT OR DELETE OR UPDATE ON tthc.payment
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.payment
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only BEFORE INSERT OR DELETE OR UPDATE ON tthc.receipt
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.receipt
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();
ALTER TABLE tthc.payment ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.payment ENABLE ALWAYS TRIGGER append_only_truncate;
ALTER TABLE tthc.receipt ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE tthc.receipt ENABLE ALWAYS TRIGGER append_only_truncate;

ALTER TABLE tthc.payment ENABLE ROW LEVEL SECURITY;
ALTER TABLE tthc.receipt ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON tthc.payment FOR SELECT TO tthc_admin USING (true);
CREATE POLICY auditor_read ON tthc.payment FOR SELECT TO tthc_auditor USING (true);
CREATE POLICY officer_units ON tthc.payment FOR SELECT TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = payment.dossier_id));
CREATE POLICY admin_all ON tthc.receipt FOR SELECT TO tthc_admin USING (true);
CREATE POLICY auditor_read ON tthc.receipt FOR SELECT TO tthc_auditor USING (true);
CREATE POLICY officer_units ON tthc.receipt FOR SELECT TO tthc_officer
  USING (EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = receipt.dossier_id));
GRANT SELECT ON tthc.payment, tthc.receipt TO tthc_officer, tthc_auditor, tthc_admin;
SELECT pg_catalog.pg_extension_config_dump('tthc.payment', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.payment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.receipt', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.receipt_id_seq', '');

-- a fee paid on a dossier keeps its terms (deleting it: the foreign key, 23503)
CREATE FUNCTION tthc.fee_in_use() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
BEGIN
  IF (NEW.procedure_id, NEW.fee_code, NEW.kind, NEW.amount, NEW.stage)
       IS DISTINCT FROM (OLD.procedure_id, OLD.fee_code, OLD.kind, OLD.amount, OLD.stage)
     AND EXISTS (SELECT 1 FROM tthc.payment p WHERE p.procedure_id = OLD.procedure_id AND p.fee_code = OLD.fee_code) THEN
    RAISE EXCEPTION 'fee % of procedure version % has been paid', OLD.fee_code, OLD.procedure_id
      USING ERRCODE = '55000', TABLE = 'fee', SCHEMA = 'tthc',
            DETAIL = 'Its kind, amount and stage are what those payments were measured against.',
            HINT = 'A new fee takes effect with a new version of the procedure.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION tthc.fee_in_use() IS 'Refuses changing the terms of a fee that has been paid';
CREATE TRIGGER fee_in_use BEFORE UPDATE ON tthc.fee FOR EACH ROW EXECUTE FUNCTION tthc.fee_in_use();
ALTER TABLE tthc.fee ENABLE ALWAYS TRIGGER fee_in_use;

-- -------------------------------------------------------------------
-- 3. What the log binds: the fact of each row
-- -------------------------------------------------------------------

CREATE FUNCTION tthc.payment_fact(p tthc.payment) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT jsonb_build_object('payment', p.id, 'procedure_id', p.procedure_id, 'fee_code', p.fee_code,
                            'amount', p.amount, 'method', p.method, 'online', p.online,
                            'reference', p.reference, 'refund_of', p.refund_of,
                            'officer', p.officer, 'actor', p.actor)
$$;
COMMENT ON FUNCTION tthc.payment_fact(tthc.payment) IS 'What the payment''s event records (its note): tthc.verify_log compares';

CREATE FUNCTION tthc.receipt_fact(r tthc.receipt) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT jsonb_build_object('receipt', r.id, 'unit', r.unit, 'template', r.template, 'symbol', r.symbol,
                            'number', r.number, 'kind', r.kind, 'electronic', r.electronic,
                            'total', r.total, 'lines', r.lines, 'replaces', r.replaces,
                            'officer', r.officer, 'actor', r.actor,
                            'payer', jsonb_build_object('name', r.payer_name, 'id', r.payer_id,
                                                        'tax_code', r.payer_tax_code, 'address', r.payer_address))
$$;
COMMENT ON FUNCTION tthc.receipt_fact(tthc.receipt) IS 'What the event issuing the receipt records (its note): tthc.verify_log compares';

CREATE FUNCTION tthc.receipt_cancel_fact(r tthc.receipt) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT CASE WHEN r.status <> 'issued' THEN
    jsonb_build_object('receipt', r.id, 'unit', r.unit, 'template', r.template, 'symbol', r.symbol,
                       'number', r.number, 'status', r.status, 'reason', r.cancel_reason,
                       'replaced_by', r.replaced_by) END
$$;
COMMENT ON FUNCTION tthc.receipt_cancel_fact(tthc.receipt) IS 'What the event cancelling the receipt records (its note); NULL while issued';

-- -------------------------------------------------------------------
-- 4. The money engine (run as the owner by the dossier trigger)
-- -------------------------------------------------------------------

-- what is still due on one fee of a dossier: 0 once waived
CREATE FUNCTION tthc.fee_outstanding(dossier_id bigint, f tthc.fee) RETURNS bigint
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT CASE WHEN bool_or(p.method = 'waived') THEN 0
              ELSE f.amount - coalesce(sum(p.amount), 0) END
  FROM tthc.payment p
  WHERE p.dossier_id = fee_outstanding.dossier_id AND p.procedure_id = f.procedure_id AND p.fee_code = f.fee_code
$$;
COMMENT ON FUNCTION tthc.fee_outstanding(bigint, tthc.fee) IS 'What is still due on a fee of a dossier (0 once waived)';

-- what stands of a payment: its amount less its refunds
CREATE FUNCTION tthc.payment_stands(p tthc.payment) RETURNS bigint
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0)::bigint
$$;
COMMENT ON FUNCTION tthc.payment_stands(tthc.payment) IS 'What stands of a payment: its amount less its refunds';

-- the paid payments no issued receipt covers, with what stands of each
CREATE FUNCTION tthc.unreceipted(dossier_id bigint)
RETURNS TABLE(payment bigint, fee_code text, kind text, name text, amount bigint)
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT p.id, p.fee_code, f.kind, f.name,
         tthc.payment_stands(p)
  FROM tthc.payment p JOIN tthc.fee f ON f.procedure_id = p.procedure_id AND f.fee_code = p.fee_code
  WHERE p.dossier_id = unreceipted.dossier_id AND p.amount > 0
    AND tthc.payment_stands(p) > 0
    AND NOT EXISTS (SELECT 1 FROM tthc.receipt r, jsonb_array_elements(r.lines) l
                    WHERE r.dossier_id = unreceipted.dossier_id AND r.status = 'issued'
                      AND (l ->> 'payment')::bigint = p.id)
  ORDER BY p.id
$$;
COMMENT ON FUNCTION tthc.unreceipted(bigint) IS 'A dossier''s paid payments that no issued receipt covers, with what stands of each after refunds';

-- the local day and year of a time at a unit (its calendar's time zone)
CREATE FUNCTION tthc.local_day(unit text, at timestamptz) RETURNS date
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT (at AT TIME ZONE coalesce(
    (SELECT c.time_zone FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar WHERE u.code = $1),
    'Asia/Ho_Chi_Minh'))::date
$$;
COMMENT ON FUNCTION tthc.local_day(text, timestamptz) IS 'The day of a time in a unit''s calendar time zone';
CREATE FUNCTION tthc.local_year(unit text, at timestamptz) RETURNS integer
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT extract(year FROM tthc.local_day(unit, at))::integer
$$;
COMMENT ON FUNCTION tthc.local_year(text, timestamptz) IS 'The year of a time in a unit''s calendar time zone';

-- the units that may collect for a dossier, nearest first: the receiving
-- unit and those above it, then the handling unit and those above it
CREATE FUNCTION tthc.collecting_units(d tthc.dossier) RETURNS TABLE(unit text, rank integer)
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  WITH RECURSIVE up(code, parent, rank) AS (
    SELECT u.code, u.parent, s.base FROM tthc.unit u
      JOIN (VALUES (d.receiving_unit, 0), (d.handling_unit, 1000)) s(code, base) ON u.code = s.code
    UNION ALL
    SELECT u.code, u.parent, up.rank + 1 FROM tthc.unit u JOIN up ON u.code = up.parent WHERE up.rank < 2000)
  SELECT code, min(rank)::integer FROM up GROUP BY code
$$;
COMMENT ON FUNCTION tthc.collecting_units(tthc.dossier) IS 'The units whose receipt series may serve a dossier, nearest first';

-- take the next number of a series at `at`: the series row stays locked
-- until commit, so numbers are consecutive across concurrent issuers
CREATE FUNCTION tthc.series_take(d tthc.dossier, kind text, at timestamptz, template text, symbol text)
RETURNS tthc.receipt_series
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  s tthc.receipt_series;
  taken tthc.receipt_series;
  yr integer;
BEGIN
  IF template IS NOT NULL OR symbol IS NOT NULL THEN
    SELECT x.* INTO s FROM tthc.receipt_series x JOIN tthc.collecting_units(d) c ON c.unit = x.unit
     WHERE x.template = series_take.template AND x.symbol = series_take.symbol ORDER BY c.rank LIMIT 1;
    IF NOT FOUND THEN
      IF EXISTS (SELECT 1 FROM tthc.receipt_series x WHERE x.template = series_take.template AND x.symbol = series_take.symbol) THEN
        RAISE EXCEPTION 'receipt series %/% belongs to another unit', template, symbol
          USING ERRCODE = '42501', TABLE = 'receipt_series', COLUMN = 'unit', SCHEMA = 'tthc',
                DETAIL = format('Dossier %s is received at %s and handled at %s.', d.code, d.receiving_unit, d.handling_unit);
      END IF;
      RAISE EXCEPTION 'receipt series %/% does not exist', template, symbol
        USING ERRCODE = '42704', TABLE = 'receipt_series', COLUMN = 'symbol', SCHEMA = 'tthc';
    END IF;
    IF s.kind <> series_take.kind THEN
      RAISE EXCEPTION 'receipt series %/% is for %, not %', template, symbol, s.kind, kind
        USING ERRCODE = '22023', TABLE = 'receipt_series', COLUMN = 'kind', SCHEMA = 'tthc';
    END IF;
  ELSE
    -- the year once per unit that may collect, not once per series of the database
    SELECT x.* INTO s
      FROM (SELECT u.unit, u.rank, tthc.local_year(u.unit, at) AS year FROM tthc.collecting_units(d) u) c
      JOIN tthc.receipt_series x ON x.unit = c.unit AND x.year = c.year
     WHERE x.kind = series_take.kind AND x.active AND x.next_no <= x.last_no
     ORDER BY c.rank, x.electronic DESC, x.template, x.symbol LIMIT 1;
    IF NOT FOUND THEN
      -- say why: the series there is, exhausted or of another year, or none
      SELECT x.* INTO s FROM tthc.receipt_series x JOIN tthc.collecting_units(d) c ON c.unit = x.unit
       WHERE x.kind = series_take.kind AND x.active
       ORDER BY (x.year = tthc.local_year(x.unit, at)) DESC, c.rank, x.electronic DESC LIMIT 1;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'no receipt series of kind % serves dossier %', kind, d.code
          USING ERRCODE = '42704', TABLE = 'receipt_series', SCHEMA = 'tthc',
                HINT = format('tthc_admin creates one for unit %s (or a unit above it) in tthc.receipt_series.', d.receiving_unit);
      END IF;
    END IF;
  END IF;
  IF NOT s.active THEN
    RAISE EXCEPTION 'receipt series %/% of unit % is not active', s.template, s.symbol, s.unit
      USING ERRCODE = '55000', TABLE = 'receipt_series', COLUMN = 'active', SCHEMA = 'tthc';
  END IF;
  yr := tthc.local_year(s.unit, at);
  IF s.year <> yr THEN
    RAISE EXCEPTION 'receipt series %/% of unit % is for %, not %', s.template, s.symbol, s.unit, s.year, yr
      USING ERRCODE = '55000', TABLE = 'receipt_series', COLUMN = 'symbol', SCHEMA = 'tthc',
            DETAIL = 'A series serves the year in its symbol; each year has new series.';
  END IF;
  -- numbers follow the days receipts are dated: concurrent issuers, each
  -- dated its transaction's start, take turns in lock order within a day
  UPDATE tthc.receipt_series x
     SET next_no = x.next_no + 1, last_issued_at = greatest(x.last_issued_at, series_take.at)
   WHERE x.unit = s.unit AND x.template = s.template AND x.symbol = s.symbol
     AND x.next_no <= x.last_no AND x.active
     AND (x.last_issued_at IS NULL OR tthc.local_day(x.unit, x.last_issued_at) <= tthc.local_day(x.unit, series_take.at))
  RETURNING x.* INTO taken;
  IF FOUND THEN
    taken.next_no := taken.next_no - 1;   -- the number taken
    RETURN taken;
  END IF;
  -- the row as it stands now that it is ours (an admin may have changed it meanwhile)
  SELECT x.* INTO s FROM tthc.receipt_series x
   WHERE x.unit = s.unit AND x.template = s.template AND x.symbol = s.symbol;
  IF NOT s.active THEN
    RAISE EXCEPTION 'receipt series %/% of unit % is not active', s.template, s.symbol, s.unit
      USING ERRCODE = '55000', TABLE = 'receipt_series', COLUMN = 'active', SCHEMA = 'tthc';
  END IF;
  IF s.next_no > s.last_no THEN
    RAISE EXCEPTION 'receipt series %/% of unit % is exhausted', s.template, s.symbol, s.unit
      USING ERRCODE = '54000', TABLE = 'receipt_series', COLUMN = 'last_no', SCHEMA = 'tthc',
            DETAIL = format('Its numbers run from %s to %s and all are used.', s.first_no, s.last_no),
            HINT = 'Register a new series (or raise last_no, when the registered range allows).';
  END IF;
  RAISE EXCEPTION 'a receipt of series %/% cannot be dated %, a day before its latest receipt (%)',
    s.template, s.symbol, at, s.last_issued_at
    USING ERRCODE = '22023', TABLE = 'receipt', COLUMN = 'issued_at', SCHEMA = 'tthc',
          DETAIL = 'Receipt numbers follow the days receipts are dated.';
END $$;
COMMENT ON FUNCTION tthc.series_take(tthc.dossier, text, timestamptz, text, text) IS 'The series a receipt of a dossier takes its number from, with next_no the number taken (the series row stays locked until commit)';

CREATE FUNCTION tthc.money_apply(act jsonb, dossier_id bigint, first_seq integer, at timestamptz,
                                 actor text, officer text)
RETURNS TABLE(kind text, note text, unit text, move_to text, set_payment boolean, payment text)
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  op text := act ->> 'op';
  d tthc.dossier;
  pid bigint;
  f tthc.fee;
  p tthc.payment;
  o tthc.payment;
  r tthc.receipt;
  n tthc.receipt;
  s tthc.receipt_series;
  amt bigint;
  due bigint;
  seq integer := first_seq;
  k text;
  payer jsonb := coalesce(act -> 'payer', '{}');
  receipted_kind boolean := false;
BEGIN
  SELECT x.* INTO d FROM tthc.dossier x WHERE x.id = money_apply.dossier_id;
  pid := coalesce(d.procedure_id,
                  (SELECT v.id FROM tthc.procedure v WHERE v.code = d.procedure_code
                      AND v.valid_from <= at::date AND (v.valid_to IS NULL OR v.valid_to >= at::date)
                    ORDER BY v.valid_from DESC LIMIT 1));
  set_payment := false;

  IF op IN ('pay', 'waive') THEN
    -- FOR SHARE: a change of the fee's terms waits for this payment, or this for it
    SELECT y.* INTO f FROM tthc.fee y WHERE y.procedure_id = pid AND y.fee_code = act ->> 'fee_code' FOR SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'procedure % of dossier % has no fee %', d.procedure_code, d.code, act ->> 'fee_code'
        USING ERRCODE = '42704', TABLE = 'fee', COLUMN = 'fee_code', SCHEMA = 'tthc';
    END IF;
    due := tthc.fee_outstanding(d.id, f);
  END IF;

  IF op IN ('pay', 'waive') AND d.status NOT IN ('submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment', 'resolved') THEN
    RAISE EXCEPTION 'dossier % is %: nothing can be paid or waived on it', d.code, d.status
      USING ERRCODE = '55000', TABLE = 'dossier', COLUMN = 'status', SCHEMA = 'tthc';
  END IF;
  -- every act says why, as the client API demands, also one staged by hand
  IF op IN ('waive', 'refund', 'cancel') AND coalesce(btrim(act ->> 'reason'), '') = '' THEN
    RAISE EXCEPTION 'a % needs a reason', CASE op WHEN 'cancel' THEN 'cancellation' ELSE op END
      USING ERRCODE = '22023', TABLE = CASE op WHEN 'cancel' THEN 'receipt' ELSE 'payment' END,
            COLUMN = CASE op WHEN 'cancel' THEN 'cancel_reason' ELSE 'reference' END, SCHEMA = 'tthc';
  END IF;
  IF op = 'pay' THEN
    -- as tthc.pay checks, for an act staged by hand
    IF coalesce(act ->> 'method', '') NOT IN ('cash', 'transfer', 'card', 'qr', 'portal') THEN
      RAISE EXCEPTION 'unknown payment method "%"', act ->> 'method'
        USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'method', SCHEMA = 'tthc';
    END IF;
    IF coalesce((act ->> 'amount')::bigint, 0) <= 0 THEN
      RAISE EXCEPTION 'a payment of % đồng: the amount must be positive', act ->> 'amount'
        USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'amount', SCHEMA = 'tthc';
    END IF;
    amt := (act ->> 'amount')::bigint;
    IF amt > due THEN
      RAISE EXCEPTION 'a payment of % đồng on fee % of dossier % is more than what is due', amt, f.fee_code, d.code
        USING ERRCODE = '23514', TABLE = 'payment', COLUMN = 'amount', SCHEMA = 'tthc',
              DETAIL = format('The fee is %s đồng; %s đồng is still due.', f.amount, due);
    END IF;
    INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, reference,
                              paid_at, event_seq, officer, actor)
    VALUES (d.id, pid, f.fee_code, amt, act ->> 'method',
            coalesce((act ->> 'online')::boolean, act ->> 'method' = 'portal'),
            act ->> 'reference', at, seq, officer, actor)
    RETURNING * INTO p;
    kind := 'payment';
  ELSIF op = 'waive' THEN
    IF f.exempt IS NULL THEN
      RAISE EXCEPTION 'fee % of procedure % cannot be waived', f.fee_code, d.procedure_code
        USING ERRCODE = '55000', TABLE = 'fee', COLUMN = 'exempt', SCHEMA = 'tthc',
              DETAIL = 'Nobody is exempt from it (fee.exempt is empty).';
    END IF;
    IF due < f.amount OR EXISTS (SELECT 1 FROM tthc.payment q WHERE q.dossier_id = d.id AND q.procedure_id = pid
                                   AND q.fee_code = f.fee_code AND q.method = 'waived') THEN
      RAISE EXCEPTION 'fee % of dossier % is paid or waived already', f.fee_code, d.code
        USING ERRCODE = '55000', TABLE = 'payment', SCHEMA = 'tthc',
              HINT = 'Refund what was paid with tthc.refund() first.';
    END IF;
    INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, reference,
                              paid_at, event_seq, officer, actor)
    VALUES (d.id, pid, f.fee_code, 0, 'waived', false, act ->> 'reason', at, seq, officer, actor)
    RETURNING * INTO p;
    kind := 'waiver';
  ELSIF op = 'refund' THEN
    SELECT q.* INTO o FROM tthc.payment q WHERE q.id = (act ->> 'payment')::bigint AND q.dossier_id = d.id;
    IF NOT FOUND OR o.amount <= 0 THEN
      RAISE EXCEPTION 'dossier % has no payment % to refund', d.code, act ->> 'payment'
        USING ERRCODE = '42704', TABLE = 'payment', COLUMN = 'refund_of', SCHEMA = 'tthc';
    END IF;
    due := tthc.payment_stands(o);
    amt := coalesce((act ->> 'amount')::bigint, due);
    IF amt <= 0 THEN
      RAISE EXCEPTION 'a refund of % đồng: the amount must be positive', amt
        USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'amount', SCHEMA = 'tthc';
    END IF;
    IF amt > due THEN
      RAISE EXCEPTION 'a refund of % đồng on payment % is more than what stands of it', amt, o.id
        USING ERRCODE = '23514', TABLE = 'payment', COLUMN = 'amount', SCHEMA = 'tthc',
              DETAIL = format('%s đồng of it stands.', due);
    END IF;
    SELECT x.* INTO r FROM tthc.receipt x, jsonb_array_elements(x.lines) l
     WHERE x.dossier_id = d.id AND x.status = 'issued' AND (l ->> 'payment')::bigint = o.id;
    IF FOUND THEN
      RAISE EXCEPTION 'payment % is on receipt %/% number %', o.id, r.template, r.symbol, r.no
        USING ERRCODE = '55000', TABLE = 'receipt', SCHEMA = 'tthc',
              HINT = 'Cancel the receipt with tthc.cancel_receipt() first, then refund and issue a new one.';
    END IF;
    INSERT INTO tthc.payment (dossier_id, procedure_id, fee_code, amount, method, online, reference,
                              paid_at, refund_of, event_seq, officer, actor)
    VALUES (d.id, o.procedure_id, o.fee_code, -amt, o.method, o.online, act ->> 'reason', at, o.id, seq, officer, actor)
    RETURNING * INTO p;
    kind := 'refund';
  END IF;

  IF op IN ('pay', 'waive', 'refund') THEN
    note := tthc.payment_fact(p)::text;
    unit := d.receiving_unit;
    set_payment := true;
    SELECT CASE WHEN count(*) = 0 THEN NULL WHEN bool_or(q.online) THEN 'online' ELSE 'offline' END
      INTO payment
      FROM tthc.payment q
     WHERE q.dossier_id = d.id AND q.amount > 0
       AND tthc.payment_stands(q) > 0;
    -- all that is due by now paid: a dossier awaiting payment moves on
    IF d.status = 'awaiting_payment' AND op <> 'refund' AND NOT EXISTS (
         SELECT 1 FROM tthc.fee y
          WHERE y.procedure_id = pid AND tthc.fee_outstanding(d.id, y) > 0
            AND (y.stage <> 'supplement' OR EXISTS (
                   SELECT 1 FROM tthc.dossier_event e
                    WHERE e.dossier_id = d.id AND e.province IS NULL AND e.to_status = 'awaiting_supplement'))) THEN
      SELECT v.after_payment::text INTO move_to FROM tthc.procedure v WHERE v.id = pid;
    END IF;
    RETURN NEXT;
    RETURN;
  END IF;

  IF op = 'issue' THEN
    FOR k IN SELECT DISTINCT u.kind FROM tthc.unreceipted(d.id) u ORDER BY 1 LOOP
      receipted_kind := true;
      IF act ->> 'symbol' IS NOT NULL
         AND k <> (SELECT x.kind FROM tthc.receipt_series x JOIN tthc.collecting_units(d) c ON c.unit = x.unit
                    WHERE x.template = act ->> 'template' AND x.symbol = act ->> 'symbol' ORDER BY c.rank LIMIT 1) THEN
        CONTINUE;
      END IF;
      s := tthc.series_take(d, k, at, act ->> 'template', act ->> 'symbol');
      INSERT INTO tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at,
                                payer_name, payer_id, payer_tax_code, payer_address, lines, total,
                                event_seq, officer, actor)
      SELECT d.id, s.unit, s.template, s.symbol, s.next_no, s.kind, s.electronic, at,
             coalesce(payer ->> 'name', d.applicant_name), coalesce(payer ->> 'id', d.applicant_id),
             payer ->> 'tax_code', coalesce(payer ->> 'address', d.applicant_address),
             jsonb_agg(jsonb_build_object('payment', u.payment, 'fee_code', u.fee_code, 'name', u.name,
                                          'amount', u.amount) ORDER BY u.payment),
             sum(u.amount), seq, officer, actor
        FROM tthc.unreceipted(d.id) u WHERE u.kind = k
      RETURNING * INTO r;
      kind := 'receipt';
      note := tthc.receipt_fact(r)::text;
      unit := r.unit;
      RETURN NEXT;
      seq := seq + 1;
    END LOOP;
    IF NOT receipted_kind THEN
      RAISE EXCEPTION 'dossier % has nothing to receipt', d.code
        USING ERRCODE = '55000', TABLE = 'receipt', SCHEMA = 'tthc',
              DETAIL = 'Every payment standing is on an issued receipt.';
    END IF;
    IF seq = first_seq THEN
      RAISE EXCEPTION 'dossier % has nothing to receipt on series %/%', d.code, act ->> 'template', act ->> 'symbol'
        USING ERRCODE = '55000', TABLE = 'receipt', SCHEMA = 'tthc',
              DETAIL = 'No payment standing without a receipt is of the series'' kind.';
    END IF;
    RETURN;
  END IF;

  IF op = 'cancel' THEN
    SELECT x.* INTO r FROM tthc.receipt x
     WHERE x.dossier_id = d.id AND x.unit = act ->> 'unit' AND x.template = act ->> 'template'
       AND x.symbol = act ->> 'symbol' AND x.number = (act ->> 'number')::integer;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'receipt %/% number % of unit % does not exist', act ->> 'template', act ->> 'symbol',
        act ->> 'number', act ->> 'unit'
        USING ERRCODE = '42704', TABLE = 'receipt', SCHEMA = 'tthc';
    END IF;
    IF r.status <> 'issued' THEN
      RAISE EXCEPTION 'receipt %/% number % is % already', r.template, r.symbol, r.no, r.status
        USING ERRCODE = '55000', TABLE = 'receipt', COLUMN = 'status', SCHEMA = 'tthc';
    END IF;
    IF (act ->> 'replace')::boolean THEN
      -- the replacement: same fees, the next number of a series serving the dossier now
      s := tthc.series_take(d, r.kind, at, NULL, NULL);
      INSERT INTO tthc.receipt (dossier_id, unit, template, symbol, number, kind, electronic, issued_at,
                                payer_name, payer_id, payer_tax_code, payer_address, lines, total,
                                replaces, event_seq, officer, actor)
      VALUES (d.id, s.unit, s.template, s.symbol, s.next_no, s.kind, s.electronic, at,
              coalesce(payer ->> 'name', r.payer_name), coalesce(payer ->> 'id', r.payer_id),
              coalesce(payer ->> 'tax_code', r.payer_tax_code), coalesce(payer ->> 'address', r.payer_address),
              r.lines, r.total, r.id, seq + 1, officer, actor)
      RETURNING * INTO n;
    END IF;
    UPDATE tthc.receipt x
       SET status = CASE WHEN n.id IS NULL THEN 'cancelled' ELSE 'replaced' END,
           cancelled_at = at, cancel_reason = act ->> 'reason', replaced_by = n.id, cancel_seq = seq
     WHERE x.id = r.id
    RETURNING * INTO r;
    kind := 'receipt_cancel';
    note := tthc.receipt_cancel_fact(r)::text;
    unit := r.unit;
    RETURN NEXT;
    IF n.id IS NOT NULL THEN
      kind := 'receipt';
      note := tthc.receipt_fact(n)::text;
      unit := n.unit;
      RETURN NEXT;
    END IF;
    RETURN;
  END IF;
  RAISE EXCEPTION 'unknown money act %', op USING ERRCODE = '22023';
END $$;
COMMENT ON FUNCTION tthc.money_apply(jsonb, bigint, integer, timestamptz, text, text) IS 'Internal: checks and writes a staged payment, refund, waiver or receipt for the dossier trigger, returning the events to log';

CREATE FUNCTION tthc.money_stage(code text, act jsonb) RETURNS void
  LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'tthc_money_stage';
COMMENT ON FUNCTION tthc.money_stage(text, jsonb) IS 'Internal: the money act the next UPDATE of the dossier carries out (tthc.pay and the like)';
CREATE FUNCTION tthc.money_writing() RETURNS boolean
  LANGUAGE c VOLATILE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'tthc_money_writing';
COMMENT ON FUNCTION tthc.money_writing() IS 'Internal: whether tthc is writing a payment or a receipt';

REVOKE ALL ON FUNCTION tthc.money_apply(jsonb, bigint, integer, timestamptz, text, text),
  tthc.series_take(tthc.dossier, text, timestamptz, text, text), tthc.fee_outstanding(bigint, tthc.fee),
  tthc.unreceipted(bigint), tthc.collecting_units(tthc.dossier), tthc.money_writing(),
  tthc.payment_stands(tthc.payment),
  tthc.receipt_series_guard(), tthc.fee_in_use() FROM PUBLIC;
REVOKE ALL ON FUNCTION tthc.money_stage(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.money_stage(text, jsonb) TO tthc_officer, tthc_admin;

-- -------------------------------------------------------------------
-- 5. The client API (run as the caller)
-- -------------------------------------------------------------------

-- money_act: stage an act for a dossier the caller may change, and update it
CREATE FUNCTION tthc.money_act(dossier_id bigint, code text, act jsonb, at timestamptz) RETURNS integer
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  before integer;
  n bigint;
BEGIN
  IF at IS NULL THEN
    RAISE EXCEPTION 'the time of a payment or receipt cannot be null'
      USING ERRCODE = '22004', TABLE = 'dossier', COLUMN = 'changed_at', SCHEMA = 'tthc';
  END IF;
  IF NOT isfinite(at) THEN
    RAISE EXCEPTION 'the time of a payment or receipt must be finite'
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'changed_at', SCHEMA = 'tthc';
  END IF;
  SELECT x.event_seq INTO before FROM tthc.dossier x WHERE x.id = money_act.dossier_id;
  PERFORM tthc.money_stage(code, act);
  PERFORM set_config('tthc.event_time', CASE WHEN money_act.at = now() THEN '' ELSE money_act.at::text END, true);
  UPDATE tthc.dossier x
     SET changed_at = CASE WHEN money_act.at = now() THEN x.changed_at ELSE money_act.at END
   WHERE x.id = money_act.dossier_id;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('tthc.event_time', '', true);
  PERFORM tthc.money_stage(NULL, NULL);
  IF n <> 1 THEN
    RAISE EXCEPTION 'dossier % was not updated', code
      USING ERRCODE = '55000', TABLE = 'dossier', SCHEMA = 'tthc', DETAIL = 'A trigger of yours skipped the row.';
  END IF;
  RETURN before;
END $$;
COMMENT ON FUNCTION tthc.money_act(bigint, text, jsonb, timestamptz) IS 'Internal: carries out a money act as a change of the dossier; returns its event number before';

-- the dossier, locked, if the caller may change it
CREATE FUNCTION tthc.money_dossier(code text) RETURNS bigint
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  did bigint;
BEGIN
  SELECT x.id INTO did FROM tthc.dossier x WHERE x.code = money_dossier.code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code
      USING ERRCODE = '42704', TABLE = 'dossier', COLUMN = 'code', SCHEMA = 'tthc';
  END IF;
  RETURN did;
END $$;
COMMENT ON FUNCTION tthc.money_dossier(text) IS 'Internal: the id of a dossier the caller may change, locked';

CREATE FUNCTION tthc.pay(code text, fee_code text, amount bigint, method text, reference text DEFAULT NULL,
                         at timestamptz DEFAULT now(), online boolean DEFAULT NULL)
RETURNS tthc.payment
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  did bigint;
  p tthc.payment;
BEGIN
  IF code IS NULL OR fee_code IS NULL OR amount IS NULL OR method IS NULL THEN
    RAISE EXCEPTION 'a payment needs a dossier, a fee, an amount and a method'
      USING ERRCODE = '22004', TABLE = 'payment', SCHEMA = 'tthc';
  END IF;
  IF amount <= 0 THEN
    RAISE EXCEPTION 'a payment of % đồng: the amount must be positive', amount
      USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'amount', SCHEMA = 'tthc',
            HINT = 'A refund is tthc.refund(); a waiver tthc.waive().';
  END IF;
  IF method NOT IN ('cash', 'transfer', 'card', 'qr', 'portal') THEN
    RAISE EXCEPTION 'unknown payment method "%"', method
      USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'method', SCHEMA = 'tthc',
            HINT = 'cash, transfer, card, qr or portal (the national payment platform).';
  END IF;
  did := tthc.money_dossier(code);
  PERFORM tthc.money_act(did, code, jsonb_build_object('op', 'pay', 'fee_code', fee_code, 'amount', amount,
                         'method', method, 'reference', reference, 'online', online), at);
  SELECT q.* INTO p FROM tthc.payment q WHERE q.dossier_id = did ORDER BY q.id DESC LIMIT 1;
  RETURN p;
END $$;
COMMENT ON FUNCTION tthc.pay(text, text, bigint, text, text, timestamptz, boolean) IS 'Records a payment of a dossier''s fee (an event of the dossier); settling what is due moves a dossier awaiting payment on';

CREATE FUNCTION tthc.waive(code text, fee_code text, reason text, at timestamptz DEFAULT now())
RETURNS tthc.payment
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  did bigint;
  p tthc.payment;
BEGIN
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'a waiver needs a reason (who is exempt, and why)'
      USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'reference', SCHEMA = 'tthc';
  END IF;
  did := tthc.money_dossier(code);
  PERFORM tthc.money_act(did, code, jsonb_build_object('op', 'waive', 'fee_code', fee_code, 'reason', reason), at);
  SELECT q.* INTO p FROM tthc.payment q WHERE q.dossier_id = did ORDER BY q.id DESC LIMIT 1;
  RETURN p;
END $$;
COMMENT ON FUNCTION tthc.waive(text, text, text, timestamptz) IS 'Records that the applicant is exempt from a fee (fee.exempt says who may be)';

CREATE FUNCTION tthc.refund(payment bigint, reason text, amount bigint DEFAULT NULL, at timestamptz DEFAULT now())
RETURNS tthc.payment
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  c text;
  did bigint;
  p tthc.payment;
BEGIN
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'a refund needs a reason'
      USING ERRCODE = '22023', TABLE = 'payment', COLUMN = 'reference', SCHEMA = 'tthc';
  END IF;
  SELECT x.code INTO c FROM tthc.payment q JOIN tthc.dossier x ON x.id = q.dossier_id WHERE q.id = refund.payment;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'payment % does not exist', payment USING ERRCODE = '42704', TABLE = 'payment', SCHEMA = 'tthc';
  END IF;
  did := tthc.money_dossier(c);
  PERFORM tthc.money_act(did, c, jsonb_build_object('op', 'refund', 'payment', payment, 'amount', amount, 'reason', reason), at);
  SELECT q.* INTO p FROM tthc.payment q WHERE q.dossier_id = did ORDER BY q.id DESC LIMIT 1;
  RETURN p;
END $$;
COMMENT ON FUNCTION tthc.refund(bigint, text, bigint, timestamptz) IS 'Refunds a payment, all of what stands of it by default, as a new negative payment; its receipt must be cancelled first';

CREATE FUNCTION tthc.issue_receipt(code text, at timestamptz DEFAULT now(), template text DEFAULT NULL,
                                   symbol text DEFAULT NULL, payer jsonb DEFAULT NULL)
RETURNS SETOF tthc.receipt
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  did bigint;
  before integer;
BEGIN
  IF (template IS NULL) <> (symbol IS NULL) THEN
    RAISE EXCEPTION 'a receipt series is named by its template and its symbol'
      USING ERRCODE = '22023', TABLE = 'receipt_series', COLUMN = CASE WHEN template IS NULL THEN 'template' ELSE 'symbol' END, SCHEMA = 'tthc';
  END IF;
  IF payer IS NOT NULL AND jsonb_typeof(payer) <> 'object' THEN
    RAISE EXCEPTION 'the payer is a JSON object: name, id, tax_code, address'
      USING ERRCODE = '22023', TABLE = 'receipt', COLUMN = 'payer_name', SCHEMA = 'tthc';
  END IF;
  did := tthc.money_dossier(code);
  before := tthc.money_act(did, code, jsonb_build_object('op', 'issue', 'template', template, 'symbol', symbol,
                           'payer', payer), at);
  RETURN QUERY SELECT r.* FROM tthc.receipt r WHERE r.dossier_id = did AND r.event_seq > before ORDER BY r.event_seq;
END $$;
COMMENT ON FUNCTION tthc.issue_receipt(text, timestamptz, text, text, jsonb) IS 'Issues one receipt per kind (phí, lệ phí) over the dossier''s paid payments without one, numbered next in a series of its units (nearest first, electronic first)';

CREATE FUNCTION tthc.cancel_receipt(unit text, template text, symbol text, number integer, reason text,
                                    replace boolean DEFAULT false, at timestamptz DEFAULT now(),
                                    payer jsonb DEFAULT NULL)
RETURNS tthc.receipt
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  c text;
  did bigint;
  r tthc.receipt;
BEGIN
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'cancelling a receipt needs a reason'
      USING ERRCODE = '22023', TABLE = 'receipt', COLUMN = 'cancel_reason', SCHEMA = 'tthc';
  END IF;
  IF replace IS NULL THEN
    RAISE EXCEPTION 'replace cannot be null' USING ERRCODE = '22004', TABLE = 'receipt', COLUMN = 'replaced_by', SCHEMA = 'tthc';
  END IF;
  SELECT x.code INTO c FROM tthc.receipt q JOIN tthc.dossier x ON x.id = q.dossier_id
   WHERE q.unit = cancel_receipt.unit AND q.template = cancel_receipt.template
     AND q.symbol = cancel_receipt.symbol AND q.number = cancel_receipt.number;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'receipt %/% number % of unit % does not exist', template, symbol, number, unit
      USING ERRCODE = '42704', TABLE = 'receipt', SCHEMA = 'tthc';
  END IF;
  did := tthc.money_dossier(c);
  PERFORM tthc.money_act(did, c, jsonb_build_object('op', 'cancel', 'unit', unit, 'template', template, 'symbol', symbol,
                         'number', number, 'reason', reason, 'replace', replace, 'payer', payer), at);
  SELECT q.* INTO r FROM tthc.receipt q
   WHERE q.unit = cancel_receipt.unit AND q.template = cancel_receipt.template
     AND q.symbol = cancel_receipt.symbol AND q.number = cancel_receipt.number;
  IF r.replaced_by IS NOT NULL THEN
    SELECT q.* INTO r FROM tthc.receipt q WHERE q.id = r.replaced_by;
  END IF;
  RETURN r;
END $$;
COMMENT ON FUNCTION tthc.cancel_receipt(text, text, text, integer, text, boolean, timestamptz, jsonb) IS 'Cancels a receipt (its number is kept) or, with replace, issues its replacement with the next number; returns the replacement or the cancelled receipt';

REVOKE ALL ON FUNCTION tthc.money_act(bigint, text, jsonb, timestamptz), tthc.money_dossier(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.money_act(bigint, text, jsonb, timestamptz), tthc.money_dossier(text)
  TO tthc_officer, tthc_admin;
REVOKE ALL ON FUNCTION tthc.pay(text, text, bigint, text, text, timestamptz, boolean),
  tthc.waive(text, text, text, timestamptz), tthc.refund(bigint, text, bigint, timestamptz),
  tthc.issue_receipt(text, timestamptz, text, text, jsonb),
  tthc.cancel_receipt(text, text, text, integer, text, boolean, timestamptz, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.pay(text, text, bigint, text, text, timestamptz, boolean),
  tthc.waive(text, text, text, timestamptz), tthc.refund(bigint, text, bigint, timestamptz),
  tthc.issue_receipt(text, timestamptz, text, text, jsonb),
  tthc.cancel_receipt(text, text, text, integer, text, boolean, timestamptz, jsonb) TO tthc_officer, tthc_admin;

-- -------------------------------------------------------------------
-- 6. What a receipt provider needs, and the receipt-use report
-- -------------------------------------------------------------------

CREATE FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) RETURNS jsonb
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT jsonb_build_object(
    'template', r.template, 'symbol', r.symbol, 'number', r.no, 'kind', r.kind,
    'kind_name', CASE r.kind WHEN 'phi' THEN 'Phí' ELSE 'Lệ phí' END,
    'electronic', r.electronic, 'issued_at', r.issued_at, 'currency', 'VND',
    'collector', jsonb_build_object('unit', u.code, 'name', u.name, 'tax_code', u.tax_code),
    'payer', jsonb_build_object('name', r.payer_name, 'id', r.payer_id, 'tax_code', r.payer_tax_code,
                                'address', r.payer_address),
    'dossier', d.code, 'procedure', d.procedure_code,
    'items', (SELECT jsonb_agg(jsonb_build_object('fee_code', l ->> 'fee_code', 'name', l ->> 'name',
                                                  'amount', (l ->> 'amount')::bigint) ORDER BY o)
              FROM jsonb_array_elements(r.lines) WITH ORDINALITY x(l, o)),
    'total', r.total, 'status', r.status,
    'replaces', (SELECT jsonb_build_object('template', q.template, 'symbol', q.symbol, 'number', q.no)
                 FROM tthc.receipt q WHERE q.id = r.replaces),
    'cancelled_at', r.cancelled_at, 'cancel_reason', r.cancel_reason)
  FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id JOIN tthc.unit u ON u.code = r.unit
  WHERE r.unit = $1 AND r.template = $2 AND r.symbol = $3 AND r.number = $4
$$;
COMMENT ON FUNCTION tthc.receipt_document(text, text, text, integer) IS 'The electronic receipt''s data as a receipt provider takes it (JSON); NULL for a receipt the caller cannot see';
GRANT EXECUTE ON FUNCTION tthc.receipt_document(text, text, text, integer) TO tthc_officer, tthc_auditor, tthc_admin;
REVOKE ALL ON FUNCTION tthc.receipt_document(text, text, text, integer) FROM PUBLIC;

CREATE FUNCTION tthc.receipt_usage(unit text, period daterange)
RETURNS TABLE(series_unit text, template text, symbol text, kind text, electronic boolean,
              first_no integer, last_no integer, issued bigint, cancelled bigint, replaced bigint,
              total_amount bigint, gaps bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path TO 'pg_catalog', 'pg_temp' AS $$
DECLARE
  units text[] := tthc.report_scope(unit, true);
  lo date;
  hi date;
BEGIN
  SELECT b.lo, b.hi INTO lo, hi FROM tthc.report_period(period) b;
  RETURN QUERY
  WITH used AS (
    SELECT r.unit, r.template, r.symbol, r.number, r.status, r.total
    FROM tthc.receipt r CROSS JOIN LATERAL tthc.local_bounds(r.unit, lo, hi) b
    WHERE r.unit = ANY (units) AND r.issued_at >= b.lo_at AND r.issued_at < b.hi_at)
  SELECT s.unit, s.template, s.symbol, s.kind, s.electronic,
         min(u.number), max(u.number), count(*), count(*) FILTER (WHERE u.status = 'cancelled'),
         count(*) FILTER (WHERE u.status = 'replaced'),
         coalesce(sum(u.total) FILTER (WHERE u.status = 'issued'), 0)::bigint,
         -- numbers of the series up to the last one used in the period that no receipt has
         (max(u.number) - s.first_no + 1)
           - (SELECT count(*) FROM tthc.receipt q WHERE q.unit = s.unit AND q.template = s.template
                AND q.symbol = s.symbol AND q.number <= max(u.number))
  FROM used u JOIN tthc.receipt_series s USING (unit, template, symbol)
  GROUP BY s.unit, s.template, s.symbol, s.kind, s.electronic, s.first_no
  ORDER BY s.unit, s.template, s.symbol;
END $$;
COMMENT ON FUNCTION tthc.receipt_usage(text, daterange) IS 'The periodic receipt-use report of a unit and those below it: per series, the numbers used (first..last), issued, cancelled, replaced, the amount of the receipts standing, and the numbers missing (always 0)';
REVOKE ALL ON FUNCTION tthc.receipt_usage(text, daterange) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.receipt_usage(text, daterange) TO tthc_officer, tthc_auditor, tthc_admin, tthc_reader;

-- -------------------------------------------------------------------
-- 7. The control slip checks its payments and receipts
-- -------------------------------------------------------------------

COMMENT ON COLUMN tthc.dossier_event.kind IS 'status | pause | resume | restart | handover | deadline | apology | overdue | due_soon | edit | payment | refund | waiver | receipt | receipt_cancel';
COMMENT ON COLUMN tthc.dossier.payment IS 'How the fees were paid: online or offline; NULL when no payment stands. Set by tthc from tthc.payment once the dossier has payments';

-- a note read as JSON, NULL when it is not (a tampered note is one problem, not an error);
-- parallel unsafe: its exception block is a subtransaction
CREATE FUNCTION tthc.as_jsonb(t text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END $$;
COMMENT ON FUNCTION tthc.as_jsonb(text) IS 'Internal: an event''s note as JSON, NULL when it is not';
REVOKE ALL ON FUNCTION tthc.as_jsonb(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.as_jsonb(text) TO tthc_auditor, tthc_admin;

CREATE OR REPLACE FUNCTION tthc.verify_log(code text DEFAULT NULL::text) RETURNS TABLE(code text, seq integer, problem text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  WITH e AS (
    SELECT d.code, x.seq, x.hash,
           lag(x.seq) OVER w AS prev_seq,
           tthc.event_hash(lag(x.hash) OVER w, x) AS expected
    FROM tthc.dossier d JOIN tthc.dossier_event x
      ON x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
    WHERE verify_log.code IS NULL OR d.code = verify_log.code
    WINDOW w AS (PARTITION BY x.dossier_id, x.province ORDER BY x.seq)),
  links AS (
    SELECT e.code, e.seq,
           CASE WHEN e.seq <> coalesce(e.prev_seq, 0) + 1 THEN 'an event is missing before this one'
                WHEN e.hash IS DISTINCT FROM e.expected THEN 'the event was altered: its hash does not match'
           END AS problem
    FROM e),
  heads AS (
    SELECT d.code, d.event_seq AS seq,
           CASE WHEN l.seq IS NULL THEN 'the dossier has no events'
                WHEN l.seq IS DISTINCT FROM d.event_seq THEN 'the log ends at event ' || l.seq || ', not ' || d.event_seq
                WHEN l.hash IS DISTINCT FROM d.event_hash THEN 'the latest event does not match the dossier''s hash'
                WHEN l.state IS NULL THEN 'the latest event does not bind the dossier''s state'
                WHEN l.state IS DISTINCT FROM tthc.dossier_state(d) THEN 'the dossier row does not match its log: it was changed without an event'
           END AS problem
    FROM tthc.dossier d
    LEFT JOIN LATERAL (SELECT x.seq, x.hash, x.state FROM tthc.dossier_event x WHERE x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
                       ORDER BY x.seq DESC LIMIT 1) l ON true
    WHERE verify_log.code IS NULL OR d.code = verify_log.code),
  orphans AS (
    SELECT '(dossier id ' || x.dossier_id || coalesce(' of ' || x.province, '') || ')' AS code, min(x.seq) AS seq,
           'events of a dossier that does not exist' AS problem
    FROM tthc.dossier_event x
    WHERE verify_log.code IS NULL AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = x.dossier_id
                                                     AND d.province IS NOT DISTINCT FROM x.province)
    GROUP BY x.dossier_id, x.province),
  -- a province's own money rows against their events (the hub mirrors the events only)
  money_rows AS (
    SELECT d.code, p.event_seq AS seq,
           CASE WHEN x.seq IS NULL THEN 'payment ' || p.id || ' has no event'
                WHEN x.kind NOT IN ('payment', 'refund', 'waiver') OR x.note IS NULL
                  OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.payment_fact(p) OR x.at <> p.paid_at
                  THEN 'payment ' || p.id || ' does not match its event' END AS problem
    FROM tthc.payment p JOIN tthc.dossier d ON d.id = p.dossier_id AND d.province IS NULL
    LEFT JOIN tthc.dossier_event x ON x.dossier_id = p.dossier_id AND x.province IS NULL AND x.seq = p.event_seq
    WHERE verify_log.code IS NULL OR d.code = verify_log.code
    UNION ALL
    SELECT d.code, r.event_seq,
           CASE WHEN x.seq IS NULL OR x.kind <> 'receipt' OR x.note IS NULL
                  OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.receipt_fact(r) OR x.at <> r.issued_at
                  THEN 'receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' does not match its event' END
    FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NULL
    LEFT JOIN tthc.dossier_event x ON x.dossier_id = r.dossier_id AND x.province IS NULL AND x.seq = r.event_seq
    WHERE verify_log.code IS NULL OR d.code = verify_log.code
    UNION ALL
    SELECT d.code, coalesce(r.cancel_seq, d.event_seq),
           CASE WHEN r.status <> 'issued' AND (x.seq IS NULL OR x.kind <> 'receipt_cancel' OR x.note IS NULL
                  OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.receipt_cancel_fact(r) OR x.at <> r.cancelled_at)
                  THEN 'the cancellation of receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' does not match its event'
                WHEN r.status = 'issued' AND EXISTS (
                  SELECT 1 FROM tthc.dossier_event c WHERE c.dossier_id = r.dossier_id AND c.province IS NULL
                     AND c.kind = 'receipt_cancel' AND (tthc.as_jsonb(c.note) ->> 'receipt')::bigint = r.id)
                  THEN 'receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' was cancelled but reads issued' END
    FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NULL
    LEFT JOIN tthc.dossier_event x ON x.dossier_id = r.dossier_id AND x.province IS NULL AND x.seq = r.cancel_seq
    WHERE verify_log.code IS NULL OR d.code = verify_log.code
    UNION ALL
    SELECT d.code, x.seq, 'the ' || x.kind || ' event has no row' || CASE WHEN x.kind LIKE 'receipt%' THEN ' in tthc.receipt' ELSE ' in tthc.payment' END
    FROM tthc.dossier_event x JOIN tthc.dossier d ON d.id = x.dossier_id AND d.province IS NULL
    WHERE x.province IS NULL AND x.kind IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
      AND (verify_log.code IS NULL OR d.code = verify_log.code)
      AND NOT EXISTS (SELECT 1 FROM tthc.payment p WHERE p.dossier_id = x.dossier_id AND p.event_seq = x.seq)
      AND NOT EXISTS (SELECT 1 FROM tthc.receipt r WHERE r.dossier_id = x.dossier_id
                        AND (r.event_seq = x.seq OR r.cancel_seq = x.seq))),
  -- every series' next number follows its receipts, numbered from first_no without a hole
  series AS (
    SELECT '(series ' || s.unit || ' ' || s.template || '/' || s.symbol || ')' AS code, s.next_no AS seq,
           'the next number is ' || s.next_no || ' but the receipts are ' || count(r.id) || ' up to number '
             || coalesce(max(r.number), s.first_no - 1) AS problem
    FROM tthc.receipt_series s LEFT JOIN tthc.receipt r USING (unit, template, symbol)
    WHERE verify_log.code IS NULL
    GROUP BY s.unit, s.template, s.symbol, s.first_no, s.next_no
    HAVING s.next_no <> coalesce(max(r.number), s.first_no - 1) + 1
        OR count(r.id) <> coalesce(max(r.number), s.first_no - 1) - s.first_no + 1)
  SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
  FROM (SELECT * FROM links WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM heads WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM orphans
        UNION ALL SELECT * FROM money_rows WHERE problem IS NOT NULL
        UNION ALL SELECT * FROM series) b
  ORDER BY b.code, b.seq
$$;
COMMENT ON FUNCTION tthc.verify_log(code text) IS 'The first problem of each dossier''s control slip (all dossiers, or one): a broken or missing link, a row that disagrees with its latest event or has no events, events of no dossier, a payment or receipt that disagrees with its event, a receipt series whose next number does not follow its receipts; no rows when every log is intact';

-- what the log binds is read by those who verify it
REVOKE ALL ON FUNCTION tthc.payment_fact(tthc.payment), tthc.receipt_fact(tthc.receipt),
  tthc.receipt_cancel_fact(tthc.receipt), tthc.local_year(text, timestamptz), tthc.local_day(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.payment_fact(tthc.payment), tthc.receipt_fact(tthc.receipt),
  tthc.receipt_cancel_fact(tthc.receipt) TO tthc_auditor, tthc_admin;

-- what is due on a dossier, fee by fee (what a portal shows before it takes a payment)
CREATE FUNCTION tthc.dossier_fees(code text)
RETURNS TABLE(fee_code text, kind text, name text, amount bigint, stage text, portal_stage smallint,
              paid bigint, waived boolean, due bigint)
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT f.fee_code, f.kind, f.name, f.amount, f.stage, f.portal_stage,
         coalesce(sum(p.amount) FILTER (WHERE p.method <> 'waived'), 0)::bigint,
         coalesce(bool_or(p.method = 'waived'), false),
         CASE WHEN coalesce(bool_or(p.method = 'waived'), false) THEN 0
              ELSE f.amount - coalesce(sum(p.amount), 0) END::bigint
  FROM tthc.dossier d JOIN tthc.fee f ON f.procedure_id = d.procedure_id
  LEFT JOIN tthc.payment p ON p.dossier_id = d.id AND p.procedure_id = f.procedure_id AND p.fee_code = f.fee_code
  WHERE d.code = dossier_fees.code
  GROUP BY f.procedure_id, f.fee_code, f.kind, f.name, f.amount, f.stage, f.portal_stage
  ORDER BY f.fee_code
$$;
COMMENT ON FUNCTION tthc.dossier_fees(text) IS 'The fees of a dossier''s procedure version with what is paid (net of refunds), waived and still due; row security decides which dossiers';
REVOKE ALL ON FUNCTION tthc.dossier_fees(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.dossier_fees(text) TO tthc_officer, tthc_auditor, tthc_admin;

-- a hub's dossier key takes the province: the money tables' keys to the
-- dossier (on a province only) go first
CREATE OR REPLACE FUNCTION tthc.hub_init() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET client_min_messages TO 'warning'
    AS $$
DECLARE
  -- the mirrored tables with a province column; the sums have none (keyed by unit)
  keyed text[] := ARRAY['dossier', 'dossier_event', 'apology', 'rating', 'unit', 'calendar',
                        'calendar_exception', 'calendar_week', 'calendar_year', 'procedure', 'procedure_step'];
  t text;
  n bigint;
BEGIN
  IF tthc.is_hub() THEN
    RETURN;
  END IF;
  SELECT (SELECT count(*) FROM tthc.unit) + (SELECT count(*) FROM tthc.dossier) INTO n;
  IF n > 0 THEN
    RAISE EXCEPTION 'this node has units or dossiers of its own: a national hub mirrors provinces and has none'
      USING ERRCODE = '55000',
            HINT = 'Make the hub a database of its own: CREATE DATABASE, CREATE EXTENSION tthc, then tthc.attach_province().';
  END IF;
  -- money stays on the province (the hub mirrors its events only): its keys to the dossier go
  ALTER TABLE tthc.payment DROP CONSTRAINT payment_dossier_id_fkey;
  ALTER TABLE tthc.receipt DROP CONSTRAINT receipt_dossier_id_fkey;
  ALTER TABLE tthc.dossier DROP CONSTRAINT dossier_pkey;
  ALTER TABLE tthc.dossier ADD CONSTRAINT dossier_pkey UNIQUE NULLS NOT DISTINCT (id, province);
  ALTER TABLE tthc.dossier_event DROP CONSTRAINT dossier_event_pkey;
  ALTER TABLE tthc.dossier_event ADD CONSTRAINT dossier_event_pkey UNIQUE NULLS NOT DISTINCT (dossier_id, province, seq);
  CREATE INDEX dossier_event_mirrored ON tthc.dossier_event (province, mirrored_at);
  ALTER TABLE tthc.apology DROP CONSTRAINT apology_pkey;
  ALTER TABLE tthc.apology ADD CONSTRAINT apology_pkey UNIQUE NULLS NOT DISTINCT (dossier_id, province, seq);
  ALTER TABLE tthc.rating DROP CONSTRAINT rating_pkey;
  ALTER TABLE tthc.rating ADD CONSTRAINT rating_pkey UNIQUE NULLS NOT DISTINCT (dossier_id, province);
  ALTER TABLE tthc.calendar DROP CONSTRAINT calendar_pkey CASCADE;
  ALTER TABLE tthc.calendar ADD CONSTRAINT calendar_pkey UNIQUE NULLS NOT DISTINCT (name, province);
  ALTER TABLE tthc.calendar_exception DROP CONSTRAINT calendar_exception_pkey;
  ALTER TABLE tthc.calendar_exception ADD CONSTRAINT calendar_exception_pkey UNIQUE NULLS NOT DISTINCT (calendar, province, day, shipped);
  ALTER TABLE tthc.calendar_week DROP CONSTRAINT calendar_week_pkey;
  ALTER TABLE tthc.calendar_week ADD CONSTRAINT calendar_week_pkey UNIQUE NULLS NOT DISTINCT (calendar, province, isodow, shipped);
  ALTER TABLE tthc.calendar_year DROP CONSTRAINT calendar_year_pkey;
  ALTER TABLE tthc.calendar_year ADD CONSTRAINT calendar_year_pkey UNIQUE NULLS NOT DISTINCT (calendar, province, year);
  ALTER TABLE tthc.procedure DROP CONSTRAINT procedure_pkey CASCADE;
  ALTER TABLE tthc.procedure ADD CONSTRAINT procedure_pkey UNIQUE NULLS NOT DISTINCT (id, province);
  ALTER TABLE tthc.procedure_step DROP CONSTRAINT procedure_step_pkey;
  ALTER TABLE tthc.procedure_step ADD CONSTRAINT procedure_step_pkey UNIQUE NULLS NOT DISTINCT (procedure_id, province, step);
  ALTER TABLE tthc.dossier_event ALTER COLUMN mirrored_at SET DEFAULT pg_catalog.clock_timestamp();
  FOREACH t IN ARRAY keyed LOOP
    EXECUTE format('ALTER TABLE tthc.%I DROP CONSTRAINT %I', t, t || '_province_local');
    EXECUTE format('ALTER TABLE tthc.%I ALTER COLUMN province SET DEFAULT tthc.mirror_province()', t);
  END LOOP;
  FOREACH t IN ARRAY keyed || ARRAY['report_delta', 'report_day', 'report_month'] LOOP
    -- (named to fire before tthc's own triggers, which run in name order)
    EXECUTE format('CREATE TRIGGER a_hub_mirror BEFORE INSERT OR UPDATE OR DELETE ON tthc.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION tthc.hub_mirror()', t);
    EXECUTE format('CREATE TRIGGER a_hub_mirror_statement BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.%I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION tthc.hub_mirror()', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER a_hub_mirror', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER a_hub_mirror_statement', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['unit', 'procedure', 'procedure_step'] LOOP
    EXECUTE format('CREATE TRIGGER hub_changed AFTER INSERT OR UPDATE OR DELETE ON tthc.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION tthc.table_changed()', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER hub_changed', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['calendar', 'calendar_exception', 'calendar_week', 'calendar_year'] LOOP
    EXECUTE format('CREATE TRIGGER hub_changed AFTER INSERT OR UPDATE OR DELETE ON tthc.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION tthc.calendar_changed()', t);
    EXECUTE format('ALTER TABLE tthc.%I ENABLE ALWAYS TRIGGER hub_changed', t);
  END LOOP;
END $$;
