/*
 * numbering.c
 *		Dossier codes: {receiving unit}-{yyMMdd}-{NNNN}, numbered per
 *		receiving unit and local day without gaps.
 *
 * tthc.dossier_counter holds the last number given per unit and day.  The
 * first number a statement takes for a unit and day upserts the counter
 * row, whose lock is held until commit: concurrent receptions at one unit
 * take turns, and a rolled-back reception gives its number back.  Further
 * numbers in the same statement are counted in memory (Counters) and
 * written back by the AFTER STATEMENT trigger tthc.dossier_numbered
 * (counters_store); the transaction refuses to commit with numbers not
 * written back.  A subtransaction rolled back in the middle of a statement
 * takes its numbers with it when it can (pending.h), and fails the
 * statement (25000) when what it made cannot be told apart from what came
 * before.  A code given by the client is taken only when it is the next
 * number (counter_next); a row not stored gives its number back
 * (number_give_back).  Counter statements run as the table's owner, as a
 * foreign-key check does: clients need no grant on the counter.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "errfields.h"
#include "kept_plan.h"
#include "numbering.h"
#include "pending.h"

typedef struct CounterEntry
{
	CounterKey	key;
	int32		last;			/* last number given */
	int32		stored;			/* value in tthc.dossier_counter */
} CounterEntry;


static MemoryContext CounterContext = NULL;
static HTAB *Counters = NULL;
static SPIPlanPtr counter_take_plan = NULL;
static SPIPlanPtr counter_raise_plan = NULL;
static SPIPlanPtr counter_store_plan = NULL;

/* the subtransactions that changed the numbers in memory (pending.h) */
static PendingSubs counters_pending;

static void
counters_check(void)
{
	if (counters_pending.broken)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("a subtransaction rolled back dossier numbers in the middle of a statement that numbered other dossiers"),
				 errdetail("The numbers kept and the numbers rolled back cannot be told apart: one could be given twice."),
				 errhint("Catch errors around whole statements that write dossiers, not inside one.")));
}

static void
counters_forget(void)
{
	if (CounterContext != NULL)
		MemoryContextReset(CounterContext);
	Counters = NULL;
	pending_forgotten(&counters_pending);
}

static CounterEntry *
counter_entry(const char *unit, DateADT day, bool *found)
{
	CounterKey	key;

	if (Counters == NULL)
	{
		HASHCTL		ctl;

		if (CounterContext == NULL)
			CounterContext = AllocSetContextCreate(TopMemoryContext, "tthc dossier numbers",
												   ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(CounterKey);
		ctl.entrysize = sizeof(CounterEntry);
		ctl.hcxt = CounterContext;
		Counters = hash_create("tthc dossier numbers", 16, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&key, 0, sizeof(key));
	strlcpy(key.unit, unit, REGISTRY_KEYLEN);
	key.day = day;
	return hash_search(Counters, &key, HASH_ENTER, found);
}

static SPIPlanPtr
counter_plan(SPIPlanPtr *plan, const char *sql, int nargs)
{
	Oid			types[3] = {TEXTOID, DATEOID, INT4OID};

	return kept_plan(plan, sql, nargs, types);
}

/* counter_run: run a counter statement and return its `last` */
static int32
counter_run(SPIPlanPtr plan, const char *unit, DateADT day, int32 n)
{
	Datum		args[3] = {CStringGetTextDatum(unit), DateADTGetDatum(day), Int32GetDatum(n)};
	bool		isnull;
	int32		last;

	if (SPI_execute_plan(plan, args, NULL, false, 0) < 0 || SPI_processed != 1)
		elog(ERROR, "could not update tthc.dossier_counter");
	last = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return last;
}

/*
 * counter_next: the next number for a unit and day.  explicit > 0 is a
 * number the client gave in the dossier's code instead: it is taken when it
 * is the next number (returned), left to the unique index when it was given
 * already (0 returned: a duplicate, or a code restored into a hole), and
 * refused when it would skip numbers, which later receptions would then
 * collide with or never fill.
 */
int32
counter_next(const char *unit, DateADT day, int32 explicit, Oid owner)
{
	bool		found;
	CounterEntry *e;
	Oid			save_userid;
	int			save_sec;

	counters_check();
	e = counter_entry(unit, day, &found);
	if (!found)
	{
		/* first use in this statement: take the row (and its lock until commit) */
		e->last = 0;
		e->stored = 0;
		/* as the table's owner, like a foreign-key check: clients need no grant */
		GetUserIdAndSecContext(&save_userid, &save_sec);
		SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
		PG_TRY();
		{
			if (SPI_connect() != SPI_OK_CONNECT)
				elog(ERROR, "SPI_connect failed");
			if (explicit > 0)
				e->last = counter_run(counter_plan(&counter_raise_plan,
												   "INSERT INTO tthc.dossier_counter AS c (unit, day, last)"
												   " VALUES ($1, $2, 0) ON CONFLICT (unit, day) DO UPDATE"
												   " SET last = c.last RETURNING c.last", 2),
									  unit, day, 0);
			else
				e->last = counter_run(counter_plan(&counter_take_plan,
												   "INSERT INTO tthc.dossier_counter AS c (unit, day, last)"
												   " VALUES ($1, $2, 1) ON CONFLICT (unit, day) DO UPDATE"
												   " SET last = pg_catalog.int4pl(c.last, 1)"
												   " RETURNING c.last", 2),
									  unit, day, 0);
			SPI_finish();
		}
		PG_CATCH();
		{
			/* the entry never got its number: drop it, keep the others */
			(void) hash_search(Counters, &e->key, HASH_REMOVE, NULL);
			PG_RE_THROW();
		}
		PG_END_TRY();
		SetUserIdAndSecContext(save_userid, save_sec);
		e->stored = e->last;
		pending_changed(&counters_pending);
		if (explicit == 0)
			return e->last;
	}
	else if (explicit == 0)
	{
		pending_changed(&counters_pending);
		return ++e->last;
	}
	if (explicit <= e->last)
		return 0;
	if (explicit > e->last + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dossier code %s skips numbers", make_code(unit, day, explicit)),
				 errdetail("The next number of unit %s on this day is %d.", unit, e->last + 1),
				 errhint("Leave code out and tthc numbers the dossier."),
				 errtable_of_dossier(), errcolumn_of_dossier("code")));
	pending_changed(&counters_pending);
	e->last = explicit;
	return explicit;
}

/* counters_store: write back the numbers counted in memory */
void
counters_store(Oid owner)
{
	HASH_SEQ_STATUS it;
	CounterEntry *e;
	bool		connected = false;
	Oid			save_userid;
	int			save_sec;

	counters_check();
	if (Counters == NULL)
		return;
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	hash_seq_init(&it, Counters);
	while ((e = hash_seq_search(&it)) != NULL)
	{
		if (e->last == e->stored)
			continue;
		if (!connected && SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		connected = true;
		(void) counter_run(counter_plan(&counter_store_plan,
										"UPDATE tthc.dossier_counter SET last = $3"
										" WHERE unit OPERATOR(pg_catalog.=) $1"
										" AND day OPERATOR(pg_catalog.=) $2 RETURNING last", 3),
						   e->key.unit, e->key.day, e->last);
	}
	if (connected)
		SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
	pending_flushed(&counters_pending);
	counters_forget();
}

char *
make_code(const char *unit, DateADT day, int32 n)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (n > 99999)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("unit %s has received more than 99999 dossiers on one day", unit)));
	return psprintf("%s-%02d%02d%02d-%04d", unit, y % 100, m, d, n);
}

