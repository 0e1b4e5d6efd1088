/*
 * worktime.c
 *		Working-day and working-time arithmetic on a compiled calendar, and
 *		the SQL functions that expose it.
 *
 * Contracts (all dates and times local to the calendar's time zone, whatever
 * the session's TimeZone):
 *	- add_working_days(d, n): n >= 1, the n-th working day strictly after d;
 *	  n = 0, d if working else the next working day; n < 0, the |n|-th
 *	  working day strictly before d.
 *	- working_days_between(a, b): the working days stepped onto when moving
 *	  from a to b, a excluded and b included: a < x <= b counted positive,
 *	  b <= x < a counted negative.  Hence, for every n != 0 and every d,
 *	  working_days_between(d, add_working_days(d, n)) = n.
 *	- add_working_time(t, x) moves W (see calendar.h) by x.  For x > 0 the
 *	  earliest instant reaching W(t) + x: work completing at 17:00 ends at
 *	  17:00.  For x <= 0 the latest such instant: a start outside working
 *	  time is normalised to the next interval's start, and a backward move
 *	  ending at 07:30 stays at 07:30.
 *	- working_time_between(a, b) = W(b) - W(a).
 * Every lookup is O(1); the inverse of W starts from a bucket index and
 * scans the few days one nominal working day of work can span.
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "calendar.h"
#include "holidays.h"
#include "worktime.h"
#include "time_limit.h"

PG_FUNCTION_INFO_V1(tthc_is_working_day);
PG_FUNCTION_INFO_V1(tthc_add_working_days);
PG_FUNCTION_INFO_V1(tthc_working_days_between);
PG_FUNCTION_INFO_V1(tthc_add_working_time);
PG_FUNCTION_INFO_V1(tthc_working_time_between);
PG_FUNCTION_INFO_V1(tthc_deadline);
PG_FUNCTION_INFO_V1(tthc_calendar_days);

static void
out_of_range(const CompiledCalendar *cal, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s is out of the range of calendar \"%s\"", what, cal->name),
			 errdetail("Calendars cover %d-01-01 to %d-12-31.",
					   CAL_FIRST_YEAR, CAL_LAST_YEAR)));
}

int32
cal_day_index(const CompiledCalendar *cal, DateADT d)
{
	int64		i;

	if (DATE_NOT_FINITE(d))
		out_of_range(cal, "date");
	i = (int64) d - cal->first;
	if (i < 0 || i >= cal->ndays)
		out_of_range(cal, "date");
	return (int32) i;
}

/*
 * cal_local: the local day index of instant ts and the real time elapsed
 * since that day's local midnight (wall-clock time except on the day of a
 * daylight-saving change; the compiled intervals of such days are real
 * offsets too, see calendar.c).
 */
void
cal_local(const CompiledCalendar *cal, TimestampTz ts, int32 *day, int64 *tod)
{
	int64		i;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		ts < cal_midnight(cal, 0) || ts >= cal_midnight(cal, cal->ndays))
		out_of_range(cal, "timestamp");

	/* the local date is within a day of the UTC date */
	i = (ts >= 0 ? ts / USECS_PER_DAY : -((-ts - 1) / USECS_PER_DAY) - 1) - cal->first;
	if (i < 0)
		i = 0;
	if (i > cal->ndays - 1)
		i = cal->ndays - 1;
	while (i > 0 && ts < cal_midnight(cal, i))
		i--;
	while (i < cal->ndays - 1 && ts >= cal_midnight(cal, i + 1))
		i++;
	*day = (int32) i;
	*tod = ts - cal_midnight(cal, i);
}

/* cal_instant: the instant at offset tod of local day index day. */
TimestampTz
cal_instant(const CompiledCalendar *cal, int32 day, int64 tod)
{
	return cal_midnight(cal, day) + tod;
}

/* wall_instant: cal_wall_instant, without a zone lookup on a 24-hour day */
static TimestampTz
wall_instant(const CompiledCalendar *cal, int32 day, int64 wall)
{
	if (cal->midnight == NULL ||
		cal->midnight[day + 1] - cal->midnight[day] == USECS_PER_DAY)
		return cal_midnight(cal, day) + wall;
	return cal_wall_instant(cal, day, wall);
}

