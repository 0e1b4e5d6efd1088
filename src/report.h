/*
 * report.h
 *		Per-day report aggregates, counted by the dossier trigger and written
 *		once per statement to tthc.report_delta (report.c).
 */
#ifndef TTHC_REPORT_H
#define TTHC_REPORT_H

#include "postgres.h"

#include "utils/date.h"

#include "registry.h"

/* The counted measures: columns of tthc.report_delta of the same names
 * (report_measure_name). */
typedef enum ReportMeasure
{
	RM_RECEIVED_IN_PERSON,		/* flows: on the day of the event */
	RM_RECEIVED_ONLINE,
	RM_RECEIVED_POSTAL,
	RM_RECEIVED_OUT_OF_HOURS,	/* ... outside the processing calendar's hours */
	RM_RESOLVED_EARLY,
	RM_RESOLVED_ON_TIME,
	RM_RESOLVED_LATE,
	RM_REFUSED,
	RM_WITHDRAWN,
	RM_STOPPED,
	RM_SUPPLEMENT_REQUESTS,
	RM_TRANSFERRED_IN,			/* an open dossier moved to this unit */
	RM_TRANSFERRED_OUT,			/* ... and away from it */
	RM_OPEN_CHANGE,				/* stocks: the change on that day */
	RM_SUPPLEMENT_CHANGE,
	RM_OVERDUE_CHANGE,
	RM_OFFERED_ONLINE,			/* on the reception day */
	RM_OFFERED_ONLINE_ONLINE,
	RM_WITH_FEE,
	RM_PAID_ONLINE,
	RM_DIGITISED,
	RM_RECEIVED_HERE,			/* received, at the unit holding it now */
	RM_RESULT_ELECTRONIC,		/* on the resolution day */
	NREPORT_MEASURES
} ReportMeasure;

extern bool report_begin(void);
extern void report_add(const char *unit, const ProcedureVersion *v, DateADT day,
					   ReportMeasure m, int64 delta);
extern void report_add_work(const char *unit, const ProcedureVersion *v, DateADT day,
							int64 usec);
extern void report_store(void);
extern bool report_pending(void);
extern void report_forget(void);
extern void report_subxact_abort(SubTransactionId sub);
extern void report_subxact_commit(SubTransactionId sub, SubTransactionId parent);
extern void report_check(void);
extern void report_xact_end(void);

struct Row;
extern void count_for_report(struct Row *r, bool is_update, TimestampTz at);

#endif							/* TTHC_REPORT_H */
