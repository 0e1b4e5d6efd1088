/*
 * access.h
 *		Who may see and change which units' dossiers (tthc.officer_unit).
 */
#ifndef TTHC_ACCESS_H
#define TTHC_ACCESS_H

#include "postgres.h"

#include "nodes/pg_list.h"

extern bool role_sees_all(Oid role);
extern List *role_units(Oid role);

#endif							/* TTHC_ACCESS_H */
