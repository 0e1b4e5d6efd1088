/*
 * national.h
 *		The national hub (see national.c).
 */
#ifndef TTHC_NATIONAL_H
#define TTHC_NATIONAL_H

/* whether tthc.detach_province is removing a province's rows from the hub */
extern bool national_maintenance(void);

#endif
