/*
 * event_log.c
 *		The process control slip: tthc.dossier_event, written by tthc only,
 *		hash-chained per dossier, each event binding the dossier's state.
 *
 * Vocabulary:
 *	- an event: one row per change of a dossier (kind status, pause,
 *	  resume, restart, handover, deadline, apology, overdue, due_soon,
 *	  edit), numbered seq = 1, 2, ... per dossier.
 *	- the chain: each event's hash is SHA-256 of the previous event's hash
 *	  and its own fields, its `state` included; the dossier keeps the last
 *	  one (event_hash).  Any edit, removal or insertion breaks it from there
 *	  on (tthc.verify_log).
 *	- the state: the digest of the dossier row after the event
 *	  (state_digest), independent of the platform and of the database's
 *	  OIDs, so a restored database computes the same; a row changed without
 *	  an event disagrees with its latest event.
 * Events and apologies are inserted as the catalogs are (heap insert plus
 * index entries: rows_insert), so the logs' own triggers, which refuse
 * every other writer, are not involved.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "colmap.h"
#include "event_log.h"
#include "transitions.h"

typedef enum EvCol
{
	E_DOSSIER, E_SEQ, E_AT, E_KIND, E_FROM, E_TO, E_UNIT, E_STEP, E_STEP_DUE,
	E_STEP_RESULT, E_OLD_DUE, E_NEW_DUE, E_ACTOR, E_NOTE, E_RECORDED,
	E_HASH,						/* from 0.4.0, optional */
	E_STATE,					/* from 0.7.0, optional */
	E_OFFICER,					/* from 0.9.0, optional */
	NEVCOLS
} EvCol;

static const char *const evcol_name[NEVCOLS] = {
	"dossier_id", "seq", "at", "kind", "from_status", "to_status", "unit",
	"step", "step_due_at", "step_result", "old_due_at", "new_due_at", "actor",
	"note", "recorded_at", "hash", "state", "officer"
};
#define NEVCOLS_REQUIRED E_HASH

typedef struct EvMap
{
	Oid			relid;
	int			natts;
	AttrNumber	att[NEVCOLS];
} EvMap;

static EvMap event_map;

/*
 * event_log_invalidate: the log's column map follows the table (called from
 * the dossier's relcache callback: a backend has only ten of them)
 */
void
event_log_invalidate(Oid relid)
{
	if (!OidIsValid(relid) || relid == event_map.relid)
		event_map.relid = InvalidOid;
}

/*
 * event_digest: the link of the hash chain for one event row: SHA-256 of
 * the previous event's hash (nothing for the first) followed by the
 * event's fields, in column order, each as text (timestamps as
 * microseconds since 2000-01-01 UTC, NULL as \N), separated by 0x1f.
 * Everything but the hash itself is covered, so any edit of a stored event,
 * and any removed or inserted event, breaks the chain from there on.
 * Columns added later are appended only when set ("state:" from 0.7.0, the
 * officer from 0.9.0), so the events logged before them keep their hashes.
 */
