/*
 * worktime.h
 *		Working-time arithmetic on a compiled calendar, and the SQL
 *		functions of working days and working time (worktime.c).
 *
 * Positions are working time counted from the calendar's first day; a day
 * index is days since the calendar's first day.  Everything reads the
 * compiled calendar only (calendar.h), so it is pure and fast.
 */
#ifndef TTHC_WORKTIME_H
#define TTHC_WORKTIME_H

#include "postgres.h"

#include "calendar.h"
#include "time_limit.h"

extern int32 cal_day_index(const CompiledCalendar *cal, DateADT d);
extern void cal_local(const CompiledCalendar *cal, TimestampTz ts,
					  int32 *day, int64 *tod);
extern TimestampTz cal_instant(const CompiledCalendar *cal, int32 day, int64 tod);
extern int64 cal_position(const CompiledCalendar *cal, TimestampTz ts);
extern TimestampTz cal_at_position(const CompiledCalendar *cal, int64 w,
								   bool latest);
extern TimestampTz cal_add_working_time(const CompiledCalendar *cal,
										TimestampTz ts, int64 usec);
extern TimestampTz cal_end_of_day(const CompiledCalendar *cal, int32 day);
extern int32 cal_next_working(const CompiledCalendar *cal, int32 day);

extern TimestampTz cal_deadline(const CompiledCalendar *cal,
								TimestampTz received, const TimeLimit *tl,
								int64 cutoff);
extern TimestampTz cal_deadline_desk(const CompiledCalendar *cal,
									 const CompiledCalendar *desk,
									 TimestampTz received, const TimeLimit *tl,
									 int64 cutoff);

#endif							/* TTHC_WORKTIME_H */
