/*
 * writes.c
 *		When the guard's writes land: the statement a trigger runs for, the
 *		writes held until their row is stored, and the notices of flags.
 *
 * A BEFORE ROW trigger does not know whether its row will be stored.  The
 * executor hooks keep the running statements (stores_every_row: a plain
 * INSERT or UPDATE of tthc.dossier stores every row it does not fail on,
 * so its events are written at once); any other statement's events,
 * apology and sums are held (PendingWrite) and written once the row is
 * seen stored (row_stored), or dropped with its number given back.  The
 * notices of overdue and due-soon flags are sent at commit.  See the
 * comments of each part below.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "commands/async.h"
#include "executor/executor.h"
#include "nodes/plannodes.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "dossier_row.h"
#include "event_log.h"
#include "numbering.h"
#include "calendar.h"
#include "report.h"
#include "writes.h"

static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;

/* ---------- the statement a trigger runs for ---------- */

/*
 * The executor does not tell a row trigger which statement fired it, so
 * the executor hooks keep a stack of the statements running in this
 * backend (QueryDesc, innermost last).  The guard looks at the innermost:
 * a plain INSERT or UPDATE of tthc.dossier (no ON CONFLICT, not MERGE) on
 * a table with no other BEFORE ROW trigger stores every row the guard
 * returns, unless the statement fails as a whole, so its events can be
 * written at once.  Anything else, or a statement that began before the
 * library was loaded, holds them until the row is seen stored (below).
 * Entries are removed by QueryDesc at ExecutorEnd; an error unwinds them
 * with its subtransaction.
 */
typedef struct RunningStmt
{
	QueryDesc  *qd;
	SubTransactionId sub;		/* where it started: gone if that one aborts */
} RunningStmt;

static List *Running = NIL;		/* of RunningStmt, in TopMemoryContext */

static void
stmt_start(QueryDesc *qd, int eflags)
{
	MemoryContext old;

	if (prev_ExecutorStart)
		prev_ExecutorStart(qd, eflags);
	else
		standard_ExecutorStart(qd, eflags);
	old = MemoryContextSwitchTo(TopMemoryContext);
	{
		RunningStmt *r = palloc(sizeof(RunningStmt));

		r->qd = qd;
		r->sub = GetCurrentSubTransactionId();
		Running = lappend(Running, r);
	}
	MemoryContextSwitchTo(old);
}

static void
stmts_remove(QueryDesc *qd, SubTransactionId aborted)
{
	ListCell   *lc;

	foreach(lc, Running)
	{
		RunningStmt *r = (RunningStmt *) lfirst(lc);

		if (r->qd == qd || (aborted != InvalidSubTransactionId && r->sub >= aborted))
		{
			Running = foreach_delete_current(Running, lc);
			pfree(r);
		}
	}
}

static void
stmt_end(QueryDesc *qd)
{
	stmts_remove(qd, InvalidSubTransactionId);
	if (prev_ExecutorEnd)
		prev_ExecutorEnd(qd);
	else
		standard_ExecutorEnd(qd);
}

void
stmts_subxact(SubXactEvent event, SubTransactionId sub)
{
	/* the statements begun in an aborted subtransaction ended with it */
	if (event == SUBXACT_EVENT_ABORT_SUB)
		stmts_remove(NULL, sub);
}

void
stmts_xact_end(void)
{
	list_free_deep(Running);
	Running = NIL;
}

