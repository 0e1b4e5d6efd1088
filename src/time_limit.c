/*
 * time_limit.c
 *		Input, output and equality of tthc.time_limit.
 *
 * Text input accepts English and Vietnamese, with or without diacritics and
 * in any letter case: '15 working days', '15 ngày làm việc', '15 wd',
 * '0,5 ngày làm việc', '4 working hours', '4 giờ làm việc', '30 days',
 * '30 ngày', 'same day', 'trong ngày'.  Output is canonical English, so two
 * spellings of one limit compare equal and print the same.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "common/string.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "time_limit.h"

PG_FUNCTION_INFO_V1(tthc_time_limit_in);
PG_FUNCTION_INFO_V1(tthc_time_limit_out);
PG_FUNCTION_INFO_V1(tthc_time_limit_recv);
PG_FUNCTION_INFO_V1(tthc_time_limit_send);
PG_FUNCTION_INFO_V1(tthc_time_limit_eq);
PG_FUNCTION_INFO_V1(tthc_time_limit_ne);
PG_FUNCTION_INFO_V1(tthc_time_limit_hash);
PG_FUNCTION_INFO_V1(tthc_time_limit_unit);
PG_FUNCTION_INFO_V1(tthc_time_limit_amount);

#define ACCEPTED_FORMS \
	"Accepted forms: '15 working days' ('15 ngày làm việc', '15 wd'), " \
	"'4 working hours' ('4 giờ làm việc', '4 wh'), '30 days' ('30 ngày'), " \
	"'same day' ('trong ngày'); amounts may have up to three decimals, " \
	"e.g. '0.5 working days'."

typedef struct UnitWord
{
	const char *word;
	TimeLimitUnit unit;
} UnitWord;

/* compared after normalise(): lower case, single spaces */
static const UnitWord unit_words[] = {
	{"working days", TL_WORKING_DAYS},
	{"working day", TL_WORKING_DAYS},
	{"workdays", TL_WORKING_DAYS},
	{"workday", TL_WORKING_DAYS},
	{"business days", TL_WORKING_DAYS},
	{"business day", TL_WORKING_DAYS},
	{"wd", TL_WORKING_DAYS},
	{"ngày làm việc", TL_WORKING_DAYS},
	{"ngay lam viec", TL_WORKING_DAYS},
	{"ngày lv", TL_WORKING_DAYS},
	{"nlv", TL_WORKING_DAYS},
	{"working hours", TL_WORKING_HOURS},
	{"working hour", TL_WORKING_HOURS},
	{"work hours", TL_WORKING_HOURS},
	{"wh", TL_WORKING_HOURS},
	{"giờ làm việc", TL_WORKING_HOURS},
	{"gio lam viec", TL_WORKING_HOURS},
	{"giờ lv", TL_WORKING_HOURS},
	{"days", TL_DAYS},
	{"day", TL_DAYS},
	{"calendar days", TL_DAYS},
	{"calendar day", TL_DAYS},
	{"d", TL_DAYS},
	{"ngày", TL_DAYS},
	{"ngay", TL_DAYS},
	{NULL, 0}
};

static const char *const same_day_words[] = {
	"same day", "same-day", "sameday", "trong ngày", "trong ngay", NULL
};

