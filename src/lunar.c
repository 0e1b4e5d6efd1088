/*
 * lunar.c
 *		The Vietnamese lunisolar calendar, by the astronomical method that
 *		Hồ Ngọc Đức published ("Âm lịch Việt Nam", 2004), itself built on
 *		Jean Meeus, "Astronomical Algorithms" (1998).
 *
 * Vocabulary and rules:
 *	- A lunar month starts on the local civil day that contains the new moon
 *	  (the conjunction), local time being UTC+7 for Vietnam.  China uses
 *	  UTC+8, which is why Tết falls on another day in some years (1985,
 *	  2007, 2030): a Chinese-calendar library is wrong for Vietnam.
 *	- Month 11 is the month that contains the winter solstice (the sun at
 *	  longitude 270°).
 *	- A lunar year with 13 months between two months 11 has a leap month:
 *	  the first month after month 11 that contains no major solar term
 *	  (trung khí, a multiple of 30° of solar longitude).  It takes the number
 *	  of the month before it, with the leap flag set.
 *
 * Accuracy: the truncated series below place new moons within about a
 * minute; every Tết and leap month from 1900 to 2199 has been checked in
 * the regression tests against the published Vietnamese tables.  The code is
 * pure C (no PostgreSQL headers) so that it stays testable in isolation.
 */
#include "lunar.h"

#include <math.h>

#define PI 3.14159265358979323846
#define DR (PI / 180.0)
#define SYNODIC_MONTH 29.530588853
/* JDN (with fraction) of the new moon of 1900-01-01, origin of k. */
#define K_EPOCH 2415021.076998695

/*
 * jdn_from_ymd: Gregorian date to Julian day number.
 */
int
jdn_from_ymd(int year, int month, int day)
{
	int			a = (14 - month) / 12;
	int			y = year + 4800 - a;
	int			m = month + 12 * a - 3;

	return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
}

/*
 * jdn_to_ymd: Julian day number to Gregorian date.
 */
void
jdn_to_ymd(int jdn, int *year, int *month, int *day)
{
	int			a = jdn + 32044;
	int			b = (4 * a + 3) / 146097;
	int			c = a - b * 146097 / 4;
	int			d = (4 * c + 3) / 1461;
	int			e = c - 1461 * d / 4;
	int			m = (5 * e + 2) / 153;

	*day = e - (153 * m + 2) / 5 + 1;
	*month = m + 3 - 12 * (m / 10);
	*year = b * 100 + d - 4800 + m / 10;
}

/*
 * new_moon: Julian date (UT, with fraction) of the k-th new moon after
 * 1900-01-01, by Meeus' series truncated to the terms above 0.0003 day.
 */
static double
new_moon(int k)
{
	double		t = k / 1236.85;	/* Julian centuries from 1900 */
	double		t2 = t * t;
	double		t3 = t2 * t;
	double		jd;
	double		m,
				mpr,
				f,
				c1,
				deltat;

	jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
	jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * DR);
	m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
	mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
	f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;

	c1 = (0.1734 - 0.000393 * t) * sin(m * DR) + 0.0021 * sin(2 * DR * m);
	c1 += -0.4068 * sin(mpr * DR) + 0.0161 * sin(DR * 2 * mpr);
	c1 += -0.0004 * sin(DR * 3 * mpr);
	c1 += 0.0104 * sin(DR * 2 * f) - 0.0051 * sin(DR * (m + mpr));
	c1 += -0.0074 * sin(DR * (m - mpr)) + 0.0004 * sin(DR * (2 * f + m));
	c1 += -0.0004 * sin(DR * (2 * f - m)) - 0.0006 * sin(DR * (2 * f + mpr));
	c1 += 0.0010 * sin(DR * (2 * f - mpr)) + 0.0005 * sin(DR * (2 * mpr + m));

	/* ΔT, the difference between dynamical and universal time, in days */
	if (t < -11)
		deltat = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3;
	else
		deltat = -0.000278 + 0.000265 * t + 0.000262 * t2;

	return jd + c1 - deltat;
}

/*
 * sun_longitude: apparent solar longitude in radians, normalised to
 * [0, 2π), at Julian date jd (UT).
 */
static double
sun_longitude(double jd)
{
	double		t = (jd - 2451545.0) / 36525;	/* centuries from J2000 */
	double		t2 = t * t;
	double		m,
				l0,
				dl,
				l;

	m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
	l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
	dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(DR * m);
	dl += (0.019993 - 0.000101 * t) * sin(DR * 2 * m) + 0.000290 * sin(DR * 3 * m);
	l = (l0 + dl) * DR;
	return l - 2 * PI * floor(l / (2 * PI));
}

/* new_moon_day: the local civil day (JDN) that contains the k-th new moon. */
static int
new_moon_day(int k, double tz)
{
	return (int) floor(new_moon(k) + 0.5 + tz / 24.0);
}

