/*
 * money.h
 *		Fees, payments and receipts as events of the dossier (money.c).
 */
#ifndef TTHC_MONEY_H
#define TTHC_MONEY_H

#include "postgres.h"

#include "utils/timestamp.h"

/* one event of a money act, as tthc.money_apply returns it */
typedef struct MoneyEvent
{
	char	   *kind;
	char	   *note;
	char	   *unit;
} MoneyEvent;

#define MONEY_MAX_EVENTS 2

/* what a money act did, for the dossier row and its log */
typedef struct MoneyResult
{
	int			nev;
	MoneyEvent	ev[MONEY_MAX_EVENTS];
	char	   *move_to;		/* status to move to, or NULL */
	bool		set_payment;	/* dossier.payment follows the payments */
	char	   *payment;		/* online | offline | NULL */
} MoneyResult;

extern bool money_writing;

extern char *money_take(const char *code);
extern void money_apply(const char *act, int64 dossier_id, int first_seq, TimestampTz at,
						const char *officer, Oid owner, MoneyResult *res);
extern bool money_dossier_paid(int64 dossier_id, Oid owner);
extern void MoneyInit(void);

#endif							/* TTHC_MONEY_H */
