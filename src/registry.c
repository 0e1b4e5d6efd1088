/*
 * registry.c
 *		The registry of units, procedures and officers: per-backend copies
 *		of tthc.unit, tthc.procedure, tthc.procedure_step, tthc.officer_unit
 *		and tthc.officer, for the dossier trigger and access control.
 *
 * The tables are small and authoritative.  They are compiled together, on
 * first use, into two hash tables (units by code; procedures by code, each
 * with its versions ordered by valid_from and each version with its steps)
 * in one memory context under CacheMemoryContext.  A statement trigger on
 * each table sends a relcache invalidation (tthc.table_changed); the
 * callback only marks the copy stale, and the next lookup rebuilds it from
 * the latest committed state under a fixed search_path (ext_read.c).
 * Pointers returned stay valid until the next lookup.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/syscache.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "registry.h"
#include "errfields.h"
#include "ext_read.h"
#include "relcache_flag.h"

typedef struct ProcedureEntry
{
	char		code[REGISTRY_KEYLEN];	/* hash key */
	int			nversions;
	ProcedureVersion *versions;	/* ordered by valid_from */
} ProcedureEntry;

static MemoryContext RegistryContext = NULL;
static HTAB *UnitHash = NULL;
static HTAB *ProcedureHash = NULL;
static RelcacheFlag registry_flag;	/* unit, procedure, procedure_step, officer_unit, officer */
static List *Assignments = NIL; /* of OfficerAssignment, in RegistryContext */
static HTAB *OfficerHash = NULL;	/* login -> OfficerInfo; NULL before 0.9.0 */

/* a role created, renamed or dropped changes what officer_unit's names mean */
static void
registry_role_cb(Datum arg, int cacheid, uint32 hashvalue)
{
	relcache_flag_stale(&registry_flag);
}

void
RegistryInit(void)
{
	relcache_flag_register(&registry_flag);
	CacheRegisterSyscacheCallback(AUTHOID, registry_role_cb, (Datum) 0);
}

static bool
key_fits(const char *code)
{
	return strlen(code) < REGISTRY_KEYLEN;
}

