/*
 * calendar.c
 *		Loading, compiling and caching working-time calendars.
 *
 * The tables are authoritative; this file keeps a per-backend compiled copy
 * of each calendar used (see calendar.h for the arrays).  A calendar is the
 * superposition of four layers, later ones winning on the same date:
 *	1. its weekly pattern: calendar_week rows, each ISO weekday falling back
 *	   to the parent's when the calendar has no row for it;
 *	2. the parent's exceptions (days off, make-up days, special hours),
 *	   including those the parent inherited or generated;
 *	3. when holiday_rules = 'vn', the Labour Code days generated for every
 *	   year that has no calendar_year row (no official schedule);
 *	4. its own calendar_exception rows.
 *
 * Invalidation: a statement-level trigger on the four tables sends a relcache
 * invalidation for tthc.calendar.  The callback only raises a flag; the next
 * lookup drops every compiled calendar at once (one memory context each,
 * children of CalendarCacheContext) and bumps a generation number that the
 * per-call fn_extra caches compare against.  Only the outermost lookup
 * resets, and a calendar is compiled from the latest committed state (like
 * the catalog caches), so a flag raised during a compile is never lost and
 * no calendar is rebuilt from an old snapshot.  Invalidations are transactional,
 * so an edit is seen by the next statement of the editing transaction and,
 * once committed, by the next statement of every other session.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "calendar.h"
#include "ext_read.h"
#include "relcache_flag.h"

PG_FUNCTION_INFO_V1(tthc_calendar_changed);

typedef struct CalendarEntry
{
	char		name[NAMEDATALEN];	/* hash key */
	CompiledCalendar *cal;
} CalendarEntry;

/* What fn_extra holds between rows. */
typedef struct CalendarRef
{
	uint64		generation;
	CompiledCalendar *cal;
	int			len;
	char		name[NAMEDATALEN];
} CalendarRef;

static MemoryContext CalendarCacheContext = NULL;
static HTAB *CalendarHash = NULL;
static uint64 calendar_generation = 1;
/* relids[0]: tthc.calendar, whose trigger signals all four tables */
static RelcacheFlag calendar_flag;

/* Scratch state while compiling one calendar. */
typedef struct Builder
{
	CompiledCalendar *cal;
	int32	   *note_at;		/* [ndays] index into notes, -1 for none */
	DayNote    *notes;
	int			nnotes;
	int			maxnotes;
	int			maxpatterns;
	int			wp[8];			/* pattern of each ISO weekday */
	const char *strings[64];	/* names and references seen, interned */
	int			nstrings;
} Builder;

/*
 * intern: one copy per distinct name or legal reference; the same few
 * strings ("Tết Nguyên đán", a Labour Code article) recur on thousands of
 * days.
 */
static const char *
intern(Builder *b, const char *str)
{
	const char *copy;

	if (str == NULL)
		return NULL;
	for (int i = 0; i < b->nstrings; i++)
		if (strcmp(b->strings[i], str) == 0)
			return b->strings[i];
	copy = MemoryContextStrdup(b->cal->cxt, str);
	if (b->nstrings < lengthof(b->strings))
		b->strings[b->nstrings++] = copy;
	return copy;
}

/* isodow_of: ISO weekday (1 = Monday) of day index day */
static int
isodow_of(const CompiledCalendar *cal, int32 day)
{
	int			dow = j2day(cal->first + day + POSTGRES_EPOCH_JDATE);	/* 0 = Sunday */

	return dow == 0 ? 7 : dow;
}

static Oid
calendar_table_oid(void)
{
	Oid			nsp = get_namespace_oid("tthc", true);

	return OidIsValid(nsp) ? get_relname_relid("calendar", nsp) : InvalidOid;
}

/*
 * While pinned (the dossier guard, which holds a unit's processing and
 * reception calendars at once), a reset keeps the calendars handed out
 * until the end of the transaction; otherwise it frees them at once.
 */
static int	calendar_pins = 0;

void
calendar_pin(void)
{
	calendar_pins++;
}

void
calendar_unpin(void)
{
	if (calendar_pins > 0)
		calendar_pins--;
}

static void
calendar_xact_cb(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
		calendar_pins = 0;
}

void
CalendarInit(void)
{
	RegisterXactCallback(calendar_xact_cb, NULL);
	relcache_flag_register(&calendar_flag);
}

