/*
 * holidays.h
 *		Days off that Vietnam's Labour Code gives every year, generated from
 *		the rules for years with no official schedule.
 *
 * Days are PostgreSQL day numbers (DateADT: days since 2000-01-01).  Pure C.
 */
#ifndef TTHC_HOLIDAYS_H
#define TTHC_HOLIDAYS_H

#include <stdbool.h>
#include <stdint.h>

/* Kinds of calendar day; the order is the SQL enum tthc.day_kind's. */
typedef enum DayKind
{
	DAY_WORKING = 0,			/* a working day of the weekly pattern */
	DAY_WEEKEND,				/* a day off of the weekly pattern */
	DAY_HOLIDAY,				/* public holiday (ngày lễ, Tết) */
	DAY_COMPENSATORY,			/* nghỉ bù: a holiday fell on a weekly rest day */
	DAY_SWAPPED,				/* weekday off, worked on a make-up Saturday */
	DAY_MAKEUP,					/* ngày làm bù: extra working day */
	DAY_SPECIAL_HOURS			/* a date with its own working hours */
} DayKind;

#define DAY_KIND_COUNT 7

extern const char *const day_kind_names[DAY_KIND_COUNT];

/* day_kind_is_off: whether a day of this kind has no working time. */
static inline bool
day_kind_is_off(DayKind kind)
{
	return kind == DAY_WEEKEND || kind == DAY_HOLIDAY ||
		kind == DAY_COMPENSATORY || kind == DAY_SWAPPED;
}

typedef struct GeneratedDay
{
	int32_t		day;			/* DateADT */
	DayKind		kind;			/* DAY_HOLIDAY or DAY_COMPENSATORY */
	const char *name;
	const char *legal_reference;
} GeneratedDay;

#define MAX_GENERATED_DAYS 32

/*
 * vn_labour_code_days: the statutory days off of solar year `year`, with
 * the compensatory days for those that fall on a weekly rest day
 * (rest[isodow], isodow 1..7).  Returns the count, days in ascending order.
 */
extern int	vn_labour_code_days(int year, const bool rest[8], GeneratedDay *out);

#endif							/* TTHC_HOLIDAYS_H */
