/*
 * holidays.c
 *		The Labour Code's yearly days off, for years without an official
 *		civil-service schedule.  Every day produced here is provisional: an
 *		official schedule entered as rows replaces a whole year of them.
 *
 * Rules, by the code in force on the day (all with the compensatory rule:
 * a holiday on a weekly rest day gives the next working day off):
 *	- Labour Code 1994, Art. 73 (in force 1995; applied to 1990-1994 too):
 *	  1/1; Tết 4 days (eve + days 1-3 of month 1); 30/4; 1/5; 2/9.
 *	  From 2007 (amendment of Art. 73): Giỗ Tổ Hùng Vương, 10/3 lunar.
 *	- Labour Code 2012, Art. 115 (from 2013-05-01): Tết 5 days (eve + 1-4).
 *	- Labour Code 2019, Art. 112 (from 2021-01-01): Quốc khánh 2 days; the
 *	  adjacent day is chosen each year, 3/9 here.
 * The eve of Tết is the last day of the lunar year, the 29th or the 30th of
 * month 12, which is why it is computed as the day before lunar 1/1.
 */
#include "holidays.h"
#include "lunar.h"

#define POSTGRES_EPOCH_JDN_ 2451545

const char *const day_kind_names[DAY_KIND_COUNT] = {
	"working", "weekend", "holiday", "compensatory", "swapped", "makeup",
	"special_hours"
};

/* Which Labour Code governs a day. */
typedef enum
{
	CODE_1994,
	CODE_2012,
	CODE_2019
} LabourCode;

static LabourCode
code_in_force(int jdn)
{
	if (jdn >= jdn_from_ymd(2021, 1, 1))
		return CODE_2019;
	if (jdn >= jdn_from_ymd(2013, 5, 1))
		return CODE_2012;
	return CODE_1994;
}

static const char *
holiday_reference(int jdn)
{
	switch (code_in_force(jdn))
	{
		case CODE_2019:
			return "Bộ luật Lao động 2019, Điều 112 (tạm tính)";
		case CODE_2012:
			return "Bộ luật Lao động 2012, Điều 115 (tạm tính)";
		default:
			return "Bộ luật Lao động 1994, Điều 73 (tạm tính)";
	}
}

static const char *
compensatory_reference(int jdn)
{
	switch (code_in_force(jdn))
	{
		case CODE_2019:
			return "Bộ luật Lao động 2019, Điều 111 khoản 3 (tạm tính)";
		case CODE_2012:
			return "Bộ luật Lao động 2012, Điều 115 khoản 3 (tạm tính)";
		default:
			return "Bộ luật Lao động 1994, Điều 73 (tạm tính)";
	}
}

static int
isodow_of_jdn(int jdn)
{
	return jdn % 7 + 1;			/* JDN 0 was a Monday */
}

static void
add_day(GeneratedDay *out, int *n, int jdn, DayKind kind, const char *name)
{
	out[*n].day = jdn - POSTGRES_EPOCH_JDN_;
	out[*n].kind = kind;
	out[*n].name = name;
	out[*n].legal_reference = kind == DAY_COMPENSATORY ?
		compensatory_reference(jdn) : holiday_reference(jdn);
	(*n)++;
}

static bool
listed(const GeneratedDay *days, int n, int jdn)
{
	for (int i = 0; i < n; i++)
		if (days[i].day == jdn - POSTGRES_EPOCH_JDN_)
			return true;
	return false;
}

int
vn_labour_code_days(int year, const bool rest[8], GeneratedDay *out)
{
	GeneratedDay holidays[MAX_GENERATED_DAYS];
	int			nh = 0;
	int			n = 0;
	LunarDate	tet = {year, 1, 1, false};
	LunarDate	hung = {year, 3, 10, false};
	int			tet_jdn;
	int			tet_days;
	bool		any_work = false;

	for (int d = 1; d <= 7; d++)
		any_work |= !rest[d];

	add_day(holidays, &nh, jdn_from_ymd(year, 1, 1), DAY_HOLIDAY, "Tết Dương lịch");

	if (lunar_to_jdn(&tet, LUNAR_VN_TZ, &tet_jdn))
	{
		tet_days = code_in_force(tet_jdn) == CODE_1994 ? 4 : 5;
		for (int i = -1; i < tet_days - 1; i++)
			add_day(holidays, &nh, tet_jdn + i, DAY_HOLIDAY, "Tết Nguyên đán");
	}
	if (year >= 2007)
	{
		int			hung_jdn;

		if (lunar_to_jdn(&hung, LUNAR_VN_TZ, &hung_jdn))
			add_day(holidays, &nh, hung_jdn, DAY_HOLIDAY, "Giỗ Tổ Hùng Vương");
	}
	add_day(holidays, &nh, jdn_from_ymd(year, 4, 30), DAY_HOLIDAY,
			"Ngày Chiến thắng");
	add_day(holidays, &nh, jdn_from_ymd(year, 5, 1), DAY_HOLIDAY,
			"Ngày Quốc tế Lao động");
	add_day(holidays, &nh, jdn_from_ymd(year, 9, 2), DAY_HOLIDAY, "Quốc khánh");
	if (year >= 2021)
		add_day(holidays, &nh, jdn_from_ymd(year, 9, 3), DAY_HOLIDAY, "Quốc khánh");

	/*
	 * Holidays are listed in date order.  Each one that falls on a rest day
	 * moves to the next day that is neither a rest day, a holiday, nor an
	 * already granted compensatory day, so a long Tết over a weekend yields
	 * consecutive compensatory days after the block.
	 */
	for (int i = 0; i < nh; i++)
	{
		int			jdn = holidays[i].day + POSTGRES_EPOCH_JDN_;

		out[n++] = holidays[i];
		if (rest[isodow_of_jdn(jdn)] && any_work)
		{
			int			c = jdn + 1;

			while (rest[isodow_of_jdn(c)] || listed(holidays, nh, c) || listed(out, n, c))
				c++;
			add_day(out, &n, c, DAY_COMPENSATORY, holidays[i].name);
		}
	}

	/* insertion sort: compensatory days were appended after their holiday */
	for (int i = 1; i < n; i++)
	{
		GeneratedDay t = out[i];
		int			j = i - 1;

		while (j >= 0 && out[j].day > t.day)
		{
			out[j + 1] = out[j];
			j--;
		}
		out[j + 1] = t;
	}
	return n;
}
