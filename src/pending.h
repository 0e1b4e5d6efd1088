/*
 * pending.h
 *		What a statement keeps in memory until its end (dossier numbers,
 *		report sums) against the subtransactions that may roll part of it
 *		back.
 *
 * A statement that writes dossiers counts in memory and writes the counts
 * at its end.  A function it calls for each row may open a subtransaction
 * (a PL/pgSQL block with EXCEPTION) and roll it back.  Subtransaction ids
 * grow with time, so those opened inside a subtransaction S have larger
 * ids than S.  PendingSubs remembers which subtransactions changed what is
 * in memory, so that the abort of S:
 *   - keeps everything when nothing changed inside S (the usual case: a
 *     function that parses input and catches its own errors);
 *   - forgets everything when all of it was made inside S (a statement
 *     inside S failed, or S holds the whole statement);
 *   - and otherwise marks the state broken, failing the transaction at the
 *     next use or at commit, because what S made cannot be told apart from
 *     what came before it.
 * A write-out inside S of counts made before S (a nested statement's end
 * writes everything in memory) is lost with S as well: the abort of any S
 * with floor < S <= flushed_in marks the state broken too; the record of
 * such a write-out lasts until its rows belong to the subtransaction its
 * work was done in (pending_subxact_commit).  A broken state is cleared when
 * a subtransaction holding all the work involved aborts.
 */
#ifndef TTHC_PENDING_H
#define TTHC_PENDING_H

#include "postgres.h"

#include "access/xact.h"

typedef struct PendingSubs
{
	SubTransactionId first;		/* first change since the last write-out */
	SubTransactionId last;		/* latest change */
	SubTransactionId floor;		/* oldest change written out in a later ... */
	SubTransactionId flushed_in;	/* ... subtransaction, the latest such */
	bool		broken;
	SubTransactionId broken_floor;	/* the oldest work involved when it broke */
} PendingSubs;

typedef enum PendingAbort
{
	PENDING_KEEP,
	PENDING_FORGET
} PendingAbort;

/* pending_changed: something in memory changes now */
static inline void
pending_changed(PendingSubs *p)
{
	SubTransactionId sub = GetCurrentSubTransactionId();

	if (p->first == InvalidSubTransactionId)
		p->first = sub;
	p->last = sub;
}

/* pending_flushed: what is in memory was written out (and is forgotten) */
static inline void
pending_flushed(PendingSubs *p)
{
	SubTransactionId sub = GetCurrentSubTransactionId();

	if (p->first != InvalidSubTransactionId && p->first < sub)
	{
		if (p->flushed_in == InvalidSubTransactionId || p->first < p->floor)
			p->floor = p->first;
		if (p->flushed_in < sub)
			p->flushed_in = sub;
	}
	p->first = p->last = InvalidSubTransactionId;
}

/* pending_forgotten: what is in memory was dropped */
static inline void
pending_forgotten(PendingSubs *p)
{
	p->first = p->last = InvalidSubTransactionId;
}

/* pending_oldest: the oldest subtransaction whose work is tracked */
static inline SubTransactionId
pending_oldest(const PendingSubs *p)
{
	SubTransactionId o = InvalidSubTransactionId;

	if (p->first != InvalidSubTransactionId)
		o = p->first;
	if (p->flushed_in != InvalidSubTransactionId && (o == InvalidSubTransactionId || p->floor < o))
		o = p->floor;
	if (p->broken && (o == InvalidSubTransactionId || p->broken_floor < o))
		o = p->broken_floor;
	return o;
}

/*
 * pending_subxact_abort: what to do with the memory when `sub` aborts.  When
 * everything tracked happened inside `sub`, all of it rolls back with it:
 * the state starts afresh, broken or not.
 */
static inline PendingAbort
pending_subxact_abort(PendingSubs *p, SubTransactionId sub)
{
	SubTransactionId oldest = pending_oldest(p);
	bool		mixed = false;

	if (oldest == InvalidSubTransactionId)
		return PENDING_KEEP;
	if (sub <= oldest)
	{
		memset(p, 0, sizeof(PendingSubs));
		return PENDING_FORGET;
	}
	if (p->flushed_in != InvalidSubTransactionId && p->floor < sub && sub <= p->flushed_in)
	{
		/* rows holding work from before `sub` are rolled back with it */
		mixed = true;
		p->floor = p->flushed_in = InvalidSubTransactionId;
	}
	if (p->first != InvalidSubTransactionId && p->first < sub && sub <= p->last)
		mixed = true;
	if (mixed && (!p->broken || oldest < p->broken_floor))
	{
		p->broken = true;
		p->broken_floor = oldest;
	}
	return PENDING_KEEP;
}

/*
 * pending_subxact_commit: `sub` commits into `parent`.  Rows written out in
 * `sub` now belong to `parent`; once that is the subtransaction the work
 * they hold was done in (or one above it), nothing can roll them back apart
 * from that work, and the record of the write-out is dropped.
 */
static inline void
pending_subxact_commit(PendingSubs *p, SubTransactionId sub, SubTransactionId parent)
{
	if (p->flushed_in == InvalidSubTransactionId || p->flushed_in < sub)
		return;
	if (parent <= p->floor)
		p->floor = p->flushed_in = InvalidSubTransactionId;
	else
		p->flushed_in = parent;
}

/* pending_xact_end: a new transaction starts afresh */
static inline void
pending_xact_end(PendingSubs *p)
{
	memset(p, 0, sizeof(PendingSubs));
}

#endif							/* TTHC_PENDING_H */