static void
calendar_reset(void)
{
	HASHCTL		ctl;

	if (CalendarCacheContext == NULL)
		CalendarCacheContext = AllocSetContextCreate(CacheMemoryContext,
													 "tthc calendars",
													 ALLOCSET_DEFAULT_SIZES);
	else if (calendar_pins > 0 && IsTransactionState())
	{
		/*
		 * The calendars handed out stay valid until the end of the
		 * transaction: a pinned caller may hold two (a unit's processing
		 * and reception calendars) while a lookup recompiles.
		 */
		MemoryContextSetParent(CalendarCacheContext, TopTransactionContext);
		CalendarCacheContext = AllocSetContextCreate(CacheMemoryContext,
													 "tthc calendars",
													 ALLOCSET_DEFAULT_SIZES);
	}
	else
		MemoryContextReset(CalendarCacheContext);

	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(CalendarEntry);
	ctl.hcxt = CalendarCacheContext;
	CalendarHash = hash_create("tthc calendars", 8, &ctl,
							   HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	calendar_flag.valid = true;
	calendar_generation++;
}

/* ---------- compiling ---------- */

/*
 * cal_wall_instant: the instant of local wall-clock time tod (usec) on day
 * index day; 24:00 is the next midnight.
 */
TimestampTz
cal_wall_instant(const CompiledCalendar *cal, int32 day, int64 tod)
{
	struct pg_tm tm;
	int			offset;

	memset(&tm, 0, sizeof(tm));
	j2date(cal->first + day + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	if (tod >= USECS_PER_DAY)
	{
		j2date(cal->first + day + 1 + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
		tod -= USECS_PER_DAY;
		day++;
	}
	tm.tm_hour = tod / USECS_PER_HOUR;
	tm.tm_min = (tod / USECS_PER_MINUTE) % MINS_PER_HOUR;
	tm.tm_sec = (tod / USECS_PER_SEC) % SECS_PER_MINUTE;
	offset = DetermineTimeZoneOffset(&tm, cal->tz);
	return (int64) (cal->first + day) * USECS_PER_DAY + tod + (int64) offset * USECS_PER_SEC;
}

static int
pattern_intern(Builder *b, const DayHours *h)
{
	CompiledCalendar *cal = b->cal;

	for (int i = 0; i < cal->npatterns; i++)
	{
		const DayHours *p = &cal->patterns[i];

		if (p->n == h->n &&
			memcmp(p->start, h->start, sizeof(int64) * h->n) == 0 &&
			memcmp(p->end, h->end, sizeof(int64) * h->n) == 0)
			return i;
	}
	if (cal->npatterns >= PG_UINT16_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("calendar \"%s\" has too many distinct sets of working hours",
						cal->name)));
	if (cal->npatterns == b->maxpatterns)
	{
		b->maxpatterns *= 2;
		cal->patterns = repalloc(cal->patterns, sizeof(DayHours) * b->maxpatterns);
	}
	cal->patterns[cal->npatterns] = *h;
	return cal->npatterns++;
}

/* hours_add: append [start, end) to h, keeping the intervals sorted and apart. */
static void
hours_add(const char *calname, DayHours *h, int64 start, int64 end)
{
	if (end <= start)
		return;
	if (h->n == CAL_MAX_INTERVALS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar \"%s\" has more than %d working intervals in a day",
						calname, CAL_MAX_INTERVALS)));
	if (h->n > 0 && start < h->end[h->n - 1])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar \"%s\" has overlapping working intervals in a day",
						calname)));
	h->start[h->n] = start;
	h->end[h->n] = end;
	h->total += end - start;
	h->n++;
}

static void
note_set(Builder *b, int32 day, DayKind kind, bool provisional, bool own_hours,
		 int pattern, const char *name, const char *ref, const char *source)
{
	CompiledCalendar *cal = b->cal;
	DayNote    *n;

	if (day < 0 || day >= cal->ndays)
		return;
	if (b->note_at[day] >= 0)
		n = &b->notes[b->note_at[day]];
	else
	{
		if (b->nnotes == b->maxnotes)
		{
			b->maxnotes *= 2;
			b->notes = repalloc(b->notes, sizeof(DayNote) * b->maxnotes);
		}
		b->note_at[day] = b->nnotes;
		n = &b->notes[b->nnotes++];
	}
	n->day = day;
	n->kind = kind;
	n->provisional = provisional;
	n->own_hours = own_hours;
	n->hours = pattern;
	n->name = intern(b, name);
	n->legal_reference = intern(b, ref);
	n->source = intern(b, source);
	cal->hours[day] = pattern;
}