/* stores_every_row: whether `rel`'s rows returned by the guard are all stored */
bool
stores_every_row(Relation rel)
{
	QueryDesc  *qd;
	PlannedStmt *ps;
	ModifyTable *mt;
	TriggerDesc *trig = rel->trigdesc;

	if (Running == NIL || trig == NULL)
		return false;
	for (int i = 0; i < trig->numtriggers; i++)
	{
		Trigger    *t = &trig->triggers[i];

		if (TRIGGER_FOR_ROW(t->tgtype) && TRIGGER_FOR_BEFORE(t->tgtype) &&
			(TRIGGER_FOR_INSERT(t->tgtype) || TRIGGER_FOR_UPDATE(t->tgtype)) &&
			strcmp(t->tgname, "dossier_guard") != 0)
			return false;
	}
	qd = ((RunningStmt *) llast(Running))->qd;
	ps = qd->plannedstmt;
	/* a data-modifying WITH may hold an INSERT ... ON CONFLICT of its own */
	if (ps == NULL || ps->planTree == NULL || !IsA(ps->planTree, ModifyTable) ||
		(ps->commandType != CMD_INSERT && ps->commandType != CMD_UPDATE) ||
		ps->hasModifyingCTE)
		return false;
	mt = (ModifyTable *) ps->planTree;
	if (mt->onConflictAction != ONCONFLICT_NONE || list_length(mt->resultRelations) != 1)
		return false;
	return rt_fetch(linitial_int(mt->resultRelations), ps->rtable)->relid == RelationGetRelid(rel);
}

/* ---------- writes held until their row is stored ---------- */

/*
 * A BEFORE ROW trigger runs before the executor knows whether the row will
 * be stored: INSERT ... ON CONFLICT skips a row that conflicts after its
 * triggers ran, and a trigger sorted after the guard may return NULL.  So
 * the guard does not write a change's events, apology and report sums at
 * once: it holds them (PendingWrite) and writes them once the row is seen
 * stored, when the next dossier row of the same subtransaction is checked
 * or at the end of the statement (the AFTER STATEMENT triggers).  A row not
 * stored leaves nothing: no event, no count, and its number goes back to
 * the counter.  "Stored" is one index probe on the primary key with
 * SnapshotSelf (our own writes of this command count): a new row is there
 * with its code; an updated one carries at least the event_seq the write
 * gave it (more when a nested statement, in a subtransaction the row's
 * statement opened, changed it again before it was resolved).
 */
typedef struct PendingWrite
{
	SubTransactionId sub;		/* where the row was written */
	int64		id;
	int32		seq;			/* event_seq after the write */
	char	   *code;			/* on INSERT: the code it was given */
	bool		is_update;
	HeapTuple	newtup;
	HeapTuple	oldtup;			/* on UPDATE */
	TimestampTz at;
	int			nev;
	HeapTuple  *events;
	HeapTuple	apology;		/* or NULL */
	bool		numbered;		/* took number `number` of unit/day */
	CounterKey	counter;
	int32		number;
	char	   *notify[MAX_EVENTS];	/* channels to notify (overdue, due soon) */
	char	   *payload;
} PendingWrite;

static MemoryContext WriteContext = NULL;
static List *Writes = NIL;		/* of PendingWrite, oldest first */



MemoryContext
write_context(void)
{
	if (WriteContext == NULL)
		WriteContext = AllocSetContextCreate(TopMemoryContext, "tthc held dossier writes",
											 ALLOCSET_DEFAULT_SIZES);
	return WriteContext;
}

void
writes_forget(void)
{
	Writes = NIL;
	if (WriteContext != NULL)
		MemoryContextReset(WriteContext);
}

/* row_stored: whether the row of `w` is in the table (see above) */
static bool
row_stored(Relation rel, PendingWrite *w)
{
	Relation	idx = index_open(RelationGetPrimaryKeyIndex(rel), AccessShareLock);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	IndexScanDesc scan;
	ScanKeyData key;
	bool		found = false;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(w->id));
	scan = index_beginscan(rel, idx, SnapshotSelf, 1, 0);
	index_rescan(scan, &key, 1, NULL, 0);
	while (!found && index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		seq = slot_getattr(slot, dossier_map.att[C_EVENT_SEQ], &isnull);

		if (isnull || DatumGetInt32(seq) < w->seq)
			continue;
		if (w->code != NULL)
		{
			Datum		code = slot_getattr(slot, dossier_map.att[C_CODE], &isnull);

			/* another dossier with the id a client chose is not this row */
			if (isnull || strcmp(TextDatumGetCString(code), w->code) != 0)
				continue;
		}
		found = true;
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(idx, AccessShareLock);
	return found;
}

/*
 * The notices of flags raised (NOTIFY tthc_overdue, tthc_due_soon) are
 * sent at commit, from the pre-commit callback, rather than when the flag
 * is written: a transaction that sent a NOTIFY cannot be prepared, and a
 * portal's two-phase commit must not fail because its write raised a flag.
 * A prepared transaction's flags are therefore not announced (the flag
 * itself stands).  A notice goes with the subtransaction that wrote it.
 */
