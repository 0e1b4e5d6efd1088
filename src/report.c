/*
 * report.c
 *		Report aggregates kept as dossiers change.
 *
 * tthc.report() and tthc.indicators_766() read per-day sums per handling
 * unit and procedure field instead of the dossiers themselves.  The dossier
 * trigger counts, for every row it writes, what the write changes (a
 * reception, a resolution, a dossier entering or leaving the open, paused
 * or overdue stock, ...) into a hash in memory keyed by unit, procedure
 * version and local day.  The AFTER STATEMENT trigger tthc.dossier_counted
 * appends the sums as rows of tthc.report_delta, as the table's owner: one
 * row per key and statement, never an update, so concurrent writers never
 * wait for each other.  tthc.report_compact() (run by the background worker
 * after each sweep) folds the deltas into tthc.report_day; the report
 * functions read both, so they are exact at any moment.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "report.h"

typedef struct ReportKey
{
	char		unit[CATALOG_KEYLEN];
	int64		version;
	DateADT		day;
} ReportKey;

typedef struct ReportEntry
{
	ReportKey	key;
	char	   *field;			/* "" when the procedure has none */
	bool		dirty;
	int64		m[NREPORT_MEASURES];
	int64		work;			/* working time to resolve, usec */
} ReportEntry;

static MemoryContext ReportContext = NULL;
static HTAB *Entries = NULL;
static ReportEntry *last_entry = NULL;
static SPIPlanPtr store_plan = NULL;

#define NPARAMS (3 + NREPORT_MEASURES + 1)

/*
 * report_begin: whether this database keeps the aggregates (it does from
 * 0.5.0 on: tthc.report_delta exists).
 */
bool
report_begin(void)
{
	Oid			nsp;

	if (Entries != NULL)
		return true;
	nsp = get_namespace_oid("tthc", true);
	return OidIsValid(nsp) && OidIsValid(get_relname_relid("report_delta", nsp));
}

void
report_forget(void)
{
	if (ReportContext != NULL)
		MemoryContextReset(ReportContext);
	Entries = NULL;
	last_entry = NULL;
}

bool
report_pending(void)
{
	HASH_SEQ_STATUS it;
	ReportEntry *e;

	if (Entries == NULL)
		return false;
	hash_seq_init(&it, Entries);
	while ((e = hash_seq_search(&it)) != NULL)
		if (e->dirty)
		{
			hash_seq_term(&it);
			return true;
		}
	return false;
}

static ReportEntry *
entry_for(const char *unit, const ProcedureVersion *v, DateADT day)
{
	ReportKey	key;
	bool		found;
	ReportEntry *e;

	if (last_entry != NULL && last_entry->key.day == day &&
		last_entry->key.version == (v ? v->id : 0) && strcmp(last_entry->key.unit, unit) == 0)
		return last_entry;
	if (Entries == NULL)
	{
		HASHCTL		ctl;

		if (ReportContext == NULL)
			ReportContext = AllocSetContextCreate(TopMemoryContext, "tthc report aggregates",
												  ALLOCSET_DEFAULT_SIZES);
		ctl.keysize = sizeof(ReportKey);
		ctl.entrysize = sizeof(ReportEntry);
		ctl.hcxt = ReportContext;
		Entries = hash_create("tthc report aggregates", 64, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&key, 0, sizeof(key));
	strlcpy(key.unit, unit, CATALOG_KEYLEN);
	key.version = v ? v->id : 0;
	key.day = day;
	e = hash_search(Entries, &key, HASH_ENTER, &found);
	if (!found)
	{
		memset(e->m, 0, sizeof(e->m));
		e->work = 0;
		e->dirty = false;
		e->field = MemoryContextStrdup(ReportContext, v && v->field ? v->field : "");
	}
	last_entry = e;
	return e;
}

void
report_add(const char *unit, const ProcedureVersion *v, DateADT day, ReportMeasure m, int64 delta)
{
	ReportEntry *e;

	if (delta == 0)
		return;
	e = entry_for(unit, v, day);
	e->m[m] += delta;
	e->dirty = true;
}

void
report_add_work(const char *unit, const ProcedureVersion *v, DateADT day, int64 usec)
{
	ReportEntry *e = entry_for(unit, v, day);

	e->work += usec;
	e->dirty = true;
}

/*
 * report_store: append the statement's sums to tthc.report_delta, as the
 * table's owner (clients need no grant), and forget them.
 */
void
report_store(Oid owner)
{
	HASH_SEQ_STATUS it;
	ReportEntry *e;
	bool		connected = false;
	Oid			save_userid;
	int			save_sec;

	if (Entries == NULL)
		return;
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	hash_seq_init(&it, Entries);
	while ((e = hash_seq_search(&it)) != NULL)
	{
		Datum		args[NPARAMS];
		bool		zero = (e->work == 0);
		Interval   *work;

		if (!e->dirty)
			continue;
		for (int i = 0; i < NREPORT_MEASURES; i++)
			zero = zero && e->m[i] == 0;
		if (zero)
			continue;			/* changes that cancelled out */
		if (!connected)
		{
			if (SPI_connect() != SPI_OK_CONNECT)
				elog(ERROR, "SPI_connect failed");
			connected = true;
			if (store_plan == NULL)
			{
				Oid			types[NPARAMS];
				StringInfoData sql;
				SPIPlanPtr	p;

				initStringInfo(&sql);
				appendStringInfoString(&sql, "INSERT INTO tthc.report_delta VALUES ($1, $2, $3");
				types[0] = TEXTOID;
				types[1] = TEXTOID;
				types[2] = DATEOID;
				for (int i = 0; i < NREPORT_MEASURES; i++)
				{
					types[3 + i] = INT8OID;
					appendStringInfo(&sql, ", $%d", 4 + i);
				}
				types[NPARAMS - 1] = INTERVALOID;
				appendStringInfo(&sql, ", $%d)", NPARAMS);
				p = SPI_prepare(sql.data, NPARAMS, types);
				if (p == NULL)
					elog(ERROR, "could not prepare \"%s\": %s", sql.data,
						 SPI_result_code_string(SPI_result));
				SPI_keepplan(p);
				store_plan = p;
			}
		}
		args[0] = CStringGetTextDatum(e->key.unit);
		args[1] = CStringGetTextDatum(e->field);
		args[2] = DateADTGetDatum(e->key.day);
		for (int i = 0; i < NREPORT_MEASURES; i++)
			args[3 + i] = Int64GetDatum(e->m[i]);
		work = palloc0(sizeof(Interval));
		work->time = e->work;
		args[NPARAMS - 1] = IntervalPGetDatum(work);
		if (SPI_execute_plan(store_plan, args, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not append to tthc.report_delta");
	}
	if (connected)
		SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
	report_forget();
}
