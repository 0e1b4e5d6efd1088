#!/usr/bin/env bash
# scripts/full_script.sh: reroll sql/tthc--<version>.sql, the full install
# script of the default version, from the update chain (contrib's way: a
# frozen full script per release).  Run it once per release, after the
# update script to that version is written; never edit the output by hand.
#
# It installs 0.1.0 in a throwaway database, updates it to the version in
# tthc.control, takes every object out of the extension and dumps them
# (pg_dump: the final form of each, in dependency order, with the rows the
# extension ships), then adds what pg_dump does not write: the roles, their
# membership and the tables pg_dump keeps (pg_extension_config_dump).
# test/sql/upgrade.sql proves that a fresh install with this script and
# 0.1.0 plus every update give the same objects, definition by definition.
#
# Needs the extension built and installed (make install), and a server:
# PGHOST etc. when set, otherwise a throwaway cluster (scripts/cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" tthc.control)
out="sql/tthc--$version.sql"
PG_MAJOR=${PG_MAJOR:-15}
PGBIN=${PGBIN:-/usr/lib/postgresql/$PG_MAJOR/bin}

if [ -z "${PGHOST:-}" ]; then
  # shellcheck source=scripts/cluster.sh
  . scripts/cluster.sh
  CLUSTER_DIR="$(pwd)/tmp/full-script-cluster"
  cluster_start || { echo "full_script: could not start a cluster" >&2; exit 1; }
fi
db=tthc_full_script
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d "$db" -c "CREATE EXTENSION tthc VERSION '0.1.0'" -c "ALTER EXTENSION tthc UPDATE TO '$version'"

# the tables pg_dump keeps, before the extension lets go of them
config=$(psql -d "$db" -At -c "
  SELECT format('SELECT pg_catalog.pg_extension_config_dump(%L, %L);', x.rel::regclass, x.cond)
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) WITH ORDINALITY AS x(rel, cond, i)
  WHERE e.extname = 'tthc' ORDER BY x.i")

# what pg_dump leaves out of a schema dump: the schema's own grants, and
# comments on the types PostgreSQL made (a range's multirange)
extra=$(psql -d "$db" -At -c "
  SELECT format('GRANT USAGE ON SCHEMA tthc TO %s;', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END)
  FROM pg_namespace n, aclexplode(n.nspacl) a
  WHERE n.nspname = 'tthc' AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner
  UNION ALL
  SELECT format('COMMENT ON TYPE %s IS %L;', t.oid::regtype, obj_description(t.oid, 'pg_type'))
  FROM pg_type t WHERE t.typnamespace = 'tthc'::regnamespace AND t.typtype = 'm'
    AND obj_description(t.oid, 'pg_type') IS NOT NULL")

# every member out of the extension, so that pg_dump writes it
psql -d "$db" -At -c "
  SELECT format('ALTER EXTENSION tthc DROP %s;',
           CASE WHEN a.type = 'cast' THEN format('CAST (%s AS %s)', a.object_names[1], a.object_args[1])
                WHEN a.type IN ('operator class', 'operator family')
                  THEN format('%s %I.%I USING %s', upper(a.type), a.object_names[2], a.object_names[3], a.object_names[1])
                ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END)
  FROM pg_depend d, pg_identify_object_as_address(d.classid, d.objid, d.objsubid) a
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tthc')" \
  | psql -d "$db" >/dev/null

dump=$(mktemp)
"$PGBIN/pg_dump" -d "$db" -n tthc --no-owner --column-inserts -f "$dump"
psql -d postgres -c "DROP DATABASE $db"

{
  echo "-- $out"
  echo "\\echo Use \"CREATE EXTENSION tthc\" to load this file. \\quit"
  echo
  echo "-- The full install script of tthc $version, rerolled by scripts/full_script.sh"
  echo "-- from 0.1.0 and every update script (pg_dump of the updated objects):"
  echo "-- edit the update scripts and reroll, never this file.  test/sql/upgrade.sql"
  echo "-- checks that it gives the same objects as the update chain."
  echo
  echo "-- the roles (once per cluster; they outlive the extension)"
  cat <<'SQL'
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
SQL
  echo
  # pg_dump's output without its own header lines and the schema, which
  # CREATE EXTENSION makes (tthc.control names it)
  # pg_dump's settings: only those the script needs, made LOCAL (a session SET
  # in an extension script would outlive CREATE EXTENSION in the caller's
  # session)
  sed -e '/^-- Dumped from database version/d' -e '/^-- Dumped by pg_dump version/d' \
      -e '/^CREATE SCHEMA tthc;$/d' -e '/^\\restrict /d' -e '/^\\unrestrict /d' \
      -e '/^SET \(statement_timeout\|lock_timeout\|idle_in_transaction_session_timeout\|client_encoding\|standard_conforming_strings\|xmloption\|client_min_messages\|row_security\|default_tablespace\|default_table_access_method\) = /d' \
      -e 's/^SET \([a-z_]*\) = /SET LOCAL \1 = /' \
      -e "s/^SELECT pg_catalog.set_config('search_path', '', false);/SELECT pg_catalog.set_config('search_path', '', true);/" \
      -e "s|'\$libdir/tthc'|'MODULE_PATHNAME'|g" "$dump" | cat -s
  echo
  echo "-- what pg_dump leaves out of a schema dump"
  echo "$extra"
  echo
  echo "-- the tables pg_dump keeps (the rows the extension ships are left out)"
  echo "$config"
} >"$out"
rm -f "$dump"
echo "full_script: wrote $out ($(wc -l <"$out") lines)"
