/*
 * event_log.h
 *		The hash-chained event log and the dossier's state digest
 *		(event_log.c).
 */
#ifndef TTHC_EVENT_LOG_H
#define TTHC_EVENT_LOG_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/timestamp.h"

/* one event of a dossier change, before it is formed into a log row */
typedef struct Event
{
	const char *kind;
	Oid			from;			/* InvalidOid: none */
	Oid			to;
	const char *unit;
	int			step;			/* 0: none */
	bool		has_step_due;
	TimestampTz step_due;
	const char *step_result;
	bool		has_old_due;
	TimestampTz old_due;
	bool		has_new_due;
	TimestampTz new_due;
	const char *note;
} Event;

#define MAX_EVENTS 6

/*
 * event_is_timer: a deadline passing or nearing (overdue, due_soon), noticed
 * by tthc: nobody's act, so it names no officer, and its listeners are told
 */
static inline bool
event_is_timer(const Event *e)
{
	return strcmp(e->kind, "overdue") == 0 || strcmp(e->kind, "due_soon") == 0;
}

extern void event_log_invalidate(Oid relid);
extern HeapTuple *events_form(int64 dossier_id, int seq, TimestampTz at, Event *ev, int nev,
							  const bytea *prev, const bytea *state, const char *officer,
							  MemoryContext cxt, bytea **last);
extern void rows_insert(const char *table, HeapTuple *tups, int ntups);
extern HeapTuple apology_form(int64 dossier_id, int seq, TimestampTz at, const char *reason,
							  TimestampTz due, TimestampTz promised, MemoryContext cxt);
extern bytea *state_digest(TupleDesc desc, Oid relid, const Datum *v, const bool *n);

#endif							/* TTHC_EVENT_LOG_H */
