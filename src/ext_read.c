/*
 * ext_read.c
 *		How a cache of tthc's own tables (calendars, transitions, units and
 *		procedures) reads them: through SPI, under a fixed search_path, from
 *		the latest committed state.
 *
 * The fixed search_path (pg_catalog, pg_temp) resolves functions and
 * operators so that nobody's objects earlier in the caller's path run in
 * the caller's session.  The latest snapshot, not the statement's, is what
 * the catalog caches read too: an invalidation received after the
 * statement's snapshot was taken must not leave an old copy cached
 * (parallel workers keep the leader's snapshot and cannot push one).
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"

#include "ext_read.h"

/* ext_read_begin: connect SPI under the fixed path and the latest snapshot */
void
ext_read_begin(ExtRead *r)
{
	r->guc_level = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	r->snapshot_pushed = false;
	if (!IsInParallelMode())
	{
		PushActiveSnapshot(GetLatestSnapshot());
		r->snapshot_pushed = true;
	}
}

/* ext_read_end: undo ext_read_begin, in reverse */
void
ext_read_end(ExtRead *r)
{
	if (r->snapshot_pushed)
		PopActiveSnapshot();
	SPI_finish();
	AtEOXact_GUC(true, r->guc_level);
}
