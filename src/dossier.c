/*
 * dossier.c
 *		The dossier lifecycle, enforced by one BEFORE ROW trigger on
 *		tthc.dossier (tthc.dossier_guard) for every write path.
 *
 * Vocabulary:
 *	- event time (`at`): the lawful time of a change.  On INSERT it is the
 *	  reception time (received_at) or, for an online dossier not yet
 *	  accepted, the submission time; on UPDATE it is the new changed_at when
 *	  the statement sets it, else now().  Event times never go backwards
 *	  (at >= the previous changed_at) and never lie in the future.
 *	- running: status received or processing.  A dossier awaiting a
 *	  supplement or a payment is paused (paused_at is set); the clock does
 *	  not run and it is never overdue.
 *	- the clock: due_at = cal_deadline(clock_started_at, limit) moved
 *	  forward by paused_work, the working time spent paused since the clock
 *	  started; clock_started_at is the reception or the latest restart
 *	  (supplement_mode = 'restart').  All time arithmetic is on the handling
 *	  unit's calendar.  Steps of inter-agency procedures run their own clock
 *	  the same way (step_started_at, step_due_at, step_paused_work).
 *	- result: late when finished after due_at; early when finished on a
 *	  working day before the due day; otherwise on time.
 *
 * The trigger checks the move against tthc.status_transition (55000), keeps
 * every computed column to itself (428C9 when a client writes one), fills
 * them in on the handling unit's calendar (clock.c), numbers a new dossier
 * (numbering.c), and forms the change's events (event_log.c), which
 * writes.c writes at once or holds until the row is seen stored.  The
 * other files of the dossier engine: dossier_row.h (the row's columns by
 * name), report.c (the sums a write changes), track.c (public tracking's
 * wait).
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "access/genam.h"
#include "access/relscan.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/snapmgr.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/plannodes.h"
#include "parser/parse_func.h"
#include "parser/parsetree.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/pquery.h"
#include "utils/acl.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/wait_event.h"

#include "calendar.h"
#include "worktime.h"
#include "registry.h"
#include "compat.h"
#include "dossier.h"
#include "errfields.h"
#include "money.h"
#include "portal.h"
#include "numbering.h"
#include "colmap.h"
#include "dossier_row.h"
#include "clock.h"
#include "writes.h"
#include "table_triggers.h"
#include "event_log.h"
#include "pending.h"
#include "report.h"
#include "access.h"
#include "time_limit.h"
#include "transitions.h"

PG_FUNCTION_INFO_V1(tthc_dossier_guard);
PG_FUNCTION_INFO_V1(tthc_dossier_numbered);
PG_FUNCTION_INFO_V1(tthc_dossier_counted);
PG_FUNCTION_INFO_V1(tthc_transfer_passes);
PG_FUNCTION_INFO_V1(tthc_transfers_passed);


/* ---------- settings ---------- */

static char *apology_min_notice_str = NULL;
static TimeLimit apology_min_notice = {TL_WORKING_DAYS, 1000};
static int	apology_max = 1;
static bool recompute = false;
static int	backdate_tolerance = 600;	/* seconds */
static char *event_time_str = NULL;
static char *actor_str = NULL;	/* tthc.actor: the officer a pooled account acts for */

/* tthc.online_clock_start: where the clock of an online dossier starts */
typedef enum OnlineClockStart
{
	OCS_ACCEPTANCE,				/* the next working instant after acceptance */
	OCS_SUBMISSION				/* ... after submission */
} OnlineClockStart;
static const struct config_enum_entry online_clock_start_options[] = {
	{"acceptance", OCS_ACCEPTANCE, false},
	{"submission", OCS_SUBMISSION, false},
	{NULL, 0, false}
};
static int	online_clock_start = OCS_ACCEPTANCE;

/* ---------- the columns of tthc.dossier the trigger knows ---------- */

const char *const col_name[NCOLS] = {
	"id", "code", "procedure_code", "procedure_id", "receiving_unit",
	"handling_unit", "channel", "submitted_at", "received_at", "status",
	"changed_at", "due_at", "promised_at", "apologies", "clock_started_at",
	"paused_at", "paused_work", "step", "step_unit", "step_started_at",
	"step_due_at", "step_paused_work", "finished_at", "returned_at", "result",
	"overdue_since", "due_soon_at", "regime", "note", "event_seq",
	"event_hash", "payment", "digitised", "result_electronic",
	"portal_seq", "portal_code", "applicant_type", "applicant_id_type", "applicant_id",
	"received_out_of_hours"
};

ColMap		dossier_map;

/*
 * Columns only tthc writes on UPDATE (428C9 otherwise).  status, changed_at,
 * step, promised_at and note are the ways a client asks for a change; the
 * applicant's details and columns of the user's own are free.
 */
static const bool col_computed[NCOLS] = {
	[C_ID] = true,[C_CODE] = true,[C_PROC_CODE] = true,[C_PROC_ID] = true,
	[C_RECV_UNIT] = true,[C_HAND_UNIT] = true,[C_CHANNEL] = true,
	[C_SUBMITTED] = true,[C_RECEIVED] = true,[C_DUE] = true,[C_APOLOGIES] = true,
	[C_CLOCK] = true,[C_PAUSED_AT] = true,[C_PAUSED_WORK] = true,
	[C_STEP_UNIT] = true,[C_STEP_START] = true,[C_STEP_DUE] = true,
	[C_STEP_PAUSED] = true,[C_FINISHED] = true,[C_RETURNED] = true,
	[C_RESULT] = true,[C_OVERDUE] = true,[C_DUE_SOON] = true,[C_REGIME] = true,
	[C_EVENT_SEQ] = true,[C_EVENT_HASH] = true,[C_PORTAL_SEQ] = true,[C_PORTAL_CODE] = true,
	[C_OUT_OF_HOURS] = true
};

/* While submitted (not yet accepted) these may still be corrected. */
static const bool col_free_while_submitted[NCOLS] = {
	[C_PROC_CODE] = true,[C_HAND_UNIT] = true,[C_CHANNEL] = true
};


/* ---------- errors ---------- */

static char *
ts_str(TimestampTz t)
{
	return pstrdup(timestamptz_to_str(t));
}

static void
computed_column_error(const char *code, Col c, bool insert)
{
	ereport(ERROR,
			(errcode(ERRCODE_GENERATED_ALWAYS),
			 insert ?
			 errmsg("column %s of a new dossier is set by tthc", col_name[c]) :
			 errmsg("column %s of dossier %s is maintained by tthc", col_name[c], code),
			 c == C_DUE ?
			 errhint("Deadlines move only by lawful pauses and restarts, and by tthc.recompute_deadlines().") :
			 errhint("Change the status (tthc.transition), the step, promised_at (tthc.apologize) or the note instead."),
			 errtable_of_dossier(), errcolumn_of_dossier(col_name[c])));
}

/* ---------- dossier numbers ---------- */

/* the number taken by the row being checked (insert_dossier sets it) */
static bool taken_numbered = false;
static CounterKey taken_counter;
static int32 taken_number;

static void
dossier_xact_cb(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PRE_PREPARE)
	{
		report_check();
		numbering_check();
	}
	if (event == XACT_EVENT_PRE_COMMIT)
		notices_send();
	if (event == XACT_EVENT_PRE_PREPARE)
		notices_forget();
	if ((event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PRE_PREPARE) && writes_pending())
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("the events of dossier changes were not written"),
				 errhint("The triggers dossier_counted and dossier_numbered on tthc.dossier must stay enabled.")));
	if ((event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PRE_PREPARE) && report_pending())
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("report aggregates of dossier changes were not written"),
				 errhint("The trigger dossier_counted on tthc.dossier must stay enabled.")));
	if (event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PRE_PREPARE)
		numbering_pre_commit();
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_COMMIT || event == XACT_EVENT_PREPARE)
	{
		stmts_xact_end();
		numbering_xact_end();
		report_xact_end();
		writes_forget();
		notices_forget();
	}
}


static void
dossier_subxact_cb(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	stmts_subxact(event, mySubid);
	if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		numbering_subxact_commit(mySubid, parentSubid);
		report_subxact_commit(mySubid, parentSubid);
		writes_subxact_commit(mySubid, parentSubid);
		notices_subxact_end(mySubid, parentSubid, true);
	}
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		numbering_subxact_abort(mySubid);
		report_subxact_abort(mySubid);
		writes_subxact_abort(mySubid);
		notices_subxact_end(mySubid, parentSubid, false);
	}
}

