/*
 * registry.h
 *		Units, procedures and officers' assignments, compiled once per
 *		backend (registry.c: tthc.unit, tthc.procedure, tthc.procedure_step,
 *		tthc.officer_unit).
 */
#ifndef TTHC_REGISTRY_H
#define TTHC_REGISTRY_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/date.h"

#include "time_limit.h"

#define REGISTRY_KEYLEN 64		/* longest unit or procedure code + 1 */

typedef struct UnitInfo
{
	char		code[REGISTRY_KEYLEN];	/* hash key */
	char		calendar[NAMEDATALEN];	/* the processing calendar */
	char		reception_calendar[NAMEDATALEN];	/* when the desk receives */
	char		parent[REGISTRY_KEYLEN];	/* "" for a top unit */
	DateADT		valid_from;		/* the first day it receives; DATEVAL_NOBEGIN */
	DateADT		valid_to;		/* the last; DATEVAL_NOEND while it stands */
} UnitInfo;

typedef struct ProcedureStep
{
	int			step;
	bool		has_unit;
	char		unit[REGISTRY_KEYLEN];
	TimeLimit	allowance;
} ProcedureStep;

typedef struct ProcedureVersion
{
	int64		id;
	DateADT		valid_from;
	DateADT		valid_to;		/* DATEVAL_NOEND when open */
	TimeLimit	limit;
	bool		has_online;
	TimeLimit	online_limit;
	int64		cutoff;			/* usec since midnight, or -1: the calendar's */
	bool		pause_mode;		/* supplement_mode = 'pause' */
	char	   *field;			/* procedure field (lĩnh vực), or NULL */
	bool		online;			/* offered online (online_service is set) */
	bool		boundary_free;	/* received at any centre of the province */
	int			nsteps;
	ProcedureStep *steps;		/* ordered by step, numbered 1..nsteps */
} ProcedureVersion;

extern void RegistryInit(void);
extern const UnitInfo *unit_lookup(const char *code);
extern const ProcedureVersion *procedure_version_at(const char *code, DateADT day,
													 bool *known);
extern List *unit_calendars(void);
extern const ProcedureVersion *procedure_version_by_id(const char *code, int64 id);
extern List *unit_subtree(List *roots);
extern const char *unit_root(const char *code);
extern bool unit_within(const char *code, const char *ancestor);
extern char *unit_successors(const char *code);
extern List *officer_assignments(void);

/* a row of tthc.officer: the person a pooled account acts for (tthc.actor) */
typedef struct OfficerInfo
{
	char		login[NAMEDATALEN];	/* hash key */
	char		unit[REGISTRY_KEYLEN];
	bool		active;
} OfficerInfo;

extern const OfficerInfo *officer_lookup(const char *login, bool *known_table);
extern const char *unit_calendar(const char *unit, const char *role);
extern const char *unit_reception_calendar(const char *unit);

/* one row of tthc.officer_unit, resolved to the role's OID */
typedef struct OfficerAssignment
{
	Oid			role;
	char		unit[REGISTRY_KEYLEN];
} OfficerAssignment;

#endif							/* TTHC_REGISTRY_H */
