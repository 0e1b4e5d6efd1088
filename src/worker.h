/*
 * worker.h
 *		The optional SLA background worker: runs tthc.sweep() on a timer in
 *		one database (worker.c).
 */
#ifndef TTHC_WORKER_H
#define TTHC_WORKER_H

#include "postgres.h"

/*
 * WorkerInit: define the worker's GUCs and, when the library is being
 * preloaded, register the worker.  Called from _PG_init.
 */
extern void WorkerInit(void);

/* the worker's entry point, named in bgw_function_name */
extern PGDLLEXPORT void tthc_worker_main(Datum main_arg);

#endif							/* TTHC_WORKER_H */
