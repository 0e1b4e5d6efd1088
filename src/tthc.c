/*
 * tthc.c
 *		Module entry point.  Each concern owns its state, GUCs and SQL
 *		functions in its own file; this one only wires them up.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "calendar.h"
#include "registry.h"
#include "clock.h"
#include "dossier.h"
#include "money.h"
#include "portal.h"
#include "track.h"
#include "transitions.h"
#include "worker.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	CalendarInit();
	TransitionsInit();
	RegistryInit();
	ClockInit();
	DossierInit();
	MoneyInit();
	PortalInit();
	TrackInit();
	WorkerInit();
	MarkGUCPrefixReserved("tthc");
}
