/*
 * report.c
 *		Report aggregates kept as dossiers change.
 *
 * tthc.report() and tthc.indicators_766() read per-day sums per handling
 * unit and procedure field instead of the dossiers themselves.  The dossier
 * trigger counts, for every row it writes, what the write changes (a
 * reception, a resolution, a dossier entering or leaving the open, paused
 * or overdue stock, ...) into a hash in memory keyed by unit, procedure
 * field and local day.  The AFTER STATEMENT trigger tthc.dossier_counted
 * appends the sums as rows of tthc.report_delta (a heap insert, as the
 * event log is written): one row per key and statement, never an update,
 * so concurrent writers never wait for each other.  tthc.report_compact()
 * (run by the background worker after each sweep) folds the deltas into
 * tthc.report_day and tthc.report_month; the report functions read those
 * and the deltas, so they are exact at any moment.  count_for_report (at
 * the end of this file) is what one dossier write changes.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "pending.h"
#include "report.h"
#include "clock.h"
#include "dossier_row.h"
#include "transitions.h"

/*
 * Sums are kept per unit, field and day.  A field is named by the first
 * procedure version of the statement that has it (its representative; 0
 * for none), so the versions of one field, often many, share one entry and
 * one delta row, and the key stays a fixed-size blob.
 */
typedef struct ReportKey
{
	char		unit[REGISTRY_KEYLEN];
	int64		field_rep;
	DateADT		day;
} ReportKey;

typedef struct ReportEntry
{
	ReportKey	key;
	const char *field;			/* "" when the procedure has none */
	bool		dirty;
	int64		m[NREPORT_MEASURES];
	int64		work;			/* working time to resolve, usec */
} ReportEntry;

static MemoryContext ReportContext = NULL;
static HTAB *Entries = NULL;
static ReportEntry *last_entry = NULL;

typedef struct FieldRep
{
	int64		version;		/* hash key */
	int64		rep;
	const char *field;
} FieldRep;

static HTAB *Reps = NULL;		/* version id -> its field's representative */
static FieldRep **fields = NULL;	/* the representatives, one per field */
static int	nfields = 0;
static const FieldRep *last_rep = NULL;

/* the column of tthc.report_delta of each measure */
static const char *const report_measure_name[NREPORT_MEASURES] = {
	[RM_RECEIVED_IN_PERSON] = "received_in_person",
	[RM_RECEIVED_ONLINE] = "received_online",
	[RM_RECEIVED_POSTAL] = "received_postal",
	[RM_RECEIVED_OUT_OF_HOURS] = "received_out_of_hours",
	[RM_RESOLVED_EARLY] = "resolved_early",
	[RM_RESOLVED_ON_TIME] = "resolved_on_time",
	[RM_RESOLVED_LATE] = "resolved_late",
	[RM_REFUSED] = "refused",
	[RM_WITHDRAWN] = "withdrawn",
	[RM_STOPPED] = "stopped",
	[RM_SUPPLEMENT_REQUESTS] = "supplement_requests",
	[RM_TRANSFERRED_IN] = "transferred_in",
	[RM_TRANSFERRED_OUT] = "transferred_out",
	[RM_OPEN_CHANGE] = "open_change",
	[RM_SUPPLEMENT_CHANGE] = "supplement_change",
	[RM_OVERDUE_CHANGE] = "overdue_change",
	[RM_OFFERED_ONLINE] = "offered_online",
	[RM_OFFERED_ONLINE_ONLINE] = "offered_online_online",
	[RM_WITH_FEE] = "with_fee",
	[RM_PAID_ONLINE] = "paid_online",
	[RM_DIGITISED] = "digitised",
	[RM_RECEIVED_HERE] = "received_here",
	[RM_RESULT_ELECTRONIC] = "result_electronic",
};

/* the subtransactions that changed the sums in memory (pending.h) */
static PendingSubs pending;

