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

#endif							/* TTHC_TRANSITIONS_H */
