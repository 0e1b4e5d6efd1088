/*
 * lunar.h
 *		The Vietnamese lunisolar calendar (âm lịch), computed for UTC+7.
 *
 * Dates are exchanged as Julian day numbers (JDN, the integer day count
 * used by astronomers; 2000-01-01 is JDN 2451545).  Pure C, no PostgreSQL
 * dependencies, so the arithmetic can be unit-tested on its own.
 */
#ifndef TTHC_LUNAR_H
#define TTHC_LUNAR_H

#include <stdbool.h>

/* Lunar years whose conversions we guarantee, both directions. */
#define LUNAR_MIN_YEAR 1900
#define LUNAR_MAX_YEAR 2199

/* Vietnam's civil time zone, in hours east of UTC, since 1975. */
#define LUNAR_VN_TZ 7.0

typedef struct LunarDate
{
	int			year;
	int			month;			/* 1..12 */
	int			day;			/* 1..30 */
	bool		leap;			/* the intercalary (nhuận) month */
} LunarDate;

/* lunar_from_jdn: the lunar date of a solar day, at time zone tz. */
extern void lunar_from_jdn(int jdn, double tz, LunarDate *out);

/*
 * lunar_to_jdn: the solar day of a lunar date, at time zone tz.
 * Returns false when the date does not exist (month or day out of range,
 * a leap flag on a month that is not intercalary that year, day 30 of a
 * 29-day month).
 */
extern bool lunar_to_jdn(const LunarDate *in, double tz, int *jdn);

/* lunar_month_length: days in the given lunar month (29 or 30), 0 if none. */
extern int	lunar_month_length(int year, int month, bool leap, double tz);

/* Gregorian calendar <-> JDN. */
extern int	jdn_from_ymd(int year, int month, int day);
extern void jdn_to_ymd(int jdn, int *year, int *month, int *day);

#endif							/* TTHC_LUNAR_H */
