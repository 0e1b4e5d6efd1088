/*
 * clock.h
 *		The legal clock of a dossier (clock.c).
 */
#ifndef TTHC_CLOCK_H
#define TTHC_CLOCK_H

#include "postgres.h"

#include "utils/date.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "calendar.h"
#include "registry.h"
#include "dossier_row.h"
#include "time_limit.h"

extern TimeLimit warn_before;

extern void ClockInit(void);
extern bool check_working_limit(char **newval, void **extra, GucSource source);
extern int64 limit_usec(const CompiledCalendar *cal, const TimeLimit *tl);
extern TimestampTz shift(const CompiledCalendar *cal, TimestampTz t, int64 work);
extern int64 work_between(const CompiledCalendar *cal, TimestampTz a, TimestampTz b);
extern DateADT local_date(const CompiledCalendar *cal, TimestampTz t);
extern const char *judge(const CompiledCalendar *cal, TimestampTz at, TimestampTz due);
extern const TimeLimit *version_limit(const ProcedureVersion *v, int channel);
extern TimestampTz regime_switch(void);
extern const ProcedureStep *step_of(const ProcedureVersion *v, int step);
extern void step_start(Row *r, const CompiledCalendar *cal, const ProcedureVersion *v, int step, TimestampTz at);
extern void step_start_at_desk(Row *r, const CompiledCalendar *cal, const CompiledCalendar *desk, const ProcedureVersion *v, int step, TimestampTz at);
extern void clock_start(Row *r, const CompiledCalendar *cal, const ProcedureVersion *v, int channel, TimestampTz at);
extern const CompiledCalendar *desk_calendar(const char *receiving_unit);
extern TimestampTz lawful_due(const CompiledCalendar *cal, const CompiledCalendar *desk, const ProcedureVersion *v, int channel, TimestampTz clock, int64 paused_work);

#endif							/* TTHC_CLOCK_H */
