/*
 * transitions.c
 *		Which status moves a dossier may make.
 *
 * The national status codes (domain.md §3) are the labels of the enum
 * tthc.dossier_status, in code order.  The allowed moves are rows of
 * tthc.status_transition, data a province may change: a row of its own
 * (shipped = false) overrides a shipped row for the same pair, and
 * allowed = false forbids a move.  The table is compiled, once per backend,
 * into a matrix indexed by the enum's sort order; a statement trigger on
 * the table sends a relcache invalidation for it, the callback marks the
 * matrix stale, and the next check rebuilds it (as calendar.c does).
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "transitions.h"
#include "ext_read.h"
#include "relcache_flag.h"

PG_FUNCTION_INFO_V1(tthc_transition_allowed);
PG_FUNCTION_INFO_V1(tthc_check_transition);
PG_FUNCTION_INFO_V1(tthc_allowed_targets);

#define MAX_STATUSES 32

typedef struct TransitionMatrix
{
	Oid			typoid;			/* tthc.dossier_status */
	int			n;
	Oid			label[MAX_STATUSES];	/* enum value OIDs in sort order */
	char		name[MAX_STATUSES][NAMEDATALEN];
	bool		allowed[MAX_STATUSES][MAX_STATUSES];
} TransitionMatrix;

static TransitionMatrix matrix;
static RelcacheFlag matrix_flag;	/* relids[0]: tthc.status_transition */

void
TransitionsInit(void)
{
	relcache_flag_register(&matrix_flag);
}

static void
matrix_build(void)
{
	ExtRead		rd;
	bool		isnull;
	TransitionMatrix m;
	uint64		invals_at_start = matrix_flag.invals;

	memset(&m, 0, sizeof(m));
	ext_read_begin(&rd);
	matrix_flag.relids[0] = get_relname_relid("status_transition",
										 get_namespace_oid("tthc", false));

	if (SPI_execute("SELECT e.enumtypid, e.oid, e.enumlabel::text FROM pg_enum e"
					" WHERE e.enumtypid = 'tthc.dossier_status'::regtype"
					" ORDER BY e.enumsortorder", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.dossier_status");
	if (SPI_processed > MAX_STATUSES)
		elog(ERROR, "tthc.dossier_status has more than %d labels", MAX_STATUSES);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;

		m.typoid = DatumGetObjectId(SPI_getbinval(t, d, 1, &isnull));
		m.label[r] = DatumGetObjectId(SPI_getbinval(t, d, 2, &isnull));
		strlcpy(m.name[r], TextDatumGetCString(SPI_getbinval(t, d, 3, &isnull)), NAMEDATALEN);
	}
	m.n = (int) SPI_processed;

	/* a user's row for a pair overrides the shipped one */
	if (SPI_execute("SELECT DISTINCT ON (from_status, to_status) from_status, to_status, allowed"
					" FROM tthc.status_transition ORDER BY from_status, to_status, shipped",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.status_transition");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		Oid			from = DatumGetObjectId(SPI_getbinval(t, d, 1, &isnull));
		Oid			to = DatumGetObjectId(SPI_getbinval(t, d, 2, &isnull));
		bool		ok = DatumGetBool(SPI_getbinval(t, d, 3, &isnull));
		int			i = -1,
					j = -1;

		for (int k = 0; k < m.n; k++)
		{
			if (m.label[k] == from)
				i = k;
			if (m.label[k] == to)
				j = k;
		}
		if (i >= 0 && j >= 0)
			m.allowed[i][j] = ok;
	}
	ext_read_end(&rd);

	/* an invalidation that arrived while reading means: read again next time */
	matrix = m;
	matrix_flag.valid = (matrix_flag.invals == invals_at_start);
}

static int
status_index(Oid status)
{
	for (int k = 0; k < matrix.n; k++)
		if (matrix.label[k] == status)
			return k;
	elog(ERROR, "unknown dossier status %u", status);
	return -1;					/* keep compiler quiet */
}

bool
transition_allowed(Oid from, Oid to)
{
	if (!matrix_flag.valid)
		matrix_build();
	return matrix.allowed[status_index(from)][status_index(to)];
}

void
transition_check(Oid from, Oid to, const char *dossier_code)
{
	int			i,
				j;
	StringInfoData targets;

	if (transition_allowed(from, to))
		return;
	i = status_index(from);
	j = status_index(to);
	initStringInfo(&targets);
	for (int k = 0; k < matrix.n; k++)
		if (matrix.allowed[i][k])
			appendStringInfo(&targets, "%s%s", targets.len ? ", " : "", matrix.name[k]);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 dossier_code ?
			 errmsg("dossier %s cannot move from %s to %s", dossier_code,
					matrix.name[i], matrix.name[j]) :
			 errmsg("a dossier cannot move from %s to %s", matrix.name[i], matrix.name[j]),
			 errdetail("The current status is %s; allowed next statuses: %s.", matrix.name[i],
					   targets.len ? targets.data : "none (it is final)"),
			 errhint("Allowed moves are the rows of tthc.status_transition."),
			 dossier_code ? err_generic_string(PG_DIAG_SCHEMA_NAME, "tthc") : 0,
			 dossier_code ? err_generic_string(PG_DIAG_TABLE_NAME, "dossier") : 0,
			 dossier_code ? err_generic_string(PG_DIAG_COLUMN_NAME, "status") : 0));
}

static const char *const status_labels[] = {
	NULL, "submitted", "received", "refused", "processing", "awaiting_supplement",
	"awaiting_payment", "withdrawn", "stopped", "resolved", "returned"
};

static DossierStatus code_of[MAX_STATUSES];	/* by matrix index */

static void
codes_ensure(void)
{
	if (!matrix_flag.valid)
		matrix_build();
	for (int k = 0; k < matrix.n; k++)
	{
		code_of[k] = 0;
		for (int c = ST_SUBMITTED; c <= ST_RETURNED; c++)
			if (strcmp(matrix.name[k], status_labels[c]) == 0)
				code_of[k] = c;
	}
}

DossierStatus
status_code(Oid status)
{
	int			k;

	if (!matrix_flag.valid || code_of[0] == 0)
		codes_ensure();
	k = status_index(status);
	if (code_of[k] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dossier status \"%s\" has no national code", matrix.name[k])));
	return code_of[k];
}

Oid
status_oid(DossierStatus code)
{
	if (!matrix_flag.valid || code_of[0] == 0)
		codes_ensure();
	for (int k = 0; k < matrix.n; k++)
		if (code_of[k] == code)
			return matrix.label[k];
	elog(ERROR, "dossier status code %d is missing from tthc.dossier_status", (int) code);
	return InvalidOid;			/* keep compiler quiet */
}

/* ---------- SQL-callable ---------- */


Datum
tthc_transition_allowed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(transition_allowed(PG_GETARG_OID(0), PG_GETARG_OID(1)));
}

Datum
tthc_check_transition(PG_FUNCTION_ARGS)
{
	transition_check(PG_GETARG_OID(0), PG_GETARG_OID(1), NULL);
	PG_RETURN_VOID();
}

Datum
tthc_allowed_targets(PG_FUNCTION_ARGS)
{
	Datum		out[MAX_STATUSES];
	int			n = 0;
	int			i;

	if (!matrix_flag.valid)
		matrix_build();
	i = status_index(PG_GETARG_OID(0));
	for (int k = 0; k < matrix.n; k++)
		if (matrix.allowed[i][k])
			out[n++] = ObjectIdGetDatum(matrix.label[k]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, matrix.typoid, sizeof(Oid), true, TYPALIGN_INT));
}
