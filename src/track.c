/*
 * track.c
 *		The wait of public tracking (tthc.track): every call takes at least
 *		tthc.track_min_time, whatever it found.
 *
 * tthc.track reads the dossier (or finds none) and compares the suffix in
 * the same work either way, then waits here until the setting has passed
 * since it began, so the caller's clock learns nothing about whether the
 * code exists or how much of the suffix was right, and each guess costs at
 * least that long.  The setting is PGC_SUSET and defined in C: a client
 * cannot lower it, not even by a placeholder set before the library loaded.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "track.h"

static int	track_min_time = 20;	/* milliseconds */

void
TrackInit(void)
{
	DefineCustomIntVariable("tthc.track_min_time",
							"How long every call of tthc.track takes at the least.",
							"Hides from the caller's clock whether the code exists and how much of the ID suffix was right, and slows down guessing.",
							&track_min_time, 20, 0, 10000, PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
}

/*
 * tthc_track_wait: sleep until tthc.track_min_time has passed since
 * `started`, the moment tthc.track began.  Every call then takes the same
 * time whatever it found, to the microsecond (a sleep rounded to whole
 * milliseconds would let the work's duration show through the rounding).
 * In C, so that the setting is the library's (PGC_SUSET) and not a
 * placeholder a client set before the library was loaded.
 */
PG_FUNCTION_INFO_V1(tthc_track_wait);
Datum
tthc_track_wait(PG_FUNCTION_ARGS)
{
	TimestampTz until = TimestampTzPlusMilliseconds(PG_GETARG_TIMESTAMPTZ(0), track_min_time);

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		int64		left = until - now;

		CHECK_FOR_INTERRUPTS();
		if (left <= 0)
			break;
		if (left > 2000)
		{
			/* most of it on the latch (interruptible), the rest below */
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 (left - 1000) / 1000, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
		else
			pg_usleep(left);
	}
	PG_RETURN_VOID();
}