static void
event_digest(const uint8 *prev, const Datum *v, const bool *n, const AttrNumber *a,
			 uint8 *out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	StringInfoData buf;

	initStringInfo(&buf);
	for (int c = 0; c < NEVCOLS_REQUIRED; c++)
	{
		Datum		d = v[a[c] - 1];

		if (c > 0)
			appendStringInfoChar(&buf, '\x1f');
		if (n[a[c] - 1])
		{
			appendStringInfoString(&buf, "\\N");
			continue;
		}
		switch (c)
		{
			case E_DOSSIER:
				appendStringInfo(&buf, INT64_FORMAT, DatumGetInt64(d));
				break;
			case E_SEQ:
				appendStringInfo(&buf, "%d", DatumGetInt32(d));
				break;
			case E_STEP:
				appendStringInfo(&buf, "%d", (int) DatumGetInt16(d));
				break;
			case E_AT:
			case E_STEP_DUE:
			case E_OLD_DUE:
			case E_NEW_DUE:
			case E_RECORDED:
				appendStringInfo(&buf, INT64_FORMAT, (int64) DatumGetTimestampTz(d));
				break;
			case E_FROM:
			case E_TO:
				appendStringInfoString(&buf, DatumGetCString(DirectFunctionCall1(enum_out, d)));
				break;
			default:
				appendStringInfoString(&buf, TextDatumGetCString(d));
				break;
		}
	}
	/* from 0.7.0 the state of the dossier after the event (older events: none) */
	if (a[E_STATE] != 0 && !n[a[E_STATE] - 1])
	{
		bytea	   *st = DatumGetByteaPP(v[a[E_STATE] - 1]);

		appendStringInfoString(&buf, "\x1fstate:");
		appendBinaryStringInfo(&buf, VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st));
	}
	/* from 0.9.0 the officer a pooled account acted for (tthc.actor) */
	if (a[E_OFFICER] != 0 && !n[a[E_OFFICER] - 1])
	{
		text	   *o = DatumGetTextPP(v[a[E_OFFICER] - 1]);

		appendStringInfoString(&buf, "\x1fofficer:");
		appendBinaryStringInfo(&buf, VARDATA_ANY(o), VARSIZE_ANY_EXHDR(o));
	}
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		(prev != NULL && pg_cryptohash_update(ctx, prev, PG_SHA256_DIGEST_LENGTH) < 0) ||
		pg_cryptohash_update(ctx, (uint8 *) buf.data, buf.len) < 0 ||
		pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	pfree(buf.data);
}

static bytea *
digest_bytea(const uint8 *digest)
{
	bytea	   *b = palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);

	SET_VARSIZE(b, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	memcpy(VARDATA(b), digest, PG_SHA256_DIGEST_LENGTH);
	return b;
}

/*
 * events_form: the event rows of one dossier change, numbered from seq + 1,
 * chained to `prev` (the dossier's latest hash, or NULL), each carrying
 * `state` (the dossier's state digest after the change, or NULL) and
 * `officer` (the person acting, tthc.actor, or NULL), formed in `cxt`; *last is the last event's hash, or NULL when the log has no hash
 * column.
 */
static Oid	event_log_relid(void);

