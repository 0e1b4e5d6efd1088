/*
 * tthc-sync.c
 *		Sends tthc's dossiers and their progress to the national portal, and
 *		optionally receives the new online dossiers the portal has for the
 *		unit.
 *
 * The outbox is tthc's: the dossiers with events the portal has not
 * acknowledged (tthc.portal_outbox).  A *claim* (tthc.portal_claim) hands
 * out a batch of them, each with a *lease*: while it lasts no other sender
 * gets the dossier.  For each dossier claimed, the client sends
 *
 *	1. the dossier record, when the portal does not have it as of the claim's
 *	   event_seq (DongBoHoSoMC; a creation the portal says it already has is
 *	   sent again as an update), acknowledged with tthc.portal_ack_record;
 *	2. then its progress, one *chunk* of at most WIRE_MAX_PROGRESS events at a
 *	   time, in event order, each acknowledged with tthc.portal_ack before the
 *	   next is built.
 *
 * An acknowledgement follows the portal's answer at once, so what tthc
 * acknowledged is never sent again and, should the client die between an
 * answer and its acknowledgement, only that one call is repeated.  An
 * acknowledgement returns false when another sender took the lease; the
 * client then leaves the dossier alone.  A call is made only while the lease
 * lasts long enough for it to finish (--timeout) with LEASE_MARGIN_S to
 * spare for its acknowledgement; a dossier whose lease is too short for its
 * turn is given back (tthc.portal_release) to the next claim.  Each
 * acknowledgement extends the lease, from the time it was asked for.
 *
 * What goes wrong is charged to a dossier only when it is the dossier's:
 *
 *	- the portal refuses the dossier's call: the dossier is given back with
 *	  the portal's message (tthc.portal_fail), offered again after a backoff
 *	  of tthc's own; the batch goes on;
 *	- a call without an answer (timeout, connection, HTTP 5xx) is repeated
 *	  with a doubling backoff, --retries times; when the tries run out the
 *	  dossier is given back with the error, but the portal is not answering:
 *	  the cycle ends there;
 *	- the portal refuses the login, expires a session it has just opened, or
 *	  is not at the configured address (a redirect, HTTP 404): nothing is the
 *	  dossiers' fault, none is charged; one error line, and the cycle ends.
 *
 * A cycle that ends early, and a client asked to stop (SIGTERM, SIGINT:
 * after the call under way and its acknowledgement), give every dossier
 * claimed but not sent back unsent (tthc.portal_release: no attempt
 * counted, no backoff), so that the next claim has them at once.  An
 * expired session is renewed and the call repeated, which is not a failure.
 *
 * The database connection has a statement_timeout and a lock_timeout
 * (from --timeout), so that no statement keeps a stop request waiting for
 * long; a stop request also cancels a statement that loses nothing when
 * cancelled (a claim, a count), and a second one any.  Everything the
 * portal defines (services, fields, codes) is in wire.c, the settings in
 * config.c.  Each SQL statement here is its own transaction (autocommit),
 * every name in it schema-qualified.
 *
 * Exit status: 0 when done (with --once: nothing left in the outbox), 1 when
 * something is left unsent or the database or portal could not be reached,
 * 2 for a bad configuration.  SIGTERM and SIGINT end the client with status
 * 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include <curl/curl.h>

#include "libpq-fe.h"

#include "common.h"
#include "config.h"
#include "wire.h"

/* ---------- state ---------- */

static PGconn *conn;
static Wire *portal;

/*
 * The signal handler's: a stop was asked for (1; 2 when asked again), and
 * the database statement under way, which it may cancel (PQcancel is safe
 * in a signal handler): cancel_handle is changed with the signals blocked.
 */
static volatile sig_atomic_t stop_requested = 0;
static volatile sig_atomic_t in_query = 0;
static volatile sig_atomic_t query_cancellable = 0;
static PGcancel *volatile cancel_handle = NULL;

