/*
 * national.c
 *		A country on PostgreSQL's logical replication: each province node
 *		publishes (tthc.create_publication, SQL), the national hub subscribes.
 *
 * tthc.attach_province(conninfo) runs on the hub.  CREATE SUBSCRIPTION
 * that creates its replication slot cannot run inside a transaction block,
 * and a function always runs inside one.  So the slot is made the way
 * CREATE SUBSCRIPTION would make it, but over a libpq connection of our own
 * to the province (pg_create_logical_replication_slot there, in the
 * province's own transaction), and the subscription is then created with
 * create_slot = false, which may run in a transaction: the attach is one
 * ordinary, atomic statement.  Should the hub's transaction abort after the
 * slot was made, a transaction callback drops the slot again, so no slot is
 * left holding the province's WAL for a subscription that does not exist.
 * tthc.detach_province drops the subscription (detached from its slot
 * first, as DROP SUBSCRIPTION with a slot cannot run in a transaction
 * either) and drops the slot on the province after the hub commits.
 *
 * On the hub, rows are applied by replication workers.  tthc_mirror_province
 * (the default of every province column there) names the province whose
 * subscription applies the row; tthc_hub_mirror (a row trigger, enabled
 * always) refuses every write that does not come from such a worker, and a
 * worker's change of a row of another province or of the append-only log.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xlog.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "libpq-fe.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/wait_event.h"
#include "replication/logicalworker.h"
#include "replication/worker_internal.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "national.h"

PG_FUNCTION_INFO_V1(tthc_mirror_province);
PG_FUNCTION_INFO_V1(tthc_hub_mirror);
PG_FUNCTION_INFO_V1(tthc_attach_province);
PG_FUNCTION_INFO_V1(tthc_detach_province);

#define SUBSCRIPTION_PREFIX "tthc_"

/* set while detach_province removes a province's rows from the hub */
static bool hub_maintenance = false;

/* slots to drop on the province at the end of the transaction */
typedef struct PendingSlot
{
	char	   *conninfo;
	char	   *slot;
	bool		on_commit;		/* detach: after commit; attach: after abort */
	SubTransactionId subid;		/* the subtransaction that made it */
	struct PendingSlot *next;
} PendingSlot;

static PendingSlot *pending_slots = NULL;
static bool callback_registered = false;

/*
 * The connection to a province while a call uses it, and the subtransaction
 * that opened it: closed if that subtransaction (or the transaction) aborts,
 * not when one nested in it does (an event trigger's own error handling
 * inside hub_init's DDL, say).
 */
static PGconn *open_conn = NULL;
static SubTransactionId open_conn_subid = InvalidSubTransactionId;

static void
province_finish(PGconn *conn)
{
	if (conn == open_conn)
		open_conn = NULL;
	/* a query interrupted on our side must not go on at the province */
	if (PQtransactionStatus(conn) == PQTRANS_ACTIVE)
	{
		PGcancel   *cancel = PQgetCancel(conn);
		char		errbuf[256];

		if (cancel != NULL)
		{
			(void) PQcancel(cancel, errbuf, sizeof(errbuf));
			PQfreeCancel(cancel);
		}
	}
	PQfinish(conn);
}

bool
national_maintenance(void)
{
	return hub_maintenance;
}

/* the province a replication worker applies for, or NULL */
static const char *
applying_province(void)
{
	static Oid	cached_sub = InvalidOid;
	static char cached_code[NAMEDATALEN];

	if (!IsLogicalWorker() || MySubscription == NULL)
		return NULL;
	if (MySubscription->oid != cached_sub)
	{
		const char *name = MySubscription->name;

		if (strncmp(name, SUBSCRIPTION_PREFIX, strlen(SUBSCRIPTION_PREFIX)) != 0 ||
			name[strlen(SUBSCRIPTION_PREFIX)] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("subscription \"%s\" writes tthc's tables but is not a province of this hub", name),
					 errhint("Attach provinces with tthc.attach_province(), which names their subscriptions.")));
		strlcpy(cached_code, name + strlen(SUBSCRIPTION_PREFIX), sizeof(cached_code));
		cached_sub = MySubscription->oid;
	}
	return cached_code;
}