/* read_units: tthc.unit into UnitHash */
static void
read_units(void)
{
	bool		isnull;

	/*
	 * On the national hub a province's unit keeps its calendar's name
	 * qualified by the province (see calendar.c); to_jsonb reads the columns
	 * in a database not yet updated to 0.8.0 (province) or 0.12.0 (the dates
	 * a unit stands) too.
	 */
	if (SPI_execute("SELECT code, coalesce((pg_catalog.to_jsonb(u) OPERATOR(pg_catalog.->>) 'province')"
					" OPERATOR(pg_catalog.||) '/', '') OPERATOR(pg_catalog.||) calendar,"
					" coalesce(parent, ''),"
					" (pg_catalog.to_jsonb(u) OPERATOR(pg_catalog.->>) 'valid_from')::pg_catalog.date,"
					" (pg_catalog.to_jsonb(u) OPERATOR(pg_catalog.->>) 'valid_to')::pg_catalog.date,"
					" coalesce((pg_catalog.to_jsonb(u) OPERATOR(pg_catalog.->>) 'province')"
					" OPERATOR(pg_catalog.||) '/', '') OPERATOR(pg_catalog.||)"
					" coalesce(pg_catalog.to_jsonb(u) OPERATOR(pg_catalog.->>) 'reception_calendar', calendar)"
					" FROM tthc.unit u", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.unit");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *code = TextDatumGetCString(SPI_getbinval(t, d, 1, &isnull));
		UnitInfo   *u;

		if (!key_fits(code))
			continue;			/* cannot be looked up either */
		u = hash_search(UnitHash, code, HASH_ENTER, NULL);
		strlcpy(u->calendar, TextDatumGetCString(SPI_getbinval(t, d, 2, &isnull)), NAMEDATALEN);
		strlcpy(u->parent, TextDatumGetCString(SPI_getbinval(t, d, 3, &isnull)), REGISTRY_KEYLEN);
		u->valid_from = DatumGetDateADT(SPI_getbinval(t, d, 4, &isnull));
		if (isnull)
			DATE_NOBEGIN(u->valid_from);
		u->valid_to = DatumGetDateADT(SPI_getbinval(t, d, 5, &isnull));
		if (isnull)
			DATE_NOEND(u->valid_to);
		strlcpy(u->reception_calendar, TextDatumGetCString(SPI_getbinval(t, d, 6, &isnull)), NAMEDATALEN);
	}

}

/* read_officers: tthc.officer_unit into Assignments */
static void
read_officers(void)
{
	bool		isnull;
	MemoryContext old;

	/* officers' units, by role OID (a role that does not exist has none) */
	if (OidIsValid(registry_flag.relids[3]))
	{
		Oid			save_userid;
		int			save_sec;
		HeapTuple	ct = SearchSysCache1(RELOID, ObjectIdGetDatum(registry_flag.relids[3]));
		int			rc;

		if (!HeapTupleIsValid(ct))
			elog(ERROR, "cache lookup failed for relation %u", registry_flag.relids[3]);
		/* as the table's owner: officers may not read who else is assigned where */
		GetUserIdAndSecContext(&save_userid, &save_sec);
		SetUserIdAndSecContext(((Form_pg_class) GETSTRUCT(ct))->relowner,
							   save_sec | SECURITY_LOCAL_USERID_CHANGE);
		ReleaseSysCache(ct);
		rc = SPI_execute("SELECT r.oid, o.unit FROM tthc.officer_unit o"
						" JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) o.role",
						true, 0);
		SetUserIdAndSecContext(save_userid, save_sec);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not read tthc.officer_unit");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			TupleDesc	d = SPI_tuptable->tupdesc;
			OfficerAssignment *a = MemoryContextAllocZero(RegistryContext, sizeof(OfficerAssignment));

			a->role = DatumGetObjectId(SPI_getbinval(t, d, 1, &isnull));
			strlcpy(a->unit, TextDatumGetCString(SPI_getbinval(t, d, 2, &isnull)), REGISTRY_KEYLEN);
			old = MemoryContextSwitchTo(RegistryContext);
			Assignments = lappend(Assignments, a);
			MemoryContextSwitchTo(old);
		}
	}

}

/*
 * read_people: tthc.officer (from 0.9.0) into OfficerHash, as the table's
 * owner: the dossier trigger checks the officer a pooled account names
 * (tthc.actor) whoever the account is.
 */
static void
read_people(void)
{
	Oid			save_userid;
	int			save_sec;
	HeapTuple	ct;
	HASHCTL		ctl;
	int			rc;
	bool		isnull;

	if (!OidIsValid(registry_flag.relids[4]))
		return;
	ct = SearchSysCache1(RELOID, ObjectIdGetDatum(registry_flag.relids[4]));
	if (!HeapTupleIsValid(ct))
		elog(ERROR, "cache lookup failed for relation %u", registry_flag.relids[4]);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(OfficerInfo);
	ctl.hcxt = RegistryContext;
	OfficerHash = hash_create("tthc officers", 256, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(((Form_pg_class) GETSTRUCT(ct))->relowner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE);
	ReleaseSysCache(ct);
	rc = SPI_execute("SELECT login, unit, active FROM tthc.officer", true, 0);
	SetUserIdAndSecContext(save_userid, save_sec);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.officer");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *login = TextDatumGetCString(SPI_getbinval(t, d, 1, &isnull));
		char	   *unit = TextDatumGetCString(SPI_getbinval(t, d, 2, &isnull));
		OfficerInfo *o;

		if (strlen(login) >= NAMEDATALEN || !key_fits(unit))
			continue;			/* the table's checks keep both shorter */
		o = hash_search(OfficerHash, login, HASH_ENTER, NULL);
		strlcpy(o->unit, unit, REGISTRY_KEYLEN);
		o->active = DatumGetBool(SPI_getbinval(t, d, 3, &isnull));
	}
}