/* ---------- settings ---------- */

static void
assign_apology_min_notice(const char *newval, void *extra)
{
	if (extra)
		apology_min_notice = *(TimeLimit *) extra;
}

/*
 * dossier_relcache_cb: a change to the dossier table or the event log (a
 * column dropped, added or renamed) makes their column maps stale; they are
 * looked up again by name at the next write.
 */
static void
dossier_relcache_cb(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == dossier_map.relid)
		dossier_map.relid = InvalidOid;
	event_log_invalidate(relid);
}

void
DossierInit(void)
{
	DefineCustomStringVariable("tthc.apology_min_notice",
							   "Working time before the deadline by which an apology must be issued.",
							   NULL, &apology_min_notice_str, "1 working day",
							   PGC_USERSET, 0, check_working_limit,
							   assign_apology_min_notice, NULL);
	DefineCustomIntVariable("tthc.apology_max",
							"How many apologies a dossier may receive.",
							NULL, &apology_max, 1, 0, 100, PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("tthc.backdate_tolerance",
							"How far before now an event may be dated by anyone but tthc_admin.",
							"Backfilling older events takes membership of tthc_admin.",
							&backdate_tolerance, 600, 0, 7 * 24 * 3600, PGC_SUSET, GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomStringVariable("tthc.event_time",
							   "Set by tthc.transition and tthc.apologize: the time of the change they make.",
							   NULL, &event_time_str, "", PGC_USERSET,
							   GUC_NOT_IN_SAMPLE | GUC_NO_SHOW_ALL, NULL, NULL, NULL);
	DefineCustomBoolVariable("tthc.recompute",
							 "Set by tthc.recompute_deadlines while it moves deadlines.",
							 NULL, &recompute, false, PGC_USERSET,
							 GUC_NOT_IN_SAMPLE | GUC_NO_SHOW_ALL, NULL, NULL, NULL);
	DefineCustomStringVariable("tthc.actor",
							   "The officer (a login of tthc.officer) acting through this connection.",
							   "Set it with SET LOCAL (or set_config(..., true)) in each transaction of a pooled account: "
							   "every event the transaction writes records that officer beside the database role.",
							   &actor_str, "", PGC_USERSET, GUC_NOT_IN_SAMPLE, NULL, NULL, NULL);
	DefineCustomEnumVariable("tthc.online_clock_start",
							 "Where the clock of an online dossier starts: at the next working instant after its acceptance, or after its submission.",
							 "No article of ND 118/2025 settles a submission made out of hours; acceptance is the default (a product decision).",
							 &online_clock_start, OCS_ACCEPTANCE, online_clock_start_options,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	WritesInit();
	RegisterXactCallback(dossier_xact_cb, NULL);
	RegisterSubXactCallback(dossier_subxact_cb, NULL);
	CacheRegisterRelcacheCallback(dossier_relcache_cb, (Datum) 0);
}

/* ---------- the trigger ---------- */

static bool out_of_hours(const CompiledCalendar *cal, TimestampTz at);

/*
 * online_clock_origin: where the clock of a dossier received at `at`
 * starts: there, or with tthc.online_clock_start = submission, for an
 * online dossier, at its (earlier) submission; accepted by an officer or
 * inserted as received (tthc.portal_receive) alike
 */
static TimestampTz
online_clock_origin(Row *r, int channel, TimestampTz at)
{
	if (online_clock_start == OCS_SUBMISSION && channel == CHANNEL_ONLINE && !RN(r, C_SUBMITTED) &&
		DatumGetTimestampTz(RV(r, C_SUBMITTED)) < at)
		return DatumGetTimestampTz(RV(r, C_SUBMITTED));
	return at;
}

static const ProcedureVersion *
version_for(const char *code, const CompiledCalendar *cal, TimestampTz at)
{
	bool		known;
	DateADT		day = local_date(cal, at);
	const ProcedureVersion *v = procedure_version_at(code, day, &known);

	if (!known)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("procedure \"%s\" does not exist", code),
				 errhint("Procedures are rows of tthc.procedure."), errtable_of_dossier(), errcolumn_of_dossier("procedure_code")));
	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("procedure \"%s\" has no version in force on %s", code,
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)))),
				 errhint("Check valid_from and valid_to in tthc.procedure."), errtable_of_dossier(), errcolumn_of_dossier("procedure_code")));
	return v;
}

/* the row being checked came from the national portal (has a portal_code) */
static bool portal_born = false;

/*
 * check_backdating: only members of tthc_admin (and superusers) may date an
 * event more than tthc.backdate_tolerance before now: a backfill.  When the
 * role does not exist (a database not yet at 0.4.0), nobody is limited.
 * Members of tthc_portal may date the events of a dossier the portal sent
 * (tthc.portal_receive) at the portal's times.
 */
static void
check_backdating(const char *code, TimestampTz at)
{
	TimestampTz limit = GetCurrentTransactionStartTimestamp() -
		(int64) backdate_tolerance * USECS_PER_SEC;
	Oid			admin;

	if (at >= limit)
		return;
	admin = get_role_oid("tthc_admin", true);
	if (!OidIsValid(admin) || has_privs_of_role(GetUserId(), admin))
		return;
	/* the national portal's own times, for a dossier it sent */
	if (portal_born)
	{
		Oid			portal = get_role_oid("tthc_portal", true);

		if (OidIsValid(portal) && has_privs_of_role(GetUserId(), portal))
			return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("only tthc_admin may date an event of dossier %s more than %d seconds back",
					code, backdate_tolerance),
			 errdetail("The event is dated %s.", ts_str(at)),
			 errhint("Record events as they happen, or ask an administrator to backfill."), errtable_of_dossier(), errcolumn_of_dossier("changed_at")));
}

static void
check_event_time(const char *code, TimestampTz at, bool has_prev, TimestampTz prev)
{
	check_backdating(code, at);
	if (at > GetCurrentTimestamp())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("event time of dossier %s is in the future", code),
				 errdetail("Events are recorded when they happen, not ahead of the database's clock."), errtable_of_dossier(), errcolumn_of_dossier("changed_at")));
	if (has_prev && at < prev)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("event time %s of dossier %s is before its latest event",
						ts_str(at), code),
				 errdetail("The latest event is at %s; the process control slip only moves forward.",
						   ts_str(prev)), errtable_of_dossier(), errcolumn_of_dossier("changed_at")));
}

/* check_new_columns: a new dossier leaves the columns tthc computes alone (428C9) */
static void
check_new_columns(Row *r)
{
	static const Col must_be_null[] = {
		C_PROC_ID, C_CHANGED, C_DUE, C_PROMISED, C_CLOCK, C_PAUSED_AT, C_STEP,
		C_STEP_UNIT, C_STEP_START, C_STEP_DUE, C_STEP_PAUSED, C_FINISHED,
		C_RETURNED, C_RESULT, C_OVERDUE, C_DUE_SOON, C_REGIME
	};

	for (int i = 0; i < lengthof(must_be_null); i++)
		if (!RN(r, must_be_null[i]))
			computed_column_error(NULL, must_be_null[i], true);
	if (r->att[C_EVENT_HASH] != 0 && !RN(r, C_EVENT_HASH))
		computed_column_error(NULL, C_EVENT_HASH, true);
	if (r->att[C_OUT_OF_HOURS] != 0 && !RN(r, C_OUT_OF_HOURS))
		computed_column_error(NULL, C_OUT_OF_HOURS, true);
	if (DatumGetInt16(RV(r, C_APOLOGIES)) != 0 || DatumGetInt32(RV(r, C_EVENT_SEQ)) != 0)
		computed_column_error(NULL, DatumGetInt16(RV(r, C_APOLOGIES)) != 0 ? C_APOLOGIES : C_EVENT_SEQ, true);
	if (get_work(r, C_PAUSED_WORK) != 0)
		computed_column_error(NULL, C_PAUSED_WORK, true);
	/* the portal has none of a new dossier's events */
	if (r->att[C_PORTAL_SEQ] != 0 && (RN(r, C_PORTAL_SEQ) || DatumGetInt32(RV(r, C_PORTAL_SEQ)) != 0))
		computed_column_error(NULL, C_PORTAL_SEQ, true);

}

