/*
 * worker.c
 *		The SLA background worker: calls tthc.sweep() on a timer.
 *
 * tthc.sweep() flags the running dossiers that have passed their deadline,
 * warns those due soon, and sends NOTIFY tthc_overdue / tthc_due_soon.  This
 * worker, "tthc sla worker" in pg_stat_activity.backend_type, connects to one
 * database (tthc.database) and calls it every tthc.sweep_interval.
 *
 * The worker is optional.  It is registered only when tthc is listed in
 * shared_preload_libraries; without it every SQL function works, and the
 * sweep can be run by pg_cron (SELECT cron.schedule('* * * * *', 'SELECT
 * tthc.sweep()')) or by hand.  The worker never assumes it is the only
 * sweeper: the lease, a transaction-level advisory lock, is taken inside
 * tthc.sweep(), which returns at once when another session holds it.  The
 * worker, a cron job and a clerk may therefore all sweep the same database.
 *
 * Vocabulary:
 *	- iteration: one trip round the loop; the loop memory context is reset
 *	  at its start, so nothing the worker allocates outlives it.
 *	- sweep: one transaction that checks that the extension is there and, if
 *	  so, runs SELECT ... FROM tthc.sweep().  Its now(), the transaction
 *	  start, is the time swept to.  Each sweep runs as the bootstrap
 *	  superuser with search_path = pg_catalog, pg_temp (SET LOCAL), and
 *	  names every object with its schema.
 *	- target: what the last sweep found in the database (no extension, an
 *	  extension too old to have tthc.sweep, or ready).  A change of target
 *	  is logged once, at LOG; the same finding is not logged again.
 *
 * Failures: an error in a sweep (a failing trigger, a lock timeout, a query
 * cancelled with pg_cancel_backend) is logged, the transaction is rolled
 * back, and the worker sweeps again after the interval.  The worker exits
 * only on SIGTERM (pg_terminate_backend, shutdown) or when the postmaster
 * dies; the postmaster starts it again after WORKER_RESTART_SECONDS.  A
 * tthc.database that does not exist makes the worker exit FATAL at
 * connection, and so it is logged again at each restart.  The worker starts
 * once recovery has finished: on a standby it does not run until promotion.
 *
 * GUCs:
 *	- tthc.database (postmaster, default 'postgres'): the database swept.
 *	  Defined only when the library is preloaded: PostgreSQL refuses a
 *	  postmaster-level parameter defined after startup, and without the
 *	  worker the value would mean nothing.
 *	- tthc.sweep_interval (sighup, default 60 s, 1 s to 1 day): the time
 *	  from the end of one sweep to the start of the next.  A reload applies
 *	  a new value at once.
 *	- tthc.worker_enabled (sighup, default on): when off, the worker stays
 *	  connected but idle, so one node of several can be switched off; when
 *	  turned on again it sweeps at once if the interval has passed.
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "worker.h"

#define WORKER_TYPE "tthc sla worker"
#define WORKER_RESTART_SECONDS 10

static char *worker_database = NULL;
static int	sweep_interval = 60;	/* seconds */
static bool worker_enabled = true;

typedef enum SweepTarget
{
	TARGET_UNKNOWN,				/* not looked yet */
	TARGET_NO_EXTENSION,
	TARGET_NO_SWEEP,			/* an extension version without tthc.sweep */
	TARGET_READY
} SweepTarget;

static SweepTarget target = TARGET_UNKNOWN;

static const char *const find_target_sql =
"SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p"
" WHERE p.pronamespace OPERATOR(pg_catalog.=) e.extnamespace"
" AND p.proname OPERATOR(pg_catalog.=) 'sweep')"
" FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'tthc'";

static const char *const sweep_sql =
"SELECT COALESCE(pg_catalog.sum(overdue), 0)::pg_catalog.int8,"
" COALESCE(pg_catalog.sum(due_soon), 0)::pg_catalog.int8 FROM tthc.sweep()";

/*
 * WorkerInit: the interval and the switch are defined in every backend, so
 * that SHOW and ALTER SYSTEM know them whether or not the library was
 * preloaded; see the file header for why tthc.database is not.
 */
