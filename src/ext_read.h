/*
 * ext_read.h
 *		Reading tthc's own tables to build a per-backend cache (ext_read.c).
 */
#ifndef TTHC_EXT_READ_H
#define TTHC_EXT_READ_H

#include "postgres.h"

/* what ext_read_begin set up, for ext_read_end to undo */
typedef struct ExtRead
{
	int			guc_level;
	bool		snapshot_pushed;
} ExtRead;

extern void ext_read_begin(ExtRead *r);
extern void ext_read_end(ExtRead *r);

#endif							/* TTHC_EXT_READ_H */