/* read_procedures: the versions of tthc.procedure, with their steps, into ProcedureHash */
static void
read_procedures(void)
{
	bool		isnull;
	MemoryContext old;
	ProcedureEntry *cur = NULL;

	/* versions with their steps, as one array per version */
	if (SPI_execute("SELECT p.code, p.id, p.valid_from, p.valid_to, p.time_limit,"
					" p.online_time_limit, p.same_day_cutoff, p.supplement_mode = 'pause',"
					" p.field, (pg_catalog.to_jsonb(p) OPERATOR(pg_catalog.->>) 'online_service') IS NOT NULL,"
					" coalesce(s.steps, '{}'), coalesce(s.units, '{}'), coalesce(s.allowances, '{}'),"
					" p.boundary_free"
					" FROM tthc.procedure p LEFT JOIN LATERAL"
					" (SELECT array_agg(s.step ORDER BY s.step) AS steps,"
					"         array_agg(coalesce(s.unit, '') ORDER BY s.step) AS units,"
					"         array_agg(s.allowance ORDER BY s.step) AS allowances"
					"  FROM tthc.procedure_step s WHERE s.procedure_id OPERATOR(pg_catalog.=) p.id"
					"  AND (pg_catalog.to_jsonb(s) OPERATOR(pg_catalog.->>) 'province') IS NULL) s ON true"
					/* the node's own procedures: on the hub, none (they are the provinces') */
					" WHERE (pg_catalog.to_jsonb(p) OPERATOR(pg_catalog.->>) 'province') IS NULL"
					" ORDER BY p.code, p.valid_from", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.procedure");
	old = MemoryContextSwitchTo(RegistryContext);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *code = TextDatumGetCString(SPI_getbinval(t, d, 1, &isnull));
		ProcedureVersion *v;
		Datum		x;
		Datum	   *steps,
				   *units,
				   *allowances;
		int			n;

		if (!key_fits(code))
			continue;
		if (cur == NULL || strcmp(cur->code, code) != 0)
		{
			cur = hash_search(ProcedureHash, code, HASH_ENTER, NULL);
			cur->nversions = 0;
			cur->versions = palloc(sizeof(ProcedureVersion) * (SPI_processed - r));
		}
		v = &cur->versions[cur->nversions++];
		memset(v, 0, sizeof(*v));
		v->id = DatumGetInt64(SPI_getbinval(t, d, 2, &isnull));
		v->valid_from = DatumGetDateADT(SPI_getbinval(t, d, 3, &isnull));
		x = SPI_getbinval(t, d, 4, &isnull);
		v->valid_to = isnull ? DATEVAL_NOEND : DatumGetDateADT(x);
		v->limit = *(TimeLimit *) DatumGetPointer(SPI_getbinval(t, d, 5, &isnull));
		x = SPI_getbinval(t, d, 6, &isnull);
		v->has_online = !isnull;
		if (!isnull)
			v->online_limit = *(TimeLimit *) DatumGetPointer(x);
		x = SPI_getbinval(t, d, 7, &isnull);
		v->cutoff = isnull ? -1 : DatumGetTimeADT(x);
		v->pause_mode = DatumGetBool(SPI_getbinval(t, d, 8, &isnull));
		x = SPI_getbinval(t, d, 9, &isnull);
		v->field = isnull ? NULL : TextDatumGetCString(x);
		v->online = DatumGetBool(SPI_getbinval(t, d, 10, &isnull));
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(t, d, 11, &isnull)),
						  INT4OID, 4, true, TYPALIGN_INT, &steps, NULL, &n);
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(t, d, 12, &isnull)),
						  TEXTOID, -1, false, TYPALIGN_INT, &units, NULL, &n);
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(t, d, 13, &isnull)),
						  get_element_type(SPI_gettypeid(d, 13)),
						  sizeof(TimeLimit), false, TYPALIGN_INT, &allowances, NULL, &n);
		v->boundary_free = DatumGetBool(SPI_getbinval(t, d, 14, &isnull));
		v->nsteps = n;
		v->steps = n > 0 ? palloc0(sizeof(ProcedureStep) * n) : NULL;
		for (int i = 0; i < n; i++)
		{
			char	   *u = TextDatumGetCString(units[i]);

			v->steps[i].step = DatumGetInt32(steps[i]);
			v->steps[i].has_unit = (u[0] != '\0');
			strlcpy(v->steps[i].unit, u, REGISTRY_KEYLEN);
			v->steps[i].allowance = *(TimeLimit *) DatumGetPointer(allowances[i]);
		}
	}
	MemoryContextSwitchTo(old);

}

