-- test/lib/catalog_snapshot.sql: every object of the tthc extension as
-- lines of text, definition by definition, for comparing two databases
-- (test/sql/upgrade.sql: a fresh install against 0.1.0 and every update).
-- Defines the temporary view tthc_catalog (line text); include with \i from
-- the top of the checkout (pg_regress runs psql there, input on stdin).
--
-- What a line holds, by kind: functions (pg_get_functiondef: volatility,
-- strictness, security, parallel safety, config, body), their grants and
-- comments; relations (kind, options, row security, grants, comment);
-- columns in order (type, NOT NULL, default, identity, comment);
-- constraints, indexes, triggers (with their enabled state), policies,
-- views, sequences (their parameters), types (enum labels in order, I/O
-- functions), operators, the schema's grants, the tables pg_dump keeps
-- (pg_extension_config_dump) and a digest of the rows the extension ships.
-- Grants are sorted, so the order they were given in does not count.

-- the same text whatever the session's settings
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;

CREATE FUNCTION pg_temp.acl_text(a aclitem[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(a) x), '-') $$;

-- the shipped rows of every table with a `shipped` column, as a digest
CREATE FUNCTION pg_temp.shipped_rows() RETURNS TABLE (line text) LANGUAGE plpgsql AS $$
DECLARE
  r record;
  d text;
BEGIN
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'shipped' AND NOT a.attisdropped
           WHERE c.relnamespace = 'tthc'::regnamespace AND c.relkind = 'r' ORDER BY 1 LOOP
    -- (gid, each row's identity in the country, is drawn at random where the row is made)
    EXECUTE format('SELECT count(*) || '' '' || md5(coalesce(string_agg((to_jsonb(t) - ''gid'')::text, E''\n'' ORDER BY (to_jsonb(t) - ''gid'')::text), '''')) '
                   'FROM %s t WHERE shipped', r.rel) INTO d;
    line := format('shipped rows %s: %s', r.rel, d);
    RETURN NEXT;
  END LOOP;
END $$;

CREATE TEMP VIEW tthc_catalog AS
WITH ext AS (SELECT oid, extconfig, extcondition FROM pg_extension WHERE extname = 'tthc'),
rels AS (SELECT c.* FROM pg_class c WHERE c.relnamespace = 'tthc'::regnamespace)
-- functions and procedures
SELECT format('function %s: %s acl %s comment %s', p.oid::regprocedure, pg_get_functiondef(p.oid),
              pg_temp.acl_text(p.proacl), coalesce(obj_description(p.oid, 'pg_proc'), '-')) AS line
FROM pg_proc p WHERE p.pronamespace = 'tthc'::regnamespace AND p.prokind IN ('f', 'p')
UNION ALL
-- relations
SELECT format('relation %s kind %s options %s rls %s/%s acl %s comment %s', c.oid::regclass, c.relkind,
              coalesce(c.reloptions::text, '-'), c.relrowsecurity, c.relforcerowsecurity,
              pg_temp.acl_text(c.relacl), coalesce(obj_description(c.oid, 'pg_class'), '-'))
FROM rels c WHERE c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')
UNION ALL
-- columns, in order
SELECT format('column %s.%s #%s %s notnull %s default %s identity %s generated %s acl %s comment %s',
              c.oid::regclass, a.attname,
              (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = a.attrelid AND b.attnum > 0
                 AND NOT b.attisdropped AND b.attnum <= a.attnum),
              format_type(a.atttypid, a.atttypmod), a.attnotnull,
              coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), nullif(a.attidentity, ''),
              nullif(a.attgenerated, ''), pg_temp.acl_text(a.attacl),
              coalesce(col_description(c.oid, a.attnum), '-'))
FROM rels c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f', 'c')
UNION ALL
-- constraints
SELECT format('constraint %s on %s: %s', co.conname, coalesce(co.conrelid::regclass::text, co.contypid::regtype::text),
              pg_get_constraintdef(co.oid))
FROM pg_constraint co WHERE co.connamespace = 'tthc'::regnamespace
UNION ALL
-- indexes
SELECT format('index %s', pg_get_indexdef(i.indexrelid))
FROM pg_index i JOIN rels c ON c.oid = i.indrelid
UNION ALL
-- triggers, with their enabled state
SELECT format('trigger %s enabled %s: %s', t.tgname, t.tgenabled, pg_get_triggerdef(t.oid))
FROM pg_trigger t JOIN rels c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
-- policies
SELECT format('policy %s on %s: %s %s to %s using %s check %s', po.polname, po.polrelid::regclass, po.polcmd,
              CASE WHEN po.polpermissive THEN 'permissive' ELSE 'restrictive' END,
              (SELECT string_agg(CASE r WHEN 0 THEN 'public' ELSE r::regrole::text END, ',' ORDER BY 1)
               FROM unnest(po.polroles) r),
              coalesce(pg_get_expr(po.polqual, po.polrelid), '-'), coalesce(pg_get_expr(po.polwithcheck, po.polrelid), '-'))
FROM pg_policy po JOIN rels c ON c.oid = po.polrelid
UNION ALL
-- views
SELECT format('view %s: %s', c.oid::regclass, pg_get_viewdef(c.oid))
FROM rels c WHERE c.relkind IN ('v', 'm')
UNION ALL
-- sequences
SELECT format('sequence %s: %s start %s increment %s min %s max %s cache %s cycle %s', s.seqrelid::regclass,
              format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
FROM pg_sequence s JOIN rels c ON c.oid = s.seqrelid
UNION ALL
-- types
SELECT format('type %s kind %s input %s output %s labels %s comment %s', t.oid::regtype, t.typtype,
              t.typinput::regproc, t.typoutput::regproc,
              coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '-'),
              coalesce(obj_description(t.oid, 'pg_type'), '-'))
FROM pg_type t WHERE t.typnamespace = 'tthc'::regnamespace AND t.typtype IN ('b', 'e', 'd', 'r', 'm')
UNION ALL
-- operators
SELECT format('operator %s(%s, %s) %s', o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprcode::regproc)
FROM pg_operator o WHERE o.oprnamespace = 'tthc'::regnamespace
UNION ALL
-- the schema
SELECT format('schema tthc acl %s comment %s', pg_temp.acl_text(n.nspacl), coalesce(obj_description(n.oid, 'pg_namespace'), '-'))
FROM pg_namespace n WHERE n.nspname = 'tthc'
UNION ALL
-- what pg_dump keeps
SELECT format('config dump %s where %s', x.rel::regclass, coalesce(nullif(x.cond, ''), '-'))
FROM ext, unnest(ext.extconfig, ext.extcondition) AS x(rel, cond)
UNION ALL
-- every member of the extension
SELECT format('member %s', pg_describe_object(d.classid, d.objid, d.objsubid))
FROM pg_depend d, ext WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
UNION ALL
SELECT line FROM pg_temp.shipped_rows();
