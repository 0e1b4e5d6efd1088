/*
 * table_triggers.c
 *		The generic triggers on tthc's tables, and what counts as a restore.
 *
 *	- table_changed: a statement trigger on a small catalogue table; every
 *	  backend drops what it compiled from the table at its next statement
 *	  (a relcache invalidation; each cache's callback marks itself stale).
 *	- protect_shipped: the rows CREATE EXTENSION installs cannot be changed
 *	  or removed (they come back with the extension and pg_dump leaves them
 *	  out); a row of the user's with the same key overrides them instead.
 *	- append_only: a log only tthc writes (the event log, apologies,
 *	  ratings) refuses every write, and dossiers refuse DELETE; a restore
 *	  may load rows.
 *	- a restore is a top-level COPY ... FROM naming the table itself, run by
 *	  its owner (or a superuser): how pg_dump's output and pg_restore load
 *	  data.  Nothing else is, so a COPY (SELECT f()) TO whose function
 *	  writes a table, or a COPY of another table whose trigger writes it, is
 *	  checked like any write.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "replication/logicalworker.h"
#include "tcop/pquery.h"
#include "utils/inval.h"
#include "utils/rel.h"

#include "compat.h"
#include "national.h"
#include "money.h"
#include "table_triggers.h"

PG_FUNCTION_INFO_V1(tthc_table_changed);
PG_FUNCTION_INFO_V1(tthc_protect_shipped);
PG_FUNCTION_INFO_V1(tthc_append_only);
PG_FUNCTION_INFO_V1(tthc_restoring);

/*
 * restoring: whether this write is part of a COPY FROM into `rel` itself,
 * run by the table's owner (or a superuser): how pg_dump's output and
 * pg_restore load data.  Such rows were checked when they were first
 * written; they are loaded as they are, with their events, numbers and
 * flags.  Only the top-level statement counts, and only a COPY FROM naming
 * this table: a COPY (SELECT f()) TO, or a COPY of another table whose
 * trigger writes this one, is checked like any write.  Anyone else's COPY
 * is checked like an INSERT.
 */
static bool
restoring_as(Relation rel, Oid role)
{
	PlannedStmt *ps;
	CopyStmt   *cs;
	Oid			target;

	if (ActivePortal == NULL || ActivePortal->commandTag != CMDTAG_COPY ||
		list_length(ActivePortal->stmts) != 1)
		return false;
	ps = linitial_node(PlannedStmt, ActivePortal->stmts);
	if (ps->utilityStmt == NULL || !IsA(ps->utilityStmt, CopyStmt))
		return false;
	cs = (CopyStmt *) ps->utilityStmt;
	if (!cs->is_from || cs->relation == NULL || cs->query != NULL)
		return false;
	target = RangeVarGetRelid(cs->relation, NoLock, true);
	return target == RelationGetRelid(rel) &&
		rel_ownercheck(RelationGetRelid(rel), role);
}

bool
restoring(Relation rel)
{
	return restoring_as(rel, GetUserId());
}

/*
 * tthc_restoring: tthc.restoring(regclass), for the triggers written in
 * SQL (the ratings' sums): whether the statement is a restore of that
 * table by its owner, asked of the outer role since those triggers run as
 * the extension's owner.
 */
Datum
tthc_restoring(PG_FUNCTION_ARGS)
{
	Relation	rel = table_open(PG_GETARG_OID(0), AccessShareLock);
	bool		r = restoring_as(rel, GetOuterUserId());

	table_close(rel, AccessShareLock);
	PG_RETURN_BOOL(r);
}

/*
 * tthc_table_changed: statement trigger on a small catalogue table: every
 * backend drops what it compiled from the table at its next statement.
 */
Datum
tthc_table_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_table_changed: not called by trigger manager");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/*
 * tthc_protect_shipped: the rows CREATE EXTENSION installs are restored by
 * CREATE EXTENSION, and pg_dump leaves them out; a change to them would be
 * lost silently by a dump and restore.  They are read-only, except to the
 * extension's own scripts; a row of the user's for the same date or weekday
 * overrides a shipped one instead.
 */
