/*
 * dossier_row.h
 *		A row of tthc.dossier as the guard sees it: its columns by name
 *		(Col, mapped to attribute numbers in dossier_map), and the values of
 *		NEW and, on UPDATE, OLD (Row), with accessors.
 *
 * Columns are found by name (colmap.c), so an owner's own columns and a
 * schema not yet updated (the optional columns after NCOLS_REQUIRED are 0
 * when missing) do not move them.  RV/RN are NEW's value and null flag of a
 * column, OV/ON OLD's.
 */
#ifndef TTHC_DOSSIER_ROW_H
#define TTHC_DOSSIER_ROW_H

#include "postgres.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

typedef enum Col
{
	C_ID, C_CODE, C_PROC_CODE, C_PROC_ID, C_RECV_UNIT, C_HAND_UNIT, C_CHANNEL,
	C_SUBMITTED, C_RECEIVED, C_STATUS, C_CHANGED, C_DUE, C_PROMISED,
	C_APOLOGIES, C_CLOCK, C_PAUSED_AT, C_PAUSED_WORK, C_STEP, C_STEP_UNIT,
	C_STEP_START, C_STEP_DUE, C_STEP_PAUSED, C_FINISHED, C_RETURNED, C_RESULT,
	C_OVERDUE, C_DUE_SOON, C_REGIME, C_NOTE, C_EVENT_SEQ,
	C_EVENT_HASH,				/* from 0.4.0; optional so an old schema still works */
	C_PAYMENT, C_DIGITISED, C_E_RESULT, /* from 0.5.0, optional */
	C_PORTAL_SEQ, C_PORTAL_CODE, C_APPL_TYPE, C_APPL_ID_TYPE, C_APPL_ID,	/* from 0.11.0, optional */
	C_OUT_OF_HOURS,				/* from 0.12.0, optional */
	NCOLS
} Col;

extern const char *const col_name[NCOLS];

/* tthc.dossier.channel */
typedef enum Channel
{
	CHANNEL_IN_PERSON = 1,
	CHANNEL_ONLINE = 2,
	CHANNEL_POSTAL = 3			/* public postal service */
} Channel;

/* tthc.dossier.result, against due_at */
#define RESULT_EARLY	"early"
#define RESULT_ON_TIME	"on_time"
#define RESULT_LATE		"late"

/* tthc.dossier.regime: the legal frame by reception time */
#define REGIME_ND61		"ND61_2018"
#define REGIME_ND118	"ND118_2025"

#define NCOLS_REQUIRED C_EVENT_HASH

typedef struct ColMap
{
	Oid			relid;
	int			natts;
	AttrNumber	att[NCOLS];
} ColMap;

extern ColMap dossier_map;

/* A row being written: the values of NEW (and of OLD on UPDATE). */
typedef struct Row
{
	Datum	   *v;
	bool	   *n;
	Datum	   *ov;
	bool	   *on;
	const AttrNumber *att;
} Row;

#define RV(r, c)	((r)->v[(r)->att[c] - 1])
#define RN(r, c)	((r)->n[(r)->att[c] - 1])
#define OV(r, c)	((r)->ov[(r)->att[c] - 1])
#define ON(r, c)	((r)->on[(r)->att[c] - 1])

static inline void
set_ts(Row *r, Col c, TimestampTz t)
{
	RV(r, c) = TimestampTzGetDatum(t);
	RN(r, c) = false;
}

/* set_bool: a boolean column that may be missing (an optional one) */
static inline void
set_bool(Row *r, Col c, bool b)
{
	if (r->att[c] == 0)
		return;
	RV(r, c) = BoolGetDatum(b);
	RN(r, c) = false;
}

static inline void
set_null(Row *r, Col c)
{
	RV(r, c) = (Datum) 0;
	RN(r, c) = true;
}

static inline void
set_text(Row *r, Col c, const char *s)
{
	if (s == NULL)
		set_null(r, c);
	else
	{
		RV(r, c) = CStringGetTextDatum(s);
		RN(r, c) = false;
	}
}

static inline void
set_work(Row *r, Col c, int64 usec)
{
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = usec;
	RV(r, c) = IntervalPGetDatum(iv);
	RN(r, c) = false;
}

static inline int64
get_work(Row *r, Col c)
{
	Interval   *iv;

	if (RN(r, c))
		return 0;
	iv = DatumGetIntervalP(RV(r, c));
	return iv->time + (int64) iv->day * USECS_PER_DAY;
}

static inline char *
get_text(Row *r, Col c)
{
	return RN(r, c) ? NULL : TextDatumGetCString(RV(r, c));
}

#endif							/* TTHC_DOSSIER_ROW_H */