/* cal_position: W(ts), the working time since the start of the range. */
int64
cal_position(const CompiledCalendar *cal, TimestampTz ts)
{
	int32		day;
	int64		tod;
	int64		w;
	const DayHours *h;

	cal_local(cal, ts, &day, &tod);
	h = &cal->patterns[cal->hours[day]];
	w = cal->cumtime[day];
	for (int k = 0; k < h->n && tod > h->start[k]; k++)
		w += Min(tod, h->end[k]) - h->start[k];
	return w;
}

/*
 * cal_at_position: the earliest (latest = false) or latest instant t with
 * W(t) = w.  The earliest ends a working stretch at its interval's end; the
 * latest starts one at its interval's start.
 */
TimestampTz
cal_at_position(const CompiledCalendar *cal, int64 w, bool latest)
{
	int32		lo;
	const DayHours *h;
	int64		r;

	if (w < 0 || w > cal->cumtime[cal->ndays] ||
		(latest && w == cal->cumtime[cal->ndays]))
		out_of_range(cal, "result");

	/*
	 * The first day ending at or after w: start from its bucket and step
	 * over the few days (about a nominal day of work and the days off around
	 * it) that separate it from the answer.
	 */
	lo = cal->bucket[w / cal->bucket_size];
	while (lo < cal->ndays - 1 && cal->cumtime[lo + 1] < w)
		lo++;

	if (latest)
	{
		/* the last day starting at or before w */
		while (lo < cal->ndays - 1 && cal->cumtime[lo + 1] <= w)
			lo++;
		h = &cal->patterns[cal->hours[lo]];
		r = w - cal->cumtime[lo];	/* 0 <= r < h->total */
		for (int k = 0; k < h->n; k++)
		{
			int64		len = h->end[k] - h->start[k];

			if (r < len)
				return cal_instant(cal, lo, h->start[k] + r);
			r -= len;
		}
	}
	else
	{
		h = &cal->patterns[cal->hours[lo]];
		r = w - cal->cumtime[lo];	/* 0 < r <= h->total, or w = 0 */
		if (r == 0)
			return cal_midnight(cal, lo);
		for (int k = 0; k < h->n; k++)
		{
			int64		len = h->end[k] - h->start[k];

			if (r <= len)
				return cal_instant(cal, lo, h->start[k] + r);
			r -= len;
		}
	}
	elog(ERROR, "working-time position %lld not found in calendar \"%s\"",
		 (long long) w, cal->name);
	return 0;					/* keep compiler quiet */
}

TimestampTz
cal_add_working_time(const CompiledCalendar *cal, TimestampTz ts, int64 usec)
{
	int64		w = cal_position(cal, ts);

	if ((usec > 0 && w > PG_INT64_MAX - usec) || (usec < 0 && w < PG_INT64_MIN - usec))
		out_of_range(cal, "result");
	return cal_at_position(cal, w + usec, usec <= 0);
}

/* cal_next_working: day if it is a working day, else the next one. */
int32
cal_next_working(const CompiledCalendar *cal, int32 day)
{
	int32		k = cal->cumdays[day];

	if (k >= cal->nwork)
		out_of_range(cal, "result");
	return cal->workdays[k];
}

/* cal_end_of_day: the end of the last working interval of a working day. */
TimestampTz
cal_end_of_day(const CompiledCalendar *cal, int32 day)
{
	const DayHours *h = &cal->patterns[cal->hours[day]];

	return cal_instant(cal, day, h->end[h->n - 1]);
}

/*
 * cal_deadline: the appointment for a dossier received at `received` with
 * time limit tl (see the README for the rule of each kind of limit).
 * cutoff < 0 means the calendar's same-day cut-off.
 */