Datum
tthc_mirror_province(PG_FUNCTION_ARGS)
{
	const char *code = applying_province();

	if (code == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(code));
}

static bool
is_log_table(const char *name)
{
	return strcmp(name, "dossier_event") == 0 || strcmp(name, "apology") == 0 ||
		strcmp(name, "rating") == 0;
}

/* a text column of a row by name; NULL when NULL or when there is no such column */
static char *
row_text(HeapTuple tup, TupleDesc desc, const char *col)
{
	int			c = SPI_fnumber(desc, col);
	bool		isnull;
	Datum		d;

	if (c <= 0)
		return NULL;
	d = heap_getattr(tup, c, desc, &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * unit_owner: the province a unit of the hub is mirrored from ("" for the
 * hub's own), or NULL when the hub has no such unit (yet: a province's
 * tables are copied in parallel, so its dossiers may arrive before its units).
 */
static char *
unit_owner(const char *unit)
{
	static SPIPlanPtr plan = NULL;
	Datum		arg = CStringGetTextDatum(unit);
	char	   *owner = NULL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (plan == NULL)
	{
		Oid			argtype = TEXTOID;
		SPIPlanPtr	p = SPI_prepare("SELECT coalesce(province, '') FROM tthc.unit WHERE code = $1", 1, &argtype);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "could not prepare the unit lookup of the hub");
		plan = p;
	}
	if (SPI_execute_plan(plan, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.unit");
	if (SPI_processed > 0)
	{
		bool		isnull;

		owner = MemoryContextStrdup(CurTransactionContext,
									TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0],
																	  SPI_tuptable->tupdesc, 1, &isnull)));
	}
	SPI_finish();
	return owner;
}

/* refuse a row of the applying province that names another province's unit */
static void
check_unit(Relation rel, const char *province, const char *col, const char *unit)
{
	char	   *owner;

	if (unit == NULL)
		return;
	owner = unit_owner(unit);
	if (owner != NULL && strcmp(owner, province) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("province %s sent a row of tthc.%s whose %s is unit %s of %s",
						province, RelationGetRelationName(rel), col, unit,
						owner[0] ? psprintf("province %s", owner) : "the hub"),
				 errdetail("Every province writes only its own units' rows on the hub."),
				 errtable(rel)));
}

/* the checks of a row a province's replication writes or changes */
static void
check_province_row(Relation rel, const char *province, HeapTuple tup, bool is_new)
{
	TupleDesc	desc = RelationGetDescr(rel);
	const char *table = RelationGetRelationName(rel);
	char	   *owner;

	if (SPI_fnumber(desc, "province") > 0)
	{
		owner = row_text(tup, desc, "province");
		if (owner == NULL || strcmp(owner, province) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("province %s may not %s a row of tthc.%s %s %s",
							province, is_new ? "write" : "change", table,
							is_new ? "as" : "mirrored from", owner ? owner : "the hub's own"),
					 errdetail("Every province changes only its own rows on the hub."),
					 errtable(rel)));
	}
	if (strcmp(table, "unit") == 0 && is_new)
	{
		char	   *parent = row_text(tup, desc, "parent");
		char	   *code = row_text(tup, desc, "code");

		/* one root per province: the province's own unit */
		if (parent == NULL && (code == NULL || strcmp(code, province) != 0))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("province %s sent unit %s without a parent", province, code ? code : "(null)"),
					 errdetail("On the hub a province has one root unit, its own (%s).", province),
					 errtable(rel)));
		check_unit(rel, province, "parent", parent);
	}
	else if (strcmp(table, "dossier") == 0 && is_new)
	{
		char	   *code = row_text(tup, desc, "code");
		char	   *receiving = row_text(tup, desc, "receiving_unit");

		check_unit(rel, province, "receiving_unit", receiving);
		check_unit(rel, province, "handling_unit", row_text(tup, desc, "handling_unit"));
		/* the code is {receiving unit}-{day}-{counter}: nobody takes another's */
		if (code == NULL || receiving == NULL || strncmp(code, receiving, strlen(receiving)) != 0 ||
			code[strlen(receiving)] != '-')
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("province %s sent dossier %s, whose code is not of its receiving unit %s",
							province, code ? code : "(null)", receiving ? receiving : "(null)"),
					 errtable(rel)));
	}
	else if (strncmp(table, "report_", 7) == 0)
		check_unit(rel, province, "unit", row_text(tup, desc, "unit"));
	else if (strcmp(table, "unit_succession") == 0)
	{
		/* a province says who took over its own units, not another's */
		check_unit(rel, province, "old_unit", row_text(tup, desc, "old_unit"));
		check_unit(rel, province, "new_unit", row_text(tup, desc, "new_unit"));
	}
}