/* reception_time: the event time of a new dossier, received or submitted */
static TimestampTz
reception_time(Row *r, DossierStatus st)
{
	TimestampTz at;

	if (st == ST_RECEIVED)
	{
		if (RN(r, C_RECEIVED))
			set_ts(r, C_RECEIVED, GetCurrentTransactionStartTimestamp());
		at = DatumGetTimestampTz(RV(r, C_RECEIVED));
		if (!RN(r, C_SUBMITTED) && DatumGetTimestampTz(RV(r, C_SUBMITTED)) > at)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a dossier cannot be received before it was submitted"),
					 errdetail("submitted_at is %s, received_at %s.",
							   ts_str(DatumGetTimestampTz(RV(r, C_SUBMITTED))),
							   ts_str(at)), errtable_of_dossier(), errcolumn_of_dossier("received_at")));
	}
	else
	{
		if (!RN(r, C_RECEIVED))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a submitted dossier has no received_at"),
					 errhint("Insert it as received, or set received_at by moving it to received."), errtable_of_dossier(), errcolumn_of_dossier("received_at")));
		if (RN(r, C_SUBMITTED))
			set_ts(r, C_SUBMITTED, GetCurrentTransactionStartTimestamp());
		at = DatumGetTimestampTz(RV(r, C_SUBMITTED));
	}
	return at;
}

/*
 * check_reception_place: where a dossier may be received: at its handling
 * unit, a centre above it or a unit below it (a commune hands a provincial
 * procedure up), at any centre of the same province for a boundary-free
 * procedure, never in another province.
 */
static void
check_reception_place(const char *recv, const char *hand, const char *proc,
					  const ProcedureVersion *v)
{
	if (strcmp(unit_root(recv), unit_root(hand)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit %s cannot receive a dossier for unit %s of another province", recv, hand),
				 errdetail("Boundary-free reception stops at the province: %s is under %s, %s under %s.",
						   recv, unit_root(recv), hand, unit_root(hand)),
				 errtable_of_dossier(), errcolumn_of_dossier("handling_unit")));
	if (!unit_within(recv, hand) && !unit_within(hand, recv) && !v->boundary_free)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("procedure %s is not boundary-free: unit %s cannot receive it for unit %s", proc, recv, hand),
				 errdetail("A procedure off the province's boundary-free list is received by its handling unit, a centre above it or a unit below it."),
				 errhint("Receive it at %s, or set tthc.procedure.boundary_free.", hand),
				 errtable_of_dossier(), errcolumn_of_dossier("receiving_unit")));
}

/*
 * check_unit_standing: a unit receives and handles new dossiers only on the
 * days it stands (tthc.unit valid_from to valid_to, local days).  A unit that
 * ended keeps the dossiers it has (tthc.unit_orphans lists those still open,
 * tthc.transfer moves them); a new one goes to its successors, named in the
 * hint.
 */
static void
check_unit_standing(const char *unit, DateADT day, const char *column)
{
	const UnitInfo *u = unit_lookup(unit);
	char	   *successors;

	if (u == NULL || (day >= u->valid_from && day <= u->valid_to))
		return;
	if (day < u->valid_from)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("unit %s does not stand yet on %s: it starts on %s", unit,
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day))),
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(u->valid_from)))),
				 errtable_of_dossier(), errcolumn_of_dossier(column)));
	successors = unit_successors(unit);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("unit %s ended on %s: it takes no new dossiers after that day", unit,
					DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(u->valid_to)))),
			 successors ? errhint("Its successors: %s (tthc.unit_succession).", successors) :
			 errhint("Record its successors in tthc.unit_succession and receive the dossier there."),
			 errtable_of_dossier(), errcolumn_of_dossier(column)));
}

/*
 * number_dossier: the code: the next number of the day, or a code given by
 * the client, which must be of this unit and day, written as tthc writes it
 * (so that 00005 cannot stand beside 0005), and must not skip numbers.
 */
static char *
number_dossier(Row *r, const char *recv, DateADT day, Oid owner)
{
	char	   *code;

	memset(&taken_counter, 0, sizeof(taken_counter));
	strlcpy(taken_counter.unit, recv, REGISTRY_KEYLEN);
	taken_counter.day = day;
	if (RN(r, C_CODE))
	{
		taken_number = counter_next(recv, day, 0, owner);
		taken_numbered = true;
		code = make_code(recv, day, taken_number);
	}
	else
	{
		int32		n;

		code = get_text(r, C_CODE);
		check_code_shape(code);
		n = code_number(code, recv, day);
		if (n <= 0 || strcmp(code, make_code(recv, day, n)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dossier code \"%s\" is not a number of unit %s on the day of its reception", code, recv),
					 errdetail("A dossier received at %s on that day is numbered %s.", recv,
							   make_code(recv, day, Max(n, 1))),
					 errhint("Leave code out and tthc numbers the dossier."),
					 errtable_of_dossier(), errcolumn_of_dossier("code")));
		taken_number = counter_next(recv, day, n, owner);
		taken_numbered = (taken_number > 0);
	}
	return code;
}

static void
insert_dossier(Row *r, Oid owner, Event *ev, int *nev, TimestampTz *at_out)
{
	char	   *recv,
			   *hand,
			   *proc,
			   *code;
	DossierStatus st;
	const CompiledCalendar *cal;
	char	   *rcal_name,
			   *hcal_name;
	const ProcedureVersion *v;
	TimestampTz at;
	int			channel;
	DateADT		day;

	check_new_columns(r);
	applicant_id_enforce(r);
	portal_code_check(r);

	if (RN(r, C_STATUS))
		ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION), errmsg("the status of a dossier cannot be null"), errtable_of_dossier(), errcolumn_of_dossier("status")));
	st = status_code(DatumGetObjectId(RV(r, C_STATUS)));
	if (st != ST_SUBMITTED && st != ST_RECEIVED)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a new dossier cannot start as %s",
						DatumGetCString(DirectFunctionCall1(enum_out, RV(r, C_STATUS)))),
				 errdetail("A dossier starts as submitted (online, not yet accepted) or received."),
				 errhint("Insert it as received, then move it with tthc.transition()."), errtable_of_dossier(), errcolumn_of_dossier("status")));
	if (RN(r, C_RECV_UNIT))
		ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION), errmsg("a dossier needs a receiving_unit"), errtable_of_dossier(), errcolumn_of_dossier("receiving_unit")));
	if (RN(r, C_PROC_CODE))
		ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION), errmsg("a dossier needs a procedure_code"), errtable_of_dossier(), errcolumn_of_dossier("procedure_code")));
	recv = get_text(r, C_RECV_UNIT);
	if (RN(r, C_HAND_UNIT))
		set_text(r, C_HAND_UNIT, recv);
	hand = get_text(r, C_HAND_UNIT);
	rcal_name = pstrdup(unit_calendar(recv, "receiving"));
	hcal_name = pstrdup(unit_calendar(hand, "handling"));
	proc = get_text(r, C_PROC_CODE);
	channel = DatumGetInt16(RV(r, C_CHANNEL));

	at = reception_time(r, st);
	check_event_time("(new)", at, false, 0);

	/*
	 * The day of the number is the receiving unit's; everything else is
	 * timed by the handling unit's calendar.  (A calendar pointer is valid
	 * until the next calendar_get.)
	 */
	day = local_date(calendar_get(rcal_name, 0), at);
	cal = calendar_get(hcal_name, 0);
	v = version_for(proc, cal, at);

	check_reception_place(recv, hand, proc, v);
	check_unit_standing(recv, day, "receiving_unit");
	if (strcmp(hand, recv) != 0)
		check_unit_standing(hand, local_date(cal, at), "handling_unit");

	code = number_dossier(r, recv, day, owner);
	set_text(r, C_CODE, code);

	set_ts(r, C_CHANGED, at);
	if (st == ST_RECEIVED)
	{
		set_text(r, C_REGIME, at < regime_switch() ? REGIME_ND61 : REGIME_ND118);
		RV(r, C_PROC_ID) = Int64GetDatum(v->id);
		RN(r, C_PROC_ID) = false;
		set_bool(r, C_OUT_OF_HOURS, out_of_hours(cal, at));
		clock_start(r, cal, v, channel, online_clock_origin(r, channel, at));
	}
	ev[0].kind = "status";
	ev[0].to = DatumGetObjectId(RV(r, C_STATUS));
	ev[0].unit = recv;
	if (st == ST_RECEIVED)
	{
		ev[0].has_new_due = true;
		ev[0].new_due = DatumGetTimestampTz(RV(r, C_DUE));
		if (v->nsteps > 0)
		{
			ev[0].step = 1;
			ev[0].has_step_due = true;
			ev[0].step_due = DatumGetTimestampTz(RV(r, C_STEP_DUE));
		}
	}
	ev[0].note = get_text(r, C_NOTE);
	*nev = 1;
	*at_out = at;
}