/* is_space: byte length of the white space at p (no-break space too), or 0 */
static int
is_space(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		return 1;
	if (p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	return 0;
}

/*
 * normalise: compose decomposed Unicode (Vietnamese typed with combining
 * marks, "Unicode tổ hợp") to NFC, lower-case ASCII and the Vietnamese capitals (Latin-1 block,
 * Đ, and U+1EA0..U+1EF9 where capitals are the even code points), fold
 * runs of white space into one space, trim.
 */
static char *
normalise(const char *s)
{
	size_t		len;
	char	   *out;
	char	   *o;
	const unsigned char *p;

	if (GetDatabaseEncoding() == PG_UTF8 && !pg_is_ascii(s))
		s = TextDatumGetCString(DirectFunctionCall2(unicode_normalize_func,
													CStringGetTextDatum(s),
													CStringGetTextDatum("NFC")));
	len = strlen(s);
	out = palloc(len + 1);
	o = out;
	p = (const unsigned char *) s;

	while (is_space(p))
		p += is_space(p);
	while (*p)
	{
		if (is_space(p))
		{
			while (is_space(p))
				p += is_space(p);
			if (*p)
				*o++ = ' ';
			continue;
		}
		if (*p >= 'A' && *p <= 'Z')
			*o++ = *p++ + ('a' - 'A');
		else if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97)
		{
			*o++ = p[0];
			*o++ = p[1] + 0x20;
			p += 2;
		}
		else if (p[0] == 0xC4 && p[1] == 0x90)
		{
			*o++ = 0xC4;
			*o++ = 0x91;
			p += 2;
		}
		else if (p[0] == 0xE1 && (p[1] == 0xBA || p[1] == 0xBB) && p[2] >= 0x80 && p[2] <= 0xBF)
		{
			int			cp = 0x1E00 | ((p[1] & 0x0F) << 6) | (p[2] & 0x3F);

			if (cp >= 0x1EA0 && cp <= 0x1EF9 && cp % 2 == 0)
				cp++;
			*o++ = 0xE1;
			*o++ = 0x80 | ((cp >> 6) & 0x3F);
			*o++ = 0x80 | (cp & 0x3F);
			p += 3;
		}
		else
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static void
bad_input(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type tthc.time_limit: \"%s\"", str),
			 errdetail("%s", detail),
			 errhint(ACCEPTED_FORMS)));
}

/* time_limit_parse: a time limit from its text (22P02 / 22003 on bad input) */
void
time_limit_parse(const char *str, TimeLimit *tl)
{
	char	   *s = normalise(str);
	char	   *p = s;
	int64		whole = 0;
	int			frac = 0;
	int			fdigits = 0;
	bool		digits = false;

	for (int i = 0; same_day_words[i]; i++)
		if (strcmp(s, same_day_words[i]) == 0)
		{
			tl->unit = TL_SAME_DAY;
			tl->milli = 0;
			return;
		}

	while (*p >= '0' && *p <= '9')
	{
		whole = whole * 10 + (*p++ - '0');
		digits = true;
		if (whole > TL_MAX_AMOUNT)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("time limit \"%s\" is out of range", str),
					 errdetail("The amount may be at most %d.", TL_MAX_AMOUNT)));
	}
	if ((*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9')
	{
		p++;
		while (*p >= '0' && *p <= '9')
		{
			if (++fdigits > 3)
				bad_input(str, "The amount has more than three decimals.");
			frac = frac * 10 + (*p++ - '0');
		}
		for (int i = fdigits; i < 3; i++)
			frac *= 10;
		/* Vietnamese writes one thousand as 1.000: refuse to guess */
		if (fdigits == 3 && whole > 0)
			bad_input(str, "An amount like 1.000 or 1,000 is ambiguous (one, or one thousand); write 1000, 1 or 1.5.");
	}
	if (!digits)
		bad_input(str, "The limit does not start with an amount.");
	if (*p == ' ')
		p++;
	tl->unit = 0;
	for (int i = 0; unit_words[i].word; i++)
		if (strcmp(p, unit_words[i].word) == 0)
		{
			tl->unit = unit_words[i].unit;
			break;
		}
	if (tl->unit == 0)
		bad_input(str, *p ? "The unit is not recognised." : "The unit is missing.");
	tl->milli = (int32) (whole * 1000 + frac);
	if (tl->milli <= 0)
		bad_input(str, "The amount must be positive; use 'same day' for a limit within the day.");
	if (tl->milli > TL_MAX_AMOUNT * 1000)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("time limit \"%s\" is out of range", str),
				 errdetail("The amount may be at most %d.", TL_MAX_AMOUNT)));
	if (tl->unit == TL_DAYS && frac != 0)
		bad_input(str, "Calendar days must be whole; use working days or hours for fractions.");
	pfree(s);
}