/* how a call came out, seen from the client */
typedef enum CallStatus
{
	CALL_MADE,					/* the reply holds the outcome */
	CALL_UNANSWERED,			/* no answer, the tries ran out: reply says why */
	CALL_UNREACHABLE,			/* no session, or not the portal (logged) */
	CALL_LATE,					/* not made: the lease would run out first */
	CALL_STOPPED,				/* not made: asked to stop */
	CALL_DB_LOST				/* the database connection failed */
} CallStatus;

/* what became of a claimed dossier */
typedef enum DossierStatus
{
	DOSSIER_SENT,
	DOSSIER_FAILED,				/* given back with the error */
	DOSSIER_DROPPED,			/* another sender has it */
	DOSSIER_LATE,				/* its lease too short for its turn */
	DOSSIER_UNANSWERED,			/* given back with the error; the portal is not
								 * answering */
	DOSSIER_UNREACHABLE,		/* not sent: no session, or not the portal */
	DOSSIER_STOPPED,
	DOSSIER_DB_LOST
} DossierStatus;

/* one row of tthc.portal_claim */
typedef struct Dossier
{
	const char *code;
	const char *mahoso;
	int			acked_seq;
	int			event_seq;
	bool		is_update;
	const char *record;			/* NULL: the portal has it as of event_seq */
} Dossier;

/* what one batch did, for its log line */
typedef struct Tally
{
	int			claimed;
	int			records;
	int			events;
	int			failed;
	int			dropped;
	int			late;
	int			released;		/* given back unsent */
} Tally;

/* ---------- time and signals ---------- */

/* now_ms: a monotonic clock, in milliseconds */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the stop signals, as a set */
static void
stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

/*
 * sleep_ms: sleeps, cut short by a stop request; false when stopped.  The
 * signals are blocked from the check of stop_requested until pselect
 * unblocks them, so a stop asked for in between ends the sleep at once.
 */
static bool
sleep_ms(int64_t ms)
{
	int64_t		end = now_ms() + ms;
	int64_t		left;
	sigset_t	block;
	sigset_t	old;

	stop_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stop_requested && (left = end - now_ms()) > 0)
	{
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};

		pselect(0, NULL, NULL, NULL, &ts, &old);	/* EINTR: the loop checks */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return !stop_requested;
}

static void
handle_stop(int signo)
{
	int			save_errno = errno;

	stop_requested = stop_requested ? 2 : 1;
	if (in_query && cancel_handle != NULL &&
		(query_cancellable || stop_requested > 1))
	{
		char		errbuf[256];

		(void) PQcancel(cancel_handle, errbuf, sizeof(errbuf));
	}
	errno = save_errno;
}

/* ---------- the database ---------- */

/* sql_error: the error of a failed statement, on one line */
static const char *
sql_error(const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	return m ? m : one_line(PQerrorMessage(conn));
}

/* notice_receiver: a notice or warning of the server, as a log line */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	char		level[16];
	int			i;

	/* WARNING: "warning", like the client's own */
	for (i = 0; severity && severity[i] && i < (int) sizeof(level) - 1; i++)
		level[i] = severity[i] >= 'A' && severity[i] <= 'Z' ? severity[i] - 'A' + 'a' : severity[i];
	level[i] = '\0';
	log_msg(i > 0 ? level : "notice", "database: %s%s%s%s",
			primary ? primary : PQresultErrorMessage(res),
			detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
}

/*
 * set_cancel_handle: the handle the signal handler cancels statements with,
 * for the connection as it is now (a reset one has a new backend); none
 * when the connection is about to go
 */
static void
set_cancel_handle(bool none)
{
	sigset_t	block;
	sigset_t	old;
	PGcancel   *prev;

	stop_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	prev = cancel_handle;
	cancel_handle = !none && PQstatus(conn) == CONNECTION_OK ? PQgetCancel(conn) : NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (prev != NULL)
		PQfreeCancel(prev);
}

/*
 * db_ready: a working connection to the database, made or made again (each
 * cycle checks), with the client's settings; false, logged, when there is
 * none
 */