/*
 * sun_sector: which 30° sector (0..11) the sun is in at the start of local
 * day jdn; sector 9 starts at the winter solstice.
 */
static int
sun_sector(int jdn, double tz)
{
	return (int) floor(sun_longitude(jdn - 0.5 - tz / 24.0) / PI * 6);
}

/* month11_start: JDN of the first day of lunar month 11 that begins in solar year y. */
static int
month11_start(int y, double tz)
{
	int			off = jdn_from_ymd(y, 12, 31) - 2415021;
	int			k = (int) floor(off / SYNODIC_MONTH);
	int			nm = new_moon_day(k, tz);

	/* the new moon found is after the solstice: month 11 began one earlier */
	if (sun_sector(nm, tz) >= 9)
		nm = new_moon_day(k - 1, tz);
	return nm;
}

/*
 * leap_month_offset: for a 13-month year starting at month 11 (JDN a11),
 * the offset (1..12) of the first month without a major solar term.
 */
static int
leap_month_offset(int a11, double tz)
{
	int			k = (int) floor((a11 - K_EPOCH) / SYNODIC_MONTH + 0.5);
	int			i = 1;
	int			last;
	int			arc = sun_sector(new_moon_day(k + i, tz), tz);

	do
	{
		last = arc;
		i++;
		arc = sun_sector(new_moon_day(k + i, tz), tz);
	} while (arc != last && i < 14);
	return i - 1;
}

void
lunar_from_jdn(int jdn, double tz, LunarDate *out)
{
	int			k = (int) floor((jdn - K_EPOCH) / SYNODIC_MONTH) + 1;
	int			month_start = new_moon_day(k, tz);
	int			a11,
				b11,
				diff,
				y,
				m,
				d;
	int			lunar_year;
	bool		leap = false;

	/*
	 * The mean-motion estimate of k can be one month off near a new moon:
	 * settle on the last new-moon day not after jdn.
	 */
	while (month_start > jdn)
		month_start = new_moon_day(--k, tz);
	while (new_moon_day(k + 1, tz) <= jdn)
		month_start = new_moon_day(++k, tz);

	jdn_to_ymd(jdn, &y, &m, &d);
	a11 = month11_start(y, tz);
	b11 = a11;
	if (a11 >= month_start)
	{
		lunar_year = y;
		a11 = month11_start(y - 1, tz);
	}
	else
	{
		lunar_year = y + 1;
		b11 = month11_start(y + 1, tz);
	}

	out->day = jdn - month_start + 1;
	diff = (int) floor((month_start - a11) / 29.0);
	m = diff + 11;
	if (b11 - a11 > 365)
	{
		int			leap_diff = leap_month_offset(a11, tz);

		if (diff >= leap_diff)
		{
			m = diff + 10;
			leap = (diff == leap_diff);
		}
	}
	if (m > 12)
		m -= 12;
	if (m >= 11 && diff < 4)
		lunar_year -= 1;

	out->year = lunar_year;
	out->month = m;
	out->leap = leap;
}

/*
 * month_start_of: JDN of the first day of the given lunar month, or -1 if
 * the month does not exist; *next receives the first day of the month after.
 */
static int
month_start_of(int year, int month, bool leap, double tz, int *next)
{
	int			a11,
				b11,
				off,
				k;

	if (month < 1 || month > 12)
		return -1;
	if (month < 11)
	{
		a11 = month11_start(year - 1, tz);
		b11 = month11_start(year, tz);
	}
	else
	{
		a11 = month11_start(year, tz);
		b11 = month11_start(year + 1, tz);
	}
	off = month - 11;
	if (off < 0)
		off += 12;
	if (b11 - a11 > 365)
	{
		int			leap_off = leap_month_offset(a11, tz);
		int			leap_month = leap_off - 2;

		if (leap_month < 0)
			leap_month += 12;
		if (leap && month != leap_month)
			return -1;
		if (leap || off >= leap_off)
			off += 1;
	}
	else if (leap)
		return -1;

	k = (int) floor(0.5 + (a11 - K_EPOCH) / SYNODIC_MONTH);
	*next = new_moon_day(k + off + 1, tz);
	return new_moon_day(k + off, tz);
}

int
lunar_month_length(int year, int month, bool leap, double tz)
{
	int			next;
	int			start = month_start_of(year, month, leap, tz, &next);

	return start < 0 ? 0 : next - start;
}

bool
lunar_to_jdn(const LunarDate *in, double tz, int *jdn)
{
	int			next;
	int			start = month_start_of(in->year, in->month, in->leap, tz, &next);

	if (start < 0 || in->day < 1 || in->day > next - start)
		return false;
	*jdn = start + in->day - 1;
	return true;
}