static void
time_limit_check(const TimeLimit *tl)
{
	bool		ok;

	switch (tl->unit)
	{
		case TL_SAME_DAY:
			ok = tl->milli == 0;
			break;
		case TL_DAYS:
			ok = tl->milli > 0 && tl->milli % 1000 == 0 && tl->milli <= TL_MAX_AMOUNT * 1000;
			break;
		case TL_WORKING_DAYS:
		case TL_WORKING_HOURS:
			ok = tl->milli > 0 && tl->milli <= TL_MAX_AMOUNT * 1000;
			break;
		default:
			ok = false;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external tthc.time_limit value"),
				 errdetail("Unit %d with amount %d thousandths.", tl->unit, tl->milli)));
}

static const char *
unit_name(int32 unit, bool plural)
{
	switch (unit)
	{
		case TL_WORKING_DAYS:
			return plural ? "working days" : "working day";
		case TL_WORKING_HOURS:
			return plural ? "working hours" : "working hour";
		case TL_DAYS:
			return plural ? "days" : "day";
		default:
			return "same day";
	}
}

Datum
tthc_time_limit_in(PG_FUNCTION_ARGS)
{
	TimeLimit  *tl = palloc(sizeof(TimeLimit));

	time_limit_parse(PG_GETARG_CSTRING(0), tl);
	PG_RETURN_POINTER(tl);
}

Datum
tthc_time_limit_out(PG_FUNCTION_ARGS)
{
	TimeLimit  *tl = PG_GETARG_TIME_LIMIT_P(0);
	char		num[32];
	int			n;

	if (tl->unit == TL_SAME_DAY)
		PG_RETURN_CSTRING(pstrdup("same day"));
	n = snprintf(num, sizeof(num), "%d.%03d", tl->milli / 1000, tl->milli % 1000);
	while (num[n - 1] == '0')
		num[--n] = '\0';
	if (num[n - 1] == '.')
		num[--n] = '\0';
	PG_RETURN_CSTRING(psprintf("%s %s", num, unit_name(tl->unit, tl->milli != 1000)));
}

Datum
tthc_time_limit_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	TimeLimit  *tl = palloc(sizeof(TimeLimit));

	tl->unit = pq_getmsgint(buf, 4);
	tl->milli = pq_getmsgint(buf, 4);
	time_limit_check(tl);
	PG_RETURN_POINTER(tl);
}

Datum
tthc_time_limit_send(PG_FUNCTION_ARGS)
{
	TimeLimit  *tl = PG_GETARG_TIME_LIMIT_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, tl->unit);
	pq_sendint32(&buf, tl->milli);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
tthc_time_limit_eq(PG_FUNCTION_ARGS)
{
	TimeLimit  *a = PG_GETARG_TIME_LIMIT_P(0);
	TimeLimit  *b = PG_GETARG_TIME_LIMIT_P(1);

	PG_RETURN_BOOL(a->unit == b->unit && a->milli == b->milli);
}

Datum
tthc_time_limit_ne(PG_FUNCTION_ARGS)
{
	TimeLimit  *a = PG_GETARG_TIME_LIMIT_P(0);
	TimeLimit  *b = PG_GETARG_TIME_LIMIT_P(1);

	PG_RETURN_BOOL(a->unit != b->unit || a->milli != b->milli);
}

Datum
tthc_time_limit_hash(PG_FUNCTION_ARGS)
{
	TimeLimit  *tl = PG_GETARG_TIME_LIMIT_P(0);

	PG_RETURN_UINT32(hash_bytes_uint32((uint32) tl->unit * 2654435761U ^ (uint32) tl->milli));
}

/* tthc_time_limit_unit: 'working_days', 'working_hours', 'days' or 'same_day'. */
Datum
tthc_time_limit_unit(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {NULL, "working_days", "working_hours", "days", "same_day"};
	TimeLimit  *tl = PG_GETARG_TIME_LIMIT_P(0);

	PG_RETURN_TEXT_P(cstring_to_text(names[tl->unit]));
}

/* tthc_time_limit_amount: the amount in the limit's unit (0 for same day). */
Datum
tthc_time_limit_amount(PG_FUNCTION_ARGS)
{
	TimeLimit  *tl = PG_GETARG_TIME_LIMIT_P(0);

	PG_RETURN_DATUM(DirectFunctionCall3(numeric_in,
										CStringGetDatum(psprintf("%d.%03d", tl->milli / 1000, tl->milli % 1000)),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}