Datum
tthc_hub_mirror(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	const char *table;
	const char *op;
	const char *province;
	HeapTuple	result;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_hub_mirror: not called by trigger manager");
	rel = td->tg_relation;
	table = RelationGetRelationName(rel);
	result = !TRIGGER_FIRED_FOR_ROW(td->tg_event) ? NULL :
		TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	if (hub_maintenance)
		return PointerGetDatum(result);
	op = TRIGGER_FIRED_BY_INSERT(td->tg_event) ? "INSERT" :
		TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? "UPDATE" :
		TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "DELETE" : "TRUNCATE";
	province = applying_province();
	if (province == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s on tthc.%s is not allowed on the national hub", op, table),
				 errdetail("The hub is a read-only mirror of the provinces: its rows arrive by logical replication."),
				 errhint("Write at the province's own node."),
				 errtable(rel)));
	/* a worker's statement: its initial COPY of a table */
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) && !TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
		return PointerGetDatum(NULL);
	if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event) ||
		(!TRIGGER_FIRED_BY_INSERT(td->tg_event) &&
		 (is_log_table(table) || (strcmp(table, "dossier") == 0 && TRIGGER_FIRED_BY_DELETE(td->tg_event)))))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("province %s sent %s of tthc.%s, which no node allows", province, op, table),
				 errdetail("The event log, the apologies, the ratings and the dossiers are never changed back or removed; the hub keeps its copy."),
				 errhint("Find out who changed the province's log; then detach and re-attach the province."),
				 errtable(rel)));
	/* the old row must be the province's own, and so must the new one */
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		check_province_row(rel, province, td->tg_trigtuple, false);
	if (!TRIGGER_FIRED_BY_DELETE(td->tg_event))
		check_province_row(rel, province, result, true);
	return PointerGetDatum(result);
}

/* ---------------------------------------------------------------------
 * libpq to the province
 * --------------------------------------------------------------------- */

static PGconn *
province_connect(const char *conninfo, bool missing_ok)
{
	/* a conninfo's own connect_timeout wins over this one */
	const char *keys[] = {"connect_timeout", "dbname", "fallback_application_name", NULL};
	const char *vals[] = {"10", conninfo, "tthc hub", NULL};
	PGconn	   *conn = PQconnectdbParams(keys, vals, true);

	if (PQstatus(conn) != CONNECTION_OK)
	{
		char	   *msg = pstrdup(PQerrorMessage(conn));

		PQfinish(conn);
		if (missing_ok)
			return NULL;
		ereport(ERROR,
				(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
				 errmsg("could not connect to the province: %s", pchomp(msg))));
	}
	open_conn = conn;
	open_conn_subid = GetCurrentSubTransactionId();
	return conn;
}

/*
 * province_query: run a query on the province, waiting on the latch and the
 * socket, as postgres_fdw does, so that a cancel, statement_timeout or a
 * terminate of the caller interrupts the wait (the abort then cancels the
 * query at the province and closes the connection).  A failure is an ERROR.
 */
static PGresult *
province_query(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = NULL;
	PGresult   *r;

	if (!PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0))
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not send a query to the province: %s", pchomp(PQerrorMessage(conn)))));
	for (;;)
	{
		while (PQisBusy(conn))
		{
			int			rc = WaitLatchOrSocket(MyLatch,
											   WL_LATCH_SET | WL_SOCKET_READABLE | WL_EXIT_ON_PM_DEATH,
											   PQsocket(conn), -1L, PG_WAIT_EXTENSION);

			if (rc & WL_LATCH_SET)
			{
				ResetLatch(MyLatch);
				CHECK_FOR_INTERRUPTS();
			}
			if ((rc & WL_SOCKET_READABLE) && !PQconsumeInput(conn))
				ereport(ERROR,
						(errcode(ERRCODE_CONNECTION_FAILURE),
						 errmsg("lost the connection to the province: %s", pchomp(PQerrorMessage(conn)))));
		}
		r = PQgetResult(conn);
		if (r == NULL)
			break;
		if (res != NULL)
			PQclear(res);
		res = r;
	}

	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		char	   *msg = pstrdup(PQresultErrorMessage(res));

		PQclear(res);
		province_finish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("the province refused a query of tthc.attach_province: %s", pchomp(msg))));
	}
	return res;
}

