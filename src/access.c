/*
 * access.c
 *		Which units a role works on, for row-level security and for the
 *		functions that run as the extension's owner.
 *
 * Vocabulary:
 *	- a role works on a unit when it has the privileges of (is, or inherits
 *	  from) a role that tthc.officer_unit assigns to that unit; it then
 *	  works on every unit below it too (tthc.unit.parent), never on its
 *	  parent or its siblings.
 *	- a role sees every unit when it is a superuser or has the privileges of
 *	  tthc_reader, tthc_auditor or tthc_admin.
 *
 * The question is always asked about a role passed in: tthc.my_units() and
 * tthc.sees_all() ask about current_user, which is the caller in a policy
 * or a view (views run their functions as the caller).  Inside a SECURITY
 * DEFINER function current_user is the function's owner, so the functions
 * that run as the owner (tthc.report and friends) ask about the outer role
 * instead (tthc.check_units: the role set by the login or SET ROLE).  The
 * assignments come from the registry (registry.c), read as the
 * table's owner, so callers need no privilege on tthc.officer_unit.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "access.h"
#include "registry.h"

PG_FUNCTION_INFO_V1(tthc_my_units);
PG_FUNCTION_INFO_V1(tthc_sees_all);
PG_FUNCTION_INFO_V1(tthc_check_units);

/* role_sees_all: whether `role` reads every unit (see the header) */
bool
role_sees_all(Oid role)
{
	static const char *const readers[] = {"tthc_admin", "tthc_auditor", "tthc_reader"};

	if (superuser_arg(role))
		return true;
	for (int i = 0; i < lengthof(readers); i++)
	{
		Oid			r = get_role_oid(readers[i], true);

		if (OidIsValid(r) && has_privs_of_role(role, r))
			return true;
	}
	return false;
}

/* role_units: the units `role` works on (C strings), below its assignments */
List *
role_units(Oid role)
{
	List	   *roots = NIL;
	ListCell   *lc;

	foreach(lc, officer_assignments())
	{
		OfficerAssignment *a = (OfficerAssignment *) lfirst(lc);

		if (has_privs_of_role(role, a->role))
			roots = lappend(roots, pstrdup(a->unit));
	}
	return unit_subtree(roots);
}

static ArrayType *
units_array(List *units)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(list_length(units), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, units)
		d[n++] = CStringGetTextDatum((const char *) lfirst(lc));
	return construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/*
 * tthc_my_units: tthc.my_units(), the units current_user works on.  Policies
 * call it once per query, as an initplan: (SELECT tthc.my_units()).
 */
Datum
tthc_my_units(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(units_array(role_units(GetUserId())));
}

/* tthc_sees_all: tthc.sees_all(), whether current_user reads every unit */
Datum
tthc_sees_all(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(role_sees_all(GetUserId()));
}

/*
 * tthc_check_units: tthc.check_units(units text[]), for functions that run
 * as the owner: raises 42501 unless the outer role sees every unit or works
 * on each of `units`.
 */
Datum
tthc_check_units(PG_FUNCTION_ARGS)
{
	Oid			role = GetOuterUserId();
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *mine;

	if (role_sees_all(role))
		PG_RETURN_VOID();
	mine = role_units(role);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *u = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
		bool		ok = false;
		ListCell   *lc;

		foreach(lc, mine)
			if (u != NULL && strcmp(u, (const char *) lfirst(lc)) == 0)
				ok = true;
		if (!ok)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("role \"%s\" does not work on unit \"%s\"",
							GetUserNameFromId(role, false), u ? u : "(null)"),
					 errdetail("An officer reports on the units tthc.officer_unit assigns to its roles and the units below them."),
					 errhint("Ask for a report of your own unit, or for tthc_reader.")));
	}
	PG_RETURN_VOID();
}
