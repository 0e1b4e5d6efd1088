/*
 * colmap.h
 *		Columns of tthc's tables by name (colmap.c).
 */
#ifndef TTHC_COLMAP_H
#define TTHC_COLMAP_H

#include "postgres.h"

#include "access/tupdesc.h"

extern Oid	tthc_relid(const char *name);
extern void map_columns(TupleDesc desc, Oid relid, int ncols, int nrequired,
						const char *const *names, AttrNumber *att, Oid *map_relid,
						int *map_natts);

#endif							/* TTHC_COLMAP_H */