/*
 * drop_slot_now: drop a slot on the province (ending the walsender that
 * holds it, which a detached subscription's worker may still be), trying
 * for a few seconds.  Never raises: it runs from transaction callbacks.
 */
static void
drop_slot_now(const char *conninfo, const char *slot)
{
	PGconn	   *conn = province_connect(conninfo, true);
	const char *params[1] = {slot};
	bool		done = false;

	if (conn == NULL)
	{
		ereport(WARNING,
				(errmsg("could not reach the province to drop its replication slot \"%s\"", slot),
				 errhint("If the province still runs, drop it there: SELECT pg_drop_replication_slot('%s'); a slot left behind keeps WAL.", slot)));
		return;
	}
	for (int attempt = 0; attempt < 50 && !done; attempt++)
	{
		PGresult   *res;

		res = PQexecParams(conn,
						   "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
						   " WHERE slot_name = $1 AND active_pid IS NOT NULL",
						   1, NULL, params, NULL, NULL, 0);
		PQclear(res);
		res = PQexecParams(conn,
						   "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
						   " WHERE slot_name = $1",
						   1, NULL, params, NULL, NULL, 0);
		done = PQresultStatus(res) == PGRES_TUPLES_OK;
		PQclear(res);
		if (!done)
			pg_usleep(100 * 1000L);
	}
	if (!done)
		ereport(WARNING,
				(errmsg("could not drop the replication slot \"%s\" on the province: %s", slot,
						PQerrorMessage(conn)),
				 errhint("Drop it there: SELECT pg_drop_replication_slot('%s'); a slot left behind keeps WAL.", slot)));
	province_finish(conn);
}

static void
forget_slot(PendingSlot **link)
{
	PendingSlot *p = *link;

	*link = p->next;
	pfree(p->conninfo);
	pfree(p->slot);
	pfree(p);
}

/*
 * A subtransaction that attached and rolls back drops its slot at once; one
 * that detached and rolls back keeps it; one that commits hands its slots
 * to its parent.
 */
static void
national_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						  SubTransactionId parentSubid, void *arg)
{
	PendingSlot **link = &pending_slots;

	if (open_conn != NULL && open_conn_subid == mySubid)
	{
		if (event == SUBXACT_EVENT_ABORT_SUB)
			province_finish(open_conn);
		else if (event == SUBXACT_EVENT_COMMIT_SUB)
			open_conn_subid = parentSubid;
	}

	while (*link != NULL)
	{
		PendingSlot *p = *link;

		if (p->subid != mySubid)
			link = &p->next;
		else if (event == SUBXACT_EVENT_COMMIT_SUB)
		{
			p->subid = parentSubid;
			link = &p->next;
		}
		else if (event == SUBXACT_EVENT_ABORT_SUB)
		{
			/* (slots only: the connection is closed below) */
			if (!p->on_commit)
				drop_slot_now(p->conninfo, p->slot);
			forget_slot(link);
		}
		else
			link = &p->next;
	}
}

static void
national_xact_callback(XactEvent event, void *arg)
{
	PendingSlot *p;
	bool		commit;

	if (event == XACT_EVENT_PRE_PREPARE && pending_slots != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot PREPARE a transaction that attached or detached a province"),
				 errdetail("The province's replication slot is made or dropped when the transaction ends.")));
	if (event == XACT_EVENT_COMMIT)
		commit = true;
	else if (event == XACT_EVENT_ABORT)
		commit = false;
	else
		return;
	if (open_conn != NULL)
		province_finish(open_conn);
	for (p = pending_slots; p != NULL; p = p->next)
		if (p->on_commit == commit)
			drop_slot_now(p->conninfo, p->slot);
	for (p = pending_slots; p != NULL;)
	{
		PendingSlot *next = p->next;

		pfree(p->conninfo);
		pfree(p->slot);
		pfree(p);
		p = next;
	}
	pending_slots = NULL;
	hub_maintenance = false;
}

