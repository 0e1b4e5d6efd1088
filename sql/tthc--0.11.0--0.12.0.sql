-- sql/tthc--0.11.0--0.12.0.sql
\echo Use "ALTER EXTENSION tthc UPDATE TO '0.12.0'" to load this file. \quit

-- ===================================================================
-- The 2025 reorganisation (issue 16): units that end and succeed
-- ===================================================================
-- On 1 July 2025 the district level was abolished and communes merged
-- (NQ 1679/NQ-UBTVQH15 for Quảng Ninh: 171 commune-level units in 13
-- districts became 54); several new units took parts of several old ones,
-- so old-to-new is many-to-many.
--
-- * tthc.unit.valid_from / valid_to: the local days a unit takes new
--   dossiers (NULL: from always, for ever; the units that exist keep
--   standing).  A reception at a unit outside them is refused (55000), the
--   hint naming its successors.  A unit may end while it has open
--   dossiers: they stay with it until moved, and tthc.unit_orphans() lists
--   them.
-- * tthc.unit_succession: which units took over which (whole, or a share).
-- * units may be districts (the level that ended in 2025).

-- -------------------------------------------------------------------
-- 1. When a unit stands
-- -------------------------------------------------------------------

ALTER TABLE tthc.unit
  ADD COLUMN valid_from date,
  ADD COLUMN valid_to date,
  ADD CONSTRAINT unit_validity CHECK (valid_to >= valid_from),
  DROP CONSTRAINT unit_level_known,
  ADD CONSTRAINT unit_level_known CHECK (level IN ('province', 'district', 'commune', 'department', 'agency'));
COMMENT ON COLUMN tthc.unit.valid_from IS 'The first local day the unit takes new dossiers (NULL: always)';
COMMENT ON COLUMN tthc.unit.valid_to IS 'The last local day the unit takes new dossiers (NULL: it stands); its open dossiers stay until moved (tthc.unit_orphans, tthc.transfer)';

-- -------------------------------------------------------------------
-- 2. Who took over whom
-- -------------------------------------------------------------------

CREATE TABLE tthc.unit_succession (
  old_unit text NOT NULL REFERENCES tthc.unit (code) ON UPDATE CASCADE,
  new_unit text NOT NULL REFERENCES tthc.unit (code) ON UPDATE CASCADE,
  effective date NOT NULL,
  whole boolean NOT NULL DEFAULT false,
  share numeric CONSTRAINT unit_succession_share CHECK (share > 0 AND share <= 1),
  legal_reference text,
  PRIMARY KEY (old_unit, new_unit),
  CONSTRAINT unit_succession_other CHECK (old_unit <> new_unit)
);
COMMENT ON TABLE tthc.unit_succession IS 'Units that took over an ended unit (many-to-many): from the effective date; whole when one successor takes the unit''s history (its report rows), else share, the part of it a successor took';
COMMENT ON COLUMN tthc.unit_succession.whole IS 'This successor takes the whole of the old unit''s history in reports with lineage (at most one per old unit)';
COMMENT ON COLUMN tthc.unit_succession.share IS 'The part of the old unit this successor took (0 to 1), when none takes it whole';
CREATE UNIQUE INDEX unit_succession_whole ON tthc.unit_succession (old_unit) WHERE whole;
CREATE INDEX unit_succession_new ON tthc.unit_succession (new_unit);
SELECT pg_catalog.pg_extension_config_dump('tthc.unit_succession', '');
GRANT SELECT ON tthc.unit_succession TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;
GRANT INSERT, UPDATE, DELETE ON tthc.unit_succession TO tthc_admin;

-- the shares of one old unit's successors never exceed the whole (checked
-- per statement, so that shares can be moved between successors in one)
CREATE FUNCTION tthc.unit_succession_check() RETURNS trigger
LANGUAGE plpgsql SET search_path TO 'pg_catalog', 'pg_temp' AS $$
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
COMMENT ON FUNCTION tthc.unit_succession_check() IS 'The shares of one old unit''s successors add up to at most 1';
REVOKE ALL ON FUNCTION tthc.unit_succession_check() FROM PUBLIC;
CREATE TRIGGER unit_succession_check_insert AFTER INSERT ON tthc.unit_succession
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tthc.unit_succession_check();
CREATE TRIGGER unit_succession_check_update AFTER UPDATE ON tthc.unit_succession
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tthc.unit_succession_check();

-- -------------------------------------------------------------------
-- 3. The open dossiers of units that ended
-- -------------------------------------------------------------------

CREATE FUNCTION tthc.unit_orphans(at timestamptz DEFAULT now())
RETURNS TABLE(code text, handling_unit text, status tthc.dossier_status, unit_ended date, successors text[])
LANGUAGE sql STABLE SET search_path TO 'pg_catalog', 'pg_temp' AS $$
  SELECT d.code, d.handling_unit, d.status, u.valid_to,
         (SELECT array_agg(s.new_unit ORDER BY s.new_unit) FROM tthc.unit_succession s WHERE s.old_unit = u.code)
  FROM tthc.unit u
  JOIN tthc.calendar c ON c.name = u.calendar
  JOIN tthc.dossier d ON d.handling_unit = u.code
  WHERE u.valid_to < (unit_orphans.at AT TIME ZONE c.time_zone)::date
    AND d.status IN ('submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment')
  ORDER BY d.handling_unit, d.code
$$;
COMMENT ON FUNCTION tthc.unit_orphans(timestamptz) IS 'The dossiers still open (or submitted) at units that had ended by at, with the units that succeeded them: what is left to move (tthc.transfer)';
REVOKE ALL ON FUNCTION tthc.unit_orphans(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc.unit_orphans(timestamptz) TO tthc_officer, tthc_reader, tthc_auditor, tthc_admin;
