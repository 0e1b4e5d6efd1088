/*
 * clock.c
 *		The legal clock of a dossier on its handling unit's calendar.
 *
 * Vocabulary:
 *	- working time: microseconds inside a calendar's working intervals
 *	  (calendar.c); a limit in working days is that many nominal days.
 *	- due: cal_deadline(clock start, limit, cut-off) moved forward by the
 *	  working time spent paused (paused_work); a step has its own clock the
 *	  same way (step_started_at, step_due_at, step_paused_work).
 *	- result: late when finished after due; early when finished on a
 *	  working day before the due day; otherwise on time.
 *	- regime: ND61_2018 before 2025-07-01 00:00 UTC+7, ND118_2025 after.
 * Also tthc.warn_before (the due-soon threshold) and the SQL functions that
 * read the clock without writing: tthc.lawful_due, tthc.due_soon_horizon,
 * tthc.warn_before_work.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "calendar.h"
#include "worktime.h"
#include "registry.h"
#include "clock.h"
#include "dossier_row.h"
#include "time_limit.h"

PG_FUNCTION_INFO_V1(tthc_lawful_due);
PG_FUNCTION_INFO_V1(tthc_due_soon_horizon);
PG_FUNCTION_INFO_V1(tthc_warn_before_work);


static char *warn_before_str = NULL;
TimeLimit	warn_before = {TL_WORKING_DAYS, 1000};

bool
check_working_limit(char **newval, void **extra, GucSource source)
{
	TimeLimit	tl;
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool ok = true;

	PG_TRY();
	{
		time_limit_parse(*newval, &tl);
		if (tl.unit != TL_WORKING_DAYS && tl.unit != TL_WORKING_HOURS)
			ok = false;
		else
		{
			TimeLimit  *copy = malloc(sizeof(TimeLimit));	/* GUC frees extra with free() */

			if (copy == NULL)
				ok = false;
			else
			{
				*copy = tl;
				*extra = copy;
			}
		}
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		ok = false;
	}
	PG_END_TRY();
	if (!ok)
		GUC_check_errdetail("Give working time, such as '1 working day' or '4 working hours'.");
	return ok;
}

static void
assign_warn_before(const char *newval, void *extra)
{
	if (extra)
		warn_before = *(TimeLimit *) extra;
}

void
ClockInit(void)
{
	DefineCustomStringVariable("tthc.warn_before",
							   "Working time before the deadline at which tthc.sweep warns that a dossier is due soon.",
							   NULL, &warn_before_str, "1 working day",
							   PGC_USERSET, 0, check_working_limit,
							   assign_warn_before, NULL);
}

int64
limit_usec(const CompiledCalendar *cal, const TimeLimit *tl)
{
	return tl->unit == TL_WORKING_DAYS ?
		(int64) tl->milli * cal->day_length / 1000 :
		(int64) tl->milli * (USECS_PER_HOUR / 1000);
}

/* shift: t moved forward by `work` of working time */
TimestampTz
shift(const CompiledCalendar *cal, TimestampTz t, int64 work)
{
	if (work == 0)
		return t;
	return cal_at_position(cal, cal_position(cal, t) + work, false);
}

int64
work_between(const CompiledCalendar *cal, TimestampTz a, TimestampTz b)
{
	return cal_position(cal, b) - cal_position(cal, a);
}

DateADT
local_date(const CompiledCalendar *cal, TimestampTz t)
{
	int32		day;
	int64		tod;

	cal_local(cal, t, &day, &tod);
	return cal->first + day;
}

/* judge: early, on_time or late for finishing at `at` against `due` */
const char *
judge(const CompiledCalendar *cal, TimestampTz at, TimestampTz due)
{
	int32		d_at,
				d_due;
	int64		tod;

	if (at > due)
		return RESULT_LATE;
	cal_local(cal, at, &d_at, &tod);
	cal_local(cal, due, &d_due, &tod);
	if (d_at < d_due && cal_is_working(cal, d_at))
		return RESULT_EARLY;
	return RESULT_ON_TIME;
}

const TimeLimit *
version_limit(const ProcedureVersion *v, int channel)
{
	return (channel == CHANNEL_ONLINE && v->has_online) ? &v->online_limit : &v->limit;
}