static void
register_callbacks(void)
{
	if (!callback_registered)
	{
		RegisterXactCallback(national_xact_callback, NULL);
		RegisterSubXactCallback(national_subxact_callback, NULL);
		callback_registered = true;
	}
}

static void
drop_slot_at_end(const char *conninfo, const char *slot, bool on_commit)
{
	PendingSlot *p = MemoryContextAlloc(TopMemoryContext, sizeof(PendingSlot));

	register_callbacks();
	p->subid = GetCurrentSubTransactionId();
	p->conninfo = MemoryContextStrdup(TopMemoryContext, conninfo);
	p->slot = MemoryContextStrdup(TopMemoryContext, slot);
	p->on_commit = on_commit;
	p->next = pending_slots;
	pending_slots = p;
}

/*
 * The slot of a province for this hub: tthc_, its code in lower case, and
 * the hub's own mark (of its cluster's system identifier and its database),
 * so that a second hub following the same province never takes this one's
 * slot.  [a-z0-9_], at most 63 bytes.
 */
static char *
slot_name_for(const char *code)
{
	StringInfoData s;
	uint64		id = GetSystemIdentifier() ^ ((uint64) MyDatabaseId << 32);

	initStringInfo(&s);
	appendStringInfoString(&s, SUBSCRIPTION_PREFIX);
	for (const char *c = code; *c && s.len < 50; c++)
		appendStringInfoChar(&s, (*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' :
							 ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')) ? *c : '_');
	appendStringInfo(&s, "_%08x", (uint32) (id ^ (id >> 32)));
	return s.data;
}

static void
spi_exec(const char *sql, int expected)
{
	int			rc = SPI_execute(sql, false, 0);

	if (rc != expected)
		elog(ERROR, "tthc: \"%s\" failed: %s", sql, SPI_result_code_string(rc));
}

/*
 * tthc_attach_province: see the head of the file.  Returns the province's
 * root unit code.
 */
Datum
tthc_attach_province(PG_FUNCTION_ARGS)
{
	char	   *conninfo = text_to_cstring(PG_GETARG_TEXT_PP(0));
	PGconn	   *conn;
	PGresult   *res;
	char	   *code;
	char	   *version;
	char	   *slot;
	char	   *subname;
	const char *params[2];
	bool		slot_exists;
	StringInfoData sql;
	Datum		args[3];
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only a superuser may attach a province"),
				 errdetail("Attaching creates a subscription.")));

	/* 1. what the province is */
	register_callbacks();
	conn = province_connect(conninfo, false);
	res = province_query(conn,
						 "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'tthc'),"
						 " (SELECT count(*) FROM pg_publication WHERE pubname IN ('tthc', 'tthc_log')),"
						 " current_setting('wal_level')", 0, NULL);
	if (PQgetisnull(res, 0, 0))
	{
		PQclear(res);
		province_finish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the database at this conninfo has no tthc extension")));
	}
	version = pstrdup(PQgetvalue(res, 0, 0));
	if (strcmp(PQgetvalue(res, 0, 1), "2") != 0 || strcmp(PQgetvalue(res, 0, 2), "logical") != 0)
	{
		PQclear(res);
		province_finish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the province does not publish tthc"),
				 errhint("On the province: wal_level = logical, then SELECT tthc.create_publication();")));
	}
	PQclear(res);
	res = province_query(conn, "SELECT code FROM tthc.unit WHERE parent IS NULL", 0, NULL);
	if (PQntuples(res) != 1)
	{
		int			n = PQntuples(res);

		PQclear(res);
		province_finish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a province node has one root unit, the province; this one has %d", n)));
	}
	code = pstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	slot = slot_name_for(code);
	subname = psprintf("%s%s", SUBSCRIPTION_PREFIX, code);

	SPI_connect();
	/* one attach at a time on a hub (the first makes the node a hub) */
	spi_exec("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('tthc.attach_province'))", SPI_OK_SELECT);
	/* 2. idempotent: a province attached with its subscription is left alone */
	args[0] = CStringGetTextDatum(code);
	if (SPI_execute_with_args("SELECT s.subconninfo FROM tthc.province p LEFT JOIN pg_catalog.pg_subscription s"
							  " ON s.subname = p.subscription WHERE p.code = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.province");
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		province_finish(conn);
		/* the same province from elsewhere (rebuilt, moved): detach it first */
		if (isnull || strcmp(TextDatumGetCString(d), conninfo) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("province %s is already attached from another connection", code),
					 errdetail("A province rebuilt or moved is mirrored again from scratch."),
					 errhint("SELECT tthc.detach_province('%s'); then attach it again.", code)));
		SPI_finish();
		PG_RETURN_TEXT_P(cstring_to_text(code));
	}
	spi_exec("SELECT tthc.hub_init()", SPI_OK_SELECT);

	/* 3. its units must not be another province's */
	res = province_query(conn, "SELECT string_agg(code, ',') FROM tthc.unit", 0, NULL);
	args[1] = CStringGetTextDatum(PQgetvalue(res, 0, 0));
	PQclear(res);
	/*
	 * A unit the hub holds from another province, or rows of another
	 * province that name one of its units (which the hub let through while
	 * no province had them): either would mix two provinces.
	 */
	if (SPI_execute_with_args("WITH mine AS (SELECT pg_catalog.unnest(pg_catalog.string_to_array($2, ',')) AS code)"
							  " SELECT x.code, x.province FROM ("
							  " SELECT u.code, u.province FROM tthc.unit u JOIN mine m ON m.code = u.code"
							  " UNION ALL SELECT u.parent, u.province FROM tthc.unit u JOIN mine m ON m.code = u.parent"
							  " UNION ALL SELECT d.receiving_unit, d.province FROM tthc.dossier d JOIN mine m ON m.code = d.receiving_unit"
							  " UNION ALL SELECT d.handling_unit, d.province FROM tthc.dossier d JOIN mine m ON m.code = d.handling_unit"
							  " UNION ALL (SELECT r.unit, NULL FROM tthc.report_day r JOIN mine m ON m.code = r.unit LIMIT 1)"
							  " UNION ALL (SELECT r.unit, NULL FROM tthc.report_month r JOIN mine m ON m.code = r.unit LIMIT 1)"
							  " UNION ALL (SELECT r.unit, NULL FROM tthc.report_delta r JOIN mine m ON m.code = r.unit LIMIT 1)"
							  ") x WHERE x.province IS DISTINCT FROM $1 LIMIT 1",
							  2, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.unit");
	if (SPI_processed > 0)
	{
		bool		isnull;
		char	   *unit = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		Datum		other = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

		province_finish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("unit %s of province %s is already mirrored from %s", unit, code,
						isnull ? "another province (report sums of it)" :
						psprintf("province %s", TextDatumGetCString(other))),
				 errdetail("Unit codes are the national electronic codes: one unit, one province."),
				 errhint("Give the unit its own national code at the province, or detach the other province first.")));
	}

	/* 4. the slot, made over libpq (see the head of the file) */
	params[0] = slot;
	res = province_query(conn, "SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", 1, params);
	slot_exists = PQntuples(res) > 0;
	PQclear(res);
	if (!slot_exists)
	{
		/* dropped again if the attach aborts, even while the slot is being made */
		drop_slot_at_end(conninfo, slot, false);
		res = province_query(conn, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", 1, params);
		PQclear(res);
	}
	province_finish(conn);

	/* 5. the subscription, without a slot of its own: allowed in a transaction */
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE SUBSCRIPTION %s CONNECTION %s PUBLICATION tthc, tthc_log"
					 " WITH (create_slot = false, slot_name = %s, copy_data = true)",
					 quote_identifier(subname), quote_literal_cstr(conninfo), quote_literal_cstr(slot));
	spi_exec(sql.data, SPI_OK_UTILITY);
	args[1] = CStringGetTextDatum(subname);
	args[2] = CStringGetTextDatum(slot);
	if (SPI_execute_with_args("INSERT INTO tthc.province (code, subscription, slot, tthc_version)"
							  " VALUES ($1, $2, $3, $4)"
							  " ON CONFLICT (code) DO UPDATE SET subscription = excluded.subscription,"
							  " slot = excluded.slot, attached_at = now(), tthc_version = excluded.tthc_version",
							  4, (Oid[]) {TEXTOID, TEXTOID, TEXTOID, TEXTOID},
							  (Datum[]) {args[0], args[1], args[2], CStringGetTextDatum(version)},
							  NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write tthc.province");
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(code));
}