static void
registry_build(void)
{
	ExtRead		rd;
	HASHCTL		ctl;
	uint64		invals_at_start = registry_flag.invals;
	Oid			nsp;

	if (RegistryContext == NULL)
		RegistryContext = AllocSetContextCreate(CacheMemoryContext, "tthc catalogue",
											   ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(RegistryContext);
	UnitHash = ProcedureHash = NULL;

	ext_read_begin(&rd);
	nsp = get_namespace_oid("tthc", false);
	registry_flag.relids[0] = get_relname_relid("unit", nsp);
	registry_flag.relids[1] = get_relname_relid("procedure", nsp);
	registry_flag.relids[2] = get_relname_relid("procedure_step", nsp);
	registry_flag.relids[3] = get_relname_relid("officer_unit", nsp);
	registry_flag.relids[4] = get_relname_relid("officer", nsp);
	Assignments = NIL;
	OfficerHash = NULL;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = REGISTRY_KEYLEN;
	ctl.entrysize = sizeof(UnitInfo);
	ctl.hcxt = RegistryContext;
	UnitHash = hash_create("tthc units", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	ctl.entrysize = sizeof(ProcedureEntry);
	ProcedureHash = hash_create("tthc procedures", 256, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);

	read_units();
	read_officers();
	read_people();
	read_procedures();

	ext_read_end(&rd);
	registry_flag.valid = (registry_flag.invals == invals_at_start);
}

static inline void
registry_ensure(void)
{
	if (!registry_flag.valid || UnitHash == NULL)
		registry_build();
}

const UnitInfo *
unit_lookup(const char *code)
{
	registry_ensure();
	if (!key_fits(code))
		return NULL;
	return hash_search(UnitHash, code, HASH_FIND, NULL);
}

/*
 * procedure_version_at: the version of procedure `code` in force on local
 * date `day`; *known says whether the code exists at all.
 */
const ProcedureVersion *
procedure_version_at(const char *code, DateADT day, bool *known)
{
	ProcedureEntry *e;

	registry_ensure();
	e = key_fits(code) ? hash_search(ProcedureHash, code, HASH_FIND, NULL) : NULL;
	*known = (e != NULL);
	if (e == NULL)
		return NULL;
	for (int i = e->nversions - 1; i >= 0; i--)
	{
		ProcedureVersion *v = &e->versions[i];

		if (v->valid_from <= day)
			return (v->valid_to == DATEVAL_NOEND || day <= v->valid_to) ? v : NULL;
	}
	return NULL;
}

const ProcedureVersion *
procedure_version_by_id(const char *code, int64 id)
{
	ProcedureEntry *e;

	registry_ensure();
	e = key_fits(code) ? hash_search(ProcedureHash, code, HASH_FIND, NULL) : NULL;
	if (e != NULL)
		for (int i = 0; i < e->nversions; i++)
			if (e->versions[i].id == id)
				return &e->versions[i];
	return NULL;
}

/* unit_calendars: the names of the calendars units use, each once */
List *
unit_calendars(void)
{
	HASH_SEQ_STATUS it;
	UnitInfo   *u;
	List	   *names = NIL;

	registry_ensure();
	hash_seq_init(&it, UnitHash);
	while ((u = hash_seq_search(&it)) != NULL)
	{
		ListCell   *lc;
		bool		seen = false;

		foreach(lc, names)
			if (strcmp((char *) lfirst(lc), u->calendar) == 0)
				seen = true;
		if (!seen)
			names = lappend(names, pstrdup(u->calendar));
	}
	return names;
}

/*
 * unit_within: whether unit `code` is `ancestor` or below it.  The walk up
 * is bounded, so a cycle in tthc.unit.parent cannot loop.
 */
bool
unit_within(const char *code, const char *ancestor)
{
	registry_ensure();
	for (int depth = 0; depth < 64 && code != NULL && code[0] != '\0'; depth++)
	{
		UnitInfo   *u;

		if (strcmp(code, ancestor) == 0)
			return true;
		u = key_fits(code) ? hash_search(UnitHash, code, HASH_FIND, NULL) : NULL;
		code = u ? u->parent : NULL;
	}
	return false;
}

/* unit_root: the top unit above `code` (its province), or NULL if unknown */
const char *
unit_root(const char *code)
{
	const char *root = NULL;

	registry_ensure();
	for (int depth = 0; depth < 64 && code != NULL && code[0] != '\0'; depth++)
	{
		UnitInfo   *u = key_fits(code) ? hash_search(UnitHash, code, HASH_FIND, NULL) : NULL;

		if (u == NULL)
			break;
		root = u->code;
		code = u->parent;
	}
	return root;
}

/* unit_subtree: the units of `roots` (C strings) and every unit below them */
List *
unit_subtree(List *roots)
{
	HASH_SEQ_STATUS it;
	UnitInfo   *u;
	List	   *units = NIL;

	if (roots == NIL)
		return NIL;
	registry_ensure();
	hash_seq_init(&it, UnitHash);
	while ((u = hash_seq_search(&it)) != NULL)
	{
		ListCell   *lc;

		foreach(lc, roots)
			if (unit_within(u->code, (const char *) lfirst(lc)))
			{
				units = lappend(units, pstrdup(u->code));
				break;
			}
	}
	return units;
}

/*
 * officer_lookup: the tthc.officer row of `login`, or NULL; *known_table
 * says whether the table exists (it does from 0.9.0 on)
 */
const OfficerInfo *
officer_lookup(const char *login, bool *known_table)
{
	registry_ensure();
	*known_table = (OfficerHash != NULL);
	if (OfficerHash == NULL || strlen(login) >= NAMEDATALEN)
		return NULL;
	return hash_search(OfficerHash, login, HASH_FIND, NULL);
}

/* officer_assignments: the rows of tthc.officer_unit (OfficerAssignment) */
List *
officer_assignments(void)
{
	registry_ensure();
	return Assignments;
}

/*
 * unit_successors: the units that took over `code` (tthc.unit_succession),
 * as "A, B", or NULL when none is recorded.  Read when asked, not cached: it
 * names them in an error.
 */
char *
unit_successors(const char *code)
{
	ExtRead		rd;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	char	   *result = NULL;
	MemoryContext caller = CurrentMemoryContext;
	bool		isnull;

	args[0] = CStringGetTextDatum(code);
	ext_read_begin(&rd);
	if (SPI_execute_with_args("SELECT pg_catalog.string_agg(s.new_unit, ', ' ORDER BY s.new_unit)"
							  " FROM tthc.unit_succession s WHERE s.old_unit OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.unit_succession");
	if (SPI_processed == 1)
	{
		Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			MemoryContext spi = MemoryContextSwitchTo(caller);

			result = TextDatumGetCString(v);
			MemoryContextSwitchTo(spi);
		}
	}
	ext_read_end(&rd);
	return result;
}

/* unit_calendar: the calendar of a unit that must exist (42704 otherwise) */
const char *
unit_calendar(const char *unit, const char *role)
{
	const UnitInfo *u = unit_lookup(unit);

	if (u == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s unit \"%s\" does not exist", role, unit),
				 errhint("Units are rows of tthc.unit."), errtable_of_dossier(), errcolumn_of_dossier(strcmp(role, "receiving") == 0 ? "receiving_unit" : "handling_unit")));
	return u->calendar;
}

/*
 * unit_reception_calendar: when a unit's desk receives (tthc.unit.
 * reception_calendar, else its processing calendar); the unit must exist
 */
const char *
unit_reception_calendar(const char *unit)
{
	const UnitInfo *u = unit_lookup(unit);

	if (u == NULL)
		return unit_calendar(unit, "receiving");
	return u->reception_calendar;
}
