/*
 * table_triggers.h
 *		Generic triggers on tthc's tables, and restores (table_triggers.c).
 */
#ifndef TTHC_TABLE_TRIGGERS_H
#define TTHC_TABLE_TRIGGERS_H

#include "postgres.h"

#include "utils/rel.h"

extern bool restoring(Relation rel);

#endif							/* TTHC_TABLE_TRIGGERS_H */
