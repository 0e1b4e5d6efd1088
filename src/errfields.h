/*
 * errfields.h
 *		The error fields of an error about a tthc table or column (schema,
 *		table, column), so applications read them instead of parsing the
 *		message: add errtable_named("dossier"), errcolumn_named("code") to an
 *		ereport.
 */
#ifndef TTHC_ERRFIELDS_H
#define TTHC_ERRFIELDS_H

#include "postgres.h"

static inline int
errtable_named(const char *table)
{
	err_generic_string(PG_DIAG_SCHEMA_NAME, "tthc");
	return err_generic_string(PG_DIAG_TABLE_NAME, table);
}

static inline int
errcolumn_named(const char *column)
{
	return err_generic_string(PG_DIAG_COLUMN_NAME, column);
}

#define errtable_of_dossier() errtable_named("dossier")
#define errcolumn_of_dossier(c) errcolumn_named(c)

#endif							/* TTHC_ERRFIELDS_H */