TimestampTz
cal_deadline(const CompiledCalendar *cal, TimestampTz received,
			 const TimeLimit *tl, int64 cutoff)
{
	int32		day;
	int64		tod;

	switch (tl->unit)
	{
		case TL_WORKING_DAYS:
			return cal_add_working_time(cal, received,
										(int64) tl->milli * cal->day_length / 1000);
		case TL_WORKING_HOURS:
			return cal_add_working_time(cal, received,
										(int64) tl->milli * (USECS_PER_HOUR / 1000));
		case TL_DAYS:
			cal_local(cal, received, &day, &tod);
			if ((int64) day + tl->milli / 1000 >= cal->ndays)
				out_of_range(cal, "result");
			return cal_end_of_day(cal, cal_next_working(cal, day + tl->milli / 1000));
		case TL_SAME_DAY:
			received = cal_add_working_time(cal, received, 0);
			cal_local(cal, received, &day, &tod);
			/* the cut-off is wall-clock time, also on a daylight-saving day */
			if (received >= wall_instant(cal, day, cutoff >= 0 ? cutoff : cal->cutoff))
			{
				if (day + 1 >= cal->ndays)
					out_of_range(cal, "result");
				day = cal_next_working(cal, day + 1);
			}
			return cal_end_of_day(cal, day);
	}
	elog(ERROR, "unknown time limit unit %d", tl->unit);
	return 0;					/* keep compiler quiet */
}

/*
 * cal_deadline_desk: cal_deadline for a dossier received at a desk that
 * keeps its own reception calendar (tthc.unit.reception_calendar).  Every
 * limit runs on the processing calendar cal from its next working instant;
 * only a same-day limit reads the desk's cut-off: a reception after it on
 * the local day counts from the next day, and the deadline is the
 * processing calendar's end of that day or of its next working day (a desk
 * open fewer hours than the processing calendar lengthens nothing).  The
 * two calendars keep one time zone (a desk keeps its unit's time).
 */
TimestampTz
cal_deadline_desk(const CompiledCalendar *cal, const CompiledCalendar *desk,
				  TimestampTz received, const TimeLimit *tl, int64 cutoff)
{
	int32		day;
	int64		tod;
	int64		pday;
	TimestampTz due;

	if (tl->unit != TL_SAME_DAY || desk == cal || strcmp(desk->name, cal->name) == 0)
		return cal_deadline(cal, received, tl, cutoff);
	if (strcmp(desk->tzname, cal->tzname) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reception calendar \"%s\" keeps time zone %s, the processing calendar \"%s\" %s",
						desk->name, desk->tzname, cal->name, cal->tzname),
				 errhint("A unit's desk keeps the unit's time: give its reception calendar the same time zone.")));
	cal_local(desk, received, &day, &tod);
	if (received >= wall_instant(desk, day, cutoff >= 0 ? cutoff : desk->cutoff))
	{
		if (day + 1 >= desk->ndays)
			out_of_range(desk, "result");
		day++;
	}
	/* the same date on the processing calendar */
	pday = (int64) desk->first + day - cal->first;
	if (pday < 0 || pday >= cal->ndays)
		out_of_range(cal, "result");
	due = cal_end_of_day(cal, cal_next_working(cal, (int32) pday));
	if (due <= received)
	{
		/* received at the desk after the processing day ended */
		cal_local(cal, due, &day, &tod);
		if (day + 1 >= cal->ndays)
			out_of_range(cal, "result");
		due = cal_end_of_day(cal, cal_next_working(cal, day + 1));
	}
	return due;
}

static int64
interval_usec(const CompiledCalendar *cal, const Interval *iv)
{
	if (iv->month != 0 || iv->day != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("working time must be given in hours, minutes and seconds"),
				 errdetail("The amount has a day or month part; a working day of calendar \"%s\" is not 24 hours.",
						   cal->name),
				 errhint("Write '8 hours' for one nominal working day, or use tthc.deadline() with a tthc.time_limit such as '2 working days'.")));
	return iv->time;
}

/* ---------- SQL-callable ---------- */

Datum
tthc_is_working_day(PG_FUNCTION_ARGS)
{
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 1);

	PG_RETURN_BOOL(cal_is_working(cal, cal_day_index(cal, PG_GETARG_DATEADT(0))));
}

