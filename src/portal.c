/*
 * portal.c
 *		The national portal (DVCQG): what of its sync runs in C.
 *
 * The outbox is the set of dossiers whose events the portal has not yet
 * acknowledged, dossier.event_seq > dossier.portal_seq, served by a partial
 * index.  tthc.portal_mark(id, seq), called by tthc.portal_ack as the
 * owner, moves portal_seq forward with portal_marking set: the dossier
 * trigger then lets an update that changes nothing but portal_seq through,
 * with no event.  Nothing else can set the flag, and clients may not write
 * portal_seq (428C9).
 *
 * The applicant's ID rule (the shape of the number by the applicant's
 * type) is one function, tthc.applicant_id_issue for tthc.data_issues, and
 * an error at INSERT and UPDATE when tthc.strict_applicant_id is on.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "errfields.h"
#include "portal.h"
#include "registry.h"

PG_FUNCTION_INFO_V1(tthc_portal_mark);
PG_FUNCTION_INFO_V1(tthc_applicant_id_issue);

bool		portal_marking = false;
static bool strict_applicant_id = false;

static void
portal_xact_cb(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		portal_marking = false;
}

void
PortalInit(void)
{
	DefineCustomBoolVariable("tthc.strict_applicant_id",
							 "Refuses a dossier whose applicant ID does not have the shape of its applicant type.",
							 "Off: tthc.data_issues reports it and the portal's outbox holds the dossier.",
							 &strict_applicant_id, false, PGC_SUSET, 0, NULL, NULL, NULL);
	RegisterXactCallback(portal_xact_cb, NULL);
}

static bool
all_digits(const char *s, int len)
{
	if ((int) strlen(s) != len)
		return false;
	for (int i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* a tax code: 10 digits, 13 digits, or 10 digits, a dash and 3 (a branch) */
static bool
tax_code(const char *s)
{
	size_t		n = strlen(s);

	if (n == 10 || n == 13)
		return all_digits(s, n);
	if (n == 14 && s[10] == '-')
	{
		char		head[11];

		memcpy(head, s, 10);
		head[10] = '\0';
		return all_digits(head, 10) && all_digits(s + 11, 3);
	}
	return false;
}

/* a citizen ID (căn cước, 12 digits): the first three are a province (001-096) */
static bool
citizen_id(const char *s)
{
	int			province;

	if (!all_digits(s, 12))
		return false;
	province = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return province >= 1 && province <= 96;
}

/*
 * applicant_id_problem: what is wrong with an applicant's ID, or NULL.
 * type is dossier.applicant_type (1 citizen, 2 enterprise, 3 state agency,
 * 4 other, 0 unknown), id_type the citizen's kind of ID (1 the 12-digit
 * citizen ID, 2 the 9-digit old ID, 0 unknown).  An unknown type takes
 * whatever shape the number has.
 */
const char *
applicant_id_problem(int type, int id_type, const char *id)
{
	if (id == NULL || id[0] == '\0')
		return "the applicant's ID number is missing";
	switch (type)
	{
		case 1:
			if (id_type == 1)
				return citizen_id(id) ? NULL :
					"a citizen ID (LoaiDinhDanh 1) has 12 digits, the first three a province code 001-096";
			if (id_type == 2)
				return all_digits(id, 9) ? NULL : "an old ID card number (LoaiDinhDanh 2) has 9 digits";
			return citizen_id(id) || all_digits(id, 9) ? NULL :
				"a citizen's ID has 12 digits (citizen ID) or 9 (old ID card)";
		case 2:
		case 3:
			return tax_code(id) ? NULL :
				"an enterprise's or agency's ID is its tax code: 10 or 13 digits (or 10-3)";
		case 4:
			return strlen(id) <= 50 ? NULL : "an ID number has at most 50 characters";
		default:
			return citizen_id(id) || all_digits(id, 9) || tax_code(id) ? NULL :
				"the ID is neither a citizen ID (12 digits), an old ID card (9) nor a tax code (10 or 13)";
	}
}

static int
small_or_zero(Row *r, Col c)
{
	return r->att[c] == 0 || RN(r, c) ? 0 : DatumGetInt16(RV(r, c));
}