void
report_check(void)
{
	if (pending.broken)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("a subtransaction rolled back dossier changes in the middle of a statement that changed other dossiers"),
				 errdetail("The report sums of the rows kept and of the rows rolled back cannot be told apart."),
				 errhint("Catch errors around whole statements that write dossiers (as a call of tthc.transition is), not inside one.")));
}

static void
note_change(void)
{
	report_check();
	pending_changed(&pending);
}

void
report_subxact_abort(SubTransactionId sub)
{
	if (pending_subxact_abort(&pending, sub) == PENDING_FORGET)
		report_forget();
}

void
report_subxact_commit(SubTransactionId sub, SubTransactionId parent)
{
	pending_subxact_commit(&pending, sub, parent);
}

void
report_xact_end(void)
{
	report_forget();
	pending_xact_end(&pending);
}

/*
 * report_begin: whether this database keeps the aggregates (it does from
 * 0.5.0 on: tthc.report_delta exists).
 */
bool
report_begin(void)
{
	Oid			nsp;

	if (Entries != NULL)
		return true;
	nsp = get_namespace_oid("tthc", true);
	return OidIsValid(nsp) && OidIsValid(get_relname_relid("report_delta", nsp));
}

void
report_forget(void)
{
	if (ReportContext != NULL)
		MemoryContextReset(ReportContext);
	Entries = NULL;
	last_entry = NULL;
	Reps = NULL;
	fields = NULL;
	nfields = 0;
	last_rep = NULL;
	pending_forgotten(&pending);
}

bool
report_pending(void)
{
	HASH_SEQ_STATUS it;
	ReportEntry *e;

	if (pending.broken)
		return true;
	if (Entries == NULL)
		return false;
	hash_seq_init(&it, Entries);
	while ((e = hash_seq_search(&it)) != NULL)
		if (e->dirty)
		{
			hash_seq_term(&it);
			return true;
		}
	return false;
}

static void
report_context(void)
{
	if (ReportContext == NULL)
		ReportContext = AllocSetContextCreate(TopMemoryContext, "tthc report aggregates",
											  ALLOCSET_DEFAULT_SIZES);
}

/*
 * field_rep: the representative of a version's field (see ReportKey); a
 * version met for the first time is compared with the fields seen so far.
 */