Datum
tthc_protect_shipped(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *table;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_protect_shipped: not called by trigger manager");
	table = RelationGetRelationName(trigdata->tg_relation);
	if (creating_extension)
		return TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event) ? PointerGetDatum(NULL) :
			PointerGetDatum(TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ?
							trigdata->tg_trigtuple : trigdata->tg_newtuple);

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot truncate tthc.%s", table),
				 errdetail("It holds rows shipped with the extension."),
				 errhint("DELETE your own rows instead: DELETE FROM tthc.%s WHERE NOT shipped.", table)));
	else
	{
		TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
		int			col = SPI_fnumber(desc, "shipped");
		bool		isnull;

		if (col <= 0)
			elog(ERROR, "tthc.%s has no column \"shipped\"", table);
		if (DatumGetBool(heap_getattr(trigdata->tg_trigtuple, col, desc, &isnull)) && !isnull)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot %s a row of tthc.%s shipped with the extension",
							TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ? "delete" : "update",
							table),
					 errdetail("Shipped rows come back with CREATE EXTENSION and are left out of pg_dump, so the change would be lost."),
					 strcmp(table, "calendar") == 0 ?
					 errhint("Change the settings in a calendar of yours whose parent is this one.") :
					 errhint("Insert your own row with the same key: it overrides the shipped one.")));
		return PointerGetDatum(TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ?
							   trigdata->tg_trigtuple : trigdata->tg_newtuple);
	}
	return PointerGetDatum(NULL);
}

/*
 * tthc_append_only: statement trigger on a log only tthc writes to.
 */
Datum
tthc_append_only(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	const char *op;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_append_only: not called by trigger manager");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event) && restoring(td->tg_relation))
		return PointerGetDatum(NULL);
	/*
	 * On the national hub: a replication worker copies a province's log in
	 * (its initial COPY fires statement triggers), and detach_province
	 * removes a province's rows.  Nothing else, from replication or not.
	 */
	if ((TRIGGER_FIRED_BY_INSERT(td->tg_event) && IsLogicalWorker()) || national_maintenance())
		return PointerGetDatum(NULL);
	/* tthc.money_apply writing a payment or a receipt (money.c) */
	if (money_writing && !TRIGGER_FIRED_BY_DELETE(td->tg_event) &&
		!TRIGGER_FIRED_BY_TRUNCATE(td->tg_event) &&
		(strcmp(RelationGetRelationName(td->tg_relation), "payment") == 0 ||
		 strcmp(RelationGetRelationName(td->tg_relation), "receipt") == 0))
		return PointerGetDatum(NULL);
	if (strcmp(RelationGetRelationName(td->tg_relation), "dossier") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("DELETE on dossier is not allowed"),
				 errdetail("A dossier is a record of its centre; its events and the reports count it."),
				 errhint("Move it to withdrawn, refused or stopped with tthc.transition() instead."), errtable(td->tg_relation)));
	op = TRIGGER_FIRED_BY_INSERT(td->tg_event) ? "INSERT" :
		TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? "UPDATE" :
		TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "DELETE" : "TRUNCATE";
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s on %s is not allowed", op, RelationGetRelationName(td->tg_relation)),
			 strcmp(RelationGetRelationName(td->tg_relation), "scorecard_month") == 0 ?
			 errdetail("scorecard_month is append-only: a published card never changes (tthc.scorecard_diff shows what a recount would).") :
			 strcmp(RelationGetRelationName(td->tg_relation), "payment") == 0 ||
			 strcmp(RelationGetRelationName(td->tg_relation), "receipt") == 0 ?
			 errdetail("%s is written only by tthc.pay(), tthc.waive(), tthc.refund(), tthc.issue_receipt() and tthc.cancel_receipt(): a payment is refunded by a new row, a receipt is cancelled or replaced, never deleted.",
					   RelationGetRelationName(td->tg_relation)) :
			 errdetail("%s is append-only: tthc writes it as dossiers change.",
					   RelationGetRelationName(td->tg_relation)),
			 TRIGGER_FIRED_BY_INSERT(td->tg_event) ?
			 errhint("Only its owner's COPY FROM, as in a restore, may load rows.") : 0, errtable(td->tg_relation)));
	return PointerGetDatum(NULL);
}