/* check_code_shape: {unit}-{yyMMdd}-{NNNN} with 4 or 5 digits (domain.md §3) */
void
check_code_shape(const char *code)
{
	const char *last = strrchr(code, '-');
	const char *p;
	bool		ok = (last != NULL && last - code >= 8 && last[-7] == '-');

	if (ok)
	{
		size_t		n = strlen(last + 1);

		ok = (n == 4 || n == 5) && strspn(last + 1, "0123456789") == n &&
			strspn(last - 6, "0123456789") == 6 && last - 7 > code;
		for (p = code; ok && p < last - 7; p++)
			ok = (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.';
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dossier code \"%s\" has the wrong shape", code),
				 errdetail("A dossier code is {receiving unit}-{yyMMdd}-{NNNN}, such as H22.01-250303-0001."),
				 errhint("Leave code out and tthc numbers the dossier."), errtable_of_dossier(), errcolumn_of_dossier("code")));
}

/*
 * code_number: when `code` is {unit}-{yyMMdd}-{N} for this unit and day,
 * N; else 0.
 */
int32
code_number(const char *code, const char *unit, DateADT day)
{
	char	   *prefix = make_code(unit, day, 0);
	size_t		len = strlen(prefix) - 4;	/* without the "0000" */

	if (strncmp(code, prefix, len) != 0)
		return 0;
	return (int32) strtol(code + len, NULL, 10);
}

/* number_give_back: the row that took number `n` was not stored */
void
number_give_back(const CounterKey *key, int32 n, Oid owner)
{
	CounterEntry *e = Counters ? hash_search(Counters, key, HASH_FIND, NULL) : NULL;
	Oid			save_userid;
	int			save_sec;
	Datum		args[3];

	if (e != NULL)
	{
		if (e->last == n)
		{
			e->last--;
			pending_changed(&counters_pending);
		}
		return;
	}
	/* already written back by a nested statement's end */
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(key->unit);
	args[1] = DateADTGetDatum(key->day);
	args[2] = Int32GetDatum(n);
	if (SPI_execute_with_args("UPDATE tthc.dossier_counter SET last = last OPERATOR(pg_catalog.-) 1"
							  " WHERE unit OPERATOR(pg_catalog.=) $1 AND day OPERATOR(pg_catalog.=) $2"
							  " AND last OPERATOR(pg_catalog.=) $3",
							  3, (Oid[]) {TEXTOID, DATEOID, INT4OID}, args, NULL, false, 0) < 0)
		elog(ERROR, "could not update tthc.dossier_counter");
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
}

/* numbering_check: refuse to go on when rolled-back numbers cannot be told apart */
void
numbering_check(void)
{
	counters_check();
}

/* numbering_pre_commit: refuse to commit numbers that are not written back */
void
numbering_pre_commit(void)
{
	HASH_SEQ_STATUS it;
	CounterEntry *e;

	if (Counters == NULL)
		return;
	hash_seq_init(&it, Counters);
	while ((e = hash_seq_search(&it)) != NULL)
		if (e->last != e->stored)
		{
			hash_seq_term(&it);
			ereport(ERROR,
					(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
					 errmsg("dossier numbers of unit %s were not written back", e->key.unit),
					 errhint("The trigger dossier_numbered on tthc.dossier must stay enabled.")));
		}
}

void
numbering_xact_end(void)
{
	counters_forget();
	pending_xact_end(&counters_pending);
}

void
numbering_subxact_commit(SubTransactionId sub, SubTransactionId parent)
{
	pending_subxact_commit(&counters_pending, sub, parent);
}

void
numbering_subxact_abort(SubTransactionId sub)
{
	if (pending_subxact_abort(&counters_pending, sub) == PENDING_FORGET)
		counters_forget();
}