static bool
db_ready(void)
{
	/* client_encoding: the portal speaks UTF-8, so do the JSON texts */
	const char *const keywords[] = {"dbname", "fallback_application_name",
	"client_encoding", NULL};
	const char *const values[] = {config.conninfo, progname, "UTF8", NULL};
	char		statement_timeout[32];
	char		lock_timeout[32];
	const char *params[2] = {statement_timeout, lock_timeout};
	PGresult   *res;

	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
		return true;
	if (conn != NULL)
		PQreset(conn);
	else
	{
		conn = PQconnectdbParams(keywords, values, 1);
		PQsetNoticeReceiver(conn, notice_receiver, NULL);
	}
	if (PQstatus(conn) != CONNECTION_OK)
	{
		char	   *why = mask_secrets(one_line(PQerrorMessage(conn)));

		log_msg("error", "could not connect to the database: %s", why);
		free(why);
		set_cancel_handle(false);
		return false;
	}

	/*
	 * No statement may keep a stop request (or the lease) waiting long: a
	 * statement gets two calls' time and some, a lock one call's.  Every
	 * name the client writes is qualified; search_path makes sure of the
	 * operators too.
	 */
	snprintf(statement_timeout, sizeof(statement_timeout), "%ds", 2 * config.timeout + 10);
	snprintf(lock_timeout, sizeof(lock_timeout), "%ds", config.timeout + 5);
	res = PQexecParams(conn,
					   "SELECT pg_catalog.set_config('statement_timeout', $1, false), "
					   "       pg_catalog.set_config('lock_timeout', $2, false), "
					   "       pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)",
					   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		log_msg("error", "could not set up the database session: %s", sql_error(res));
		PQclear(res);
		set_cancel_handle(true);
		PQfinish(conn);
		conn = NULL;
		return false;
	}
	PQclear(res);
	set_cancel_handle(false);
	return true;
}

/*
 * query: the rows of a statement, or NULL, logged, when it failed (then
 * PQstatus(conn) tells whether the connection is gone).  cancellable: a
 * stop request may cancel it, it loses nothing (else only a second one).
 */
static PGresult *
query(const char *sql, int nparams, const char *const *params, bool cancellable)
{
	PGresult   *res;

	query_cancellable = cancellable;
	in_query = 1;
	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	in_query = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	if (stop_requested &&
		strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE) ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : "", "57014") == 0)
		log_msg(NULL, "stopping: a statement under way was cancelled");
	else
		log_msg("error", "%s", sql_error(res));
	PQclear(res);
	return NULL;
}

/*
 * acknowledge: tthc.portal_ack_record or tthc.portal_ack with the portal's
 * reply; DOSSIER_SENT while the lease is still this client's, and then the
 * lease's new end, counted from before the statement: the database extends
 * it from its own now(), which is later
 */
static DossierStatus
acknowledge(const Dossier *d, const char *sql, int seq, const char *reply,
			int64_t *lease_end)
{
	char		num[16];
	const char *params[3] = {d->code, num, reply};
	int64_t		asked = now_ms();
	PGresult   *res;
	bool		mine;

	snprintf(num, sizeof(num), "%d", seq);
	res = query(sql, 3, params, false);
	if (res == NULL)
		return PQstatus(conn) == CONNECTION_BAD ? DOSSIER_DB_LOST : DOSSIER_DROPPED;
	mine = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!mine)
	{
		log_msg("warning", "dossier %s: another sender has it now; left to it", d->code);
		return DOSSIER_DROPPED;
	}
	*lease_end = asked + (int64_t) config.lease * 1000;
	return DOSSIER_SENT;
}

/* ascii_only: s with every byte that is not printable ASCII as '?' */
static char *
ascii_only(const char *s)
{
	char	   *r = xstrdup(s);

	for (unsigned char *p = (unsigned char *) r; *p; p++)
		if (*p < 0x20 || *p >= 0x7F)
			*p = '?';
	return r;
}