TimestampTz
regime_switch(void)
{
	/* 2025-07-01 00:00 in UTC+7 */
	return (TimestampTz) (date2j(2025, 7, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY -
		7 * USECS_PER_HOUR;
}

const ProcedureStep *
step_of(const ProcedureVersion *v, int step)
{
	return (step >= 1 && step <= v->nsteps) ? &v->steps[step - 1] : NULL;
}

/*
 * step_start: step `step` begins at `at` (its own clock); a step that
 * begins with the dossier's clock reads the desk's cut-off as the dossier
 * does (desk: the reception calendar, else cal)
 */
void
step_start_at_desk(Row *r, const CompiledCalendar *cal, const CompiledCalendar *desk,
				   const ProcedureVersion *v, int step, TimestampTz at)
{
	const ProcedureStep *s = step_of(v, step);

	RV(r, C_STEP) = Int16GetDatum((int16) step);
	RN(r, C_STEP) = false;
	set_text(r, C_STEP_UNIT, s->has_unit ? s->unit : NULL);
	set_ts(r, C_STEP_START, at);
	set_ts(r, C_STEP_DUE, cal_deadline_desk(cal, desk, at, &s->allowance, v->cutoff));
	set_work(r, C_STEP_PAUSED, 0);
}

void
step_start(Row *r, const CompiledCalendar *cal, const ProcedureVersion *v,
		   int step, TimestampTz at)
{
	step_start_at_desk(r, cal, cal, v, step, at);
}

/*
 * desk_calendar: the reception calendar of the unit that received the
 * dossier (a same-day limit reads its cut-off).  Calendars stay valid for
 * the transaction, so the caller's cal is not disturbed.
 */
const CompiledCalendar *
desk_calendar(const char *receiving_unit)
{
	return calendar_get(unit_reception_calendar(receiving_unit), 0);
}

/* clock_start: the full limit runs from `at` (reception or restart) */
void
clock_start(Row *r, const CompiledCalendar *cal, const ProcedureVersion *v,
			int channel, TimestampTz at)
{
	const CompiledCalendar *desk = desk_calendar(get_text(r, C_RECV_UNIT));

	set_ts(r, C_CLOCK, at);
	set_ts(r, C_DUE, cal_deadline_desk(cal, desk, at, version_limit(v, channel), v->cutoff));
	set_work(r, C_PAUSED_WORK, 0);
	set_null(r, C_PAUSED_AT);
	if (v->nsteps > 0)
		step_start_at_desk(r, cal, desk, v, RN(r, C_STEP) ? 1 : DatumGetInt16(RV(r, C_STEP)), at);
}

/*
 * lawful_due: what due_at (and step_due_at) should be on today's calendars,
 * from the columns that record the clock's history.
 */
TimestampTz
lawful_due(const CompiledCalendar *cal, const CompiledCalendar *desk, const ProcedureVersion *v,
		   int channel, TimestampTz clock, int64 paused_work)
{
	return shift(cal, cal_deadline_desk(cal, desk, clock, version_limit(v, channel), v->cutoff),
				 paused_work);
}

/*
 * tthc_lawful_due: tthc.lawful_due(tthc.dossier), the deadline recomputed
 * on today's calendars (what tthc.recompute_deadlines would set).
 */
Datum
tthc_lawful_due(PG_FUNCTION_ARGS)
{
	HeapTupleHeader d = PG_GETARG_HEAPTUPLEHEADER(0);
	bool		isnull;
	Datum		x;
	char	   *proc,
			   *hand,
			   *recv;
	int64		proc_id;
	int			channel;
	TimestampTz clock;
	int64		paused = 0;
	const ProcedureVersion *v;
	const CompiledCalendar *cal;

	x = GetAttributeByName(d, "clock_started_at", &isnull);
	if (isnull)
		PG_RETURN_NULL();
	clock = DatumGetTimestampTz(x);
	x = GetAttributeByName(d, "procedure_id", &isnull);
	if (isnull)
		PG_RETURN_NULL();
	proc_id = DatumGetInt64(x);
	x = GetAttributeByName(d, "procedure_code", &isnull);
	if (isnull)
		PG_RETURN_NULL();
	proc = TextDatumGetCString(x);
	x = GetAttributeByName(d, "handling_unit", &isnull);
	if (isnull)
		PG_RETURN_NULL();
	hand = TextDatumGetCString(x);
	/* (a row built by hand may leave the receiving unit out: its desk is the handler's) */
	x = GetAttributeByName(d, "receiving_unit", &isnull);
	recv = isnull ? hand : TextDatumGetCString(x);
	channel = DatumGetInt16(GetAttributeByName(d, "channel", &isnull));
	x = GetAttributeByName(d, "paused_work", &isnull);
	if (!isnull)
		paused = DatumGetIntervalP(x)->time + (int64) DatumGetIntervalP(x)->day * USECS_PER_DAY;
	calendar_pin();				/* (two calendars at once) */
	cal = calendar_get(unit_calendar(hand, "handling"), 0);
	v = procedure_version_by_id(proc, proc_id);
	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("procedure version " INT64_FORMAT " of %s does not exist", proc_id, proc)));
	{
		TimestampTz due = lawful_due(cal, desk_calendar(recv), v, channel, clock, paused);

		calendar_unpin();
		PG_RETURN_TIMESTAMPTZ(due);
	}
}

/*
 * tthc_due_soon_horizon: the latest deadline that is within
 * tthc.warn_before of `at` on the calendar of any unit; tthc.sweep reads
 * the deadlines up to it from an index and the trigger decides per row.
 */
Datum
tthc_due_soon_horizon(PG_FUNCTION_ARGS)
{
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(0);
	volatile TimestampTz horizon = at;
	List	   *names = unit_calendars();
	ListCell   *lc;

	foreach(lc, names)
	{
		/*
		 * A calendar that cannot say (no working time ahead) is left out: one
		 * unit's broken calendar must not stop the sweep of the others.
		 */
		MemoryContext cxt = CurrentMemoryContext;
		ResourceOwner owner = CurrentResourceOwner;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			const CompiledCalendar *cal = calendar_get((const char *) lfirst(lc), 0);
			TimestampTz h = cal_add_working_time(cal, at, limit_usec(cal, &warn_before));

			horizon = Max(horizon, h);
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(cxt);
			CurrentResourceOwner = owner;
		}
		PG_CATCH();
		{
			ErrorData  *edata;

			MemoryContextSwitchTo(cxt);
			edata = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(cxt);
			CurrentResourceOwner = owner;
			ereport(WARNING,
					(errcode(edata->sqlerrcode),
					 errmsg("calendar \"%s\" is left out of the due-soon horizon: %s",
							(const char *) lfirst(lc), edata->message)));
		}
		PG_END_TRY();
	}
	PG_RETURN_TIMESTAMPTZ(horizon);
}

/*
 * tthc_warn_before_work: tthc.warn_before_work(calendar), the due-soon
 * threshold as working time on that calendar.
 */
Datum
tthc_warn_before_work(PG_FUNCTION_ARGS)
{
	const CompiledCalendar *cal = calendar_from_arg(fcinfo, 0);
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = limit_usec(cal, &warn_before);
	PG_RETURN_INTERVAL_P(iv);
}
