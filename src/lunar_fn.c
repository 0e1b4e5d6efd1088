/*
 * lunar_fn.c
 *		SQL functions over the Vietnamese lunar calendar (lunar.c).
 *
 * Both are IMMUTABLE: the lunar calendar is astronomy, not table data.
 * Supported lunar years: LUNAR_MIN_YEAR..LUNAR_MAX_YEAR.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "lunar.h"

PG_FUNCTION_INFO_V1(tthc_lunar_to_solar);
PG_FUNCTION_INFO_V1(tthc_solar_to_lunar);

static void
lunar_year_out_of_range(int year)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("lunar year %d is out of range", year),
			 errdetail("Supported lunar years are %d to %d.", LUNAR_MIN_YEAR, LUNAR_MAX_YEAR)));
}

Datum
tthc_lunar_to_solar(PG_FUNCTION_ARGS)
{
	LunarDate	ld;
	int			jdn;

	ld.year = PG_GETARG_INT32(0);
	ld.month = PG_GETARG_INT32(1);
	ld.day = PG_GETARG_INT32(2);
	ld.leap = PG_GETARG_BOOL(3);

	if (ld.year < LUNAR_MIN_YEAR || ld.year > LUNAR_MAX_YEAR)
		lunar_year_out_of_range(ld.year);
	if (ld.month < 1 || ld.month > 12 || ld.day < 1 || ld.day > 30)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lunar date %d-%02d-%02d is invalid", ld.year, ld.month, ld.day),
				 errdetail("Lunar months are 1 to 12 and days 1 to 30.")));
	if (!lunar_to_jdn(&ld, LUNAR_VN_TZ, &jdn))
	{
		int			len = lunar_month_length(ld.year, ld.month, ld.leap, LUNAR_VN_TZ);

		if (len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("lunar year %d has no leap month %d", ld.year, ld.month)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lunar date %d-%02d%s-%02d does not exist", ld.year, ld.month,
						ld.leap ? " (leap)" : "", ld.day),
				 errdetail("That month has %d days.", len)));
	}
	PG_RETURN_DATEADT(jdn - POSTGRES_EPOCH_JDATE);
}

Datum
tthc_solar_to_lunar(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	TupleDesc	desc;
	LunarDate	ld;
	Datum		values[4];
	bool		nulls[4] = {0};
	int64		jdn = (int64) d + POSTGRES_EPOCH_JDATE;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (DATE_NOT_FINITE(d) || jdn < jdn_from_ymd(LUNAR_MIN_YEAR, 1, 1) ||
		jdn > jdn_from_ymd(LUNAR_MAX_YEAR + 1, 3, 1))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date is out of the range of the lunar calendar"),
				 errdetail("Supported lunar years are %d to %d.", LUNAR_MIN_YEAR, LUNAR_MAX_YEAR)));
	lunar_from_jdn((int) jdn, LUNAR_VN_TZ, &ld);
	if (ld.year < LUNAR_MIN_YEAR || ld.year > LUNAR_MAX_YEAR)
		lunar_year_out_of_range(ld.year);

	values[0] = Int32GetDatum(ld.year);
	values[1] = Int32GetDatum(ld.month);
	values[2] = Int32GetDatum(ld.day);
	values[3] = BoolGetDatum(ld.leap);
	desc = BlessTupleDesc(desc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