HeapTuple *
events_form(int64 dossier_id, int seq, TimestampTz at, Event *ev, int nev,
			const bytea *prev, const bytea *state, const char *officer, MemoryContext cxt,
			bytea **last)
{
	uint8		chain[PG_SHA256_DIGEST_LENGTH];
	bool		has_prev = false;
	Relation	rel = table_open(event_log_relid(), RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *v = palloc0(sizeof(Datum) * desc->natts);
	bool	   *n = palloc(sizeof(bool) * desc->natts);
	const AttrNumber *a;
	Datum		actor = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	TimestampTz recorded = GetCurrentTransactionStartTimestamp();
	HeapTuple  *tups = MemoryContextAlloc(cxt, sizeof(HeapTuple) * nev);
	Datum		officer_d = officer ? CStringGetTextDatum(officer) : (Datum) 0;

	map_columns(desc, RelationGetRelid(rel), NEVCOLS, NEVCOLS_REQUIRED, evcol_name,
				event_map.att, &event_map.relid, &event_map.natts);
	a = event_map.att;
	if (prev != NULL && VARSIZE_ANY_EXHDR(prev) == PG_SHA256_DIGEST_LENGTH)
	{
		memcpy(chain, VARDATA_ANY(prev), PG_SHA256_DIGEST_LENGTH);
		has_prev = true;
	}

	for (int i = 0; i < nev; i++)
	{
		Event	   *e = &ev[i];
		MemoryContext old;

		memset(n, true, sizeof(bool) * desc->natts);
#define EV_SET(col, val) (v[a[col] - 1] = (val), n[a[col] - 1] = false)
		EV_SET(E_DOSSIER, Int64GetDatum(dossier_id));
		EV_SET(E_SEQ, Int32GetDatum(seq + i + 1));
		EV_SET(E_AT, TimestampTzGetDatum(at));
		EV_SET(E_KIND, CStringGetTextDatum(e->kind));
		if (OidIsValid(e->from))
			EV_SET(E_FROM, ObjectIdGetDatum(e->from));
		if (OidIsValid(e->to))
			EV_SET(E_TO, ObjectIdGetDatum(e->to));
		if (e->unit)
			EV_SET(E_UNIT, CStringGetTextDatum(e->unit));
		if (e->step > 0)
			EV_SET(E_STEP, Int16GetDatum((int16) e->step));
		if (e->has_step_due)
			EV_SET(E_STEP_DUE, TimestampTzGetDatum(e->step_due));
		if (e->step_result)
			EV_SET(E_STEP_RESULT, CStringGetTextDatum(e->step_result));
		if (e->has_old_due)
			EV_SET(E_OLD_DUE, TimestampTzGetDatum(e->old_due));
		if (e->has_new_due)
			EV_SET(E_NEW_DUE, TimestampTzGetDatum(e->new_due));
		EV_SET(E_ACTOR, actor);
		if (e->note)
			EV_SET(E_NOTE, CStringGetTextDatum(e->note));
		EV_SET(E_RECORDED, TimestampTzGetDatum(recorded));
		if (a[E_STATE] != 0 && state != NULL)
			EV_SET(E_STATE, PointerGetDatum(state));
		/* a deadline passing is nobody's act, even in a change someone made */
		if (a[E_OFFICER] != 0 && officer != NULL && !event_is_timer(e))
			EV_SET(E_OFFICER, officer_d);
		if (a[E_HASH] != 0)
		{
			event_digest(has_prev ? chain : NULL, v, n, a, chain);
			has_prev = true;
			EV_SET(E_HASH, PointerGetDatum(digest_bytea(chain)));
		}
#undef EV_SET
		old = MemoryContextSwitchTo(cxt);
		tups[i] = heap_form_tuple(desc, v, n);
		MemoryContextSwitchTo(old);
	}
	table_close(rel, NoLock);
	*last = a[E_HASH] != 0 ? digest_bytea(chain) : NULL;
	return tups;
}

/*
 * event_log_relid: tthc.dossier_event, from its column map while that is
 * valid (a relcache invalidation of the log resets it), without the two
 * catalog lookups of tthc_relid on every dossier write
 */
static Oid
event_log_relid(void)
{
	return OidIsValid(event_map.relid) ? event_map.relid : tthc_relid("dossier_event");
}

/*
 * rows_insert: heap insert plus the index entries, as CatalogTupleInsert
 * does, of rows tthc writes to a log (tthc.dossier_event, tthc.apology):
 * the log's triggers, which refuse every other writer, do not fire.
 */
void
rows_insert(const char *table, HeapTuple *tups, int ntups)
{
	Relation	rel = table_open(strcmp(table, "dossier_event") == 0 ? event_log_relid() :
								 tthc_relid(table), RowExclusiveLock);
	EState	   *estate = CreateExecutorState();
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);

	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	for (int i = 0; i < ntups; i++)
	{
		ExecStoreHeapTuple(tups[i], slot, false);
		simple_table_tuple_insert(rel, slot);
		if (rri->ri_NumIndices > 0)
			ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
		ExecClearTuple(slot);
	}
	ExecCloseIndices(rri);
	ExecDropSingleTupleTableSlot(slot);
	FreeExecutorState(estate);
	table_close(rel, NoLock);
}

/*
 * apology_form: the tthc.apology row of an apology event (form 04), written
 * with the event: clients cannot write apologies.
 */
