/*
 * compat.h
 *		The server calls whose names or signatures differ between PostgreSQL
 *		major versions, behind one name each.  tthc is built and tested on
 *		PostgreSQL 15 (the Makefile stops on any other version); a port adds
 *		its branches here and nowhere else.
 */
#ifndef TTHC_COMPAT_H
#define TTHC_COMPAT_H

#include "postgres.h"

#include "utils/acl.h"

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 160000
#error "tthc is built and tested on PostgreSQL 15 only"
#endif

/* rel_ownercheck: whether `role` owns relation `relid` (or is a superuser) */
#define rel_ownercheck(relid, role) pg_class_ownercheck((relid), (role))

#endif							/* TTHC_COMPAT_H */