static const FieldRep *
field_rep(const ProcedureVersion *v)
{
	static const FieldRep none = {0, 0, ""};
	FieldRep   *r;
	bool		found;

	if (v == NULL || v->field == NULL || v->field[0] == '\0')
		return &none;
	if (last_rep != NULL && last_rep->version == v->id)
		return last_rep;
	if (Reps == NULL)
	{
		HASHCTL		ctl;

		report_context();
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(FieldRep);
		ctl.hcxt = ReportContext;
		Reps = hash_create("tthc report fields", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	r = hash_search(Reps, &v->id, HASH_ENTER, &found);
	if (!found)
	{
		r->rep = 0;
		for (int i = 0; i < nfields; i++)
			if (strcmp(fields[i]->field, v->field) == 0)
			{
				r->rep = fields[i]->rep;
				r->field = fields[i]->field;
				break;
			}
		if (r->rep == 0)
		{
			r->rep = v->id;
			r->field = MemoryContextStrdup(ReportContext, v->field);
			fields = fields == NULL ? MemoryContextAlloc(ReportContext, sizeof(FieldRep *) * 8)
				: (nfields % 8 == 0 ? repalloc(fields, sizeof(FieldRep *) * (nfields + 8)) : fields);
			fields[nfields++] = r;
		}
	}
	last_rep = r;
	return r;
}

static ReportEntry *
entry_for(const char *unit, const ProcedureVersion *v, DateADT day)
{
	ReportKey	key;
	bool		found;
	ReportEntry *e;
	const FieldRep *f = field_rep(v);

	if (last_entry != NULL && last_entry->key.day == day &&
		last_entry->key.field_rep == f->rep && strcmp(last_entry->key.unit, unit) == 0)
		return last_entry;
	if (Entries == NULL)
	{
		HASHCTL		ctl;

		report_context();
		ctl.keysize = sizeof(ReportKey);
		ctl.entrysize = sizeof(ReportEntry);
		ctl.hcxt = ReportContext;
		Entries = hash_create("tthc report aggregates", 64, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&key, 0, sizeof(key));
	strlcpy(key.unit, unit, REGISTRY_KEYLEN);
	key.field_rep = f->rep;
	key.day = day;
	e = hash_search(Entries, &key, HASH_ENTER, &found);
	if (!found)
	{
		memset(e->m, 0, sizeof(e->m));
		e->work = 0;
		e->dirty = false;
		e->field = f->field;
	}
	last_entry = e;
	return e;
}

void
report_add(const char *unit, const ProcedureVersion *v, DateADT day, ReportMeasure m, int64 delta)
{
	ReportEntry *e;

	if (delta == 0)
		return;
	note_change();
	e = entry_for(unit, v, day);
	e->m[m] += delta;
	e->dirty = true;
}

void
report_add_work(const char *unit, const ProcedureVersion *v, DateADT day, int64 usec)
{
	ReportEntry *e;

	note_change();
	e = entry_for(unit, v, day);
	e->work += usec;
	e->dirty = true;
}

/*
 * report_store: append the statement's sums to tthc.report_delta, and
 * forget them.  A heap insert plus any index entries, as the event log is
 * written (clients need no grant, and a statement pays no executor start-up
 * for it).  The columns are unit, field, day, then by name: the measures,
 * resolved_work, the row's gid, and the rating counts, which dossier writes
 * leave at zero.  (Columns added by an update come last, in any order.)
 */
void
report_store(void)
{
	HASH_SEQ_STATUS it;
	ReportEntry *e;
	Relation	rel = NULL;
	TupleDesc	desc = NULL;
	EState	   *estate = NULL;
	ResultRelInfo *rri = NULL;
	TupleTableSlot *slot = NULL;
	Datum	   *v = NULL;
	bool	   *n = NULL;
	int		   *measure_of = NULL;	/* the measure of each column, or -1 */
	bool		stored[NREPORT_MEASURES];	/* which measures have a column */

	report_check();
	if (Entries == NULL)
		return;
	hash_seq_init(&it, Entries);
	while ((e = hash_seq_search(&it)) != NULL)
	{
		bool		zero = (e->work == 0);
		Interval   *work;
		HeapTuple	tup;
		int			col;

		if (!e->dirty)
			continue;
		for (int i = 0; i < NREPORT_MEASURES; i++)
			zero = zero && e->m[i] == 0;
		if (zero)
			continue;			/* changes that cancelled out */
		if (rel == NULL)
		{
			Oid			nsp = get_namespace_oid("tthc", false);

			rel = table_open(get_relname_relid("report_delta", nsp), RowExclusiveLock);
			desc = RelationGetDescr(rel);
			estate = CreateExecutorState();
			rri = makeNode(ResultRelInfo);
			InitResultRelInfo(rri, rel, 1, NULL, 0);
			ExecOpenIndices(rri, false);
			slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
			v = palloc(sizeof(Datum) * desc->natts);
			n = palloc0(sizeof(bool) * desc->natts);
			measure_of = palloc(sizeof(int) * desc->natts);
			for (col = 0; col < desc->natts; col++)
			{
				measure_of[col] = -1;
				for (int i = 0; i < NREPORT_MEASURES; i++)
					if (strcmp(NameStr(TupleDescAttr(desc, col)->attname), report_measure_name[i]) == 0)
						measure_of[col] = i;
			}
			memset(stored, 0, sizeof(stored));
			for (col = 0; col < desc->natts; col++)
				if (measure_of[col] >= 0)
					stored[measure_of[col]] = true;
		}
		/* (a database not yet updated lacks the newer measures' columns: a
		 * transfer cannot happen there; received_here, the update derives) */
		for (int i = 0; i < NREPORT_MEASURES; i++)
			if (!stored[i] && e->m[i] != 0 && i != RM_RECEIVED_HERE)	/* (the update derives it) */
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("tthc.report_delta has no column \"%s\"", report_measure_name[i]),
						 errhint("Update the extension: ALTER EXTENSION tthc UPDATE.")));
		work = palloc0(sizeof(Interval));
		work->time = e->work;
		v[0] = CStringGetTextDatum(e->key.unit);
		v[1] = CStringGetTextDatum(e->field);
		v[2] = DateADTGetDatum(e->key.day);
		for (col = 3; col < desc->natts; col++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, col);
			int			m = measure_of[col];

			if (att->attisdropped)
			{
				n[col] = true;
				continue;
			}
			if (att->atttypid == UUIDOID)
			{
				/* gid: the row's identity in the country, a random (v4) uuid */
				pg_uuid_t  *gid = palloc(sizeof(pg_uuid_t));

				if (!pg_strong_random(gid->data, UUID_LEN))
					ereport(ERROR,
							(errcode(ERRCODE_INTERNAL_ERROR),
							 errmsg("could not generate a random uuid")));
				gid->data[6] = (gid->data[6] & 0x0f) | 0x40;
				gid->data[8] = (gid->data[8] & 0x3f) | 0x80;
				v[col] = UUIDPGetDatum(gid);
				n[col] = false;
				continue;
			}
			if (m >= 0 && att->atttypid == INT8OID)
				v[col] = Int64GetDatum(e->m[m]);
			else if (att->atttypid == INTERVALOID && strcmp(NameStr(att->attname), "resolved_work") == 0)
				v[col] = IntervalPGetDatum(work);
			else if (att->atttypid == INT8OID && strncmp(NameStr(att->attname), "rated", 5) == 0)
				v[col] = Int64GetDatum(0);
			else
				elog(ERROR, "unexpected column \"%s\" in tthc.report_delta", NameStr(att->attname));
		}
		tup = heap_form_tuple(desc, v, n);
		ExecStoreHeapTuple(tup, slot, false);
		simple_table_tuple_insert(rel, slot);
		if (rri->ri_NumIndices > 0)
			ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
		ExecClearTuple(slot);
		heap_freetuple(tup);
	}
	if (rel != NULL)
	{
		ExecCloseIndices(rri);
		ExecDropSingleTupleTableSlot(slot);
		FreeExecutorState(estate);
		table_close(rel, NoLock);
	}
	pending_flushed(&pending);
	report_forget();
}