/*
 * give_back: tthc.portal_fail, the dossier's lease given back with the
 * error.  The error is the portal's text, cut and checked (wire.c); should
 * the database still refuse its bytes, it goes again in ASCII, so that the
 * lease is given back and the error recorded whatever the portal wrote.
 */
static DossierStatus
give_back(const Dossier *d, const char *error)
{
	const char *params[2] = {d->code, error};
	char	   *ascii = NULL;
	PGresult   *res;
	DossierStatus r = DOSSIER_FAILED;

	res = PQexecParams(conn, "SELECT tthc.portal_fail($1, $2)::pg_catalog.text",
					   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQstatus(conn) == CONNECTION_OK)
	{
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		/* 22021: invalid byte sequence; 22P05: untranslatable character */
		if (state && (strcmp(state, "22021") == 0 || strcmp(state, "22P05") == 0))
		{
			PQclear(res);
			params[1] = ascii = ascii_only(error);
			res = PQexecParams(conn, "SELECT tthc.portal_fail($1, $2)::pg_catalog.text",
							   2, NULL, params, NULL, NULL, 0);
		}
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		log_msg("error", "dossier %s: could not give it back: %s", d->code, sql_error(res));
		r = PQstatus(conn) == CONNECTION_BAD ? DOSSIER_DB_LOST : DOSSIER_FAILED;
	}
	else if (PQgetisnull(res, 0, 0))
	{
		log_msg("warning", "dossier %s (MaHoSo %s) not sent: %s; another sender has it now",
				d->code, d->mahoso, params[1]);
		r = DOSSIER_DROPPED;
	}
	else
		log_msg("warning", "dossier %s (MaHoSo %s) not sent: %s; tthc offers it again at %s",
				d->code, d->mahoso, params[1], PQgetvalue(res, 0, 0));
	PQclear(res);
	free(ascii);
	return r;
}

/*
 * release: tthc.portal_release, the dossier's lease given back unsent (no
 * attempt counted); true when it was this client's
 */
static bool
release(const char *code)
{
	const char *params[1] = {code};
	PGresult   *res = query("SELECT tthc.portal_release($1)", 1, params, false);
	bool		r;

	if (res == NULL)
		return false;
	r = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return r;
}

/* ---------- the portal ---------- */

/* backoff_ms: the wait before try again number k (0, 1, ...) of a call */
static int64_t
backoff_ms(int k)
{
	return k >= 5 ? 5000 : 200 << k;
}

/*
 * login: a session with the portal, tried again like a call when there is
 * no answer.  CALL_MADE when the session is open; CALL_UNREACHABLE, with
 * one error line, when the portal would not open one.
 */
static CallStatus
login(void)
{
	WireReply	reply = {0};
	CallStatus	st = CALL_MADE;

	for (int tries = 0;; tries++)
	{
		wire_authenticate(portal, conn, config.user, config.secret, &reply);
		if (reply.outcome == WIRE_FAILED)
		{
			log_msg("error", "%s", one_line(reply.message));
			st = CALL_DB_LOST;
			break;
		}
		if (reply.outcome != WIRE_TRANSIENT || tries >= config.retries)
			break;
		if (!sleep_ms(backoff_ms(tries)))
		{
			st = CALL_STOPPED;
			break;
		}
	}
	if (st == CALL_MADE && reply.outcome != WIRE_OK)
	{
		log_msg("error", "could not log in to the portal: %s", reply.message);
		st = CALL_UNREACHABLE;
	}
	wire_reply_reset(&reply);
	return st;
}

/*
 * portal_call: one call of a service, made until the portal answers it.
 * The session is opened or renewed as needed; a session the portal expires
 * before it served a call means the portal refuses every call.  A call
 * without an answer is made again after a backoff, --retries times, while
 * the lease (lease_end; 0: none) leaves time for it.  CALL_MADE leaves the
 * outcome in reply: WIRE_OK, WIRE_EXISTS or WIRE_REFUSED.
 */
