/*
 * time_limit.h
 *		tthc.time_limit, a procedure's legal time limit (thời hạn giải quyết).
 *
 * A limit is a unit and an amount in thousandths of that unit, so that
 * '0.5 working days' is exact.  Calendar days are whole; same day has none.
 */
#ifndef TTHC_TIME_LIMIT_H
#define TTHC_TIME_LIMIT_H

#include "postgres.h"
#include "fmgr.h"
#include "datatype/timestamp.h"

typedef enum TimeLimitUnit
{
	TL_WORKING_DAYS = 1,
	TL_WORKING_HOURS = 2,
	TL_DAYS = 3,
	TL_SAME_DAY = 4
} TimeLimitUnit;

/* the largest amount accepted, in units */
#define TL_MAX_AMOUNT 10000

typedef struct TimeLimit
{
	int32		unit;			/* TimeLimitUnit */
	int32		milli;			/* amount * 1000; 0 for same day */
} TimeLimit;

#define DatumGetTimeLimitP(X)		((TimeLimit *) DatumGetPointer(X))
#define PG_GETARG_TIME_LIMIT_P(n)	DatumGetTimeLimitP(PG_GETARG_DATUM(n))


extern void time_limit_parse(const char *str, TimeLimit *tl);

#endif							/* TTHC_TIME_LIMIT_H */
