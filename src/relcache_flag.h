/*
 * relcache_flag.h
 *		The validity flag of a per-backend cache compiled from some of
 *		tthc's tables (relcache_flag.c).
 *
 * A statement trigger on each table sends a relcache invalidation
 * (table_changed); the callback registered here only marks the flag stale
 * and counts the invalidation, never touching the catalog.  The cache is
 * rebuilt lazily at its next use, and is valid afterwards only if no
 * invalidation arrived while it was being built (invals unchanged).
 */
#ifndef TTHC_RELCACHE_FLAG_H
#define TTHC_RELCACHE_FLAG_H

#include "postgres.h"

#define RELCACHE_FLAG_MAX 5

typedef struct RelcacheFlag
{
	Oid			relids[RELCACHE_FLAG_MAX];	/* the tables watched (set at each build) */
	bool		valid;
	uint64		invals;			/* invalidations received so far */
} RelcacheFlag;

extern void relcache_flag_register(RelcacheFlag *flag);

/* relcache_flag_stale: an invalidation that is not a relcache one (a role changed) */
static inline void
relcache_flag_stale(RelcacheFlag *flag)
{
	flag->valid = false;
	flag->invals++;
}

#endif							/* TTHC_RELCACHE_FLAG_H */
