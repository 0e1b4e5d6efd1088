/*
 * colmap.c
 *		Columns of tthc's tables found by name, not by position: an owner may
 *		add, drop or reorder columns of their own, and a database not yet
 *		updated lacks the newest ones.
 *
 * A map holds the attribute numbers of a list of column names; the first
 * `nrequired` must exist (42703 otherwise), the rest may be missing (0).
 * Whoever keeps a map resets its relid from a relcache callback, so a
 * changed table is mapped again at its next use.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "executor/spi.h"
#include "utils/lsyscache.h"

#include "colmap.h"

/* tthc_relid: the OID of table tthc.`name` (it must exist) */
Oid
tthc_relid(const char *name)
{
	Oid			relid = get_relname_relid(name, get_namespace_oid("tthc", false));

	if (!OidIsValid(relid))
		elog(ERROR, "relation tthc.%s is missing", name);
	return relid;
}

/*
 * map_columns: attribute numbers by name; columns from `nrequired` on may
 * be missing (0), as in a database not yet updated to the version that
 * added them.  The map is kept until a relcache invalidation of the table
 * (each owner's relcache callback resets map_relid).
 */
void
map_columns(TupleDesc desc, Oid relid, int ncols, int nrequired,
			const char *const *names, AttrNumber *att, Oid *map_relid, int *map_natts)
{
	if (*map_relid == relid && *map_natts == desc->natts)
		return;
	for (int c = 0; c < ncols; c++)
	{
		att[c] = SPI_fnumber(desc, names[c]);
		if (att[c] <= 0 && c >= nrequired)
			att[c] = 0;
		else if (att[c] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of %s is missing", names[c], get_rel_name(relid))));
	}
	*map_relid = relid;
	*map_natts = desc->natts;
}