Datum
tthc_add_working_days(PG_FUNCTION_ARGS)
{
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 2);
	int32		i = cal_day_index(cal, PG_GETARG_DATEADT(0));
	int32		n = PG_GETARG_INT32(1);
	int64		k;

	if (n == 0)
		PG_RETURN_DATEADT(cal->first + cal_next_working(cal, i));

	k = (int64) (n > 0 ? cal->cumdays[i + 1] - 1 : cal->cumdays[i]) + n;
	if (k < 0 || k >= cal->nwork)
		out_of_range(cal, "result");
	PG_RETURN_DATEADT(cal->first + cal->workdays[k]);
}

Datum
tthc_working_days_between(PG_FUNCTION_ARGS)
{
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 2);
	int32		a = cal_day_index(cal, PG_GETARG_DATEADT(0));
	int32		b = cal_day_index(cal, PG_GETARG_DATEADT(1));

	if (b >= a)
		PG_RETURN_INT32(cal->cumdays[b + 1] - cal->cumdays[a + 1]);
	PG_RETURN_INT32(cal->cumdays[b] - cal->cumdays[a]);
}

Datum
tthc_add_working_time(PG_FUNCTION_ARGS)
{
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 2);

	PG_RETURN_TIMESTAMPTZ(cal_add_working_time(cal, PG_GETARG_TIMESTAMPTZ(0),
											   interval_usec(cal, PG_GETARG_INTERVAL_P(1))));
}

Datum
tthc_working_time_between(PG_FUNCTION_ARGS)
{
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 2);
	Interval   *result = palloc0(sizeof(Interval));

	result->time = cal_position(cal, PG_GETARG_TIMESTAMPTZ(1)) -
		cal_position(cal, PG_GETARG_TIMESTAMPTZ(0));
	PG_RETURN_INTERVAL_P(result);
}

Datum
tthc_deadline(PG_FUNCTION_ARGS)
{
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 2);

	PG_RETURN_TIMESTAMPTZ(cal_deadline(cal, PG_GETARG_TIMESTAMPTZ(0),
									   PG_GETARG_TIME_LIMIT_P(1), -1));
}

/*
 * tthc_calendar_days: one row per date, what a clerk reads to check the
 * calendar: working flag, kind, name, legal reference, provisional flag.
 */
Datum
tthc_calendar_days(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CompiledCalendar *cal = calendar_from_arg(fcinfo, 0);
	DateADT		from = PG_GETARG_DATEADT(1);
	DateADT		to = PG_GETARG_DATEADT(2);
	int32		lo,
				hi,
				k;

	InitMaterializedSRF(fcinfo, 0);
	if (from > to)
		PG_RETURN_VOID();
	lo = cal_day_index(cal, from);
	hi = cal_day_index(cal, to);

	/* first note at or after lo */
	{
		int			l = 0,
					h = cal->nnotes;

		while (l < h)
		{
			int			m = (l + h) / 2;

			if (cal->notes[m].day < lo)
				l = m + 1;
			else
				h = m;
		}
		k = l;
	}

	for (int32 i = lo; i <= hi; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};
		const DayNote *n = (k < cal->nnotes && cal->notes[k].day == i) ?
			&cal->notes[k++] : NULL;
		int64		work = cal->patterns[cal->hours[i]].total;
		Interval   *iv = palloc0(sizeof(Interval));
		DayKind		kind = n ? n->kind : (work > 0 ? DAY_WORKING : DAY_WEEKEND);

		iv->time = work;
		values[0] = DateADTGetDatum(cal->first + i);
		values[1] = BoolGetDatum(work > 0);
		values[2] = CStringGetTextDatum(day_kind_names[kind]);
		if (n && n->name)
			values[3] = CStringGetTextDatum(n->name);
		else
			nulls[3] = true;
		if (n && n->legal_reference)
			values[4] = CStringGetTextDatum(n->legal_reference);
		else
			nulls[4] = true;
		values[5] = BoolGetDatum(n ? n->provisional : false);
		values[6] = IntervalPGetDatum(iv);
		if (n && n->source)
			values[7] = CStringGetTextDatum(n->source);
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