static CallStatus
portal_call(WireService service, const char *args, int64_t lease_end,
			WireReply *reply)
{
	int64_t		need = (int64_t) (config.timeout + LEASE_MARGIN_S) * 1000;
	int			tries = 0;
	bool		fresh = false;	/* the session is new: it served no call yet */

	for (;;)
	{
		if (!wire_has_session(portal))
		{
			CallStatus	st = login();

			if (st != CALL_MADE)
				return st;
			fresh = true;
		}
		if (stop_requested)
			return CALL_STOPPED;
		if (lease_end != 0 && now_ms() + need > lease_end)
			return CALL_LATE;

		wire_call(portal, conn, service, args, reply);
		switch (reply->outcome)
		{
			case WIRE_FAILED:
				log_msg("error", "%s", one_line(reply->message));
				return CALL_DB_LOST;
			case WIRE_EXPIRED:
				if (fresh)
				{
					log_msg("error", "the portal expired a session it had just opened (%s): it refuses every call",
							reply->message);
					return CALL_UNREACHABLE;
				}
				continue;
			case WIRE_MISDIRECTED:
				log_msg("error", "%s", reply->message);
				return CALL_UNREACHABLE;
			case WIRE_TRANSIENT:
				if (tries >= config.retries ||
					(lease_end != 0 && now_ms() + backoff_ms(tries) + need > lease_end))
					return CALL_UNANSWERED;
				if (!sleep_ms(backoff_ms(tries)))
					return CALL_STOPPED;
				tries++;
				continue;
			default:
				return CALL_MADE;
		}
	}
}

/*
 * unsent: what becomes of a dossier whose call did not succeed: given back
 * with the error when the portal refused it or never answered; left to the
 * batch (to give back unsent) when the call was not made
 */
static DossierStatus
unsent(const Dossier *d, CallStatus st, const WireReply *reply)
{
	DossierStatus r;

	switch (st)
	{
		case CALL_MADE:
			return give_back(d, reply->message);
		case CALL_UNANSWERED:
			r = give_back(d, reply->message);
			return r == DOSSIER_DB_LOST ? r : DOSSIER_UNANSWERED;
		case CALL_UNREACHABLE:
			return DOSSIER_UNREACHABLE;
		case CALL_LATE:
			return DOSSIER_LATE;
		case CALL_STOPPED:
			return DOSSIER_STOPPED;
		case CALL_DB_LOST:
			break;
	}
	return DOSSIER_DB_LOST;
}

/*
 * send_record: the dossier record; a creation the portal says it already
 * has is sent again, once, as an update
 */
static DossierStatus
send_record(const Dossier *d, int64_t *lease_end, WireReply *reply)
{
	bool		update = d->is_update;
	CallStatus	st;

	for (;;)
	{
		char	   *args = wire_record_args(conn, d->record, update);

		if (args == NULL)
			return DOSSIER_DB_LOST;
		st = portal_call(WIRE_RECORD, args, *lease_end, reply);
		free(args);
		if (st != CALL_MADE || reply->outcome != WIRE_EXISTS || update)
			break;
		update = true;
	}
	if (st != CALL_MADE || reply->outcome != WIRE_OK)
		return unsent(d, st, reply);
	return acknowledge(d, "SELECT tthc.portal_ack_record($1, $2::integer, $3::pg_catalog.jsonb)",
					   d->event_seq, reply->body, lease_end);
}

/*
 * send_progress: the chunk of events after acked (at most
 * WIRE_MAX_PROGRESS, none after the claim's event_seq); *n is the number of
 * events it carried
 */
