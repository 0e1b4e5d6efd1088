/*
 * dossier.h
 *		The dossier lifecycle: the guard trigger, the clock, dossier
 *		numbers and the event log (dossier.c).
 */
#ifndef TTHC_DOSSIER_H
#define TTHC_DOSSIER_H

extern void DossierInit(void);

#endif							/* TTHC_DOSSIER_H */