/*
 * check_generated_id: a new dossier's id comes from its identity sequence.
 * OVERRIDING SYSTEM VALUE would let a client choose one ahead of the
 * sequence, and every later reception in the province would collide with
 * it (23505), so an id past the sequence's last value fails with 428C9.
 * The sequence hands out one value at a time (no CACHE), so its last value
 * is the highest id given to anyone: an id at or below it was given to a
 * reception (the unique index decides, or it was rolled back).  The one
 * window left is an id given to another session whose row is not written
 * yet.  The sequence is read when an id passes the highest one seen: about
 * once per reception, a buffer read like nextval's own.
 */
static void
check_generated_id(Relation rel, int64 id, Oid owner)
{
	static Oid	seq_of = InvalidOid;
	static Oid	seq = InvalidOid;
	static int64 seen = 0;

	if (seq_of != RelationGetRelid(rel))
	{
		seq = getIdentitySequence(RelationGetRelid(rel), dossier_map.att[C_ID], true);
		seq_of = RelationGetRelid(rel);
		seen = 0;
	}
	if (id <= seen || !OidIsValid(seq))
		return;
	{
		LOCAL_FCINFO(fcinfo, 1);
		Oid			save_userid;
		int			save_sec;
		Datum		last;

		/* as the owner, like the counter: clients need no grant on the sequence */
		GetUserIdAndSecContext(&save_userid, &save_sec);
		SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
		InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
		fcinfo->args[0].value = ObjectIdGetDatum(seq);
		fcinfo->args[0].isnull = false;
		last = pg_sequence_last_value(fcinfo);
		SetUserIdAndSecContext(save_userid, save_sec);
		if (!fcinfo->isnull)
			seen = Max(seen, DatumGetInt64(last));
	}
	if (id > seen)
		computed_column_error(NULL, C_ID, true);
}

static bool
col_changed(Row *r, TupleDesc desc, int attno)
{
	Form_pg_attribute a = TupleDescAttr(desc, attno - 1);

	if (r->n[attno - 1] != r->on[attno - 1])
		return true;
	if (r->n[attno - 1])
		return false;
	return !datumIsEqual(r->v[attno - 1], r->ov[attno - 1], a->attbyval, a->attlen);
}

/* other_column_changed: whether an update changes a column but `except` */
static bool
other_column_changed(Row *r, TupleDesc desc, AttrNumber except)
{
	for (int i = 1; i <= desc->natts; i++)
		if (i != except && !TupleDescAttr(desc, i - 1)->attisdropped && col_changed(r, desc, i))
			return true;
	return false;
}

/* id_changed: whether an update changes the applicant's ID or its types */
static bool
id_changed(Row *r, TupleDesc desc)
{
	static const Col cols[] = {C_APPL_ID, C_APPL_TYPE, C_APPL_ID_TYPE};

	for (int i = 0; i < lengthof(cols); i++)
		if (r->att[cols[i]] != 0 && col_changed(r, desc, r->att[cols[i]]))
			return true;
	return false;
}

/* resume: the clock runs again at `at` after a pause (pause mode) */
static void
resume(Row *r, const CompiledCalendar *cal, TimestampTz at)
{
	TimestampTz paused = DatumGetTimestampTz(RV(r, C_PAUSED_AT));
	int64		delta = work_between(cal, paused, at);

	set_work(r, C_PAUSED_WORK, get_work(r, C_PAUSED_WORK) + delta);
	set_ts(r, C_DUE, shift(cal, DatumGetTimestampTz(RV(r, C_DUE)), delta));
	if (!RN(r, C_STEP_DUE))
	{
		set_work(r, C_STEP_PAUSED, get_work(r, C_STEP_PAUSED) + delta);
		set_ts(r, C_STEP_DUE, shift(cal, DatumGetTimestampTz(RV(r, C_STEP_DUE)), delta));
	}
	set_null(r, C_PAUSED_AT);
}

/*
 * Change: what the steps of an UPDATE share.  The row is changed in place;
 * the events it logs are appended to ev (at most MAX_EVENTS).
 */
typedef struct Change
{
	Row		   *r;
	TupleDesc	desc;
	char	   *code;
	char	   *hand;			/* handling unit */
	const CompiledCalendar *cal;	/* its calendar */
	const ProcedureVersion *v;	/* the version received under, or NULL */
	Oid			from;			/* status before and after */
	Oid			to;
	DossierStatus s;
	DossierStatus t;
	TimestampTz at;				/* the event time */
	bool		has_due;
	TimestampTz old_due;
	int			channel;
	const char *note;			/* the note, when this change sets it */
	Event	   *ev;
	int			n;
} Change;

/* event_add: the next event of the change, of `kind`, by the handling unit */
static Event *
event_add(Change *c, const char *kind)
{
	Event	   *e = &c->ev[c->n++];

	Assert(c->n <= MAX_EVENTS);
	e->kind = kind;
	e->unit = c->hand;
	return e;
}

static const char *
status_label(Oid status)
{
	return DatumGetCString(DirectFunctionCall1(enum_out, ObjectIdGetDatum(status)));
}

/*
 * may_transfer: whether current_user may move an open dossier to another
 * unit: whoever may execute tthc.transfer (the officers and the province's
 * administrators; not the national portal's account, nor a database not yet
 * at 0.12.0), by that function or by an UPDATE of handling_unit alike.
 */
static bool
may_transfer(void)
{
	Oid			args[] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TEXTOID};
	Oid			fn = LookupFuncName(list_make2(makeString("tthc"), makeString("transfer")),
									lengthof(args), args, true);

	return OidIsValid(fn) && pg_proc_aclcheck(fn, GetUserId(), ACL_EXECUTE) == ACLCHECK_OK;
}

/* check_client_columns: a client writes only what asks for a change (428C9) */
static void
check_client_columns(Row *r, TupleDesc desc, Oid from)
{
	for (int c = 0; c < NCOLS; c++)
	{
		if (!col_computed[c] || r->att[c] == 0 || !col_changed(r, desc, r->att[c]))
			continue;
		if (col_free_while_submitted[c] && status_code(from) == ST_SUBMITTED)
			continue;
		if (c == C_HAND_UNIT && status_is_open(status_code(from)) && may_transfer())
			continue;			/* a transfer (tthc.transfer) */
		computed_column_error(get_text(r, C_CODE), c, false);
	}
}

/*
 * transfer: an open dossier's handling unit changed (tthc.transfer, or an
 * UPDATE of handling_unit).  Its code, clock and deadline stay: they are
 * the legal record.  A transfer event names both units (its note:
 * {"from", "to", "reason"}); when the new unit keeps another calendar, the
 * deadline is recomputed on it from the dossier's history, a deadline event
 * after it with both times.  The report counts the dossier out of the old
 * unit and into the new one (report.c).
 */
static void recompute_due(Change *c);

/*
 * The transfers the guard allowed in the running command (dossier ids): the
 * officers' update policy lets such a row leave the officer's units
 * (tthc.transfer_passes), which its WITH CHECK would refuse otherwise.
 */
static List *passed_transfers = NIL;
static CommandId passed_cid = InvalidCommandId;
static LocalTransactionId passed_lxid = InvalidLocalTransactionId;