static DossierStatus
send_progress(const Dossier *d, int acked, int64_t *lease_end, WireReply *reply,
			  int *n)
{
	char		after[16];
	char		lim[16];
	const char *params[3] = {d->code, after, lim};
	PGresult   *res;
	char	   *args;
	CallStatus	st;

	snprintf(after, sizeof(after), "%d", acked);
	snprintf(lim, sizeof(lim), "%d",
			 d->event_seq - acked < WIRE_MAX_PROGRESS ? d->event_seq - acked : WIRE_MAX_PROGRESS);
	res = query("SELECT p::pg_catalog.text, COALESCE(pg_catalog.jsonb_array_length(p), 0) "
				"FROM tthc.portal_progress($1, $2::integer, $3::integer) p",
				3, params, false);
	if (res == NULL)
		return PQstatus(conn) == CONNECTION_OK ?
			give_back(d, "tthc could not build the dossier's progress records") : DOSSIER_DB_LOST;
	*n = atoi(PQgetvalue(res, 0, 1));
	if (*n == 0)
	{
		PQclear(res);
		return give_back(d, "tthc has no progress record after its acknowledged event");
	}
	args = wire_progress_args(conn, PQgetvalue(res, 0, 0));
	PQclear(res);
	if (args == NULL)
		return DOSSIER_DB_LOST;
	st = portal_call(WIRE_PROGRESS, args, *lease_end, reply);
	free(args);
	if (st != CALL_MADE || reply->outcome != WIRE_OK)
		return unsent(d, st, reply);
	return acknowledge(d, "SELECT tthc.portal_ack($1, $2::integer, $3::pg_catalog.jsonb)",
					   acked + *n, reply->body, lease_end);
}

/*
 * send_dossier: a claimed dossier, its record first, then its progress in
 * order, each acknowledged before the next call
 */
static DossierStatus
send_dossier(const Dossier *d, int64_t lease_end, Tally *t)
{
	WireReply	reply = {0};
	DossierStatus r = DOSSIER_SENT;
	int			acked = d->acked_seq;

	if (d->record != NULL)
	{
		r = send_record(d, &lease_end, &reply);
		if (r == DOSSIER_SENT)
			t->records++;
	}
	while (r == DOSSIER_SENT && acked < d->event_seq)
	{
		int			n = 0;

		r = send_progress(d, acked, &lease_end, &reply, &n);
		if (r == DOSSIER_SENT)
		{
			acked += n;
			t->events += n;
		}
	}
	wire_reply_reset(&reply);
	return r;
}

/* ---------- the cycle ---------- */

/* the outcome of one claim */
typedef enum BatchStatus
{
	BATCH_EMPTY,				/* nothing to claim */
	BATCH_DONE,
	BATCH_LATE,					/* every lease too short for its turn */
	BATCH_PORTAL_DOWN,			/* the portal stopped answering, or refuses all */
	BATCH_STOPPED,
	BATCH_DB_LOST
} BatchStatus;

/*
 * send_batch: claims a batch of dossiers and sends them; one log line.
 * When the batch ends early, the dossiers claimed and not sent are given
 * back unsent.
 */
