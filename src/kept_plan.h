/*
 * kept_plan.h
 *		A statement tthc runs through SPI, prepared once per backend.
 */
#ifndef TTHC_KEPT_PLAN_H
#define TTHC_KEPT_PLAN_H

#include "postgres.h"

#include "executor/spi.h"

/* kept_plan: *plan, prepared from sql with its argument types on first use */
static inline SPIPlanPtr
kept_plan(SPIPlanPtr *plan, const char *sql, int nargs, Oid *types)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, nargs, types);

		if (p == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		*plan = p;
	}
	return *plan;
}

#endif							/* TTHC_KEPT_PLAN_H */