HeapTuple
apology_form(int64 dossier_id, int seq, TimestampTz at, const char *reason,
			 TimestampTz due, TimestampTz promised, MemoryContext cxt)
{
	Relation	rel = table_open(tthc_relid("apology"), RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *v = palloc0(sizeof(Datum) * desc->natts);
	bool	   *n = palloc(sizeof(bool) * desc->natts);
	static const char *const names[] = {"dossier_id", "seq", "issued_at", "reason", "due_at",
	"promised_at", "issued_by"};
	Datum		vals[7];
	MemoryContext old;
	HeapTuple	tup;

	vals[0] = Int64GetDatum(dossier_id);
	vals[1] = Int16GetDatum((int16) seq);
	vals[2] = TimestampTzGetDatum(at);
	vals[3] = CStringGetTextDatum(reason ? reason : "");
	vals[4] = TimestampTzGetDatum(due);
	vals[5] = TimestampTzGetDatum(promised);
	vals[6] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	memset(n, true, sizeof(bool) * desc->natts);
	for (int i = 0; i < lengthof(names); i++)
	{
		int			att = SPI_fnumber(desc, names[i]);

		if (att <= 0)
			elog(ERROR, "column \"%s\" of tthc.apology is missing", names[i]);
		v[att - 1] = vals[i];
		n[att - 1] = false;
	}
	old = MemoryContextSwitchTo(cxt);
	tup = heap_form_tuple(desc, v, n);
	MemoryContextSwitchTo(old);
	table_close(rel, NoLock);
	return tup;
}

/* ---------- the dossier's state, bound by its latest event ---------- */

/*
 * The columns of tthc.dossier whose values the latest event binds: every
 * column tthc defines but the chain head itself (event_hash).  A column of
 * the user's own is not bound, so adding one does not unbind every dossier.
 */
static const char *const state_col_name[] = {
	"id", "code", "procedure_code", "procedure_id", "receiving_unit",
	"handling_unit", "channel", "applicant_name", "applicant_id",
	"applicant_phone", "applicant_address", "submitted_at", "received_at",
	"status", "changed_at", "due_at", "promised_at", "apologies",
	"clock_started_at", "paused_at", "paused_work", "step", "step_unit",
	"step_started_at", "step_due_at", "step_paused_work", "finished_at",
	"returned_at", "result", "overdue_since", "due_soon_at", "regime", "note",
	"event_seq", "payment", "digitised", "result_electronic"
};
#define NSTATECOLS lengthof(state_col_name)

static struct
{
	Oid			relid;
	int			natts;
	AttrNumber	att[NSTATECOLS];
	Oid			type[NSTATECOLS];
} state_map;

static void
put_be(StringInfo buf, uint64 x, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		appendStringInfoChar(buf, (char) ((x >> (8 * i)) & 0xff));
}

/*
 * state_digest: SHA-256 of the bound columns of a dossier row, each as a
 * presence byte and a value independent of the platform and of the
 * database's OIDs (integers and times big-endian, text as length and bytes,
 * the status as its national code), so that a restored database, or one on
 * another machine, computes the same digest.
 */
bytea *
state_digest(TupleDesc desc, Oid relid, const Datum *v, const bool *n)
{
	StringInfoData buf;
	uint8		out[PG_SHA256_DIGEST_LENGTH];
	pg_cryptohash_ctx *ctx;

	if (state_map.relid != relid || state_map.natts != desc->natts)
	{
		for (int c = 0; c < NSTATECOLS; c++)
		{
			state_map.att[c] = SPI_fnumber(desc, state_col_name[c]);
			if (state_map.att[c] <= 0)
				state_map.att[c] = 0;
			else
				state_map.type[c] = TupleDescAttr(desc, state_map.att[c] - 1)->atttypid;
		}
		state_map.relid = relid;
		state_map.natts = desc->natts;
	}
	initStringInfo(&buf);
	for (int c = 0; c < NSTATECOLS; c++)
	{
		int			i = state_map.att[c] - 1;
		Datum		d;

		if (i < 0)
			continue;
		if (n[i])
		{
			appendStringInfoChar(&buf, 0);
			continue;
		}
		appendStringInfoChar(&buf, 1);
		d = v[i];
		switch (state_map.type[c])
		{
			case INT8OID:
			case TIMESTAMPTZOID:
				put_be(&buf, (uint64) DatumGetInt64(d), 8);
				break;
			case INT4OID:
				put_be(&buf, (uint64) (uint32) DatumGetInt32(d), 4);
				break;
			case INT2OID:
				put_be(&buf, (uint64) (uint16) DatumGetInt16(d), 2);
				break;
			case BOOLOID:
				appendStringInfoChar(&buf, DatumGetBool(d) ? 1 : 0);
				break;
			case INTERVALOID:
				{
					Interval   *iv = DatumGetIntervalP(d);

					put_be(&buf, (uint64) iv->time, 8);
					put_be(&buf, (uint64) (uint32) iv->day, 4);
					put_be(&buf, (uint64) (uint32) iv->month, 4);
				}
				break;
			case TEXTOID:
				{
					text	   *t = DatumGetTextPP(d);

					put_be(&buf, VARSIZE_ANY_EXHDR(t), 4);
					appendBinaryStringInfo(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				}
				break;
			default:
				if (c == 13)	/* status: its national code */
					put_be(&buf, (uint64) status_code(DatumGetObjectId(d)), 2);
				else
				{
					Oid			out_fn;
					bool		varlena;
					char	   *str;

					getTypeOutputInfo(state_map.type[c], &out_fn, &varlena);
					str = OidOutputFunctionCall(out_fn, d);
					put_be(&buf, strlen(str), 4);
					appendStringInfoString(&buf, str);
				}
				break;
		}
	}
	ctx = pg_cryptohash_create(PG_SHA256);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (uint8 *) buf.data, buf.len) < 0 ||
		pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	pfree(buf.data);
	return digest_bytea(out);
}

/*
 * tthc_dossier_state: tthc.dossier_state(tthc.dossier), the digest the
 * dossier's latest event binds; tthc.verify_log compares.
 */
PG_FUNCTION_INFO_V1(tthc_dossier_state);
Datum
tthc_dossier_state(PG_FUNCTION_ARGS)
{
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(0);
	TupleDesc	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(rec),
											  HeapTupleHeaderGetTypMod(rec));
	HeapTupleData tuple;
	Datum	   *v = palloc(sizeof(Datum) * desc->natts);
	bool	   *n = palloc(sizeof(bool) * desc->natts);
	bytea	   *digest;

	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	heap_deform_tuple(&tuple, desc, v, n);
	digest = state_digest(desc, tthc_relid("dossier"), v, n);
	ReleaseTupleDesc(desc);
	PG_RETURN_BYTEA_P(digest);
}

