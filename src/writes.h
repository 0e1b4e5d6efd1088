/*
 * writes.h
 *		When the guard's writes land (writes.c).
 */
#ifndef TTHC_WRITES_H
#define TTHC_WRITES_H

#include "postgres.h"

#include "access/htup.h"
#include "access/xact.h"
#include "utils/rel.h"

#include "dossier_row.h"
#include "event_log.h"
#include "numbering.h"

typedef struct PendingWrite PendingWrite;

extern void WritesInit(void);
extern bool stores_every_row(Relation rel);
extern MemoryContext write_context(void);
extern PendingWrite *write_make(Row *r, bool is_update, HeapTuple newtup, HeapTuple oldtup,
								TimestampTz at, Event *ev, int nev, HeapTuple *events,
								HeapTuple apology, MemoryContext cxt,
								bool numbered, const CounterKey *counter, int32 number);
extern void write_out(Relation rel, PendingWrite *w);
extern void write_hold(PendingWrite *w);
extern void writes_resolve(Relation rel);
extern bool writes_pending(void);
extern void writes_forget(void);
extern void writes_subxact_abort(SubTransactionId sub);
extern void writes_subxact_commit(SubTransactionId sub, SubTransactionId parent);
extern void notices_send(void);
extern void notices_forget(void);
extern void notices_subxact_end(SubTransactionId sub, SubTransactionId parent, bool commit);
extern void stmts_subxact(SubXactEvent event, SubTransactionId sub);
extern void stmts_xact_end(void);

#endif							/* TTHC_WRITES_H */
