/*
 * wire.h
 *		The national portal's wire format, as tthc-sync speaks it.
 *
 * Everything the portal defines lives behind this interface, in wire.c: the
 * authentication request and reply, the envelope of a service call, the
 * services' names and fields, the reply codes and what each means.  A
 * province whose adapter differs changes wire.c only.
 *
 * The caller never builds or reads JSON itself: it hands over what tthc's
 * SQL built (a dossier record, a chunk of progress records), and gets back
 * an outcome.  JSON is built and read by PostgreSQL, on the caller's own
 * connection.
 */
#ifndef TTHC_SYNC_WIRE_H
#define TTHC_SYNC_WIRE_H

#include <stdbool.h>

#include "libpq-fe.h"

/* the most progress records one call may carry */
#define WIRE_MAX_PROGRESS 10

/* the most bytes of the portal's text a message quotes */
#define WIRE_EXCERPT	300

/* the portal's services tthc-sync calls */
typedef enum WireService
{
	WIRE_RECORD,				/* a dossier record, created or updated */
	WIRE_PROGRESS,				/* progress records, in order */
	WIRE_FETCH,					/* new online dossiers for the unit */
	WIRE_CONFIRM				/* fetched dossiers that tthc now has */
} WireService;

/* what became of a call */
typedef enum WireOutcome
{
	WIRE_OK,					/* the portal accepted it */
	WIRE_EXISTS,				/* a record sent as new that the portal has */
	WIRE_EXPIRED,				/* the session expired: authenticate again */
	WIRE_REFUSED,				/* the portal refused it (message says why) */
	WIRE_TRANSIENT,				/* no answer: timeout, connection, HTTP 5xx */
	WIRE_MISDIRECTED,			/* not the portal's address: a redirect, HTTP 404 */
	WIRE_FAILED					/* not made: the database connection failed */
} WireOutcome;

typedef struct WireReply
{
	WireOutcome outcome;
	char	   *body;			/* the reply, JSON; NULL unless an answer */
	char	   *message;		/* why, unless WIRE_OK (the portal's text in it
								 * cut, valid UTF-8, on one line) */
} WireReply;

/* a connection to the portal: its address, the unit, the session */
typedef struct Wire Wire;

extern Wire *wire_open(const char *portal, const char *unit, int timeout_s);
extern void wire_close(Wire *w);
extern bool wire_has_session(const Wire *w);
extern void wire_authenticate(Wire *w, PGconn *conn, const char *user,
							  const char *secret, WireReply *reply);
extern void wire_call(Wire *w, PGconn *conn, WireService service,
					  const char *args, WireReply *reply);
extern void wire_reply_reset(WireReply *reply);
extern void wire_reply_set(WireReply *reply, WireOutcome outcome,
						   const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* text the portal supplied, fit for a log line and the database */
extern char *wire_excerpt(const char *s, char *out);	/* out[WIRE_EXCERPT + 1] */

/* the arguments of each service (NULL: the database connection failed) */
extern char *wire_record_args(PGconn *conn, const char *record, bool update);
extern char *wire_progress_args(PGconn *conn, const char *chunk);
extern char *wire_confirm_args(PGconn *conn, const char *fetched,
							   const char *ordinals);

/* the records of a WIRE_FETCH reply: rows of (ordinal, MaHoSo, record) */
extern PGresult *wire_fetched(PGconn *conn, const char *fetched);

#endif							/* TTHC_SYNC_WIRE_H */