static void
transfer_pass(int64 id)
{
	MemoryContext old;

	if (passed_cid != GetCurrentCommandId(false) || passed_lxid != MyProc->lxid)
	{
		passed_transfers = NIL;	/* (the list lived in an ended transaction's memory) */
		passed_cid = GetCurrentCommandId(false);
		passed_lxid = MyProc->lxid;
	}
	old = MemoryContextSwitchTo(TopTransactionContext);
	passed_transfers = lappend(passed_transfers, palloc(sizeof(int64)));
	*(int64 *) llast(passed_transfers) = id;
	MemoryContextSwitchTo(old);
}

/*
 * tthc_transfer_passes: tthc.transfer_passes(id): whether the guard allowed
 * a transfer of dossier id in the running command
 */
Datum
tthc_transfer_passes(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	ListCell   *lc;

	if (passed_cid != GetCurrentCommandId(false) || passed_lxid != MyProc->lxid)
		PG_RETURN_BOOL(false);
	foreach(lc, passed_transfers)
		if (*(int64 *) lfirst(lc) == id)
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}

/*
 * tthc_transfers_passed: tthc.transfers_passed(): the ids of the dossiers
 * the guard let the running command transfer, for the officers' read
 * policy (as an initplan, an index condition on id beside the units')
 */
Datum
tthc_transfers_passed(PG_FUNCTION_ARGS)
{
	Datum	   *d;
	int			n = 0;
	ListCell   *lc;

	if (passed_cid != GetCurrentCommandId(false) || passed_lxid != MyProc->lxid)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
	d = palloc(sizeof(Datum) * Max(list_length(passed_transfers), 1));
	foreach(lc, passed_transfers)
		d[n++] = Int64GetDatum(*(int64 *) lfirst(lc));
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * may_transfer_from: a transfer is the handling unit's decision (its
 * officers') or the province's (tthc_admin): not a unit that only received
 * the dossier, nor one it has left
 */
static bool
may_transfer_from(const char *from)
{
	Oid			admin = get_role_oid("tthc_admin", true);
	ListCell   *lc;

	if (superuser() || (OidIsValid(admin) && has_privs_of_role(GetUserId(), admin)))
		return true;
	foreach(lc, role_units(GetUserId()))
		if (strcmp((const char *) lfirst(lc), from) == 0)
			return true;
	return false;
}

static void
transfer(Change *c, const char *from)
{
	Row		   *r = c->r;
	Event	   *e;
	StringInfoData note;
	const char *from_root = unit_root(from);
	const char *to_root = unit_root(c->hand);
	bool		other_calendar;

	if (c->from != c->to)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dossier %s cannot change unit and status at once", c->code),
				 errhint("Transfer it with tthc.transfer(), then move it with tthc.transition()."),
				 errtable_of_dossier(), errcolumn_of_dossier("handling_unit")));
	if (col_changed(r, c->desc, r->att[C_STEP]) || col_changed(r, c->desc, r->att[C_PROMISED]))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dossier %s cannot change unit and %s at once", c->code,
						col_changed(r, c->desc, r->att[C_STEP]) ? "step" : "promised_at"),
				 errhint("Transfer it with tthc.transfer(), then make the other change."),
				 errtable_of_dossier(),
				 errcolumn_of_dossier(col_changed(r, c->desc, r->att[C_STEP]) ? "step" : "promised_at")));
	if (!may_transfer_from(from))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("dossier %s is handled by %s: only its officers or tthc_admin may transfer it", c->code, from),
				 errtable_of_dossier(), errcolumn_of_dossier("handling_unit")));
	if (from_root == NULL || to_root == NULL || strcmp(from_root, to_root) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dossier %s cannot be transferred from %s to %s, a unit of another province", c->code, from, c->hand),
				 errtable_of_dossier(), errcolumn_of_dossier("handling_unit")));
	other_calendar = strcmp(unit_calendar(from, "handling"), unit_calendar(c->hand, "handling")) != 0;

	initStringInfo(&note);
	appendStringInfoString(&note, "{\"from\": ");
	escape_json(&note, from);
	appendStringInfoString(&note, ", \"to\": ");
	escape_json(&note, c->hand);
	if (c->note != NULL)
	{
		appendStringInfoString(&note, ", \"reason\": ");
		escape_json(&note, c->note);
	}
	appendStringInfoChar(&note, '}');
	/* what the change did before (a deadline noticed) was at the old unit */
	for (int i = 0; i < c->n; i++)
		c->ev[i].unit = from;
	e = event_add(c, "transfer");
	e->unit = pstrdup(from);	/* the unit that handled it, and sent it on */
	e->note = note.data;
	transfer_pass(DatumGetInt64(RV(r, C_ID)));
	if (other_calendar && c->v != NULL && !RN(r, C_CLOCK))
		recompute_due(c);
}

/*
 * change_time: the event time of a change, from tthc.transition's setting,
 * the changed_at the statement set, or else now.
 */
static TimestampTz
change_time(Row *r, const char *code)
{
	TimestampTz prev = DatumGetTimestampTz(OV(r, C_CHANGED));
	TimestampTz at;

	if (event_time_str != NULL && event_time_str[0] != '\0')
		at = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(event_time_str),
													 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	else if (!RN(r, C_CHANGED) && DatumGetTimestampTz(RV(r, C_CHANGED)) != prev)
		at = DatumGetTimestampTz(RV(r, C_CHANGED));
	else
	{
		/*
		 * No time given: the transaction's start, unless a transaction that
		 * committed while this one waited for the row logged a later event;
		 * then the clock, which is past that event's time.
		 */
		at = GetCurrentTransactionStartTimestamp();
		if (at < prev)
			at = GetCurrentTimestamp();
	}
	check_event_time(code, at, true, prev);
	return at;
}

/* notice_overdue: a running dossier past its deadline is overdue, noticed once */
static void
notice_overdue(Change *c)
{
	Row		   *r = c->r;

	if (status_is_running(c->s) && c->has_due && RN(r, C_OVERDUE) && c->at > c->old_due)
	{
		Event	   *e = event_add(c, "overdue");

		set_ts(r, C_OVERDUE, c->old_due);
		e->has_old_due = true;
		e->old_due = c->old_due;
	}
}

/*
 * out_of_hours: a reception outside the processing calendar's working time
 * (a desk open at night or at the weekend, tthc.unit.reception_calendar)
 */
static bool
out_of_hours(const CompiledCalendar *cal, TimestampTz at)
{
	return cal_add_working_time(cal, at, 0) != at;
}

/*
 * accept_dossier: an online submission received: the clock starts, under
 * the version in force, at acceptance, or with tthc.online_clock_start =
 * submission at the submission (each from the next working instant)
 */
static void
accept_dossier(Change *c)
{
	Row		   *r = c->r;
	TimestampTz sub = RN(r, C_SUBMITTED) ? 0 : DatumGetTimestampTz(RV(r, C_SUBMITTED));
	TimestampTz start = c->at;

	if (!RN(r, C_SUBMITTED) && c->at < sub)
		check_event_time(c->code, c->at, true, sub);
	c->v = version_for(get_text(r, C_PROC_CODE), c->cal, c->at);
	RV(r, C_PROC_ID) = Int64GetDatum(c->v->id);
	RN(r, C_PROC_ID) = false;
	set_ts(r, C_RECEIVED, c->at);
	if (r->att[C_OUT_OF_HOURS] != 0 && RN(r, C_OUT_OF_HOURS))	/* (its first reception) */
		set_bool(r, C_OUT_OF_HOURS, out_of_hours(c->cal, c->at));
	set_text(r, C_REGIME, c->at < regime_switch() ? REGIME_ND61 : REGIME_ND118);
	clock_start(r, c->cal, c->v, c->channel, online_clock_origin(r, c->channel, start));
}

/* finish: resolved: the clock stops, the result and the last step's are judged */
static void
finish(Change *c, Event *e)
{
	Row		   *r = c->r;

	if (!RN(r, C_PAUSED_AT))
		resume(r, c->cal, c->at);	/* time awaiting payment does not count */
	set_ts(r, C_FINISHED, c->at);
	set_text(r, C_RESULT, judge(c->cal, c->at, DatumGetTimestampTz(RV(r, C_DUE))));
	if (!RN(r, C_STEP))
	{
		TimestampTz sd = DatumGetTimestampTz(RV(r, C_STEP_DUE));

		e->step = DatumGetInt16(RV(r, C_STEP));
		e->has_step_due = true;
		e->step_due = sd;
		e->step_result = judge(c->cal, c->at, sd);
		if (!RN(r, C_STEP_UNIT))
			e->unit = get_text(r, C_STEP_UNIT);
	}
}

