/*
 * transitions.h
 *		Dossier status transitions: the allowed moves, kept as data in
 *		tthc.status_transition and checked in C.
 */
#ifndef TTHC_TRANSITIONS_H
#define TTHC_TRANSITIONS_H

#include "postgres.h"

extern void TransitionsInit(void);

/*
 * transition_check: raise 55000 unless a dossier may move from status
 * `from` to status `to` (enum value OIDs of tthc.dossier_status).
 */
extern void transition_check(Oid from, Oid to, const char *dossier_code);
extern bool transition_allowed(Oid from, Oid to);

/* The national codes (domain.md §3), which are also the enum's sort order. */
typedef enum DossierStatus
{
	ST_SUBMITTED = 1,
	ST_RECEIVED,
	ST_REFUSED,
	ST_PROCESSING,
	ST_AWAITING_SUPPLEMENT,
	ST_AWAITING_PAYMENT,
	ST_WITHDRAWN,
	ST_STOPPED,
	ST_RESOLVED,
	ST_RETURNED
} DossierStatus;

/* the status sets the clock and the reports use */
/* running: the clock runs (received, processing) */
static inline bool
status_is_running(DossierStatus s)
{
	return s == ST_RECEIVED || s == ST_PROCESSING;
}

/* paused: the clock stands still (awaiting a supplement or a payment) */
static inline bool
status_is_paused(DossierStatus s)
{
	return s == ST_AWAITING_SUPPLEMENT || s == ST_AWAITING_PAYMENT;
}

/* open: running or paused, not yet finished */
static inline bool
status_is_open(DossierStatus s)
{
	return status_is_running(s) || status_is_paused(s);
}

/* status_code: the national code of an enum value; status_oid: the reverse */
extern DossierStatus status_code(Oid status);
extern Oid	status_oid(DossierStatus code);

#endif							/* TTHC_TRANSITIONS_H */