static BatchStatus
send_batch(void)
{
	char		n[16];
	char		lease[16];
	const char *params[2] = {n, lease};
	int64_t		start = now_ms();
	PGresult   *res;
	PGresult   *held;
	Tally		t = {0};
	BatchStatus status = BATCH_DONE;
	int			i;

	snprintf(n, sizeof(n), "%d", config.batch);
	snprintf(lease, sizeof(lease), "%d", config.lease);
	res = query("SELECT code, mahoso, acked_seq, event_seq, is_update, record::pg_catalog.text "
				"FROM tthc.portal_claim($1::integer, $2::integer * interval '1 second')",
				2, params, true);
	if (res == NULL)
		return stop_requested ? BATCH_STOPPED : BATCH_DB_LOST;
	t.claimed = PQntuples(res);
	if (t.claimed == 0)
	{
		PQclear(res);
		return BATCH_EMPTY;
	}
	for (i = 0; i < t.claimed && status == BATCH_DONE; i++)
	{
		Dossier		d;

		d.code = PQgetvalue(res, i, 0);
		d.mahoso = PQgetvalue(res, i, 1);
		d.acked_seq = atoi(PQgetvalue(res, i, 2));
		d.event_seq = atoi(PQgetvalue(res, i, 3));
		d.is_update = strcmp(PQgetvalue(res, i, 4), "t") == 0;
		d.record = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);

		/* the lease began with the claim, at the latest */
		switch (send_dossier(&d, start + (int64_t) config.lease * 1000, &t))
		{
			case DOSSIER_SENT:
				break;
			case DOSSIER_FAILED:
				t.failed++;
				break;
			case DOSSIER_DROPPED:
				t.dropped++;
				break;
			case DOSSIER_LATE:
				t.late++;
				t.released += release(d.code);
				break;
			case DOSSIER_UNANSWERED:
				t.failed++;
				log_msg("error", "the portal did not answer %d tries of a call: the cycle ends",
						config.retries + 1);
				status = BATCH_PORTAL_DOWN;
				break;
			case DOSSIER_UNREACHABLE:
				status = BATCH_PORTAL_DOWN;
				t.released += release(d.code);
				break;
			case DOSSIER_STOPPED:
				status = BATCH_STOPPED;
				t.released += release(d.code);
				break;
			case DOSSIER_DB_LOST:
				status = BATCH_DB_LOST;
				break;
		}
	}
	/* the dossiers not tried, from i on */
	if (status == BATCH_PORTAL_DOWN || status == BATCH_STOPPED)
		for (; i < t.claimed && PQstatus(conn) == CONNECTION_OK; i++)
			t.released += release(PQgetvalue(res, i, 0));
	PQclear(res);
	if (status == BATCH_DONE && t.late == t.claimed)
		status = BATCH_LATE;

	held = PQstatus(conn) != CONNECTION_OK ? NULL :
		query("SELECT pg_catalog.count(*) FROM tthc.portal_outbox WHERE state = 'held'",
			  0, NULL, true);
	log_msg(NULL, "claimed %d: %d records and %d events sent, %d failed, %d dropped, %d late, %d given back unsent; %s held; %.3f s",
			t.claimed, t.records, t.events, t.failed, t.dropped, t.late, t.released,
			held ? PQgetvalue(held, 0, 0) : "?", (now_ms() - start) / 1000.0);
	PQclear(held);
	if (t.late > 0)
		log_msg("warning", "%d leases were too short for their turn: a shorter --batch or a longer --lease", t.late);
	return status;
}

/*
 * poll_portal: receives the new online dossiers the portal offers (each in
 * a transaction of its own; a record tthc refuses is logged and skipped),
 * then confirms those received, so the portal stops offering them.  A
 * record received twice changes nothing (tthc.portal_receive), so a lost
 * confirmation only means a redelivery.  false when the cycle cannot go
 * on: the database connection failed, the portal is unreachable.
 */
