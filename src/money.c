/*
 * money.c
 *		Fees, payments and receipts as events of the dossier.
 *
 * tthc.pay, tthc.waive, tthc.refund, tthc.issue_receipt and
 * tthc.cancel_receipt (SQL, run as the caller) stage their act with
 * tthc.money_stage and then UPDATE the dossier as the caller, so that row
 * security, the acting officer's unit and the dossier's lock apply as to
 * any other change.  The dossier trigger takes the staged act for that
 * dossier only (money_take) and has tthc.money_apply, run as the table's
 * owner, check it and write the payment or receipt rows with the numbers
 * of the events it logs (money_apply): the act becomes events of the
 * dossier's hash chain, and may move the dossier on (a payment that settles
 * what is due) and set dossier.payment.  A staged act is taken only by an
 * update of that dossier by the role that staged it; the client API clears
 * it after its update, and an act not taken is dropped at the end of the
 * (sub)transaction.
 *
 * While tthc.money_apply runs, money_writing is set: the logs' triggers
 * then let tthc.payment and tthc.receipt be written and a series' next
 * number be moved; nothing else can set it.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "kept_plan.h"
#include "money.h"

PG_FUNCTION_INFO_V1(tthc_money_stage);
PG_FUNCTION_INFO_V1(tthc_money_writing);

bool		money_writing = false;

static char *staged_code = NULL;
static char *staged_act = NULL;
static Oid	staged_by = InvalidOid;	/* the role that staged it */
static SPIPlanPtr apply_plan = NULL;
static SPIPlanPtr paid_plan = NULL;

static void
money_forget(void)
{
	if (staged_code)
		pfree(staged_code);
	if (staged_act)
		pfree(staged_act);
	staged_code = staged_act = NULL;
}

static void
money_xact_cb(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
	{
		money_forget();
		money_writing = false;
	}
}

static void
money_subxact_cb(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid,
				 void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		money_forget();
		money_writing = false;
	}
}

void
MoneyInit(void)
{
	RegisterXactCallback(money_xact_cb, NULL);
	RegisterSubXactCallback(money_subxact_cb, NULL);
}

/*
 * tthc_money_stage: tthc.money_stage(code text, act jsonb), the act the
 * next UPDATE of dossier `code` in this transaction carries out.
 */
Datum
tthc_money_stage(PG_FUNCTION_ARGS)
{
	money_forget();
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_VOID();
	staged_by = GetUserId();
	staged_code = MemoryContextStrdup(TopMemoryContext, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	staged_act = MemoryContextStrdup(TopMemoryContext,
									 JsonbToCString(NULL, &PG_GETARG_JSONB_P(1)->root, VARSIZE(PG_GETARG_JSONB_P(1))));
	PG_RETURN_VOID();
}

/* tthc_money_writing: tthc.money_writing(), for the triggers written in SQL */
Datum
tthc_money_writing(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(money_writing);
}

/*
 * money_take: the act staged for dossier `code` by the current role, or
 * NULL; taken once (palloc'd in the caller's context).  Another role's
 * update of the dossier, later in the same transaction, does not carry out
 * what this one staged.
 */
char *
money_take(const char *code)
{
	char	   *act;

	if (staged_act == NULL || strcmp(staged_code, code) != 0 || staged_by != GetUserId())
		return NULL;
	act = pstrdup(staged_act);
	money_forget();
	return act;
}

static char *
copy_text(HeapTuple tup, TupleDesc desc, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? NULL : MemoryContextStrdup(cxt, TextDatumGetCString(d));
}

/*
 * money_apply: carry out a staged act on dossier `dossier_id`, as `owner`,
 * its events numbered from first_seq, at event time `at`, by `officer`
 * (tthc.actor or NULL) and the current role.  Errors are the act's own:
 * nothing is written.
 */
void
money_apply(const char *act, int64 dossier_id, int first_seq, TimestampTz at,
			const char *officer, Oid owner, MoneyResult *res)
{
	Oid			types[6] = {TEXTOID, INT8OID, INT4OID, TIMESTAMPTZOID, TEXTOID, TEXTOID};
	Datum		args[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	Oid			save_userid;
	int			save_sec;
	MemoryContext cxt = CurrentMemoryContext;

	memset(res, 0, sizeof(*res));
	args[0] = CStringGetTextDatum(act);
	args[1] = Int64GetDatum(dossier_id);
	args[2] = Int32GetDatum(first_seq);
	args[3] = TimestampTzGetDatum(at);
	args[4] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	if (officer)
		args[5] = CStringGetTextDatum(officer);
	else
		nulls[5] = 'n';

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	money_writing = true;
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_plan(kept_plan(&apply_plan,
									   "SELECT kind, note, unit, move_to, set_payment, payment"
									   " FROM tthc.money_apply($1::pg_catalog.jsonb, $2, $3, $4, $5, $6)",
									   6, types), args, nulls, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not run tthc.money_apply");
		if (SPI_processed > MONEY_MAX_EVENTS)
			elog(ERROR, "tthc.money_apply logged " UINT64_FORMAT " events, at most %d expected",
				 SPI_processed, MONEY_MAX_EVENTS);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;

			res->ev[i].kind = copy_text(tup, desc, 1, cxt);
			res->ev[i].note = copy_text(tup, desc, 2, cxt);
			res->ev[i].unit = copy_text(tup, desc, 3, cxt);
			res->move_to = copy_text(tup, desc, 4, cxt);
			res->set_payment = DatumGetBool(SPI_getbinval(tup, desc, 5, &isnull)) && !isnull;
			res->payment = copy_text(tup, desc, 6, cxt);
			res->nev++;
		}
		SPI_finish();
	}
	PG_CATCH();
	{
		money_writing = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	money_writing = false;
	SetUserIdAndSecContext(save_userid, save_sec);
	if (res->nev == 0)
		elog(ERROR, "tthc.money_apply logged no event");
}

/*
 * money_dossier_paid: whether the dossier has payments (dossier.payment is
 * theirs then).  The query runs as the owner but is parsed with the
 * caller's search_path: its operator is qualified, as in the rest of tthc.
 */
bool
money_dossier_paid(int64 dossier_id, Oid owner)
{
	Oid			types[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(dossier_id)};
	Oid			save_userid;
	int			save_sec;
	bool		paid;
	Oid			nsp = get_namespace_oid("tthc", true);

	/* a schema older than 0.10.0 has no payments */
	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("payment", nsp)))
		return false;
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_plan(kept_plan(&paid_plan,
								   "SELECT 1 FROM tthc.payment WHERE dossier_id OPERATOR(pg_catalog.=) $1 LIMIT 1",
								   1, types), args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.payment");
	paid = SPI_processed > 0;
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
	return paid;
}