/* ---------- counting a dossier write (the guard calls it) ---------- */

/*
 * count_attributes: what a dossier row holds for the 766 ratios, counted
 * with `sign` on its reception day (payment, digitisation, procedures
 * offered online) and its resolution day (electronic result).
 */
static void
count_attributes(const char *unit, const ProcedureVersion *v, const CompiledCalendar *cal,
				 Datum *val, bool *null, const AttrNumber *att, int sign)
{
#define AV(c) (val[att[c] - 1])
#define AN(c) (null[att[c] - 1])
	if (!AN(C_RECEIVED))
	{
		DateADT		day = local_date(cal, DatumGetTimestampTz(AV(C_RECEIVED)));

		/* the denominator of the dossier's own ratios, moving with it */
		report_add(unit, v, day, RM_RECEIVED_HERE, sign);

		if (v != NULL && v->online)
		{
			report_add(unit, v, day, RM_OFFERED_ONLINE, sign);
			if (DatumGetInt16(AV(C_CHANNEL)) == CHANNEL_ONLINE)
				report_add(unit, v, day, RM_OFFERED_ONLINE_ONLINE, sign);
		}
		if (att[C_PAYMENT] != 0 && !AN(C_PAYMENT))
		{
			char	   *p = TextDatumGetCString(AV(C_PAYMENT));

			report_add(unit, v, day, RM_WITH_FEE, sign);
			if (strcmp(p, "online") == 0)
				report_add(unit, v, day, RM_PAID_ONLINE, sign);
		}
		if (att[C_DIGITISED] != 0 && !AN(C_DIGITISED) && DatumGetBool(AV(C_DIGITISED)))
			report_add(unit, v, day, RM_DIGITISED, sign);
	}
	if (!AN(C_FINISHED) && att[C_E_RESULT] != 0 && !AN(C_E_RESULT) && DatumGetBool(AV(C_E_RESULT)))
		report_add(unit, v, local_date(cal, DatumGetTimestampTz(AV(C_FINISHED))),
				   RM_RESULT_ELECTRONIC, sign);
#undef AV
#undef AN
}

