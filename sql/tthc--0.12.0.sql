-- sql/tthc--0.12.0.sql
\echo Use "CREATE EXTENSION tthc" to load this file. \quit

-- The full install script of tthc 0.12.0, rerolled by scripts/full_script.sh
-- from 0.1.0 and every update script (pg_dump of the updated objects):
-- edit the update scripts and reroll, never this file.  test/sql/upgrade.sql
-- checks that it gives the same objects as the update chain.

-- the roles (once per cluster; they outlive the extension)
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['tthc_admin', 'tthc_officer', 'tthc_auditor', 'tthc_reader', 'tthc_portal'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
END $$;
GRANT tthc_officer TO tthc_admin;

--
-- PostgreSQL database dump
--

SELECT pg_catalog.set_config('search_path', '', true);
SET LOCAL check_function_bodies = false;

--
-- Name: tthc; Type: SCHEMA; Schema: -; Owner: -
--

--
-- Name: day_kind; Type: TYPE; Schema: tthc; Owner: -
--

CREATE TYPE tthc.day_kind AS ENUM (
    'working',
    'weekend',
    'holiday',
    'compensatory',
    'swapped',
    'makeup',
    'special_hours'
);

--
-- Name: TYPE day_kind; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TYPE tthc.day_kind IS 'Why a date works or not: weekly pattern (working, weekend) or a dated exception';

--
-- Name: dossier_status; Type: TYPE; Schema: tthc; Owner: -
--

CREATE TYPE tthc.dossier_status AS ENUM (
    'submitted',
    'received',
    'refused',
    'processing',
    'awaiting_supplement',
    'awaiting_payment',
    'withdrawn',
    'stopped',
    'resolved',
    'returned'
);

--
-- Name: TYPE dossier_status; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TYPE tthc.dossier_status IS 'Dossier statuses, in the order of the national DVCQG codes 1-10';

--
-- Name: lunar_date; Type: TYPE; Schema: tthc; Owner: -
--

CREATE TYPE tthc.lunar_date AS (
	year integer,
	month integer,
	day integer,
	leap boolean
);

--
-- Name: TYPE lunar_date; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TYPE tthc.lunar_date IS 'A date of the Vietnamese lunar calendar (UTC+7); leap marks the intercalary month';

--
-- Name: time_limit; Type: SHELL TYPE; Schema: tthc; Owner: -
--

CREATE TYPE tthc.time_limit;

--
-- Name: time_limit_in(cstring); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_in(cstring) RETURNS tthc.time_limit
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_in';

--
-- Name: FUNCTION time_limit_in(cstring); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_in(cstring) IS 'Text input of tthc.time_limit (English or Vietnamese)';

--
-- Name: time_limit_out(tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_out(tthc.time_limit) RETURNS cstring
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_out';

--
-- Name: FUNCTION time_limit_out(tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_out(tthc.time_limit) IS 'Canonical English text of tthc.time_limit';

--
-- Name: time_limit_recv(internal); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_recv(internal) RETURNS tthc.time_limit
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_recv';

--
-- Name: FUNCTION time_limit_recv(internal); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_recv(internal) IS 'Binary input of tthc.time_limit';

--
-- Name: time_limit_send(tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_send(tthc.time_limit) RETURNS bytea
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_send';

--
-- Name: FUNCTION time_limit_send(tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_send(tthc.time_limit) IS 'Binary output of tthc.time_limit';

--
-- Name: time_limit; Type: TYPE; Schema: tthc; Owner: -
--

CREATE TYPE tthc.time_limit (
    INTERNALLENGTH = 8,
    INPUT = tthc.time_limit_in,
    OUTPUT = tthc.time_limit_out,
    RECEIVE = tthc.time_limit_recv,
    SEND = tthc.time_limit_send,
    ALIGNMENT = int4,
    STORAGE = plain
);

--
-- Name: TYPE time_limit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TYPE tthc.time_limit IS 'A procedure''s legal time limit: N working days, N working hours, N days, or same day';

--
-- Name: time_range; Type: TYPE; Schema: tthc; Owner: -
--

CREATE TYPE tthc.time_range AS RANGE (
    subtype = time without time zone,
    multirange_type_name = tthc.time_multirange
);

--
-- Name: TYPE time_range; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TYPE tthc.time_range IS 'A span of local wall-clock time, used half-open [start, end)';

--
-- Name: add_working_days(date, integer, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.add_working_days(d date, n integer, calendar text DEFAULT 'vn'::text) RETURNS date
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_add_working_days';

--
-- Name: FUNCTION add_working_days(d date, n integer, calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.add_working_days(d date, n integer, calendar text) IS 'n >= 1: the n-th working day after d; 0: d or the next working day; n < 0: the |n|-th working day before d';

--
-- Name: add_working_time(timestamp with time zone, interval, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.add_working_time(ts timestamp with time zone, amount interval, calendar text DEFAULT 'vn'::text) RETURNS timestamp with time zone
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_add_working_time';

--
-- Name: FUNCTION add_working_time(ts timestamp with time zone, amount interval, calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.add_working_time(ts timestamp with time zone, amount interval, calendar text) IS 'Moves through working intervals only; a start outside working time begins at the next interval';

--
-- Name: allowed_targets(tthc.dossier_status); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.allowed_targets(from_status tthc.dossier_status) RETURNS tthc.dossier_status[]
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_allowed_targets';

--
-- Name: FUNCTION allowed_targets(from_status tthc.dossier_status); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.allowed_targets(from_status tthc.dossier_status) IS 'The statuses a dossier may move to from a status';

--
-- Name: apology; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.apology (
    dossier_id bigint NOT NULL,
    seq smallint NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    reason text NOT NULL,
    due_at timestamp with time zone NOT NULL,
    promised_at timestamp with time zone NOT NULL,
    issued_by text DEFAULT CURRENT_USER NOT NULL,
    province text
);

--
-- Name: TABLE apology; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.apology IS 'Apologies and new dates (form 04), written by tthc with the apology event; append-only';

--
-- Name: COLUMN apology.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.apology.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Name: apologize(text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.apologize(code text, reason text, promised_at timestamp with time zone, at timestamp with time zone DEFAULT now()) RETURNS tthc.apology
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  d tthc.dossier;
  a tthc.apology;
BEGIN
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'an apology needs a reason' USING ERRCODE = '22023';
  END IF;
  IF at IS NULL OR promised_at IS NULL THEN
    RAISE EXCEPTION 'the apology time and the promised date cannot be null' USING ERRCODE = '22004';
  END IF;
  IF NOT isfinite(promised_at) OR NOT isfinite(at) THEN
    RAISE EXCEPTION 'the apology time and the promised date must be finite' USING ERRCODE = '22023',
      COLUMN = 'promised_at', TABLE = 'apology', SCHEMA = 'tthc';
  END IF;
  PERFORM set_config('tthc.event_time', CASE WHEN apologize.at = now() THEN '' ELSE apologize.at::text END, true);
  UPDATE tthc.dossier x
     SET promised_at = apologize.promised_at,
         changed_at = CASE WHEN apologize.at = now() THEN x.changed_at ELSE apologize.at END,
         note = apologize.reason
   WHERE x.code = apologize.code
  RETURNING * INTO d;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  PERFORM set_config('tthc.event_time', '', true);
  -- written by the trigger with the apology event
  SELECT * INTO a FROM tthc.apology y WHERE y.dossier_id = d.id AND y.seq = d.apologies;
  RETURN a;
END $$;

--
-- Name: FUNCTION apologize(code text, reason text, promised_at timestamp with time zone, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.apologize(code text, reason text, promised_at timestamp with time zone, at timestamp with time zone) IS 'Issues an apology with a new date (form 04): only while open, early enough (tthc.apology_min_notice) and at most tthc.apology_max times';

--
-- Name: append_only(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.append_only() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_append_only';

--
-- Name: FUNCTION append_only(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.append_only() IS 'Refuses writes to a log that only tthc appends to';

--
-- Name: applicant_id_issue(smallint, smallint, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_applicant_id_issue';

--
-- Name: FUNCTION applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) IS 'What is wrong with an applicant''s ID number for its applicant type (12-digit citizen ID, 9-digit old ID, 10/13-digit tax code), or NULL; the rule tthc.strict_applicant_id enforces';

--
-- Name: as_jsonb(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.as_jsonb(t text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END $$;

--
-- Name: FUNCTION as_jsonb(t text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.as_jsonb(t text) IS 'Internal: an event''s note as JSON, NULL when it is not';

--
-- Name: attach_province(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.attach_province(conninfo text) RETURNS text
    LANGUAGE c STRICT
    AS 'MODULE_PATHNAME', 'tthc_attach_province';

--
-- Name: FUNCTION attach_province(conninfo text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.attach_province(conninfo text) IS 'On the national hub: mirrors the province at conninfo (its publication, a slot created through libpq, a subscription); idempotent; returns its root unit code';

--
-- Name: calendar_changed(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.calendar_changed() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_calendar_changed';

--
-- Name: FUNCTION calendar_changed(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.calendar_changed() IS 'Statement trigger: tells every session to recompile its calendars at its next statement';

--
-- Name: calendar_check(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.calendar_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = NEW.time_zone) THEN
    RAISE EXCEPTION 'time zone "%" of calendar "%" is not a known zone name', NEW.time_zone, NEW.name
      USING ERRCODE = '22023',
            HINT = 'Use a name from pg_timezone_names, e.g. Asia/Ho_Chi_Minh; abbreviations and offsets are ambiguous.';
  END IF;
  IF NEW.parent IS NOT NULL THEN
    -- serialise parent changes, so that two concurrent ones cannot close a cycle
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('tthc.calendar.parent'));
  END IF;
  IF NEW.parent IS NOT NULL AND EXISTS (
       WITH RECURSIVE up(name) AS (
         SELECT NEW.parent
         UNION
         SELECT c.parent FROM tthc.calendar c JOIN up ON c.name = up.name WHERE c.parent IS NOT NULL)
       SELECT 1 FROM up WHERE up.name = NEW.name) THEN
    RAISE EXCEPTION 'calendar "%" cannot inherit from itself', NEW.name
      USING ERRCODE = '22023', DETAIL = format('Its parent chain from "%s" leads back to it.', NEW.parent);
  END IF;
  RETURN NEW;
END $$;

--
-- Name: FUNCTION calendar_check(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.calendar_check() IS 'Validates a calendar row: known time zone, no inheritance cycle';

--
-- Name: calendar_days(text, date, date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.calendar_days(calendar text, "from" date, "to" date) RETURNS TABLE(day date, working boolean, kind text, name text, legal_reference text, provisional boolean, working_time interval, source text)
    LANGUAGE c STABLE STRICT ROWS 366 PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_calendar_days';

--
-- Name: FUNCTION calendar_days(calendar text, "from" date, "to" date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.calendar_days(calendar text, "from" date, "to" date) IS 'Each date of a calendar with its working flag, kind, name, legal reference and provisional flag';

--
-- Name: receipt; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.receipt (
    id bigint NOT NULL,
    dossier_id bigint NOT NULL,
    unit text NOT NULL,
    template text NOT NULL,
    symbol text NOT NULL,
    number integer NOT NULL,
    no text GENERATED ALWAYS AS (lpad((number)::text, 7, '0'::text)) STORED,
    kind text NOT NULL,
    electronic boolean NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    payer_name text,
    payer_id text,
    payer_tax_code text,
    payer_address text,
    lines jsonb NOT NULL,
    total bigint NOT NULL,
    status text DEFAULT 'issued'::text NOT NULL,
    replaces bigint,
    replaced_by bigint,
    cancelled_at timestamp with time zone,
    cancel_reason text,
    event_seq integer NOT NULL,
    cancel_seq integer,
    officer text,
    actor text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT receipt_cancel_consistent CHECK ((((status = 'issued'::text) = (cancelled_at IS NULL)) AND ((status = 'issued'::text) = (cancel_seq IS NULL)) AND ((status = 'replaced'::text) = (replaced_by IS NOT NULL)))),
    CONSTRAINT receipt_status_known CHECK ((status = ANY (ARRAY['issued'::text, 'cancelled'::text, 'replaced'::text]))),
    CONSTRAINT receipt_total_positive CHECK ((total > 0))
);

--
-- Name: TABLE receipt; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.receipt IS 'Receipts (biên lai) as issued: never deleted, never renumbered; cancelled or replaced by tthc.cancel_receipt';

--
-- Name: COLUMN receipt.number; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt.number IS 'Consecutive within its series without gaps';

--
-- Name: COLUMN receipt.no; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt.no IS 'The number as printed: 7 digits';

--
-- Name: COLUMN receipt.lines; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt.lines IS 'The fees it covers: [{payment, fee_code, name, amount}]';

--
-- Name: COLUMN receipt.status; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt.status IS 'issued | cancelled (the number is kept, the money is not receipted) | replaced (by replaced_by)';

--
-- Name: COLUMN receipt.event_seq; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt.event_seq IS 'The dossier event that issued it (kind receipt); cancel_seq the one that cancelled it (receipt_cancel)';

--
-- Name: cancel_receipt(text, text, text, integer, text, boolean, timestamp with time zone, jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean DEFAULT false, at timestamp with time zone DEFAULT now(), payer jsonb DEFAULT NULL::jsonb) RETURNS tthc.receipt
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean, at timestamp with time zone, payer jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean, at timestamp with time zone, payer jsonb) IS 'Cancels a receipt (its number is kept) or, with replace, issues its replacement with the next number; returns the replacement or the cancelled receipt';

--
-- Name: check_transition(tthc.dossier_status, tthc.dossier_status); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.check_transition(from_status tthc.dossier_status, to_status tthc.dossier_status) RETURNS void
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_check_transition';

--
-- Name: FUNCTION check_transition(from_status tthc.dossier_status, to_status tthc.dossier_status); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.check_transition(from_status tthc.dossier_status, to_status tthc.dossier_status) IS 'Raises 55000, naming the allowed next statuses, unless the move is allowed';

--
-- Name: check_units(text[]); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.check_units(units text[]) RETURNS void
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_check_units';

--
-- Name: FUNCTION check_units(units text[]); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.check_units(units text[]) IS 'Raises 42501 unless the outer role (the login or SET ROLE, also inside SECURITY DEFINER functions) reads every unit or works on each of these';

--
-- Name: dossier; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.dossier (
    id bigint NOT NULL,
    code text NOT NULL,
    procedure_code text NOT NULL,
    procedure_id bigint,
    receiving_unit text NOT NULL,
    handling_unit text NOT NULL,
    channel smallint DEFAULT 1 NOT NULL,
    applicant_name text,
    applicant_id text,
    applicant_phone text,
    applicant_address text,
    submitted_at timestamp with time zone,
    received_at timestamp with time zone,
    status tthc.dossier_status DEFAULT 'received'::tthc.dossier_status NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    due_at timestamp with time zone,
    promised_at timestamp with time zone,
    apologies smallint DEFAULT 0 NOT NULL,
    clock_started_at timestamp with time zone,
    paused_at timestamp with time zone,
    paused_work interval DEFAULT '00:00:00'::interval NOT NULL,
    step smallint,
    step_unit text,
    step_started_at timestamp with time zone,
    step_due_at timestamp with time zone,
    step_paused_work interval,
    finished_at timestamp with time zone,
    returned_at timestamp with time zone,
    result text,
    overdue_since timestamp with time zone,
    due_soon_at timestamp with time zone,
    regime text,
    note text,
    event_seq integer DEFAULT 0 NOT NULL,
    event_hash bytea,
    payment text,
    digitised boolean DEFAULT false NOT NULL,
    result_electronic boolean DEFAULT false NOT NULL,
    province text,
    portal_code text,
    portal_seq integer DEFAULT 0,
    applicant_type smallint,
    applicant_id_type smallint,
    applicant_email text,
    summary text,
    result_by_post boolean DEFAULT false NOT NULL,
    received_out_of_hours boolean,
    CONSTRAINT applicant_id_type_known CHECK ((applicant_id_type = ANY (ARRAY[1, 2]))),
    CONSTRAINT applicant_type_known CHECK (((applicant_type >= 1) AND (applicant_type <= 4))),
    CONSTRAINT channel_known CHECK ((channel = ANY (ARRAY[1, 2, 3]))),
    CONSTRAINT dossier_code_format CHECK ((code ~ '^[A-Z0-9.]+-[0-9]{6}-[0-9]{4,5}$'::text)),
    CONSTRAINT payment_known CHECK ((payment = ANY (ARRAY['online'::text, 'offline'::text]))),
    CONSTRAINT portal_code_format CHECK ((portal_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$'::text)),
    CONSTRAINT regime_known CHECK ((regime = ANY (ARRAY['ND61_2018'::text, 'ND118_2025'::text]))),
    CONSTRAINT result_known CHECK ((result = ANY (ARRAY['early'::text, 'on_time'::text, 'late'::text])))
);

--
-- Name: TABLE dossier; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.dossier IS 'Administrative-procedure dossiers (hồ sơ TTHC); every write is checked and completed by the dossier_guard trigger';

--
-- Name: COLUMN dossier.code; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.code IS 'The dossier code {receiving unit}-{yyMMdd}-{NNNN}, generated when not given (gap-free per unit and local day)';

--
-- Name: COLUMN dossier.procedure_id; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.procedure_id IS 'The version of the procedure in force at reception (set by tthc)';

--
-- Name: COLUMN dossier.handling_unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.handling_unit IS 'The unit that decides; its calendar times the dossier (defaults to the receiving unit)';

--
-- Name: COLUMN dossier.channel; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.channel IS '1 in person, 2 online, 3 public postal service';

--
-- Name: COLUMN dossier.changed_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.changed_at IS 'Time of the latest event; set it in an UPDATE to date the change, otherwise now() is used';

--
-- Name: COLUMN dossier.due_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.due_at IS 'The legal deadline (set by tthc at reception; moved only by lawful pauses, restarts and tthc.recompute_deadlines)';

--
-- Name: COLUMN dossier.promised_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.promised_at IS 'The new date proposed in an apology (see tthc.apologize); lateness is still judged on due_at';

--
-- Name: COLUMN dossier.clock_started_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.clock_started_at IS 'Reception, or the latest restart after a supplement';

--
-- Name: COLUMN dossier.paused_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.paused_at IS 'Set while the clock is stopped (awaiting a supplement or payment)';

--
-- Name: COLUMN dossier.paused_work; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.paused_work IS 'Working time spent paused since clock_started_at; due_at moved forward by it';

--
-- Name: COLUMN dossier.step; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.step IS 'Current step of an inter-agency procedure; advance it by one to hand the dossier over';

--
-- Name: COLUMN dossier.finished_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.finished_at IS 'When the dossier entered resolved';

--
-- Name: COLUMN dossier.result; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.result IS 'early | on_time | late against due_at, set at resolution';

--
-- Name: COLUMN dossier.overdue_since; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.overdue_since IS 'The deadline it passed while running, once noticed (by tthc.sweep or any later change)';

--
-- Name: COLUMN dossier.due_soon_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.due_soon_at IS 'When the due-soon warning was raised';

--
-- Name: COLUMN dossier.regime; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.regime IS 'ND61_2018 for dossiers received before 2025-07-01 (UTC+7), ND118_2025 after';

--
-- Name: COLUMN dossier.note; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.note IS 'Note of the latest change; it is copied to the event log';

--
-- Name: COLUMN dossier.event_seq; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.event_seq IS 'Number of events logged for this dossier';

--
-- Name: COLUMN dossier.event_hash; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.event_hash IS 'Hash of the latest event: the head of the dossier''s hash chain';

--
-- Name: COLUMN dossier.payment; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.payment IS 'How the fees were paid: online or offline; NULL when no payment stands. Set by tthc from tthc.payment once the dossier has payments';

--
-- Name: COLUMN dossier.digitised; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.digitised IS 'The components of the dossier were digitised at reception';

--
-- Name: COLUMN dossier.result_electronic; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.result_electronic IS 'The result was issued as an electronic document';

--
-- Name: COLUMN dossier.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.province IS 'On the national hub: the province the row is mirrored from (its root unit); NULL on a province''s own node';

--
-- Name: COLUMN dossier.portal_code; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.portal_code IS 'The national portal''s code of the dossier (MaHoSo), for a dossier it sent; written at INSERT only';

--
-- Name: COLUMN dossier.portal_seq; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.portal_seq IS 'The last event the national portal acknowledged (NULL: never sent, a dossier older than 0.11.0); maintained by tthc.portal_ack';

--
-- Name: COLUMN dossier.applicant_type; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.applicant_type IS 'LoaiDoiTuong: 1 citizen, 2 enterprise, 3 state agency, 4 other (NULL: judged from the ID''s shape)';

--
-- Name: COLUMN dossier.applicant_id_type; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.applicant_id_type IS 'LoaiDinhDanh of a citizen''s ID: 1 the 12-digit citizen ID, 2 the 9-digit old ID card';

--
-- Name: COLUMN dossier.summary; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.summary IS 'TrichYeuHoSo, the summary of the request (at most 1,000 characters for the portal)';

--
-- Name: COLUMN dossier.result_by_post; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.result_by_post IS 'HinhThuc: the result is sent by post (true) or handed over at the desk';

--
-- Name: COLUMN dossier.received_out_of_hours; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier.received_out_of_hours IS 'Received outside the working time of the handling unit''s processing calendar (tthc-written; NULL for dossiers received before 0.12.0 and not yet received)';

--
-- Name: collecting_units(tthc.dossier); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.collecting_units(d tthc.dossier) RETURNS TABLE(unit text, rank integer)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  WITH RECURSIVE up(code, parent, rank) AS (
    SELECT u.code, u.parent, s.base FROM tthc.unit u
      JOIN (VALUES (d.receiving_unit, 0), (d.handling_unit, 1000)) s(code, base) ON u.code = s.code
    UNION ALL
    SELECT u.code, u.parent, up.rank + 1 FROM tthc.unit u JOIN up ON u.code = up.parent WHERE up.rank < 2000)
  SELECT code, min(rank)::integer FROM up GROUP BY code
$$;

--
-- Name: FUNCTION collecting_units(d tthc.dossier); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.collecting_units(d tthc.dossier) IS 'The units whose receipt series may serve a dossier, nearest first';

--
-- Name: create_publication(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.create_publication() RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  main text := '';
  log text := '';
  t text;
  cols text;
  roots bigint;
BEGIN
  IF tthc.is_hub() THEN
    RAISE EXCEPTION 'this node is a national hub: it mirrors provinces and publishes nothing'
      USING ERRCODE = '55000';
  END IF;
  IF current_setting('wal_level') <> 'logical' THEN
    RAISE EXCEPTION 'a province publishes with wal_level = logical, not %', current_setting('wal_level')
      USING ERRCODE = '55000', HINT = 'ALTER SYSTEM SET wal_level = logical, then restart the server.';
  END IF;
  SELECT count(*) INTO roots FROM tthc.unit WHERE parent IS NULL;
  IF roots <> 1 THEN
    RAISE EXCEPTION 'a province node has one root unit, the province; this one has %', roots
      USING ERRCODE = '55000', HINT = 'Give every unit a parent up to the province''s own unit (level province).';
  END IF;
  FOREACH t IN ARRAY ARRAY['unit', 'calendar', 'calendar_exception', 'calendar_week', 'calendar_year',
                           'procedure', 'procedure_step', 'unit_succession', 'dossier', 'report_delta', 'report_day', 'report_month',
                           'dossier_event', 'apology', 'rating'] LOOP
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_attribute a
    WHERE a.attrelid = ('tthc.' || t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND a.attname NOT IN ('province', 'mirrored_at');
    cols := format('tthc.%I (%s)', t, cols);
    IF t LIKE 'calendar%' THEN
      cols := cols || ' WHERE (NOT shipped)';
    END IF;
    IF t IN ('dossier_event', 'apology', 'rating') THEN
      log := log || CASE WHEN log = '' THEN '' ELSE ', ' END || cols;
    ELSE
      main := main || CASE WHEN main = '' THEN '' ELSE ', ' END || cols;
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'tthc') THEN
    EXECUTE 'ALTER PUBLICATION tthc SET TABLE ' || main;
    EXECUTE 'ALTER PUBLICATION tthc SET (publish = ''insert, update, delete'')';
  ELSE
    EXECUTE 'CREATE PUBLICATION tthc FOR TABLE ' || main || ' WITH (publish = ''insert, update, delete'')';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'tthc_log') THEN
    EXECUTE 'ALTER PUBLICATION tthc_log SET TABLE ' || log;
    EXECUTE 'ALTER PUBLICATION tthc_log SET (publish = ''insert'')';
  ELSE
    EXECUTE 'CREATE PUBLICATION tthc_log FOR TABLE ' || log || ' WITH (publish = ''insert'')';
  END IF;
  RETURN 'tthc';
END $$;

--
-- Name: FUNCTION create_publication(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.create_publication() IS 'On a province node (operator-run, idempotent): publishes what the national hub mirrors, as publications tthc and tthc_log; returns tthc';

--
-- Name: data_issues(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.data_issues(code text DEFAULT NULL::text) RETURNS TABLE(code text, field text, rule text, detail text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT d.code, i.field, i.rule, i.detail
  FROM tthc.dossier d, LATERAL tthc.dossier_issues(d) i
  WHERE $1 IS NULL OR d.code = $1
  ORDER BY d.code, i.field, i.rule
$_$;

--
-- Name: FUNCTION data_issues(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.data_issues(code text) IS 'What the national portal would refuse of the dossiers the caller sees (or of one): the applicant''s ID shape by applicant type, name, phone, e-mail, required times, the summary''s length; such a dossier is held out of the portal''s outbox until fixed';

--
-- Name: deadline(timestamp with time zone, tthc.time_limit, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.deadline(received timestamp with time zone, time_limit tthc.time_limit, calendar text DEFAULT 'vn'::text) RETURNS timestamp with time zone
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_deadline';

--
-- Name: FUNCTION deadline(received timestamp with time zone, time_limit tthc.time_limit, calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.deadline(received timestamp with time zone, time_limit tthc.time_limit, calendar text) IS 'The appointment (hẹn trả) of a dossier received at a time, under a legal time limit';

--
-- Name: detach_province(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.detach_province(code text) RETURNS void
    LANGUAGE c STRICT
    AS 'MODULE_PATHNAME', 'tthc_detach_province';

--
-- Name: FUNCTION detach_province(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.detach_province(code text) IS 'On the national hub: stops mirroring a province, removes its rows from the hub and drops its slot on the province after commit';

--
-- Name: dossier_counted(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dossier_counted() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_dossier_counted';

--
-- Name: FUNCTION dossier_counted(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dossier_counted() IS 'Appends the report sums counted by a statement''s dossier writes to tthc.report_delta';

--
-- Name: dossier_fees(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dossier_fees(code text) RETURNS TABLE(fee_code text, kind text, name text, amount bigint, stage text, portal_stage smallint, paid bigint, waived boolean, due bigint)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION dossier_fees(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dossier_fees(code text) IS 'The fees of a dossier''s procedure version with what is paid (net of refunds), waived and still due; row security decides which dossiers';

--
-- Name: dossier_guard(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dossier_guard() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_dossier_guard';

--
-- Name: FUNCTION dossier_guard(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dossier_guard() IS 'Checks every write of a dossier (status moves, times, computed columns), runs the clock and logs the event';

--
-- Name: dossier_issues(tthc.dossier); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dossier_issues(d tthc.dossier) RETURNS TABLE(field text, rule text, detail text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT x.field, x.rule, x.detail FROM (VALUES
    ('applicant_name', 'required', CASE WHEN coalesce(btrim(d.applicant_name), '') = '' THEN 'the applicant''s name (ChuHoSo) is missing' END),
    ('applicant_name', 'name_shape', CASE
       WHEN coalesce(btrim(d.applicant_name), '') = '' THEN NULL
       WHEN d.applicant_name ~ '[0-9]' THEN 'a name has no digits'
       WHEN d.applicant_name <> btrim(d.applicant_name) OR d.applicant_name ~ '\s\s' THEN 'spaces before, after or doubled inside the name'
       WHEN char_length(d.applicant_name) < 2 OR char_length(d.applicant_name) > 150 THEN 'a name has 2 to 150 characters'
       WHEN d.applicant_name ~ '[!"#$%*+/:;<=>?@\[\\\]^_`{|}~]' THEN 'a name has no symbols' END),
    ('applicant_id', CASE WHEN coalesce(d.applicant_id, '') = '' THEN 'required' ELSE 'id_shape' END,
       tthc.applicant_id_issue(d.applicant_type, d.applicant_id_type, d.applicant_id)),
    ('applicant_id_type', 'id_type', CASE WHEN d.applicant_id_type IS NOT NULL AND coalesce(d.applicant_type, 1) <> 1
       THEN 'LoaiDinhDanh is for a citizen''s ID; the applicant type is ' || d.applicant_type END),
    ('applicant_phone', CASE WHEN d.applicant_phone IS NULL THEN 'required' ELSE 'phone_shape' END, CASE
       WHEN d.applicant_phone IS NULL THEN CASE WHEN d.channel = 2 THEN 'an online dossier has the applicant''s phone (SoDienThoai)' END
       WHEN regexp_replace(d.applicant_phone, '[ .-]', '', 'g') !~ '^(0|\+84)[1-9][0-9]{8,9}$'
         THEN 'a phone number is 0 (or +84) and 9 or 10 digits' END),
    ('applicant_email', 'email_shape', CASE WHEN d.applicant_email IS NOT NULL AND d.applicant_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
       THEN 'not an e-mail address' END),
    ('submitted_at', 'required', CASE WHEN d.channel = 2 AND d.submitted_at IS NULL
       THEN 'an online dossier has its submission time (NgayNopHoSo)' END),
    ('received_at', 'required', CASE WHEN d.received_at IS NULL AND d.status NOT IN ('submitted', 'refused')
       THEN 'a received dossier has its reception time (NgayTiepNhan)' END),
    ('received_at', 'time_order', CASE WHEN d.received_at < d.submitted_at
       THEN 'received before it was submitted' END),
    ('summary', 'too_long', CASE WHEN char_length(d.summary) > 1000
       THEN 'the summary (TrichYeuHoSo) has ' || char_length(d.summary) || ' characters; at most 1000' END)
  ) x(field, rule, detail)
  WHERE x.detail IS NOT NULL
$_$;

--
-- Name: FUNCTION dossier_issues(d tthc.dossier); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dossier_issues(d tthc.dossier) IS 'The data-quality issues of one dossier row (tthc.data_issues)';

--
-- Name: dossier_numbered(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dossier_numbered() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_dossier_numbered';

--
-- Name: FUNCTION dossier_numbered(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dossier_numbered() IS 'Writes the dossier numbers handed out by a statement back to tthc.dossier_counter';

--
-- Name: dossier_state(tthc.dossier); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dossier_state(d tthc.dossier) RETURNS bytea
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_dossier_state';

--
-- Name: FUNCTION dossier_state(d tthc.dossier); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dossier_state(d tthc.dossier) IS 'SHA-256 of the columns of a dossier row that its latest event binds (every column tthc defines but event_hash)';

--
-- Name: due_soon_horizon(timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.due_soon_horizon(at timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_due_soon_horizon';

--
-- Name: FUNCTION due_soon_horizon(at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.due_soon_horizon(at timestamp with time zone) IS 'The latest deadline that is due soon at a time on any unit''s calendar (tthc.warn_before of working time ahead)';

--
-- Name: dvc_code(tthc.dossier_status); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.dvc_code(status tthc.dossier_status) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT CASE status
          WHEN 'submitted' THEN 1 WHEN 'received' THEN 2 WHEN 'refused' THEN 3
          WHEN 'processing' THEN 4 WHEN 'awaiting_supplement' THEN 5
          WHEN 'awaiting_payment' THEN 6 WHEN 'withdrawn' THEN 7 WHEN 'stopped' THEN 8
          WHEN 'resolved' THEN 9 WHEN 'returned' THEN 10 END $$;

--
-- Name: FUNCTION dvc_code(status tthc.dossier_status); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.dvc_code(status tthc.dossier_status) IS 'The national (DVCQG) code of a status: 1 submitted ... 10 returned';

--
-- Name: dossier_event; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.dossier_event (
    dossier_id bigint NOT NULL,
    seq integer NOT NULL,
    at timestamp with time zone NOT NULL,
    kind text NOT NULL,
    from_status tthc.dossier_status,
    to_status tthc.dossier_status,
    unit text,
    step smallint,
    step_due_at timestamp with time zone,
    step_result text,
    old_due_at timestamp with time zone,
    new_due_at timestamp with time zone,
    actor text NOT NULL,
    note text,
    recorded_at timestamp with time zone NOT NULL,
    hash bytea,
    state bytea,
    province text,
    mirrored_at timestamp with time zone,
    officer text
);

--
-- Name: TABLE dossier_event; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.dossier_event IS 'The process control slip: one row per change of a dossier, written by tthc only; append-only';

--
-- Name: COLUMN dossier_event.kind; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.kind IS 'status | pause | resume | restart | handover | deadline | apology | overdue | due_soon | edit | payment | refund | waiver | receipt | receipt_cancel';

--
-- Name: COLUMN dossier_event.unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.unit IS 'The unit acting, or responsible for the step that ended';

--
-- Name: COLUMN dossier_event.step_result; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.step_result IS 'early | on_time | late of the step that ended with this event';

--
-- Name: COLUMN dossier_event.actor; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.actor IS 'The database role that wrote the event (a pooled account, or the officer''s own role)';

--
-- Name: COLUMN dossier_event.recorded_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.recorded_at IS 'Transaction time of the write (at is the lawful time of the event)';

--
-- Name: COLUMN dossier_event.hash; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.hash IS 'SHA-256 of the previous event''s hash and this event''s fields (see tthc.event_hash)';

--
-- Name: COLUMN dossier_event.state; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.state IS 'tthc.dossier_state() of the dossier after the event (covered by hash); NULL for events logged before 0.7.0 that a later event superseded';

--
-- Name: COLUMN dossier_event.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Name: COLUMN dossier_event.mirrored_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.mirrored_at IS 'On the national hub: when the event arrived (mirrored_at - recorded_at is its replication lag); NULL on a province''s own node';

--
-- Name: COLUMN dossier_event.officer; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.dossier_event.officer IS 'The officer acting (tthc.actor, a login of tthc.officer), covered by hash; NULL when none was named and for events no person causes (overdue, due_soon)';

--
-- Name: event_hash(bytea, tthc.dossier_event); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.event_hash(prev bytea, e tthc.dossier_event) RETURNS bytea
    LANGUAGE c IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_event_hash';

--
-- Name: FUNCTION event_hash(prev bytea, e tthc.dossier_event); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.event_hash(prev bytea, e tthc.dossier_event) IS 'The hash an event must carry after the previous event''s hash (NULL for the first event)';

--
-- Name: fee_in_use(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.fee_in_use() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION fee_in_use(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.fee_in_use() IS 'Refuses changing the terms of a fee that has been paid';

--
-- Name: fee; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.fee (
    procedure_id bigint NOT NULL,
    fee_code text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    amount bigint NOT NULL,
    stage text DEFAULT 'reception'::text NOT NULL,
    portal_stage smallint GENERATED ALWAYS AS (
CASE stage
    WHEN 'reception'::text THEN 1
    WHEN 'supplement'::text THEN 2
    ELSE 4
END) STORED,
    exempt text,
    legal_reference text,
    CONSTRAINT fee_amount_nonnegative CHECK ((amount >= 0)),
    CONSTRAINT fee_code_format CHECK ((fee_code ~ '^[A-Za-z0-9._-]{1,40}$'::text)),
    CONSTRAINT fee_kind_known CHECK ((kind = ANY (ARRAY['phi'::text, 'le_phi'::text]))),
    CONSTRAINT fee_stage_known CHECK ((stage = ANY (ARRAY['reception'::text, 'supplement'::text, 'result'::text])))
);

--
-- Name: TABLE fee; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.fee IS 'The fees (phí) and charges (lệ phí) of a procedure version; maintained by tthc_admin';

--
-- Name: COLUMN fee.kind; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.fee.kind IS 'phi | le_phi: they go on separate receipts';

--
-- Name: COLUMN fee.amount; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.fee.amount IS 'In đồng';

--
-- Name: COLUMN fee.stage; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.fee.stage IS 'When it is due: reception, supplement (once a supplement was asked for) or result';

--
-- Name: COLUMN fee.portal_stage; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.fee.portal_stage IS 'The national portal''s HinhThucThu: 1 at reception, 2 at a supplement, 4 with the result';

--
-- Name: COLUMN fee.exempt; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.fee.exempt IS 'Who is exempt, as the legal text says (tthc.waive records a waiver); NULL: nobody';

--
-- Name: fee_outstanding(bigint, tthc.fee); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.fee_outstanding(dossier_id bigint, f tthc.fee) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE WHEN bool_or(p.method = 'waived') THEN 0
              ELSE f.amount - coalesce(sum(p.amount), 0) END
  FROM tthc.payment p
  WHERE p.dossier_id = fee_outstanding.dossier_id AND p.procedure_id = f.procedure_id AND p.fee_code = f.fee_code
$$;

--
-- Name: FUNCTION fee_outstanding(dossier_id bigint, f tthc.fee); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.fee_outstanding(dossier_id bigint, f tthc.fee) IS 'What is still due on a fee of a dossier (0 once waived)';

--
-- Name: grade_18(numeric); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.grade_18(points numeric) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE WHEN points > 15 THEN 'excellent' WHEN points >= 12 THEN 'good'
              WHEN points >= 9 THEN 'fair' WHEN points >= 6 THEN 'average' ELSE 'weak' END
$$;

--
-- Name: FUNCTION grade_18(points numeric); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.grade_18(points numeric) IS 'The department grade on 18 points: > 15 excellent, 12-15 good, 9-12 fair, 6-9 average, < 6 weak';

--
-- Name: hours_ok(tthc.time_multirange); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.hours_ok(hours tthc.time_multirange) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT count(*) <= 8 AND coalesce(bool_and(NOT lower_inf(r) AND NOT upper_inf(r)), true)
        FROM unnest(hours) r $$;

--
-- Name: FUNCTION hours_ok(hours tthc.time_multirange); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.hours_ok(hours tthc.time_multirange) IS 'Whether a day''s hours are at most 8 bounded intervals';

--
-- Name: hub_init(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.hub_init() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET client_min_messages TO 'warning'
    AS $$
DECLARE
  -- the mirrored tables with a province column; the sums have none (keyed by unit)
  keyed text[] := ARRAY['dossier', 'dossier_event', 'apology', 'rating', 'unit', 'calendar',
                        'calendar_exception', 'calendar_week', 'calendar_year', 'procedure', 'procedure_step',
                        'unit_succession'];
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

--
-- Name: FUNCTION hub_init(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.hub_init() IS 'Turns an empty node into a national hub (called by the first tthc.attach_province)';

--
-- Name: hub_mirror(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.hub_mirror() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_hub_mirror';

--
-- Name: FUNCTION hub_mirror(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.hub_mirror() IS 'On the national hub: refuses local writes of mirrored rows, and a province''s change of a row of another province or of its log';

--
-- Name: indicator_weights(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.indicator_weights() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT '{"transparency": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18}'::jsonb $$;

--
-- Name: FUNCTION indicator_weights(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.indicator_weights() IS 'The QĐ 766 points of each group of indicators (100 in all)';

--
-- Name: indicators_766(text, daterange, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean DEFAULT false) RETURNS TABLE(grp text, indicator text, numerator bigint, denominator bigint, ratio numeric, basis text, group_points numeric, points numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  scope text[] := tthc.report_scope(indicators_766.unit, true);
  units text[];
  lo date;
  hi date;
  whole_from date;
  whole_to date;
  t record;
BEGIN
  SELECT array_agg(DISTINCT l.unit) INTO units FROM tthc.report_lineage(scope, lineage) l;
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT m.whole_from, m.whole_to INTO whole_from, whole_to FROM tthc.report_months(lo, hi) m;
  -- each unit's sums, then each successor's part of them
  WITH u AS (
    SELECT a.unit,
           sum(a.resolved_early + a.resolved_on_time) AS in_time,
           sum(a.resolved_early + a.resolved_on_time + a.resolved_late) AS resolved,
           sum(a.received_in_person + a.received_online + a.received_postal) AS received,
           sum(a.received_here) AS received_here,
           sum(a.offered_online) AS offered, sum(a.offered_online_online) AS offered_online,
           sum(a.with_fee) AS with_fee, sum(a.paid_online) AS paid_online,
           sum(a.digitised) AS digitised, sum(a.result_electronic) AS e_result,
           sum(a.rated) AS rated, sum(a.rated_satisfied) AS satisfied
  -- the period's whole months as month rows, its partial months as days
    FROM (SELECT * FROM tthc.report_day r
        WHERE r.unit = ANY (units)
          AND (r.day >= lo AND r.day < least(whole_from, hi) OR r.day >= greatest(whole_to, whole_from) AND r.day < hi)
        UNION ALL
        SELECT * FROM tthc.report_month r
        WHERE r.unit = ANY (units) AND r.month >= whole_from AND r.month < whole_to
        UNION ALL
        SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied, r.received_out_of_hours, r.transferred_in, r.transferred_out, r.received_here
        FROM tthc.report_delta r WHERE r.unit = ANY (units) AND r.day >= lo AND r.day < hi) a
    GROUP BY a.unit)
  SELECT coalesce(sum((round(u.in_time * l.hi) - round(u.in_time * l.lo))), 0) AS in_time,
         coalesce(sum((round(u.resolved * l.hi) - round(u.resolved * l.lo))), 0) AS resolved,
         coalesce(sum((round(u.received * l.hi) - round(u.received * l.lo))), 0) AS received,
         coalesce(sum((round(u.received_here * l.hi) - round(u.received_here * l.lo))), 0) AS received_here,
         coalesce(sum((round(u.offered * l.hi) - round(u.offered * l.lo))), 0) AS offered,
         coalesce(sum((round(u.offered_online * l.hi) - round(u.offered_online * l.lo))), 0) AS offered_online,
         coalesce(sum((round(u.with_fee * l.hi) - round(u.with_fee * l.lo))), 0) AS with_fee,
         coalesce(sum((round(u.paid_online * l.hi) - round(u.paid_online * l.lo))), 0) AS paid_online,
         coalesce(sum((round(u.digitised * l.hi) - round(u.digitised * l.lo))), 0) AS digitised,
         coalesce(sum((round(u.e_result * l.hi) - round(u.e_result * l.lo))), 0) AS e_result,
         coalesce(sum((round(u.rated * l.hi) - round(u.rated * l.lo))), 0) AS rated,
         coalesce(sum((round(u.satisfied * l.hi) - round(u.satisfied * l.lo))), 0) AS satisfied
    INTO t
  FROM u JOIN tthc.report_lineage(scope, lineage) l ON l.unit = u.unit;
  RETURN QUERY
  WITH x AS (
    SELECT x.grp, x.indicator, x.num::bigint AS num, x.den::bigint AS den,
           round(x.num::numeric / nullif(x.den, 0), 4) AS ratio, x.basis, x.ord,
           (tthc.indicator_weights() ->> x.grp)::numeric AS group_points
    FROM (VALUES
      (1, 'transparency', 'published_procedures', NULL::bigint, NULL::bigint,
       'not recorded: which procedures are published on the portal'),
      (2, 'progress', 'on_time_rate', t.in_time, t.resolved,
       'resolved early or on time / resolved in the period'),
      (3, 'digitisation', 'digitised_rate', t.digitised, t.received_here,
       'received with digitised components (dossier.digitised) / received in the period (counted where the dossiers are now)'),
      (4, 'digitisation', 'electronic_result_rate', t.e_result, t.resolved,
       'resolved with an electronic result (dossier.result_electronic) / resolved in the period'),
      (5, 'digitisation', 'reused_data_rate', NULL, NULL,
       'not recorded: components taken from digitised results instead of submitted again'),
      (6, 'online', 'online_rate', t.offered_online, t.offered,
       'received online / received for procedures offered online (procedure.online_service), in the period'),
      (7, 'online', 'online_payment_rate', t.paid_online, t.with_fee,
       'paid online / received with a fee (dossier.payment), in the period'),
      (8, 'satisfaction', 'satisfaction_rate', t.satisfied, t.rated,
       'ratings not unsatisfied / ratings given in the period (tthc.rating)')
    ) x(ord, grp, indicator, num, den, basis))
  SELECT x.grp, x.indicator, x.num, x.den, x.ratio, x.basis, x.group_points,
         round(x.ratio * x.group_points / count(x.ratio) OVER (PARTITION BY x.grp), 2)
  FROM x ORDER BY x.ord;
END $$;

--
-- Name: FUNCTION indicators_766(unit text, period daterange, lineage boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean) IS 'The QĐ 766 ratios the data supports, with numerator and denominator, the group''s weight and the points earned, for a unit and the units below it (with lineage, and the parts of the ended units they took over); NULL where tthc records nothing to count';

--
-- Name: is_hub(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.is_hub() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                        WHERE tgrelid = 'tthc.dossier'::pg_catalog.regclass AND tgname = 'a_hub_mirror') $$;

--
-- Name: FUNCTION is_hub(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.is_hub() IS 'Whether this node is a national hub (tthc.attach_province made it one)';

--
-- Name: is_working_day(date, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.is_working_day(day date, calendar text DEFAULT 'vn'::text) RETURNS boolean
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_is_working_day';

--
-- Name: FUNCTION is_working_day(day date, calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.is_working_day(day date, calendar text) IS 'Whether a date has working time in a calendar';

--
-- Name: issue_receipt(text, timestamp with time zone, text, text, jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.issue_receipt(code text, at timestamp with time zone DEFAULT now(), template text DEFAULT NULL::text, symbol text DEFAULT NULL::text, payer jsonb DEFAULT NULL::jsonb) RETURNS SETOF tthc.receipt
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION issue_receipt(code text, at timestamp with time zone, template text, symbol text, payer jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.issue_receipt(code text, at timestamp with time zone, template text, symbol text, payer jsonb) IS 'Issues one receipt per kind (phí, lệ phí) over the dossier''s paid payments without one, numbered next in a series of its units (nearest first, electronic first)';

--
-- Name: lawful_due(tthc.dossier); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.lawful_due(d tthc.dossier) RETURNS timestamp with time zone
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_lawful_due';

--
-- Name: FUNCTION lawful_due(d tthc.dossier); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.lawful_due(d tthc.dossier) IS 'The deadline of a dossier recomputed on today''s calendars: the limit from clock_started_at, moved by paused_work';

--
-- Name: lineage_part(numeric, numeric, numeric); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT (round($1 * $3) - round($1 * $2))::bigint
$_$;

--
-- Name: FUNCTION lineage_part(n numeric, lo numeric, hi numeric); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) IS 'The part of a count n between the cumulative shares lo and hi, rounded so that the parts add up to n';

--
-- Name: local_bounds(text, date, date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.local_bounds(unit text, lo date, hi date, OUT lo_at timestamp with time zone, OUT hi_at timestamp with time zone) RETURNS record
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT lo::timestamp AT TIME ZONE z.tz, hi::timestamp AT TIME ZONE z.tz
  FROM (SELECT coalesce((SELECT c.time_zone FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar
                         WHERE u.code = $1 LIMIT 1), 'Asia/Ho_Chi_Minh') AS tz) z
$_$;

--
-- Name: FUNCTION local_bounds(unit text, lo date, hi date, OUT lo_at timestamp with time zone, OUT hi_at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.local_bounds(unit text, lo date, hi date, OUT lo_at timestamp with time zone, OUT hi_at timestamp with time zone) IS 'The local days lo..hi (exclusive) of a unit as times, in its calendar''s time zone';

--
-- Name: local_day(text, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.local_day(unit text, at timestamp with time zone) RETURNS date
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT (at AT TIME ZONE coalesce(
    (SELECT c.time_zone FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar WHERE u.code = $1),
    'Asia/Ho_Chi_Minh'))::date
$_$;

--
-- Name: FUNCTION local_day(unit text, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.local_day(unit text, at timestamp with time zone) IS 'The day of a time in a unit''s calendar time zone';

--
-- Name: local_year(text, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.local_year(unit text, at timestamp with time zone) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT extract(year FROM tthc.local_day(unit, at))::integer
$$;

--
-- Name: FUNCTION local_year(unit text, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.local_year(unit text, at timestamp with time zone) IS 'The year of a time in a unit''s calendar time zone';

--
-- Name: log_problems(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.log_problems(target text) RETURNS TABLE(code text, seq integer, problem text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
  IF target IS NULL THEN
    RETURN QUERY 
    WITH e AS (
      SELECT d.code, x.seq, x.hash,
             lag(x.seq) OVER w AS prev_seq,
             tthc.event_hash(lag(x.hash) OVER w, x) AS expected
      FROM tthc.dossier d JOIN tthc.dossier_event x
        ON x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
      WHERE true
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
      WHERE true),
    orphans AS (
      SELECT '(dossier id ' || x.dossier_id || coalesce(' of ' || x.province, '') || ')' AS code, min(x.seq) AS seq,
             'events of a dossier that does not exist' AS problem
      FROM tthc.dossier_event x
      WHERE true AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = x.dossier_id
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
      WHERE true
      UNION ALL
      SELECT d.code, r.event_seq,
             CASE WHEN x.seq IS NULL OR x.kind <> 'receipt' OR x.note IS NULL
                    OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.receipt_fact(r) OR x.at <> r.issued_at
                    THEN 'receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' does not match its event' END
      FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NULL
      LEFT JOIN tthc.dossier_event x ON x.dossier_id = r.dossier_id AND x.province IS NULL AND x.seq = r.event_seq
      WHERE true
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
      WHERE true
      UNION ALL
      SELECT d.code, x.seq, 'the ' || x.kind || ' event has no row' || CASE WHEN x.kind LIKE 'receipt%' THEN ' in tthc.receipt' ELSE ' in tthc.payment' END
      FROM tthc.dossier_event x JOIN tthc.dossier d ON d.id = x.dossier_id AND d.province IS NULL
      WHERE x.province IS NULL AND x.kind IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
        AND true
        AND NOT EXISTS (SELECT 1 FROM tthc.payment p WHERE p.dossier_id = x.dossier_id AND p.event_seq = x.seq)
        AND NOT EXISTS (SELECT 1 FROM tthc.receipt r WHERE r.dossier_id = x.dossier_id
                          AND (r.event_seq = x.seq OR r.cancel_seq = x.seq))),
    -- every series' next number follows its receipts, numbered from first_no without a hole
    series AS (
      SELECT '(series ' || s.unit || ' ' || s.template || '/' || s.symbol || ')' AS code, s.next_no AS seq,
             'the next number is ' || s.next_no || ' but the receipts are ' || count(r.id) || ' up to number '
               || coalesce(max(r.number), s.first_no - 1) AS problem
      FROM tthc.receipt_series s LEFT JOIN tthc.receipt r USING (unit, template, symbol)
      WHERE true
      GROUP BY s.unit, s.template, s.symbol, s.first_no, s.next_no
      HAVING s.next_no <> coalesce(max(r.number), s.first_no - 1) + 1
          OR count(r.id) <> coalesce(max(r.number), s.first_no - 1) - s.first_no + 1)
    -- the first problem: the earliest event, then the checks in this
    -- order (an altered latest event also fails the head's check)
    SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
    FROM (SELECT *, 1 AS k FROM links WHERE problem IS NOT NULL
          UNION ALL SELECT *, 2 FROM heads WHERE problem IS NOT NULL
          UNION ALL SELECT *, 3 FROM orphans
          UNION ALL SELECT *, 4 FROM money_rows WHERE problem IS NOT NULL
          UNION ALL SELECT *, 5 FROM series) b
    ORDER BY b.code, b.seq, b.k, b.problem
;
  ELSE
    RETURN QUERY 
    WITH e AS (
      SELECT d.code, x.seq, x.hash,
             lag(x.seq) OVER w AS prev_seq,
             tthc.event_hash(lag(x.hash) OVER w, x) AS expected
      FROM tthc.dossier d JOIN tthc.dossier_event x
        ON x.dossier_id = d.id AND x.province IS NOT DISTINCT FROM d.province
      WHERE d.code = log_problems.target
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
      WHERE d.code = log_problems.target),
    orphans AS (
      SELECT '(dossier id ' || x.dossier_id || coalesce(' of ' || x.province, '') || ')' AS code, min(x.seq) AS seq,
             'events of a dossier that does not exist' AS problem
      FROM tthc.dossier_event x
      WHERE false AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.id = x.dossier_id
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
      WHERE d.code = log_problems.target
      UNION ALL
      SELECT d.code, r.event_seq,
             CASE WHEN x.seq IS NULL OR x.kind <> 'receipt' OR x.note IS NULL
                    OR tthc.as_jsonb(x.note) IS DISTINCT FROM tthc.receipt_fact(r) OR x.at <> r.issued_at
                    THEN 'receipt ' || r.template || '/' || r.symbol || ' ' || r.no || ' does not match its event' END
      FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NULL
      LEFT JOIN tthc.dossier_event x ON x.dossier_id = r.dossier_id AND x.province IS NULL AND x.seq = r.event_seq
      WHERE d.code = log_problems.target
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
      WHERE d.code = log_problems.target
      UNION ALL
      SELECT d.code, x.seq, 'the ' || x.kind || ' event has no row' || CASE WHEN x.kind LIKE 'receipt%' THEN ' in tthc.receipt' ELSE ' in tthc.payment' END
      FROM tthc.dossier_event x JOIN tthc.dossier d ON d.id = x.dossier_id AND d.province IS NULL
      WHERE x.province IS NULL AND x.kind IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
        AND d.code = log_problems.target
        AND NOT EXISTS (SELECT 1 FROM tthc.payment p WHERE p.dossier_id = x.dossier_id AND p.event_seq = x.seq)
        AND NOT EXISTS (SELECT 1 FROM tthc.receipt r WHERE r.dossier_id = x.dossier_id
                          AND (r.event_seq = x.seq OR r.cancel_seq = x.seq))),
    -- every series' next number follows its receipts, numbered from first_no without a hole
    series AS (
      SELECT '(series ' || s.unit || ' ' || s.template || '/' || s.symbol || ')' AS code, s.next_no AS seq,
             'the next number is ' || s.next_no || ' but the receipts are ' || count(r.id) || ' up to number '
               || coalesce(max(r.number), s.first_no - 1) AS problem
      FROM tthc.receipt_series s LEFT JOIN tthc.receipt r USING (unit, template, symbol)
      WHERE false
      GROUP BY s.unit, s.template, s.symbol, s.first_no, s.next_no
      HAVING s.next_no <> coalesce(max(r.number), s.first_no - 1) + 1
          OR count(r.id) <> coalesce(max(r.number), s.first_no - 1) - s.first_no + 1)
    -- the first problem: the earliest event, then the checks in this
    -- order (an altered latest event also fails the head's check)
    SELECT DISTINCT ON (b.code) b.code, b.seq, b.problem
    FROM (SELECT *, 1 AS k FROM links WHERE problem IS NOT NULL
          UNION ALL SELECT *, 2 FROM heads WHERE problem IS NOT NULL
          UNION ALL SELECT *, 3 FROM orphans
          UNION ALL SELECT *, 4 FROM money_rows WHERE problem IS NOT NULL
          UNION ALL SELECT *, 5 FROM series) b
    ORDER BY b.code, b.seq, b.k, b.problem
;
  END IF;
END
$$;

--
-- Name: FUNCTION log_problems(target text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.log_problems(target text) IS 'Internal (tthc.verify_log): the first problem of each dossier''s control slip, of every dossier (NULL) or of one by its code''s index';

--
-- Name: lunar_to_solar(integer, integer, integer, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.lunar_to_solar(year integer, month integer, day integer, leap boolean DEFAULT false) RETURNS date
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_lunar_to_solar';

--
-- Name: FUNCTION lunar_to_solar(year integer, month integer, day integer, leap boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.lunar_to_solar(year integer, month integer, day integer, leap boolean) IS 'The solar date of a Vietnamese lunar date (lunar years 1900-2199)';

--
-- Name: mask(text, integer); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.mask(value text, keep integer DEFAULT 3) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE WHEN value IS NULL THEN NULL
              WHEN length(value) <= greatest(keep, 0) THEN repeat('*', length(value))
              ELSE repeat('*', length(value) - greatest(keep, 0)) || right(value, greatest(keep, 0)) END
$$;

--
-- Name: FUNCTION mask(value text, keep integer); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.mask(value text, keep integer) IS 'A value with all but its last `keep` characters (none when keep <= 0) replaced by *';

--
-- Name: mask_name(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.mask_name(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT string_agg(left(w, 1) || repeat('*', length(w) - 1), ' ' ORDER BY i)
  FROM regexp_split_to_table(btrim(name), '\s+') WITH ORDINALITY AS t(w, i)
$$;

--
-- Name: FUNCTION mask_name(name text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.mask_name(name text) IS 'A person''s name with every word reduced to its first letter (Nguyễn Văn An: N***** V** A*)';

--
-- Name: mirror_province(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.mirror_province() RETURNS text
    LANGUAGE c STABLE PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'tthc_mirror_province';

--
-- Name: FUNCTION mirror_province(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.mirror_province() IS 'In a replication worker of the national hub, the province whose subscription it applies; NULL elsewhere (the default of the province columns on the hub)';

--
-- Name: money_act(bigint, text, jsonb, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone) IS 'Internal: carries out a money act as a change of the dossier; returns its event number before';

--
-- Name: money_apply(jsonb, bigint, integer, timestamp with time zone, text, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.money_apply(act jsonb, dossier_id bigint, first_seq integer, at timestamp with time zone, actor text, officer text) RETURNS TABLE(kind text, note text, unit text, move_to text, set_payment boolean, payment text)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION money_apply(act jsonb, dossier_id bigint, first_seq integer, at timestamp with time zone, actor text, officer text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.money_apply(act jsonb, dossier_id bigint, first_seq integer, at timestamp with time zone, actor text, officer text) IS 'Internal: checks and writes a staged payment, refund, waiver or receipt for the dossier trigger, returning the events to log';

--
-- Name: money_dossier(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.money_dossier(code text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION money_dossier(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.money_dossier(code text) IS 'Internal: the id of a dossier the caller may change, locked';

--
-- Name: money_stage(text, jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.money_stage(code text, act jsonb) RETURNS void
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_money_stage';

--
-- Name: FUNCTION money_stage(code text, act jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.money_stage(code text, act jsonb) IS 'Internal: the money act the next UPDATE of the dossier carries out (tthc.pay and the like)';

--
-- Name: money_writing(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.money_writing() RETURNS boolean
    LANGUAGE c PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'tthc_money_writing';

--
-- Name: FUNCTION money_writing(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.money_writing() IS 'Internal: whether tthc is writing a payment or a receipt';

--
-- Name: my_units(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.my_units() RETURNS text[]
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_my_units';

--
-- Name: FUNCTION my_units(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.my_units() IS 'The units current_user works on: those tthc.officer_unit assigns to its roles, and the units below them';

--
-- Name: national_report(daterange); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.national_report(period daterange) RETURNS TABLE(level text, unit text, carried_over bigint, received bigint, received_in_person bigint, received_online bigint, received_postal bigint, resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint, in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint, awaiting_supplement bigint, supplement_requests bigint, withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  -- the caller, not the owner: a national reader reads every province
  PERFORM tthc.check_units(ARRAY(SELECT u.code FROM tthc.unit u WHERE u.parent IS NULL));
  -- tthc.report's sums, read once for the whole country and grouped by
  -- province (the root above each unit): the same rows as each province's
  -- tthc.report total, without its rows per unit and field.  The day rows
  -- of the period's partial months come by their day index.
  RETURN QUERY
  WITH RECURSIVE tree(code, root) AS (
    SELECT u.code, u.code FROM tthc.unit u WHERE u.parent IS NULL
    UNION ALL
    SELECT u.code, t.root FROM tthc.unit u JOIN tree t ON u.parent = t.code),
  p AS (
    SELECT r.lo, r.hi, m.lo_month, m.whole_from, m.whole_to
    FROM tthc.report_period(national_report.period) r, tthc.report_months(r.lo, r.hi) m),
  a AS (
    SELECT r.unit, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_day r, p WHERE r.day >= p.lo_month AND r.day < least(p.whole_from, p.hi)
    UNION ALL
    SELECT r.unit, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_day r, p WHERE r.day >= greatest(p.whole_to, p.whole_from) AND r.day < p.hi
    UNION ALL
    SELECT r.unit, r.month, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_month r, p WHERE r.month < p.lo_month OR r.month >= p.whole_from AND r.month < p.whole_to
    UNION ALL
    SELECT r.unit, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.resolved_work
    FROM tthc.report_delta r, p WHERE r.day < p.hi),
  s AS (
    SELECT grouping(t.root) AS g, t.root,
           coalesce(sum(a.open_change) FILTER (WHERE a.day < p.lo), 0) AS carried_over,
           coalesce(sum(a.received_in_person) FILTER (WHERE a.day >= p.lo), 0) AS in_person,
           coalesce(sum(a.received_online) FILTER (WHERE a.day >= p.lo), 0) AS online,
           coalesce(sum(a.received_postal) FILTER (WHERE a.day >= p.lo), 0) AS postal,
           coalesce(sum(a.resolved_early) FILTER (WHERE a.day >= p.lo), 0) AS early,
           coalesce(sum(a.resolved_on_time) FILTER (WHERE a.day >= p.lo), 0) AS on_time,
           coalesce(sum(a.resolved_late) FILTER (WHERE a.day >= p.lo), 0) AS late,
           coalesce(sum(a.open_change), 0) AS open_end,
           coalesce(sum(a.overdue_change), 0) AS overdue_end,
           coalesce(sum(a.supplement_change), 0) AS supp_end,
           coalesce(sum(a.supplement_requests) FILTER (WHERE a.day >= p.lo), 0) AS supp_req,
           coalesce(sum(a.withdrawn) FILTER (WHERE a.day >= p.lo), 0) AS withdrawn,
           coalesce(sum(a.refused) FILTER (WHERE a.day >= p.lo), 0) AS refused,
           coalesce(sum(a.stopped) FILTER (WHERE a.day >= p.lo), 0) AS stopped,
           sum(a.resolved_work) FILTER (WHERE a.day >= p.lo) AS work
    FROM tree t LEFT JOIN a ON a.unit = t.code CROSS JOIN p
    GROUP BY GROUPING SETS ((t.root), ()))
  SELECT CASE WHEN s.g = 0 THEN 'province' ELSE 'total' END, s.root, s.carried_over::bigint,
         (s.in_person + s.online + s.postal)::bigint, s.in_person::bigint, s.online::bigint, s.postal::bigint,
         (s.early + s.on_time + s.late)::bigint, s.early::bigint, s.on_time::bigint, s.late::bigint,
         s.open_end::bigint, (s.open_end - s.overdue_end)::bigint, s.overdue_end::bigint,
         s.supp_end::bigint, s.supp_req::bigint, s.withdrawn::bigint, s.refused::bigint, s.stopped::bigint,
         round((s.early + s.on_time) / nullif(s.early + s.on_time + s.late, 0), 4),
         CASE WHEN s.early + s.on_time + s.late > 0
              THEN s.work / (s.early + s.on_time + s.late)::float8 END
  FROM s
  ORDER BY s.g, s.root;
END $$;

--
-- Name: FUNCTION national_report(period daterange); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.national_report(period daterange) IS 'One row per province (level province, unit its root code) with its tthc.report totals, and their sum (level total)';

--
-- Name: officer_in_use(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.officer_in_use() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.login = OLD.login THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier_event e WHERE e.officer = OLD.login)
     OR EXISTS (SELECT 1 FROM tthc.rating r WHERE r.officer = OLD.login) THEN
    RAISE EXCEPTION 'officer "%" is named in the event log or in ratings', OLD.login
      USING ERRCODE = '23503', HINT = 'Set active = false instead: the log keeps naming the officer.',
            SCHEMA = 'tthc', TABLE = 'officer', COLUMN = 'login';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

--
-- Name: FUNCTION officer_in_use(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.officer_in_use() IS 'An officer named by the log or a rating is never removed nor renamed';

--
-- Name: officer_on_dossier(text, bigint); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.officer_on_dossier(login text, dossier_id bigint) RETURNS text
    LANGUAGE sql STABLE STRICT SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT CASE
    WHEN o.login IS NULL THEN 'unknown'
    WHEN EXISTS (
      WITH RECURSIVE up(code) AS (
        SELECT x.u FROM tthc.dossier d, LATERAL (VALUES (d.receiving_unit), (d.handling_unit), (d.step_unit)) x(u)
        WHERE d.id = $2 AND x.u IS NOT NULL
        UNION
        SELECT u.parent FROM up JOIN tthc.unit u ON u.code = up.code WHERE u.parent IS NOT NULL)
      SELECT 1 FROM up WHERE up.code = o.unit) THEN 'works'
    ELSE 'elsewhere' END
  FROM (SELECT $1 AS l) a LEFT JOIN tthc.officer o ON o.login = a.l
$_$;

--
-- Name: FUNCTION officer_on_dossier(login text, dossier_id bigint); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.officer_on_dossier(login text, dossier_id bigint) IS 'For the rating check: unknown, works (at or above a unit of the dossier) or elsewhere';

--
-- Name: payment; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.payment (
    id bigint NOT NULL,
    dossier_id bigint NOT NULL,
    procedure_id bigint NOT NULL,
    fee_code text NOT NULL,
    amount bigint NOT NULL,
    method text NOT NULL,
    online boolean NOT NULL,
    reference text,
    paid_at timestamp with time zone NOT NULL,
    refund_of bigint,
    event_seq integer NOT NULL,
    officer text,
    actor text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT payment_method_known CHECK ((method = ANY (ARRAY['cash'::text, 'transfer'::text, 'card'::text, 'qr'::text, 'portal'::text, 'waived'::text]))),
    CONSTRAINT refund_is_negative CHECK (((refund_of IS NULL) = (amount >= 0))),
    CONSTRAINT waiver_is_zero CHECK (((method = 'waived'::text) = (amount = 0)))
);

--
-- Name: TABLE payment; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.payment IS 'Payments of a dossier''s fees, one row per payment, refund (negative, refund_of) or waiver (0, method waived); written by tthc with the event; append-only';

--
-- Name: COLUMN payment.method; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.payment.method IS 'cash | transfer | card | qr | portal (the national payment platform) | waived';

--
-- Name: COLUMN payment.online; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.payment.online IS 'Paid online (the QĐ 766 online-payment ratio): by default, through the portal';

--
-- Name: COLUMN payment.reference; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.payment.reference IS 'The payment platform''s or bank''s reference; for a refund or a waiver, the reason';

--
-- Name: COLUMN payment.event_seq; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.payment.event_seq IS 'The dossier event that records it (kind payment, refund or waiver)';

--
-- Name: pay(text, text, bigint, text, text, timestamp with time zone, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.pay(code text, fee_code text, amount bigint, method text, reference text DEFAULT NULL::text, at timestamp with time zone DEFAULT now(), online boolean DEFAULT NULL::boolean) RETURNS tthc.payment
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION pay(code text, fee_code text, amount bigint, method text, reference text, at timestamp with time zone, online boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.pay(code text, fee_code text, amount bigint, method text, reference text, at timestamp with time zone, online boolean) IS 'Records a payment of a dossier''s fee (an event of the dossier); settling what is due moves a dossier awaiting payment on';

--
-- Name: payment_fact(tthc.payment); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.payment_fact(p tthc.payment) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT jsonb_build_object('payment', p.id, 'procedure_id', p.procedure_id, 'fee_code', p.fee_code,
                            'amount', p.amount, 'method', p.method, 'online', p.online,
                            'reference', p.reference, 'refund_of', p.refund_of,
                            'officer', p.officer, 'actor', p.actor)
$$;

--
-- Name: FUNCTION payment_fact(p tthc.payment); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.payment_fact(p tthc.payment) IS 'What the payment''s event records (its note): tthc.verify_log compares';

--
-- Name: payment_stands(tthc.payment); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.payment_stands(p tthc.payment) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT p.amount + coalesce((SELECT sum(q.amount) FROM tthc.payment q WHERE q.refund_of = p.id), 0)::bigint
$$;

--
-- Name: FUNCTION payment_stands(p tthc.payment); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.payment_stands(p tthc.payment) IS 'What stands of a payment: its amount less its refunds';

--
-- Name: portal_ack(text, integer, jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_ack(code text, upto_seq integer, response jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  l record;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF upto_seq IS NULL OR upto_seq < 0 OR upto_seq > (l.d).event_seq THEN
    RAISE EXCEPTION 'upto_seq % of dossier % is not one of its events (0 to %)', upto_seq, code, (l.d).event_seq
      USING ERRCODE = '22023';
  END IF;
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN false;                      -- not this session's: nothing recorded
  END IF;
  PERFORM tthc.portal_mark((l.d).id, upto_seq);
  UPDATE tthc.portal_queue y
  SET last_response = tthc.portal_reply(response), attempts = 0, next_try_at = NULL, last_error = NULL, sent_at = now(),
      -- done: the lease is given back; else extended for the next chunk
      lease_until = CASE WHEN upto_seq >= (l.d).event_seq THEN NULL ELSE now() + coalesce(y.lease, '2 min') END,
      leased_by = CASE WHEN upto_seq >= (l.d).event_seq THEN NULL ELSE y.leased_by END
  WHERE y.dossier_id = (l.d).id;
  RETURN true;
END $$;

--
-- Name: FUNCTION portal_ack(code text, upto_seq integer, response jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_ack(code text, upto_seq integer, response jsonb) IS 'The national portal accepted the progress of a dossier up to event upto_seq (never moves back): recorded while this session holds the dossier''s lease (true; the lease extended, or given back when all is acknowledged); false and nothing recorded otherwise';

--
-- Name: portal_ack_record(text, integer, jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_ack_record(code text, record_seq integer, response jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  l record;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF record_seq IS NULL OR record_seq < 1 OR record_seq > (l.d).event_seq THEN
    RAISE EXCEPTION 'record_seq % of dossier % is not one of its events (1 to %)', record_seq, code, (l.d).event_seq
      USING ERRCODE = '22023';
  END IF;
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN false;                      -- not this session's: nothing recorded
  END IF;
  UPDATE tthc.portal_queue y
  SET record_seq = greatest(y.record_seq, portal_ack_record.record_seq), last_response = tthc.portal_reply(response),
      attempts = 0, next_try_at = NULL, last_error = NULL, sent_at = now(),
      lease_until = now() + coalesce(y.lease, '2 min')
  WHERE y.dossier_id = (l.d).id;
  RETURN true;
END $$;

--
-- Name: FUNCTION portal_ack_record(code text, record_seq integer, response jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_ack_record(code text, record_seq integer, response jsonb) IS 'The national portal accepted the dossier record built as of event record_seq: recorded, and the lease extended, while this session holds the dossier''s lease (true); false and nothing recorded otherwise';

--
-- Name: portal_action(text, tthc.dossier_status, tthc.dossier_status); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT CASE $1
    WHEN 'status' THEN CASE $3
      WHEN 'submitted' THEN 'Nộp hồ sơ trực tuyến'
      WHEN 'received' THEN 'Tiếp nhận hồ sơ'
      WHEN 'refused' THEN 'Từ chối tiếp nhận hồ sơ'
      WHEN 'processing' THEN 'Chuyển xử lý hồ sơ'
      WHEN 'awaiting_payment' THEN 'Yêu cầu thực hiện nghĩa vụ tài chính'
      WHEN 'withdrawn' THEN 'Công dân yêu cầu rút hồ sơ'
      WHEN 'stopped' THEN 'Dừng xử lý hồ sơ'
      WHEN 'resolved' THEN 'Đã xử lý xong hồ sơ'
      WHEN 'returned' THEN 'Trả kết quả cho công dân'
      ELSE 'Cập nhật trạng thái hồ sơ' END
    WHEN 'pause' THEN CASE WHEN $3 = 'awaiting_supplement' THEN 'Yêu cầu bổ sung hồ sơ'
                           ELSE 'Tạm dừng tính thời gian xử lý' END
    WHEN 'restart' THEN 'Tiếp nhận hồ sơ bổ sung, tính lại thời hạn'
    WHEN 'resume' THEN CASE WHEN $2 = 'awaiting_supplement' THEN 'Tiếp nhận hồ sơ bổ sung'
                            ELSE 'Tiếp tục xử lý hồ sơ' END
    WHEN 'handover' THEN 'Chuyển bước xử lý'
    WHEN 'deadline' THEN 'Điều chỉnh thời hạn theo lịch làm việc'
    WHEN 'apology' THEN 'Gửi văn bản xin lỗi, hẹn lại ngày trả kết quả'
    WHEN 'overdue' THEN 'Hồ sơ quá hạn xử lý'
    WHEN 'due_soon' THEN 'Hồ sơ sắp đến hạn xử lý'
    WHEN 'edit' THEN 'Cập nhật thông tin hồ sơ'
    WHEN 'transfer' THEN 'Chuyển hồ sơ sang đơn vị khác xử lý'
    WHEN 'payment' THEN 'Thu phí, lệ phí'
    WHEN 'refund' THEN 'Hoàn trả phí, lệ phí'
    WHEN 'waiver' THEN 'Miễn phí, lệ phí'
    WHEN 'receipt' THEN 'Phát hành biên lai thu phí, lệ phí'
    WHEN 'receipt_cancel' THEN 'Hủy biên lai thu phí, lệ phí'
    ELSE $1 END
$_$;

--
-- Name: FUNCTION portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) IS 'The NoiDungXuLy of an event the portal receives';

--
-- Name: portal_claim(integer, interval); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_claim(n integer, lease interval DEFAULT '00:02:00'::interval) RETURNS TABLE(code text, mahoso text, acked_seq integer, event_seq integer, is_update boolean, record jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  d tthc.dossier;
  q tthc.portal_queue;
  issues text;
  broken record;
  got integer := 0;
BEGIN
  IF n IS NULL OR n < 1 OR n > 10000 THEN
    RAISE EXCEPTION 'a claim takes 1 to 10000 dossiers, not %', n USING ERRCODE = '22023';
  END IF;
  IF lease IS NULL OR lease < interval '1 second' OR lease > interval '1 day' THEN
    RAISE EXCEPTION 'a lease lasts 1 second to 1 day, not %', lease USING ERRCODE = '22023';
  END IF;
  -- the pending dossiers (partial index), oldest first, not leased, not
  -- waiting for a retry, not held since their last change; locked rows
  -- (another claim, or a change in progress) are skipped
  FOR d IN
    SELECT x.* FROM tthc.dossier x
    WHERE x.event_seq > x.portal_seq
      AND NOT EXISTS (SELECT 1 FROM tthc.portal_queue y
                      WHERE y.dossier_id = x.id
                        AND (y.lease_until > now() OR y.next_try_at > now() OR y.held_seq >= x.event_seq))
    ORDER BY x.id
    FOR UPDATE OF x SKIP LOCKED
  LOOP
    -- (no LIMIT: dossiers found held on the way do not shorten the claim;
    -- the loop's cursor reads and locks only as far as it gets)
    EXIT WHEN got >= n;
    SELECT string_agg(i.field || ': ' || i.detail, '; ' ORDER BY i.field) INTO issues FROM tthc.dossier_issues(d) i;
    IF issues IS NULL THEN
      SELECT * INTO broken FROM tthc.verify_log(d.code) LIMIT 1;
      IF FOUND THEN
        issues := format('the control slip does not verify (event %s: %s)', broken.seq, broken.problem);
      END IF;
    END IF;
    IF issues IS NOT NULL THEN
      INSERT INTO tthc.portal_queue AS y (dossier_id, held_reason, held_seq)
      VALUES (d.id, issues, d.event_seq)
      ON CONFLICT (dossier_id) DO UPDATE SET held_reason = excluded.held_reason, held_seq = excluded.held_seq,
                                             lease = NULL;
      CONTINUE;
    END IF;
    -- the lease; a lease another claim took since this one's snapshot wins
    INSERT INTO tthc.portal_queue AS y (dossier_id, lease_until, leased_by, lease)
    VALUES (d.id, now() + portal_claim.lease, pg_backend_pid(), portal_claim.lease)
    ON CONFLICT (dossier_id) DO UPDATE
      SET lease_until = excluded.lease_until, leased_by = excluded.leased_by, lease = excluded.lease,
          held_reason = NULL, held_seq = NULL
      WHERE y.lease_until IS NULL OR y.lease_until <= now()
    RETURNING * INTO q;
    CONTINUE WHEN q IS NULL;
    got := got + 1;
    code := d.code;
    mahoso := coalesce(d.portal_code, d.code);
    acked_seq := d.portal_seq;
    event_seq := d.event_seq;
    is_update := q.record_seq > 0 OR d.portal_code IS NOT NULL;
    record := CASE WHEN q.record_seq < d.event_seq THEN tthc.portal_record(d) END;
    RETURN NEXT;
    q := NULL;
  END LOOP;
END $$;

--
-- Name: FUNCTION portal_claim(n integer, lease interval); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_claim(n integer, lease interval) IS 'Hands out up to n dossiers with events the national portal has not acknowledged, each leased to this session: code, MaHoSo, acknowledged and last event, whether the portal has it, and the record to send (NULL when the portal has it as of event_seq); dossiers with data issues are held';

--
-- Name: portal_dossier(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_dossier(code text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  d tthc.dossier;
BEGIN
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = portal_dossier.code;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM tthc.portal_verified(d);
  RETURN tthc.portal_record(d);
END $$;

--
-- Name: FUNCTION portal_dossier(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_dossier(code text) IS 'The dossier record the national portal expects (DongBoHoSoMC), built from the dossier and its verified log; NULL for an unknown code';

--
-- Name: portal_events(tthc.dossier, integer, integer); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_events(d tthc.dossier, after_seq integer, lim integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'MaHoSo', coalesce(d.portal_code, d.code),
           'NguoiXuLy', left(coalesce(o.full_name, u.name, 'Hệ thống'), 50),
           'ChucDanh', o.title,
           'ThoiDiemXuLy', tthc.portal_time(e.at),
           'PhongBanXuLy', coalesce(u.name, e.unit),
           'NoiDungXuLy', tthc.portal_action(e.kind, e.from_status, e.to_status)
                          || CASE WHEN e.kind = 'transfer'
                                  THEN ': ' || coalesce(tu.name, tthc.as_jsonb(e.note) ->> 'to')
                                       || coalesce(' (' || (tthc.as_jsonb(e.note) ->> 'reason') || ')', '')
                                  WHEN e.note IS NOT NULL AND e.kind NOT IN ('payment', 'refund', 'waiver', 'receipt', 'receipt_cancel')
                                  THEN ': ' || e.note ELSE '' END,
           'TrangThai', tthc.portal_status(e.status_after),
           'NgayBatDau', tthc.portal_time(e.started),
           'NgayKetThucTheoQuyDinh', tthc.portal_time(coalesce(e.step_due_at, e.due)))) ORDER BY e.seq), '[]')
  FROM (SELECT x.*, first_value(x.to_status) OVER (PARTITION BY x.sgrp ORDER BY x.seq) AS status_after,
               first_value(x.new_due_at) OVER (PARTITION BY x.dgrp ORDER BY x.seq) AS due
        FROM (SELECT e.*, coalesce(lag(e.at) OVER (ORDER BY e.seq), e.at) AS started,
                     count(e.to_status) OVER (ORDER BY e.seq) AS sgrp,
                     count(e.new_due_at) OVER (ORDER BY e.seq) AS dgrp
              FROM tthc.dossier_event e
              WHERE e.dossier_id = d.id AND e.seq <= after_seq + lim) x) e
  LEFT JOIN tthc.officer o ON o.login = e.officer
  LEFT JOIN tthc.unit u ON u.code = coalesce(e.unit, d.handling_unit)
  LEFT JOIN tthc.unit tu ON e.kind = 'transfer' AND tu.code = tthc.as_jsonb(e.note) ->> 'to'
  WHERE e.seq > after_seq
$$;

--
-- Name: FUNCTION portal_events(d tthc.dossier, after_seq integer, lim integer); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_events(d tthc.dossier, after_seq integer, lim integer) IS 'Internal (tthc.portal_progress): the progress records of a dossier row';

--
-- Name: portal_fail(text, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_fail(code text, error text) RETURNS timestamp with time zone
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  l record;
  retry_at timestamptz;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN NULL;                       -- not this session's: nothing recorded
  END IF;
  -- 30 s, 1 min, 2 min, ... at most 1 hour
  retry_at := now() + least(interval '30 seconds' * power(2, least((l.q).attempts, 20)), interval '1 hour');
  UPDATE tthc.portal_queue y
  SET attempts = y.attempts + 1, next_try_at = retry_at, last_error = left(coalesce(error, 'unknown error'), 2000),
      lease_until = NULL, leased_by = NULL
  WHERE y.dossier_id = (l.d).id;
  RETURN retry_at;
END $$;

--
-- Name: FUNCTION portal_fail(code text, error text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_fail(code text, error text) IS 'A dossier could not be sent: gives this session''s lease back with the error; it is claimable again after a backoff (30 s doubling, at most 1 hour), returned; NULL (nothing recorded) when the lease is not this session''s';

--
-- Name: portal_field(jsonb, text, text, text, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
  v jsonb := payload -> field;
  s text;
BEGIN
  IF v IS NULL OR v = 'null' OR (jsonb_typeof(v) = 'string' AND btrim(v #>> '{}') = '') THEN
    IF required THEN
      RAISE EXCEPTION 'portal record: % is required', field
        USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = col;
    END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(v) NOT IN ('string', 'number') THEN
    RAISE EXCEPTION 'portal record: % is a JSON %, not a % (a string or a number)', field, jsonb_typeof(v), kind
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = col;
  END IF;
  s := btrim(v #>> '{}');
  IF kind = 'integer' AND s !~ '^-?[0-9]{1,4}$' THEN
    RAISE EXCEPTION 'portal record: % is not an integer: "%"', field, s
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = col;
  END IF;
  IF kind = 'time' THEN
    IF s !~ '^[0-9]{14}$' THEN
      RAISE EXCEPTION 'portal record: % is not a time yyyyMMddHHmmss: "%"', field, s
        USING ERRCODE = '22007', TABLE = 'dossier', COLUMN = col;
    END IF;
    BEGIN
      PERFORM make_timestamp(substr(s, 1, 4)::int, substr(s, 5, 2)::int, substr(s, 7, 2)::int,
                             substr(s, 9, 2)::int, substr(s, 11, 2)::int, substr(s, 13, 2)::int);
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
      RAISE EXCEPTION 'portal record: % is not a valid time: "%"', field, s
        USING ERRCODE = '22008', TABLE = 'dossier', COLUMN = col;
    END;
  END IF;
  RETURN s;
END $_$;

--
-- Name: FUNCTION portal_field(payload jsonb, field text, col text, kind text, required boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean) IS 'Internal (tthc.portal_receive): a field of the portal''s record, refused naming it when malformed';

--
-- Name: portal_queue; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.portal_queue (
    dossier_id bigint NOT NULL,
    record_seq integer DEFAULT 0 NOT NULL,
    lease_until timestamp with time zone,
    leased_by integer,
    lease interval,
    attempts integer DEFAULT 0 NOT NULL,
    next_try_at timestamp with time zone,
    last_error text,
    last_response jsonb,
    held_reason text,
    held_seq integer,
    sent_at timestamp with time zone
);

--
-- Name: TABLE portal_queue; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.portal_queue IS 'The portal sync''s state of a dossier it handled: the record the portal acknowledged (record_seq), the lease of the sender sending it, retries, the data hold; maintained by the tthc.portal_* functions';

--
-- Name: COLUMN portal_queue.record_seq; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.portal_queue.record_seq IS 'The event_seq as of which the portal acknowledged the dossier record (0: never)';

--
-- Name: COLUMN portal_queue.leased_by; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.portal_queue.leased_by IS 'The backend (pid) of the sender holding the lease';

--
-- Name: COLUMN portal_queue.held_reason; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.portal_queue.held_reason IS 'Data issues that hold the dossier out of the outbox (tthc.data_issues), as of event held_seq';

--
-- Name: portal_lease(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_lease(code text, OUT d tthc.dossier, OUT q tthc.portal_queue) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = portal_lease.code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'code';
  END IF;
  SELECT * INTO q FROM tthc.portal_queue y WHERE y.dossier_id = d.id FOR UPDATE;
  IF FOUND AND q.held_seq >= d.event_seq THEN
    RAISE EXCEPTION 'dossier % is held out of the outbox for its data issues', code
      USING ERRCODE = '55000', TABLE = 'portal_queue', DETAIL = q.held_reason,
            HINT = 'Fix the data (tthc.data_issues()); the next claim hands it out.';
  END IF;
  -- a hold is not a claim: the lease (its length) is set by a claim only
  IF NOT FOUND OR q.lease IS NULL THEN
    RAISE EXCEPTION 'dossier % was not claimed', code
      USING ERRCODE = '55000', TABLE = 'portal_queue', HINT = 'Claim it with tthc.portal_claim() first.';
  END IF;
END $$;

--
-- Name: FUNCTION portal_lease(code text, OUT d tthc.dossier, OUT q tthc.portal_queue); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_lease(code text, OUT d tthc.dossier, OUT q tthc.portal_queue) IS 'Internal: a dossier and its portal_queue row, locked, for an acknowledgement or a failure';

--
-- Name: portal_mark(bigint, integer); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_mark(dossier_id bigint, upto_seq integer) RETURNS integer
    LANGUAGE c STRICT
    AS 'MODULE_PATHNAME', 'tthc_portal_mark';

--
-- Name: FUNCTION portal_mark(dossier_id bigint, upto_seq integer); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_mark(dossier_id bigint, upto_seq integer) IS 'Internal (tthc.portal_ack): moves dossier.portal_seq forward without an event';

--
-- Name: portal_progress(text, integer, integer); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_progress(code text, after_seq integer DEFAULT 0, lim integer DEFAULT 10) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  d tthc.dossier;
BEGIN
  IF after_seq IS NULL OR after_seq < 0 OR lim IS NULL OR lim < 1 THEN
    RAISE EXCEPTION 'after_seq is 0 or more and lim 1 or more, not % and %', after_seq, lim
      USING ERRCODE = '22023';
  END IF;
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = portal_progress.code;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM tthc.portal_verified(d);
  RETURN tthc.portal_events(d, after_seq, lim);
END $$;

--
-- Name: FUNCTION portal_progress(code text, after_seq integer, lim integer); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_progress(code text, after_seq integer, lim integer) IS 'The progress records the national portal expects (CapNhatTienDoHoSoMC), one per event after after_seq in order, at most lim: handler (the officer''s name), time, action, status after it, unit, step deadline; from the verified log';

--
-- Name: portal_receive(jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_receive(payload jsonb) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
  mahoso text;
  proc text;
  unit_code text;
  recv_unit text;
  rec_channel int;
  st tthc.dossier_status;
  code_in text;
  name text;
  idno text;
  idtype int;
  atype int;
  phone text;
  email text;
  rec_summary text;
  submitted timestamptz;
  received timestamptz;
  rec_digitised boolean;
  paid_online boolean;
  by_post boolean;
  rec_note text;
  ident jsonb;
  d tthc.dossier;
  c text;
BEGIN
  IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
    RAISE EXCEPTION 'a portal record is a JSON object, not %', coalesce(jsonb_typeof(payload), 'NULL')
      USING ERRCODE = '22023';
  END IF;
  mahoso := tthc.portal_field(payload, 'MaHoSo', 'portal_code', 'text', true);
  IF mahoso !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$' THEN
    RAISE EXCEPTION 'portal record: MaHoSo "%" is not a dossier code', mahoso
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'portal_code';
  END IF;
  proc := tthc.portal_field(payload, 'MaTTHC', 'procedure_code', 'text', true);
  IF NOT EXISTS (SELECT 1 FROM tthc.procedure p WHERE p.code = proc) THEN
    RAISE EXCEPTION 'portal record %: MaTTHC % is not a procedure of this province', mahoso, proc
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'procedure_code';
  END IF;
  unit_code := tthc.portal_field(payload, 'DonViXuLy', 'handling_unit', 'text', true);
  IF NOT EXISTS (SELECT 1 FROM tthc.unit u WHERE u.code = unit_code) THEN
    RAISE EXCEPTION 'portal record %: DonViXuLy % is not a unit of this province', mahoso, unit_code
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'handling_unit';
  END IF;
  -- the receiving unit, when the portal names one (a provincial centre
  -- receiving for its department); else the handling unit receives
  recv_unit := coalesce(tthc.portal_field(payload, 'DonViTiepNhan', 'receiving_unit', 'text'), unit_code);
  IF NOT EXISTS (SELECT 1 FROM tthc.unit u WHERE u.code = recv_unit) THEN
    RAISE EXCEPTION 'portal record %: DonViTiepNhan % is not a unit of this province', mahoso, recv_unit
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'receiving_unit';
  END IF;
  rec_channel := coalesce(tthc.portal_field(payload, 'KenhThucHien', 'channel', 'integer')::int, 2);
  IF rec_channel NOT IN (1, 2, 3) THEN
    RAISE EXCEPTION 'portal record %: KenhThucHien is 1, 2 or 3, not %', mahoso, rec_channel
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'channel';
  END IF;
  code_in := coalesce(tthc.portal_field(payload, 'TrangThaiHoSo', 'status', 'text'), tthc.portal_status('submitted'));
  SELECT x.s INTO st FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::tthc.dossier_status)) x(s)
  WHERE tthc.portal_status(x.s) = code_in ORDER BY x.s LIMIT 1;
  IF st IS NULL OR st NOT IN ('submitted', 'received', 'withdrawn') THEN
    RAISE EXCEPTION 'portal record %: TrangThaiHoSo % is not a status the portal sends', mahoso, code_in
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'status',
            DETAIL = 'The portal sends a dossier submitted, received (accepted) or withdrawn; the province moves it on.';
  END IF;
  name := tthc.portal_field(payload, 'ChuHoSo', 'applicant_name', 'text', true);
  ident := CASE WHEN jsonb_typeof(payload -> 'DinhDanhCHS') = 'array' THEN payload -> 'DinhDanhCHS' -> 0 END;
  IF payload ? 'DinhDanhCHS' AND payload -> 'DinhDanhCHS' <> 'null' AND jsonb_typeof(payload -> 'DinhDanhCHS') <> 'array' THEN
    RAISE EXCEPTION 'portal record %: DinhDanhCHS is a list', mahoso
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'applicant_id';
  END IF;
  idno := coalesce(tthc.portal_field(payload, 'SoGiayToChuHoSo', 'applicant_id', 'text'),
                   CASE WHEN ident IS NOT NULL THEN tthc.portal_field(ident, 'SoDinhDanh', 'applicant_id', 'text') END);
  idtype := CASE WHEN ident IS NOT NULL THEN tthc.portal_field(ident, 'LoaiDinhDanh', 'applicant_id_type', 'integer')::int END;
  IF idtype NOT IN (1, 2) THEN
    RAISE EXCEPTION 'portal record %: LoaiDinhDanh is 1 (citizen ID) or 2 (old ID card), not %', mahoso, idtype
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'applicant_id_type';
  END IF;
  atype := tthc.portal_field(payload, 'LoaiDoiTuong', 'applicant_type', 'integer')::int;
  IF atype NOT BETWEEN 1 AND 4 THEN
    RAISE EXCEPTION 'portal record %: LoaiDoiTuong is 1 to 4, not %', mahoso, atype
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'applicant_type';
  END IF;
  phone := tthc.portal_field(payload, 'SoDienThoai', 'applicant_phone', 'text');
  email := tthc.portal_field(payload, 'Email', 'applicant_email', 'text');
  rec_summary := tthc.portal_field(payload, 'TrichYeuHoSo', 'summary', 'text');
  IF char_length(rec_summary) > 1000 THEN
    RAISE EXCEPTION 'portal record %: TrichYeuHoSo has % characters; at most 1000', mahoso, char_length(rec_summary)
      USING ERRCODE = '22001', TABLE = 'dossier', COLUMN = 'summary';
  END IF;
  submitted := tthc.portal_time_in(tthc.portal_field(payload, 'NgayNopHoSo', 'submitted_at', 'time', rec_channel = 2));
  received := tthc.portal_time_in(tthc.portal_field(payload, 'NgayTiepNhan', 'received_at', 'time', st = 'received'));
  IF received < submitted THEN
    RAISE EXCEPTION 'portal record %: NgayTiepNhan is before NgayNopHoSo', mahoso
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'received_at';
  END IF;
  rec_digitised := tthc.portal_field(payload, 'HoSoCoThanhPhanSoHoa', 'digitised', 'integer')::int = 1;
  paid_online := tthc.portal_field(payload, 'DuocThanhToanTrucTuyen', 'payment', 'integer')::int = 1;
  by_post := tthc.portal_field(payload, 'HinhThuc', 'result_by_post', 'integer')::int = 1;
  rec_note := tthc.portal_field(payload, 'GhiChu', 'note', 'text');

  SELECT * INTO d FROM tthc.dossier x WHERE x.portal_code = mahoso;
  IF NOT FOUND THEN
    IF st = 'withdrawn' THEN
      RAISE EXCEPTION 'portal record %: a dossier this province never had cannot arrive withdrawn', mahoso
        USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'status';
    END IF;
    INSERT INTO tthc.dossier AS x (portal_code, procedure_code, receiving_unit, handling_unit, channel, status,
                                   submitted_at, received_at, applicant_name, applicant_id, applicant_id_type,
                                   applicant_type, applicant_phone, applicant_email, summary, digitised, payment,
                                   result_by_post, note)
    VALUES (mahoso, proc, recv_unit, unit_code, rec_channel, st, submitted, CASE WHEN st = 'received' THEN received END,
            name, idno, idtype, atype, phone, email, rec_summary, coalesce(rec_digitised, false),
            CASE WHEN paid_online THEN 'online' END, coalesce(by_post, false), rec_note)
    RETURNING x.code INTO c;
    RETURN c;
  END IF;

  -- a later record: what a client may change, and the moves the portal makes
  -- (acceptance, withdrawal); nothing when nothing differs
  idno := coalesce(idno, d.applicant_id);
  idtype := coalesce(idtype, d.applicant_id_type);
  atype := coalesce(atype, d.applicant_type);
  phone := coalesce(phone, d.applicant_phone);
  email := coalesce(email, d.applicant_email);
  rec_summary := coalesce(rec_summary, d.summary);
  rec_digitised := coalesce(rec_digitised, d.digitised);
  by_post := coalesce(by_post, d.result_by_post);
  rec_note := coalesce(rec_note, d.note);
  IF d.status <> 'submitted' THEN
    proc := d.procedure_code;
    unit_code := d.handling_unit;
    rec_channel := d.channel;
  END IF;
  st := CASE WHEN st = 'received' AND d.status = 'submitted' THEN st
             WHEN st = 'withdrawn' AND d.status <> 'withdrawn' THEN st
             ELSE d.status END;
  IF (d.applicant_name, d.applicant_id, d.applicant_id_type, d.applicant_type, d.applicant_phone,
      d.applicant_email, d.summary, d.digitised, d.result_by_post, d.note, d.procedure_code,
      d.handling_unit, d.channel, d.status)
     IS NOT DISTINCT FROM
     (name, idno, idtype::smallint, atype::smallint, phone, email, rec_summary, rec_digitised, by_post, rec_note, proc,
      unit_code, rec_channel::smallint, st) THEN
    RETURN d.code;
  END IF;
  UPDATE tthc.dossier x SET
    applicant_name = name, applicant_id = idno, applicant_id_type = idtype, applicant_type = atype,
    applicant_phone = phone, applicant_email = email, summary = rec_summary,
    digitised = rec_digitised, result_by_post = by_post, note = rec_note,
    procedure_code = proc, handling_unit = unit_code, channel = rec_channel, status = st,
    changed_at = CASE WHEN st = 'received' AND d.status = 'submitted' THEN received ELSE x.changed_at END
  WHERE x.id = d.id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'portal record %: dossier % is % at its handling unit; the portal''s change is for the unit to record', mahoso, d.code, d.status
      USING ERRCODE = '42501', TABLE = 'dossier',
            HINT = 'The portal''s account changes a dossier it sent only until the province moves it on (submitted or received).';
  END IF;
  RETURN d.code;
END $_$;

--
-- Name: FUNCTION portal_receive(payload jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_receive(payload jsonb) IS 'The inbox: creates a dossier from the national portal''s record (DongBoHoSoMC field names) as submitted or received, keeping its MaHoSo; a later record changes only what a client may (the applicant''s details, the summary, the note; the procedure and unit while submitted) and accepts or withdraws it; the same record twice changes nothing; a malformed record is refused naming the field; returns the dossier''s code';

--
-- Name: portal_record(tthc.dossier); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_record(d tthc.dossier) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'MaHoSo', coalesce(d.portal_code, d.code),
    'MaTTHC', d.procedure_code,
    'TenTTHC', p.name,
    'TenLinhVuc', p.field,
    'KenhThucHien', d.channel,
    'ChuHoSo', d.applicant_name,
    'SoGiayToChuHoSo', d.applicant_id,
    'DinhDanhCHS', CASE WHEN idt IS NOT NULL
      THEN jsonb_build_array(jsonb_build_object('LoaiDinhDanh', idt, 'SoDinhDanh', d.applicant_id)) END,
    'LoaiDoiTuong', coalesce(d.applicant_type, CASE WHEN idt IS NOT NULL THEN 1
                                                    WHEN tthc.applicant_id_issue(2::smallint, NULL, d.applicant_id) IS NULL THEN 2 END),
    'SoDienThoai', d.applicant_phone,
    'Email', d.applicant_email,
    'TrichYeuHoSo', coalesce(d.summary, p.name),
    'NgayNopHoSo', tthc.portal_time(d.submitted_at),
    'NgayTiepNhan', tthc.portal_time(d.received_at),
    'NgayHenTra', tthc.portal_time(coalesce(d.promised_at, d.due_at)),
    'NgayTuChoi', (SELECT tthc.portal_time(max(e.at)) FROM tthc.dossier_event e
                   WHERE e.dossier_id = d.id AND e.to_status = 'refused'),
    'TrangThaiHoSo', tthc.portal_status(d.status),
    'NgayKetThucXuLy', tthc.portal_time(d.finished_at),
    'NgayTra', tthc.portal_time(d.returned_at),
    'HinhThuc', CASE WHEN d.result_by_post THEN 1 ELSE 0 END,
    'DonViXuLy', d.handling_unit,
    'GhiChu', d.note,
    'HoSoCoThanhPhanSoHoa', CASE WHEN d.digitised THEN 1 ELSE 0 END,
    'DuocThanhToanTrucTuyen', CASE WHEN d.payment = 'online' THEN 1 ELSE 0 END,
    'DanhSachLePhi', coalesce(
      -- what was receipted, when receipts exist
      (SELECT jsonb_agg(jsonb_build_object(
                'MaPhiLePhi', l ->> 'fee_code', 'TenPhiLePhi', l ->> 'name',
                'LoaiPhiLePhi', CASE r.kind WHEN 'phi' THEN 1 ELSE 2 END,
                'HinhThucThu', f.portal_stage, 'Gia', (l ->> 'amount')::bigint,
                'SoBienLai', r.symbol || '-' || r.no) ORDER BY r.number, o)
       FROM tthc.receipt r CROSS JOIN LATERAL jsonb_array_elements(r.lines) WITH ORDINALITY x(l, o)
       LEFT JOIN tthc.fee f ON f.procedure_id = d.procedure_id AND f.fee_code = l ->> 'fee_code'
       WHERE r.dossier_id = d.id AND r.status = 'issued'),
      -- else the procedure version's fees
      (SELECT jsonb_agg(jsonb_build_object(
                'MaPhiLePhi', f.fee_code, 'TenPhiLePhi', f.name,
                'LoaiPhiLePhi', CASE f.kind WHEN 'phi' THEN 1 ELSE 2 END,
                'HinhThucThu', f.portal_stage, 'Gia', f.amount) ORDER BY f.fee_code)
       FROM tthc.fee f WHERE f.procedure_id = d.procedure_id),
      '[]'),
    'DanhSachHoSoBoSung', coalesce(
      (SELECT jsonb_agg(jsonb_build_object(
                'LanBoSung', s.round, 'NgayYeuCauBoSung', tthc.portal_time(s.asked_at),
                'NoiDungYeuCauBoSung', s.note, 'NgayTiepNhanBoSung', tthc.portal_time(s.back_at),
                'NgayHenTraTruoc', tthc.portal_time(s.old_due), 'NgayHenTraMoi', tthc.portal_time(s.new_due))
              ORDER BY s.round)
       FROM (SELECT row_number() OVER (ORDER BY a.seq) AS round, a.at AS asked_at, a.note,
                    b.at AS back_at, coalesce(b.old_due_at, d.due_at) AS old_due, b.new_due_at AS new_due
             FROM tthc.dossier_event a
             LEFT JOIN LATERAL (SELECT e.at, e.old_due_at, e.new_due_at FROM tthc.dossier_event e
                                WHERE e.dossier_id = d.id AND e.seq > a.seq
                                  AND e.from_status = 'awaiting_supplement'
                                ORDER BY e.seq LIMIT 1) b ON true
             WHERE a.dossier_id = d.id AND a.to_status = 'awaiting_supplement'
               AND a.from_status IS DISTINCT FROM 'awaiting_supplement') s),
      '[]')))
  FROM tthc.procedure p,
       -- a citizen's kind of ID, as recorded or by the ID rule's shapes
       LATERAL (SELECT coalesce(d.applicant_id_type,
                  CASE WHEN coalesce(d.applicant_type, 1) <> 1 THEN NULL
                       WHEN tthc.applicant_id_issue(1::smallint, 1::smallint, d.applicant_id) IS NULL THEN 1
                       WHEN tthc.applicant_id_issue(1::smallint, 2::smallint, d.applicant_id) IS NULL THEN 2 END)::int AS idt) i
  WHERE p.id = coalesce(d.procedure_id,
                        (SELECT q.id FROM tthc.procedure q WHERE q.code = d.procedure_code
                         ORDER BY q.valid_from DESC LIMIT 1))
$$;

--
-- Name: FUNCTION portal_record(d tthc.dossier); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_record(d tthc.dossier) IS 'The portal''s dossier record (DongBoHoSoMC) of a dossier row';

--
-- Name: portal_release(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_release(code text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  l record;
BEGIN
  SELECT * INTO l FROM tthc.portal_lease(code);
  IF (l.q).leased_by IS DISTINCT FROM pg_backend_pid() THEN
    RETURN false;
  END IF;
  UPDATE tthc.portal_queue y SET lease_until = NULL, leased_by = NULL WHERE y.dossier_id = (l.d).id;
  RETURN true;
END $$;

--
-- Name: FUNCTION portal_release(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_release(code text) IS 'Gives this session''s lease of a dossier back unsent, with no attempt counted and no backoff (a sender stopping, or ending its cycle early); false when the lease is not this session''s';

--
-- Name: portal_reply(jsonb); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_reply(response jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE WHEN pg_catalog.jsonb_typeof(response) = 'object'
              THEN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                     'error_code', response -> 'error_code',
                     'message', pg_catalog.left(response ->> 'message', 500))) END
$$;

--
-- Name: FUNCTION portal_reply(response jsonb); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_reply(response jsonb) IS 'Internal: what portal_queue.last_response keeps of a reply (error_code, and message cut at 500 characters)';

--
-- Name: portal_status(tthc.dossier_status); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_status(s tthc.dossier_status) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT m.code FROM tthc.portal_status_map m WHERE m.status = $1 ORDER BY m.shipped LIMIT 1
$_$;

--
-- Name: FUNCTION portal_status(s tthc.dossier_status); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_status(s tthc.dossier_status) IS 'The portal''s code of a status (tthc.portal_status_map, your row first)';

--
-- Name: portal_time(timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_time(t timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT pg_catalog.to_char(pg_catalog.timezone('Asia/Ho_Chi_Minh', $1), 'YYYYMMDDHH24MISS')
$_$;

--
-- Name: FUNCTION portal_time(t timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_time(t timestamp with time zone) IS 'A time as the portal writes it: yyyyMMddHHmmss in UTC+7';

--
-- Name: portal_time_in(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_time_in(s text) RETURNS timestamp with time zone
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT pg_catalog.make_timestamptz(substr($1, 1, 4)::int, substr($1, 5, 2)::int, substr($1, 7, 2)::int,
                                     substr($1, 9, 2)::int, substr($1, 11, 2)::int, substr($1, 13, 2)::int,
                                     'Asia/Ho_Chi_Minh')
$_$;

--
-- Name: FUNCTION portal_time_in(s text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_time_in(s text) IS 'A portal time (yyyyMMddHHmmss, UTC+7) as a timestamptz';

--
-- Name: portal_verified(tthc.dossier); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.portal_verified(d tthc.dossier) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM tthc.verify_log(d.code) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the control slip of dossier % does not verify: event %: %', d.code, v.seq, v.problem
      USING ERRCODE = 'XX001', TABLE = 'dossier_event',
            HINT = 'Nothing of a dossier whose log does not verify is sent to the portal; see tthc.verify_log().';
  END IF;
END $$;

--
-- Name: FUNCTION portal_verified(d tthc.dossier); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.portal_verified(d tthc.dossier) IS 'Internal: refuses (XX001) a dossier whose control slip does not verify';

--
-- Name: procedure_check(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.procedure_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  -- one version at a time per code; the lock makes concurrent inserts take turns
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('tthc.procedure:' || NEW.code));
  IF EXISTS (SELECT 1 FROM tthc.procedure p
             WHERE p.code = NEW.code AND p.id <> NEW.id
               AND daterange(p.valid_from, p.valid_to, '[]') && daterange(NEW.valid_from, NEW.valid_to, '[]')) THEN
    RAISE EXCEPTION 'procedure % already has a version valid between % and %',
                    NEW.code, NEW.valid_from, coalesce(NEW.valid_to::text, 'open end')
      USING ERRCODE = '23P01',
            HINT = 'Close the current version first: UPDATE tthc.procedure SET valid_to = ... WHERE code = ...';
  END IF;
  RETURN NEW;
END $$;

--
-- Name: FUNCTION procedure_check(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.procedure_check() IS 'Versions of a procedure do not overlap';

--
-- Name: procedure_in_use(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.procedure_in_use() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  pid bigint := (pg_catalog.to_jsonb(OLD) ->> CASE TG_TABLE_NAME WHEN 'procedure' THEN 'id' ELSE 'procedure_id' END)::bigint;
  o jsonb := pg_catalog.to_jsonb(OLD);
  n jsonb := pg_catalog.to_jsonb(NEW);
BEGIN
  -- closing a version (valid_to) or renaming it is fine
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'procedure'
     AND (SELECT pg_catalog.jsonb_object_agg(k, n -> k) FROM pg_catalog.unnest(ARRAY['time_limit', 'online_time_limit',
            'same_day_cutoff', 'supplement_mode', 'valid_from', 'field', 'online_service']) k)
         = (SELECT pg_catalog.jsonb_object_agg(k, o -> k) FROM pg_catalog.unnest(ARRAY['time_limit', 'online_time_limit',
            'same_day_cutoff', 'supplement_mode', 'valid_from', 'field', 'online_service']) k) THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.procedure_id = pid) THEN
    RAISE EXCEPTION 'procedure version % has dossiers', pid
      USING ERRCODE = '23503',
            DETAIL = 'Dossiers received under a version keep its limits, field, online offer and steps.',
            HINT = 'Close the version (valid_to) and add a new one.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

--
-- Name: FUNCTION procedure_in_use(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.procedure_in_use() IS 'A procedure version with dossiers keeps its limits and steps';

--
-- Name: protect_shipped(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.protect_shipped() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_protect_shipped';

--
-- Name: FUNCTION protect_shipped(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.protect_shipped() IS 'Refuses to change or remove the rows shipped with the extension (pg_dump would not keep the change)';

--
-- Name: rating_check(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.rating_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  st tthc.dossier_status;
  bad text;
BEGIN
  SELECT d.status INTO st FROM tthc.dossier d WHERE d.id = NEW.dossier_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', NEW.dossier_id USING ERRCODE = '23503',
      SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'dossier_id';
  END IF;
  IF st NOT IN ('resolved', 'returned', 'withdrawn', 'stopped') THEN
    RAISE EXCEPTION 'dossier % cannot be rated while %', NEW.dossier_id, st
      USING ERRCODE = '55000',
            DETAIL = 'A rating is given once the dossier is resolved, returned, withdrawn or stopped.',
            SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'dossier_id';
  END IF;
  IF NEW.rated_at > clock_timestamp() THEN
    RAISE EXCEPTION 'the rating of dossier % is dated in the future', NEW.dossier_id
      USING ERRCODE = '22023', SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'rated_at';
  END IF;
  PERFORM tthc.sees_all();   -- loads the library: the setting is then its own, not a client's placeholder
  IF NEW.rated_at < now() - current_setting('tthc.backdate_tolerance')::interval
     AND NOT pg_has_role(current_user, 'tthc_admin', 'USAGE') THEN
    RAISE EXCEPTION 'only tthc_admin may date a rating more than % back', current_setting('tthc.backdate_tolerance')
      USING ERRCODE = '42501', HINT = 'Record the rating as it is given.',
            SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'rated_at';
  END IF;
  IF NEW.officer IS NOT NULL THEN
    CASE tthc.officer_on_dossier(NEW.officer, NEW.dossier_id)
      WHEN 'unknown' THEN
        RAISE EXCEPTION 'officer "%" is not registered', NEW.officer
          USING ERRCODE = '23503', HINT = 'Officers are rows of tthc.officer.',
                SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'officer';
      WHEN 'elsewhere' THEN
        RAISE EXCEPTION 'officer "%" does not work at a unit of dossier %', NEW.officer, NEW.dossier_id
          USING ERRCODE = '42501', HINT = 'A rating names an officer of the units that received or handled the dossier.',
                SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'officer';
      ELSE NULL;
    END CASE;
  END IF;
  IF jsonb_typeof(NEW.answers) <> 'object' THEN
    RAISE EXCEPTION 'the answers of the rating of dossier % are not an object of criteria', NEW.dossier_id
      USING ERRCODE = '22023', HINT = 'For example {"attitude": "satisfied", "time": "unsatisfied"}.',
            SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'answers';
  END IF;
  SELECT a.key INTO bad FROM jsonb_each(NEW.answers) a
  WHERE a.value NOT IN ('"very_satisfied"', '"satisfied"', '"unsatisfied"') LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'the answer to "%" in the rating of dossier % is not very_satisfied, satisfied or unsatisfied',
        bad, NEW.dossier_id
      USING ERRCODE = '22023', SCHEMA = 'tthc', TABLE = 'rating', COLUMN = 'answers';
  END IF;
  RETURN NEW;
END $$;

--
-- Name: FUNCTION rating_check(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.rating_check() IS 'A rating belongs to a finished dossier that exists';

--
-- Name: rating_counted(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.rating_counted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
  rows text;
BEGIN
  IF tthc.restoring(TG_RELID) THEN
    RETURN NULL;
  END IF;
  -- the new ratings count up, the old ones down
  FOREACH rows IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows']
                                   ELSE ARRAY['new_rows', 'old_rows'] END LOOP
    EXECUTE format($q$
      INSERT INTO tthc.report_delta (unit, field, day, rated, rated_satisfied)
      SELECT d.handling_unit, coalesce(p.field, ''), (r.rated_at AT TIME ZONE c.time_zone)::date,
             $1 * count(*), $1 * count(*) FILTER (WHERE r.rating <> 'unsatisfied')
      FROM %I r
      JOIN tthc.dossier d ON d.id = r.dossier_id
      JOIN tthc.unit u ON u.code = d.handling_unit
      JOIN tthc.calendar c ON c.name = u.calendar
      LEFT JOIN tthc.procedure p ON p.id = d.procedure_id
      GROUP BY 1, 2, 3$q$, rows) USING CASE rows WHEN 'new_rows' THEN 1 ELSE -1 END;
  END LOOP;
  RETURN NULL;
END $_$;

--
-- Name: FUNCTION rating_counted(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.rating_counted() IS 'Appends the report sums of a statement''s ratings to tthc.report_delta';

--
-- Name: receipt_cancel_fact(tthc.receipt); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.receipt_cancel_fact(r tthc.receipt) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT CASE WHEN r.status <> 'issued' THEN
    jsonb_build_object('receipt', r.id, 'unit', r.unit, 'template', r.template, 'symbol', r.symbol,
                       'number', r.number, 'status', r.status, 'reason', r.cancel_reason,
                       'replaced_by', r.replaced_by) END
$$;

--
-- Name: FUNCTION receipt_cancel_fact(r tthc.receipt); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.receipt_cancel_fact(r tthc.receipt) IS 'What the event cancelling the receipt records (its note); NULL while issued';

--
-- Name: receipt_document(text, text, text, integer); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
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
$_$;

--
-- Name: FUNCTION receipt_document(unit text, template text, symbol text, number integer); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) IS 'The electronic receipt''s data as a receipt provider takes it (JSON); NULL for a receipt the caller cannot see';

--
-- Name: receipt_fact(tthc.receipt); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.receipt_fact(r tthc.receipt) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT jsonb_build_object('receipt', r.id, 'unit', r.unit, 'template', r.template, 'symbol', r.symbol,
                            'number', r.number, 'kind', r.kind, 'electronic', r.electronic,
                            'total', r.total, 'lines', r.lines, 'replaces', r.replaces,
                            'officer', r.officer, 'actor', r.actor,
                            'payer', jsonb_build_object('name', r.payer_name, 'id', r.payer_id,
                                                        'tax_code', r.payer_tax_code, 'address', r.payer_address))
$$;

--
-- Name: FUNCTION receipt_fact(r tthc.receipt); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.receipt_fact(r tthc.receipt) IS 'What the event issuing the receipt records (its note): tthc.verify_log compares';

--
-- Name: receipt_series_guard(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.receipt_series_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION receipt_series_guard(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.receipt_series_guard() IS 'Keeps a series'' next number to tthc and its identity fixed once used';

--
-- Name: receipt_usage(text, daterange); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.receipt_usage(unit text, period daterange) RETURNS TABLE(series_unit text, template text, symbol text, kind text, electronic boolean, first_no integer, last_no integer, issued bigint, cancelled bigint, replaced bigint, total_amount bigint, gaps bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION receipt_usage(unit text, period daterange); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.receipt_usage(unit text, period daterange) IS 'The periodic receipt-use report of a unit and those below it: per series, the numbers used (first..last), issued, cancelled, replaced, the amount of the receipts standing, and the numbers missing (always 0)';

--
-- Name: recompute_deadlines(text, date, boolean, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.recompute_deadlines(calendar text, since date, apply boolean DEFAULT false, at timestamp with time zone DEFAULT now()) RETURNS TABLE(code text, handling_unit text, status tthc.dossier_status, old_due_at timestamp with time zone, new_due_at timestamp with time zone)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM tthc.calendar c WHERE c.name = recompute_deadlines.calendar) THEN
    RAISE EXCEPTION 'calendar "%" does not exist', recompute_deadlines.calendar USING ERRCODE = '42704';
  END IF;
  IF since IS NULL OR at IS NULL THEN
    RAISE EXCEPTION 'since and at cannot be null' USING ERRCODE = '22004';
  END IF;
  IF apply THEN
    PERFORM set_config('tthc.recompute', 'on', true);
  END IF;
  RETURN QUERY
  WITH RECURSIVE family(name) AS (
    SELECT recompute_deadlines.calendar
    UNION SELECT c.name FROM tthc.calendar c JOIN family f ON c.parent = f.name),
  changed AS (
    SELECT x.* FROM (
      SELECT d.id, d.code, d.handling_unit, d.status, d.due_at AS old_due_at, tthc.lawful_due(d) AS new_due_at
      FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit JOIN tthc.unit r ON r.code = d.receiving_unit
      WHERE (u.calendar IN (SELECT f.name FROM family f) OR r.reception_calendar IN (SELECT f.name FROM family f))
        AND d.status IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment')
        -- local midnight of `since` in any zone is no earlier than this
        AND d.due_at >= since::timestamp AT TIME ZONE 'UTC' - interval '14 hours') x
    WHERE x.new_due_at IS DISTINCT FROM x.old_due_at),
  moved AS (
    -- the guard trigger recomputes each deadline itself and logs the change
    UPDATE tthc.dossier d
       SET changed_at = greatest(d.changed_at, recompute_deadlines.at),
           note = format('deadline recomputed: calendar %s changed from %s', recompute_deadlines.calendar, since)
      FROM changed ch
     WHERE apply AND d.id = ch.id
    RETURNING d.id)
  SELECT ch.code, ch.handling_unit, ch.status, ch.old_due_at, ch.new_due_at
  FROM changed ch ORDER BY ch.new_due_at, ch.code;
  PERFORM set_config('tthc.recompute', 'off', true);
END $$;

--
-- Name: FUNCTION recompute_deadlines(calendar text, since date, apply boolean, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.recompute_deadlines(calendar text, since date, apply boolean, at timestamp with time zone) IS 'After a calendar change: lists (apply = false) or moves, logging each (apply = true), the deadlines of open dossiers on that calendar and those inheriting from it';

--
-- Name: refund(bigint, text, bigint, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.refund(payment bigint, reason text, amount bigint DEFAULT NULL::bigint, at timestamp with time zone DEFAULT now()) RETURNS tthc.payment
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION refund(payment bigint, reason text, amount bigint, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.refund(payment bigint, reason text, amount bigint, at timestamp with time zone) IS 'Refunds a payment, all of what stands of it by default, as a new negative payment; its receipt must be cancelled first';

--
-- Name: report(text, daterange, boolean, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report(unit text, period daterange, include_children boolean DEFAULT true, lineage boolean DEFAULT false) RETURNS TABLE(level text, unit text, field text, carried_over bigint, received bigint, received_in_person bigint, received_online bigint, received_postal bigint, resolved bigint, resolved_early bigint, resolved_on_time bigint, resolved_late bigint, in_progress bigint, in_progress_in_time bigint, in_progress_overdue bigint, awaiting_supplement bigint, supplement_requests bigint, withdrawn bigint, refused bigint, stopped bigint, on_time_rate numeric, avg_work interval, transferred_in bigint, transferred_out bigint, received_out_of_hours bigint, lineage text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  -- (the output columns "unit" and "lineage" shadow the parameters: $1 to
  -- $4 below)
  -- The stocks at the end sum every change before hi and carried_over every
  -- change before lo; the flows, the rows from lo on.  A month row counts as
  -- its first day: every month read lies wholly before lo or wholly inside
  -- the period, and the days of the months holding lo and hi come as days.
  -- With lineage the rows read are those of the units whose history the
  -- units in scope carry (tthc.unit_lineage), split between them.
  WITH sc AS (SELECT tthc.report_scope($1, $3) AS scope),
  lin AS (SELECT l.* FROM sc, tthc.report_lineage(sc.scope, $4) l),
  p AS (
    SELECT (SELECT array_agg(DISTINCT lin.unit) FROM lin) AS units, r.lo, r.hi, m.lo_month, m.whole_from, m.whole_to
    FROM tthc.report_period($2) r, tthc.report_months(r.lo, r.hi) m),
  a AS (
    -- the days of the partial months at each end, as two ranges the
    -- (unit, field, day) key serves (an OR of the two read every day row)
    SELECT r.* FROM tthc.report_day r, p
    WHERE r.unit = ANY (p.units) AND r.day >= p.lo_month AND r.day < least(p.whole_from, p.hi)
    UNION ALL
    SELECT r.* FROM tthc.report_day r, p
    WHERE r.unit = ANY (p.units) AND r.day >= greatest(p.whole_to, p.whole_from) AND r.day < p.hi
    UNION ALL
    SELECT r.* FROM tthc.report_month r, p
    WHERE r.unit = ANY (p.units) AND (r.month < p.lo_month OR r.month >= p.whole_from AND r.month < p.whole_to)
    UNION ALL
    SELECT r.unit, r.field, r.day, r.received_in_person, r.received_online, r.received_postal, r.resolved_early, r.resolved_on_time, r.resolved_late, r.refused, r.withdrawn, r.stopped, r.supplement_requests, r.open_change, r.supplement_change, r.overdue_change, r.offered_online, r.offered_online_online, r.with_fee, r.paid_online, r.digitised, r.result_electronic, r.resolved_work, r.rated, r.rated_satisfied, r.received_out_of_hours, r.transferred_in, r.transferred_out, r.received_here
    FROM tthc.report_delta r, p WHERE r.unit = ANY (p.units) AND r.day < p.hi),
  -- each unit's sums, by field
  u AS (
    SELECT a.unit, a.field,
           coalesce(sum(a.open_change) FILTER (WHERE a.day < p.lo), 0) AS carried_over,
           coalesce(sum(a.received_in_person) FILTER (WHERE a.day >= p.lo), 0) AS in_person,
           coalesce(sum(a.received_online) FILTER (WHERE a.day >= p.lo), 0) AS online,
           coalesce(sum(a.received_postal) FILTER (WHERE a.day >= p.lo), 0) AS postal,
           coalesce(sum(a.received_out_of_hours) FILTER (WHERE a.day >= p.lo), 0) AS out_of_hours,
           coalesce(sum(a.resolved_early) FILTER (WHERE a.day >= p.lo), 0) AS early,
           coalesce(sum(a.resolved_on_time) FILTER (WHERE a.day >= p.lo), 0) AS on_time,
           coalesce(sum(a.resolved_late) FILTER (WHERE a.day >= p.lo), 0) AS late,
           coalesce(sum(a.overdue_change), 0) AS overdue_end,
           coalesce(sum(a.supplement_change), 0) AS supp_end,
           coalesce(sum(a.supplement_requests) FILTER (WHERE a.day >= p.lo), 0) AS supp_req,
           coalesce(sum(a.withdrawn) FILTER (WHERE a.day >= p.lo), 0) AS withdrawn,
           coalesce(sum(a.refused) FILTER (WHERE a.day >= p.lo), 0) AS refused,
           coalesce(sum(a.stopped) FILTER (WHERE a.day >= p.lo), 0) AS stopped,
           coalesce(sum(a.transferred_in) FILTER (WHERE a.day >= p.lo), 0) AS t_in,
           coalesce(sum(a.transferred_out) FILTER (WHERE a.day >= p.lo), 0) AS t_out,
           sum(a.resolved_work) FILTER (WHERE a.day >= p.lo) AS work
    FROM a CROSS JOIN p
    GROUP BY a.unit, a.field),
  -- ... carried by the units in scope, each its part.  The N dossiers an
  -- old unit held in the period (carried over, received, moved in) are laid
  -- out once by how they came and once by how they left (resolved, withdrawn,
  -- stopped, moved out, still open: awaiting supplement, overdue, the rest);
  -- a successor between lo and hi of the cumulative share takes the dossiers
  -- round(N*lo) to round(N*hi) of both layouts (turned, on a circle), so its
  -- parts balance, no stock is negative or larger than what is open, and the
  -- parts add up (a successor taking it whole takes it as it is)
  c AS (
    SELECT l.successor AS unit, u.field, l.unit AS source, l.weight, l.resolved,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.carried_over ELSE (greatest(0, least(r.b, x.i1) - greatest(r.a, 0)) + greatest(0, least(r.b, x.i1 + x.n) - greatest(r.a, 0 + x.n))) END AS carried_over,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.in_person ELSE (greatest(0, least(r.b, x.i2) - greatest(r.a, x.i1)) + greatest(0, least(r.b, x.i2 + x.n) - greatest(r.a, x.i1 + x.n))) END AS in_person,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.online ELSE (greatest(0, least(r.b, x.i3) - greatest(r.a, x.i2)) + greatest(0, least(r.b, x.i3 + x.n) - greatest(r.a, x.i2 + x.n))) END AS online,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.postal ELSE (greatest(0, least(r.b, x.i4) - greatest(r.a, x.i3)) + greatest(0, least(r.b, x.i4 + x.n) - greatest(r.a, x.i3 + x.n))) END AS postal,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.t_in ELSE (greatest(0, least(r.b, x.n) - greatest(r.a, x.i4)) + greatest(0, least(r.b, x.n + x.n) - greatest(r.a, x.i4 + x.n))) END AS t_in,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.early ELSE (greatest(0, least(r.b, x.o1) - greatest(r.a, 0)) + greatest(0, least(r.b, x.o1 + x.n) - greatest(r.a, 0 + x.n))) END AS early,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.on_time ELSE (greatest(0, least(r.b, x.o2) - greatest(r.a, x.o1)) + greatest(0, least(r.b, x.o2 + x.n) - greatest(r.a, x.o1 + x.n))) END AS on_time,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.late ELSE (greatest(0, least(r.b, x.o3) - greatest(r.a, x.o2)) + greatest(0, least(r.b, x.o3 + x.n) - greatest(r.a, x.o2 + x.n))) END AS late,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.withdrawn ELSE (greatest(0, least(r.b, x.o4) - greatest(r.a, x.o3)) + greatest(0, least(r.b, x.o4 + x.n) - greatest(r.a, x.o3 + x.n))) END AS withdrawn,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.stopped ELSE (greatest(0, least(r.b, x.o5) - greatest(r.a, x.o4)) + greatest(0, least(r.b, x.o5 + x.n) - greatest(r.a, x.o4 + x.n))) END AS stopped,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.t_out ELSE (greatest(0, least(r.b, x.o6) - greatest(r.a, x.o5)) + greatest(0, least(r.b, x.o6 + x.n) - greatest(r.a, x.o5 + x.n))) END AS t_out,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.supp_end ELSE (greatest(0, least(r.b, r.o7) - greatest(r.a, x.o6)) + greatest(0, least(r.b, r.o7 + x.n) - greatest(r.a, x.o6 + x.n))) END AS supp_end,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.overdue_end ELSE (greatest(0, least(r.b, r.o8) - greatest(r.a, r.o7)) + greatest(0, least(r.b, r.o8 + x.n) - greatest(r.a, r.o7 + x.n))) END AS overdue_end,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.out_of_hours ELSE round(u.out_of_hours * l.hi) - round(u.out_of_hours * l.lo) END AS out_of_hours,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.supp_req ELSE round(u.supp_req * l.hi) - round(u.supp_req * l.lo) END AS supp_req,
           CASE WHEN l.lo = 0 AND l.hi = 1 THEN u.refused ELSE round(u.refused * l.hi) - round(u.refused * l.lo) END AS refused,
           u.work * (l.hi - l.lo)::float8 AS work
    FROM u JOIN lin l ON l.unit = u.unit
    CROSS JOIN LATERAL (
      SELECT u.carried_over AS i1, u.carried_over + u.in_person AS i2, u.carried_over + u.in_person + u.online AS i3,
             u.carried_over + u.in_person + u.online + u.postal AS i4,
             u.carried_over + u.in_person + u.online + u.postal + u.t_in AS n,
             u.early AS o1, u.early + u.on_time AS o2, u.early + u.on_time + u.late AS o3,
             u.early + u.on_time + u.late + u.withdrawn AS o4, u.early + u.on_time + u.late + u.withdrawn + u.stopped AS o5,
             u.early + u.on_time + u.late + u.withdrawn + u.stopped + u.t_out AS o6,
             -- where the successors' ranges start: turned by a fixed amount
             -- per old unit and field, so that no successor always takes the
             -- head of the layouts (the early results) or their tail (what is
             -- still open)
             floor((u.carried_over + u.in_person + u.online + u.postal + u.t_in)
                   * ((hashtext(u.unit || '/' || u.field) & 65535) / 65536.0)) AS turn) x
    CROSS JOIN LATERAL (
      SELECT round(x.n * l.lo) + x.turn AS a, round(x.n * l.hi) + x.turn AS b,
             least(x.o6 + greatest(u.supp_end, 0), x.n) AS o7,
             least(x.o6 + greatest(u.supp_end, 0) + greatest(u.overdue_end, 0), x.n) AS o8) r),
  s AS (
    SELECT CASE WHEN grouping(c.unit, c.field) = 0 THEN 'field'
                WHEN grouping(c.unit, c.field) = 1 THEN 'unit' ELSE 'total' END AS level,
           c.unit, CASE WHEN grouping(c.field) = 0 THEN nullif(c.field, '') END AS field,
           coalesce(sum(c.carried_over), 0) AS carried_over, coalesce(sum(c.in_person), 0) AS in_person, coalesce(sum(c.online), 0) AS online,
           coalesce(sum(c.postal), 0) AS postal, coalesce(sum(c.out_of_hours), 0) AS out_of_hours, coalesce(sum(c.early), 0) AS early, coalesce(sum(c.on_time), 0) AS on_time, coalesce(sum(c.late), 0) AS late,
           coalesce(sum(c.overdue_end), 0) AS overdue_end, coalesce(sum(c.supp_end), 0) AS supp_end, coalesce(sum(c.supp_req), 0) AS supp_req,
           coalesce(sum(c.withdrawn), 0) AS withdrawn, coalesce(sum(c.refused), 0) AS refused, coalesce(sum(c.stopped), 0) AS stopped,
           coalesce(sum(c.t_in), 0) AS t_in, coalesce(sum(c.t_out), 0) AS t_out, sum(c.work) AS work,
           CASE WHEN grouping(c.unit) = 0 THEN
             CASE WHEN bool_and(c.resolved) THEN
                    string_agg(DISTINCT CASE WHEN c.source <> c.unit THEN c.source
                                  || CASE WHEN c.weight < 1 THEN ' (' || round(c.weight, 4)::text || ')' ELSE '' END END, ', ')
                      FILTER (WHERE $4)
                  ELSE 'ended ' || (SELECT x.valid_to::text FROM tthc.unit x WHERE x.code = c.unit)
                       || ', taken over by no unit whole or by share' END END AS lineage
    FROM c
    GROUP BY GROUPING SETS ((c.unit, c.field), (c.unit), ())),
  b AS (
    -- what is still open at the end: whatever came in and has not gone out
    SELECT s.*, s.carried_over + s.in_person + s.online + s.postal + s.t_in
                - (s.early + s.on_time + s.late) - s.withdrawn - s.stopped - s.t_out AS open_end
    FROM s)
  SELECT b.level, b.unit, b.field, b.carried_over::bigint,
         (b.in_person + b.online + b.postal)::bigint, b.in_person::bigint, b.online::bigint, b.postal::bigint,
         (b.early + b.on_time + b.late)::bigint, b.early::bigint, b.on_time::bigint, b.late::bigint,
         b.open_end::bigint, (b.open_end - b.overdue_end)::bigint, b.overdue_end::bigint,
         b.supp_end::bigint, b.supp_req::bigint, b.withdrawn::bigint, b.refused::bigint, b.stopped::bigint,
         round((b.early + b.on_time) / nullif(b.early + b.on_time + b.late, 0), 4),
         CASE WHEN b.early + b.on_time + b.late > 0
              THEN b.work / (b.early + b.on_time + b.late)::float8 END,
         b.t_in::bigint, b.t_out::bigint, b.out_of_hours::bigint, b.lineage
  FROM b
  ORDER BY b.level = 'total', b.unit, b.level = 'unit', b.field
$_$;

--
-- Name: FUNCTION report(unit text, period daterange, include_children boolean, lineage boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report(unit text, period daterange, include_children boolean, lineage boolean) IS 'The periodic report (forms 06/07 style) per handling unit and procedure field, with unit and grand totals, from the report aggregates; every row balances: carried_over + received + transferred_in = resolved + withdrawn + stopped + transferred_out + in_progress; received_out_of_hours counts receptions outside the processing calendar''s working time; with lineage, the rows of ended units go to the units that took them over (column lineage names them), the totals unchanged';

--
-- Name: report_compact(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_compact() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
  n bigint;
BEGIN
  -- one statement: the deltas leave and reach both tables at once
  EXECUTE format($q$
    WITH moved AS (DELETE FROM tthc.report_delta RETURNING *),
         daily AS (%s),
         monthly AS (%s)
    SELECT count(*) FROM moved$q$,
    tthc.report_fold_sql('tthc.report_day', 'day', 'day'),
    tthc.report_fold_sql('tthc.report_month', 'month', 'date_trunc(''month'', day::timestamp)::date'))
  INTO n;
  RETURN n;
END $_$;

--
-- Name: FUNCTION report_compact(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_compact() IS 'Folds the rows appended to tthc.report_delta into tthc.report_day and tthc.report_month; returns how many were folded (tthc.sweep runs it)';

--
-- Name: report_fold_sql(text, text, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_fold_sql(target text, key text, bucket text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT format($q$INSERT INTO %1$s AS r SELECT unit, field, %3$s, %4$s FROM moved GROUP BY 1, 2, 3
                  ON CONFLICT (unit, field, %2$I) DO UPDATE SET %5$s RETURNING 1$q$,
                target, key, bucket,
                string_agg(format('sum(%I)', a.attname), ', ' ORDER BY a.attnum),
                string_agg(format('%1$I = r.%1$I + excluded.%1$I', a.attname), ', ' ORDER BY a.attnum))
  FROM pg_catalog.pg_attribute a
  WHERE a.attrelid = 'tthc.report_day'::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
    AND a.attname NOT IN ('unit', 'field', 'day')
$_$;

--
-- Name: FUNCTION report_fold_sql(target text, key text, bucket text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_fold_sql(target text, key text, bucket text) IS 'The statement folding report_delta rows into a sums table (used by tthc.report_compact)';

--
-- Name: report_lineage(text[], boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_lineage(scope text[], lineage boolean) RETURNS TABLE(unit text, successor text, weight numeric, lo numeric, hi numeric, resolved boolean)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT l.unit, l.successor, l.weight, l.lo, l.hi, l.resolved
  FROM tthc.unit_lineage() l WHERE $2 AND l.successor = ANY ($1)
  UNION ALL
  SELECT x, x, 1, 0, 1, true FROM unnest($1) x WHERE NOT $2
$_$;

--
-- Name: FUNCTION report_lineage(scope text[], lineage boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_lineage(scope text[], lineage boolean) IS 'The units a report on the scope reads, and the unit of the scope each one''s rows go to, with its part (tthc.unit_lineage) when lineage is asked, else the scope as it is';

--
-- Name: report_months(date, date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_months(lo date, hi date, OUT lo_month date, OUT whole_from date, OUT whole_to date) RETURNS record
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  -- date arithmetic only (a timestamp would not hold every date); an
  -- infinite bound stays as it is
  SELECT m.lo_month,
         CASE WHEN m.lo_month = lo THEN lo
              ELSE (m.lo_month + 31) - (extract(day FROM m.lo_month + 31)::int - 1) END,
         CASE WHEN isfinite(hi) THEN hi - (extract(day FROM hi)::int - 1) ELSE hi END
  FROM (SELECT CASE WHEN isfinite(lo) THEN lo - (extract(day FROM lo)::int - 1) ELSE lo END AS lo_month) m
$$;

--
-- Name: FUNCTION report_months(lo date, hi date, OUT lo_month date, OUT whole_from date, OUT whole_to date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_months(lo date, hi date, OUT lo_month date, OUT whole_from date, OUT whole_to date) IS 'The month holding lo, and the whole months [whole_from, whole_to) of the period [lo, hi)';

--
-- Name: report_period(daterange); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_period(period daterange, OUT lo date, OUT hi date) RETURNS record
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  IF period IS NULL THEN
    RAISE EXCEPTION 'the period of a report cannot be null' USING ERRCODE = '22004',
      HINT = 'For example daterange(''2025-01-01'', ''2026-01-01''): the year 2025.';
  END IF;
  IF isempty(period) THEN
    RAISE EXCEPTION 'the period of a report must be a non-empty date range'
      USING ERRCODE = '22023', HINT = 'For example daterange(''2025-01-01'', ''2026-01-01''): the year 2025.';
  END IF;
  lo := coalesce(lower(period), '-infinity'::date);
  hi := coalesce(upper(period), 'infinity'::date);
END $$;

--
-- Name: FUNCTION report_period(period daterange, OUT lo date, OUT hi date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_period(period daterange, OUT lo date, OUT hi date) IS 'The first day and the day after the last of a report period';

--
-- Name: report_rebuild(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_rebuild() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  n bigint;
BEGIN
  -- writers wait while the sums are rebuilt
  LOCK TABLE tthc.dossier, tthc.rating IN SHARE MODE;
  -- in the order a fold takes them: the deltas first
  LOCK TABLE tthc.report_delta, tthc.report_day, tthc.report_month IN EXCLUSIVE MODE;
  DELETE FROM tthc.report_delta;
  DELETE FROM tthc.report_day;
  DELETE FROM tthc.report_month;
  INSERT INTO tthc.report_delta (unit, field, day, received_in_person, received_online, received_postal,
                                 resolved_early, resolved_on_time, resolved_late, refused, withdrawn, stopped,
                                 supplement_requests, open_change, supplement_change, overdue_change,
                                 offered_online, offered_online_online, with_fee, paid_online, digitised,
                                 result_electronic, resolved_work, rated, rated_satisfied,
                                 transferred_in, transferred_out, received_out_of_hours, received_here)
  WITH uc AS (
    SELECT u.code, u.calendar, c.time_zone AS tz FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar),
  d AS (
    SELECT d.id, d.handling_unit AS unit, d.channel, d.result, d.received_at, d.finished_at,
           coalesce(d.received_out_of_hours, false) AS out_of_hours,
           d.clock_started_at, d.paused_work, d.payment, d.digitised, d.result_electronic,
           uc.calendar, uc.tz, coalesce(p.field, '') AS field,
           p.online_service IS NOT NULL AS offered,
           (SELECT tthc.as_jsonb(t.note) ->> 'from' FROM tthc.dossier_event t
            WHERE t.dossier_id = d.id AND t.kind = 'transfer' ORDER BY t.seq LIMIT 1) AS first_unit
    FROM tthc.dossier d
    JOIN uc ON uc.code = d.handling_unit
    LEFT JOIN LATERAL (
      SELECT v.field, v.online_service FROM tthc.procedure v
      WHERE CASE WHEN d.procedure_id IS NOT NULL THEN v.id = d.procedure_id
                 ELSE v.code = d.procedure_code
                      AND v.valid_from <= (d.submitted_at AT TIME ZONE uc.tz)::date
                      AND (v.valid_to IS NULL OR v.valid_to >= (d.submitted_at AT TIME ZONE uc.tz)::date) END
      ORDER BY v.valid_from DESC LIMIT 1) p ON true),
  e AS (
    SELECT e.dossier_id, e.seq, e.at, e.kind, e.to_status, e.note,
           count(e.to_status) OVER w AS sgrp,
           max(e.seq) FILTER (WHERE e.kind = 'overdue') OVER w AS last_overdue,
           max(e.seq) FILTER (WHERE e.new_due_at > e.at) OVER w AS last_cleared,
           max(e.seq) FILTER (WHERE e.kind = 'transfer') OVER w AS last_transfer
    FROM tthc.dossier_event e
    WINDOW w AS (PARTITION BY e.dossier_id ORDER BY e.seq ROWS UNBOUNDED PRECEDING)),
  s AS (
    SELECT e.dossier_id, e.seq, e.at, e.kind, e.note,
           max(e.to_status) OVER (PARTITION BY e.dossier_id, e.sgrp) AS st,
           e.last_overdue IS NOT NULL AND e.last_overdue > coalesce(e.last_cleared, 0) AS flagged,
           coalesce((SELECT tthc.as_jsonb(t.note) ->> 'to' FROM tthc.dossier_event t
                     WHERE t.dossier_id = e.dossier_id AND t.seq = e.last_transfer), d.first_unit, d.unit) AS unit
    FROM e JOIN d ON d.id = e.dossier_id),
  g AS (
    SELECT s.dossier_id, s.seq, s.at, s.kind, s.note, s.st, s.unit,
           lag(s.st) OVER p AS st_before,
           (s.st IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment'))::int AS open,
           (s.st = 'awaiting_supplement')::int AS supp,
           (s.st IN ('received', 'processing') AND s.flagged)::int AS over
    FROM s WINDOW p AS (PARTITION BY s.dossier_id ORDER BY s.seq)),
  ev AS (
    SELECT g.unit, d.field, (g.at AT TIME ZONE uc.tz)::date AS day, g.st, g.st_before, d.channel, d.result,
           d.out_of_hours,
           CASE WHEN g.st = 'resolved' AND g.st IS DISTINCT FROM g.st_before
                THEN tthc.working_time_between(d.clock_started_at, d.finished_at, uc.calendar) - d.paused_work END AS work,
           g.open - coalesce(lag(g.open) OVER p, 0) AS open_change,
           g.supp - coalesce(lag(g.supp) OVER p, 0) AS supp_change,
           g.over - coalesce(lag(g.over) OVER p, 0) AS over_change
    FROM g JOIN d ON d.id = g.dossier_id JOIN uc ON uc.code = g.unit
    WINDOW p AS (PARTITION BY g.dossier_id ORDER BY g.seq)),
  counted AS (
    SELECT unit, field, day,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND channel = 1) AS received_in_person,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND channel = 2) AS received_online,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND channel = 3) AS received_postal,
           count(*) FILTER (WHERE moved AND st = 'resolved' AND result = 'early') AS resolved_early,
           count(*) FILTER (WHERE moved AND st = 'resolved' AND result = 'on_time') AS resolved_on_time,
           count(*) FILTER (WHERE moved AND st = 'resolved' AND result = 'late') AS resolved_late,
           count(*) FILTER (WHERE moved AND st = 'refused') AS refused,
           count(*) FILTER (WHERE moved AND st = 'withdrawn') AS withdrawn,
           count(*) FILTER (WHERE moved AND st = 'stopped') AS stopped,
           count(*) FILTER (WHERE moved AND st = 'awaiting_supplement') AS supplement_requests,
           sum(open_change) AS open_change, sum(supp_change) AS supplement_change,
           sum(over_change) AS overdue_change,
           0 AS offered_online, 0 AS offered_online_online, 0 AS with_fee, 0 AS paid_online,
           0 AS digitised, 0 AS result_electronic,
           coalesce(sum(work), interval '0') AS resolved_work, 0 AS rated, 0 AS rated_satisfied,
           0 AS transferred_in, 0 AS transferred_out,
           count(*) FILTER (WHERE moved AND st = 'received' AND first AND out_of_hours) AS received_out_of_hours,
           0 AS received_here
    -- (a dossier is received once: from submitted, or as it is written)
    FROM (SELECT ev.*, ev.st IS DISTINCT FROM ev.st_before AS moved,
                 ev.st_before IS NULL OR ev.st_before = 'submitted' AS first FROM ev) x
    GROUP BY unit, field, day
    UNION ALL
    -- a transfer: out of the old unit, into the new, with the stocks it carries
    SELECT x.unit, d.field, (g.at AT TIME ZONE uc.tz)::date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           x.sign * g.open, x.sign * g.supp, x.sign * g.over, 0, 0, 0, 0, 0, 0, interval '0', 0, 0,
           (x.sign > 0)::int, (x.sign < 0)::int, 0, 0
    FROM g JOIN d ON d.id = g.dossier_id,
         LATERAL (VALUES (tthc.as_jsonb(g.note) ->> 'from', -1), (tthc.as_jsonb(g.note) ->> 'to', 1)) x(unit, sign)
         JOIN uc ON uc.code = x.unit
    WHERE g.kind = 'transfer'
    UNION ALL
    -- flagged overdue: since the deadline (old_due_at), not since the sweep
    -- noticed, nor before the dossier was received
    SELECT g.unit, d.field, x.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, x.sign,
           0, 0, 0, 0, 0, 0, interval '0', 0, 0, 0, 0, 0, 0
    FROM g JOIN d ON d.id = g.dossier_id JOIN uc ON uc.code = g.unit
         JOIN tthc.dossier_event e ON e.dossier_id = g.dossier_id AND e.seq = g.seq,
         LATERAL (VALUES ((greatest(e.old_due_at, d.received_at) AT TIME ZONE uc.tz)::date, 1),
                         ((e.at AT TIME ZONE uc.tz)::date, -1)) x(day, sign)
    WHERE g.kind = 'overdue'
    UNION ALL
    SELECT d.unit, d.field, (d.received_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.offered), count(*) FILTER (WHERE d.offered AND d.channel = 2),
           count(*) FILTER (WHERE d.payment IS NOT NULL), count(*) FILTER (WHERE d.payment = 'online'),
           count(*) FILTER (WHERE d.digitised), 0, interval '0', 0, 0, 0, 0, 0, count(*)
    FROM d WHERE d.received_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (d.finished_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE d.result_electronic), interval '0', 0, 0, 0, 0, 0, 0
    FROM d WHERE d.finished_at IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT d.unit, d.field, (r.rated_at AT TIME ZONE d.tz)::date,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, interval '0',
           count(*), count(*) FILTER (WHERE r.rating <> 'unsatisfied'), 0, 0, 0, 0
    FROM tthc.rating r JOIN d ON d.id = r.dossier_id
    GROUP BY 1, 2, 3)
  SELECT unit, field, day, sum(received_in_person), sum(received_online), sum(received_postal),
         sum(resolved_early), sum(resolved_on_time), sum(resolved_late),
         sum(refused), sum(withdrawn), sum(stopped), sum(supplement_requests),
         sum(open_change), sum(supplement_change), sum(overdue_change),
         sum(offered_online), sum(offered_online_online), sum(with_fee), sum(paid_online),
         sum(digitised), sum(result_electronic), sum(resolved_work), sum(rated), sum(rated_satisfied),
         sum(transferred_in), sum(transferred_out), sum(received_out_of_hours), sum(received_here)
  FROM counted GROUP BY unit, field, day
  -- (a day whose changes cancel out, or a dossier still only submitted,
  -- leaves no row, as the trigger writes none)
  HAVING sum(received_in_person) <> 0 OR sum(received_online) <> 0 OR sum(received_postal) <> 0
      OR sum(resolved_early) <> 0 OR sum(resolved_on_time) <> 0 OR sum(resolved_late) <> 0
      OR sum(refused) <> 0 OR sum(withdrawn) <> 0 OR sum(stopped) <> 0 OR sum(supplement_requests) <> 0
      OR sum(open_change) <> 0 OR sum(supplement_change) <> 0 OR sum(overdue_change) <> 0
      OR sum(offered_online) <> 0 OR sum(offered_online_online) <> 0 OR sum(with_fee) <> 0
      OR sum(paid_online) <> 0 OR sum(digitised) <> 0 OR sum(result_electronic) <> 0
      OR sum(resolved_work) <> interval '0' OR sum(rated) <> 0 OR sum(rated_satisfied) <> 0
      OR sum(transferred_in) <> 0 OR sum(transferred_out) <> 0 OR sum(received_out_of_hours) <> 0 OR sum(received_here) <> 0;
  PERFORM tthc.report_compact();
  SELECT count(*) INTO n FROM tthc.report_day;
  RETURN n;
END $$;

--
-- Name: FUNCTION report_rebuild(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_rebuild() IS 'Recomputes tthc.report_day and tthc.report_month from the event log, the dossiers and the ratings (after a bulk load with the trigger off); returns the rows of report_day';

--
-- Name: report_scope(text, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.report_scope(unit text, include_children boolean) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[];
BEGIN
  IF unit IS NULL THEN
    RAISE EXCEPTION 'the unit of a report cannot be null' USING ERRCODE = '22004';
  END IF;
  WITH RECURSIVE scope(code) AS (
    SELECT u.code FROM tthc.unit u WHERE u.code = report_scope.unit
    UNION
    SELECT u.code FROM tthc.unit u JOIN scope s ON u.parent = s.code WHERE report_scope.include_children)
  SELECT array_agg(code) INTO units FROM scope;
  IF units IS NULL THEN
    RAISE EXCEPTION 'unit "%" does not exist', unit
      USING ERRCODE = '22023', HINT = 'Units are rows of tthc.unit.';
  END IF;
  -- the caller, not the owner these report functions run as
  PERFORM tthc.check_units(ARRAY[unit]);
  RETURN units;
END $$;

--
-- Name: FUNCTION report_scope(unit text, include_children boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.report_scope(unit text, include_children boolean) IS 'A unit and, if asked, all units below it';

--
-- Name: restoring(regclass); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.restoring(rel regclass) RETURNS boolean
    LANGUAGE c STRICT PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'tthc_restoring';

--
-- Name: FUNCTION restoring(rel regclass); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.restoring(rel regclass) IS 'Whether the running statement is a COPY FROM into this table by its owner (a restore)';

--
-- Name: scorecard_cards(date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.scorecard_cards(month date) RETURNS TABLE(kind text, unit text, item text, card jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT 'officer', c.officer_unit, c.officer, to_jsonb(c)
  FROM tthc.unit r, tthc.scorecard_officer(r.code, $1) c
  WHERE r.parent IS NULL
  UNION ALL
  SELECT 'unit', u.code, coalesce(c.indicator::text, 'total'), to_jsonb(c)
  FROM tthc.unit u,
       tthc.scorecard_unit(u.code, daterange(date_trunc('month', $1)::date,
                                             (date_trunc('month', $1) + interval '1 month')::date)) c
$_$;

--
-- Name: FUNCTION scorecard_cards(month date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.scorecard_cards(month date) IS 'Every officer''s and every unit''s card of a month, counted now';

--
-- Name: scorecard_close(date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.scorecard_close(month date) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  n bigint;
BEGIN
  IF month IS NULL THEN
    RAISE EXCEPTION 'the month to close cannot be null' USING ERRCODE = '22004';
  END IF;
  IF (m + interval '1 month')::date > (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN
    RAISE EXCEPTION 'month % is not over', to_char(m, 'YYYY-MM')
      USING ERRCODE = '22023', HINT = 'Close a month once its last day has passed.',
            SCHEMA = 'tthc', TABLE = 'scorecard_month', COLUMN = 'month';
  END IF;
  -- one close at a time; a second waits, then finds the month closed
  LOCK TABLE tthc.scorecard_month IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM tthc.scorecard_month s WHERE s.month = m) THEN
    RAISE EXCEPTION 'month % is already closed', to_char(m, 'YYYY-MM')
      USING ERRCODE = '55000', HINT = 'Published cards never change: tthc.scorecard_diff(month) lists what a recount would change.',
            SCHEMA = 'tthc', TABLE = 'scorecard_month', COLUMN = 'month';
  END IF;
  BEGIN
    INSERT INTO tthc.scorecard_month (month, kind, unit, item, card, closed_by)
    SELECT m, c.kind, c.unit, c.item, c.card, session_user FROM tthc.scorecard_cards(m) c;
    GET DIAGNOSTICS n = ROW_COUNT;
  EXCEPTION WHEN unique_violation THEN
    -- a close committed after this transaction's snapshot (REPEATABLE READ)
    RAISE EXCEPTION 'month % is already closed', to_char(m, 'YYYY-MM')
      USING ERRCODE = '55000', HINT = 'Published cards never change: tthc.scorecard_diff(month) lists what a recount would change.',
            SCHEMA = 'tthc', TABLE = 'scorecard_month', COLUMN = 'month';
  END;
  RETURN n;
END $$;

--
-- Name: FUNCTION scorecard_close(month date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.scorecard_close(month date) IS 'Publishes the month''s officer and unit cards into tthc.scorecard_month (once; the month must be over); returns how many';

--
-- Name: scorecard_diff(date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.scorecard_diff(month date) RETURNS TABLE(kind text, unit text, item text, field text, published jsonb, recounted jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  m date := date_trunc('month', month)::date;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM tthc.scorecard_month s WHERE s.month = m) THEN
    RAISE EXCEPTION 'month % is not closed', to_char(m, 'YYYY-MM')
      USING ERRCODE = '55000', HINT = 'tthc.scorecard_close(month) publishes it.';
  END IF;
  RETURN QUERY
  SELECT coalesce(p.kind, n.kind), coalesce(p.unit, n.unit), coalesce(p.item, n.item), k.key,
         p.card -> k.key, n.card -> k.key
  FROM (SELECT s.kind, s.unit, s.item, s.card FROM tthc.scorecard_month s WHERE s.month = m) p
  FULL JOIN tthc.scorecard_cards(m) n ON n.kind = p.kind AND n.unit = p.unit AND n.item = p.item
  CROSS JOIN LATERAL jsonb_object_keys(coalesce(p.card, '{}') || coalesce(n.card, '{}')) k(key)
  WHERE (p.card -> k.key) IS DISTINCT FROM (n.card -> k.key)
  ORDER BY 1, 2, 3, 4;
END $$;

--
-- Name: FUNCTION scorecard_diff(month date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.scorecard_diff(month date) IS 'What a recount of a closed month would change (a late rating, a backfilled event): one row per card and field that differs';

--
-- Name: scorecard_officer(text, date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.scorecard_officer(unit text, month date) RETURNS TABLE(officer text, full_name text, officer_unit text, active boolean, received bigint, resolved bigint, resolved_late bigint, late_steps bigint, supplement_requests bigint, repeated_supplement bigint, apologies bigint, ratings bigint, unsatisfied bigint, on_time_rate numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  -- ($1 the unit, $2 a day of the month; the output columns shadow the names)
  WITH p AS (
    SELECT tthc.report_scope($1, true) AS units, b.lo_at, b.hi_at
    FROM tthc.local_bounds($1, date_trunc('month', $2)::date,
                           (date_trunc('month', $2) + interval '1 month')::date) b
    WHERE $2 IS NOT NULL),
  o AS (SELECT f.* FROM tthc.officer f, p WHERE f.unit = ANY (p.units)),
  e AS (
    SELECT e.officer,
           count(*) FILTER (WHERE e.to_status = 'received' AND e.from_status IS DISTINCT FROM e.to_status) AS received,
           count(*) FILTER (WHERE e.to_status = 'resolved' AND e.from_status IS DISTINCT FROM e.to_status) AS resolved,
           count(*) FILTER (WHERE e.to_status = 'resolved' AND e.from_status IS DISTINCT FROM e.to_status AND d.result = 'late') AS resolved_late,
           count(*) FILTER (WHERE e.step_result = 'late') AS late_steps,
           count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplement_requests,
           count(DISTINCT e.dossier_id) FILTER (
             WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status
               AND EXISTS (SELECT 1 FROM tthc.dossier_event x
                           WHERE x.dossier_id = e.dossier_id AND x.province IS NOT DISTINCT FROM e.province
                             AND x.seq < e.seq AND x.to_status = 'awaiting_supplement' AND x.from_status IS DISTINCT FROM x.to_status
                             AND x.officer = e.officer)) AS repeated_supplement,
           count(*) FILTER (WHERE e.kind = 'apology') AS apologies
    FROM o CROSS JOIN p
    JOIN tthc.dossier_event e ON e.officer = o.login AND e.at >= p.lo_at AND e.at < p.hi_at
    LEFT JOIN tthc.dossier d ON e.to_status = 'resolved' AND d.id = e.dossier_id
                            AND d.province IS NOT DISTINCT FROM e.province
    GROUP BY e.officer),
  r AS (
    SELECT r.officer, count(*) AS ratings, count(*) FILTER (WHERE r.rating = 'unsatisfied') AS unsatisfied
    FROM o CROSS JOIN p
    JOIN tthc.rating r ON r.officer = o.login AND r.rated_at >= p.lo_at AND r.rated_at < p.hi_at
    GROUP BY r.officer)
  SELECT o.login, o.full_name, o.unit, o.active,
         coalesce(e.received, 0), coalesce(e.resolved, 0), coalesce(e.resolved_late, 0),
         coalesce(e.late_steps, 0), coalesce(e.supplement_requests, 0), coalesce(e.repeated_supplement, 0),
         coalesce(e.apologies, 0), coalesce(r.ratings, 0), coalesce(r.unsatisfied, 0),
         round((e.resolved - e.resolved_late)::numeric / nullif(e.resolved, 0), 4)
  FROM o LEFT JOIN e ON e.officer = o.login LEFT JOIN r ON r.officer = o.login
  ORDER BY o.unit, o.login
$_$;

--
-- Name: FUNCTION scorecard_officer(unit text, month date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.scorecard_officer(unit text, month date) IS 'The month''s card of every officer of a unit and the units below it, counted from the event log and the ratings (local month of the unit''s calendar)';

--
-- Name: scorecard_unit(text, daterange, boolean); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean DEFAULT false) RETURNS TABLE(indicator smallint, name text, numerator bigint, denominator bigint, ratio numeric, points numeric, max_points numeric, grade text, basis text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  scope text[] := tthc.report_scope(scorecard_unit.unit, true);
  units text[];
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  t record;
BEGIN
  SELECT array_agg(DISTINCT l.unit) INTO units FROM tthc.report_lineage(scope, lineage) l;
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(scorecard_unit.unit, lo, hi) b;
  -- every indicator is counted on the dossiers the units resolved in the period
  -- (each unit's counts, then each successor's part of them)
  WITH u AS (
  SELECT d.handling_unit AS unit, count(*) AS resolved,
         count(*) FILTER (WHERE d.result <> 'late') AS in_time,
         coalesce(sum(s.steps), 0) AS steps,
         coalesce(sum(s.steps_in_time), 0) AS steps_in_time,
         count(*) FILTER (WHERE s.supplements <= 1) AS one_round,
         count(*) FILTER (WHERE ru.level IN ('province', 'district', 'commune')) AS at_desk,
         count(r.dossier_id) AS rated,
         count(r.dossier_id) FILTER (WHERE coalesce(r.answers ->> 'attitude', r.rating) <> 'unsatisfied') AS courteous,
         count(*) FILTER (WHERE pv.online_service IS NOT NULL) AS offered,
         count(*) FILTER (WHERE pv.online_service IS NOT NULL AND d.channel = 2) AS offered_online
  FROM tthc.dossier d
  LEFT JOIN tthc.unit ru ON ru.code = d.receiving_unit
  LEFT JOIN tthc.procedure pv ON pv.id = d.procedure_id AND pv.province IS NOT DISTINCT FROM d.province
  LEFT JOIN tthc.rating r ON r.dossier_id = d.id AND r.province IS NOT DISTINCT FROM d.province
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplements,
           count(*) FILTER (WHERE e.step_result IS NOT NULL) AS steps,
           count(*) FILTER (WHERE e.step_result IN ('early', 'on_time')) AS steps_in_time
    FROM tthc.dossier_event e WHERE e.dossier_id = d.id AND e.province IS NOT DISTINCT FROM d.province) s
  WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at
  GROUP BY d.handling_unit)
  SELECT coalesce(sum((round(u.resolved * l.hi) - round(u.resolved * l.lo))), 0) AS resolved,
         coalesce(sum((round(u.in_time * l.hi) - round(u.in_time * l.lo))), 0) AS in_time,
         coalesce(sum((round(u.steps * l.hi) - round(u.steps * l.lo))), 0) AS steps,
         coalesce(sum((round(u.steps_in_time * l.hi) - round(u.steps_in_time * l.lo))), 0) AS steps_in_time,
         coalesce(sum((round(u.one_round * l.hi) - round(u.one_round * l.lo))), 0) AS one_round,
         coalesce(sum((round(u.at_desk * l.hi) - round(u.at_desk * l.lo))), 0) AS at_desk,
         coalesce(sum((round(u.rated * l.hi) - round(u.rated * l.lo))), 0) AS rated,
         coalesce(sum((round(u.courteous * l.hi) - round(u.courteous * l.lo))), 0) AS courteous,
         coalesce(sum((round(u.offered * l.hi) - round(u.offered * l.lo))), 0) AS offered,
         coalesce(sum((round(u.offered_online * l.hi) - round(u.offered_online * l.lo))), 0) AS offered_online
    INTO t
  FROM u JOIN tthc.report_lineage(scope, lineage) l ON l.unit = u.unit;

  RETURN QUERY
  WITH x(indicator, name, num, den, basis) AS (VALUES
    (1::smallint, 'total_time', t.in_time, t.resolved,
     'resolved early or on time against the legal limit / resolved in the period'),
    (2::smallint, 'time_at_each_agency', t.steps_in_time, t.steps,
     'steps (partners'' included) ended early or on time / steps ended, of the dossiers resolved in the period'),
    (3::smallint, 'contacts_to_complete', t.one_round, t.resolved,
     'resolved with at most one request to supplement (one extra contact) / resolved in the period'),
    (4::smallint, 'agencies_contacted', NULL::bigint, NULL::bigint,
     'not recorded: which agencies the applicant contacted besides the receiving one'),
    (5::smallint, 'one_stop_desk', t.at_desk, t.resolved,
     'received at a one-stop centre (unit level province, district or commune) / resolved in the period; where the result was returned is not recorded'),
    (6::smallint, 'publicity', NULL, NULL,
     'not recorded: whether the procedure is published'),
    (7::smallint, 'officer_attitude', t.courteous, t.rated,
     'ratings whose attitude answer (or, without one, the rating) is not unsatisfied / ratings of the dossiers resolved in the period'),
    (8::smallint, 'feedback_handling', NULL, NULL,
     'not recorded: feedback and petitions and how they were answered'),
    (9::smallint, 'online_service', t.offered_online, t.offered,
     'received online / resolved, of procedures offered online (procedure.online_service)')),
  y AS (
    SELECT x.*, round(x.num::numeric / nullif(x.den, 0), 4) AS ratio FROM x),
  z AS (
    SELECT y.*, round(2 * y.ratio, 2) AS points, CASE WHEN y.ratio IS NOT NULL THEN 2::numeric END AS max_points
    FROM y)
  SELECT z.indicator, z.name, z.num::bigint, z.den::bigint, z.ratio, z.points, z.max_points, NULL::text, z.basis FROM z
  UNION ALL
  SELECT NULL::smallint, 'total', NULL::bigint, NULL::bigint, round(sum(z.points) / nullif(sum(z.max_points), 0), 4),
         sum(z.points), sum(z.max_points),
         tthc.grade_18(18 * sum(z.points) / nullif(sum(z.max_points), 0)),
         'points of the indicators the data supports; max_points = 2 per such indicator; grade on the total scaled to 18 points'
  FROM z
  ORDER BY 1 NULLS LAST;
END $$;

--
-- Name: FUNCTION scorecard_unit(unit text, period daterange, lineage boolean); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean) IS 'The department evaluation (nine indicators of 2 points, grade on 18) measured from the dossiers a unit and those below it resolved in the period (with lineage, and the parts of the ended units they took over); NULL where tthc records nothing';

--
-- Name: sees_all(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.sees_all() RETURNS boolean
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_sees_all';

--
-- Name: FUNCTION sees_all(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.sees_all() IS 'Whether current_user reads every unit (a superuser, or a member of tthc_reader, tthc_auditor or tthc_admin)';

--
-- Name: receipt_series; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.receipt_series (
    unit text NOT NULL,
    template text NOT NULL,
    symbol text NOT NULL,
    kind text NOT NULL,
    electronic boolean DEFAULT true NOT NULL,
    first_no integer DEFAULT 1 NOT NULL,
    last_no integer DEFAULT 9999999 NOT NULL,
    next_no integer NOT NULL,
    last_issued_at timestamp with time zone,
    year smallint GENERATED ALWAYS AS ((2000 + ("substring"(symbol, '/([0-9]{2})'::text))::smallint)) STORED,
    legal_reference text,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT first_no_range CHECK (((first_no >= 1) AND (first_no <= 9999999))),
    CONSTRAINT last_no_range CHECK (((last_no >= first_no) AND (last_no <= 9999999))),
    CONSTRAINT next_no_range CHECK (((next_no >= first_no) AND (next_no <= (last_no + 1)))),
    CONSTRAINT receipt_kind_known CHECK ((kind = ANY (ARRAY['phi'::text, 'le_phi'::text]))),
    CONSTRAINT receipt_symbol_format CHECK ((symbol ~ '^[A-Z0-9]{1,8}/[0-9]{2}[A-Z]{1,2}$'::text)),
    CONSTRAINT receipt_template_format CHECK ((template ~ '^[A-Za-z0-9./-]{1,20}$'::text)),
    CONSTRAINT symbol_says_electronic CHECK (((symbol !~ '[EP]$'::text) OR (electronic = (symbol ~ 'E$'::text))))
);

--
-- Name: TABLE receipt_series; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.receipt_series IS 'Receipt series of a collecting unit: template (mẫu số) and symbol (ký hiệu, with the year in it) numbered first_no..last_no; maintained by tthc_admin, numbered by tthc';

--
-- Name: COLUMN receipt_series.symbol; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt_series.symbol IS 'ký hiệu, e.g. AA/26E: the two digits after / are the year, E electronic, P paper';

--
-- Name: COLUMN receipt_series.next_no; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt_series.next_no IS 'The number the next receipt takes (set by tthc: first_no at creation; last_no + 1 when exhausted)';

--
-- Name: COLUMN receipt_series.last_issued_at; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt_series.last_issued_at IS 'The latest date of a receipt of the series: no later number is dated a day before it';

--
-- Name: COLUMN receipt_series.year; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt_series.year IS 'The year of the symbol: the series serves that local year only';

--
-- Name: COLUMN receipt_series.active; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.receipt_series.active IS 'false: no new receipts (a replaced template, say); issued ones stay';

--
-- Name: series_take(tthc.dossier, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.series_take(d tthc.dossier, kind text, at timestamp with time zone, template text, symbol text) RETURNS tthc.receipt_series
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION series_take(d tthc.dossier, kind text, at timestamp with time zone, template text, symbol text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.series_take(d tthc.dossier, kind text, at timestamp with time zone, template text, symbol text) IS 'The series a receipt of a dossier takes its number from, with next_no the number taken (the series row stays locked until commit)';

--
-- Name: solar_to_lunar(date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.solar_to_lunar(date) RETURNS tthc.lunar_date
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_solar_to_lunar';

--
-- Name: FUNCTION solar_to_lunar(date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.solar_to_lunar(date) IS 'The Vietnamese lunar date (UTC+7) of a solar date';

--
-- Name: stuck_procedures(text, daterange, integer); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer DEFAULT 20) RETURNS TABLE(procedure_code text, procedure_name text, resolved bigint, late bigint, on_time_rate numeric, open_overdue bigint, oldest_overdue_days integer, supplements_per_dossier numeric, online_share numeric, late_steps bigint, late_steps_external bigint, problems text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[] := tthc.report_scope(stuck_procedures.unit, true);
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  th jsonb;
BEGIN
  IF min_resolved IS NULL OR min_resolved < 1 THEN
    RAISE EXCEPTION 'min_resolved must be at least 1' USING ERRCODE = '22023';
  END IF;
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(stuck_procedures.unit, lo, hi) b;
  -- a row of the province's own overrides the shipped one
  SELECT jsonb_object_agg(r.rule, r.threshold ORDER BY r.shipped DESC) INTO th FROM tthc.stuck_rule r;
  RETURN QUERY
  WITH res AS (
    SELECT d.procedure_code AS code, count(*) AS resolved,
           count(*) FILTER (WHERE d.result = 'late') AS late,
           sum(s.supplements) AS supplements,
           count(*) FILTER (WHERE d.channel = 2) AS online,
           bool_or(pv.online_service IS NOT NULL) AS offered,
           sum(s.late_steps) AS late_steps, sum(s.late_external) AS late_external
    FROM tthc.dossier d
    LEFT JOIN tthc.procedure pv ON pv.id = d.procedure_id AND pv.province IS NOT DISTINCT FROM d.province
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE e.to_status = 'awaiting_supplement' AND e.from_status IS DISTINCT FROM e.to_status) AS supplements,
             count(*) FILTER (WHERE e.step_result = 'late') AS late_steps,
             count(*) FILTER (WHERE e.step_result = 'late'
                                AND EXISTS (SELECT 1 FROM tthc.unit su WHERE su.code = e.unit AND su.level = 'agency')) AS late_external
      FROM tthc.dossier_event e WHERE e.dossier_id = d.id AND e.province IS NOT DISTINCT FROM d.province) s
    WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at
    GROUP BY d.procedure_code),
  ovd AS (
    SELECT d.procedure_code AS code, count(*) AS open_overdue,
           max(tthc.working_days_between((d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                                         (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, u.calendar)) AS oldest
    FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit
    WHERE d.handling_unit = ANY (units) AND d.overdue_since IS NOT NULL AND d.status IN ('received', 'processing')
    GROUP BY d.procedure_code),
  m AS (
    SELECT coalesce(res.code, ovd.code) AS code, coalesce(res.resolved, 0) AS resolved, coalesce(res.late, 0) AS late,
           round((res.resolved - res.late)::numeric / nullif(res.resolved, 0), 4) AS on_time_rate,
           coalesce(ovd.open_overdue, 0) AS open_overdue, ovd.oldest,
           round(res.supplements::numeric / nullif(res.resolved, 0), 4) AS supp,
           round(res.online::numeric / nullif(res.resolved, 0), 4) AS online_share,
           coalesce(res.offered, false) AS offered,
           coalesce(res.late_steps, 0) AS late_steps, coalesce(res.late_external, 0) AS late_external
    FROM res FULL JOIN ovd ON ovd.code = res.code),
  q AS (
    SELECT m.*,
           array_remove(ARRAY[
             CASE WHEN m.resolved >= min_resolved AND m.on_time_rate < (th ->> 'chronically_late')::numeric
                  THEN 'chronically_late' END,
             CASE WHEN m.resolved >= min_resolved AND m.supp > (th ->> 'supplement_loop')::numeric
                  THEN 'supplement_loop' END,
             CASE WHEN m.resolved >= min_resolved AND m.offered AND m.online_share < (th ->> 'no_online_uptake')::numeric
                  THEN 'no_online_uptake' END,
             CASE WHEN m.resolved >= min_resolved AND m.late_steps > 0
                       AND m.late_external::numeric / m.late_steps >= (th ->> 'late_at_external')::numeric
                  THEN 'late_at_external' END,
             CASE WHEN m.open_overdue >= (th ->> 'overdue_backlog')::numeric THEN 'overdue_backlog' END
           ], NULL) AS problems
    FROM m)
  SELECT q.code, (SELECT p.name FROM tthc.procedure p WHERE p.code = q.code ORDER BY p.valid_from DESC LIMIT 1),
         q.resolved, q.late, q.on_time_rate, q.open_overdue, q.oldest, q.supp, q.online_share,
         q.late_steps::bigint, q.late_external::bigint, q.problems
  FROM q WHERE cardinality(q.problems) > 0
  ORDER BY cardinality(q.problems) DESC, q.on_time_rate NULLS LAST, q.open_overdue DESC, q.code;
END $$;

--
-- Name: FUNCTION stuck_procedures(unit text, period daterange, min_resolved integer); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer) IS 'The procedures still stuck (còn vướng mắc) at a unit and those below it: per procedure the period''s resolutions, lateness, supplements, online share, late steps and open overdue dossiers, with the named problems of tthc.stuck_rule';

--
-- Name: sweep(timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.sweep(at timestamp with time zone DEFAULT now()) RETURNS TABLE(overdue bigint, due_soon bigint)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  started timestamptz := clock_timestamp();
  horizon timestamptz;
  u text;
  o bigint;
  s bigint;
BEGIN
  IF at IS NULL THEN
    RAISE EXCEPTION 'the sweep time cannot be null' USING ERRCODE = '22004';
  END IF;
  -- a national hub mirrors the provinces' flags and sums; it sweeps nothing
  IF tthc.is_hub() THEN
    overdue := 0; due_soon := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  -- one sweeper at a time per database; the others return at once
  IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('tthc.sweep')) THEN
    overdue := 0; due_soon := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  horizon := tthc.due_soon_horizon(sweep.at);
  BEGIN
    SELECT x.overdue, x.due_soon INTO overdue, due_soon FROM tthc.sweep_units(sweep.at, horizon, NULL) x;
  EXCEPTION WHEN OTHERS THEN
    -- one unit (a calendar with no working time, say) must not stop the others
    overdue := 0; due_soon := 0;
    FOR u IN SELECT DISTINCT d.handling_unit FROM tthc.dossier d
              WHERE d.overdue_since IS NULL AND d.status IN ('received', 'processing')
                AND d.due_at <= greatest(horizon, sweep.at) ORDER BY 1 LOOP
      BEGIN
        SELECT x.overdue, x.due_soon INTO o, s FROM tthc.sweep_units(sweep.at, horizon, u) x;
        overdue := overdue + o;
        due_soon := due_soon + s;
      EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'tthc.sweep left out unit %: %', u, SQLERRM
          USING ERRCODE = SQLSTATE, HINT = 'Fix the unit''s calendar; the other units were swept.';
      END;
    END LOOP;
  END;
  PERFORM tthc.report_compact();
  INSERT INTO tthc.sweep_state AS s (swept_to, started_at, finished_at, overdue, due_soon, runs)
  VALUES (sweep.at, started, clock_timestamp(), sweep.overdue, sweep.due_soon, 1)
  ON CONFLICT (id) DO UPDATE
    SET swept_to = excluded.swept_to, started_at = excluded.started_at,
        finished_at = excluded.finished_at, overdue = excluded.overdue,
        due_soon = excluded.due_soon, runs = s.runs + 1;
  RETURN NEXT;
END $$;

--
-- Name: FUNCTION sweep(at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.sweep(at timestamp with time zone) IS 'Flags running dossiers past their deadline (once) and warns those due soon, logging events and sending NOTIFY tthc_overdue / tthc_due_soon';

--
-- Name: sweep_units(timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.sweep_units(at timestamp with time zone, horizon timestamp with time zone, unit text, OUT overdue bigint, OUT due_soon bigint) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  WITH u AS (
    UPDATE tthc.dossier d SET changed_at = sweep_units.at
     WHERE d.overdue_since IS NULL AND d.status IN ('received', 'processing')
       AND d.due_at < sweep_units.at AND d.changed_at <= sweep_units.at
       AND (sweep_units.unit IS NULL OR d.handling_unit = sweep_units.unit)
    RETURNING d.overdue_since)
  SELECT count(*) FILTER (WHERE u.overdue_since IS NOT NULL) INTO overdue FROM u;
  WITH u AS (
    UPDATE tthc.dossier d SET changed_at = sweep_units.at
     WHERE d.due_soon_at IS NULL AND d.overdue_since IS NULL AND d.status IN ('received', 'processing')
       AND d.due_at <= sweep_units.horizon AND d.due_at >= sweep_units.at AND d.changed_at <= sweep_units.at
       AND (sweep_units.unit IS NULL OR d.handling_unit = sweep_units.unit)
    RETURNING d.due_soon_at)
  SELECT count(*) FILTER (WHERE u.due_soon_at IS NOT NULL) INTO due_soon FROM u;
END $$;

--
-- Name: FUNCTION sweep_units(at timestamp with time zone, horizon timestamp with time zone, unit text, OUT overdue bigint, OUT due_soon bigint); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.sweep_units(at timestamp with time zone, horizon timestamp with time zone, unit text, OUT overdue bigint, OUT due_soon bigint) IS 'The work of tthc.sweep for every unit (unit NULL) or one';

--
-- Name: table_changed(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.table_changed() RETURNS trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'tthc_table_changed';

--
-- Name: FUNCTION table_changed(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.table_changed() IS 'Statement trigger: every session recompiles what it cached from this table at its next statement';

--
-- Name: time_limit_amount(tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_amount(tthc.time_limit) RETURNS numeric
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_amount';

--
-- Name: FUNCTION time_limit_amount(tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_amount(tthc.time_limit) IS 'The amount of a limit in its unit (0 for same day)';

--
-- Name: time_limit_eq(tthc.time_limit, tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_eq(tthc.time_limit, tthc.time_limit) RETURNS boolean
    LANGUAGE c IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_eq';

--
-- Name: FUNCTION time_limit_eq(tthc.time_limit, tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_eq(tthc.time_limit, tthc.time_limit) IS 'Same unit and amount';

--
-- Name: time_limit_hash(tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_hash(tthc.time_limit) RETURNS integer
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_hash';

--
-- Name: FUNCTION time_limit_hash(tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_hash(tthc.time_limit) IS 'Hash support for tthc.time_limit';

--
-- Name: time_limit_ne(tthc.time_limit, tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_ne(tthc.time_limit, tthc.time_limit) RETURNS boolean
    LANGUAGE c IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_ne';

--
-- Name: FUNCTION time_limit_ne(tthc.time_limit, tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_ne(tthc.time_limit, tthc.time_limit) IS 'Different unit or amount';

--
-- Name: time_limit_unit(tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_limit_unit(tthc.time_limit) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_time_limit_unit';

--
-- Name: FUNCTION time_limit_unit(tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_limit_unit(tthc.time_limit) IS 'The unit of a limit: working_days, working_hours, days or same_day';

--
-- Name: time_reduction(text, daterange); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.time_reduction(unit text, period daterange) RETURNS TABLE(procedures bigint, provincial_days numeric, national_days numeric, catalogue_cut numeric, resolved bigint, actual_work interval, legal_work interval, actual_cut numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  units text[] := tthc.report_scope(time_reduction.unit, true);
  lo date;
  hi date;
  lo_at timestamptz;
  hi_at timestamptz;
  c record;
  a record;
BEGIN
  SELECT p.lo, p.hi INTO lo, hi FROM tthc.report_period(period) p;
  SELECT b.lo_at, b.hi_at INTO lo_at, hi_at FROM tthc.local_bounds(time_reduction.unit, lo, hi) b;
  -- the catalogue: the versions in force on the period's last day that record the national limit
  SELECT count(*) AS n, sum(tthc.working_day_equivalent(p.time_limit)) AS prov,
         sum(tthc.working_day_equivalent(p.national_time_limit)) AS nat
    INTO c
  FROM tthc.procedure p
  WHERE p.national_time_limit IS NOT NULL AND p.valid_from <= hi - 1 AND (p.valid_to IS NULL OR p.valid_to >= hi - 1)
    AND p.province IS NOT DISTINCT FROM (SELECT u.province FROM tthc.unit u WHERE u.code = time_reduction.unit);
  -- the dossiers: working time used and allowed (pauses excluded from both)
  SELECT count(*) AS n,
         sum(tthc.working_time_between(d.clock_started_at, d.finished_at, u.calendar) - d.paused_work) AS used,
         sum(tthc.working_time_between(d.clock_started_at, d.due_at, u.calendar) - d.paused_work) AS allowed
    INTO a
  FROM tthc.dossier d JOIN tthc.unit u ON u.code = d.handling_unit
  WHERE d.handling_unit = ANY (units) AND d.finished_at >= lo_at AND d.finished_at < hi_at
    AND d.clock_started_at IS NOT NULL AND d.due_at IS NOT NULL;
  RETURN QUERY SELECT c.n, c.prov, c.nat, round(1 - c.prov / nullif(c.nat, 0), 4),
                      a.n, a.used, a.allowed,
                      round(1 - extract(epoch FROM a.used) / nullif(extract(epoch FROM a.allowed), 0), 4);
END $$;

--
-- Name: FUNCTION time_reduction(unit text, period daterange); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.time_reduction(unit text, period daterange) IS 'The processing-time cut: of the catalogue (1 - provincial / national limits in force, in working days) and actual (1 - working time used / allowed, over the dossiers the unit and those below it resolved in the period)';

--
-- Name: track(text, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.track(code text, id_suffix text) RETURNS TABLE(status tthc.dossier_status, received_at timestamp with time zone, due_at timestamp with time zone, promised_at timestamp with time zone, finished_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  started timestamptz := clock_timestamp();
  d record;
  ok boolean;
BEGIN
  -- a fixed length: a longer suffix would confirm digits one at a time
  IF id_suffix IS NULL OR length(id_suffix) <> 4 THEN
    RAISE EXCEPTION 'the ID suffix is the last 4 characters of the applicant''s ID'
      USING ERRCODE = '22023';
  END IF;
  -- the same work whether the code exists and whether the suffix matches,
  -- and then a wait to tthc.track_min_time: the caller's clock learns
  -- nothing, and guessing a suffix takes at least that long per guess
  SELECT x.status, x.received_at, x.due_at, x.promised_at, x.finished_at, coalesce(x.applicant_id, '') AS aid
    INTO d FROM tthc.dossier x WHERE x.code = track.code;
  ok := md5(right(coalesce(d.aid, ''), 4)) = md5(id_suffix) AND length(coalesce(d.aid, '')) >= 4;
  RETURN QUERY SELECT d.status, d.received_at, d.due_at, d.promised_at, d.finished_at WHERE ok;
  PERFORM tthc.track_wait(started);
END $$;

--
-- Name: FUNCTION track(code text, id_suffix text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.track(code text, id_suffix text) IS 'Status and appointment of a dossier for its applicant: exactly the last 4 characters of the applicant''s ID must match; nothing otherwise, in the same time (tthc.track_min_time)';

--
-- Name: track_wait(timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.track_wait(started timestamp with time zone) RETURNS void
    LANGUAGE c STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_track_wait';

--
-- Name: FUNCTION track_wait(started timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.track_wait(started timestamp with time zone) IS 'Sleeps until tthc.track_min_time has passed since a moment (tthc.track ends with it)';

--
-- Name: transfer(text, text, timestamp with time zone, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.transfer(code text, to_unit text, at timestamp with time zone DEFAULT now(), reason text DEFAULT NULL::text) RETURNS tthc.dossier
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  d tthc.dossier;
BEGIN
  IF at IS NULL OR to_unit IS NULL THEN
    RAISE EXCEPTION 'the unit and time of a transfer cannot be null' USING ERRCODE = '22004';
  END IF;
  SELECT * INTO d FROM tthc.dossier x WHERE x.code = transfer.code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  IF d.status NOT IN ('received', 'processing', 'awaiting_supplement', 'awaiting_payment') THEN
    RAISE EXCEPTION 'dossier % is %: only an open dossier is transferred', code, d.status
      USING ERRCODE = '55000', TABLE = 'dossier', COLUMN = 'handling_unit';
  END IF;
  IF d.handling_unit = to_unit THEN
    RAISE EXCEPTION 'dossier % is already handled by %', code, to_unit
      USING ERRCODE = '22023', TABLE = 'dossier', COLUMN = 'handling_unit';
  END IF;
  -- now() is the default: the trigger picks the time
  PERFORM set_config('tthc.event_time', CASE WHEN transfer.at = now() THEN '' ELSE transfer.at::text END, true);
  UPDATE tthc.dossier x
     SET handling_unit = transfer.to_unit,
         changed_at = CASE WHEN transfer.at = now() THEN x.changed_at ELSE transfer.at END,
         note = transfer.reason
   WHERE x.code = transfer.code
  RETURNING * INTO d;
  PERFORM set_config('tthc.event_time', '', true);
  RETURN d;
END $$;

--
-- Name: FUNCTION transfer(code text, to_unit text, at timestamp with time zone, reason text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.transfer(code text, to_unit text, at timestamp with time zone, reason text) IS 'Moves an open dossier to another handling unit of the province at a time, with a reason: its code, clock and deadline stay (recomputed on the new unit''s calendar when it differs); a transfer event names both units; reports count it out of one and into the other';

--
-- Name: transfer_passes(bigint); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.transfer_passes(id bigint) RETURNS boolean
    LANGUAGE c STRICT PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'tthc_transfer_passes';

--
-- Name: FUNCTION transfer_passes(id bigint); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.transfer_passes(id bigint) IS 'Whether the dossier guard allowed a transfer of dossier id in the running command (the officers'' update policy reads it)';

--
-- Name: transfers_passed(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.transfers_passed() RETURNS bigint[]
    LANGUAGE c PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'tthc_transfers_passed';

--
-- Name: FUNCTION transfers_passed(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.transfers_passed() IS 'The dossiers the guard let the running command transfer (the officers'' read policy: an UPDATE that reads the row checks the moved row against it too)';

--
-- Name: transition(text, tthc.dossier_status, timestamp with time zone, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.transition(code text, to_status tthc.dossier_status, at timestamp with time zone DEFAULT now(), note text DEFAULT NULL::text) RETURNS tthc.dossier
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  d tthc.dossier;
  cur tthc.dossier_status;
BEGIN
  IF at IS NULL THEN
    RAISE EXCEPTION 'the time of a transition cannot be null' USING ERRCODE = '22004';
  END IF;
  SELECT x.status INTO cur FROM tthc.dossier x WHERE x.code = transition.code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'dossier % does not exist', code USING ERRCODE = '42704';
  END IF;
  IF cur = to_status AND to_status <> 'processing' THEN
    PERFORM tthc.check_transition(cur, to_status);
  END IF;
  -- now() is the default: the trigger picks the time
  PERFORM set_config('tthc.event_time', CASE WHEN transition.at = now() THEN '' ELSE transition.at::text END, true);
  UPDATE tthc.dossier x
     SET status = transition.to_status,
         changed_at = CASE WHEN transition.at = now() THEN x.changed_at ELSE transition.at END,
         note = transition.note,
         step = CASE WHEN x.status = 'processing' AND transition.to_status = 'processing'
                     THEN coalesce(x.step, 0) + 1 ELSE x.step END
   WHERE x.code = transition.code
  RETURNING * INTO d;
  PERFORM set_config('tthc.event_time', '', true);
  RETURN d;
END $$;

--
-- Name: FUNCTION transition(code text, to_status tthc.dossier_status, at timestamp with time zone, note text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.transition(code text, to_status tthc.dossier_status, at timestamp with time zone, note text) IS 'Moves a dossier to a status at a time (processing to processing hands it to the next step)';

--
-- Name: transition_allowed(tthc.dossier_status, tthc.dossier_status); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.transition_allowed(from_status tthc.dossier_status, to_status tthc.dossier_status) RETURNS boolean
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_transition_allowed';

--
-- Name: FUNCTION transition_allowed(from_status tthc.dossier_status, to_status tthc.dossier_status); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.transition_allowed(from_status tthc.dossier_status, to_status tthc.dossier_status) IS 'Whether a dossier may move between two statuses';

--
-- Name: unit_desk_check(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.unit_desk_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  z text;
  dz text;
BEGIN
  IF NEW.reception_calendar IS NOT NULL THEN
    SELECT c.time_zone INTO z FROM tthc.calendar c WHERE c.name = NEW.calendar;
    SELECT c.time_zone INTO dz FROM tthc.calendar c WHERE c.name = NEW.reception_calendar;
    IF dz IS DISTINCT FROM z AND dz IS NOT NULL THEN  -- (an unknown one: the foreign key says so)
      RAISE EXCEPTION 'reception calendar % of unit % keeps time zone %, its calendar % keeps %',
                      NEW.reception_calendar, NEW.code, dz, NEW.calendar, z
        USING ERRCODE = '22023', TABLE = 'unit', COLUMN = 'reception_calendar',
              HINT = 'A desk keeps its unit''s time.';
    END IF;
  END IF;
  RETURN NEW;
END $$;

--
-- Name: FUNCTION unit_desk_check(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.unit_desk_check() IS 'A unit''s reception calendar keeps the time zone of its calendar';

--
-- Name: unit_in_use(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.unit_in_use() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.code = OLD.code AND NEW.calendar = OLD.calendar
     AND NEW.reception_calendar IS NOT DISTINCT FROM OLD.reception_calendar THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM tthc.dossier d
             WHERE d.handling_unit = OLD.code OR d.receiving_unit = OLD.code) THEN
    RAISE EXCEPTION 'unit % has dossiers', OLD.code
      USING ERRCODE = '23503',
            DETAIL = 'Its code and calendars time those dossiers; they cannot change while dossiers refer to it.',
            HINT = 'Create a new unit instead.';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

--
-- Name: FUNCTION unit_in_use(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.unit_in_use() IS 'A unit with dossiers keeps its code, calendar and reception calendar';

--
-- Name: unit_lineage(date); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.unit_lineage(at date DEFAULT NULL::date) RETURNS TABLE(unit text, successor text, weight numeric, lo numeric, hi numeric, resolved boolean)
    LANGUAGE sql STABLE ROWS 10
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  WITH RECURSIVE
  -- the units ended by at (NULL: today, each in its calendar's time)
  ended AS (
    SELECT u.code FROM tthc.unit u JOIN tthc.calendar c ON c.name = u.calendar
    WHERE u.valid_to < coalesce($1, (now() AT TIME ZONE c.time_zone)::date)),
  -- one generation: the successors of an ended unit, when one is whole or
  -- all have shares
  succ AS (
    SELECT s.old_unit, s.new_unit, s.whole, s.share,
           bool_or(s.whole) OVER o AS has_whole,
           count(s.share) OVER o = count(*) OVER o AS all_shares,
           sum(s.share) OVER o AS shares
    FROM tthc.unit_succession s JOIN ended e ON e.code = s.old_unit
    WINDOW o AS (PARTITION BY s.old_unit)),
  step0 AS (
    SELECT old_unit, new_unit, CASE WHEN has_whole THEN 1 ELSE share / shares END AS w
    FROM succ WHERE (has_whole AND whole) OR (NOT has_whole AND all_shares)),
  -- a unit whose successors lead back to it takes nobody's history: it
  -- keeps its own, unresolved (UNION: the pairs are finite, the walk ends)
  reach(a, b) AS (
    SELECT old_unit, new_unit FROM step0
    UNION
    SELECT r.a, st.new_unit FROM reach r JOIN step0 st ON st.old_unit = r.b),
  step AS (
    SELECT st.* FROM step0 st WHERE NOT EXISTS (SELECT 1 FROM reach r WHERE r.a = st.old_unit AND r.b = st.old_unit)),
  walk(unit, node, w, depth) AS (
    SELECT u.code, u.code, 1::numeric, 0 FROM tthc.unit u
    UNION ALL
    SELECT k.unit, st.new_unit, k.w * st.w, k.depth + 1
    FROM walk k JOIN step st ON st.old_unit = k.node
    WHERE k.depth < 64),
  ends AS (
    SELECT k.unit, k.node, sum(k.w) AS w FROM walk k
    WHERE NOT EXISTS (SELECT 1 FROM step st WHERE st.old_unit = k.node)
    GROUP BY k.unit, k.node),
  cum AS (
    SELECT e.unit, e.node, e.w,
           sum(e.w) OVER (PARTITION BY e.unit ORDER BY e.node ROWS UNBOUNDED PRECEDING) AS upto,
           row_number() OVER (PARTITION BY e.unit ORDER BY e.node DESC) = 1 AS last
    FROM ends e)
  SELECT c.unit, c.node, c.w, c.upto - c.w, CASE WHEN c.last THEN 1 ELSE c.upto END,
         NOT (c.unit = c.node AND c.unit IN (SELECT code FROM ended))
  FROM cum c
$_$;

--
-- Name: FUNCTION unit_lineage(at date); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.unit_lineage(at date) IS 'Each unit and the units standing at a date (NULL: today, in each unit''s time) that carry its history (itself while it stands): the successor marked whole, else the successors by share, over every change since; weight, and the cumulative share lo to hi that splits its counts; resolved is false for an ended unit that no successor takes whole or by share, or whose successors lead back to it';

--
-- Name: unit_orphans(timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.unit_orphans(at timestamp with time zone DEFAULT now()) RETURNS TABLE(code text, handling_unit text, status tthc.dossier_status, unit_ended date, successors text[])
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  SELECT d.code, d.handling_unit, d.status, u.valid_to,
         (SELECT array_agg(s.new_unit ORDER BY s.new_unit) FROM tthc.unit_succession s WHERE s.old_unit = u.code)
  FROM tthc.unit u
  JOIN tthc.calendar c ON c.name = u.calendar
  JOIN tthc.dossier d ON d.handling_unit = u.code
  WHERE u.valid_to < (unit_orphans.at AT TIME ZONE c.time_zone)::date
    AND d.status IN ('submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment')
  ORDER BY d.handling_unit, d.code
$$;

--
-- Name: FUNCTION unit_orphans(at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.unit_orphans(at timestamp with time zone) IS 'The dossiers still open (or submitted) at units that had ended by at, with the units that succeeded them: what is left to move (tthc.transfer)';

--
-- Name: unit_succession_check(); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.unit_succession_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  bad record;
BEGIN
  SELECT s.old_unit, sum(s.share) AS total INTO bad
  FROM tthc.unit_succession s
  WHERE s.old_unit IN (SELECT n.old_unit FROM changed n)
  GROUP BY s.old_unit HAVING sum(s.share) > 1
  ORDER BY s.old_unit LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the shares of unit %''s successors add up to %, more than the whole', bad.old_unit, bad.total
      USING ERRCODE = '23514', TABLE = 'unit_succession', COLUMN = 'share';
  END IF;
  RETURN NULL;
END $$;

--
-- Name: FUNCTION unit_succession_check(); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.unit_succession_check() IS 'The shares of one old unit''s successors add up to at most 1';

--
-- Name: unreceipted(bigint); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.unreceipted(dossier_id bigint) RETURNS TABLE(payment bigint, fee_code text, kind text, name text, amount bigint)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION unreceipted(dossier_id bigint); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.unreceipted(dossier_id bigint) IS 'A dossier''s paid payments that no issued receipt covers, with what stands of each after refunds';

--
-- Name: verify_log(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.verify_log(code text DEFAULT NULL::text) RETURNS TABLE(code text, seq integer, problem text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT * FROM tthc.log_problems(verify_log.code) $$;

--
-- Name: FUNCTION verify_log(code text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.verify_log(code text) IS 'The first problem of each dossier''s control slip (all dossiers, or one): a broken or missing link, a row that disagrees with its latest event or has no events, events of no dossier, a payment or receipt that disagrees with its event, a receipt series whose next number does not follow its receipts; no rows when every log is intact';

--
-- Name: waive(text, text, text, timestamp with time zone); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.waive(code text, fee_code text, reason text, at timestamp with time zone DEFAULT now()) RETURNS tthc.payment
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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

--
-- Name: FUNCTION waive(code text, fee_code text, reason text, at timestamp with time zone); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.waive(code text, fee_code text, reason text, at timestamp with time zone) IS 'Records that the applicant is exempt from a fee (fee.exempt says who may be)';

--
-- Name: warn_before_work(text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.warn_before_work(calendar text) RETURNS interval
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_warn_before_work';

--
-- Name: FUNCTION warn_before_work(calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.warn_before_work(calendar text) IS 'tthc.warn_before as working time on a calendar';

--
-- Name: working_day_equivalent(tthc.time_limit); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.working_day_equivalent(tthc.time_limit) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  SELECT CASE tthc.time_limit_unit($1)
           WHEN 'working_days' THEN tthc.time_limit_amount($1)
           WHEN 'working_hours' THEN tthc.time_limit_amount($1) / 8
           WHEN 'days' THEN tthc.time_limit_amount($1) * 5 / 7
           WHEN 'same_day' THEN 1::numeric END
$_$;

--
-- Name: FUNCTION working_day_equivalent(tthc.time_limit); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.working_day_equivalent(tthc.time_limit) IS 'A limit in working days: working hours / 8, calendar days x 5/7, same day = 1';

--
-- Name: working_days_between(date, date, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.working_days_between(a date, b date, calendar text DEFAULT 'vn'::text) RETURNS integer
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_working_days_between';

--
-- Name: FUNCTION working_days_between(a date, b date, calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.working_days_between(a date, b date, calendar text) IS 'Working days x with a < x <= b; negative, -(b <= x < a), when b < a';

--
-- Name: working_time_between(timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: tthc; Owner: -
--

CREATE FUNCTION tthc.working_time_between(a timestamp with time zone, b timestamp with time zone, calendar text DEFAULT 'vn'::text) RETURNS interval
    LANGUAGE c STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'tthc_working_time_between';

--
-- Name: FUNCTION working_time_between(a timestamp with time zone, b timestamp with time zone, calendar text); Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON FUNCTION tthc.working_time_between(a timestamp with time zone, b timestamp with time zone, calendar text) IS 'Working time in [a, b); negative when b < a';

--
-- Name: <>; Type: OPERATOR; Schema: tthc; Owner: -
--

CREATE OPERATOR tthc.<> (
    FUNCTION = tthc.time_limit_ne,
    LEFTARG = tthc.time_limit,
    RIGHTARG = tthc.time_limit,
    COMMUTATOR = OPERATOR(tthc.<>),
    NEGATOR = OPERATOR(tthc.=),
    RESTRICT = neqsel,
    JOIN = neqjoinsel
);

--
-- Name: =; Type: OPERATOR; Schema: tthc; Owner: -
--

CREATE OPERATOR tthc.= (
    FUNCTION = tthc.time_limit_eq,
    LEFTARG = tthc.time_limit,
    RIGHTARG = tthc.time_limit,
    COMMUTATOR = OPERATOR(tthc.=),
    NEGATOR = OPERATOR(tthc.<>),
    HASHES,
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);

--
-- Name: time_limit_ops; Type: OPERATOR FAMILY; Schema: tthc; Owner: -
--

CREATE OPERATOR FAMILY tthc.time_limit_ops USING hash;

--
-- Name: time_limit_ops; Type: OPERATOR CLASS; Schema: tthc; Owner: -
--

CREATE OPERATOR CLASS tthc.time_limit_ops
    DEFAULT FOR TYPE tthc.time_limit USING hash FAMILY tthc.time_limit_ops AS
    OPERATOR 1 tthc.=(tthc.time_limit,tthc.time_limit) ,
    FUNCTION 1 (tthc.time_limit, tthc.time_limit) tthc.time_limit_hash(tthc.time_limit);

--
-- Name: calendar; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.calendar (
    name text NOT NULL,
    description text,
    parent text,
    time_zone text DEFAULT 'Asia/Ho_Chi_Minh'::text NOT NULL,
    day_length interval DEFAULT '08:00:00'::interval NOT NULL,
    same_day_cutoff time without time zone DEFAULT '15:00:00'::time without time zone NOT NULL,
    holiday_rules text,
    shipped boolean DEFAULT false NOT NULL,
    province text,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT calendar_holiday_rules_check CHECK ((holiday_rules = 'vn'::text)),
    CONSTRAINT calendar_name_format CHECK ((name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT day_length_range CHECK (((day_length > '00:00:00'::interval) AND (day_length <= '24:00:00'::interval)))
);

--
-- Name: TABLE calendar; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.calendar IS 'Named working-time calendars; a calendar inherits the dated exceptions and weekly hours of its parent';

--
-- Name: COLUMN calendar.day_length; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar.day_length IS 'Nominal working day: N working days = N x day_length of working time';

--
-- Name: COLUMN calendar.same_day_cutoff; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar.same_day_cutoff IS 'A same-day dossier normalised at or after this local time is due the next working day';

--
-- Name: COLUMN calendar.holiday_rules; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar.holiday_rules IS '''vn'': generate the Labour Code days for years without a tthc.calendar_year row';

--
-- Name: COLUMN calendar.shipped; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar.shipped IS 'Installed by the extension (left out of pg_dump)';

--
-- Name: COLUMN calendar.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';

--
-- Name: COLUMN calendar.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar.gid IS 'The row''s identity in the country (how the national hub finds it again)';

--
-- Name: calendar_exception; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.calendar_exception (
    calendar text NOT NULL,
    day date NOT NULL,
    kind tthc.day_kind NOT NULL,
    name text NOT NULL,
    legal_reference text,
    hours tthc.time_multirange,
    provisional boolean DEFAULT false NOT NULL,
    shipped boolean DEFAULT false NOT NULL,
    province text,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT day_in_supported_range CHECK (((day >= '1990-01-01'::date) AND (day <= '2199-12-31'::date))),
    CONSTRAINT days_off_have_no_hours CHECK (((kind <> ALL (ARRAY['holiday'::tthc.day_kind, 'compensatory'::tthc.day_kind, 'swapped'::tthc.day_kind])) OR (hours IS NULL))),
    CONSTRAINT hours_bounded_at_most_8 CHECK (tthc.hours_ok(hours)),
    CONSTRAINT kind_is_an_exception CHECK ((kind <> 'weekend'::tthc.day_kind)),
    CONSTRAINT special_hours_need_hours CHECK (((kind <> 'special_hours'::tthc.day_kind) OR ((hours IS NOT NULL) AND (NOT isempty(hours)))))
);

--
-- Name: TABLE calendar_exception; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.calendar_exception IS 'Dated exceptions: days off (holiday, compensatory, swapped), make-up days, dates with their own hours, working (a normal day, cancelling an inherited or shipped day off); a row of yours overrides a shipped one';

--
-- Name: COLUMN calendar_exception.hours; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_exception.hours IS 'Own working hours (special_hours; optional for makeup, which otherwise works the first working weekday''s hours)';

--
-- Name: COLUMN calendar_exception.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_exception.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';

--
-- Name: COLUMN calendar_exception.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_exception.gid IS 'The row''s identity in the country (how the national hub finds it again)';

--
-- Name: calendar_week; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.calendar_week (
    calendar text NOT NULL,
    isodow smallint NOT NULL,
    hours tthc.time_multirange NOT NULL,
    shipped boolean DEFAULT false NOT NULL,
    province text,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT hours_bounded_at_most_8 CHECK (tthc.hours_ok(hours)),
    CONSTRAINT isodow_range CHECK (((isodow >= 1) AND (isodow <= 7)))
);

--
-- Name: TABLE calendar_week; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.calendar_week IS 'Weekly working hours by ISO weekday (1 = Monday); a weekday without a row takes the parent''s, ''{}'' closes it; a row of yours overrides a shipped one';

--
-- Name: COLUMN calendar_week.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_week.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';

--
-- Name: COLUMN calendar_week.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_week.gid IS 'The row''s identity in the country (how the national hub finds it again)';

--
-- Name: calendar_year; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.calendar_year (
    calendar text NOT NULL,
    year integer NOT NULL,
    legal_reference text NOT NULL,
    shipped boolean DEFAULT false NOT NULL,
    province text,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT year_in_supported_range CHECK (((year >= 1990) AND (year <= 2199)))
);

--
-- Name: TABLE calendar_year; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.calendar_year IS 'Years with an official schedule: the generated (provisional) Labour Code days of that year are dropped';

--
-- Name: COLUMN calendar_year.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_year.province IS 'On the national hub: the province the row is mirrored from; NULL for the node''s own rows';

--
-- Name: COLUMN calendar_year.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.calendar_year.gid IS 'The row''s identity in the country (how the national hub finds it again)';

--
-- Name: dossier_counter; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.dossier_counter (
    unit text NOT NULL,
    day date NOT NULL,
    last integer NOT NULL
);

--
-- Name: TABLE dossier_counter; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.dossier_counter IS 'Last dossier number given per receiving unit and local day; its row lock makes codes gap-free';

--
-- Name: dossier_id_seq; Type: SEQUENCE; Schema: tthc; Owner: -
--

ALTER TABLE tthc.dossier ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME tthc.dossier_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: dossier_masked; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.dossier_masked WITH (security_barrier='true') AS
 SELECT d.id,
    d.code,
    d.procedure_code,
    d.procedure_id,
    d.receiving_unit,
    d.handling_unit,
    d.channel,
    tthc.mask_name(d.applicant_name) AS applicant_name,
    tthc.mask(d.applicant_id, 0) AS applicant_id,
    tthc.mask(d.applicant_phone) AS applicant_phone,
    d.submitted_at,
    d.received_at,
    d.status,
    d.changed_at,
    d.due_at,
    d.promised_at,
    d.apologies,
    d.clock_started_at,
    d.paused_at,
    d.paused_work,
    d.step,
    d.step_unit,
    d.step_started_at,
    d.step_due_at,
    d.finished_at,
    d.returned_at,
    d.result,
    d.overdue_since,
    d.due_soon_at,
    d.regime
   FROM tthc.dossier d
  WHERE (( SELECT tthc.sees_all() AS sees_all) OR (d.handling_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (d.receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])));

--
-- Name: VIEW dossier_masked; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.dossier_masked IS 'Dossiers without personal data in clear: the applicant''s name as initials, no digit of the ID number (tthc.track checks its last 4), the phone''s last 3; each caller sees the units it may see';

--
-- Name: unit; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.unit (
    code text NOT NULL,
    name text NOT NULL,
    level text NOT NULL,
    parent text,
    calendar text DEFAULT 'vn'::text NOT NULL,
    province text,
    tax_code text,
    valid_from date,
    valid_to date,
    reception_calendar text,
    CONSTRAINT unit_code_format CHECK ((code ~ '^[A-Z0-9.]+$'::text)),
    CONSTRAINT unit_level_known CHECK ((level = ANY (ARRAY['province'::text, 'district'::text, 'commune'::text, 'department'::text, 'agency'::text]))),
    CONSTRAINT unit_tax_code_format CHECK ((tax_code ~ '^[0-9]{10}([0-9]{2}|-[0-9]{3})?$'::text)),
    CONSTRAINT unit_validity CHECK ((valid_to >= valid_from))
);

--
-- Name: TABLE unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.unit IS 'Receiving and handling units (provincial centre, commune centres, agencies), with their electronic code and calendar';

--
-- Name: COLUMN unit.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Name: COLUMN unit.tax_code; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit.tax_code IS 'The unit''s tax code (mã số thuế), printed on its receipts as the collector''s';

--
-- Name: COLUMN unit.valid_from; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit.valid_from IS 'The first local day the unit takes new dossiers (NULL: always)';

--
-- Name: COLUMN unit.valid_to; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit.valid_to IS 'The last local day the unit takes new dossiers (NULL: it stands); its open dossiers stay until moved (tthc.unit_orphans, tthc.transfer)';

--
-- Name: COLUMN unit.reception_calendar; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit.reception_calendar IS 'When the unit''s desk receives dossiers (NULL: its calendar); deadlines always run on calendar, the processing calendar; the same-day cut-off reads this one';

--
-- Name: dossier_sla; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.dossier_sla WITH (security_barrier='true') AS
 SELECT s.id,
    s.code,
    s.procedure_code,
    s.receiving_unit,
    s.handling_unit,
    s.channel,
    s.status,
    s.received_at,
    s.clock_started_at,
    s.due_at,
    s.promised_at,
    s.finished_at,
    s.result,
    s.overdue_since,
    s.calendar,
    s.elapsed_work,
    s.remaining_work,
        CASE
            WHEN ((s.elapsed_work + s.remaining_work) > '00:00:00'::interval) THEN round((EXTRACT(epoch FROM s.elapsed_work) / EXTRACT(epoch FROM (s.elapsed_work + s.remaining_work))), 3)
            ELSE NULL::numeric
        END AS share_used,
        CASE
            WHEN (s.status = ANY (ARRAY['resolved'::tthc.dossier_status, 'returned'::tthc.dossier_status])) THEN ('done_'::text || s.result)
            WHEN (s.status = ANY (ARRAY['awaiting_supplement'::tthc.dossier_status, 'awaiting_payment'::tthc.dossier_status])) THEN 'paused'::text
            WHEN ((s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) AND (s.remaining_work < '00:00:00'::interval)) THEN 'overdue'::text
            WHEN ((s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) AND (s.due_at < now())) THEN 'overdue'::text
            WHEN ((s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) AND (s.remaining_work <= tthc.warn_before_work(s.calendar))) THEN 'due_soon'::text
            WHEN (s.status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])) THEN 'in_time'::text
            ELSE NULL::text
        END AS band
   FROM ( SELECT d.id,
            d.code,
            d.procedure_code,
            d.receiving_unit,
            d.handling_unit,
            d.channel,
            d.status,
            d.received_at,
            d.clock_started_at,
            d.due_at,
            d.promised_at,
            d.finished_at,
            d.result,
            d.overdue_since,
            (COALESCE((u.province || '/'::text), ''::text) || u.calendar) AS calendar,
            GREATEST(((tthc.working_time_between(d.clock_started_at, r.at, (COALESCE((u.province || '/'::text), ''::text) || u.calendar)) - d.paused_work) - COALESCE(tthc.working_time_between(d.paused_at, r.at, (COALESCE((u.province || '/'::text), ''::text) || u.calendar)), '00:00:00'::interval)), '00:00:00'::interval) AS elapsed_work,
            tthc.working_time_between(r.at, d.due_at, (COALESCE((u.province || '/'::text), ''::text) || u.calendar)) AS remaining_work
           FROM ((tthc.dossier d
             JOIN tthc.unit u ON ((u.code = d.handling_unit)))
             CROSS JOIN LATERAL ( SELECT LEAST(COALESCE(d.finished_at, now()), now()) AS at) r)
          WHERE ((d.clock_started_at IS NOT NULL) AND (( SELECT tthc.sees_all() AS sees_all) OR (d.handling_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (d.receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[]))))) s;

--
-- Name: VIEW dossier_sla; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.dossier_sla IS 'Every received dossier the caller may see, with its elapsed and remaining working time, the share of its limit used, and its band';

--
-- Name: report_delta; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.report_delta (
    unit text NOT NULL,
    field text NOT NULL,
    day date NOT NULL,
    received_in_person bigint DEFAULT 0 NOT NULL,
    received_online bigint DEFAULT 0 NOT NULL,
    received_postal bigint DEFAULT 0 NOT NULL,
    resolved_early bigint DEFAULT 0 NOT NULL,
    resolved_on_time bigint DEFAULT 0 NOT NULL,
    resolved_late bigint DEFAULT 0 NOT NULL,
    refused bigint DEFAULT 0 NOT NULL,
    withdrawn bigint DEFAULT 0 NOT NULL,
    stopped bigint DEFAULT 0 NOT NULL,
    supplement_requests bigint DEFAULT 0 NOT NULL,
    open_change bigint DEFAULT 0 NOT NULL,
    supplement_change bigint DEFAULT 0 NOT NULL,
    overdue_change bigint DEFAULT 0 NOT NULL,
    offered_online bigint DEFAULT 0 NOT NULL,
    offered_online_online bigint DEFAULT 0 NOT NULL,
    with_fee bigint DEFAULT 0 NOT NULL,
    paid_online bigint DEFAULT 0 NOT NULL,
    digitised bigint DEFAULT 0 NOT NULL,
    result_electronic bigint DEFAULT 0 NOT NULL,
    resolved_work interval DEFAULT '00:00:00'::interval NOT NULL,
    rated bigint DEFAULT 0 NOT NULL,
    rated_satisfied bigint DEFAULT 0 NOT NULL,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    received_out_of_hours bigint DEFAULT 0 NOT NULL,
    transferred_in bigint DEFAULT 0 NOT NULL,
    transferred_out bigint DEFAULT 0 NOT NULL,
    received_here bigint DEFAULT 0 NOT NULL
);

--
-- Name: TABLE report_delta; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.report_delta IS 'Report sums appended per statement by tthc (no index, never updated), until tthc.report_compact() folds them';

--
-- Name: COLUMN report_delta.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_delta.gid IS 'The row''s identity in the country (how the national hub finds it again when the sweep folds it)';

--
-- Name: report_month; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.report_month (
    unit text NOT NULL,
    field text NOT NULL,
    month date NOT NULL,
    received_in_person bigint DEFAULT 0 NOT NULL,
    received_online bigint DEFAULT 0 NOT NULL,
    received_postal bigint DEFAULT 0 NOT NULL,
    resolved_early bigint DEFAULT 0 NOT NULL,
    resolved_on_time bigint DEFAULT 0 NOT NULL,
    resolved_late bigint DEFAULT 0 NOT NULL,
    refused bigint DEFAULT 0 NOT NULL,
    withdrawn bigint DEFAULT 0 NOT NULL,
    stopped bigint DEFAULT 0 NOT NULL,
    supplement_requests bigint DEFAULT 0 NOT NULL,
    open_change bigint DEFAULT 0 NOT NULL,
    supplement_change bigint DEFAULT 0 NOT NULL,
    overdue_change bigint DEFAULT 0 NOT NULL,
    offered_online bigint DEFAULT 0 NOT NULL,
    offered_online_online bigint DEFAULT 0 NOT NULL,
    with_fee bigint DEFAULT 0 NOT NULL,
    paid_online bigint DEFAULT 0 NOT NULL,
    digitised bigint DEFAULT 0 NOT NULL,
    result_electronic bigint DEFAULT 0 NOT NULL,
    resolved_work interval DEFAULT '00:00:00'::interval NOT NULL,
    rated bigint DEFAULT 0 NOT NULL,
    rated_satisfied bigint DEFAULT 0 NOT NULL,
    received_out_of_hours bigint DEFAULT 0 NOT NULL,
    transferred_in bigint DEFAULT 0 NOT NULL,
    transferred_out bigint DEFAULT 0 NOT NULL,
    received_here bigint DEFAULT 0 NOT NULL,
    CONSTRAINT report_month_first_day CHECK ((month = (date_trunc('month'::text, (month)::timestamp without time zone))::date))
);

--
-- Name: TABLE report_month; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.report_month IS 'The sums of tthc.report_day per month (month: its first day), folded with them by tthc.report_compact()';

--
-- Name: indicators_766_monthly; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.indicators_766_monthly WITH (security_barrier='true') AS
 WITH RECURSIVE a(unit, ancestor) AS (
         SELECT u.code,
            u.code
           FROM tthc.unit u
        UNION
         SELECT a.unit,
            u.parent
           FROM (a
             JOIN tthc.unit u ON ((u.code = a.ancestor)))
          WHERE (u.parent IS NOT NULL)
        ), s AS (
         SELECT r.unit,
            r.month,
            (r.resolved_early + r.resolved_on_time) AS in_time,
            ((r.resolved_early + r.resolved_on_time) + r.resolved_late) AS resolved,
            ((r.received_in_person + r.received_online) + r.received_postal) AS received,
            r.offered_online,
            r.offered_online_online,
            r.with_fee,
            r.paid_online,
            r.digitised,
            r.result_electronic,
            r.rated,
            r.rated_satisfied
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            (date_trunc('month'::text, (r.day)::timestamp with time zone))::date AS date_trunc,
            (r.resolved_early + r.resolved_on_time),
            ((r.resolved_early + r.resolved_on_time) + r.resolved_late),
            ((r.received_in_person + r.received_online) + r.received_postal),
            r.offered_online,
            r.offered_online_online,
            r.with_fee,
            r.paid_online,
            r.digitised,
            r.result_electronic,
            r.rated,
            r.rated_satisfied
           FROM tthc.report_delta r
        ), m AS (
         SELECT a.ancestor AS unit,
            s.month,
            sum(s.in_time) AS in_time,
            sum(s.resolved) AS resolved,
            sum(s.received) AS received,
            sum(s.offered_online) AS offered,
            sum(s.offered_online_online) AS offered_online,
            sum(s.with_fee) AS with_fee,
            sum(s.paid_online) AS paid_online,
            sum(s.digitised) AS digitised,
            sum(s.result_electronic) AS e_result,
            sum(s.rated) AS rated,
            sum(s.rated_satisfied) AS satisfied
           FROM (s
             JOIN a ON ((a.unit = s.unit)))
          GROUP BY a.ancestor, s.month
        ), g AS (
         SELECT k.unit,
            (gs.gs)::date AS month
           FROM ( SELECT m_1.unit,
                    min(m_1.month) AS first
                   FROM m m_1
                  GROUP BY m_1.unit) k,
            LATERAL generate_series((k.first)::timestamp with time zone, (GREATEST(( SELECT max(m_1.month) AS max
                   FROM m m_1), (date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text)))::date))::timestamp with time zone, '1 mon'::interval) gs(gs)
        )
 SELECT g.unit,
    g.month,
    x.grp,
    x.indicator,
    (x.num)::bigint AS numerator,
    (x.den)::bigint AS denominator,
    round((x.num / NULLIF(x.den, (0)::numeric)), 4) AS ratio
   FROM ((g
     LEFT JOIN m ON (((m.unit = g.unit) AND (m.month = g.month))))
     CROSS JOIN LATERAL ( VALUES (1,'transparency'::text,'published_procedures'::text,NULL::numeric,NULL::numeric), (2,'progress'::text,'on_time_rate'::text,COALESCE(m.in_time, (0)::numeric),COALESCE(m.resolved, (0)::numeric)), (3,'digitisation'::text,'digitised_rate'::text,COALESCE(m.digitised, (0)::numeric),COALESCE(m.received, (0)::numeric)), (4,'digitisation'::text,'electronic_result_rate'::text,COALESCE(m.e_result, (0)::numeric),COALESCE(m.resolved, (0)::numeric)), (5,'digitisation'::text,'reused_data_rate'::text,NULL::numeric,NULL::numeric), (6,'online'::text,'online_rate'::text,COALESCE(m.offered_online, (0)::numeric),COALESCE(m.offered, (0)::numeric)), (7,'online'::text,'online_payment_rate'::text,COALESCE(m.paid_online, (0)::numeric),COALESCE(m.with_fee, (0)::numeric)), (8,'satisfaction'::text,'satisfaction_rate'::text,COALESCE(m.satisfied, (0)::numeric),COALESCE(m.rated, (0)::numeric))) x(ord, grp, indicator, num, den))
  WHERE (tthc.sees_all() OR (g.unit = ANY (tthc.my_units())));

--
-- Name: VIEW indicators_766_monthly; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.indicators_766_monthly IS 'tthc.indicators_766 per unit (with the units below it) and month, for BI tools; an officer sees its units';

--
-- Name: COLUMN indicators_766_monthly.unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.unit IS 'The unit, counting the units below it';

--
-- Name: COLUMN indicators_766_monthly.month; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.month IS 'The month, as its first day';

--
-- Name: COLUMN indicators_766_monthly.grp; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.grp IS 'The QĐ 766 group: transparency, progress, digitisation, online, satisfaction';

--
-- Name: COLUMN indicators_766_monthly.indicator; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.indicator IS 'The ratio''s name, as in tthc.indicators_766';

--
-- Name: COLUMN indicators_766_monthly.numerator; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.numerator IS 'What the ratio counts; NULL where tthc records nothing';

--
-- Name: COLUMN indicators_766_monthly.denominator; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.denominator IS 'What it is counted against; NULL where tthc records nothing';

--
-- Name: COLUMN indicators_766_monthly.ratio; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.indicators_766_monthly.ratio IS 'numerator / denominator, 4 decimals; NULL without a denominator';

--
-- Name: indicators_766_monthly_lineage; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.indicators_766_monthly_lineage WITH (security_barrier='true') AS
 WITH RECURSIVE a(unit, ancestor) AS (
         SELECT u.code,
            u.code
           FROM tthc.unit u
        UNION
         SELECT a.unit,
            u.parent
           FROM (a
             JOIN tthc.unit u ON ((u.code = a.ancestor)))
          WHERE (u.parent IS NOT NULL)
        ), s0 AS (
         SELECT r.unit,
            r.month,
            (r.resolved_early + r.resolved_on_time) AS in_time,
            ((r.resolved_early + r.resolved_on_time) + r.resolved_late) AS resolved,
            ((r.received_in_person + r.received_online) + r.received_postal) AS received,
            r.offered_online,
            r.offered_online_online,
            r.with_fee,
            r.paid_online,
            r.digitised,
            r.result_electronic,
            r.rated,
            r.rated_satisfied
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            (date_trunc('month'::text, (r.day)::timestamp with time zone))::date AS date_trunc,
            (r.resolved_early + r.resolved_on_time),
            ((r.resolved_early + r.resolved_on_time) + r.resolved_late),
            ((r.received_in_person + r.received_online) + r.received_postal),
            r.offered_online,
            r.offered_online_online,
            r.with_fee,
            r.paid_online,
            r.digitised,
            r.result_electronic,
            r.rated,
            r.rated_satisfied
           FROM tthc.report_delta r
        ), s1 AS (
         SELECT s0.unit,
            s0.month,
            sum(s0.in_time) AS in_time,
            sum(s0.resolved) AS resolved,
            sum(s0.received) AS received,
            sum(s0.offered_online) AS offered_online,
            sum(s0.offered_online_online) AS offered_online_online,
            sum(s0.with_fee) AS with_fee,
            sum(s0.paid_online) AS paid_online,
            sum(s0.digitised) AS digitised,
            sum(s0.result_electronic) AS result_electronic,
            sum(s0.rated) AS rated,
            sum(s0.rated_satisfied) AS rated_satisfied
           FROM s0
          GROUP BY s0.unit, s0.month
        ), s AS (
         SELECT l.successor AS unit,
            s1.month,
            sum((round((s1.in_time * l.hi)) - round((s1.in_time * l.lo)))) AS in_time,
            sum((round((s1.resolved * l.hi)) - round((s1.resolved * l.lo)))) AS resolved,
            sum((round((s1.received * l.hi)) - round((s1.received * l.lo)))) AS received,
            sum((round((s1.offered_online * l.hi)) - round((s1.offered_online * l.lo)))) AS offered_online,
            sum((round((s1.offered_online_online * l.hi)) - round((s1.offered_online_online * l.lo)))) AS offered_online_online,
            sum((round((s1.with_fee * l.hi)) - round((s1.with_fee * l.lo)))) AS with_fee,
            sum((round((s1.paid_online * l.hi)) - round((s1.paid_online * l.lo)))) AS paid_online,
            sum((round((s1.digitised * l.hi)) - round((s1.digitised * l.lo)))) AS digitised,
            sum((round((s1.result_electronic * l.hi)) - round((s1.result_electronic * l.lo)))) AS result_electronic,
            sum((round((s1.rated * l.hi)) - round((s1.rated * l.lo)))) AS rated,
            sum((round((s1.rated_satisfied * l.hi)) - round((s1.rated_satisfied * l.lo)))) AS rated_satisfied
           FROM (s1
             JOIN tthc.unit_lineage() l(unit, successor, weight, lo, hi, resolved) ON ((l.unit = s1.unit)))
          GROUP BY l.successor, s1.month
        ), m AS (
         SELECT a.ancestor AS unit,
            s.month,
            sum(s.in_time) AS in_time,
            sum(s.resolved) AS resolved,
            sum(s.received) AS received,
            sum(s.offered_online) AS offered,
            sum(s.offered_online_online) AS offered_online,
            sum(s.with_fee) AS with_fee,
            sum(s.paid_online) AS paid_online,
            sum(s.digitised) AS digitised,
            sum(s.result_electronic) AS e_result,
            sum(s.rated) AS rated,
            sum(s.rated_satisfied) AS satisfied
           FROM (s
             JOIN a ON ((a.unit = s.unit)))
          GROUP BY a.ancestor, s.month
        ), g AS (
         SELECT k.unit,
            (gs.gs)::date AS month
           FROM ( SELECT m_1.unit,
                    min(m_1.month) AS first
                   FROM m m_1
                  GROUP BY m_1.unit) k,
            LATERAL generate_series((k.first)::timestamp with time zone, (GREATEST(( SELECT max(m_1.month) AS max
                   FROM m m_1), (date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text)))::date))::timestamp with time zone, '1 mon'::interval) gs(gs)
        )
 SELECT g.unit,
    g.month,
    x.grp,
    x.indicator,
    (x.num)::bigint AS numerator,
    (x.den)::bigint AS denominator,
    round((x.num / NULLIF(x.den, (0)::numeric)), 4) AS ratio
   FROM ((g
     LEFT JOIN m ON (((m.unit = g.unit) AND (m.month = g.month))))
     CROSS JOIN LATERAL ( VALUES (1,'transparency'::text,'published_procedures'::text,NULL::numeric,NULL::numeric), (2,'progress'::text,'on_time_rate'::text,COALESCE(m.in_time, (0)::numeric),COALESCE(m.resolved, (0)::numeric)), (3,'digitisation'::text,'digitised_rate'::text,COALESCE(m.digitised, (0)::numeric),COALESCE(m.received, (0)::numeric)), (4,'digitisation'::text,'electronic_result_rate'::text,COALESCE(m.e_result, (0)::numeric),COALESCE(m.resolved, (0)::numeric)), (5,'digitisation'::text,'reused_data_rate'::text,NULL::numeric,NULL::numeric), (6,'online'::text,'online_rate'::text,COALESCE(m.offered_online, (0)::numeric),COALESCE(m.offered, (0)::numeric)), (7,'online'::text,'online_payment_rate'::text,COALESCE(m.paid_online, (0)::numeric),COALESCE(m.with_fee, (0)::numeric)), (8,'satisfaction'::text,'satisfaction_rate'::text,COALESCE(m.satisfied, (0)::numeric),COALESCE(m.rated, (0)::numeric))) x(ord, grp, indicator, num, den))
  WHERE (tthc.sees_all() OR (g.unit = ANY (tthc.my_units())));

--
-- Name: VIEW indicators_766_monthly_lineage; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.indicators_766_monthly_lineage IS 'tthc.indicators_766_monthly on today''s units: the months of units that ended count in the units that took them over (tthc.unit_lineage), and up their parents; an officer sees its units';

--
-- Name: officer; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.officer (
    login text NOT NULL,
    full_name text NOT NULL,
    unit text NOT NULL,
    title text,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT officer_login_format CHECK ((login ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$'::text))
);

--
-- Name: TABLE officer; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.officer IS 'The people who act on dossiers (named by a pooled account with SET LOCAL tthc.actor), each at a unit; maintained by tthc_admin';

--
-- Name: COLUMN officer.login; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.officer.login IS 'The officer''s login in the one-stop software: what tthc.actor names and the event log records';

--
-- Name: COLUMN officer.unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.officer.unit IS 'The unit the officer works at; the officer may act on dossiers received, handled or at a step at this unit or below it';

--
-- Name: COLUMN officer.active; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.officer.active IS 'false: left or suspended; events naming the officer are refused (keep the row: the log names it)';

--
-- Name: officer_unit; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.officer_unit (
    role name NOT NULL,
    unit text NOT NULL
);

--
-- Name: TABLE officer_unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.officer_unit IS 'Which units (and their child units) the members of a role may work on, as tthc_officer';

--
-- Name: payment_id_seq; Type: SEQUENCE; Schema: tthc; Owner: -
--

ALTER TABLE tthc.payment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME tthc.payment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: portal_outbox; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.portal_outbox WITH (security_barrier='true') AS
 SELECT d.code,
    COALESCE(d.portal_code, d.code) AS mahoso,
    d.event_seq,
    d.portal_seq AS acked_seq,
        CASE
            WHEN (q.held_seq >= d.event_seq) THEN 'held'::text
            WHEN (q.lease_until > now()) THEN 'leased'::text
            WHEN (q.next_try_at IS NOT NULL) THEN 'retrying'::text
            ELSE 'pending'::text
        END AS state,
    COALESCE(q.attempts, 0) AS attempts,
    q.next_try_at,
    q.last_error,
    q.held_reason
   FROM (tthc.dossier d
     LEFT JOIN tthc.portal_queue q ON ((q.dossier_id = d.id)))
  WHERE (d.event_seq > d.portal_seq);

--
-- Name: VIEW portal_outbox; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.portal_outbox IS 'The dossiers with events the national portal has not acknowledged: pending, leased to a sender, retrying after a failure, or held for data issues (with the reason)';

--
-- Name: portal_status_map; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.portal_status_map (
    status tthc.dossier_status NOT NULL,
    code text NOT NULL,
    shipped boolean DEFAULT false NOT NULL,
    CONSTRAINT portal_status_code_format CHECK ((code ~ '^[0-9]{1,2}$'::text))
);

--
-- Name: TABLE portal_status_map; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.portal_status_map IS 'The TrangThaiHoSo code the national portal receives for each status (shipped: the national codes 1-10); a row of yours for a status overrides the shipped one';

--
-- Name: COLUMN portal_status_map.shipped; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.portal_status_map.shipped IS 'true for the rows tthc ships (they cannot be changed; insert your own row to override one)';

--
-- Name: procedure; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.procedure (
    id bigint NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    field text,
    time_limit tthc.time_limit NOT NULL,
    online_time_limit tthc.time_limit,
    same_day_cutoff time without time zone,
    supplement_mode text DEFAULT 'restart'::text NOT NULL,
    boundary_free boolean DEFAULT false NOT NULL,
    valid_from date DEFAULT '1990-01-01'::date NOT NULL,
    valid_to date,
    online_service text,
    province text,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    national_time_limit tthc.time_limit,
    after_payment tthc.dossier_status DEFAULT 'processing'::tthc.dossier_status NOT NULL,
    CONSTRAINT after_payment_known CHECK ((after_payment = ANY (ARRAY['processing'::tthc.dossier_status, 'resolved'::tthc.dossier_status]))),
    CONSTRAINT online_service_known CHECK ((online_service = ANY (ARRAY['full'::text, 'partial'::text]))),
    CONSTRAINT procedure_code_format CHECK ((code ~ '^[0-9]\.[0-9]{6}(\.[0-9A-Z]+)*$'::text)),
    CONSTRAINT supplement_mode_known CHECK ((supplement_mode = ANY (ARRAY['restart'::text, 'pause'::text]))),
    CONSTRAINT validity_ordered CHECK (((valid_to IS NULL) OR (valid_to >= valid_from)))
);

--
-- Name: TABLE procedure; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.procedure IS 'Administrative procedures with their legal time limit, one row per version (valid_from..valid_to, inclusive)';

--
-- Name: COLUMN procedure.supplement_mode; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure.supplement_mode IS 'restart: the full limit runs again from the complete dossier; pause: the clock stops while awaiting the supplement';

--
-- Name: COLUMN procedure.online_service; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure.online_service IS 'Offered as an online public service: full (toàn trình) or partial (một phần); NULL when not offered online';

--
-- Name: COLUMN procedure.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Name: COLUMN procedure.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure.gid IS 'The row''s identity in the country (how the national hub finds it again)';

--
-- Name: COLUMN procedure.national_time_limit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure.national_time_limit IS 'The limit in the ministry''s decision, before the province cut it (time_limit); NULL when not recorded';

--
-- Name: COLUMN procedure.after_payment; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure.after_payment IS 'Where a dossier awaiting payment goes once what is due is paid: processing (default) or resolved';

--
-- Name: procedure_id_seq; Type: SEQUENCE; Schema: tthc; Owner: -
--

ALTER TABLE tthc.procedure ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME tthc.procedure_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: procedure_step; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.procedure_step (
    procedure_id bigint NOT NULL,
    step integer NOT NULL,
    unit text,
    role text,
    allowance tthc.time_limit NOT NULL,
    province text,
    gid uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT step_has_unit_or_role CHECK (((unit IS NOT NULL) OR (role IS NOT NULL))),
    CONSTRAINT step_positive CHECK ((step >= 1))
);

--
-- Name: TABLE procedure_step; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.procedure_step IS 'Ordered steps of an inter-agency (liên thông) procedure, each with the unit or role responsible and its allowance';

--
-- Name: COLUMN procedure_step.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure_step.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Name: COLUMN procedure_step.gid; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.procedure_step.gid IS 'The row''s identity in the country (how the national hub finds it again)';

--
-- Name: province; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.province (
    code text NOT NULL,
    subscription name NOT NULL,
    slot name NOT NULL,
    attached_at timestamp with time zone DEFAULT now() NOT NULL,
    tthc_version text NOT NULL
);

--
-- Name: TABLE province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.province IS 'On the national hub: the provinces it mirrors (written by tthc.attach_province and tthc.detach_province)';

--
-- Name: province_status; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.province_status AS
 SELECT p.code AS province,
    p.subscription,
    s.subenabled AS enabled,
    (st.pid IS NOT NULL) AS streaming,
    ( SELECT count(*) AS count
           FROM pg_subscription_rel r
          WHERE ((r.srsubid = s.oid) AND (r.srsubstate <> 'r'::"char"))) AS tables_syncing,
    st.last_msg_receipt_time AS last_received,
    (now() - st.last_msg_receipt_time) AS silent_for,
    e.recorded_at AS last_event_at,
    (e.mirrored_at - e.recorded_at) AS lag,
    st.latest_end_lsn AS confirmed_lsn,
    COALESCE(ss.apply_error_count, (0)::bigint) AS apply_errors,
    COALESCE(ss.sync_error_count, (0)::bigint) AS sync_errors,
    p.attached_at,
    p.tthc_version
   FROM ((((tthc.province p
     LEFT JOIN pg_subscription s ON ((s.subname = p.subscription)))
     LEFT JOIN pg_stat_subscription_stats ss ON ((ss.subid = s.oid)))
     LEFT JOIN pg_stat_subscription st ON (((st.subid = s.oid) AND (st.relid IS NULL))))
     LEFT JOIN LATERAL ( SELECT x.recorded_at,
            x.mirrored_at
           FROM tthc.dossier_event x
          WHERE (x.province = p.code)
          ORDER BY x.mirrored_at DESC
         LIMIT 1) e ON (true));

--
-- Name: VIEW province_status; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.province_status IS 'On the national hub, per province: its subscription, whether it streams, tables still copying, the last message received and how long ago, the lag of the latest event to arrive (mirrored_at - recorded_at), and the errors its apply and copy workers met since the statistics were reset';

--
-- Name: rating; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.rating (
    dossier_id bigint NOT NULL,
    rating text NOT NULL,
    comment text,
    rated_at timestamp with time zone DEFAULT now() NOT NULL,
    province text,
    officer text,
    answers jsonb,
    CONSTRAINT rating_answers_object CHECK ((jsonb_typeof(answers) = 'object'::text)),
    CONSTRAINT rating_known CHECK ((rating = ANY (ARRAY['very_satisfied'::text, 'satisfied'::text, 'unsatisfied'::text])))
);

--
-- Name: TABLE rating; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.rating IS 'The applicant''s rating of a dossier''s handling (one per dossier), for the satisfaction ratio';

--
-- Name: COLUMN rating.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.rating.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Name: COLUMN rating.officer; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.rating.officer IS 'The officer the rating is about (a login of tthc.officer), if the applicant named one';

--
-- Name: COLUMN rating.answers; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.rating.answers IS 'Answers per criterion, e.g. {"attitude": "satisfied", "time": "unsatisfied"}, each very_satisfied | satisfied | unsatisfied';

--
-- Name: receipt_id_seq; Type: SEQUENCE; Schema: tthc; Owner: -
--

ALTER TABLE tthc.receipt ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME tthc.receipt_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: report_day; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.report_day (
    unit text NOT NULL,
    field text NOT NULL,
    day date NOT NULL,
    received_in_person bigint DEFAULT 0 NOT NULL,
    received_online bigint DEFAULT 0 NOT NULL,
    received_postal bigint DEFAULT 0 NOT NULL,
    resolved_early bigint DEFAULT 0 NOT NULL,
    resolved_on_time bigint DEFAULT 0 NOT NULL,
    resolved_late bigint DEFAULT 0 NOT NULL,
    refused bigint DEFAULT 0 NOT NULL,
    withdrawn bigint DEFAULT 0 NOT NULL,
    stopped bigint DEFAULT 0 NOT NULL,
    supplement_requests bigint DEFAULT 0 NOT NULL,
    open_change bigint DEFAULT 0 NOT NULL,
    supplement_change bigint DEFAULT 0 NOT NULL,
    overdue_change bigint DEFAULT 0 NOT NULL,
    offered_online bigint DEFAULT 0 NOT NULL,
    offered_online_online bigint DEFAULT 0 NOT NULL,
    with_fee bigint DEFAULT 0 NOT NULL,
    paid_online bigint DEFAULT 0 NOT NULL,
    digitised bigint DEFAULT 0 NOT NULL,
    result_electronic bigint DEFAULT 0 NOT NULL,
    resolved_work interval DEFAULT '00:00:00'::interval NOT NULL,
    rated bigint DEFAULT 0 NOT NULL,
    rated_satisfied bigint DEFAULT 0 NOT NULL,
    received_out_of_hours bigint DEFAULT 0 NOT NULL,
    transferred_in bigint DEFAULT 0 NOT NULL,
    transferred_out bigint DEFAULT 0 NOT NULL,
    received_here bigint DEFAULT 0 NOT NULL
);

--
-- Name: TABLE report_day; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.report_day IS 'Report sums per handling unit, procedure field ('''' for none) and local day, folded from tthc.report_delta';

--
-- Name: COLUMN report_day.open_change; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.open_change IS 'Change of the open stock (received, processing, awaiting a supplement or a payment) on the day';

--
-- Name: COLUMN report_day.overdue_change; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.overdue_change IS 'Change of the stock of running dossiers flagged overdue on the day (a flagged dossier counts from its deadline on)';

--
-- Name: COLUMN report_day.resolved_work; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.resolved_work IS 'Working time to resolve, summed over the dossiers resolved on the day';

--
-- Name: COLUMN report_day.received_out_of_hours; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.received_out_of_hours IS 'Of the dossiers received that day, those received outside the processing calendar''s working time';

--
-- Name: COLUMN report_day.transferred_in; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.transferred_in IS 'Open dossiers moved to the unit that day (tthc.transfer)';

--
-- Name: COLUMN report_day.transferred_out; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.transferred_out IS 'Open dossiers moved away from the unit that day';

--
-- Name: COLUMN report_day.received_here; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_day.received_here IS 'Of the dossiers received that day, those the unit holds now (they move with a transfer): the denominator of the digitised rate';

--
-- Name: report_monthly; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.report_monthly WITH (security_barrier='true') AS
 WITH s AS (
         SELECT r.unit,
            r.field,
            r.month,
            r.received_in_person,
            r.received_online,
            r.received_postal,
            r.resolved_early,
            r.resolved_on_time,
            r.resolved_late,
            r.refused,
            r.withdrawn,
            r.stopped,
            r.supplement_requests,
            r.open_change,
            r.supplement_change,
            r.overdue_change,
            r.resolved_work,
            r.transferred_in,
            r.transferred_out,
            r.received_out_of_hours
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            r.field,
            (date_trunc('month'::text, (r.day)::timestamp with time zone))::date AS date_trunc,
            sum(r.received_in_person) AS sum,
            sum(r.received_online) AS sum,
            sum(r.received_postal) AS sum,
            sum(r.resolved_early) AS sum,
            sum(r.resolved_on_time) AS sum,
            sum(r.resolved_late) AS sum,
            sum(r.refused) AS sum,
            sum(r.withdrawn) AS sum,
            sum(r.stopped) AS sum,
            sum(r.supplement_requests) AS sum,
            sum(r.open_change) AS sum,
            sum(r.supplement_change) AS sum,
            sum(r.overdue_change) AS sum,
            sum(r.resolved_work) AS sum,
            sum(r.transferred_in) AS sum,
            sum(r.transferred_out) AS sum,
            sum(r.received_out_of_hours) AS sum
           FROM tthc.report_delta r
          GROUP BY r.unit, r.field, ((date_trunc('month'::text, (r.day)::timestamp with time zone))::date)
        ), m0 AS (
         SELECT s.unit,
            s.field,
            s.month,
            sum(s.received_in_person) AS in_person,
            sum(s.received_online) AS online,
            sum(s.received_postal) AS postal,
            sum(s.resolved_early) AS early,
            sum(s.resolved_on_time) AS on_time,
            sum(s.resolved_late) AS late,
            sum(s.refused) AS refused,
            sum(s.withdrawn) AS withdrawn,
            sum(s.stopped) AS stopped,
            sum(s.supplement_requests) AS supp_req,
            sum(s.open_change) AS open_change,
            sum(s.supplement_change) AS supp_change,
            sum(s.overdue_change) AS overdue_change,
            sum(s.resolved_work) AS work,
            sum(s.transferred_in) AS t_in,
            sum(s.transferred_out) AS t_out,
            sum(s.received_out_of_hours) AS out_of_hours
           FROM s
          GROUP BY s.unit, s.field, s.month
        ), m AS (
         SELECT m0.unit,
            m0.field,
            m0.month,
            m0.in_person,
            m0.online,
            m0.postal,
            m0.early,
            m0.on_time,
            m0.late,
            m0.refused,
            m0.withdrawn,
            m0.stopped,
            m0.supp_req,
            m0.open_change,
            m0.supp_change,
            m0.overdue_change,
            m0.work,
            m0.t_in,
            m0.t_out,
            m0.out_of_hours
           FROM m0
        ), g AS (
         SELECT k.unit,
            k.field,
            (gs.gs)::date AS month
           FROM ( SELECT m.unit,
                    m.field,
                    min(m.month) AS first
                   FROM m
                  GROUP BY m.unit, m.field) k,
            LATERAL generate_series((k.first)::timestamp with time zone, (GREATEST(( SELECT max(m.month) AS max
                   FROM m), (date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text)))::date))::timestamp with time zone, '1 mon'::interval) gs(gs)
        ), w AS (
         SELECT g.unit,
            g.field,
            g.month,
            m.in_person,
            m.online,
            m.postal,
            m.early,
            m.on_time,
            m.late,
            m.refused,
            m.withdrawn,
            m.stopped,
            m.supp_req,
            m.work,
            m.t_in,
            m.t_out,
            m.out_of_hours,
            COALESCE(sum(m.open_change) OVER c, (0)::numeric) AS open_end,
            (COALESCE(sum(m.open_change) OVER c, (0)::numeric) - COALESCE(m.open_change, (0)::numeric)) AS carried_over,
            COALESCE(sum(m.overdue_change) OVER c, (0)::numeric) AS overdue_end,
            COALESCE(sum(m.supp_change) OVER c, (0)::numeric) AS supp_end
           FROM (g
             LEFT JOIN m ON (((m.unit = g.unit) AND (m.field = g.field) AND (m.month = g.month))))
          WINDOW c AS (PARTITION BY g.unit, g.field ORDER BY g.month)
        )
 SELECT w.unit,
    NULLIF(w.field, ''::text) AS field,
    w.month,
    (w.carried_over)::bigint AS carried_over,
    (((COALESCE(w.in_person, (0)::numeric) + COALESCE(w.online, (0)::numeric)) + COALESCE(w.postal, (0)::numeric)))::bigint AS received,
    (COALESCE(w.in_person, (0)::numeric))::bigint AS received_in_person,
    (COALESCE(w.online, (0)::numeric))::bigint AS received_online,
    (COALESCE(w.postal, (0)::numeric))::bigint AS received_postal,
    (((COALESCE(w.early, (0)::numeric) + COALESCE(w.on_time, (0)::numeric)) + COALESCE(w.late, (0)::numeric)))::bigint AS resolved,
    (COALESCE(w.early, (0)::numeric))::bigint AS resolved_early,
    (COALESCE(w.on_time, (0)::numeric))::bigint AS resolved_on_time,
    (COALESCE(w.late, (0)::numeric))::bigint AS resolved_late,
    (w.open_end)::bigint AS in_progress,
    ((w.open_end - w.overdue_end))::bigint AS in_progress_in_time,
    (w.overdue_end)::bigint AS in_progress_overdue,
    (w.supp_end)::bigint AS awaiting_supplement,
    (COALESCE(w.supp_req, (0)::numeric))::bigint AS supplement_requests,
    (COALESCE(w.withdrawn, (0)::numeric))::bigint AS withdrawn,
    (COALESCE(w.refused, (0)::numeric))::bigint AS refused,
    (COALESCE(w.stopped, (0)::numeric))::bigint AS stopped,
    round(((w.early + w.on_time) / NULLIF(((w.early + w.on_time) + w.late), (0)::numeric)), 4) AS on_time_rate,
        CASE
            WHEN (((w.early + w.on_time) + w.late) > (0)::numeric) THEN (w.work / (((w.early + w.on_time) + w.late))::double precision)
            ELSE NULL::interval
        END AS avg_work,
    (COALESCE(w.t_in, (0)::numeric))::bigint AS transferred_in,
    (COALESCE(w.t_out, (0)::numeric))::bigint AS transferred_out,
    (COALESCE(w.out_of_hours, (0)::numeric))::bigint AS received_out_of_hours
   FROM w
  WHERE (tthc.sees_all() OR (w.unit = ANY (tthc.my_units())));

--
-- Name: VIEW report_monthly; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.report_monthly IS 'tthc.report per handling unit (its own dossiers), procedure field and month (its first day), for BI tools; every row balances: carried_over + received + transferred_in = resolved + withdrawn + stopped + transferred_out + in_progress; an officer sees its units';

--
-- Name: COLUMN report_monthly.unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.unit IS 'The handling unit (its own dossiers, not those of the units below it)';

--
-- Name: COLUMN report_monthly.field; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.field IS 'The procedure field (lĩnh vực); NULL for procedures without one';

--
-- Name: COLUMN report_monthly.month; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.month IS 'The month, as its first day (local time of the unit''s calendar)';

--
-- Name: COLUMN report_monthly.carried_over; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.carried_over IS 'Open at the start of the month (received, processing, awaiting a supplement or a payment)';

--
-- Name: COLUMN report_monthly.received; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.received IS 'Received in the month (in person + online + postal)';

--
-- Name: COLUMN report_monthly.received_in_person; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.received_in_person IS 'Received in the month at the desk';

--
-- Name: COLUMN report_monthly.received_online; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.received_online IS 'Received in the month online';

--
-- Name: COLUMN report_monthly.received_postal; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.received_postal IS 'Received in the month through the public postal service';

--
-- Name: COLUMN report_monthly.resolved; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.resolved IS 'Resolved in the month (early + on time + late)';

--
-- Name: COLUMN report_monthly.resolved_early; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.resolved_early IS 'Resolved in the month on a working day before the due day';

--
-- Name: COLUMN report_monthly.resolved_on_time; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.resolved_on_time IS 'Resolved in the month by the deadline, not early';

--
-- Name: COLUMN report_monthly.resolved_late; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.resolved_late IS 'Resolved in the month after the legal deadline (an apology does not excuse it)';

--
-- Name: COLUMN report_monthly.in_progress; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.in_progress IS 'Open at the end of the month (now, for the current month)';

--
-- Name: COLUMN report_monthly.in_progress_in_time; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.in_progress_in_time IS 'Open at the end of the month and not overdue';

--
-- Name: COLUMN report_monthly.in_progress_overdue; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.in_progress_overdue IS 'Running at the end of the month past the deadline';

--
-- Name: COLUMN report_monthly.awaiting_supplement; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.awaiting_supplement IS 'Awaiting a supplement at the end of the month';

--
-- Name: COLUMN report_monthly.supplement_requests; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.supplement_requests IS 'Requests to supplement made in the month';

--
-- Name: COLUMN report_monthly.withdrawn; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.withdrawn IS 'Withdrawn at the applicant''s request in the month';

--
-- Name: COLUMN report_monthly.refused; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.refused IS 'Refused at reception in the month';

--
-- Name: COLUMN report_monthly.stopped; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.stopped IS 'Stopped in the month';

--
-- Name: COLUMN report_monthly.on_time_rate; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.on_time_rate IS '(early + on time) / resolved in the month';

--
-- Name: COLUMN report_monthly.avg_work; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.avg_work IS 'Average working time to resolve, over the month''s resolutions';

--
-- Name: COLUMN report_monthly.transferred_in; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.transferred_in IS 'Open dossiers moved to the unit in the month (tthc.transfer)';

--
-- Name: COLUMN report_monthly.transferred_out; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.transferred_out IS 'Open dossiers moved away from the unit in the month';

--
-- Name: COLUMN report_monthly.received_out_of_hours; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.report_monthly.received_out_of_hours IS 'Of those received, the ones received outside the processing calendar''s working time';

--
-- Name: report_monthly_lineage; Type: VIEW; Schema: tthc; Owner: -
--

CREATE VIEW tthc.report_monthly_lineage WITH (security_barrier='true') AS
 WITH s AS (
         SELECT r.unit,
            r.field,
            r.month,
            r.received_in_person,
            r.received_online,
            r.received_postal,
            r.resolved_early,
            r.resolved_on_time,
            r.resolved_late,
            r.refused,
            r.withdrawn,
            r.stopped,
            r.supplement_requests,
            r.open_change,
            r.supplement_change,
            r.overdue_change,
            r.resolved_work,
            r.transferred_in,
            r.transferred_out,
            r.received_out_of_hours
           FROM tthc.report_month r
        UNION ALL
         SELECT r.unit,
            r.field,
            (date_trunc('month'::text, (r.day)::timestamp with time zone))::date AS date_trunc,
            sum(r.received_in_person) AS sum,
            sum(r.received_online) AS sum,
            sum(r.received_postal) AS sum,
            sum(r.resolved_early) AS sum,
            sum(r.resolved_on_time) AS sum,
            sum(r.resolved_late) AS sum,
            sum(r.refused) AS sum,
            sum(r.withdrawn) AS sum,
            sum(r.stopped) AS sum,
            sum(r.supplement_requests) AS sum,
            sum(r.open_change) AS sum,
            sum(r.supplement_change) AS sum,
            sum(r.overdue_change) AS sum,
            sum(r.resolved_work) AS sum,
            sum(r.transferred_in) AS sum,
            sum(r.transferred_out) AS sum,
            sum(r.received_out_of_hours) AS sum
           FROM tthc.report_delta r
          GROUP BY r.unit, r.field, ((date_trunc('month'::text, (r.day)::timestamp with time zone))::date)
        ), m0 AS (
         SELECT s.unit,
            s.field,
            s.month,
            sum(s.received_in_person) AS in_person,
            sum(s.received_online) AS online,
            sum(s.received_postal) AS postal,
            sum(s.resolved_early) AS early,
            sum(s.resolved_on_time) AS on_time,
            sum(s.resolved_late) AS late,
            sum(s.refused) AS refused,
            sum(s.withdrawn) AS withdrawn,
            sum(s.stopped) AS stopped,
            sum(s.supplement_requests) AS supp_req,
            sum(s.open_change) AS open_change,
            sum(s.supplement_change) AS supp_change,
            sum(s.overdue_change) AS overdue_change,
            sum(s.resolved_work) AS work,
            sum(s.transferred_in) AS t_in,
            sum(s.transferred_out) AS t_out,
            sum(s.received_out_of_hours) AS out_of_hours
           FROM s
          GROUP BY s.unit, s.field, s.month
        ), m AS (
         SELECT m0.unit,
            m0.field,
            m0.month,
            m0.in_person,
            m0.online,
            m0.postal,
            m0.early,
            m0.on_time,
            m0.late,
            m0.refused,
            m0.withdrawn,
            m0.stopped,
            m0.supp_req,
            m0.open_change,
            m0.supp_change,
            m0.overdue_change,
            m0.work,
            m0.t_in,
            m0.t_out,
            m0.out_of_hours
           FROM m0
        ), g AS (
         SELECT k.unit,
            k.field,
            (gs.gs)::date AS month
           FROM ( SELECT m.unit,
                    m.field,
                    min(m.month) AS first
                   FROM m
                  GROUP BY m.unit, m.field) k,
            LATERAL generate_series((k.first)::timestamp with time zone, (GREATEST(( SELECT max(m.month) AS max
                   FROM m), (date_trunc('month'::text, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh'::text)))::date))::timestamp with time zone, '1 mon'::interval) gs(gs)
        ), w0 AS (
         SELECT g.unit,
            g.field,
            g.month,
            m.in_person,
            m.online,
            m.postal,
            m.early,
            m.on_time,
            m.late,
            m.refused,
            m.withdrawn,
            m.stopped,
            m.supp_req,
            m.work,
            m.t_in,
            m.t_out,
            m.out_of_hours,
            COALESCE(sum(m.open_change) OVER c, (0)::numeric) AS open_end,
            (COALESCE(sum(m.open_change) OVER c, (0)::numeric) - COALESCE(m.open_change, (0)::numeric)) AS carried_over,
            COALESCE(sum(m.overdue_change) OVER c, (0)::numeric) AS overdue_end,
            COALESCE(sum(m.supp_change) OVER c, (0)::numeric) AS supp_end
           FROM (g
             LEFT JOIN m ON (((m.unit = g.unit) AND (m.field = g.field) AND (m.month = g.month))))
          WINDOW c AS (PARTITION BY g.unit, g.field ORDER BY g.month)
        ), w1 AS (
         SELECT w0.unit,
            w0.field,
            w0.month,
            w0.carried_over,
            COALESCE(w0.in_person, (0)::numeric) AS in_person,
            COALESCE(w0.online, (0)::numeric) AS online,
            COALESCE(w0.postal, (0)::numeric) AS postal,
            COALESCE(w0.early, (0)::numeric) AS early,
            COALESCE(w0.on_time, (0)::numeric) AS on_time,
            COALESCE(w0.late, (0)::numeric) AS late,
            COALESCE(w0.refused, (0)::numeric) AS refused,
            COALESCE(w0.withdrawn, (0)::numeric) AS withdrawn,
            COALESCE(w0.stopped, (0)::numeric) AS stopped,
            COALESCE(w0.supp_req, (0)::numeric) AS supp_req,
            w0.work,
            COALESCE(w0.t_in, (0)::numeric) AS t_in,
            COALESCE(w0.t_out, (0)::numeric) AS t_out,
            COALESCE(w0.out_of_hours, (0)::numeric) AS out_of_hours,
            w0.overdue_end,
            w0.supp_end
           FROM w0
        ), c AS (
         SELECT l.successor AS unit,
            w1.field,
            w1.month,
            (GREATEST((0)::numeric, (LEAST(r.b, x.i1) - GREATEST(r.a, (0)::numeric))) + GREATEST((0)::numeric, (LEAST(r.b, (x.i1 + x.n)) - GREATEST(r.a, ((0)::numeric + x.n))))) AS carried_over,
            (GREATEST((0)::numeric, (LEAST(r.b, x.i2) - GREATEST(r.a, x.i1))) + GREATEST((0)::numeric, (LEAST(r.b, (x.i2 + x.n)) - GREATEST(r.a, (x.i1 + x.n))))) AS in_person,
            (GREATEST((0)::numeric, (LEAST(r.b, x.i3) - GREATEST(r.a, x.i2))) + GREATEST((0)::numeric, (LEAST(r.b, (x.i3 + x.n)) - GREATEST(r.a, (x.i2 + x.n))))) AS online,
            (GREATEST((0)::numeric, (LEAST(r.b, x.i4) - GREATEST(r.a, x.i3))) + GREATEST((0)::numeric, (LEAST(r.b, (x.i4 + x.n)) - GREATEST(r.a, (x.i3 + x.n))))) AS postal,
            (GREATEST((0)::numeric, (LEAST(r.b, x.n) - GREATEST(r.a, x.i4))) + GREATEST((0)::numeric, (LEAST(r.b, (x.n + x.n)) - GREATEST(r.a, (x.i4 + x.n))))) AS t_in,
            (GREATEST((0)::numeric, (LEAST(r.b, x.o1) - GREATEST(r.a, (0)::numeric))) + GREATEST((0)::numeric, (LEAST(r.b, (x.o1 + x.n)) - GREATEST(r.a, ((0)::numeric + x.n))))) AS early,
            (GREATEST((0)::numeric, (LEAST(r.b, x.o2) - GREATEST(r.a, x.o1))) + GREATEST((0)::numeric, (LEAST(r.b, (x.o2 + x.n)) - GREATEST(r.a, (x.o1 + x.n))))) AS on_time,
            (GREATEST((0)::numeric, (LEAST(r.b, x.o3) - GREATEST(r.a, x.o2))) + GREATEST((0)::numeric, (LEAST(r.b, (x.o3 + x.n)) - GREATEST(r.a, (x.o2 + x.n))))) AS late,
            (GREATEST((0)::numeric, (LEAST(r.b, x.o4) - GREATEST(r.a, x.o3))) + GREATEST((0)::numeric, (LEAST(r.b, (x.o4 + x.n)) - GREATEST(r.a, (x.o3 + x.n))))) AS withdrawn,
            (GREATEST((0)::numeric, (LEAST(r.b, x.o5) - GREATEST(r.a, x.o4))) + GREATEST((0)::numeric, (LEAST(r.b, (x.o5 + x.n)) - GREATEST(r.a, (x.o4 + x.n))))) AS stopped,
            (GREATEST((0)::numeric, (LEAST(r.b, x.o6) - GREATEST(r.a, x.o5))) + GREATEST((0)::numeric, (LEAST(r.b, (x.o6 + x.n)) - GREATEST(r.a, (x.o5 + x.n))))) AS t_out,
            (GREATEST((0)::numeric, (LEAST(r.b, r.o7) - GREATEST(r.a, x.o6))) + GREATEST((0)::numeric, (LEAST(r.b, (r.o7 + x.n)) - GREATEST(r.a, (x.o6 + x.n))))) AS supp_end,
            (GREATEST((0)::numeric, (LEAST(r.b, r.o8) - GREATEST(r.a, r.o7))) + GREATEST((0)::numeric, (LEAST(r.b, (r.o8 + x.n)) - GREATEST(r.a, (r.o7 + x.n))))) AS overdue_end,
            (round((w1.out_of_hours * l.hi)) - round((w1.out_of_hours * l.lo))) AS out_of_hours,
            (round((w1.supp_req * l.hi)) - round((w1.supp_req * l.lo))) AS supp_req,
            (round((w1.refused * l.hi)) - round((w1.refused * l.lo))) AS refused,
            (w1.work * ((l.hi - l.lo))::double precision) AS work
           FROM (((w1
             JOIN tthc.unit_lineage() l(unit, successor, weight, lo, hi, resolved) ON ((l.unit = w1.unit)))
             CROSS JOIN LATERAL ( SELECT w1.carried_over AS i1,
                    (w1.carried_over + w1.in_person) AS i2,
                    ((w1.carried_over + w1.in_person) + w1.online) AS i3,
                    (((w1.carried_over + w1.in_person) + w1.online) + w1.postal) AS i4,
                    ((((w1.carried_over + w1.in_person) + w1.online) + w1.postal) + w1.t_in) AS n,
                    w1.early AS o1,
                    (w1.early + w1.on_time) AS o2,
                    ((w1.early + w1.on_time) + w1.late) AS o3,
                    (((w1.early + w1.on_time) + w1.late) + w1.withdrawn) AS o4,
                    ((((w1.early + w1.on_time) + w1.late) + w1.withdrawn) + w1.stopped) AS o5,
                    (((((w1.early + w1.on_time) + w1.late) + w1.withdrawn) + w1.stopped) + w1.t_out) AS o6,
                    floor((((((w1.carried_over + w1.in_person) + w1.online) + w1.postal) + w1.t_in) * (((hashtext(((w1.unit || '/'::text) || w1.field)) & 65535))::numeric / 65536.0))) AS turn) x)
             CROSS JOIN LATERAL ( SELECT (round((x.n * l.lo)) + x.turn) AS a,
                    (round((x.n * l.hi)) + x.turn) AS b,
                    LEAST((x.o6 + GREATEST(w1.supp_end, (0)::numeric)), x.n) AS o7,
                    LEAST(((x.o6 + GREATEST(w1.supp_end, (0)::numeric)) + GREATEST(w1.overdue_end, (0)::numeric)), x.n) AS o8) r)
        ), w AS (
         SELECT c.unit,
            c.field,
            c.month,
            sum(c.carried_over) AS carried_over,
            sum(c.in_person) AS in_person,
            sum(c.online) AS online,
            sum(c.postal) AS postal,
            sum(c.early) AS early,
            sum(c.on_time) AS on_time,
            sum(c.late) AS late,
            sum(c.refused) AS refused,
            sum(c.withdrawn) AS withdrawn,
            sum(c.stopped) AS stopped,
            sum(c.supp_req) AS supp_req,
            sum(c.work) AS work,
            sum(c.t_in) AS t_in,
            sum(c.t_out) AS t_out,
            sum(c.out_of_hours) AS out_of_hours,
            sum(c.overdue_end) AS overdue_end,
            sum(c.supp_end) AS supp_end,
            sum(((((((((((c.carried_over + c.in_person) + c.online) + c.postal) + c.t_in) - c.early) - c.on_time) - c.late) - c.withdrawn) - c.stopped) - c.t_out)) AS open_end
           FROM c
          GROUP BY c.unit, c.field, c.month
        )
 SELECT w.unit,
    NULLIF(w.field, ''::text) AS field,
    w.month,
    (w.carried_over)::bigint AS carried_over,
    (((COALESCE(w.in_person, (0)::numeric) + COALESCE(w.online, (0)::numeric)) + COALESCE(w.postal, (0)::numeric)))::bigint AS received,
    (COALESCE(w.in_person, (0)::numeric))::bigint AS received_in_person,
    (COALESCE(w.online, (0)::numeric))::bigint AS received_online,
    (COALESCE(w.postal, (0)::numeric))::bigint AS received_postal,
    (((COALESCE(w.early, (0)::numeric) + COALESCE(w.on_time, (0)::numeric)) + COALESCE(w.late, (0)::numeric)))::bigint AS resolved,
    (COALESCE(w.early, (0)::numeric))::bigint AS resolved_early,
    (COALESCE(w.on_time, (0)::numeric))::bigint AS resolved_on_time,
    (COALESCE(w.late, (0)::numeric))::bigint AS resolved_late,
    (w.open_end)::bigint AS in_progress,
    ((w.open_end - w.overdue_end))::bigint AS in_progress_in_time,
    (w.overdue_end)::bigint AS in_progress_overdue,
    (w.supp_end)::bigint AS awaiting_supplement,
    (COALESCE(w.supp_req, (0)::numeric))::bigint AS supplement_requests,
    (COALESCE(w.withdrawn, (0)::numeric))::bigint AS withdrawn,
    (COALESCE(w.refused, (0)::numeric))::bigint AS refused,
    (COALESCE(w.stopped, (0)::numeric))::bigint AS stopped,
    round(((w.early + w.on_time) / NULLIF(((w.early + w.on_time) + w.late), (0)::numeric)), 4) AS on_time_rate,
        CASE
            WHEN (((w.early + w.on_time) + w.late) > (0)::numeric) THEN (w.work / (((w.early + w.on_time) + w.late))::double precision)
            ELSE NULL::interval
        END AS avg_work,
    (COALESCE(w.t_in, (0)::numeric))::bigint AS transferred_in,
    (COALESCE(w.t_out, (0)::numeric))::bigint AS transferred_out,
    (COALESCE(w.out_of_hours, (0)::numeric))::bigint AS received_out_of_hours
   FROM w
  WHERE (tthc.sees_all() OR (w.unit = ANY (tthc.my_units())));

--
-- Name: VIEW report_monthly_lineage; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON VIEW tthc.report_monthly_lineage IS 'tthc.report_monthly on today''s units: the rows of units that ended go to the units that took them over (whole, else by share: tthc.unit_lineage), so a month before the change reads on today''s units; each month''s row balances, province totals equal report_monthly''s; an officer sees its units';

--
-- Name: scorecard_month; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.scorecard_month (
    month date NOT NULL,
    kind text NOT NULL,
    unit text NOT NULL,
    item text NOT NULL,
    card jsonb NOT NULL,
    closed_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_by text NOT NULL,
    CONSTRAINT scorecard_kind_known CHECK ((kind = ANY (ARRAY['officer'::text, 'unit'::text]))),
    CONSTRAINT scorecard_month_first_day CHECK ((month = (date_trunc('month'::text, (month)::timestamp with time zone))::date))
);

--
-- Name: TABLE scorecard_month; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.scorecard_month IS 'The published monthly cards (tthc.scorecard_close): append-only, never recounted; tthc.scorecard_diff shows what a recount would change';

--
-- Name: COLUMN scorecard_month.unit; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.scorecard_month.unit IS 'officer cards: the officer''s unit; unit cards: the unit evaluated';

--
-- Name: COLUMN scorecard_month.item; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.scorecard_month.item IS 'officer cards: the login; unit cards: the indicator number, or total';

--
-- Name: COLUMN scorecard_month.card; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.scorecard_month.card IS 'The row of tthc.scorecard_officer or tthc.scorecard_unit as published';

--
-- Name: COLUMN scorecard_month.closed_by; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.scorecard_month.closed_by IS 'The session user that closed the month';

--
-- Name: status_transition; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.status_transition (
    from_status tthc.dossier_status NOT NULL,
    to_status tthc.dossier_status NOT NULL,
    allowed boolean DEFAULT true NOT NULL,
    note text,
    shipped boolean DEFAULT false NOT NULL
);

--
-- Name: TABLE status_transition; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.status_transition IS 'Allowed status moves, as data: a row of yours for a pair overrides the shipped one (allowed = false forbids it)';

--
-- Name: stuck_rule; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.stuck_rule (
    rule text NOT NULL,
    threshold numeric NOT NULL,
    description text,
    shipped boolean DEFAULT false NOT NULL,
    CONSTRAINT stuck_rule_known CHECK ((rule = ANY (ARRAY['chronically_late'::text, 'supplement_loop'::text, 'no_online_uptake'::text, 'late_at_external'::text, 'overdue_backlog'::text])))
);

--
-- Name: TABLE stuck_rule; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.stuck_rule IS 'The thresholds of the named problems tthc.stuck_procedures reports, as data: a row of yours for a rule overrides the shipped one';

--
-- Name: COLUMN stuck_rule.shipped; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.stuck_rule.shipped IS 'true for the rows tthc ships (they cannot be changed; insert your own row to override one)';

--
-- Name: sweep_state; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.sweep_state (
    id boolean DEFAULT true NOT NULL,
    swept_to timestamp with time zone NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone NOT NULL,
    overdue bigint NOT NULL,
    due_soon bigint NOT NULL,
    runs bigint NOT NULL,
    CONSTRAINT one_row CHECK (id)
);

--
-- Name: TABLE sweep_state; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.sweep_state IS 'The latest run of tthc.sweep on this node';

--
-- Name: unit_succession; Type: TABLE; Schema: tthc; Owner: -
--

CREATE TABLE tthc.unit_succession (
    old_unit text NOT NULL,
    new_unit text NOT NULL,
    effective date NOT NULL,
    whole boolean DEFAULT false NOT NULL,
    share numeric,
    legal_reference text,
    province text,
    CONSTRAINT unit_succession_other CHECK ((old_unit <> new_unit)),
    CONSTRAINT unit_succession_share CHECK (((share > (0)::numeric) AND (share <= (1)::numeric)))
);

--
-- Name: TABLE unit_succession; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON TABLE tthc.unit_succession IS 'Units that took over an ended unit (many-to-many): from the effective date; whole when one successor takes the unit''s history (its report rows), else share, the part of it a successor took';

--
-- Name: COLUMN unit_succession.whole; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit_succession.whole IS 'This successor takes the whole of the old unit''s history in reports with lineage (at most one per old unit)';

--
-- Name: COLUMN unit_succession.share; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit_succession.share IS 'The part of the old unit this successor took (0 to 1), when none takes it whole';

--
-- Name: COLUMN unit_succession.province; Type: COMMENT; Schema: tthc; Owner: -
--

COMMENT ON COLUMN tthc.unit_succession.province IS 'On the national hub: the province the row is mirrored from; NULL on a province''s own node';

--
-- Data for Name: apology; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: calendar; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.calendar (name, description, parent, time_zone, day_length, same_day_cutoff, holiday_rules, shipped, province, gid) VALUES ('vn', 'Cơ quan hành chính nhà nước, Việt Nam: thứ Hai-thứ Sáu 07:30-11:30, 13:00-17:00', NULL, 'Asia/Ho_Chi_Minh', '08:00:00', '15:00:00', 'vn', true, NULL, 'bdc9f26c-8d87-4d49-a37d-6cdf76247dde');

--
-- Data for Name: calendar_exception; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2018-12-31', 'swapped', 'Nghỉ hoán đổi, làm bù thứ Bảy 05/01/2019', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '840ad33b-a774-4835-a7da-6adddc764808');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-01-01', 'holiday', 'Tết Dương lịch', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, 'ea2fca47-e570-417d-97de-e1652f9ae44f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-01-05', 'makeup', 'Làm bù cho thứ Hai 31/12/2018', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '4b0694cb-60e5-4186-bc9b-764695c48529');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-02-04', 'holiday', 'Tết Nguyên đán', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, 'c2e2a381-eb47-4be0-b892-747b59a6773d');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-02-05', 'holiday', 'Tết Nguyên đán', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '70600651-1f9d-4324-87e1-8b402a0377ca');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-02-06', 'holiday', 'Tết Nguyên đán', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '42a0504a-8a5e-48ad-8471-8b05f3603dfd');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-02-07', 'holiday', 'Tết Nguyên đán', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, 'c7d637f4-f2ae-4e01-8a23-dbb8388e2389');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-02-08', 'holiday', 'Tết Nguyên đán', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '0185674b-696c-4c3c-b527-1d6d2d7fe998');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-04-15', 'compensatory', 'Giỗ Tổ Hùng Vương', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, 'f9197ac6-5e3f-4009-a112-c7959a82b6f4');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-04-29', 'swapped', 'Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2019', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '950c89d3-1683-4ad4-85d1-9777b622b3cc');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-04-30', 'holiday', 'Ngày Chiến thắng', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '38a34af8-ec01-4a7f-b67e-d2c94c869b98');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-05-01', 'holiday', 'Ngày Quốc tế Lao động', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '33c70982-2e1b-466c-a2f8-27de3615e20e');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-05-04', 'makeup', 'Làm bù cho thứ Hai 29/04/2019', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '609e1d19-de9f-410a-8211-dd02d0132fc9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2019-09-02', 'holiday', 'Quốc khánh', 'Công văn 6519/VPCP-KGVX (2018)', NULL, false, true, NULL, '3b6b08f3-8234-4fa0-9fbf-e29630feb012');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-01-01', 'holiday', 'Tết Dương lịch', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'b285216a-ef57-4f8f-b2e3-b557c6d6abef');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-01-23', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'df3e1967-3102-4f09-9746-5e655a577236');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-01-24', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'f3b0147f-3da5-46c8-a6b5-d6713fffb70f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-01-27', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'f172ea25-f761-487c-bd8e-8624d8db57c8');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-01-28', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '5ef99882-670f-4f52-bdda-2154225dd733');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-01-29', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '113b5683-03a6-43a8-9f0a-c15f3bff7c8a');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-04-02', 'holiday', 'Giỗ Tổ Hùng Vương', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '2bd2f615-aace-48c4-b39c-e06acb079cb1');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-04-30', 'holiday', 'Ngày Chiến thắng', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '6bc8e46f-c79d-4fa5-a34c-9be507366771');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-05-01', 'holiday', 'Ngày Quốc tế Lao động', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '431d5206-021d-46bb-b58c-545873ef2d29');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2020-09-02', 'holiday', 'Quốc khánh', 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '26db5034-17a9-4b53-8fb3-c93d0c468d6c');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-01-01', 'holiday', 'Tết Dương lịch', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '47a5c08c-94ab-4cd1-af7f-c3adb294e4af');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-02-10', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'c2705149-bcb9-4564-a6a6-f47e9efc826b');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-02-11', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '3e72fe21-40e3-4a5e-9a05-474cdd19e1e2');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-02-12', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '9fb07ae9-be27-4c63-8a09-d9e33ad0e39a');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-02-15', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '9ed78553-d3cc-4a3c-8914-a56310966b29');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-02-16', 'holiday', 'Tết Nguyên đán', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'ef01f54b-0fe8-4285-b271-d2fde64dea9f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-04-21', 'holiday', 'Giỗ Tổ Hùng Vương', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, 'dd8d8cf2-0189-4da9-81fa-3b68f9f9fe1a');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-04-30', 'holiday', 'Ngày Chiến thắng', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '743ea124-6882-421a-9d5d-cb9ead0e9edf');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-05-03', 'compensatory', 'Ngày Quốc tế Lao động', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '80000109-b54d-4da7-b831-1d444e1e78dd');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-09-02', 'holiday', 'Quốc khánh', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '8f739616-f4f3-40df-ad24-75f525fbd929');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2021-09-03', 'holiday', 'Quốc khánh', 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', NULL, false, true, NULL, '55c526bb-d42d-41f8-8680-20bb12df752e');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-01-03', 'compensatory', 'Tết Dương lịch', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '09790f37-67be-44b8-8971-235b2e3a1bea');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-01-31', 'holiday', 'Tết Nguyên đán', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '9382e9b7-bd67-4764-99fc-5f2056c60914');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-02-01', 'holiday', 'Tết Nguyên đán', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, 'db494aca-4614-483d-a5b3-7d327fb1d02f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-02-02', 'holiday', 'Tết Nguyên đán', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '41d59d29-4e3a-4568-b5c7-ee6c33757daa');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-02-03', 'holiday', 'Tết Nguyên đán', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '38eeaab7-f58b-4d04-83a6-de90520b053f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-02-04', 'holiday', 'Tết Nguyên đán', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, 'f755c824-6948-492f-a0bc-1e2c9ed149b2');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-04-11', 'compensatory', 'Giỗ Tổ Hùng Vương', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '45c1ed74-e465-453a-bdee-affd69c3646b');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-05-02', 'compensatory', 'Ngày Chiến thắng', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '2ce9407b-1fe6-4415-aa76-a8f4da85e2a8');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-05-03', 'compensatory', 'Ngày Quốc tế Lao động', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '631a6802-be5e-4ff1-b31d-d408d53526d7');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-09-01', 'holiday', 'Quốc khánh', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, 'd12727dd-a4d4-48a7-8ce5-f3f1b2da434e');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2022-09-02', 'holiday', 'Quốc khánh', 'Công văn 245/VPCP-KGVX', NULL, false, true, NULL, '66dfce4d-cab8-4045-a44e-b7a595962884');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-01-02', 'compensatory', 'Tết Dương lịch', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '01d407f5-fa0b-43de-b718-c36013282ab6');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-01-20', 'holiday', 'Tết Nguyên đán', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '630ce501-555c-45dd-b636-f91aa94631d9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-01-23', 'holiday', 'Tết Nguyên đán', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '18cc909b-037d-423b-ad32-f9c5073abb1d');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-01-24', 'holiday', 'Tết Nguyên đán', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, 'b8f30350-b1e9-42ce-8b30-a2e7c2ca580f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-01-25', 'holiday', 'Tết Nguyên đán', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '3956cc07-5bac-4db7-8969-f64912d3c0a1');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-01-26', 'holiday', 'Tết Nguyên đán', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, 'de941376-f56f-4b22-848d-54becbc7b8ab');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-05-01', 'holiday', 'Ngày Quốc tế Lao động', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '4bce8f14-ebcc-4ed6-b090-0ebf87638bcd');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-05-02', 'compensatory', 'Giỗ Tổ Hùng Vương', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '431afb5b-e052-46e5-acc0-68dba6e6a724');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-05-03', 'compensatory', 'Ngày Chiến thắng', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '8012f675-69dc-4e62-baa8-2855f3e5adad');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-09-01', 'holiday', 'Quốc khánh', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, '6e853198-ab11-4b4f-a637-e797f25012bd');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2023-09-04', 'compensatory', 'Quốc khánh', 'Công văn 8056/VPCP-KGVX (2022)', NULL, false, true, NULL, 'bb727e45-f491-4026-807b-6b73d85121b6');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-01-01', 'holiday', 'Tết Dương lịch', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '35df228e-f4c4-4274-8d79-906669ba1e94');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-02-08', 'holiday', 'Tết Nguyên đán', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '79b444ac-c2ce-454f-9488-7b7f5a4603d9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-02-09', 'holiday', 'Tết Nguyên đán', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '0d05e0cb-83b4-42ab-b29f-8c7c2d3f1298');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-02-12', 'holiday', 'Tết Nguyên đán', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, 'cfc151dc-1516-4ea4-9eae-83231534ab1d');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-02-13', 'holiday', 'Tết Nguyên đán', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, 'ad0639d3-d4d5-4468-b539-c46949deb325');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-02-14', 'holiday', 'Tết Nguyên đán', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '81e98fd4-f4f4-48b5-93cf-663c49d6a2e6');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-04-18', 'holiday', 'Giỗ Tổ Hùng Vương', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '427e68ee-4b87-42f5-8729-2f920cd75a42');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-04-29', 'swapped', 'Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2024', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, 'a52599b9-483e-463f-a804-3bae50d47bb9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-04-30', 'holiday', 'Ngày Chiến thắng', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '301f1687-0acf-47b2-a6ec-f27f1bf6b84b');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-05-01', 'holiday', 'Ngày Quốc tế Lao động', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '21742329-f4d0-47b6-819c-987d4691a71d');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-05-04', 'makeup', 'Làm bù cho thứ Hai 29/04/2024', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '96dd052a-cc43-4272-a08c-978599257d35');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-09-02', 'holiday', 'Quốc khánh', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, 'af49cc37-dc30-4c84-b506-8454d53ef438');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2024-09-03', 'holiday', 'Quốc khánh', 'Công văn 2450/VPCP-KGVX', NULL, false, true, NULL, '807de3d6-a6d1-4220-8f0d-c406306f8dc9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-01-01', 'holiday', 'Tết Dương lịch', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'c7bd2e1b-83ed-4148-a9bd-9d068b2a6158');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-01-27', 'holiday', 'Tết Nguyên đán', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, '7cc4731c-6d21-4243-b7e9-1557646c2952');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-01-28', 'holiday', 'Tết Nguyên đán', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'ce9d2f17-a581-4f86-9b77-9614c99e7ce4');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-01-29', 'holiday', 'Tết Nguyên đán', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'd3a8b8db-fcac-4c2e-876c-fe1e5f46a4a1');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-01-30', 'holiday', 'Tết Nguyên đán', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, '11c75781-5691-47aa-8f41-93801d7c4333');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-01-31', 'holiday', 'Tết Nguyên đán', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, '9f57b54e-9c70-44d6-9758-725e3677fde3');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-04-07', 'holiday', 'Giỗ Tổ Hùng Vương', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'b340aed8-c71e-4a62-8414-c7a56414911a');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-04-26', 'makeup', 'Làm bù cho thứ Sáu 02/05/2025', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'bfdfe838-75bb-4904-955c-05ec4951aeb6');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-04-30', 'holiday', 'Ngày Chiến thắng', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, '56723c0e-9c82-46b8-8554-81bb437a840f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-05-01', 'holiday', 'Ngày Quốc tế Lao động', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, '70eec459-94ab-4b23-997d-ba579a1b3f1a');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-05-02', 'swapped', 'Nghỉ hoán đổi, làm bù thứ Bảy 26/04/2025', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'fc41a9ae-7ae4-4df5-b4f3-ba67d74a8afd');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-09-01', 'holiday', 'Quốc khánh', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, 'a15e95af-b2da-4167-92e1-5c7485eaf4bf');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2025-09-02', 'holiday', 'Quốc khánh', 'Công văn 8726/VPCP-KGVX', NULL, false, true, NULL, '462a7d46-96fe-49cb-89d3-232fe0960264');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-01-01', 'holiday', 'Tết Dương lịch', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '96b77a79-3343-4336-8ae5-484b63773095');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-01-02', 'swapped', 'Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '4284dad8-5b03-42cd-97fc-fe613d8166ac');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-01-10', 'makeup', 'Làm bù cho thứ Sáu 02/01/2026', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '4a7d7a74-d001-4f99-9859-b5596a9a4627');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-02-16', 'holiday', 'Tết Nguyên đán', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '23443ca7-437d-473a-9254-32b7e7198d98');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-02-17', 'holiday', 'Tết Nguyên đán', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, 'abf41378-5ef0-45b5-9a90-06c70adcc5d8');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-02-18', 'holiday', 'Tết Nguyên đán', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '1fea5fc6-5992-4feb-8f7a-cca3efd8025a');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-02-19', 'holiday', 'Tết Nguyên đán', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '20adf301-88af-4680-90e8-bb41fef7fac5');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-02-20', 'holiday', 'Tết Nguyên đán', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '44f220b6-f11d-460e-aeb1-1e688c0de080');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-04-27', 'compensatory', 'Giỗ Tổ Hùng Vương', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '6836ca9d-9a48-40f9-8369-1e4a4d200916');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-04-30', 'holiday', 'Ngày Chiến thắng', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, 'adba0d32-9a59-46c5-a391-d2f3d88d5cf9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-05-01', 'holiday', 'Ngày Quốc tế Lao động', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '76d30130-26bb-4249-bea3-182d501c2dec');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-08-22', 'makeup', 'Làm bù cho thứ Hai 31/08/2026', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '51a59b42-f13f-4dae-901c-23a54ac03e4f');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-08-31', 'swapped', 'Nghỉ hoán đổi, làm bù thứ Bảy 22/08/2026', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '49d501dd-f96f-4394-9b27-568916b277e9');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-09-01', 'holiday', 'Quốc khánh', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '16470c1a-a9aa-41ba-b91f-bbef64b6fd48');
INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, hours, provisional, shipped, province, gid) VALUES ('vn', '2026-09-02', 'holiday', 'Quốc khánh', 'Công văn 12729/VPCP-KGVX', NULL, false, true, NULL, '6e4a4ff0-16e2-409f-946e-2964585672c5');

--
-- Data for Name: calendar_week; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.calendar_week (calendar, isodow, hours, shipped, province, gid) VALUES ('vn', 1, '{[07:30:00,11:30:00),[13:00:00,17:00:00)}', true, NULL, '145f3a18-2439-43fc-afab-63505d24336c');
INSERT INTO tthc.calendar_week (calendar, isodow, hours, shipped, province, gid) VALUES ('vn', 2, '{[07:30:00,11:30:00),[13:00:00,17:00:00)}', true, NULL, '3607ade9-b1e8-4221-ad0f-c5d876a5919f');
INSERT INTO tthc.calendar_week (calendar, isodow, hours, shipped, province, gid) VALUES ('vn', 3, '{[07:30:00,11:30:00),[13:00:00,17:00:00)}', true, NULL, '6a497444-242a-484e-ba60-97ccf8f31356');
INSERT INTO tthc.calendar_week (calendar, isodow, hours, shipped, province, gid) VALUES ('vn', 4, '{[07:30:00,11:30:00),[13:00:00,17:00:00)}', true, NULL, '4fecd549-d9c6-4273-9599-f8e8d6c9da8e');
INSERT INTO tthc.calendar_week (calendar, isodow, hours, shipped, province, gid) VALUES ('vn', 5, '{[07:30:00,11:30:00),[13:00:00,17:00:00)}', true, NULL, 'c14e44d9-1b47-4745-a4ba-19d5c9dc2e09');

--
-- Data for Name: calendar_year; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2019, 'Công văn 6519/VPCP-KGVX (2018)', true, NULL, 'f14d731d-416f-428e-b981-e091bd98746b');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2020, 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', true, NULL, '16d6ecc0-085d-4121-8fc0-c043858dbe47');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2021, 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', true, NULL, '5591a25d-e931-44ee-b5bd-119664df5877');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2022, 'Công văn 245/VPCP-KGVX', true, NULL, '85683dec-7e13-422a-a6f3-9e356e659537');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2023, 'Công văn 8056/VPCP-KGVX (2022)', true, NULL, 'ddae2152-2cb3-448a-9c11-4a304600a38a');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2024, 'Công văn 2450/VPCP-KGVX', true, NULL, '1a734403-62b8-493a-8aa0-8f797645e8c5');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2025, 'Công văn 8726/VPCP-KGVX', true, NULL, 'dadefbd3-86ed-4c43-85b6-660e33756abb');
INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped, province, gid) VALUES ('vn', 2026, 'Công văn 12729/VPCP-KGVX', true, NULL, '421bb0ba-a3d3-4ef0-bdaf-8a0c0d1fba36');

--
-- Data for Name: dossier; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: dossier_counter; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: dossier_event; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: fee; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: officer; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: officer_unit; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: payment; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: portal_queue; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: portal_status_map; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('submitted', '1', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('received', '2', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('refused', '3', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('processing', '4', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('awaiting_supplement', '5', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('awaiting_payment', '6', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('withdrawn', '7', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('stopped', '8', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('resolved', '9', true);
INSERT INTO tthc.portal_status_map (status, code, shipped) VALUES ('returned', '10', true);

--
-- Data for Name: procedure; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: procedure_step; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: province; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: rating; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: receipt; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: receipt_series; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: report_day; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: report_delta; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: report_month; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: scorecard_month; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: status_transition; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('submitted', 'received', true, 'accepted: the clock starts', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('submitted', 'refused', true, 'not accepted', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('received', 'processing', true, NULL, true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('processing', 'processing', true, 'hand-over between steps or agencies', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('processing', 'awaiting_supplement', true, 'request to supplement (form 02)', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('awaiting_supplement', 'processing', true, 'complete dossier back', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('processing', 'awaiting_payment', true, 'financial obligations', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('awaiting_payment', 'processing', true, NULL, true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('awaiting_payment', 'resolved', true, NULL, true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('received', 'withdrawn', true, 'the applicant withdraws', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('processing', 'withdrawn', true, 'the applicant withdraws', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('awaiting_supplement', 'withdrawn', true, 'the applicant withdraws', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('awaiting_payment', 'withdrawn', true, 'the applicant withdraws', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('processing', 'stopped', true, 'stop notice', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('awaiting_supplement', 'stopped', true, 'stop notice', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('processing', 'resolved', true, 'completed: lateness is judged here', true);
INSERT INTO tthc.status_transition (from_status, to_status, allowed, note, shipped) VALUES ('resolved', 'returned', true, 'result handed over', true);

--
-- Data for Name: stuck_rule; Type: TABLE DATA; Schema: tthc; Owner: -
--

INSERT INTO tthc.stuck_rule (rule, threshold, description, shipped) VALUES ('chronically_late', 0.90, 'on-time rate below the threshold', true);
INSERT INTO tthc.stuck_rule (rule, threshold, description, shipped) VALUES ('supplement_loop', 0.30, 'requests to supplement per resolved dossier above the threshold', true);
INSERT INTO tthc.stuck_rule (rule, threshold, description, shipped) VALUES ('no_online_uptake', 0.10, 'offered online, and the share received online below the threshold', true);
INSERT INTO tthc.stuck_rule (rule, threshold, description, shipped) VALUES ('late_at_external', 0.50, 'share of its late steps that ran late at an external agency (unit level agency) at or above the threshold', true);
INSERT INTO tthc.stuck_rule (rule, threshold, description, shipped) VALUES ('overdue_backlog', 5, 'open overdue dossiers at or above the threshold (counted however few were resolved)', true);

--
-- Data for Name: sweep_state; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: unit; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Data for Name: unit_succession; Type: TABLE DATA; Schema: tthc; Owner: -
--

--
-- Name: dossier_id_seq; Type: SEQUENCE SET; Schema: tthc; Owner: -
--

SELECT pg_catalog.setval('tthc.dossier_id_seq', 1, false);

--
-- Name: payment_id_seq; Type: SEQUENCE SET; Schema: tthc; Owner: -
--

SELECT pg_catalog.setval('tthc.payment_id_seq', 1, false);

--
-- Name: procedure_id_seq; Type: SEQUENCE SET; Schema: tthc; Owner: -
--

SELECT pg_catalog.setval('tthc.procedure_id_seq', 1, false);

--
-- Name: receipt_id_seq; Type: SEQUENCE SET; Schema: tthc; Owner: -
--

SELECT pg_catalog.setval('tthc.receipt_id_seq', 1, false);

--
-- Name: apology apology_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.apology
    ADD CONSTRAINT apology_pkey PRIMARY KEY (dossier_id, seq);

--
-- Name: apology apology_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.apology
    ADD CONSTRAINT apology_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: calendar_exception calendar_exception_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_exception
    ADD CONSTRAINT calendar_exception_gid UNIQUE (gid, shipped);

ALTER TABLE ONLY tthc.calendar_exception REPLICA IDENTITY USING INDEX calendar_exception_gid;

--
-- Name: calendar_exception calendar_exception_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_exception
    ADD CONSTRAINT calendar_exception_pkey PRIMARY KEY (calendar, day, shipped);

--
-- Name: calendar_exception calendar_exception_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.calendar_exception
    ADD CONSTRAINT calendar_exception_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: calendar calendar_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar
    ADD CONSTRAINT calendar_gid UNIQUE (gid, shipped);

ALTER TABLE ONLY tthc.calendar REPLICA IDENTITY USING INDEX calendar_gid;

--
-- Name: calendar calendar_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar
    ADD CONSTRAINT calendar_pkey PRIMARY KEY (name);

--
-- Name: calendar calendar_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.calendar
    ADD CONSTRAINT calendar_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: calendar_week calendar_week_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_week
    ADD CONSTRAINT calendar_week_gid UNIQUE (gid, shipped);

ALTER TABLE ONLY tthc.calendar_week REPLICA IDENTITY USING INDEX calendar_week_gid;

--
-- Name: calendar_week calendar_week_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_week
    ADD CONSTRAINT calendar_week_pkey PRIMARY KEY (calendar, isodow, shipped);

--
-- Name: calendar_week calendar_week_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.calendar_week
    ADD CONSTRAINT calendar_week_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: calendar_year calendar_year_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_year
    ADD CONSTRAINT calendar_year_gid UNIQUE (gid, shipped);

ALTER TABLE ONLY tthc.calendar_year REPLICA IDENTITY USING INDEX calendar_year_gid;

--
-- Name: calendar_year calendar_year_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_year
    ADD CONSTRAINT calendar_year_pkey PRIMARY KEY (calendar, year);

--
-- Name: calendar_year calendar_year_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.calendar_year
    ADD CONSTRAINT calendar_year_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: dossier dossier_code_unique; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.dossier
    ADD CONSTRAINT dossier_code_unique UNIQUE (code);

ALTER TABLE ONLY tthc.dossier REPLICA IDENTITY USING INDEX dossier_code_unique;

--
-- Name: dossier_counter dossier_counter_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.dossier_counter
    ADD CONSTRAINT dossier_counter_pkey PRIMARY KEY (unit, day);

--
-- Name: dossier_event dossier_event_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.dossier_event
    ADD CONSTRAINT dossier_event_pkey PRIMARY KEY (dossier_id, seq);

--
-- Name: dossier_event dossier_event_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.dossier_event
    ADD CONSTRAINT dossier_event_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: dossier dossier_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.dossier
    ADD CONSTRAINT dossier_pkey PRIMARY KEY (id);

--
-- Name: dossier dossier_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.dossier
    ADD CONSTRAINT dossier_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: fee fee_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.fee
    ADD CONSTRAINT fee_pkey PRIMARY KEY (procedure_id, fee_code);

--
-- Name: officer officer_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.officer
    ADD CONSTRAINT officer_pkey PRIMARY KEY (login);

--
-- Name: officer_unit officer_unit_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.officer_unit
    ADD CONSTRAINT officer_unit_pkey PRIMARY KEY (role, unit);

--
-- Name: payment payment_dossier_id_event_seq_key; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.payment
    ADD CONSTRAINT payment_dossier_id_event_seq_key UNIQUE (dossier_id, event_seq);

--
-- Name: payment payment_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.payment
    ADD CONSTRAINT payment_pkey PRIMARY KEY (id);

--
-- Name: portal_queue portal_queue_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.portal_queue
    ADD CONSTRAINT portal_queue_pkey PRIMARY KEY (dossier_id);

--
-- Name: portal_status_map portal_status_map_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.portal_status_map
    ADD CONSTRAINT portal_status_map_pkey PRIMARY KEY (status, shipped);

--
-- Name: procedure procedure_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.procedure
    ADD CONSTRAINT procedure_gid UNIQUE (gid);

ALTER TABLE ONLY tthc.procedure REPLICA IDENTITY USING INDEX procedure_gid;

--
-- Name: procedure procedure_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.procedure
    ADD CONSTRAINT procedure_pkey PRIMARY KEY (id);

--
-- Name: procedure procedure_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.procedure
    ADD CONSTRAINT procedure_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: procedure_step procedure_step_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.procedure_step
    ADD CONSTRAINT procedure_step_gid UNIQUE (gid);

ALTER TABLE ONLY tthc.procedure_step REPLICA IDENTITY USING INDEX procedure_step_gid;

--
-- Name: procedure_step procedure_step_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.procedure_step
    ADD CONSTRAINT procedure_step_pkey PRIMARY KEY (procedure_id, step);

--
-- Name: procedure_step procedure_step_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.procedure_step
    ADD CONSTRAINT procedure_step_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: province province_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.province
    ADD CONSTRAINT province_pkey PRIMARY KEY (code);

--
-- Name: province province_subscription_key; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.province
    ADD CONSTRAINT province_subscription_key UNIQUE (subscription);

--
-- Name: rating rating_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.rating
    ADD CONSTRAINT rating_pkey PRIMARY KEY (dossier_id);

--
-- Name: rating rating_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.rating
    ADD CONSTRAINT rating_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: receipt receipt_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt
    ADD CONSTRAINT receipt_pkey PRIMARY KEY (id);

--
-- Name: receipt_series receipt_series_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt_series
    ADD CONSTRAINT receipt_series_pkey PRIMARY KEY (unit, template, symbol);

--
-- Name: receipt receipt_unit_template_symbol_number_key; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt
    ADD CONSTRAINT receipt_unit_template_symbol_number_key UNIQUE (unit, template, symbol, number);

--
-- Name: report_day report_day_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.report_day
    ADD CONSTRAINT report_day_pkey PRIMARY KEY (unit, field, day);

--
-- Name: report_delta report_delta_gid; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.report_delta
    ADD CONSTRAINT report_delta_gid UNIQUE (gid);

ALTER TABLE ONLY tthc.report_delta REPLICA IDENTITY USING INDEX report_delta_gid;

--
-- Name: report_month report_month_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.report_month
    ADD CONSTRAINT report_month_pkey PRIMARY KEY (unit, field, month);

--
-- Name: scorecard_month scorecard_month_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.scorecard_month
    ADD CONSTRAINT scorecard_month_pkey PRIMARY KEY (month, kind, unit, item);

--
-- Name: status_transition status_transition_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.status_transition
    ADD CONSTRAINT status_transition_pkey PRIMARY KEY (from_status, to_status, shipped);

--
-- Name: stuck_rule stuck_rule_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.stuck_rule
    ADD CONSTRAINT stuck_rule_pkey PRIMARY KEY (rule, shipped);

--
-- Name: sweep_state sweep_state_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.sweep_state
    ADD CONSTRAINT sweep_state_pkey PRIMARY KEY (id);

--
-- Name: unit unit_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit
    ADD CONSTRAINT unit_pkey PRIMARY KEY (code);

--
-- Name: unit unit_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.unit
    ADD CONSTRAINT unit_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: unit_succession unit_succession_pkey; Type: CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit_succession
    ADD CONSTRAINT unit_succession_pkey PRIMARY KEY (old_unit, new_unit);

--
-- Name: unit_succession unit_succession_province_local; Type: CHECK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE tthc.unit_succession
    ADD CONSTRAINT unit_succession_province_local CHECK ((province IS NULL)) NOT VALID;

--
-- Name: dossier_due_soon_watch; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_due_soon_watch ON tthc.dossier USING btree (due_at) WHERE ((due_soon_at IS NULL) AND (overdue_since IS NULL) AND (status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])));

--
-- Name: dossier_event_officer; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_event_officer ON tthc.dossier_event USING btree (officer, at) WHERE (officer IS NOT NULL);

--
-- Name: dossier_finished; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_finished ON tthc.dossier USING btree (handling_unit, finished_at) WHERE (finished_at IS NOT NULL);

--
-- Name: dossier_handling_unit_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_handling_unit_idx ON tthc.dossier USING btree (handling_unit, received_at);

--
-- Name: dossier_overdue_open; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_overdue_open ON tthc.dossier USING btree (handling_unit, procedure_code) WHERE ((overdue_since IS NOT NULL) AND (status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])));

--
-- Name: dossier_overdue_watch; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_overdue_watch ON tthc.dossier USING btree (due_at) WHERE ((overdue_since IS NULL) AND (status = ANY (ARRAY['received'::tthc.dossier_status, 'processing'::tthc.dossier_status])));

--
-- Name: dossier_portal_code; Type: INDEX; Schema: tthc; Owner: -
--

CREATE UNIQUE INDEX dossier_portal_code ON tthc.dossier USING btree (portal_code);

--
-- Name: dossier_portal_pending; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_portal_pending ON tthc.dossier USING btree (id) WHERE (event_seq > portal_seq);

--
-- Name: dossier_procedure_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_procedure_idx ON tthc.dossier USING btree (procedure_id);

--
-- Name: dossier_receiving_unit_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX dossier_receiving_unit_idx ON tthc.dossier USING btree (receiving_unit, received_at);

--
-- Name: payment_refund_of_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX payment_refund_of_idx ON tthc.payment USING btree (refund_of) WHERE (refund_of IS NOT NULL);

--
-- Name: procedure_code_valid_from_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX procedure_code_valid_from_idx ON tthc.procedure USING btree (code, valid_from);

--
-- Name: rating_officer; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX rating_officer ON tthc.rating USING btree (officer, rated_at) WHERE (officer IS NOT NULL);

--
-- Name: receipt_dossier_id_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX receipt_dossier_id_idx ON tthc.receipt USING btree (dossier_id);

--
-- Name: report_day_day_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX report_day_day_idx ON tthc.report_day USING btree (day);

--
-- Name: unit_parent_idx; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX unit_parent_idx ON tthc.unit USING btree (parent);

--
-- Name: unit_succession_new; Type: INDEX; Schema: tthc; Owner: -
--

CREATE INDEX unit_succession_new ON tthc.unit_succession USING btree (new_unit);

--
-- Name: unit_succession_whole; Type: INDEX; Schema: tthc; Owner: -
--

CREATE UNIQUE INDEX unit_succession_whole ON tthc.unit_succession USING btree (old_unit) WHERE whole;

--
-- Name: apology append_only; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only BEFORE INSERT OR DELETE OR UPDATE ON tthc.apology FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only;

--
-- Name: dossier_event append_only; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only BEFORE INSERT OR DELETE OR UPDATE ON tthc.dossier_event FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only;

--
-- Name: payment append_only; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only BEFORE INSERT OR DELETE OR UPDATE ON tthc.payment FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.payment ENABLE ALWAYS TRIGGER append_only;

--
-- Name: rating append_only; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON tthc.rating FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.rating ENABLE ALWAYS TRIGGER append_only;

--
-- Name: receipt append_only; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only BEFORE INSERT OR DELETE OR UPDATE ON tthc.receipt FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.receipt ENABLE ALWAYS TRIGGER append_only;

--
-- Name: scorecard_month append_only; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON tthc.scorecard_month FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.scorecard_month ENABLE ALWAYS TRIGGER append_only;

--
-- Name: apology append_only_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.apology FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.apology ENABLE ALWAYS TRIGGER append_only_truncate;

--
-- Name: dossier_event append_only_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.dossier_event FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only_truncate;

--
-- Name: payment append_only_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.payment FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.payment ENABLE ALWAYS TRIGGER append_only_truncate;

--
-- Name: rating append_only_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.rating FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.rating ENABLE ALWAYS TRIGGER append_only_truncate;

--
-- Name: receipt append_only_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.receipt FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.receipt ENABLE ALWAYS TRIGGER append_only_truncate;

--
-- Name: scorecard_month append_only_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON tthc.scorecard_month FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.scorecard_month ENABLE ALWAYS TRIGGER append_only_truncate;

--
-- Name: calendar calendar_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER calendar_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.calendar FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();

ALTER TABLE tthc.calendar ENABLE ALWAYS TRIGGER calendar_changed;

--
-- Name: calendar_exception calendar_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER calendar_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.calendar_exception FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();

ALTER TABLE tthc.calendar_exception ENABLE ALWAYS TRIGGER calendar_changed;

--
-- Name: calendar_week calendar_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER calendar_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.calendar_week FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();

ALTER TABLE tthc.calendar_week ENABLE ALWAYS TRIGGER calendar_changed;

--
-- Name: calendar_year calendar_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER calendar_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.calendar_year FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();

ALTER TABLE tthc.calendar_year ENABLE ALWAYS TRIGGER calendar_changed;

--
-- Name: calendar calendar_check; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER calendar_check BEFORE INSERT OR UPDATE ON tthc.calendar FOR EACH ROW EXECUTE FUNCTION tthc.calendar_check();

--
-- Name: dossier dossier_counted; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER dossier_counted AFTER INSERT OR UPDATE ON tthc.dossier FOR EACH STATEMENT EXECUTE FUNCTION tthc.dossier_counted();

--
-- Name: dossier dossier_guard; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER dossier_guard BEFORE INSERT OR UPDATE ON tthc.dossier FOR EACH ROW EXECUTE FUNCTION tthc.dossier_guard();

--
-- Name: dossier dossier_kept; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER dossier_kept BEFORE DELETE ON tthc.dossier FOR EACH STATEMENT EXECUTE FUNCTION tthc.append_only();

ALTER TABLE tthc.dossier ENABLE ALWAYS TRIGGER dossier_kept;

--
-- Name: dossier dossier_numbered; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER dossier_numbered AFTER INSERT ON tthc.dossier FOR EACH STATEMENT EXECUTE FUNCTION tthc.dossier_numbered();

--
-- Name: fee fee_in_use; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER fee_in_use BEFORE UPDATE ON tthc.fee FOR EACH ROW EXECUTE FUNCTION tthc.fee_in_use();

ALTER TABLE tthc.fee ENABLE ALWAYS TRIGGER fee_in_use;

--
-- Name: officer officer_in_use; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER officer_in_use BEFORE DELETE OR UPDATE ON tthc.officer FOR EACH ROW EXECUTE FUNCTION tthc.officer_in_use();

--
-- Name: procedure procedure_check; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER procedure_check BEFORE INSERT OR UPDATE ON tthc.procedure FOR EACH ROW EXECUTE FUNCTION tthc.procedure_check();

--
-- Name: procedure procedure_in_use; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER procedure_in_use BEFORE DELETE OR UPDATE ON tthc.procedure FOR EACH ROW EXECUTE FUNCTION tthc.procedure_in_use();

--
-- Name: procedure_step procedure_in_use; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER procedure_in_use BEFORE DELETE OR UPDATE ON tthc.procedure_step FOR EACH ROW EXECUTE FUNCTION tthc.procedure_in_use();

--
-- Name: calendar protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.calendar FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar_exception protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.calendar_exception FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar_week protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.calendar_week FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar_year protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.calendar_year FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: portal_status_map protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.portal_status_map FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: status_transition protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.status_transition FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: stuck_rule protect_shipped; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped BEFORE DELETE OR UPDATE ON tthc.stuck_rule FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar_exception protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar_exception FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar_week protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar_week FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: calendar_year protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar_year FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: portal_status_map protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.portal_status_map FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: status_transition protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.status_transition FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: stuck_rule protect_shipped_truncate; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.stuck_rule FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

--
-- Name: rating rating_check; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER rating_check BEFORE INSERT OR UPDATE ON tthc.rating FOR EACH ROW EXECUTE FUNCTION tthc.rating_check();

--
-- Name: rating rating_deleted; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER rating_deleted AFTER DELETE ON tthc.rating REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tthc.rating_counted();

--
-- Name: rating rating_inserted; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER rating_inserted AFTER INSERT ON tthc.rating REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tthc.rating_counted();

--
-- Name: rating rating_updated; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER rating_updated AFTER UPDATE ON tthc.rating REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tthc.rating_counted();

--
-- Name: receipt_series receipt_series_guard; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER receipt_series_guard BEFORE INSERT OR UPDATE ON tthc.receipt_series FOR EACH ROW EXECUTE FUNCTION tthc.receipt_series_guard();

ALTER TABLE tthc.receipt_series ENABLE ALWAYS TRIGGER receipt_series_guard;

--
-- Name: officer table_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER table_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.officer FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();

--
-- Name: officer_unit table_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER table_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.officer_unit FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();

ALTER TABLE tthc.officer_unit ENABLE ALWAYS TRIGGER table_changed;

--
-- Name: procedure table_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER table_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.procedure FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();

ALTER TABLE tthc.procedure ENABLE ALWAYS TRIGGER table_changed;

--
-- Name: procedure_step table_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER table_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.procedure_step FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();

ALTER TABLE tthc.procedure_step ENABLE ALWAYS TRIGGER table_changed;

--
-- Name: status_transition table_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER table_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.status_transition FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();

ALTER TABLE tthc.status_transition ENABLE ALWAYS TRIGGER table_changed;

--
-- Name: unit table_changed; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER table_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON tthc.unit FOR EACH STATEMENT EXECUTE FUNCTION tthc.table_changed();

ALTER TABLE tthc.unit ENABLE ALWAYS TRIGGER table_changed;

--
-- Name: unit unit_desk_check; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER unit_desk_check BEFORE INSERT OR UPDATE OF calendar, reception_calendar ON tthc.unit FOR EACH ROW EXECUTE FUNCTION tthc.unit_desk_check();

--
-- Name: unit unit_in_use; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER unit_in_use BEFORE DELETE OR UPDATE ON tthc.unit FOR EACH ROW EXECUTE FUNCTION tthc.unit_in_use();

--
-- Name: unit_succession unit_succession_check_insert; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER unit_succession_check_insert AFTER INSERT ON tthc.unit_succession REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tthc.unit_succession_check();

--
-- Name: unit_succession unit_succession_check_update; Type: TRIGGER; Schema: tthc; Owner: -
--

CREATE TRIGGER unit_succession_check_update AFTER UPDATE ON tthc.unit_succession REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tthc.unit_succession_check();

--
-- Name: calendar_exception calendar_exception_calendar_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_exception
    ADD CONSTRAINT calendar_exception_calendar_fkey FOREIGN KEY (calendar) REFERENCES tthc.calendar(name) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: calendar calendar_parent_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar
    ADD CONSTRAINT calendar_parent_fkey FOREIGN KEY (parent) REFERENCES tthc.calendar(name) ON UPDATE CASCADE;

--
-- Name: calendar_week calendar_week_calendar_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_week
    ADD CONSTRAINT calendar_week_calendar_fkey FOREIGN KEY (calendar) REFERENCES tthc.calendar(name) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: calendar_year calendar_year_calendar_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.calendar_year
    ADD CONSTRAINT calendar_year_calendar_fkey FOREIGN KEY (calendar) REFERENCES tthc.calendar(name) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: fee fee_procedure_id_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.fee
    ADD CONSTRAINT fee_procedure_id_fkey FOREIGN KEY (procedure_id) REFERENCES tthc.procedure(id) ON DELETE CASCADE;

--
-- Name: officer officer_unit_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.officer
    ADD CONSTRAINT officer_unit_fkey FOREIGN KEY (unit) REFERENCES tthc.unit(code);

--
-- Name: officer_unit officer_unit_unit_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.officer_unit
    ADD CONSTRAINT officer_unit_unit_fkey FOREIGN KEY (unit) REFERENCES tthc.unit(code);

--
-- Name: payment payment_dossier_id_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.payment
    ADD CONSTRAINT payment_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES tthc.dossier(id);

--
-- Name: payment payment_procedure_id_fee_code_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.payment
    ADD CONSTRAINT payment_procedure_id_fee_code_fkey FOREIGN KEY (procedure_id, fee_code) REFERENCES tthc.fee(procedure_id, fee_code);

--
-- Name: payment payment_refund_of_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.payment
    ADD CONSTRAINT payment_refund_of_fkey FOREIGN KEY (refund_of) REFERENCES tthc.payment(id);

--
-- Name: procedure_step procedure_step_procedure_id_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.procedure_step
    ADD CONSTRAINT procedure_step_procedure_id_fkey FOREIGN KEY (procedure_id) REFERENCES tthc.procedure(id) ON DELETE CASCADE;

--
-- Name: procedure_step procedure_step_unit_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.procedure_step
    ADD CONSTRAINT procedure_step_unit_fkey FOREIGN KEY (unit) REFERENCES tthc.unit(code) ON UPDATE CASCADE;

--
-- Name: receipt receipt_dossier_id_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt
    ADD CONSTRAINT receipt_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES tthc.dossier(id);

--
-- Name: receipt receipt_replaced_by_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt
    ADD CONSTRAINT receipt_replaced_by_fkey FOREIGN KEY (replaced_by) REFERENCES tthc.receipt(id);

--
-- Name: receipt receipt_replaces_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt
    ADD CONSTRAINT receipt_replaces_fkey FOREIGN KEY (replaces) REFERENCES tthc.receipt(id);

--
-- Name: receipt_series receipt_series_unit_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt_series
    ADD CONSTRAINT receipt_series_unit_fkey FOREIGN KEY (unit) REFERENCES tthc.unit(code);

--
-- Name: receipt receipt_unit_template_symbol_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.receipt
    ADD CONSTRAINT receipt_unit_template_symbol_fkey FOREIGN KEY (unit, template, symbol) REFERENCES tthc.receipt_series(unit, template, symbol);

--
-- Name: unit unit_calendar_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit
    ADD CONSTRAINT unit_calendar_fkey FOREIGN KEY (calendar) REFERENCES tthc.calendar(name) ON UPDATE CASCADE;

--
-- Name: unit unit_parent_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit
    ADD CONSTRAINT unit_parent_fkey FOREIGN KEY (parent) REFERENCES tthc.unit(code) ON UPDATE CASCADE;

--
-- Name: unit unit_reception_calendar_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit
    ADD CONSTRAINT unit_reception_calendar_fkey FOREIGN KEY (reception_calendar) REFERENCES tthc.calendar(name) ON UPDATE CASCADE;

--
-- Name: unit_succession unit_succession_new_unit_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit_succession
    ADD CONSTRAINT unit_succession_new_unit_fkey FOREIGN KEY (new_unit) REFERENCES tthc.unit(code) ON UPDATE CASCADE;

--
-- Name: unit_succession unit_succession_old_unit_fkey; Type: FK CONSTRAINT; Schema: tthc; Owner: -
--

ALTER TABLE ONLY tthc.unit_succession
    ADD CONSTRAINT unit_succession_old_unit_fkey FOREIGN KEY (old_unit) REFERENCES tthc.unit(code) ON UPDATE CASCADE;

--
-- Name: apology admin_all; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_all ON tthc.apology FOR SELECT TO tthc_admin USING (true);

--
-- Name: dossier admin_all; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_all ON tthc.dossier TO tthc_admin USING (true) WITH CHECK (true);

--
-- Name: dossier_event admin_all; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_all ON tthc.dossier_event FOR SELECT TO tthc_admin USING (true);

--
-- Name: payment admin_all; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_all ON tthc.payment FOR SELECT TO tthc_admin USING (true);

--
-- Name: rating admin_all; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_all ON tthc.rating FOR SELECT TO tthc_admin USING (true);

--
-- Name: receipt admin_all; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_all ON tthc.receipt FOR SELECT TO tthc_admin USING (true);

--
-- Name: rating admin_record; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY admin_record ON tthc.rating FOR INSERT TO tthc_admin WITH CHECK (true);

--
-- Name: apology; Type: ROW SECURITY; Schema: tthc; Owner: -
--

ALTER TABLE tthc.apology ENABLE ROW LEVEL SECURITY;

--
-- Name: apology auditor_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY auditor_read ON tthc.apology FOR SELECT TO tthc_auditor USING (true);

--
-- Name: dossier auditor_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY auditor_read ON tthc.dossier FOR SELECT TO tthc_auditor USING (true);

--
-- Name: dossier_event auditor_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY auditor_read ON tthc.dossier_event FOR SELECT TO tthc_auditor USING (true);

--
-- Name: payment auditor_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY auditor_read ON tthc.payment FOR SELECT TO tthc_auditor USING (true);

--
-- Name: rating auditor_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY auditor_read ON tthc.rating FOR SELECT TO tthc_auditor USING (true);

--
-- Name: receipt auditor_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY auditor_read ON tthc.receipt FOR SELECT TO tthc_auditor USING (true);

--
-- Name: dossier; Type: ROW SECURITY; Schema: tthc; Owner: -
--

ALTER TABLE tthc.dossier ENABLE ROW LEVEL SECURITY;

--
-- Name: dossier_event; Type: ROW SECURITY; Schema: tthc; Owner: -
--

ALTER TABLE tthc.dossier_event ENABLE ROW LEVEL SECURITY;

--
-- Name: dossier officer_moves; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_moves ON tthc.dossier FOR UPDATE TO tthc_officer USING (((handling_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])))) WITH CHECK (((handling_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR tthc.transfer_passes(id)));

--
-- Name: rating officer_read; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_read ON tthc.rating FOR SELECT TO tthc_officer USING ((EXISTS ( SELECT 1
   FROM tthc.dossier d
  WHERE ((d.id = rating.dossier_id) AND (NOT (d.province IS DISTINCT FROM rating.province))))));

--
-- Name: dossier officer_receives; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_receives ON tthc.dossier FOR INSERT TO tthc_officer WITH CHECK ((receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])));

--
-- Name: rating officer_record; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_record ON tthc.rating FOR INSERT TO tthc_officer WITH CHECK ((EXISTS ( SELECT 1
   FROM tthc.dossier d
  WHERE ((d.id = rating.dossier_id) AND (NOT (d.province IS DISTINCT FROM rating.province))))));

--
-- Name: apology officer_units; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_units ON tthc.apology FOR SELECT TO tthc_officer USING ((EXISTS ( SELECT 1
   FROM tthc.dossier d
  WHERE ((d.id = apology.dossier_id) AND (NOT (d.province IS DISTINCT FROM apology.province))))));

--
-- Name: dossier officer_units; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_units ON tthc.dossier FOR SELECT TO tthc_officer USING (((handling_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (receiving_unit = ANY (( SELECT tthc.my_units() AS my_units)::text[])) OR (id = ANY (( SELECT tthc.transfers_passed() AS transfers_passed)::bigint[]))));

--
-- Name: dossier_event officer_units; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_units ON tthc.dossier_event FOR SELECT TO tthc_officer USING ((EXISTS ( SELECT 1
   FROM tthc.dossier d
  WHERE ((d.id = dossier_event.dossier_id) AND (NOT (d.province IS DISTINCT FROM dossier_event.province))))));

--
-- Name: payment officer_units; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_units ON tthc.payment FOR SELECT TO tthc_officer USING ((EXISTS ( SELECT 1
   FROM tthc.dossier d
  WHERE (d.id = payment.dossier_id))));

--
-- Name: receipt officer_units; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY officer_units ON tthc.receipt FOR SELECT TO tthc_officer USING ((EXISTS ( SELECT 1
   FROM tthc.dossier d
  WHERE (d.id = receipt.dossier_id))));

--
-- Name: payment; Type: ROW SECURITY; Schema: tthc; Owner: -
--

ALTER TABLE tthc.payment ENABLE ROW LEVEL SECURITY;

--
-- Name: dossier portal_inbox; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY portal_inbox ON tthc.dossier FOR INSERT TO tthc_portal WITH CHECK (((portal_code IS NOT NULL) AND (status = ANY (ARRAY['submitted'::tthc.dossier_status, 'received'::tthc.dossier_status]))));

--
-- Name: dossier portal_sent; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY portal_sent ON tthc.dossier FOR SELECT TO tthc_portal USING ((portal_code IS NOT NULL));

--
-- Name: dossier portal_update; Type: POLICY; Schema: tthc; Owner: -
--

CREATE POLICY portal_update ON tthc.dossier FOR UPDATE TO tthc_portal USING (((portal_code IS NOT NULL) AND (status = ANY (ARRAY['submitted'::tthc.dossier_status, 'received'::tthc.dossier_status])))) WITH CHECK (((portal_code IS NOT NULL) AND (status = ANY (ARRAY['submitted'::tthc.dossier_status, 'received'::tthc.dossier_status, 'withdrawn'::tthc.dossier_status]))));

--
-- Name: rating; Type: ROW SECURITY; Schema: tthc; Owner: -
--

ALTER TABLE tthc.rating ENABLE ROW LEVEL SECURITY;

--
-- Name: receipt; Type: ROW SECURITY; Schema: tthc; Owner: -
--

ALTER TABLE tthc.receipt ENABLE ROW LEVEL SECURITY;

--
-- Name: TABLE apology; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.apology TO tthc_officer;
GRANT SELECT ON TABLE tthc.apology TO tthc_auditor;

--
-- Name: FUNCTION append_only(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.append_only() FROM PUBLIC;

--
-- Name: FUNCTION applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.applicant_id_issue(applicant_type smallint, applicant_id_type smallint, applicant_id text) TO tthc_portal;

--
-- Name: FUNCTION as_jsonb(t text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.as_jsonb(t text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.as_jsonb(t text) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.as_jsonb(t text) TO tthc_admin;

--
-- Name: FUNCTION attach_province(conninfo text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.attach_province(conninfo text) FROM PUBLIC;

--
-- Name: FUNCTION calendar_changed(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.calendar_changed() FROM PUBLIC;

--
-- Name: FUNCTION calendar_check(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.calendar_check() FROM PUBLIC;

--
-- Name: TABLE receipt; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.receipt TO tthc_officer;
GRANT SELECT ON TABLE tthc.receipt TO tthc_auditor;
GRANT SELECT ON TABLE tthc.receipt TO tthc_admin;

--
-- Name: FUNCTION cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean, at timestamp with time zone, payer jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean, at timestamp with time zone, payer jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean, at timestamp with time zone, payer jsonb) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.cancel_receipt(unit text, template text, symbol text, number integer, reason text, replace boolean, at timestamp with time zone, payer jsonb) TO tthc_admin;

--
-- Name: FUNCTION check_units(units text[]); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.check_units(units text[]) FROM PUBLIC;

--
-- Name: TABLE dossier; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE tthc.dossier TO tthc_officer;
GRANT SELECT ON TABLE tthc.dossier TO tthc_auditor;
GRANT SELECT ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.procedure_code; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(procedure_code),UPDATE(procedure_code) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.receiving_unit; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(receiving_unit) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.handling_unit; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(handling_unit),UPDATE(handling_unit) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.channel; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(channel),UPDATE(channel) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.applicant_name; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(applicant_name),UPDATE(applicant_name) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.applicant_id; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(applicant_id),UPDATE(applicant_id) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.applicant_phone; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(applicant_phone),UPDATE(applicant_phone) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.submitted_at; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(submitted_at) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.received_at; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(received_at) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.status; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(status),UPDATE(status) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.changed_at; Type: ACL; Schema: tthc; Owner: -
--

GRANT UPDATE(changed_at) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.note; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(note),UPDATE(note) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.payment; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(payment) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.digitised; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(digitised),UPDATE(digitised) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.portal_code; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(portal_code) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.applicant_type; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(applicant_type),UPDATE(applicant_type) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.applicant_id_type; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(applicant_id_type),UPDATE(applicant_id_type) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.applicant_email; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(applicant_email),UPDATE(applicant_email) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.summary; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(summary),UPDATE(summary) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: COLUMN dossier.result_by_post; Type: ACL; Schema: tthc; Owner: -
--

GRANT INSERT(result_by_post),UPDATE(result_by_post) ON TABLE tthc.dossier TO tthc_portal;

--
-- Name: FUNCTION collecting_units(d tthc.dossier); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.collecting_units(d tthc.dossier) FROM PUBLIC;

--
-- Name: FUNCTION create_publication(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.create_publication() FROM PUBLIC;

--
-- Name: FUNCTION data_issues(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.data_issues(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.data_issues(code text) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.data_issues(code text) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.data_issues(code text) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.data_issues(code text) TO tthc_portal;

--
-- Name: FUNCTION detach_province(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.detach_province(code text) FROM PUBLIC;

--
-- Name: FUNCTION dossier_counted(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.dossier_counted() FROM PUBLIC;

--
-- Name: FUNCTION dossier_fees(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.dossier_fees(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.dossier_fees(code text) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.dossier_fees(code text) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.dossier_fees(code text) TO tthc_admin;

--
-- Name: FUNCTION dossier_guard(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.dossier_guard() FROM PUBLIC;

--
-- Name: FUNCTION dossier_issues(d tthc.dossier); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.dossier_issues(d tthc.dossier) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.dossier_issues(d tthc.dossier) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.dossier_issues(d tthc.dossier) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.dossier_issues(d tthc.dossier) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.dossier_issues(d tthc.dossier) TO tthc_portal;

--
-- Name: FUNCTION dossier_numbered(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.dossier_numbered() FROM PUBLIC;

--
-- Name: FUNCTION dossier_state(d tthc.dossier); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.dossier_state(d tthc.dossier) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.dossier_state(d tthc.dossier) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.dossier_state(d tthc.dossier) TO tthc_admin;

--
-- Name: FUNCTION due_soon_horizon(at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.due_soon_horizon(at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.due_soon_horizon(at timestamp with time zone) TO tthc_admin;

--
-- Name: TABLE dossier_event; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.dossier_event TO tthc_officer;
GRANT SELECT ON TABLE tthc.dossier_event TO tthc_auditor;

--
-- Name: FUNCTION event_hash(prev bytea, e tthc.dossier_event); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.event_hash(prev bytea, e tthc.dossier_event) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.event_hash(prev bytea, e tthc.dossier_event) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.event_hash(prev bytea, e tthc.dossier_event) TO tthc_admin;

--
-- Name: FUNCTION fee_in_use(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.fee_in_use() FROM PUBLIC;

--
-- Name: TABLE fee; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.fee TO tthc_admin;
GRANT SELECT ON TABLE tthc.fee TO tthc_officer;
GRANT SELECT ON TABLE tthc.fee TO tthc_auditor;
GRANT SELECT ON TABLE tthc.fee TO tthc_reader;

--
-- Name: FUNCTION fee_outstanding(dossier_id bigint, f tthc.fee); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.fee_outstanding(dossier_id bigint, f tthc.fee) FROM PUBLIC;

--
-- Name: FUNCTION hours_ok(hours tthc.time_multirange); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.hours_ok(hours tthc.time_multirange) FROM PUBLIC;

--
-- Name: FUNCTION hub_init(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.hub_init() FROM PUBLIC;

--
-- Name: FUNCTION hub_mirror(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.hub_mirror() FROM PUBLIC;

--
-- Name: FUNCTION indicators_766(unit text, period daterange, lineage boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.indicators_766(unit text, period daterange, lineage boolean) TO tthc_officer;

--
-- Name: FUNCTION issue_receipt(code text, at timestamp with time zone, template text, symbol text, payer jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.issue_receipt(code text, at timestamp with time zone, template text, symbol text, payer jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.issue_receipt(code text, at timestamp with time zone, template text, symbol text, payer jsonb) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.issue_receipt(code text, at timestamp with time zone, template text, symbol text, payer jsonb) TO tthc_admin;

--
-- Name: FUNCTION lawful_due(d tthc.dossier); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.lawful_due(d tthc.dossier) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.lawful_due(d tthc.dossier) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.lawful_due(d tthc.dossier) TO tthc_admin;

--
-- Name: FUNCTION lineage_part(n numeric, lo numeric, hi numeric); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.lineage_part(n numeric, lo numeric, hi numeric) TO tthc_admin;

--
-- Name: FUNCTION local_bounds(unit text, lo date, hi date, OUT lo_at timestamp with time zone, OUT hi_at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.local_bounds(unit text, lo date, hi date, OUT lo_at timestamp with time zone, OUT hi_at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION local_day(unit text, at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.local_day(unit text, at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION local_year(unit text, at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.local_year(unit text, at timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION log_problems(target text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.log_problems(target text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.log_problems(target text) TO tthc_auditor;

--
-- Name: FUNCTION money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.money_act(dossier_id bigint, code text, act jsonb, at timestamp with time zone) TO tthc_admin;

--
-- Name: FUNCTION money_apply(act jsonb, dossier_id bigint, first_seq integer, at timestamp with time zone, actor text, officer text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.money_apply(act jsonb, dossier_id bigint, first_seq integer, at timestamp with time zone, actor text, officer text) FROM PUBLIC;

--
-- Name: FUNCTION money_dossier(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.money_dossier(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.money_dossier(code text) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.money_dossier(code text) TO tthc_admin;

--
-- Name: FUNCTION money_stage(code text, act jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.money_stage(code text, act jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.money_stage(code text, act jsonb) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.money_stage(code text, act jsonb) TO tthc_admin;

--
-- Name: FUNCTION money_writing(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.money_writing() FROM PUBLIC;

--
-- Name: FUNCTION national_report(period daterange); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.national_report(period daterange) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.national_report(period daterange) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.national_report(period daterange) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.national_report(period daterange) TO tthc_admin;

--
-- Name: FUNCTION officer_in_use(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.officer_in_use() FROM PUBLIC;

--
-- Name: FUNCTION officer_on_dossier(login text, dossier_id bigint); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.officer_on_dossier(login text, dossier_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.officer_on_dossier(login text, dossier_id bigint) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.officer_on_dossier(login text, dossier_id bigint) TO tthc_admin;

--
-- Name: TABLE payment; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.payment TO tthc_officer;
GRANT SELECT ON TABLE tthc.payment TO tthc_auditor;
GRANT SELECT ON TABLE tthc.payment TO tthc_admin;

--
-- Name: FUNCTION pay(code text, fee_code text, amount bigint, method text, reference text, at timestamp with time zone, online boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.pay(code text, fee_code text, amount bigint, method text, reference text, at timestamp with time zone, online boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.pay(code text, fee_code text, amount bigint, method text, reference text, at timestamp with time zone, online boolean) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.pay(code text, fee_code text, amount bigint, method text, reference text, at timestamp with time zone, online boolean) TO tthc_admin;

--
-- Name: FUNCTION payment_fact(p tthc.payment); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.payment_fact(p tthc.payment) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.payment_fact(p tthc.payment) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.payment_fact(p tthc.payment) TO tthc_admin;

--
-- Name: FUNCTION payment_stands(p tthc.payment); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.payment_stands(p tthc.payment) FROM PUBLIC;

--
-- Name: FUNCTION portal_ack(code text, upto_seq integer, response jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_ack(code text, upto_seq integer, response jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_ack(code text, upto_seq integer, response jsonb) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_ack(code text, upto_seq integer, response jsonb) TO tthc_admin;

--
-- Name: FUNCTION portal_ack_record(code text, record_seq integer, response jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_ack_record(code text, record_seq integer, response jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_ack_record(code text, record_seq integer, response jsonb) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_ack_record(code text, record_seq integer, response jsonb) TO tthc_admin;

--
-- Name: FUNCTION portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.portal_action(kind text, from_status tthc.dossier_status, to_status tthc.dossier_status) TO tthc_portal;

--
-- Name: FUNCTION portal_claim(n integer, lease interval); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_claim(n integer, lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_claim(n integer, lease interval) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_claim(n integer, lease interval) TO tthc_admin;

--
-- Name: FUNCTION portal_dossier(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_dossier(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_dossier(code text) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_dossier(code text) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.portal_dossier(code text) TO tthc_admin;

--
-- Name: FUNCTION portal_events(d tthc.dossier, after_seq integer, lim integer); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_events(d tthc.dossier, after_seq integer, lim integer) FROM PUBLIC;

--
-- Name: FUNCTION portal_fail(code text, error text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_fail(code text, error text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_fail(code text, error text) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_fail(code text, error text) TO tthc_admin;

--
-- Name: FUNCTION portal_field(payload jsonb, field text, col text, kind text, required boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.portal_field(payload jsonb, field text, col text, kind text, required boolean) TO tthc_admin;

--
-- Name: TABLE portal_queue; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.portal_queue TO tthc_auditor;
GRANT SELECT ON TABLE tthc.portal_queue TO tthc_admin;

--
-- Name: FUNCTION portal_lease(code text, OUT d tthc.dossier, OUT q tthc.portal_queue); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_lease(code text, OUT d tthc.dossier, OUT q tthc.portal_queue) FROM PUBLIC;

--
-- Name: FUNCTION portal_mark(dossier_id bigint, upto_seq integer); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_mark(dossier_id bigint, upto_seq integer) FROM PUBLIC;

--
-- Name: FUNCTION portal_progress(code text, after_seq integer, lim integer); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_progress(code text, after_seq integer, lim integer) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_progress(code text, after_seq integer, lim integer) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_progress(code text, after_seq integer, lim integer) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.portal_progress(code text, after_seq integer, lim integer) TO tthc_admin;

--
-- Name: FUNCTION portal_receive(payload jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_receive(payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_receive(payload jsonb) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_receive(payload jsonb) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.portal_receive(payload jsonb) TO tthc_admin;

--
-- Name: FUNCTION portal_record(d tthc.dossier); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_record(d tthc.dossier) FROM PUBLIC;

--
-- Name: FUNCTION portal_release(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_release(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_release(code text) TO tthc_portal;
GRANT ALL ON FUNCTION tthc.portal_release(code text) TO tthc_admin;

--
-- Name: FUNCTION portal_reply(response jsonb); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_reply(response jsonb) FROM PUBLIC;

--
-- Name: FUNCTION portal_status(s tthc.dossier_status); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_status(s tthc.dossier_status) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_status(s tthc.dossier_status) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.portal_status(s tthc.dossier_status) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.portal_status(s tthc.dossier_status) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.portal_status(s tthc.dossier_status) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.portal_status(s tthc.dossier_status) TO tthc_portal;

--
-- Name: FUNCTION portal_time(t timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_time(t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_time(t timestamp with time zone) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.portal_time(t timestamp with time zone) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.portal_time(t timestamp with time zone) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.portal_time(t timestamp with time zone) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.portal_time(t timestamp with time zone) TO tthc_portal;

--
-- Name: FUNCTION portal_time_in(s text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_time_in(s text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.portal_time_in(s text) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.portal_time_in(s text) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.portal_time_in(s text) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.portal_time_in(s text) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.portal_time_in(s text) TO tthc_portal;

--
-- Name: FUNCTION portal_verified(d tthc.dossier); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.portal_verified(d tthc.dossier) FROM PUBLIC;

--
-- Name: FUNCTION procedure_check(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.procedure_check() FROM PUBLIC;

--
-- Name: FUNCTION procedure_in_use(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.procedure_in_use() FROM PUBLIC;

--
-- Name: FUNCTION protect_shipped(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.protect_shipped() FROM PUBLIC;

--
-- Name: FUNCTION rating_check(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.rating_check() FROM PUBLIC;

--
-- Name: FUNCTION rating_counted(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.rating_counted() FROM PUBLIC;

--
-- Name: FUNCTION receipt_cancel_fact(r tthc.receipt); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.receipt_cancel_fact(r tthc.receipt) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.receipt_cancel_fact(r tthc.receipt) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.receipt_cancel_fact(r tthc.receipt) TO tthc_admin;

--
-- Name: FUNCTION receipt_document(unit text, template text, symbol text, number integer); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.receipt_document(unit text, template text, symbol text, number integer) TO tthc_admin;

--
-- Name: FUNCTION receipt_fact(r tthc.receipt); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.receipt_fact(r tthc.receipt) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.receipt_fact(r tthc.receipt) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.receipt_fact(r tthc.receipt) TO tthc_admin;

--
-- Name: FUNCTION receipt_series_guard(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.receipt_series_guard() FROM PUBLIC;

--
-- Name: FUNCTION receipt_usage(unit text, period daterange); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.receipt_usage(unit text, period daterange) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.receipt_usage(unit text, period daterange) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.receipt_usage(unit text, period daterange) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.receipt_usage(unit text, period daterange) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.receipt_usage(unit text, period daterange) TO tthc_reader;

--
-- Name: FUNCTION recompute_deadlines(calendar text, since date, apply boolean, at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.recompute_deadlines(calendar text, since date, apply boolean, at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.recompute_deadlines(calendar text, since date, apply boolean, at timestamp with time zone) TO tthc_admin;

--
-- Name: FUNCTION refund(payment bigint, reason text, amount bigint, at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.refund(payment bigint, reason text, amount bigint, at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.refund(payment bigint, reason text, amount bigint, at timestamp with time zone) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.refund(payment bigint, reason text, amount bigint, at timestamp with time zone) TO tthc_admin;

--
-- Name: FUNCTION report(unit text, period daterange, include_children boolean, lineage boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report(unit text, period daterange, include_children boolean, lineage boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.report(unit text, period daterange, include_children boolean, lineage boolean) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.report(unit text, period daterange, include_children boolean, lineage boolean) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.report(unit text, period daterange, include_children boolean, lineage boolean) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.report(unit text, period daterange, include_children boolean, lineage boolean) TO tthc_officer;

--
-- Name: FUNCTION report_compact(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_compact() FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.report_compact() TO tthc_admin;

--
-- Name: FUNCTION report_fold_sql(target text, key text, bucket text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_fold_sql(target text, key text, bucket text) FROM PUBLIC;

--
-- Name: FUNCTION report_lineage(scope text[], lineage boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_lineage(scope text[], lineage boolean) FROM PUBLIC;

--
-- Name: FUNCTION report_months(lo date, hi date, OUT lo_month date, OUT whole_from date, OUT whole_to date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_months(lo date, hi date, OUT lo_month date, OUT whole_from date, OUT whole_to date) FROM PUBLIC;

--
-- Name: FUNCTION report_period(period daterange, OUT lo date, OUT hi date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_period(period daterange, OUT lo date, OUT hi date) FROM PUBLIC;

--
-- Name: FUNCTION report_rebuild(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_rebuild() FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.report_rebuild() TO tthc_admin;

--
-- Name: FUNCTION report_scope(unit text, include_children boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.report_scope(unit text, include_children boolean) FROM PUBLIC;

--
-- Name: FUNCTION restoring(rel regclass); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.restoring(rel regclass) FROM PUBLIC;

--
-- Name: FUNCTION scorecard_cards(month date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.scorecard_cards(month date) FROM PUBLIC;

--
-- Name: FUNCTION scorecard_close(month date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.scorecard_close(month date) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.scorecard_close(month date) TO tthc_admin;

--
-- Name: FUNCTION scorecard_diff(month date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.scorecard_diff(month date) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.scorecard_diff(month date) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.scorecard_diff(month date) TO tthc_auditor;

--
-- Name: FUNCTION scorecard_officer(unit text, month date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.scorecard_officer(unit text, month date) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.scorecard_officer(unit text, month date) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.scorecard_officer(unit text, month date) TO tthc_auditor;

--
-- Name: FUNCTION scorecard_unit(unit text, period daterange, lineage boolean); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.scorecard_unit(unit text, period daterange, lineage boolean) TO tthc_officer;

--
-- Name: TABLE receipt_series; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.receipt_series TO tthc_admin;
GRANT SELECT ON TABLE tthc.receipt_series TO tthc_officer;
GRANT SELECT ON TABLE tthc.receipt_series TO tthc_auditor;
GRANT SELECT ON TABLE tthc.receipt_series TO tthc_reader;

--
-- Name: FUNCTION series_take(d tthc.dossier, kind text, at timestamp with time zone, template text, symbol text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.series_take(d tthc.dossier, kind text, at timestamp with time zone, template text, symbol text) FROM PUBLIC;

--
-- Name: FUNCTION stuck_procedures(unit text, period daterange, min_resolved integer); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.stuck_procedures(unit text, period daterange, min_resolved integer) TO tthc_officer;

--
-- Name: FUNCTION sweep(at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.sweep(at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.sweep(at timestamp with time zone) TO tthc_admin;

--
-- Name: FUNCTION sweep_units(at timestamp with time zone, horizon timestamp with time zone, unit text, OUT overdue bigint, OUT due_soon bigint); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.sweep_units(at timestamp with time zone, horizon timestamp with time zone, unit text, OUT overdue bigint, OUT due_soon bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.sweep_units(at timestamp with time zone, horizon timestamp with time zone, unit text, OUT overdue bigint, OUT due_soon bigint) TO tthc_admin;

--
-- Name: FUNCTION table_changed(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.table_changed() FROM PUBLIC;

--
-- Name: FUNCTION time_reduction(unit text, period daterange); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.time_reduction(unit text, period daterange) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.time_reduction(unit text, period daterange) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.time_reduction(unit text, period daterange) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.time_reduction(unit text, period daterange) TO tthc_admin;
GRANT ALL ON FUNCTION tthc.time_reduction(unit text, period daterange) TO tthc_officer;

--
-- Name: FUNCTION track_wait(started timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.track_wait(started timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION transfer(code text, to_unit text, at timestamp with time zone, reason text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.transfer(code text, to_unit text, at timestamp with time zone, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.transfer(code text, to_unit text, at timestamp with time zone, reason text) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.transfer(code text, to_unit text, at timestamp with time zone, reason text) TO tthc_admin;

--
-- Name: FUNCTION transfer_passes(id bigint); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.transfer_passes(id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.transfer_passes(id bigint) TO tthc_officer;

--
-- Name: FUNCTION transfers_passed(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.transfers_passed() FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.transfers_passed() TO tthc_officer;

--
-- Name: FUNCTION unit_desk_check(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.unit_desk_check() FROM PUBLIC;

--
-- Name: FUNCTION unit_in_use(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.unit_in_use() FROM PUBLIC;

--
-- Name: FUNCTION unit_lineage(at date); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.unit_lineage(at date) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.unit_lineage(at date) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.unit_lineage(at date) TO tthc_reader;
GRANT ALL ON FUNCTION tthc.unit_lineage(at date) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.unit_lineage(at date) TO tthc_admin;

--
-- Name: FUNCTION unit_orphans(at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.unit_orphans(at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.unit_orphans(at timestamp with time zone) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.unit_orphans(at timestamp with time zone) TO tthc_auditor;
GRANT ALL ON FUNCTION tthc.unit_orphans(at timestamp with time zone) TO tthc_admin;

--
-- Name: FUNCTION unit_succession_check(); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.unit_succession_check() FROM PUBLIC;

--
-- Name: FUNCTION unreceipted(dossier_id bigint); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.unreceipted(dossier_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION verify_log(code text); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.verify_log(code text) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.verify_log(code text) TO tthc_auditor;

--
-- Name: FUNCTION waive(code text, fee_code text, reason text, at timestamp with time zone); Type: ACL; Schema: tthc; Owner: -
--

REVOKE ALL ON FUNCTION tthc.waive(code text, fee_code text, reason text, at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION tthc.waive(code text, fee_code text, reason text, at timestamp with time zone) TO tthc_officer;
GRANT ALL ON FUNCTION tthc.waive(code text, fee_code text, reason text, at timestamp with time zone) TO tthc_admin;

--
-- Name: TABLE calendar; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.calendar TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.calendar TO tthc_admin;

--
-- Name: TABLE calendar_exception; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.calendar_exception TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.calendar_exception TO tthc_admin;

--
-- Name: TABLE calendar_week; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.calendar_week TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.calendar_week TO tthc_admin;

--
-- Name: TABLE calendar_year; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.calendar_year TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.calendar_year TO tthc_admin;

--
-- Name: TABLE dossier_counter; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.dossier_counter TO tthc_auditor;

--
-- Name: SEQUENCE dossier_id_seq; Type: ACL; Schema: tthc; Owner: -
--

GRANT USAGE ON SEQUENCE tthc.dossier_id_seq TO tthc_portal;

--
-- Name: TABLE dossier_masked; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.dossier_masked TO tthc_reader;
GRANT SELECT ON TABLE tthc.dossier_masked TO tthc_auditor;
GRANT SELECT ON TABLE tthc.dossier_masked TO tthc_admin;
GRANT SELECT ON TABLE tthc.dossier_masked TO tthc_officer;

--
-- Name: TABLE unit; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.unit TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.unit TO tthc_admin;

--
-- Name: TABLE dossier_sla; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.dossier_sla TO tthc_reader;
GRANT SELECT ON TABLE tthc.dossier_sla TO tthc_auditor;
GRANT SELECT ON TABLE tthc.dossier_sla TO tthc_admin;
GRANT SELECT ON TABLE tthc.dossier_sla TO tthc_officer;

--
-- Name: TABLE report_delta; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.report_delta TO tthc_auditor;
GRANT SELECT ON TABLE tthc.report_delta TO tthc_reader;

--
-- Name: TABLE report_month; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.report_month TO tthc_auditor;
GRANT SELECT ON TABLE tthc.report_month TO tthc_reader;

--
-- Name: TABLE indicators_766_monthly; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.indicators_766_monthly TO tthc_reader;
GRANT SELECT ON TABLE tthc.indicators_766_monthly TO tthc_auditor;
GRANT SELECT ON TABLE tthc.indicators_766_monthly TO tthc_admin;
GRANT SELECT ON TABLE tthc.indicators_766_monthly TO tthc_officer;

--
-- Name: TABLE indicators_766_monthly_lineage; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.indicators_766_monthly_lineage TO tthc_officer;
GRANT SELECT ON TABLE tthc.indicators_766_monthly_lineage TO tthc_reader;
GRANT SELECT ON TABLE tthc.indicators_766_monthly_lineage TO tthc_auditor;
GRANT SELECT ON TABLE tthc.indicators_766_monthly_lineage TO tthc_admin;

--
-- Name: TABLE officer; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.officer TO tthc_admin;
GRANT SELECT ON TABLE tthc.officer TO tthc_auditor;

--
-- Name: TABLE officer_unit; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.officer_unit TO tthc_admin;
GRANT SELECT ON TABLE tthc.officer_unit TO tthc_auditor;

--
-- Name: TABLE portal_outbox; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.portal_outbox TO tthc_portal;
GRANT SELECT ON TABLE tthc.portal_outbox TO tthc_auditor;
GRANT SELECT ON TABLE tthc.portal_outbox TO tthc_admin;

--
-- Name: TABLE portal_status_map; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.portal_status_map TO tthc_reader;
GRANT SELECT ON TABLE tthc.portal_status_map TO tthc_auditor;
GRANT SELECT ON TABLE tthc.portal_status_map TO tthc_officer;
GRANT SELECT ON TABLE tthc.portal_status_map TO tthc_portal;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.portal_status_map TO tthc_admin;

--
-- Name: TABLE procedure; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.procedure TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.procedure TO tthc_admin;

--
-- Name: SEQUENCE procedure_id_seq; Type: ACL; Schema: tthc; Owner: -
--

GRANT USAGE ON SEQUENCE tthc.procedure_id_seq TO tthc_admin;

--
-- Name: TABLE procedure_step; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.procedure_step TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.procedure_step TO tthc_admin;

--
-- Name: TABLE province_status; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.province_status TO tthc_reader;
GRANT SELECT ON TABLE tthc.province_status TO tthc_auditor;
GRANT SELECT ON TABLE tthc.province_status TO tthc_admin;

--
-- Name: TABLE rating; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT,INSERT ON TABLE tthc.rating TO tthc_officer;
GRANT SELECT ON TABLE tthc.rating TO tthc_auditor;

--
-- Name: TABLE report_day; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.report_day TO tthc_auditor;
GRANT SELECT ON TABLE tthc.report_day TO tthc_reader;

--
-- Name: TABLE report_monthly; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.report_monthly TO tthc_reader;
GRANT SELECT ON TABLE tthc.report_monthly TO tthc_auditor;
GRANT SELECT ON TABLE tthc.report_monthly TO tthc_admin;
GRANT SELECT ON TABLE tthc.report_monthly TO tthc_officer;

--
-- Name: TABLE report_monthly_lineage; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.report_monthly_lineage TO tthc_officer;
GRANT SELECT ON TABLE tthc.report_monthly_lineage TO tthc_reader;
GRANT SELECT ON TABLE tthc.report_monthly_lineage TO tthc_auditor;
GRANT SELECT ON TABLE tthc.report_monthly_lineage TO tthc_admin;

--
-- Name: TABLE scorecard_month; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.scorecard_month TO tthc_admin;
GRANT SELECT ON TABLE tthc.scorecard_month TO tthc_auditor;

--
-- Name: TABLE status_transition; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.status_transition TO PUBLIC;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.status_transition TO tthc_admin;

--
-- Name: TABLE stuck_rule; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.stuck_rule TO tthc_reader;
GRANT SELECT ON TABLE tthc.stuck_rule TO tthc_auditor;
GRANT SELECT ON TABLE tthc.stuck_rule TO tthc_officer;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.stuck_rule TO tthc_admin;

--
-- Name: TABLE sweep_state; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.sweep_state TO PUBLIC;
GRANT SELECT,INSERT,UPDATE ON TABLE tthc.sweep_state TO tthc_admin;

--
-- Name: TABLE unit_succession; Type: ACL; Schema: tthc; Owner: -
--

GRANT SELECT ON TABLE tthc.unit_succession TO tthc_officer;
GRANT SELECT ON TABLE tthc.unit_succession TO tthc_reader;
GRANT SELECT ON TABLE tthc.unit_succession TO tthc_auditor;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE tthc.unit_succession TO tthc_admin;

--
-- PostgreSQL database dump complete
--


-- what pg_dump leaves out of a schema dump
GRANT USAGE ON SCHEMA tthc TO PUBLIC;
GRANT USAGE ON SCHEMA tthc TO tthc_admin;
GRANT USAGE ON SCHEMA tthc TO tthc_officer;
GRANT USAGE ON SCHEMA tthc TO tthc_auditor;
GRANT USAGE ON SCHEMA tthc TO tthc_reader;
COMMENT ON TYPE tthc.time_multirange IS 'The working intervals of a day, e.g. {[07:30,11:30),[13:00,17:00)}';

-- the tables pg_dump keeps (the rows the extension ships are left out)
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar_week', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar_exception', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar_year', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.status_transition', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.unit', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.procedure', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.procedure_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.procedure_step', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier_event', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.apology', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.dossier_counter', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.officer_unit', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.rating', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.report_day', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.report_delta', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.report_month', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.officer', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.scorecard_month', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.stuck_rule', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.fee', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.receipt_series', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.payment', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.payment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.receipt', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.receipt_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.portal_status_map', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.portal_queue', '');
SELECT pg_catalog.pg_extension_config_dump('tthc.unit_succession', '');
