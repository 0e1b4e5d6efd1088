/*
 * calendar.h
 *		Compiled working-time calendars and the arithmetic on them.
 *
 * A calendar is compiled, once per backend, from the tables tthc.calendar,
 * tthc.calendar_week, tthc.calendar_exception and tthc.calendar_year into
 * flat arrays indexed by day (index 0 = CAL_FIRST_YEAR-01-01).  Every query
 * is then an array lookup, or (the inverse of W) a bucket lookup followed by
 * a scan over the few days of one bucket; nothing loops over the range.
 *
 * Vocabulary:
 *	- working day: a date whose working time (the sum of its working
 *	  intervals) is positive.
 *	- working interval: a half-open [start, end) span of local wall-clock
 *	  time, in microseconds since local midnight, in the calendar's zone.
 *	- W(t): the working time from the start of the supported range up to
 *	  instant t.  W is continuous and non-decreasing; it is flat outside
 *	  working intervals.  All working-time arithmetic is done on W.
 */
#ifndef TTHC_CALENDAR_H
#define TTHC_CALENDAR_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "pgtime.h"
#include "utils/date.h"

#include "holidays.h"

#define CAL_FIRST_YEAR 1990
#define CAL_LAST_YEAR 2199
#define CAL_MAX_INTERVALS 8
#define CAL_MAX_DEPTH 16		/* longest parent chain */

/* The working intervals of one day. */
typedef struct DayHours
{
	int			n;
	int64		start[CAL_MAX_INTERVALS];
	int64		end[CAL_MAX_INTERVALS];
	int64		total;			/* sum of end - start */
} DayHours;

/* Why a date differs from the weekly pattern. */
typedef struct DayNote
{
	int32		day;			/* index into the day arrays */
	DayKind		kind;
	bool		provisional;	/* generated from the rules, not official */
	bool		own_hours;		/* the exception carries its own hours */
	uint16		hours;			/* index into patterns */
	const char *name;
	const char *legal_reference;
	const char *source;			/* calendar that defined it */
} DayNote;

typedef struct CompiledCalendar
{
	char		name[NAMEDATALEN];
	MemoryContext cxt;			/* owns everything below */
	DateADT		first;			/* date of index 0 */
	int32		ndays;
	int64		day_length;		/* nominal working day, usec */
	int64		cutoff;			/* same-day cut-off, usec since midnight */
	pg_tz	   *tz;
	char		tzname[TZ_STRLEN_MAX + 1];

	DayHours	week[8];		/* effective hours by ISO weekday 1..7 */
	/* years with an official schedule here or in an ancestor */
	bool		official[CAL_LAST_YEAR - CAL_FIRST_YEAR + 1];
	int			standard;		/* pattern of a make-up day without hours */

	uint16	   *hours;			/* [ndays] pattern index per day */
	DayHours   *patterns;		/* [npatterns]; pattern 0 is "no work" */
	int			npatterns;
	int32	   *cumdays;		/* [ndays+1] working days before index i */
	int32	   *workdays;		/* [nwork] index of the k-th working day */
	int32		nwork;
	int64	   *cumtime;		/* [ndays+1] working usec before index i */
	int64		bucket_size;	/* working time per bucket: the nominal day */
	int32	   *bucket;			/* [nbuckets] first day i with cumtime[i+1] >= j * bucket_size */
	int32		nbuckets;
	TimestampTz *midnight;		/* [ndays+1] instant of local midnight, or NULL
								 * when the zone's offset never changes */
	int64		offset;			/* that fixed offset, usec east of UTC */
	DayNote    *notes;			/* [nnotes] sorted by day */
	int			nnotes;
} CompiledCalendar;

extern void CalendarInit(void);

/*
 * calendar_from_arg: the compiled calendar named by argument argno of the
 * current SQL function call, cached in fn_extra across rows.
 */
extern CompiledCalendar *calendar_from_arg(FunctionCallInfo fcinfo, int argno);
extern CompiledCalendar *calendar_get(const char *name, int depth);
extern void calendar_pin(void);
extern void calendar_unpin(void);

/* Day-level helpers on a compiled calendar (more in worktime.h). */
/* cal_midnight: the instant of local midnight starting day index i */
static inline TimestampTz
cal_midnight(const CompiledCalendar *cal, int32 i)
{
	return cal->midnight ? cal->midnight[i] :
		(int64) (cal->first + i) * USECS_PER_DAY - cal->offset;
}

static inline bool
cal_is_working(const CompiledCalendar *cal, int32 i)
{
	return cal->cumdays[i + 1] != cal->cumdays[i];
}

/* cal_wall_instant: the instant of wall-clock time `wall` on day index `day` */
extern TimestampTz cal_wall_instant(const CompiledCalendar *cal, int32 day, int64 wall);

#endif							/* TTHC_CALENDAR_H */