/*
 * tthc_event_hash: tthc.event_hash(prev bytea, e tthc.dossier_event), the
 * hash an event should carry after `prev`; tthc.verify_log compares.
 */
PG_FUNCTION_INFO_V1(tthc_event_hash);
Datum
tthc_event_hash(PG_FUNCTION_ARGS)
{
	HeapTupleHeader rec;
	TupleDesc	desc;
	HeapTupleData tuple;
	Datum	   *v;
	bool	   *n;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	uint8		prev[PG_SHA256_DIGEST_LENGTH];
	bool		has_prev = false;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(0))
	{
		bytea	   *p = PG_GETARG_BYTEA_PP(0);

		if (VARSIZE_ANY_EXHDR(p) != PG_SHA256_DIGEST_LENGTH)
			PG_RETURN_NULL();
		memcpy(prev, VARDATA_ANY(p), PG_SHA256_DIGEST_LENGTH);
		has_prev = true;
	}
	rec = PG_GETARG_HEAPTUPLEHEADER(1);
	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(rec), HeapTupleHeaderGetTypMod(rec));
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	v = palloc(sizeof(Datum) * desc->natts);
	n = palloc(sizeof(bool) * desc->natts);
	heap_deform_tuple(&tuple, desc, v, n);
	map_columns(desc, tthc_relid("dossier_event"), NEVCOLS, NEVCOLS_REQUIRED, evcol_name,
				event_map.att, &event_map.relid, &event_map.natts);
	event_digest(has_prev ? prev : NULL, v, n, event_map.att, digest);
	ReleaseTupleDesc(desc);
	PG_RETURN_BYTEA_P(digest_bytea(digest));
}