void
WorkerInit(void)
{
	BackgroundWorker worker;

	DefineCustomIntVariable("tthc.sweep_interval",
							"Time between two sweeps of the tthc SLA worker.",
							"Measured from the end of one sweep to the start of the next.",
							&sweep_interval, 60, 1, 24 * 60 * 60,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomBoolVariable("tthc.worker_enabled",
							 "Whether the tthc SLA worker sweeps.",
							 "When off, the worker stays connected but does nothing.",
							 &worker_enabled, true, PGC_SIGHUP, 0,
							 NULL, NULL, NULL);

	if (!process_shared_preload_libraries_in_progress)
		return;

	DefineCustomStringVariable("tthc.database",
							   "Database in which the tthc SLA worker runs tthc.sweep().",
							   NULL, &worker_database, "postgres",
							   PGC_POSTMASTER, 0, NULL, NULL, NULL);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = WORKER_RESTART_SECONDS;
	strlcpy(worker.bgw_library_name, "tthc", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "tthc_worker_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, WORKER_TYPE, BGW_MAXLEN);
	strlcpy(worker.bgw_type, WORKER_TYPE, BGW_MAXLEN);
	worker.bgw_main_arg = (Datum) 0;
	worker.bgw_notify_pid = 0;
	RegisterBackgroundWorker(&worker);
}

/*
 * worker_error_context: says which process and database an error in a sweep
 * comes from, since the server log of a background worker names neither.
 */
static void
worker_error_context(void *arg)
{
	errcontext("tthc sla worker in database \"%s\"", worker_database);
}

/*
 * worker_find_target: a missing extension is a normal state (the worker may
 * be configured before CREATE EXTENSION), not an error; and so is a version
 * that predates tthc.sweep, until ALTER EXTENSION tthc UPDATE.
 */
static SweepTarget
worker_find_target(void)
{
	bool		isnull;
	Datum		has_sweep;

	if (SPI_execute(find_target_sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not look up extension tthc");
	if (SPI_processed == 0)
		return TARGET_NO_EXTENSION;
	has_sweep = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return DatumGetBool(has_sweep) ? TARGET_READY : TARGET_NO_SWEEP;
}

/*
 * worker_note_target: log a change of target once, so a database without the
 * extension does not fill the log at every interval.
 */
static void
worker_note_target(SweepTarget found)
{
	if (found == target)
		return;
	target = found;
	switch (found)
	{
		case TARGET_NO_EXTENSION:
			ereport(LOG,
					(errmsg("tthc sla worker is waiting: extension tthc is not installed in database \"%s\"",
							worker_database),
					 errhint("Run CREATE EXTENSION tthc in that database, or set tthc.database to the database that has it."),
					 errhidecontext(true)));
			break;
		case TARGET_NO_SWEEP:
			ereport(LOG,
					(errmsg("tthc sla worker is waiting: extension tthc in database \"%s\" has no function tthc.sweep",
							worker_database),
					 errhint("Run ALTER EXTENSION tthc UPDATE in that database."),
					 errhidecontext(true)));
			break;
		case TARGET_READY:
			ereport(LOG,
					(errmsg("tthc sla worker is sweeping database \"%s\"", worker_database),
					 errhidecontext(true)));
			break;
		case TARGET_UNKNOWN:
			break;
	}
}

/*
 * worker_sweep: one sweep in its own transaction.  The caller catches
 * errors; nothing here needs cleaning up beyond what aborting the
 * transaction does (SPI, the snapshot, the SET LOCAL).
 */
static void
worker_sweep(void)
{
	ErrorContextCallback errcallback;

	errcallback.callback = worker_error_context;
	errcallback.arg = NULL;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
							 true, 0, false);

	pgstat_report_activity(STATE_RUNNING, find_target_sql);
	worker_note_target(worker_find_target());

	if (target == TARGET_READY)
	{
		bool		isnull;
		int64		overdue;
		int64		due_soon;

		/* zero counts when another session holds the lease */
		pgstat_report_activity(STATE_RUNNING, sweep_sql);
		if (SPI_execute(sweep_sql, false, 0) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "could not run tthc.sweep()");
		overdue = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1, &isnull));
		due_soon = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 2, &isnull));
		ereport(overdue > 0 || due_soon > 0 ? LOG : DEBUG1,
				(errmsg("tthc sla worker swept database \"%s\": %lld overdue, %lld due soon",
						worker_database, (long long) overdue, (long long) due_soon),
				 errhidecontext(true)));
	}

	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();

	error_context_stack = errcallback.previous;
}

/*
 * worker_sweep_or_log: an error in one sweep is reported and rolled back,
 * and must not end the worker: the next sweep may well succeed (a lock
 * timeout, a cancelled query, a trigger since fixed).  Kept apart from the
 * loop so that none of the loop's variables live across the longjmp.
 */
static void
worker_sweep_or_log(MemoryContext loop_context)
{
	PG_TRY();
	{
		worker_sweep();
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		EmitErrorReport();
		AbortCurrentTransaction();
		FlushErrorState();
		MemoryContextSwitchTo(loop_context);
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
	pgstat_report_stat(true);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/*
 * tthc_worker_main: the loop.  Each iteration sweeps when the interval has
 * passed since the end of the last sweep, then sleeps until the next one is
 * due or a signal arrives; a reload therefore applies a new interval or
 * switch at once without making an extra sweep.
 */
void
tthc_worker_main(Datum main_arg)
{
	MemoryContext loop_context;
	TimestampTz last_sweep = 0;
	bool		was_enabled = true;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	BackgroundWorkerInitializeConnection(worker_database, NULL, 0);

	loop_context = AllocSetContextCreate(TopMemoryContext,
										 "tthc sla worker loop",
										 ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		TimestampTz now;
		TimestampTz next_sweep;
		long		wait_ms = -1;
		int			wait_events = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		if (worker_enabled != was_enabled)
		{
			ereport(LOG,
					(errmsg(worker_enabled ?
							"tthc sla worker is enabled by tthc.worker_enabled" :
							"tthc sla worker is disabled by tthc.worker_enabled")));
			was_enabled = worker_enabled;
		}

		MemoryContextReset(loop_context);
		MemoryContextSwitchTo(loop_context);

		if (worker_enabled)
		{
			long		interval_ms = sweep_interval * 1000L;

			now = GetCurrentTimestamp();
			next_sweep = TimestampTzPlusMilliseconds(last_sweep, interval_ms);
			if (RecoveryInProgress())
			{
				/* a standby's dossiers are swept by its primary */
				next_sweep = TimestampTzPlusMilliseconds(now, interval_ms);
			}
			else if (last_sweep == 0 || now >= next_sweep)
			{
				worker_sweep_or_log(loop_context);
				now = last_sweep = GetCurrentTimestamp();
				next_sweep = TimestampTzPlusMilliseconds(now, interval_ms);
			}
			wait_ms = TimestampDifferenceMilliseconds(now, next_sweep);
			wait_events |= WL_TIMEOUT;
		}

		(void) WaitLatch(MyLatch, wait_events, wait_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