/*
 * pattern_for: the hours a day of this kind works: none for a day off, its
 * own if given, else the standard day (make-up) or its weekday's (working).
 */
static int
pattern_for(Builder *b, DayKind kind, const DayHours *own, int32 day)
{
	if (day_kind_is_off(kind))
		return 0;
	if (own != NULL && own->n > 0)
		return pattern_intern(b, own);
	if (kind == DAY_MAKEUP)
		return b->cal->standard;
	if (kind == DAY_WORKING)
		return b->wp[isodow_of(b->cal, day)];
	return 0;
}

static DayKind
day_kind_from_name(const char *s)
{
	for (int k = 0; k < DAY_KIND_COUNT; k++)
		if (strcmp(s, day_kind_names[k]) == 0)
			return (DayKind) k;
	elog(ERROR, "unknown day kind \"%s\"", s);
	return DAY_WORKING;			/* keep compiler quiet */
}

static char *
spi_text(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static int64
spi_int64(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(tup, desc, col, isnull);

	return *isnull ? 0 : DatumGetInt64(d);
}

/*
 * Which rows a calendar is made of.  On a province's node every row is its
 * own (province NULL).  On the national hub a province's calendar is named
 * PROVINCE/name (tthc.dossier_sla qualifies a unit's calendar so): its rows
 * are that province's, over the shipped rows of the hub itself, which the
 * provinces do not send (every node has them from CREATE EXTENSION).  A
 * database not yet updated to 0.8.0 has no province column.
 */
typedef struct CalScope
{
	const char *province;		/* NULL: the node's own calendar */
	const char *row;			/* tthc.calendar: the row to read */
	const char *rows;			/* the week, year and exception rows */
} CalScope;

static void
calendar_scope(CalScope *scope, const char *name, const char *slash)
{
	bool		has_province = get_attnum(calendar_table_oid(), "province") != InvalidAttrNumber;

	scope->province = slash ? pnstrdup(name, slash - name) : NULL;
	if (!has_province)
		scope->row = scope->rows = "";
	else if (slash == NULL)
		scope->row = scope->rows = " AND province IS NULL";
	else
	{
		scope->row = " AND (province = $4 OR province IS NULL) ORDER BY province NULLS LAST";
		scope->rows = " AND (province = $4 OR province IS NULL AND shipped)";
	}
}

/* read_calendar_row: the calendar's settings, its parent and holiday rules */
static void
read_calendar_row(CompiledCalendar *cal, const char *name, const CalScope *scope,
				  Datum *args, Oid *argtypes, char **parent_name_out, char **rules_out)
{
	MemoryContext oldcxt;
	char	   *parent_name;
	char	   *rules;
	bool		isnull;

	if (SPI_execute_with_args(psprintf("SELECT parent, time_zone,"
									   " (extract(epoch FROM day_length) * 1000000)::int8,"
									   " same_day_cutoff, holiday_rules"
									   " FROM tthc.calendar WHERE name = $1%s", scope->row),
							  4, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.calendar");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("calendar \"%s\" does not exist", name),
				 errhint("Calendars are the rows of tthc.calendar; the national one is \"vn\".")));
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *tzname;

		oldcxt = MemoryContextSwitchTo(cal->cxt);
		parent_name = spi_text(tup, desc, 1);
		tzname = spi_text(tup, desc, 2);
		rules = spi_text(tup, desc, 5);
		MemoryContextSwitchTo(oldcxt);
		cal->day_length = spi_int64(tup, desc, 3, &isnull);
		cal->cutoff = DatumGetTimeADT(SPI_getbinval(tup, desc, 4, &isnull));
		strlcpy(cal->tzname, tzname, sizeof(cal->tzname));
		cal->tz = pg_tzset(tzname);
		if (cal->tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" of calendar \"%s\" is not recognized",
							tzname, name)));
	}

	/* a province's calendar inherits from its province's (or the shipped) parent */
	if (parent_name != NULL && scope->province != NULL)
		parent_name = MemoryContextStrdup(cal->cxt, psprintf("%s/%s", scope->province, parent_name));
	*parent_name_out = parent_name;
	*rules_out = rules;
}