typedef struct Notice
{
	SubTransactionId sub;
	char	   *channel;
	char	   *payload;
} Notice;

static MemoryContext NoticeContext = NULL;
static List *Notices = NIL;

static void
notice_queue(const char *channel, const char *payload)
{
	MemoryContext old;
	Notice	   *n;

	if (NoticeContext == NULL)
		NoticeContext = AllocSetContextCreate(TopMemoryContext, "tthc notices",
											  ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(NoticeContext);
	n = palloc(sizeof(Notice));
	n->sub = GetCurrentSubTransactionId();
	n->channel = pstrdup(channel);
	n->payload = pstrdup(payload);
	Notices = lappend(Notices, n);
	MemoryContextSwitchTo(old);
}

void
notices_forget(void)
{
	Notices = NIL;
	if (NoticeContext != NULL)
		MemoryContextReset(NoticeContext);
}

void
notices_send(void)
{
	ListCell   *lc;

	foreach(lc, Notices)
	{
		Notice	   *n = (Notice *) lfirst(lc);

		Async_Notify(n->channel, n->payload);
	}
	notices_forget();
}

void
notices_subxact_end(SubTransactionId sub, SubTransactionId parent, bool commit)
{
	List	   *keep = NIL;
	ListCell   *lc;

	foreach(lc, Notices)
	{
		Notice	   *n = (Notice *) lfirst(lc);

		if (n->sub >= sub && commit)
			n->sub = parent;
		if (commit || n->sub < sub)
			keep = lappend(keep, n);
	}
	if (keep == NIL)
		notices_forget();
	else
	{
		MemoryContext old = MemoryContextSwitchTo(NoticeContext);

		Notices = list_copy(keep);
		MemoryContextSwitchTo(old);
	}
}

/* write_out: the row of `w` is stored: its events, apology, sums, notices */
void
write_out(Relation rel, PendingWrite *w)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Row			row;

	rows_insert("dossier_event", w->events, w->nev);
	if (w->apology != NULL)
		rows_insert("apology", &w->apology, 1);
	if (report_begin())
	{
		row.att = dossier_map.att;
		row.v = palloc(sizeof(Datum) * desc->natts);
		row.n = palloc(sizeof(bool) * desc->natts);
		heap_deform_tuple(w->newtup, desc, row.v, row.n);
		row.ov = NULL;
		row.on = NULL;
		if (w->is_update)
		{
			row.ov = palloc(sizeof(Datum) * desc->natts);
			row.on = palloc(sizeof(bool) * desc->natts);
			heap_deform_tuple(w->oldtup, desc, row.ov, row.on);
		}
		calendar_pin();			/* (it holds two units' calendars at once) */
		count_for_report(&row, w->is_update, w->at);
		calendar_unpin();
	}
	for (int i = 0; i < w->nev; i++)
		if (w->notify[i] != NULL)
			notice_queue(w->notify[i], w->payload);
}

/*
 * writes_resolve: write out or drop what the rows of the current
 * subtransaction hold; holds of outer subtransactions wait for their own.
 */
void
writes_resolve(Relation rel)
{
	SubTransactionId cur = GetCurrentSubTransactionId();
	List	   *keep = NIL;
	List	   *mine = NIL;
	ListCell   *lc;

	if (Writes == NIL)
		return;
	foreach(lc, Writes)
	{
		PendingWrite *w = (PendingWrite *) lfirst(lc);

		if (w->sub == cur)
			mine = lappend(mine, w);
		else
			keep = lappend(keep, w);
	}
	if (mine == NIL)
		return;
	/* taken off the list first: an error below must not write them twice */
	{
		MemoryContext old = MemoryContextSwitchTo(WriteContext);

		Writes = list_copy(keep);
		MemoryContextSwitchTo(old);
	}
	foreach(lc, mine)
	{
		PendingWrite *w = (PendingWrite *) lfirst(lc);

		if (row_stored(rel, w))
			write_out(rel, w);
		else if (w->numbered)
			number_give_back(&w->counter, w->number, rel->rd_rel->relowner);
	}
	if (Writes == NIL)
		writes_forget();
}

