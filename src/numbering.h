/*
 * numbering.h
 *		Dossier codes and their gap-free counter (numbering.c).
 */
#ifndef TTHC_NUMBERING_H
#define TTHC_NUMBERING_H

#include "postgres.h"

#include "access/xact.h"
#include "utils/date.h"

#include "registry.h"

/* a receiving unit and local day, the key of tthc.dossier_counter */
typedef struct CounterKey
{
	char		unit[REGISTRY_KEYLEN];
	DateADT		day;
} CounterKey;

extern int32 counter_next(const char *unit, DateADT day, int32 explicit, Oid owner);
extern void counters_store(Oid owner);
extern void number_give_back(const CounterKey *key, int32 n, Oid owner);
extern char *make_code(const char *unit, DateADT day, int32 n);
extern void check_code_shape(const char *code);
extern int32 code_number(const char *code, const char *unit, DateADT day);
extern void numbering_check(void);
extern void numbering_pre_commit(void);
extern void numbering_xact_end(void);
extern void numbering_subxact_commit(SubTransactionId sub, SubTransactionId parent);
extern void numbering_subxact_abort(SubTransactionId sub);

#endif							/* TTHC_NUMBERING_H */