/* builder_init: the day arrays of the calendar, and the builder's own in scratch */
static void
builder_init(Builder *bp, CompiledCalendar *cal, MemoryContext scratch)
{
	MemoryContext oldcxt;
	oldcxt = MemoryContextSwitchTo(cal->cxt);
	cal->hours = palloc0(sizeof(uint16) * cal->ndays);
	bp->maxpatterns = 16;
	cal->patterns = palloc0(sizeof(DayHours) * bp->maxpatterns);
	cal->npatterns = 1;			/* pattern 0: no working time */
	MemoryContextSwitchTo(oldcxt);
	bp->cal = cal;
	bp->nstrings = 0;
	oldcxt = MemoryContextSwitchTo(scratch);
	bp->note_at = palloc(sizeof(int32) * cal->ndays);
	memset(bp->note_at, -1, sizeof(int32) * cal->ndays);
	bp->maxnotes = 256;
	bp->nnotes = 0;
	bp->notes = palloc(sizeof(DayNote) * bp->maxnotes);
	MemoryContextSwitchTo(oldcxt);

}

/*
 * layer_week: layer 1, the weekly pattern over the parent's (whose dated
 * days are inherited), then each day's hours from it.
 */
static void
layer_week(Builder *bp, CompiledCalendar *cal, const char *parent_name, const CalScope *scope,
		   int depth, Datum *args, Oid *argtypes)
{
	bool		isnull;
	int32		i;
	if (parent_name != NULL)
	{
		CompiledCalendar *parent = calendar_get(parent_name, depth + 1);

		memcpy(cal->week, parent->week, sizeof(cal->week));
		memcpy(cal->official, parent->official, sizeof(cal->official));
		/* copied now: nothing below looks up another calendar */
		cal->standard = -1;
		for (int k = 0; k < parent->nnotes; k++)
		{
			const DayNote *pn = &parent->notes[k];
			const DayHours *own = pn->own_hours || pn->kind == DAY_SPECIAL_HOURS ?
				&parent->patterns[pn->hours] : NULL;

			/* the standard pattern is not known yet: resolve make-up days below */
			note_set(bp, pn->day, pn->kind, pn->provisional, own != NULL,
					 own ? pattern_intern(bp, own) : 0,
					 pn->name, pn->legal_reference, pn->source);
		}
	}
	/* a user's row for a weekday overrides the shipped one: read only the winner */
	if (SPI_execute_with_args(psprintf("SELECT w.isodow, lower(r), upper(r)"
									   " FROM (SELECT DISTINCT ON (isodow) isodow, hours FROM tthc.calendar_week"
									   "       WHERE calendar = $1%s ORDER BY isodow, shipped) w"
									   " LEFT JOIN LATERAL unnest(w.hours) r ON true"
									   " ORDER BY w.isodow, lower(r)", scope->rows),
							  4, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.calendar_week");
	{
		int			seen = 0;

		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			int			dow = DatumGetInt16(SPI_getbinval(tup, desc, 1, &isnull));
			bool		nolo;
			int64		lo = spi_int64(tup, desc, 2, &nolo);
			int64		hi = spi_int64(tup, desc, 3, &isnull);

			if (dow < 1 || dow > 7)
				continue;
			if (dow != seen)
			{
				memset(&cal->week[dow], 0, sizeof(DayHours));
				seen = dow;
			}
			if (!nolo)
				hours_add(cal->name, &cal->week[dow], lo, hi);
		}
	}
	for (int d = 1; d <= 7; d++)
		bp->wp[d] = pattern_intern(bp, &cal->week[d]);
	for (int d = 1; d <= 7 && cal->standard <= 0; d++)
		if (cal->week[d].total > 0)
			cal->standard = bp->wp[d];
	if (cal->standard < 0)
		cal->standard = 0;

	for (i = 0; i < cal->ndays; i++)
	{
		if (bp->note_at[i] >= 0)
		{
			DayNote    *n = &bp->notes[bp->note_at[i]];

			/* inherited days whose hours are this calendar's */
			if (!n->own_hours && (n->kind == DAY_MAKEUP || n->kind == DAY_WORKING))
				cal->hours[i] = n->hours = pattern_for(bp, n->kind, NULL, i);
		}
		else
			cal->hours[i] = bp->wp[isodow_of(cal, i)];
	}

}

/* layer_labour_code: layer 2, the days the Labour Code gives in years with no official schedule */
static void
layer_labour_code(Builder *bp, CompiledCalendar *cal, const char *rules, const char *source,
				  const CalScope *scope, Datum *args, Oid *argtypes)
{
	bool		isnull;
	if (rules != NULL && strcmp(rules, "vn") == 0)
	{
		bool		rest[8];

		if (SPI_execute_with_args(psprintf("SELECT year FROM tthc.calendar_year WHERE calendar = $1%s",
										   scope->rows),
								  4, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read tthc.calendar_year");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			int			y = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r],
														SPI_tuptable->tupdesc, 1, &isnull));

			if (y >= CAL_FIRST_YEAR && y <= CAL_LAST_YEAR)
				cal->official[y - CAL_FIRST_YEAR] = true;
		}
		for (int d = 1; d <= 7; d++)
			rest[d] = cal->week[d].total == 0;
		for (int y = CAL_FIRST_YEAR; y <= CAL_LAST_YEAR; y++)
		{
			GeneratedDay gen[MAX_GENERATED_DAYS];
			int			n;

			if (cal->official[y - CAL_FIRST_YEAR])
				continue;
			n = vn_labour_code_days(y, rest, gen);
			for (int k = 0; k < n; k++)
				note_set(bp, gen[k].day - cal->first, gen[k].kind, true, false, 0,
						 gen[k].name, gen[k].legal_reference, source);
		}
	}

}