/*
 * count_for_report: what this write changes in the report aggregates, on
 * the local day of its event time `at`, for the dossier's handling unit
 * and procedure version (the version in force at submission while it has
 * none).  tthc.report_rebuild() derives the same sums from the event log.
 */
void
count_for_report(Row *r, bool is_update, TimestampTz at)
{
	char	   *hand = get_text(r, C_HAND_UNIT);
	const CompiledCalendar *cal = calendar_get(unit_calendar(hand, "handling"), 0);
	const ProcedureVersion *v;
	DossierStatus s = is_update ? status_code(DatumGetObjectId(OV(r, C_STATUS))) : 0;
	DossierStatus t = status_code(DatumGetObjectId(RV(r, C_STATUS)));
	DateADT		day = local_date(cal, at);
	bool		over_before,
				over_after;
	char	   *from = is_update ? TextDatumGetCString(OV(r, C_HAND_UNIT)) : hand;
	bool		other_unit = strcmp(from, hand) != 0;
	bool		moved = is_update && status_is_open(s) && other_unit;
	/* the old unit's calendar (calendars stay valid while the guard runs) */
	const CompiledCalendar *fcal = other_unit ? calendar_get(unit_calendar(from, "handling"), 0) : cal;
	bool		newly_overdue = is_update && status_is_running(s) && ON(r, C_OVERDUE) && !RN(r, C_OVERDUE);
	/* overdue since the deadline, but not before the unit received it (a
	 * deadline that ran from an earlier submission: tthc.online_clock_start) */
	TimestampTz over_from = newly_overdue ?
		Max(DatumGetTimestampTz(RV(r, C_OVERDUE)), DatumGetTimestampTz(RV(r, C_RECEIVED))) : 0;

	if (!RN(r, C_PROC_ID))
		v = procedure_version_by_id(get_text(r, C_PROC_CODE), DatumGetInt64(RV(r, C_PROC_ID)));
	else
	{
		bool		known;

		v = procedure_version_at(get_text(r, C_PROC_CODE),
								 local_date(cal, DatumGetTimestampTz(RV(r, C_SUBMITTED))), &known);
	}

	/*
	 * A transfer: the open dossier leaves the old unit's stocks and joins
	 * the new one's, counted out and in on the day of the transfer (each
	 * unit's local day).  A deadline the same write noticed had passed was
	 * passed at the old unit: flagged there, the dossier carries it over.
	 */
	if (moved)
	{
		DateADT		from_day = local_date(fcal, at);
		int			supp = (s == ST_AWAITING_SUPPLEMENT);
		int			over = status_is_running(s) && (!ON(r, C_OVERDUE) || newly_overdue);

		if (newly_overdue)
			report_add(from, v, local_date(fcal, over_from), RM_OVERDUE_CHANGE, 1);
		report_add(from, v, from_day, RM_TRANSFERRED_OUT, 1);
		report_add(from, v, from_day, RM_OPEN_CHANGE, -1);
		report_add(from, v, from_day, RM_SUPPLEMENT_CHANGE, -supp);
		report_add(from, v, from_day, RM_OVERDUE_CHANGE, -over);
		report_add(hand, v, day, RM_TRANSFERRED_IN, 1);
		report_add(hand, v, day, RM_OPEN_CHANGE, 1);
		report_add(hand, v, day, RM_SUPPLEMENT_CHANGE, supp);
		report_add(hand, v, day, RM_OVERDUE_CHANGE, over);
	}

	if (s != t)
	{
		switch (t)
		{
			case ST_RECEIVED:
				/* a dossier is received once: back to received after a
				 * supplement (a province's own transition) is no reception */
				if (is_update && s != ST_SUBMITTED)
					break;
				report_add(hand, v, day,
						   DatumGetInt16(RV(r, C_CHANNEL)) == CHANNEL_ONLINE ? RM_RECEIVED_ONLINE :
						   DatumGetInt16(RV(r, C_CHANNEL)) == CHANNEL_POSTAL ? RM_RECEIVED_POSTAL :
						   RM_RECEIVED_IN_PERSON, 1);
				if (r->att[C_OUT_OF_HOURS] != 0 && !RN(r, C_OUT_OF_HOURS) && DatumGetBool(RV(r, C_OUT_OF_HOURS)))
					report_add(hand, v, day, RM_RECEIVED_OUT_OF_HOURS, 1);
				break;
			case ST_RESOLVED:
				{
					const char *res = get_text(r, C_RESULT);

					report_add(hand, v, day,
							   strcmp(res, RESULT_EARLY) == 0 ? RM_RESOLVED_EARLY :
							   strcmp(res, RESULT_LATE) == 0 ? RM_RESOLVED_LATE : RM_RESOLVED_ON_TIME, 1);
					report_add_work(hand, v, day,
									work_between(cal, DatumGetTimestampTz(RV(r, C_CLOCK)),
												 DatumGetTimestampTz(RV(r, C_FINISHED))) -
									get_work(r, C_PAUSED_WORK));
				}
				break;
			case ST_REFUSED:
				report_add(hand, v, day, RM_REFUSED, 1);
				break;
			case ST_WITHDRAWN:
				report_add(hand, v, day, RM_WITHDRAWN, 1);
				break;
			case ST_STOPPED:
				report_add(hand, v, day, RM_STOPPED, 1);
				break;
			case ST_AWAITING_SUPPLEMENT:
				report_add(hand, v, day, RM_SUPPLEMENT_REQUESTS, 1);
				break;
			default:
				break;
		}
		report_add(hand, v, day, RM_OPEN_CHANGE, (int) status_is_open(t) - (int) status_is_open(s));
		report_add(hand, v, day, RM_SUPPLEMENT_CHANGE,
				   (int) (t == ST_AWAITING_SUPPLEMENT) - (int) (s == ST_AWAITING_SUPPLEMENT));
	}
	/*
	 * A dossier flagged overdue by this write has been overdue since its
	 * deadline (overdue_since), however late the sweep noticed it: it joins
	 * the overdue stock on that day.
	 */
	over_before = is_update && status_is_running(s) && !ON(r, C_OVERDUE);
	if (newly_overdue)
	{
		if (!moved)				/* (else counted at the old unit, above) */
			report_add(hand, v, local_date(cal, over_from), RM_OVERDUE_CHANGE, 1);
		over_before = true;
	}
	over_after = status_is_running(t) && !RN(r, C_OVERDUE);
	report_add(hand, v, day, RM_OVERDUE_CHANGE, (int) over_after - (int) over_before);

	/*
	 * The attributes belong to the dossier: a transfer takes them from the
	 * old unit to the new one (the rebuild counts them at today's unit).
	 */
	if (is_update)
		count_attributes(from, v, fcal, r->ov, r->on, r->att, -1);
	count_attributes(hand, v, cal, r->v, r->n, r->att, 1);
}
