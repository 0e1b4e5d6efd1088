-- sql/tthc--0.1.0.sql
\echo Use "CREATE EXTENSION tthc" to load this file. \quit

-- ===================================================================
-- Types
-- ===================================================================

CREATE TYPE tthc.lunar_date AS (year int, month int, day int, leap boolean);
COMMENT ON TYPE tthc.lunar_date IS
  'A date of the Vietnamese lunar calendar (UTC+7); leap marks the intercalary month';

CREATE TYPE tthc.day_kind AS ENUM
  ('working', 'weekend', 'holiday', 'compensatory', 'swapped', 'makeup', 'special_hours');
COMMENT ON TYPE tthc.day_kind IS
  'Why a date works or not: weekly pattern (working, weekend) or a dated exception';

CREATE TYPE tthc.time_range AS RANGE (subtype = time, multirange_type_name = tthc.time_multirange);
COMMENT ON TYPE tthc.time_range IS 'A span of local wall-clock time, used half-open [start, end)';
COMMENT ON TYPE tthc.time_multirange IS 'The working intervals of a day, e.g. {[07:30,11:30),[13:00,17:00)}';

CREATE TYPE tthc.time_limit;

CREATE FUNCTION tthc.time_limit_in(cstring) RETURNS tthc.time_limit
  AS 'MODULE_PATHNAME', 'tthc_time_limit_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tthc.time_limit_out(tthc.time_limit) RETURNS cstring
  AS 'MODULE_PATHNAME', 'tthc_time_limit_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tthc.time_limit_recv(internal) RETURNS tthc.time_limit
  AS 'MODULE_PATHNAME', 'tthc_time_limit_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tthc.time_limit_send(tthc.time_limit) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tthc_time_limit_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION tthc.time_limit_in(cstring) IS 'Text input of tthc.time_limit (English or Vietnamese)';
COMMENT ON FUNCTION tthc.time_limit_out(tthc.time_limit) IS 'Canonical English text of tthc.time_limit';
COMMENT ON FUNCTION tthc.time_limit_recv(internal) IS 'Binary input of tthc.time_limit';
COMMENT ON FUNCTION tthc.time_limit_send(tthc.time_limit) IS 'Binary output of tthc.time_limit';

CREATE TYPE tthc.time_limit (
  INPUT = tthc.time_limit_in,
  OUTPUT = tthc.time_limit_out,
  RECEIVE = tthc.time_limit_recv,
  SEND = tthc.time_limit_send,
  INTERNALLENGTH = 8,
  ALIGNMENT = int4,
  STORAGE = plain
);
COMMENT ON TYPE tthc.time_limit IS
  'A procedure''s legal time limit: N working days, N working hours, N days, or same day';

CREATE FUNCTION tthc.time_limit_eq(tthc.time_limit, tthc.time_limit) RETURNS boolean
  AS 'MODULE_PATHNAME', 'tthc_time_limit_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION tthc.time_limit_ne(tthc.time_limit, tthc.time_limit) RETURNS boolean
  AS 'MODULE_PATHNAME', 'tthc_time_limit_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION tthc.time_limit_hash(tthc.time_limit) RETURNS int
  AS 'MODULE_PATHNAME', 'tthc_time_limit_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION tthc.time_limit_eq(tthc.time_limit, tthc.time_limit) IS 'Same unit and amount';
COMMENT ON FUNCTION tthc.time_limit_ne(tthc.time_limit, tthc.time_limit) IS 'Different unit or amount';
COMMENT ON FUNCTION tthc.time_limit_hash(tthc.time_limit) IS 'Hash support for tthc.time_limit';