/*
 * applicant_id_enforce: with tthc.strict_applicant_id on, a new dossier, or
 * a change of its applicant's ID or type (the caller decides), must pass
 * the ID rule (22023).
 */
void
applicant_id_enforce(Row *r)
{
	const char *problem;
	const char *id;

	if (!strict_applicant_id || r->att[C_APPL_ID] == 0)
		return;
	id = RN(r, C_APPL_ID) ? NULL : TextDatumGetCString(RV(r, C_APPL_ID));
	problem = applicant_id_problem(small_or_zero(r, C_APPL_TYPE), small_or_zero(r, C_APPL_ID_TYPE), id);
	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("applicant ID \"%s\" does not have the shape of its applicant type", id ? id : ""),
				 errdetail("%c%s.", pg_toupper((unsigned char) problem[0]), problem + 1),
				 errhint("tthc.strict_applicant_id is on; tthc.data_issues() lists the dossiers it would refuse."),
				 errtable_of_dossier(), errcolumn_of_dossier("applicant_id")));
}

/*
 * portal_code_check: a new dossier's portal_code (the portal's MaHoSo) must
 * not be a code of this node's own shape, {unit}-{yyMMdd}-{NNNN} with a unit
 * of this node: the outbox sends a dossier without one under its own code,
 * so such a portal_code could pass for another dossier, or take the code
 * a unit's next reception will be given (22023).
 */
void
portal_code_check(Row *r)
{
	const char *pc;
	size_t		n;
	size_t		digits = 0;
	char	   *unit;

	if (r->att[C_PORTAL_CODE] == 0 || RN(r, C_PORTAL_CODE))
		return;
	pc = TextDatumGetCString(RV(r, C_PORTAL_CODE));
	n = strlen(pc);
	/* the counter: 4 or 5 digits after the last dash */
	while (digits < n && pc[n - 1 - digits] >= '0' && pc[n - 1 - digits] <= '9')
		digits++;
	if (digits < 4 || digits > 5 || n < digits + 9 || pc[n - 1 - digits] != '-')
		return;
	/* the day: 6 digits between two dashes */
	for (size_t i = n - digits - 7; i < n - digits - 1; i++)
		if (pc[i] < '0' || pc[i] > '9')
			return;
	if (pc[n - digits - 8] != '-')
		return;
	unit = pnstrdup(pc, n - digits - 8);
	if (unit_lookup(unit) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("portal_code \"%s\" has the shape of a dossier code of unit %s", pc, unit),
				 errdetail("A dossier without a portal_code goes to the portal under its own code; a portal code of this province's own shape could pass for another dossier."),
				 errtable_of_dossier(), errcolumn_of_dossier("portal_code")));
}

/*
 * tthc_applicant_id_issue: tthc.applicant_id_issue(applicant_type,
 * applicant_id_type, applicant_id), the rule's verdict or NULL.
 */
Datum
tthc_applicant_id_issue(PG_FUNCTION_ARGS)
{
	const char *problem;

	problem = applicant_id_problem(PG_ARGISNULL(0) ? 0 : PG_GETARG_INT16(0),
								   PG_ARGISNULL(1) ? 0 : PG_GETARG_INT16(1),
								   PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)));
	if (problem == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(problem));
}

/*
 * tthc_portal_mark: tthc.portal_mark(dossier_id, seq): the portal has the
 * dossier's events up to seq.  Moves portal_seq forward (never back, never
 * past event_seq); returns the number of rows changed (0 or 1).
 */
Datum
tthc_portal_mark(PG_FUNCTION_ARGS)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		values[2];
	int			changed;

	values[0] = PG_GETARG_DATUM(0);
	values[1] = PG_GETARG_DATUM(1);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	portal_marking = true;
	PG_TRY();
	{
		if (SPI_execute_with_args("UPDATE tthc.dossier SET portal_seq = $2"
								  " WHERE id OPERATOR(pg_catalog.=) $1"
								  " AND portal_seq OPERATOR(pg_catalog.<) $2"
								  " AND event_seq OPERATOR(pg_catalog.>=) $2",
								  2, types, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "tthc.portal_mark: update failed");
		changed = (int) SPI_processed;
	}
	PG_FINALLY();
	{
		portal_marking = false;
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_INT32(changed);
}