/*
 * move_status: a move to another status, checked against the transition
 * table, with what it does to the clock: accept, pause, resume or restart,
 * finish, return.
 */
static void
move_status(Change *c)
{
	Row		   *r = c->r;
	Event	   *e;

	transition_check(c->from, c->to, c->code);
	/*
	 * A step change rides along only as a hand-over: the client's, that is
	 * (the clock below sets the first step of a dossier it accepts).
	 */
	if (col_changed(r, c->desc, r->att[C_STEP]))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dossier %s cannot change its step while moving from %s to %s", c->code,
						status_label(c->from), status_label(c->to)),
				 errhint("Hand it over in a separate change, while processing."), errtable_of_dossier(), errcolumn_of_dossier("step")));
	e = event_add(c, "status");
	e->from = c->from;
	e->to = c->to;
	e->note = c->note;

	if (c->t == ST_RECEIVED)
		accept_dossier(c);
	else if (c->t == ST_PROCESSING && status_is_paused(c->s))
	{
		if (c->s == ST_AWAITING_SUPPLEMENT && !c->v->pause_mode)
		{
			e->kind = "restart";
			clock_start(r, c->cal, c->v, c->channel, c->at);
		}
		else
		{
			e->kind = "resume";
			resume(r, c->cal, c->at);
		}
	}
	else if (status_is_paused(c->t))
	{
		e->kind = "pause";
		set_ts(r, C_PAUSED_AT, c->at);
	}
	else if (c->t == ST_RESOLVED)
		finish(c, e);
	else if (c->t == ST_RETURNED)
		set_ts(r, C_RETURNED, c->at);

	/* the event carries the deadline it moved, or the one it set */
	if (e->has_old_due == false && c->has_due && !RN(r, C_DUE) &&
		DatumGetTimestampTz(RV(r, C_DUE)) != c->old_due)
	{
		e->has_old_due = true;
		e->old_due = c->old_due;
		e->has_new_due = true;
		e->new_due = DatumGetTimestampTz(RV(r, C_DUE));
	}
	else if (c->t == ST_RECEIVED)
	{
		e->has_new_due = true;
		e->new_due = DatumGetTimestampTz(RV(r, C_DUE));
	}
}

/* hand_over: to the next step of an inter-agency procedure, while processing */
static void
hand_over(Change *c)
{
	Row		   *r = c->r;
	int			old_step = ON(r, C_STEP) ? 0 : DatumGetInt16(OV(r, C_STEP));
	int			new_step = RN(r, C_STEP) ? 0 : DatumGetInt16(RV(r, C_STEP));
	TimestampTz sd;
	Event	   *e;

	if (c->s != ST_PROCESSING)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dossier %s can be handed over only while processing", c->code),
				 errdetail("The current status is %s.", status_label(c->from)), errtable_of_dossier(), errcolumn_of_dossier("step")));
	transition_check(c->from, c->to, c->code);
	if (c->v == NULL || c->v->nsteps == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dossier %s has no steps to hand over between", c->code),
				 errdetail("Its procedure has no inter-agency steps (tthc.procedure_step)."),
				 errhint("From processing a dossier moves to awaiting_supplement, awaiting_payment, resolved, withdrawn or stopped."), errtable_of_dossier(), errcolumn_of_dossier("step")));
	if (old_step == 0 || new_step != old_step + 1 || new_step > c->v->nsteps)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dossier %s cannot go from step %d to step %d", c->code, old_step, new_step),
				 errdetail("Its procedure has %d steps; a hand-over goes to the next one.",
						   c->v ? c->v->nsteps : 0), errtable_of_dossier(), errcolumn_of_dossier("step")));
	sd = DatumGetTimestampTz(RV(r, C_STEP_DUE));
	e = event_add(c, "handover");
	e->from = c->from;
	e->to = c->to;
	e->unit = RN(r, C_STEP_UNIT) ? c->hand : get_text(r, C_STEP_UNIT);
	e->step = old_step;
	e->has_step_due = true;
	e->step_due = sd;
	e->step_result = judge(c->cal, c->at, sd);
	e->note = c->note;
	step_start(r, c->cal, c->v, new_step, c->at);
}

/*
 * apologise: an apology with a new date (form 04): while open, in time
 * (tthc.apology_min_notice), at most tthc.apology_max times, with a reason
 * and a finite date after the deadline.
 */
static void
apologise(Change *c)
{
	Row		   *r = c->r;
	TimestampTz promised;
	int64		left,
				need;
	Event	   *e;

	if (RN(r, C_PROMISED))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the promised date of dossier %s cannot be removed", c->code), errtable_of_dossier(), errcolumn_of_dossier("promised_at")));
	promised = DatumGetTimestampTz(RV(r, C_PROMISED));
	if (!status_is_open(c->s) || !c->has_due)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dossier %s is not open, so it cannot be apologised for", c->code),
				 errdetail("The current status is %s.", status_label(c->from)), errtable_of_dossier(), errcolumn_of_dossier("promised_at")));
	if (DatumGetInt16(RV(r, C_APOLOGIES)) >= apology_max)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("dossier %s already has %d apolog%s", c->code,
						DatumGetInt16(RV(r, C_APOLOGIES)),
						DatumGetInt16(RV(r, C_APOLOGIES)) == 1 ? "y" : "ies"),
				 errdetail("tthc.apology_max is %d.", apology_max), errtable_of_dossier(), errcolumn_of_dossier("promised_at")));
	left = work_between(c->cal, c->at, c->old_due);
	need = limit_usec(c->cal, &apology_min_notice);
	if (left < need)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the apology for dossier %s comes too late", c->code),
				 errdetail("It is due at %s, %s of working time after the apology; tthc.apology_min_notice is %s.",
						   ts_str(c->old_due),
						   left <= 0 ? "no time" :
						   psprintf("%.2f hours", (double) left / USECS_PER_HOUR),
						   apology_min_notice_str), errtable_of_dossier(), errcolumn_of_dossier("promised_at")));
	if (promised <= c->old_due)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the promised date of dossier %s must be after its deadline", c->code),
				 errdetail("It is due at %s.", ts_str(c->old_due)), errtable_of_dossier(), errcolumn_of_dossier("promised_at")));
	if (RN(r, C_NOTE) || get_text(r, C_NOTE)[strspn(get_text(r, C_NOTE), " \t\n")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the apology for dossier %s needs a reason", c->code),
				 errhint("Set note to the reason, or call tthc.apologize()."),
				 errtable_of_dossier(), errcolumn_of_dossier("note")));
	if (TIMESTAMP_NOT_FINITE(promised))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the promised date of dossier %s must be a finite time", c->code),
				 errtable_of_dossier(), errcolumn_of_dossier("promised_at")));
	RV(r, C_APOLOGIES) = Int16GetDatum(DatumGetInt16(RV(r, C_APOLOGIES)) + 1);
	e = event_add(c, "apology");
	e->has_old_due = true;
	e->old_due = c->old_due;
	e->note = c->note;
}

/* recompute_due: tthc.recompute_deadlines: the calendar changed under the clock */
static void
recompute_due(Change *c)
{
	Row		   *r = c->r;
	TimestampTz due = lawful_due(c->cal, desk_calendar(get_text(r, C_RECV_UNIT)), c->v, c->channel, DatumGetTimestampTz(RV(r, C_CLOCK)),
								 get_work(r, C_PAUSED_WORK));

	if (!RN(r, C_STEP))
	{
		const ProcedureStep *st = step_of(c->v, DatumGetInt16(RV(r, C_STEP)));

		if (st != NULL)
			set_ts(r, C_STEP_DUE,
				   shift(c->cal, cal_deadline_desk(c->cal,
												   /* (a step begun with the clock reads the desk) */
												   DatumGetTimestampTz(RV(r, C_STEP_START)) == DatumGetTimestampTz(RV(r, C_CLOCK)) ?
												   desk_calendar(get_text(r, C_RECV_UNIT)) : c->cal,
												   DatumGetTimestampTz(RV(r, C_STEP_START)),
												   &st->allowance, c->v->cutoff),
						 get_work(r, C_STEP_PAUSED)));
	}
	if (due != c->old_due)
	{
		Event	   *e = event_add(c, "deadline");

		set_ts(r, C_DUE, due);
		e->has_old_due = true;
		e->old_due = c->old_due;
		e->has_new_due = true;
		e->new_due = due;
		e->note = c->note;
	}
}

