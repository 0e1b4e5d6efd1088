/*
 * relcache_flag.c
 *		One relcache callback for the caches of tthc's own tables; see
 *		relcache_flag.h.
 */
#include "postgres.h"

#include "utils/inval.h"

#include "relcache_flag.h"

static void
relcache_flag_cb(Datum arg, Oid relid)
{
	RelcacheFlag *flag = (RelcacheFlag *) DatumGetPointer(arg);
	bool		hit = !OidIsValid(relid);

	for (int i = 0; i < RELCACHE_FLAG_MAX && !hit; i++)
		hit = (flag->relids[i] == relid && OidIsValid(relid));
	if (hit)
		relcache_flag_stale(flag);
}

/* relcache_flag_register: watch flag->relids (once per backend, in _PG_init) */
void
relcache_flag_register(RelcacheFlag *flag)
{
	CacheRegisterRelcacheCallback(relcache_flag_cb, PointerGetDatum(flag));
}