CREATE OPERATOR tthc.= (
  LEFTARG = tthc.time_limit, RIGHTARG = tthc.time_limit, FUNCTION = tthc.time_limit_eq,
  COMMUTATOR = OPERATOR(tthc.=), NEGATOR = OPERATOR(tthc.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
CREATE OPERATOR tthc.<> (
  LEFTARG = tthc.time_limit, RIGHTARG = tthc.time_limit, FUNCTION = tthc.time_limit_ne,
  COMMUTATOR = OPERATOR(tthc.<>), NEGATOR = OPERATOR(tthc.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR CLASS tthc.time_limit_ops DEFAULT FOR TYPE tthc.time_limit USING hash AS
  OPERATOR 1 tthc.= ,
  FUNCTION 1 tthc.time_limit_hash(tthc.time_limit);

CREATE FUNCTION tthc.time_limit_unit(tthc.time_limit) RETURNS text
  AS 'MODULE_PATHNAME', 'tthc_time_limit_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.time_limit_unit(tthc.time_limit) IS
  'The unit of a limit: working_days, working_hours, days or same_day';
CREATE FUNCTION tthc.time_limit_amount(tthc.time_limit) RETURNS numeric
  AS 'MODULE_PATHNAME', 'tthc_time_limit_amount' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.time_limit_amount(tthc.time_limit) IS
  'The amount of a limit in its unit (0 for same day)';

-- ===================================================================
-- Calendar tables
-- ===================================================================

CREATE FUNCTION tthc.hours_ok(hours tthc.time_multirange) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT count(*) <= 8 AND coalesce(bool_and(NOT lower_inf(r) AND NOT upper_inf(r)), true)
        FROM unnest(hours) r $$;
COMMENT ON FUNCTION tthc.hours_ok(tthc.time_multirange) IS
  'Whether a day''s hours are at most 8 bounded intervals';

CREATE TABLE tthc.calendar (
  name            text PRIMARY KEY
                  CONSTRAINT calendar_name_format CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  description     text,
  parent          text REFERENCES tthc.calendar (name) ON UPDATE CASCADE,
  time_zone       text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
  day_length      interval NOT NULL DEFAULT '8 hours'
                  CONSTRAINT day_length_range CHECK (day_length > interval '0' AND day_length <= interval '24 hours'),
  same_day_cutoff time NOT NULL DEFAULT '15:00',
  holiday_rules   text CHECK (holiday_rules IN ('vn')),
  shipped         boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE tthc.calendar IS
  'Named working-time calendars; a calendar inherits the dated exceptions and weekly hours of its parent';
COMMENT ON COLUMN tthc.calendar.day_length IS 'Nominal working day: N working days = N x day_length of working time';
COMMENT ON COLUMN tthc.calendar.same_day_cutoff IS 'A same-day dossier normalised at or after this local time is due the next working day';
COMMENT ON COLUMN tthc.calendar.holiday_rules IS '''vn'': generate the Labour Code days for years without a tthc.calendar_year row';
COMMENT ON COLUMN tthc.calendar.shipped IS 'Installed by the extension (left out of pg_dump)';

CREATE TABLE tthc.calendar_week (
  calendar text NOT NULL REFERENCES tthc.calendar (name) ON UPDATE CASCADE ON DELETE CASCADE,
  isodow   smallint NOT NULL CONSTRAINT isodow_range CHECK (isodow BETWEEN 1 AND 7),
  hours    tthc.time_multirange NOT NULL
           CONSTRAINT hours_bounded_at_most_8 CHECK (tthc.hours_ok(hours)),
  shipped  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (calendar, isodow, shipped)
);
COMMENT ON TABLE tthc.calendar_week IS
  'Weekly working hours by ISO weekday (1 = Monday); a weekday without a row takes the parent''s, ''{}'' closes it; a row of yours overrides a shipped one';

CREATE TABLE tthc.calendar_exception (
  calendar        text NOT NULL REFERENCES tthc.calendar (name) ON UPDATE CASCADE ON DELETE CASCADE,
  day             date NOT NULL
                  CONSTRAINT day_in_supported_range CHECK (day BETWEEN date '1990-01-01' AND date '2199-12-31'),
  kind            tthc.day_kind NOT NULL
                  CONSTRAINT kind_is_an_exception CHECK (kind <> 'weekend'),
  name            text NOT NULL,
  legal_reference text,
  hours           tthc.time_multirange
                  CONSTRAINT hours_bounded_at_most_8 CHECK (tthc.hours_ok(hours)),
  provisional     boolean NOT NULL DEFAULT false,
  shipped         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (calendar, day, shipped),
  CONSTRAINT special_hours_need_hours
    CHECK (kind <> 'special_hours' OR (hours IS NOT NULL AND NOT isempty(hours))),
  CONSTRAINT days_off_have_no_hours
    CHECK (kind NOT IN ('holiday', 'compensatory', 'swapped') OR hours IS NULL)
);
COMMENT ON TABLE tthc.calendar_exception IS
  'Dated exceptions: days off (holiday, compensatory, swapped), make-up days, dates with their own hours, working (a normal day, cancelling an inherited or shipped day off); a row of yours overrides a shipped one';
COMMENT ON COLUMN tthc.calendar_exception.hours IS
  'Own working hours (special_hours; optional for makeup, which otherwise works the first working weekday''s hours)';

CREATE TABLE tthc.calendar_year (
  calendar        text NOT NULL REFERENCES tthc.calendar (name) ON UPDATE CASCADE ON DELETE CASCADE,
  year            int NOT NULL CONSTRAINT year_in_supported_range CHECK (year BETWEEN 1990 AND 2199),
  legal_reference text NOT NULL,
  shipped         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (calendar, year)
);
COMMENT ON TABLE tthc.calendar_year IS
  'Years with an official schedule: the generated (provisional) Labour Code days of that year are dropped';

CREATE FUNCTION tthc.calendar_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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
COMMENT ON FUNCTION tthc.calendar_check() IS 'Validates a calendar row: known time zone, no inheritance cycle';

CREATE TRIGGER calendar_check BEFORE INSERT OR UPDATE ON tthc.calendar
  FOR EACH ROW EXECUTE FUNCTION tthc.calendar_check();

CREATE FUNCTION tthc.calendar_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_calendar_changed' LANGUAGE C;
COMMENT ON FUNCTION tthc.calendar_changed() IS
  'Statement trigger: tells every session to recompile its calendars at its next statement';

CREATE FUNCTION tthc.protect_shipped() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tthc_protect_shipped' LANGUAGE C;
COMMENT ON FUNCTION tthc.protect_shipped() IS
  'Refuses to change or remove the rows shipped with the extension (pg_dump would not keep the change)';

CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.calendar
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();
CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.calendar_week
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();
CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.calendar_exception
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();
CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tthc.calendar_year
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.calendar_changed();

-- fire also for logical replication apply (session_replication_role = replica)
ALTER TABLE tthc.calendar ENABLE ALWAYS TRIGGER calendar_changed;
ALTER TABLE tthc.calendar_week ENABLE ALWAYS TRIGGER calendar_changed;
ALTER TABLE tthc.calendar_exception ENABLE ALWAYS TRIGGER calendar_changed;
ALTER TABLE tthc.calendar_year ENABLE ALWAYS TRIGGER calendar_changed;

CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.calendar
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.calendar_week
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.calendar_exception
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE UPDATE OR DELETE ON tthc.calendar_year
  FOR EACH ROW EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar_week
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar_exception
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON tthc.calendar_year
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.protect_shipped();

SELECT pg_catalog.pg_extension_config_dump('tthc.calendar', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar_week', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar_exception', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('tthc.calendar_year', 'WHERE NOT shipped');

-- ===================================================================
-- Functions
-- ===================================================================

CREATE FUNCTION tthc.lunar_to_solar(year int, month int, day int, leap boolean DEFAULT false)
  RETURNS date AS 'MODULE_PATHNAME', 'tthc_lunar_to_solar'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.lunar_to_solar(int, int, int, boolean) IS
  'The solar date of a Vietnamese lunar date (lunar years 1900-2199)';

CREATE FUNCTION tthc.solar_to_lunar(date) RETURNS tthc.lunar_date
  AS 'MODULE_PATHNAME', 'tthc_solar_to_lunar'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.solar_to_lunar(date) IS
  'The Vietnamese lunar date (UTC+7) of a solar date';

CREATE FUNCTION tthc.is_working_day(day date, calendar text DEFAULT 'vn') RETURNS boolean
  AS 'MODULE_PATHNAME', 'tthc_is_working_day'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.is_working_day(date, text) IS 'Whether a date has working time in a calendar';

CREATE FUNCTION tthc.add_working_days(d date, n int, calendar text DEFAULT 'vn') RETURNS date
  AS 'MODULE_PATHNAME', 'tthc_add_working_days'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.add_working_days(date, int, text) IS
  'n >= 1: the n-th working day after d; 0: d or the next working day; n < 0: the |n|-th working day before d';

CREATE FUNCTION tthc.working_days_between(a date, b date, calendar text DEFAULT 'vn') RETURNS int
  AS 'MODULE_PATHNAME', 'tthc_working_days_between'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.working_days_between(date, date, text) IS
  'Working days x with a < x <= b; negative, -(b <= x < a), when b < a';

CREATE FUNCTION tthc.add_working_time(ts timestamptz, amount interval, calendar text DEFAULT 'vn')
  RETURNS timestamptz AS 'MODULE_PATHNAME', 'tthc_add_working_time'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.add_working_time(timestamptz, interval, text) IS
  'Moves through working intervals only; a start outside working time begins at the next interval';

CREATE FUNCTION tthc.working_time_between(a timestamptz, b timestamptz, calendar text DEFAULT 'vn')
  RETURNS interval AS 'MODULE_PATHNAME', 'tthc_working_time_between'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.working_time_between(timestamptz, timestamptz, text) IS
  'Working time in [a, b); negative when b < a';

CREATE FUNCTION tthc.deadline(received timestamptz, time_limit tthc.time_limit, calendar text DEFAULT 'vn')
  RETURNS timestamptz AS 'MODULE_PATHNAME', 'tthc_deadline'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tthc.deadline(timestamptz, tthc.time_limit, text) IS
  'The appointment (hẹn trả) of a dossier received at a time, under a legal time limit';

CREATE FUNCTION tthc.calendar_days(calendar text, "from" date, "to" date)
  RETURNS TABLE (day date, working boolean, kind text, name text, legal_reference text,
                 provisional boolean, working_time interval, source text)
  AS 'MODULE_PATHNAME', 'tthc_calendar_days'
  LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 366;
COMMENT ON FUNCTION tthc.calendar_days(text, date, date) IS
  'Each date of a calendar with its working flag, kind, name, legal reference and provisional flag';

-- ===================================================================
-- The national calendar 'vn'
-- ===================================================================

INSERT INTO tthc.calendar (name, description, holiday_rules, shipped) VALUES
  ('vn', 'Cơ quan hành chính nhà nước, Việt Nam: thứ Hai-thứ Sáu 07:30-11:30, 13:00-17:00', 'vn', true);

INSERT INTO tthc.calendar_week (calendar, isodow, hours, shipped)
SELECT 'vn', d, '{[07:30,11:30),[13:00,17:00)}', true FROM generate_series(1, 5) d;

INSERT INTO tthc.calendar_year (calendar, year, legal_reference, shipped) VALUES
  ('vn', 2019, 'Công văn 6519/VPCP-KGVX (2018)', true),
  ('vn', 2020, 'Lịch nghỉ năm 2020 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', true),
  ('vn', 2021, 'Lịch nghỉ năm 2021 của cán bộ, công chức, viên chức (số văn bản chưa ghi nhận)', true),
  ('vn', 2022, 'Công văn 245/VPCP-KGVX', true),
  ('vn', 2023, 'Công văn 8056/VPCP-KGVX (2022)', true),
  ('vn', 2024, 'Công văn 2450/VPCP-KGVX', true),
  ('vn', 2025, 'Công văn 8726/VPCP-KGVX', true),
  ('vn', 2026, 'Công văn 12729/VPCP-KGVX', true);

INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference, shipped)
SELECT 'vn', x.day::date, x.kind::tthc.day_kind, x.name,
       (SELECT y.legal_reference FROM tthc.calendar_year y
         WHERE y.calendar = 'vn' AND y.year = x.schedule), true
FROM (VALUES
  -- 2019 (the 2019 letter also swaps 2018-12-31 for Saturday 2019-01-05)
  (2019, '2018-12-31', 'swapped',      'Nghỉ hoán đổi, làm bù thứ Bảy 05/01/2019'),
  (2019, '2019-01-01', 'holiday',      'Tết Dương lịch'),
  (2019, '2019-01-05', 'makeup',       'Làm bù cho thứ Hai 31/12/2018'),
  (2019, '2019-02-04', 'holiday',      'Tết Nguyên đán'),
  (2019, '2019-02-05', 'holiday',      'Tết Nguyên đán'),
  (2019, '2019-02-06', 'holiday',      'Tết Nguyên đán'),
  (2019, '2019-02-07', 'holiday',      'Tết Nguyên đán'),
  (2019, '2019-02-08', 'holiday',      'Tết Nguyên đán'),
  (2019, '2019-04-15', 'compensatory', 'Giỗ Tổ Hùng Vương'),
  (2019, '2019-04-29', 'swapped',      'Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2019'),
  (2019, '2019-04-30', 'holiday',      'Ngày Chiến thắng'),
  (2019, '2019-05-01', 'holiday',      'Ngày Quốc tế Lao động'),
  (2019, '2019-05-04', 'makeup',       'Làm bù cho thứ Hai 29/04/2019'),
  (2019, '2019-09-02', 'holiday',      'Quốc khánh'),
  -- 2020
  (2020, '2020-01-01', 'holiday',      'Tết Dương lịch'),
  (2020, '2020-01-23', 'holiday',      'Tết Nguyên đán'),
  (2020, '2020-01-24', 'holiday',      'Tết Nguyên đán'),
  (2020, '2020-01-27', 'holiday',      'Tết Nguyên đán'),
  (2020, '2020-01-28', 'holiday',      'Tết Nguyên đán'),
  (2020, '2020-01-29', 'holiday',      'Tết Nguyên đán'),
  (2020, '2020-04-02', 'holiday',      'Giỗ Tổ Hùng Vương'),
  (2020, '2020-04-30', 'holiday',      'Ngày Chiến thắng'),
  (2020, '2020-05-01', 'holiday',      'Ngày Quốc tế Lao động'),
  (2020, '2020-09-02', 'holiday',      'Quốc khánh'),
  -- 2021
  (2021, '2021-01-01', 'holiday',      'Tết Dương lịch'),
  (2021, '2021-02-10', 'holiday',      'Tết Nguyên đán'),
  (2021, '2021-02-11', 'holiday',      'Tết Nguyên đán'),
  (2021, '2021-02-12', 'holiday',      'Tết Nguyên đán'),
  (2021, '2021-02-15', 'holiday',      'Tết Nguyên đán'),
  (2021, '2021-02-16', 'holiday',      'Tết Nguyên đán'),
  (2021, '2021-04-21', 'holiday',      'Giỗ Tổ Hùng Vương'),
  (2021, '2021-04-30', 'holiday',      'Ngày Chiến thắng'),
  (2021, '2021-05-03', 'compensatory', 'Ngày Quốc tế Lao động'),
  (2021, '2021-09-02', 'holiday',      'Quốc khánh'),
  (2021, '2021-09-03', 'holiday',      'Quốc khánh'),
  -- 2022
  (2022, '2022-01-03', 'compensatory', 'Tết Dương lịch'),
  (2022, '2022-01-31', 'holiday',      'Tết Nguyên đán'),
  (2022, '2022-02-01', 'holiday',      'Tết Nguyên đán'),
  (2022, '2022-02-02', 'holiday',      'Tết Nguyên đán'),
  (2022, '2022-02-03', 'holiday',      'Tết Nguyên đán'),
  (2022, '2022-02-04', 'holiday',      'Tết Nguyên đán'),
  (2022, '2022-04-11', 'compensatory', 'Giỗ Tổ Hùng Vương'),
  (2022, '2022-05-02', 'compensatory', 'Ngày Chiến thắng'),
  (2022, '2022-05-03', 'compensatory', 'Ngày Quốc tế Lao động'),
  (2022, '2022-09-01', 'holiday',      'Quốc khánh'),
  (2022, '2022-09-02', 'holiday',      'Quốc khánh'),
  -- 2023
  (2023, '2023-01-02', 'compensatory', 'Tết Dương lịch'),
  (2023, '2023-01-20', 'holiday',      'Tết Nguyên đán'),
  (2023, '2023-01-23', 'holiday',      'Tết Nguyên đán'),
  (2023, '2023-01-24', 'holiday',      'Tết Nguyên đán'),
  (2023, '2023-01-25', 'holiday',      'Tết Nguyên đán'),
  (2023, '2023-01-26', 'holiday',      'Tết Nguyên đán'),
  (2023, '2023-05-01', 'holiday',      'Ngày Quốc tế Lao động'),
  (2023, '2023-05-02', 'compensatory', 'Giỗ Tổ Hùng Vương'),
  (2023, '2023-05-03', 'compensatory', 'Ngày Chiến thắng'),
  (2023, '2023-09-01', 'holiday',      'Quốc khánh'),
  (2023, '2023-09-04', 'compensatory', 'Quốc khánh'),
  -- 2024
  (2024, '2024-01-01', 'holiday',      'Tết Dương lịch'),
  (2024, '2024-02-08', 'holiday',      'Tết Nguyên đán'),
  (2024, '2024-02-09', 'holiday',      'Tết Nguyên đán'),
  (2024, '2024-02-12', 'holiday',      'Tết Nguyên đán'),
  (2024, '2024-02-13', 'holiday',      'Tết Nguyên đán'),
  (2024, '2024-02-14', 'holiday',      'Tết Nguyên đán'),
  (2024, '2024-04-18', 'holiday',      'Giỗ Tổ Hùng Vương'),
  (2024, '2024-04-29', 'swapped',      'Nghỉ hoán đổi, làm bù thứ Bảy 04/05/2024'),
  (2024, '2024-04-30', 'holiday',      'Ngày Chiến thắng'),
  (2024, '2024-05-01', 'holiday',      'Ngày Quốc tế Lao động'),
  (2024, '2024-05-04', 'makeup',       'Làm bù cho thứ Hai 29/04/2024'),
  (2024, '2024-09-02', 'holiday',      'Quốc khánh'),
  (2024, '2024-09-03', 'holiday',      'Quốc khánh'),
  -- 2025
  (2025, '2025-01-01', 'holiday',      'Tết Dương lịch'),
  (2025, '2025-01-27', 'holiday',      'Tết Nguyên đán'),
  (2025, '2025-01-28', 'holiday',      'Tết Nguyên đán'),
  (2025, '2025-01-29', 'holiday',      'Tết Nguyên đán'),
  (2025, '2025-01-30', 'holiday',      'Tết Nguyên đán'),
  (2025, '2025-01-31', 'holiday',      'Tết Nguyên đán'),
  (2025, '2025-04-07', 'holiday',      'Giỗ Tổ Hùng Vương'),
  (2025, '2025-04-26', 'makeup',       'Làm bù cho thứ Sáu 02/05/2025'),
  (2025, '2025-04-30', 'holiday',      'Ngày Chiến thắng'),
  (2025, '2025-05-01', 'holiday',      'Ngày Quốc tế Lao động'),
  (2025, '2025-05-02', 'swapped',      'Nghỉ hoán đổi, làm bù thứ Bảy 26/04/2025'),
  (2025, '2025-09-01', 'holiday',      'Quốc khánh'),
  (2025, '2025-09-02', 'holiday',      'Quốc khánh'),
  -- 2026
  (2026, '2026-01-01', 'holiday',      'Tết Dương lịch'),
  (2026, '2026-01-02', 'swapped',      'Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026'),
  (2026, '2026-01-10', 'makeup',       'Làm bù cho thứ Sáu 02/01/2026'),
  (2026, '2026-02-16', 'holiday',      'Tết Nguyên đán'),
  (2026, '2026-02-17', 'holiday',      'Tết Nguyên đán'),
  (2026, '2026-02-18', 'holiday',      'Tết Nguyên đán'),
  (2026, '2026-02-19', 'holiday',      'Tết Nguyên đán'),
  (2026, '2026-02-20', 'holiday',      'Tết Nguyên đán'),
  (2026, '2026-04-27', 'compensatory', 'Giỗ Tổ Hùng Vương'),
  (2026, '2026-04-30', 'holiday',      'Ngày Chiến thắng'),
  (2026, '2026-05-01', 'holiday',      'Ngày Quốc tế Lao động'),
  (2026, '2026-08-22', 'makeup',       'Làm bù cho thứ Hai 31/08/2026'),
  (2026, '2026-08-31', 'swapped',      'Nghỉ hoán đổi, làm bù thứ Bảy 22/08/2026'),
  (2026, '2026-09-01', 'holiday',      'Quốc khánh'),
  (2026, '2026-09-02', 'holiday',      'Quốc khánh')
) AS x(schedule, day, kind, name);

-- ===================================================================
-- Privileges
-- ===================================================================

GRANT USAGE ON SCHEMA tthc TO PUBLIC;
GRANT SELECT ON tthc.calendar, tthc.calendar_week, tthc.calendar_exception, tthc.calendar_year TO PUBLIC;