void
writes_subxact_abort(SubTransactionId sub)
{
	List	   *keep = NIL;
	ListCell   *lc;

	/* the rows written inside the aborted subtransaction are gone with it */
	foreach(lc, Writes)
	{
		PendingWrite *w = (PendingWrite *) lfirst(lc);

		if (w->sub < sub)
			keep = lappend(keep, w);
	}
	if (keep == NIL)
		writes_forget();
	else
	{
		MemoryContext old = MemoryContextSwitchTo(WriteContext);

		Writes = list_copy(keep);
		MemoryContextSwitchTo(old);
	}
}

void
writes_subxact_commit(SubTransactionId sub, SubTransactionId parent)
{
	ListCell   *lc;

	foreach(lc, Writes)
	{
		PendingWrite *w = (PendingWrite *) lfirst(lc);

		if (w->sub == sub)
			w->sub = parent;
	}
}

/* the JSON of a notice: what the sweep always sent */
static char *
notice_payload(Row *r)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"code\" : ");
	escape_json(&buf, get_text(r, C_CODE));
	appendStringInfoString(&buf, ", \"receiving_unit\" : ");
	escape_json(&buf, get_text(r, C_RECV_UNIT));
	appendStringInfoString(&buf, ", \"handling_unit\" : ");
	escape_json(&buf, get_text(r, C_HAND_UNIT));
	appendStringInfoString(&buf, ", \"due_at\" : ");
	if (RN(r, C_DUE))
		appendStringInfoString(&buf, "null");
	else
	{
		char		ts[MAXDATELEN + 1];

		JsonEncodeDateTime(ts, TimestampTzGetDatum(DatumGetTimestampTz(RV(r, C_DUE))), TIMESTAMPTZOID, NULL);
		appendStringInfo(&buf, "\"%s\"", ts);
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * write_make: the write of a change, in `cxt`: the held list's context for
 * a held write (the row's tuples copied), the trigger's for one written at
 * once.
 */
PendingWrite *
write_make(Row *r, bool is_update, HeapTuple newtup, HeapTuple oldtup, TimestampTz at,
		   Event *ev, int nev, HeapTuple *events, HeapTuple apology, MemoryContext cxt,
		   bool numbered, const CounterKey *counter, int32 number)
{
	char	   *payload = NULL;
	MemoryContext old;
	PendingWrite *w;
	bool		held = (cxt != CurrentMemoryContext);

	for (int i = 0; i < nev && payload == NULL; i++)
		if (event_is_timer(&ev[i]))
			payload = notice_payload(r);
	old = MemoryContextSwitchTo(cxt);
	w = palloc0(sizeof(PendingWrite));
	w->sub = GetCurrentSubTransactionId();
	w->id = DatumGetInt64(RV(r, C_ID));
	w->seq = DatumGetInt32(RV(r, C_EVENT_SEQ));
	w->code = is_update ? NULL : pstrdup(get_text(r, C_CODE));
	w->is_update = is_update;
	w->newtup = held ? heap_copytuple(newtup) : newtup;
	w->oldtup = oldtup && held ? heap_copytuple(oldtup) : oldtup;
	w->at = at;
	w->nev = nev;
	w->events = events;
	w->apology = apology;
	w->numbered = numbered;
	if (numbered)
		w->counter = *counter;
	w->number = number;
	for (int i = 0; i < nev; i++)
		if (event_is_timer(&ev[i]))
			w->notify[i] = psprintf("tthc_%s", ev[i].kind);
	w->payload = payload ? pstrdup(payload) : NULL;
	MemoryContextSwitchTo(old);
	return w;
}

/* write_hold: hold a write made in write_context() until its row is seen */
void
write_hold(PendingWrite *w)
{
	MemoryContext old = MemoryContextSwitchTo(WriteContext);

	Writes = lappend(Writes, w);
	MemoryContextSwitchTo(old);
}

bool
writes_pending(void)
{
	return Writes != NIL;
}

void
WritesInit(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = stmt_start;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = stmt_end;
}