/*
 * flag_due: a deadline moved past now clears the flags raised on the old
 * one; a running dossier within tthc.warn_before of its deadline is due
 * soon, noticed once.
 */
static void
flag_due(Change *c)
{
	Row		   *r = c->r;

	if (!RN(r, C_DUE) && c->has_due && DatumGetTimestampTz(RV(r, C_DUE)) != c->old_due &&
		DatumGetTimestampTz(RV(r, C_DUE)) > c->at)
	{
		set_null(r, C_OVERDUE);
		set_null(r, C_DUE_SOON);
	}
	if (status_is_running(c->t) && !RN(r, C_DUE) && RN(r, C_OVERDUE) && RN(r, C_DUE_SOON))
	{
		TimestampTz due = DatumGetTimestampTz(RV(r, C_DUE));

		if (due >= c->at && work_between(c->cal, c->at, due) <= limit_usec(c->cal, &warn_before))
		{
			Event	   *e = event_add(c, "due_soon");

			set_ts(r, C_DUE_SOON, c->at);
			e->has_old_due = true;
			e->old_due = due;
		}
	}
}

/* notice_edit: with no other event, anything else the client changed is an edit */
static void
notice_edit(Change *c)
{
	if (c->n == 0 && other_column_changed(c->r, c->desc, c->r->att[C_CHANGED]))
		event_add(c, "edit")->note = c->note;
}

/* acting_login: tthc.actor, or NULL (acting_officer checks it with the events) */
static const char *
acting_login(void)
{
	return actor_str != NULL && actor_str[0] != '\0' ? actor_str : NULL;
}

/*
 * money_act: a payment, refund, waiver or receipt staged for this dossier
 * (money.c) becomes events of its log, numbered after those so far; a
 * payment that settles what is due moves the dossier on, as its procedure
 * says (procedure.after_payment), through the same rules as any move.
 * dossier.payment is the client's until the dossier has payments (428C9
 * then, with an act or without).
 */
static void
money_act(Change *c, Oid owner)
{
	Row		   *r = c->r;
	char	   *act = money_take(c->code);
	MoneyResult res;

	if (r->att[C_PAYMENT] != 0 && col_changed(r, c->desc, r->att[C_PAYMENT]) &&
		money_dossier_paid(DatumGetInt64(RV(r, C_ID)), owner))
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("dossier.payment of %s follows its payments", c->code),
				 errdetail("The dossier has rows in tthc.payment: online when a payment standing was made online, else offline."),
				 errhint("Record payments with tthc.pay() and refunds with tthc.refund()."),
				 errtable_of_dossier(), errcolumn_of_dossier("payment")));
	if (act == NULL)
		return;
	money_apply(act, DatumGetInt64(RV(r, C_ID)), DatumGetInt32(RV(r, C_EVENT_SEQ)) + c->n + 1,
				c->at, acting_login(), owner, &res);
	for (int i = 0; i < res.nev; i++)
	{
		Event	   *e = event_add(c, res.ev[i].kind);

		e->note = res.ev[i].note;
		if (res.ev[i].unit)
			e->unit = res.ev[i].unit;
	}
	if (res.set_payment && r->att[C_PAYMENT] != 0)
	{
		RN(r, C_PAYMENT) = (res.payment == NULL);
		RV(r, C_PAYMENT) = res.payment ? CStringGetTextDatum(res.payment) : (Datum) 0;
	}
	if (res.move_to != NULL && c->from == c->to)
	{
		Oid			type = TupleDescAttr(c->desc, r->att[C_STATUS] - 1)->atttypid;

		c->to = DatumGetObjectId(DirectFunctionCall2(enum_in, CStringGetDatum(res.move_to),
													 ObjectIdGetDatum(type)));
		RV(r, C_STATUS) = ObjectIdGetDatum(c->to);
		c->t = status_code(c->to);
	}
}

/*
 * update_dossier: the rules of an UPDATE, as a sequence of steps: what the
 * client may write, the event time, the overdue flag, then one of a status
 * move, a hand-over, an apology or a recomputed deadline, then the due
 * flags and, when nothing else happened, an edit.
 */
static void
update_dossier(Row *r, TupleDesc desc, Oid owner, Event *ev, int *nev, TimestampTz *at_out)
{
	Change		c;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.desc = desc;
	c.ev = ev;
	c.from = DatumGetObjectId(OV(r, C_STATUS));
	c.has_due = !RN(r, C_DUE);
	c.old_due = c.has_due ? DatumGetTimestampTz(RV(r, C_DUE)) : 0;
	c.channel = DatumGetInt16(RV(r, C_CHANNEL));

	check_client_columns(r, desc, c.from);
	if (id_changed(r, desc))
		applicant_id_enforce(r);
	c.code = get_text(r, C_CODE);
	if (RN(r, C_STATUS))
		ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION), errmsg("the status of a dossier cannot be null"), errtable_of_dossier(), errcolumn_of_dossier("status")));
	c.to = DatumGetObjectId(RV(r, C_STATUS));
	c.s = status_code(c.from);
	c.t = status_code(c.to);
	c.at = change_time(r, c.code);

	c.hand = get_text(r, C_HAND_UNIT);
	c.cal = calendar_get(unit_calendar(c.hand, "handling"), 0);
	if (col_changed(r, desc, r->att[C_HAND_UNIT]))
		check_unit_standing(c.hand, local_date(c.cal, c.at), "handling_unit");
	if (!RN(r, C_PROC_ID))
	{
		c.v = procedure_version_by_id(get_text(r, C_PROC_CODE), DatumGetInt64(RV(r, C_PROC_ID)));
		if (c.v == NULL)
			elog(ERROR, "procedure version " INT64_FORMAT " of dossier %s is missing",
				 DatumGetInt64(RV(r, C_PROC_ID)), c.code);
	}
	c.note = col_changed(r, desc, r->att[C_NOTE]) ? get_text(r, C_NOTE) : NULL;

	notice_overdue(&c);
	money_act(&c, owner);
	if (col_changed(r, desc, r->att[C_HAND_UNIT]) && c.s != ST_SUBMITTED)
		transfer(&c, TextDatumGetCString(OV(r, C_HAND_UNIT)));
	else if (c.from != c.to)
		move_status(&c);
	else if (col_changed(r, desc, r->att[C_STEP]))
		hand_over(&c);
	else if (col_changed(r, desc, r->att[C_PROMISED]))
		apologise(&c);
	else if (recompute && c.v != NULL && !RN(r, C_CLOCK))
		recompute_due(&c);
	flag_due(&c);
	notice_edit(&c);

	if (c.n == 0)
	{
		/* nothing happened: the latest event keeps its time */
		RV(r, C_CHANGED) = OV(r, C_CHANGED);
		RN(r, C_CHANGED) = false;
	}
	else
		set_ts(r, C_CHANGED, c.at);
	*nev = c.n;
	*at_out = c.at;
}

/*
 * acting_officer: the officer (tthc.actor) the change's events record, or
 * NULL.  An officer must be known, active and work at a unit of the
 * dossier: its unit is, or is above, the receiving, handling or step unit
 * before or after the change.  Events no person causes (a deadline passing,
 * noticed by tthc.sweep) record none.
 */
