/*
 * portal.h
 *		The national portal's outbox mark and the applicant ID rule
 *		(portal.c).
 */
#ifndef TTHC_PORTAL_H
#define TTHC_PORTAL_H

#include "postgres.h"

#include "dossier_row.h"

extern bool portal_marking;

extern const char *applicant_id_problem(int type, int id_type, const char *id);
extern void applicant_id_enforce(Row *r);
extern void portal_code_check(Row *r);
extern void PortalInit(void);

#endif							/* TTHC_PORTAL_H */