/* layer_exceptions: layer 3, the calendar's own dated days (a user's row over a shipped one) */
static void
layer_exceptions(Builder *bp, CompiledCalendar *cal, const char *source, const CalScope *scope,
				 Datum *args, Oid *argtypes)
{
	bool		isnull;
	if (SPI_execute_with_args(psprintf("SELECT e.day, e.kind::text, e.name, e.legal_reference,"
									   " e.provisional, lower(r), upper(r)"
									   " FROM (SELECT DISTINCT ON (day) * FROM tthc.calendar_exception"
									   "       WHERE calendar = $1 AND day BETWEEN $2 AND $3%s"
									   "       ORDER BY day, shipped) e"
									   " LEFT JOIN LATERAL unnest(e.hours) r ON true"
									   " ORDER BY e.day, lower(r)", scope->rows),
							  4, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tthc.calendar_exception");
	for (uint64 r = 0; r < SPI_processed;)
	{
		TupleDesc	desc = SPI_tuptable->tupdesc;
		HeapTuple	tup = SPI_tuptable->vals[r];
		DateADT		day = DatumGetDateADT(SPI_getbinval(tup, desc, 1, &isnull));
		char	   *kindname = spi_text(tup, desc, 2);
		char	   *nm = spi_text(tup, desc, 3);
		char	   *ref = spi_text(tup, desc, 4);
		bool		prov = DatumGetBool(SPI_getbinval(tup, desc, 5, &isnull));
		DayKind		kind = day_kind_from_name(kindname);
		DayHours	own;

		memset(&own, 0, sizeof(own));
		for (; r < SPI_processed; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			bool		nolo;
			int64		lo,
						hi;

			if (DatumGetDateADT(SPI_getbinval(t, desc, 1, &isnull)) != day)
				break;
			lo = spi_int64(t, desc, 6, &nolo);
			hi = spi_int64(t, desc, 7, &isnull);
			if (!nolo)
				hours_add(cal->name, &own, lo, hi);
		}
		note_set(bp, day - cal->first, kind, prov, own.n > 0,
				 pattern_for(bp, kind, &own, day - cal->first), nm, ref, source);
	}

}

/*
 * build_lookup: the arrays the arithmetic reads: dated days, local
 * midnights, real-offset hours on daylight-saving days, cumulative days and
 * working time, and the coarse inverse of working time.
 */
static void
build_lookup(CompiledCalendar *cal, Builder *bp)
{
	MemoryContext oldcxt;
	int32		i;
	oldcxt = MemoryContextSwitchTo(cal->cxt);
	cal->notes = palloc(sizeof(DayNote) * Max(bp->nnotes, 1));
	cal->nnotes = 0;
	for (i = 0; i < cal->ndays; i++)
		if (bp->note_at[i] >= 0)
			cal->notes[cal->nnotes++] = bp->notes[bp->note_at[i]];

	cal->cumdays = palloc(sizeof(int32) * (cal->ndays + 1));
	cal->cumtime = palloc(sizeof(int64) * (cal->ndays + 1));
	cal->midnight = palloc(sizeof(TimestampTz) * (cal->ndays + 1));
	for (i = 0; i <= cal->ndays; i++)
		cal->midnight[i] = cal_wall_instant(cal, i, 0);
	MemoryContextSwitchTo(oldcxt);

	/*
	 * On a day whose length is not 24 hours (a daylight-saving change), the
	 * wall-clock intervals are restated as real offsets from midnight, so
	 * that positions are always real elapsed time: ts - midnight[day].
	 */
	for (i = 0; i < cal->ndays; i++)
	{
		if (cal->midnight[i + 1] - cal->midnight[i] != USECS_PER_DAY &&
			cal->hours[i] != 0)
		{
			DayHours	real = cal->patterns[cal->hours[i]];

			real.total = 0;
			for (int k = 0; k < real.n; k++)
			{
				real.start[k] = cal_wall_instant(cal, i, real.start[k]) - cal->midnight[i];
				real.end[k] = cal_wall_instant(cal, i, real.end[k]) - cal->midnight[i];
				real.total += real.end[k] - real.start[k];
			}
			cal->hours[i] = pattern_intern(bp, &real);
		}
	}
	/* a zone without offset changes over the range needs no array */
	cal->offset = (int64) cal->first * USECS_PER_DAY - cal->midnight[0];
	for (i = 0; i <= cal->ndays; i++)
		if (cal->midnight[i] != (int64) (cal->first + i) * USECS_PER_DAY - cal->offset)
			break;
	if (i > cal->ndays)
	{
		pfree(cal->midnight);
		cal->midnight = NULL;
	}

	oldcxt = MemoryContextSwitchTo(cal->cxt);
	cal->cumdays[0] = 0;
	cal->cumtime[0] = 0;
	for (i = 0; i < cal->ndays; i++)
	{
		int64		work = cal->patterns[cal->hours[i]].total;

		cal->cumdays[i + 1] = cal->cumdays[i] + (work > 0 ? 1 : 0);
		cal->cumtime[i + 1] = cal->cumtime[i] + work;
	}
	cal->nwork = cal->cumdays[cal->ndays];

	/* the inverse of W, coarse: where each nominal day of working time falls */
	cal->bucket_size = cal->day_length;
	cal->nbuckets = (int32) (cal->cumtime[cal->ndays] / cal->bucket_size) + 1;
	cal->bucket = palloc(sizeof(int32) * cal->nbuckets);
	for (int32 j = 0, d = 0; j < cal->nbuckets; j++)
	{
		while (d < cal->ndays - 1 && cal->cumtime[d + 1] < j * cal->bucket_size)
			d++;
		cal->bucket[j] = d;
	}
	cal->workdays = palloc(sizeof(int32) * Max(cal->nwork, 1));
	for (i = 0; i < cal->ndays; i++)
		if (cal_is_working(cal, i))
			cal->workdays[cal->cumdays[i]] = i;
	MemoryContextSwitchTo(oldcxt);

}

/*
 * calendar_compile: build the compiled form of calendar `name`.  The result
 * lives in its own memory context, still parented to the caller's context:
 * calendar_get moves it into the cache only once it is complete, so an
 * error half-way leaks nothing.  The days are built in three layers, each
 * over the one before: the weekly pattern (and the parent's days), the
 * generated Labour Code days, the calendar's own exceptions.
 */
static CompiledCalendar *
calendar_compile(const char *name, int depth)
{
	MemoryContext cxt;
	MemoryContext scratch;
	CompiledCalendar *cal;
	Builder		b;
	Oid			argtypes[4] = {TEXTOID, DATEOID, DATEOID, TEXTOID};
	Datum		args[4];
	CalScope	scope;
	const char *slash = strchr(name, '/');
	char	   *parent_name;
	char	   *rules;
	char	   *source;
	ExtRead		rd;

	if (depth > CAL_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar inheritance is too deep or cyclic at \"%s\"", name),
				 errhint("A calendar may have at most %d ancestors.", CAL_MAX_DEPTH)));

	cxt = AllocSetContextCreate(CurrentMemoryContext, "tthc calendar",
								ALLOCSET_DEFAULT_SIZES);
	cal = MemoryContextAllocZero(cxt, sizeof(CompiledCalendar));
	cal->cxt = cxt;
	strlcpy(cal->name, name, NAMEDATALEN);
	MemoryContextSetIdentifier(cxt, cal->name);
	source = cal->name;
	cal->first = date2j(CAL_FIRST_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE;
	cal->ndays = date2j(CAL_LAST_YEAR + 1, 1, 1) - POSTGRES_EPOCH_JDATE - cal->first;

	/* builder arrays outlive SPI_finish, so not in SPI's context */
	scratch = AllocSetContextCreate(CurrentMemoryContext, "tthc calendar build",
									ALLOCSET_DEFAULT_SIZES);
	ext_read_begin(&rd);
	calendar_flag.relids[0] = calendar_table_oid();
	calendar_scope(&scope, name, slash);
	args[0] = CStringGetTextDatum(slash ? slash + 1 : name);
	args[1] = DateADTGetDatum(cal->first);
	args[2] = DateADTGetDatum(cal->first + cal->ndays - 1);
	args[3] = CStringGetTextDatum(scope.province ? scope.province : "");

	read_calendar_row(cal, name, &scope, args, argtypes, &parent_name, &rules);
	builder_init(&b, cal, scratch);
	layer_week(&b, cal, parent_name, &scope, depth, args, argtypes);
	layer_labour_code(&b, cal, rules, source, &scope, args, argtypes);
	layer_exceptions(&b, cal, source, &scope, args, argtypes);
	ext_read_end(&rd);

	build_lookup(cal, &b);
	MemoryContextDelete(scratch);
	return cal;
}

/*
 * calendar_get: the compiled calendar `name`, compiling it on first use
 * after an invalidation.  The pointer stays valid until the next call, or
 * while pinned until the end of the transaction (calendar_reset).
 */
CompiledCalendar *
calendar_get(const char *name, int depth)
{
	CalendarEntry *entry;
	CompiledCalendar *cal;
	char		key[NAMEDATALEN];
	bool		found;

	/*
	 * Only the outermost lookup resets: a parent looked up while compiling a
	 * child must not clear a flag raised during the child's queries, or the
	 * child, read from an older snapshot, would stay cached as fresh.
	 */
	if (CalendarHash == NULL || (!calendar_flag.valid && depth == 0))
		calendar_reset();

	memset(key, 0, sizeof(key));
	strlcpy(key, name, NAMEDATALEN);
	entry = hash_search(CalendarHash, key, HASH_FIND, NULL);
	if (entry != NULL)
		return entry->cal;

	cal = calendar_compile(name, depth);
	/* compiling a parent may have reset the cache: enter into the current one */
	MemoryContextSetParent(cal->cxt, CalendarCacheContext);
	entry = hash_search(CalendarHash, key, HASH_ENTER, &found);
	entry->cal = cal;
	return cal;
}

CompiledCalendar *
calendar_from_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);
	int			len = VARSIZE_ANY_EXHDR(t);
	CalendarRef *ref = (CalendarRef *) fcinfo->flinfo->fn_extra;
	char		name[NAMEDATALEN];

	if (ref != NULL && calendar_flag.valid &&
		ref->generation == calendar_generation &&
		ref->len == len && memcmp(ref->name, VARDATA_ANY(t), len) == 0)
		return ref->cal;

	if (len >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("calendar \"%s\" does not exist", text_to_cstring(t))));
	memcpy(name, VARDATA_ANY(t), len);
	name[len] = '\0';

	if (ref == NULL)
		ref = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CalendarRef));
	ref->cal = calendar_get(name, 0);
	ref->generation = calendar_generation;
	ref->len = len;
	memcpy(ref->name, name, len);
	return ref->cal;
}

/* ---------- SQL-callable ---------- */

/*
 * tthc_calendar_changed: statement trigger on the calendar tables; the
 * relcache invalidation reaches every backend at its next statement.
 */
Datum
tthc_calendar_changed(PG_FUNCTION_ARGS)
{
	Oid			relid;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "tthc_calendar_changed: not called by trigger manager");
	relid = calendar_table_oid();
	if (OidIsValid(relid))
		CacheInvalidateRelcacheByRelid(relid);
	return PointerGetDatum(NULL);
}