static const char *
acting_officer(Row *r, const Event *ev, int nev)
{
	const OfficerInfo *o;
	bool		known_table;
	bool		by_person = false;
	static const Col units[] = {C_RECV_UNIT, C_HAND_UNIT, C_STEP_UNIT};

	if (actor_str == NULL || actor_str[0] == '\0')
		return NULL;
	for (int i = 0; i < nev; i++)
		if (!event_is_timer(&ev[i]))
			by_person = true;
	if (!by_person)
		return NULL;
	o = officer_lookup(actor_str, &known_table);
	if (!known_table)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tthc.actor is set but this database has no tthc.officer"),
				 errhint("ALTER EXTENSION tthc UPDATE, then register the officers.")));
	if (o == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("officer \"%s\" (tthc.actor) is not registered", actor_str),
				 errhint("Officers are rows of tthc.officer, maintained by tthc_admin."),
				 errtable_named("officer"), errcolumn_named("login")));
	if (!o->active)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("officer \"%s\" (tthc.actor) is not active", actor_str),
				 errtable_named("officer"), errcolumn_named("active")));
	for (int i = 0; i < lengthof(units); i++)
	{
		if (r->att[units[i]] == 0)
			continue;
		if (!RN(r, units[i]) && unit_within(get_text(r, units[i]), o->unit))
			return o->login;
		if (r->ov != NULL && !ON(r, units[i]) &&
			unit_within(TextDatumGetCString(OV(r, units[i])), o->unit))
			return o->login;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("officer \"%s\" (tthc.actor) does not work at a unit of dossier %s",
					actor_str, get_text(r, C_CODE)),
			 errdetail("The officer works at %s; the dossier is received at %s and handled at %s.",
					   o->unit, get_text(r, C_RECV_UNIT), get_text(r, C_HAND_UNIT)),
			 errtable_of_dossier()));
	return NULL;				/* not reached */
}

/*
 * portal_marked: tthc.portal_mark's update, which moves portal_seq forward
 * and changes nothing else: no event, nothing counted.
 */
static HeapTuple
portal_marked(Row *r, TupleDesc desc, HeapTuple newtuple)
{
	if (other_column_changed(r, desc, r->att[C_PORTAL_SEQ]))
		elog(ERROR, "tthc.portal_mark may change only portal_seq of a dossier");
	if (r->att[C_PORTAL_SEQ] == 0 || RN(r, C_PORTAL_SEQ) ||
		DatumGetInt32(RV(r, C_PORTAL_SEQ)) > DatumGetInt32(RV(r, C_EVENT_SEQ)) ||
		(!ON(r, C_PORTAL_SEQ) && DatumGetInt32(RV(r, C_PORTAL_SEQ)) < DatumGetInt32(OV(r, C_PORTAL_SEQ))))
		elog(ERROR, "tthc.portal_mark moves portal_seq forward, up to event_seq");
	return newtuple;
}

/*
 * tthc_dossier_guard: BEFORE INSERT OR UPDATE FOR EACH ROW on tthc.dossier.
 */
static Datum dossier_guard(FunctionCallInfo fcinfo);

/* the guard holds calendars across lookups: pinned while it runs */
Datum
tthc_dossier_guard(PG_FUNCTION_ARGS)
{
	Datum		result;

	calendar_pin();
	result = dossier_guard(fcinfo);
	calendar_unpin();
	return result;
}

static Datum
dossier_guard(FunctionCallInfo fcinfo)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	Row			row;
	Event		ev[MAX_EVENTS];
	int			nev = 0;
	int			seq;
	TimestampTz at = 0;
	HeapTuple	result;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		elog(ERROR, "tthc_dossier_guard: must be fired before each row");
	if (restoring(td->tg_relation))
		return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);
	desc = RelationGetDescr(td->tg_relation);
	map_columns(desc, RelationGetRelid(td->tg_relation), NCOLS, NCOLS_REQUIRED, col_name,
				dossier_map.att, &dossier_map.relid, &dossier_map.natts);
	/* the row checked before this one is stored by now, or never will be */
	writes_resolve(td->tg_relation);
	taken_numbered = false;

	memset(ev, 0, sizeof(ev));
	row.att = dossier_map.att;
	row.v = palloc(sizeof(Datum) * desc->natts);
	row.n = palloc(sizeof(bool) * desc->natts);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		heap_deform_tuple(td->tg_trigtuple, desc, row.v, row.n);
		row.ov = NULL;
		row.on = NULL;
		check_generated_id(td->tg_relation, DatumGetInt64(RV(&row, C_ID)),
						   td->tg_relation->rd_rel->relowner);
		portal_born = row.att[C_PORTAL_CODE] != 0 && !RN(&row, C_PORTAL_CODE);
		insert_dossier(&row, td->tg_relation->rd_rel->relowner, ev, &nev, &at);
	}
	else if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		heap_deform_tuple(td->tg_newtuple, desc, row.v, row.n);
		row.ov = palloc(sizeof(Datum) * desc->natts);
		row.on = palloc(sizeof(bool) * desc->natts);
		heap_deform_tuple(td->tg_trigtuple, desc, row.ov, row.on);
		if (portal_marking)
			return PointerGetDatum(portal_marked(&row, desc, td->tg_newtuple));
		portal_born = row.att[C_PORTAL_CODE] != 0 && !ON(&row, C_PORTAL_CODE);
		update_dossier(&row, desc, td->tg_relation->rd_rel->relowner, ev, &nev, &at);
	}
	else
		elog(ERROR, "tthc_dossier_guard: must be fired by INSERT or UPDATE");

	seq = DatumGetInt32(RV(&row, C_EVENT_SEQ));
	if (nev == 0)
		return PointerGetDatum(heap_form_tuple(desc, row.v, row.n));
	{
		bool		hashed = row.att[C_EVENT_HASH] != 0;
		bytea	   *last;
		bytea	   *state;
		HeapTuple  *events;
		HeapTuple	apology = NULL;
		/*
		 * A statement that stores every row it does not fail on, and a
		 * schema older than 0.5.0 (no statement trigger to write a held
		 * change at the end of an UPDATE): the change is written at once,
		 * in the trigger's memory.  Otherwise it is held until its row is
		 * seen stored.
		 */
		bool		at_once = stores_every_row(td->tg_relation) ||
			td->tg_relation->trigdesc == NULL ||
			!(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ?
			  td->tg_relation->trigdesc->trig_update_after_statement :
			  td->tg_relation->trigdesc->trig_insert_after_statement);
		MemoryContext cxt = at_once ? CurrentMemoryContext : write_context();
		const bytea *prev = hashed && !RN(&row, C_EVENT_HASH) ?
			DatumGetByteaPP(RV(&row, C_EVENT_HASH)) : NULL;
		PendingWrite *w;

		RV(&row, C_EVENT_SEQ) = Int32GetDatum(seq + nev);
		state = state_digest(desc, RelationGetRelid(td->tg_relation), row.v, row.n);
		events = events_form(DatumGetInt64(RV(&row, C_ID)), seq, at, ev, nev, prev, state,
							 acting_officer(&row, ev, nev), cxt, &last);
		if (hashed)
		{
			/* NULL when the log has lost its hash column: no chain */
			RV(&row, C_EVENT_HASH) = PointerGetDatum(last);
			RN(&row, C_EVENT_HASH) = (last == NULL);
		}
		for (int i = 0; i < nev; i++)
			if (strcmp(ev[i].kind, "apology") == 0)
				apology = apology_form(DatumGetInt64(RV(&row, C_ID)), DatumGetInt16(RV(&row, C_APOLOGIES)),
									   at, get_text(&row, C_NOTE), ev[i].old_due,
									   DatumGetTimestampTz(RV(&row, C_PROMISED)), cxt);
		result = heap_form_tuple(desc, row.v, row.n);
		w = write_make(&row, TRIGGER_FIRED_BY_UPDATE(td->tg_event), result,
					   TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_trigtuple : NULL,
					   at, ev, nev, events, apology, cxt,
					   taken_numbered, &taken_counter, taken_number);
		taken_numbered = false;
		if (at_once)
			write_out(td->tg_relation, w);
		else
			write_hold(w);
	}
	return PointerGetDatum(result);
}

/*
 * tthc_dossier_numbered: AFTER INSERT FOR EACH STATEMENT on tthc.dossier.
 */
Datum
tthc_dossier_numbered(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_dossier_numbered: not called by trigger manager");
	writes_resolve(((TriggerData *) fcinfo->context)->tg_relation);
	counters_store(((TriggerData *) fcinfo->context)->tg_relation->rd_rel->relowner);
	return PointerGetDatum(NULL);
}

/*
 * tthc_dossier_counted: AFTER INSERT OR UPDATE FOR EACH STATEMENT on
 * tthc.dossier.
 */
Datum
tthc_dossier_counted(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_dossier_counted: not called by trigger manager");
	writes_resolve(((TriggerData *) fcinfo->context)->tg_relation);
	report_store();
	return PointerGetDatum(NULL);
}

