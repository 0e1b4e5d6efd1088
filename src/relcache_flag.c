/*
 * relcache_flag.c
 *		One relcache callback for the caches of tthc's own tables; see
 *		relcache_flag.h.
 */
#include "postgres.h"

#include "utils/inval.h"

#include "relcache_flag.h"

#define MAX_FLAGS 8

static RelcacheFlag *flags[MAX_FLAGS];
static int	nflags = 0;

/* relcache_flag_cb: the one callback (a backend has only ten relcache callbacks) */
static void
relcache_flag_cb(Datum arg, Oid relid)
{
	for (int f = 0; f < nflags; f++)
	{
		RelcacheFlag *flag = flags[f];
		bool		hit = !OidIsValid(relid);

		for (int i = 0; i < RELCACHE_FLAG_MAX && !hit; i++)
			hit = (flag->relids[i] == relid);
		if (hit)
			relcache_flag_stale(flag);
	}
}

/* relcache_flag_register: watch flag->relids (once per backend, in _PG_init) */
void
relcache_flag_register(RelcacheFlag *flag)
{
	if (nflags == MAX_FLAGS)
		elog(ERROR, "too many tthc relcache flags");
	if (nflags == 0)
		CacheRegisterRelcacheCallback(relcache_flag_cb, (Datum) 0);
	flags[nflags++] = flag;
}