static bool
poll_portal(void)
{
	WireReply	reply = {0};
	CallStatus	st = portal_call(WIRE_FETCH, NULL, 0, &reply);
	PGresult   *res;
	char	   *ordinals;
	size_t		len = 0;
	int			received = 0;
	int			refused = 0;

	if (st != CALL_MADE || reply.outcome != WIRE_OK)
	{
		if (st == CALL_MADE || st == CALL_UNANSWERED)
			log_msg("warning", "could not fetch the portal's new dossiers: %s", reply.message);
		wire_reply_reset(&reply);
		return st == CALL_MADE || st == CALL_STOPPED;
	}
	res = wire_fetched(conn, reply.body);
	if (res == NULL)
	{
		log_msg("error", "%s", one_line(PQerrorMessage(conn)));
		wire_reply_reset(&reply);
		return false;
	}
	/* "{1,3,...}": the positions of the records received */
	ordinals = xmalloc(PQntuples(res) * 12 + 3);
	ordinals[len++] = '{';
	for (int i = 0; i < PQntuples(res); i++)
	{
		const char *params[1] = {PQgetvalue(res, i, 2)};
		char		mahoso[WIRE_EXCERPT + 1];
		PGresult   *r;

		if (PQgetisnull(res, i, 1))
			strcpy(mahoso, "(none)");
		else
			wire_excerpt(PQgetvalue(res, i, 1), mahoso);
		r = PQexecParams(conn, "SELECT tthc.portal_receive($1::pg_catalog.jsonb)",
						 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
		{
			len += sprintf(ordinals + len, "%s%s", received ? "," : "", PQgetvalue(res, i, 0));
			received++;
		}
		else if (PQstatus(conn) == CONNECTION_BAD)
		{
			log_msg("error", "%s", sql_error(r));
			PQclear(r);
			break;
		}
		else
		{
			/* the error may quote the record: the portal's text */
			char		why[WIRE_EXCERPT + 1];

			log_msg("warning", "portal dossier %s refused: %s", mahoso,
					wire_excerpt(sql_error(r), why));
			refused++;
		}
		PQclear(r);
	}
	strcpy(ordinals + len, "}");
	if (PQntuples(res) > 0)
		log_msg(NULL, "polled: %d offered, %d received, %d refused",
				PQntuples(res), received, refused);
	PQclear(res);

	if (received > 0 && PQstatus(conn) == CONNECTION_OK)
	{
		char	   *args = wire_confirm_args(conn, reply.body, ordinals);

		st = args ? portal_call(WIRE_CONFIRM, args, 0, &reply) : CALL_DB_LOST;
		if ((st == CALL_MADE && reply.outcome != WIRE_OK) || st == CALL_UNANSWERED)
			log_msg("warning", "could not confirm the dossiers received (they are offered again): %s",
					reply.message);
		free(args);
	}
	free(ordinals);
	wire_reply_reset(&reply);
	return PQstatus(conn) == CONNECTION_OK && st != CALL_UNREACHABLE && st != CALL_UNANSWERED;
}

/*
 * sync_cycle: logs in, polls when asked, then claims and sends batches
 * until nothing is left to claim.  false when it could not run to its end
 * (no database, no portal).
 */
static bool
sync_cycle(void)
{
	if (!db_ready())
		return false;
	if (!wire_has_session(portal))
	{
		CallStatus	st = login();

		if (st != CALL_MADE)
			return st == CALL_STOPPED;
	}
	if (config.poll && !poll_portal())
		return stop_requested;
	for (;;)
	{
		switch (send_batch())
		{
			case BATCH_DONE:
				continue;
			case BATCH_EMPTY:
			case BATCH_STOPPED:
				return true;
			case BATCH_LATE:
			case BATCH_PORTAL_DOWN:
			case BATCH_DB_LOST:
				return false;
		}
	}
}

/*
 * left_unsent: the exit status of --once: 0 when the outbox is empty, else
 * 1, saying what is left
 */
static int
left_unsent(void)
{
	PGresult   *res = query("SELECT state, pg_catalog.count(*) FROM tthc.portal_outbox "
							"GROUP BY state ORDER BY state", 0, NULL, true);
	int			left = 0;

	if (res == NULL)
		return 1;
	for (int i = 0; i < PQntuples(res); i++)
	{
		log_msg(NULL, "left unsent: %s %s", PQgetvalue(res, i, 1), PQgetvalue(res, i, 0));
		left += atoi(PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return left > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	bool		ok;
	int			status;

	configure(argc, argv);

	/* no SA_RESTART: a stop request cuts a sleep short */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handle_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
	{
		fprintf(stderr, "%s: error: could not initialize libcurl\n", progname);
		exit(1);
	}
	portal = wire_open(config.portal, config.unit, config.timeout);

	for (;;)
	{
		ok = sync_cycle();
		if (config.once || stop_requested || !sleep_ms((int64_t) config.interval * 1000))
			break;
	}

	if (stop_requested)
		status = 0;
	else if (!ok)
		status = 1;
	else
		status = left_unsent();
	wire_close(portal);
	curl_global_cleanup();
	set_cancel_handle(true);
	PQfinish(conn);
	return status;
}