/*
 * remove_province_rows: a detached province's rows leave the hub (the sums
 * by its units).  tthc's ordinary triggers check a province's own writes (a
 * procedure in use, a unit in use); they know nothing of provinces and are
 * not for this: off for the removal, as they are for replication's writes.
 */
static void
remove_province_rows(const char *code)
{
	const char *tables[] = {"dossier_event", "apology", "rating", "dossier", "procedure_step", "procedure",
		"calendar_exception", "calendar_week", "calendar_year", "calendar"};
	Datum		args[1] = {CStringGetTextDatum(code)};
	Oid			argtypes[1] = {TEXTOID};
	char	   *saved_role = pstrdup(GetConfigOption("session_replication_role", false, false));

	spi_exec("SELECT pg_catalog.set_config('session_replication_role', 'replica', true)", SPI_OK_SELECT);
	for (int t = 0; t < lengthof(tables); t++)
		if (SPI_execute_with_args(psprintf("DELETE FROM tthc.%s WHERE province = $1", tables[t]),
								  1, argtypes, args, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "could not remove province %s from tthc.%s", code, tables[t]);
	if (SPI_execute_with_args("WITH u AS (SELECT code FROM tthc.unit WHERE province = $1),"
							  " a AS (DELETE FROM tthc.report_delta r USING u WHERE r.unit = u.code),"
							  " b AS (DELETE FROM tthc.report_day r USING u WHERE r.unit = u.code),"
							  " c AS (DELETE FROM tthc.report_month r USING u WHERE r.unit = u.code)"
							  " SELECT 1",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_execute_with_args("DELETE FROM tthc.unit WHERE province = $1",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_DELETE ||
		SPI_execute_with_args("DELETE FROM tthc.province WHERE code = $1",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not remove province %s from the hub", code);
	spi_exec(psprintf("SELECT pg_catalog.set_config('session_replication_role', %s, true)",
					  quote_literal_cstr(saved_role)), SPI_OK_SELECT);
}

/*
 * tthc_detach_province: the subscription goes (disabled and detached from
 * its slot first, so that DROP SUBSCRIPTION may run in a transaction), the
 * province's rows leave the hub, and its slot is dropped on the province
 * once the hub has committed.
 */
Datum
tthc_detach_province(PG_FUNCTION_ARGS)
{
	char	   *code = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Datum		args[1];
	Oid			argtypes[1] = {TEXTOID};
	char	   *subname;
	char	   *slot;
	char	   *conninfo = NULL;
	bool		isnull;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only a superuser may detach a province")));
	SPI_connect();
	args[0] = CStringGetTextDatum(code);
	if (SPI_execute_with_args("SELECT p.subscription::text, p.slot::text, s.subconninfo"
							  " FROM tthc.province p LEFT JOIN pg_catalog.pg_subscription s"
							  " ON s.subname = p.subscription WHERE p.code = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.province");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("province \"%s\" is not attached to this hub", code),
				 errhint("The attached provinces are the rows of tthc.province.")));
	subname = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	slot = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	{
		Datum		c = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);

		if (!isnull)
			conninfo = TextDatumGetCString(c);
	}
	if (conninfo != NULL)
	{
		const char *q = quote_identifier(subname);

		spi_exec(psprintf("ALTER SUBSCRIPTION %s DISABLE", q), SPI_OK_UTILITY);
		spi_exec(psprintf("ALTER SUBSCRIPTION %s SET (slot_name = NONE)", q), SPI_OK_UTILITY);
		spi_exec(psprintf("DROP SUBSCRIPTION %s", q), SPI_OK_UTILITY);
	}

	/* the province's rows; the sums are keyed by its units */
	register_callbacks();
	hub_maintenance = true;
	PG_TRY();
	{
		remove_province_rows(code);
	}
	PG_FINALLY();
	{
		hub_maintenance = false;
	}
	PG_END_TRY();
	SPI_finish();
	if (conninfo != NULL)
		drop_slot_at_end(conninfo, slot, true);
	PG_RETURN_VOID();
}
