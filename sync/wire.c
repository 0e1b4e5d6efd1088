/*
 * wire.c
 *		The national portal's wire format (DVCQG, through the provincial
 *		adapter of the one-stop systems), and HTTP to it with libcurl.
 *
 * Authentication: POST {portal}/auth {"username", "password"}, answered
 * {"error_code": 0, "session"}.  A service call: POST {portal} {"session",
 * "madonvi", "service", ...the service's own fields}, answered
 * {"error_code", "message", ...}.  Every body is JSON in UTF-8.
 *
 * A reply's error_code is a number or a string: 0, "0" and "00" mean
 * success; "3" or "-3" with a message saying the dossier already exists
 * ("đã tồn tại") answer a record sent as new that the portal has; "401"
 * (or HTTP 401) means the session expired.  Anything else is a refusal,
 * whose message says why.  No answer at all (a timeout, a connection that
 * failed or closed, HTTP 5xx) is transient: the same call may be made again.
 *
 * No official specification of the portal was found; this is the format of
 * two real integrations.  It is kept here, whole, so that a province whose
 * adapter differs changes this file only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "wire.h"

#define AUTH_PATH		"/auth"
#define CONTENT_TYPE	"Content-Type: application/json; charset=utf-8"

/* the portal's name of each WireService */
static const char *const service_name[] = {
	[WIRE_RECORD] = "DongBoHoSoMC",
	[WIRE_PROGRESS] = "CapNhatTienDoHoSoMC",
	[WIRE_FETCH] = "LayHoSoMoiMC",
	[WIRE_CONFIRM] = "XacNhanHoSoMC",
};

/* reply codes, as text (->> writes a JSON number as its text) */
static const char *const success_code[] = {"0", "00"};
static const char *const exists_code[] = {"3", "-3"};
#define EXISTS_MESSAGE	"đã tồn tại"
#define EXPIRED_CODE	"401"

/* a reply larger than this is not the portal's */
#define MAX_REPLY		(64 * 1024 * 1024)

/* how much of an unexpected reply a message quotes */
#define EXCERPT			200

#define lengthof(array) (sizeof(array) / sizeof((array)[0]))

struct Wire
{
	CURL	   *curl;
	struct curl_slist *headers;
	char	   *service_url;
	char	   *auth_url;
	char	   *unit;
	char	   *session;		/* NULL until authenticated, and once expired */
	char	   *buf;			/* the reply being received, NUL-terminated */
	size_t		len;
	size_t		cap;
	bool		too_large;
	char		errbuf[CURL_ERROR_SIZE];
};

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n);

	if (p == NULL)
	{
		fprintf(stderr, "tthc-sync: error: out of memory\n");
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

/* wire_reply_set: the reply's outcome, and its message formatted */
void
wire_reply_set(WireReply *reply, WireOutcome outcome, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	free(reply->message);
	reply->message = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(reply->message, n + 1, fmt, ap);
	va_end(ap);
	reply->outcome = outcome;
}

void
wire_reply_reset(WireReply *reply)
{
	free(reply->body);
	free(reply->message);
	reply->body = NULL;
	reply->message = NULL;
	reply->outcome = WIRE_FAILED;
}

/*
 * excerpt: the start of an unexpected reply, for a message: at most EXCERPT
 * bytes, cut at a character, bytes that are not UTF-8 shown as '?' (the
 * message is stored by tthc.portal_fail, in a UTF-8 database)
 */
static char *
excerpt(const char *s, size_t len, char *out)
{
	size_t		i = 0;
	size_t		o = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		int			n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 :
			c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
		bool		valid = n > 0 && c >= 0x20;

		for (int k = 1; k < n; k++)
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				valid = false;
		if (!valid)
			n = 1;
		if (o + n > EXCERPT)
			break;
		if (valid)
			memcpy(out + o, s + i, n);
		else
			out[o] = (c == '\n' || c == '\r' || c == '\t') ? ' ' : '?';
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

/* one_of: s is one of the n strings of set */
static bool
one_of(const char *s, const char *const *set, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/*
 * sql_text: the single text value of a query on the caller's connection, or
 * NULL when it failed (the connection's error message says why).  The JSON
 * of every request goes through here.
 */
static char *
sql_text(PGconn *conn, const char *query, int nparams, const char *const *params)
{
	PGresult   *res = PQexecParams(conn, query, nparams, NULL, params,
								   NULL, NULL, 0);
	char	   *r = NULL;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		!PQgetisnull(res, 0, 0))
		r = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return r;
}

/* receive: libcurl's write callback, appending to the reply buffer */
static size_t
receive(char *data, size_t size, size_t nmemb, void *arg)
{
	Wire	   *w = arg;
	size_t		n = size * nmemb;

	if (w->len + n + 1 > MAX_REPLY)
	{
		w->too_large = true;
		return 0;				/* stops the transfer */
	}
	if (w->len + n + 1 > w->cap)
	{
		size_t		cap = w->cap;
		char	   *buf;

		while (cap < w->len + n + 1)
			cap *= 2;
		buf = realloc(w->buf, cap);
		if (buf == NULL)
		{
			w->too_large = true;
			return 0;
		}
		w->buf = buf;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	w->buf[w->len] = '\0';
	return n;
}

/*
 * wire_open: a connection to the portal at the URL portal, for the unit
 * (madonvi); each call may take timeout_s seconds in all
 */
Wire *
wire_open(const char *portal, const char *unit, int timeout_s)
{
	Wire	   *w = xmalloc(sizeof(Wire));
	size_t		n = strlen(portal);

	memset(w, 0, sizeof(Wire));
	w->curl = curl_easy_init();
	if (w->curl == NULL)
	{
		fprintf(stderr, "tthc-sync: error: could not initialize libcurl\n");
		exit(1);
	}
	/* the services at {portal}, the login at {portal}/auth */
	while (n > 0 && portal[n - 1] == '/')
		n--;
	w->service_url = xstrdup(portal);
	w->auth_url = xmalloc(n + sizeof(AUTH_PATH));
	memcpy(w->auth_url, portal, n);
	strcpy(w->auth_url + n, AUTH_PATH);
	w->unit = xstrdup(unit);
	w->cap = 8192;
	w->buf = xmalloc(w->cap);
	w->buf[0] = '\0';

	w->headers = curl_slist_append(NULL, CONTENT_TYPE);
	w->headers = curl_slist_append(w->headers, "Accept: application/json");
	/* no "Expect: 100-continue" round trip before a large body */
	w->headers = curl_slist_append(w->headers, "Expect:");

	/* one handle for every call: its connection is kept alive between them */
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, w->headers);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, receive);
	curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, w->errbuf);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, (long) timeout_s * 1000);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "tthc-sync/" TTHC_VERSION);
	return w;
}

void
wire_close(Wire *w)
{
	curl_easy_cleanup(w->curl);
	curl_slist_free_all(w->headers);
	free(w->service_url);
	free(w->auth_url);
	free(w->unit);
	free(w->session);
	free(w->buf);
	free(w);
}

bool
wire_has_session(const Wire *w)
{
	return w->session != NULL;
}

/*
 * post: POSTs body to url.  true when the portal answered (its reply is in
 * w->buf); false, with the reply's outcome set, when it did not or answered
 * with an HTTP error.
 */
static bool
post(Wire *w, const char *url, const char *body, WireReply *reply)
{
	CURLcode	rc;
	long		status = 0;
	char		quote[EXCERPT + 1];

	w->len = 0;
	w->buf[0] = '\0';
	w->too_large = false;
	w->errbuf[0] = '\0';
	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long) strlen(body));
	rc = curl_easy_perform(w->curl);
	if (w->too_large)
	{
		wire_reply_set(reply, WIRE_REFUSED, "the reply is larger than %d MB",
					   MAX_REPLY / (1024 * 1024));
		return false;
	}
	if (rc != CURLE_OK)
	{
		wire_reply_set(reply, WIRE_TRANSIENT, "%s",
					   w->errbuf[0] ? w->errbuf : curl_easy_strerror(rc));
		return false;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	/* a portal overloaded or between restarts, a gateway without it */
	if (status >= 500 || status == 408 || status == 429)
	{
		wire_reply_set(reply, WIRE_TRANSIENT, "HTTP %ld", status);
		return false;
	}
	if (status == 401)
	{
		wire_reply_set(reply, WIRE_EXPIRED, "HTTP %ld", status);
		return false;
	}
	if (status < 200 || status > 299)
	{
		wire_reply_set(reply, WIRE_REFUSED, "HTTP %ld: %s", status,
					   excerpt(w->buf, w->len, quote));
		return false;
	}
	return true;
}

/*
 * read_reply: what the portal's reply in w->buf says; for a login (session
 * not NULL) the session it opened too
 */
static void
read_reply(Wire *w, PGconn *conn, WireReply *reply, char **session)
{
	const char *params[1] = {w->buf};
	char		quote[EXCERPT + 1];
	PGresult   *res;
	const char *code;
	const char *message;

	res = PQexecParams(conn,
					   "SELECT r ->> 'error_code', coalesce(r ->> 'message', ''), "
					   "       r ->> 'session' "
					   "FROM (SELECT $1::pg_catalog.jsonb AS r) x",
					   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		if (PQstatus(conn) == CONNECTION_BAD)
			wire_reply_set(reply, WIRE_FAILED, "%s", PQerrorMessage(conn));
		else
			wire_reply_set(reply, WIRE_REFUSED, "the reply is not JSON: %s",
						   excerpt(w->buf, w->len, quote));
		PQclear(res);
		return;
	}
	reply->body = xstrdup(w->buf);
	code = PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
	message = PQgetvalue(res, 0, 1);

	if (code == NULL)
		wire_reply_set(reply, WIRE_REFUSED, "the reply has no error_code: %s",
					   excerpt(w->buf, w->len, quote));
	else if (one_of(code, success_code, lengthof(success_code)))
	{
		reply->outcome = WIRE_OK;
		if (session != NULL && PQgetvalue(res, 0, 2)[0] == '\0')
			wire_reply_set(reply, WIRE_REFUSED, "the reply opens no session: %s",
						   excerpt(w->buf, w->len, quote));
		else if (session != NULL)
			*session = xstrdup(PQgetvalue(res, 0, 2));
	}
	else if (one_of(code, exists_code, lengthof(exists_code)) &&
			 strstr(message, EXISTS_MESSAGE) != NULL)
		wire_reply_set(reply, WIRE_EXISTS, "error_code %s: %s", code, message);
	else if (strcmp(code, EXPIRED_CODE) == 0)
		wire_reply_set(reply, WIRE_EXPIRED, "error_code %s: %s", code, message);
	else
		wire_reply_set(reply, WIRE_REFUSED, "error_code %s: %s", code, message);
	PQclear(res);
}

/*
 * wire_authenticate: opens a session.  A wrong user or secret is
 * WIRE_REFUSED; so is "session expired" in answer to the login itself.
 */
void
wire_authenticate(Wire *w, PGconn *conn, const char *user, const char *secret,
				  WireReply *reply)
{
	const char *params[2] = {user, secret};
	char	   *body;

	wire_reply_reset(reply);
	free(w->session);
	w->session = NULL;
	body = sql_text(conn,
					"SELECT pg_catalog.jsonb_build_object('username', $1::text, "
					"                                     'password', $2::text)::text",
					2, params);
	if (body == NULL)
	{
		wire_reply_set(reply, WIRE_FAILED, "%s", PQerrorMessage(conn));
		return;
	}
	if (post(w, w->auth_url, body, reply))
		read_reply(w, conn, reply, &w->session);
	if (reply->outcome == WIRE_EXPIRED)
		reply->outcome = WIRE_REFUSED;
	free(body);
}

/*
 * wire_call: one call of a service in the current session; args are the
 * service's own fields (from one of the wire_*_args), NULL for none.  An
 * expired session is forgotten: the caller authenticates again and repeats
 * the call.
 */
void
wire_call(Wire *w, PGconn *conn, WireService service, const char *args,
		  WireReply *reply)
{
	const char *params[4] = {w->session, w->unit, service_name[service],
	args ? args : "{}"};
	char	   *body;

	wire_reply_reset(reply);
	body = sql_text(conn,
					"SELECT (pg_catalog.jsonb_build_object('session', $1::text, "
					"                                      'madonvi', $2::text, "
					"                                      'service', $3::text) "
					"        || $4::pg_catalog.jsonb)::text",
					4, params);
	if (body == NULL)
	{
		wire_reply_set(reply, WIRE_FAILED, "%s", PQerrorMessage(conn));
		return;
	}
	if (post(w, w->service_url, body, reply))
		read_reply(w, conn, reply, NULL);
	if (reply->outcome == WIRE_EXPIRED)
	{
		free(w->session);
		w->session = NULL;
	}
	free(body);
}

/* wire_record_args: DongBoHoSoMC's fields for one record, new or an update */
char *
wire_record_args(PGconn *conn, const char *record, bool update)
{
	const char *params[2] = {update ? "True" : "False", record};

	return sql_text(conn,
					"SELECT pg_catalog.jsonb_build_object('isUpdating', $1::text, "
					"       'data', pg_catalog.jsonb_build_array($2::pg_catalog.jsonb))::text",
					2, params);
}

/* wire_progress_args: CapNhatTienDoHoSoMC's fields for a chunk, a JSON array */
char *
wire_progress_args(PGconn *conn, const char *chunk)
{
	const char *params[1] = {chunk};

	return sql_text(conn,
					"SELECT pg_catalog.jsonb_build_object('data', $1::pg_catalog.jsonb)::text",
					1, params);
}

/*
 * wire_fetched: the records a LayHoSoMoiMC reply offers, with their
 * position (1, 2, ...) and MaHoSo (NULL when missing); NULL when the
 * database connection failed
 */
PGresult *
wire_fetched(PGconn *conn, const char *fetched)
{
	const char *params[1] = {fetched};
	PGresult   *res;

	res = PQexecParams(conn,
					   "SELECT x.i, x.e ->> 'MaHoSo', x.e::text "
					   "FROM (SELECT $1::pg_catalog.jsonb -> 'data' AS d) r, "
					   "     pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(r.d) = 'array' "
					   "                                          THEN r.d ELSE '[]' END) "
					   "       WITH ORDINALITY AS x(e, i) "
					   "ORDER BY x.i",
					   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		PQclear(res);
		return NULL;
	}
	return res;
}

/*
 * wire_confirm_args: XacNhanHoSoMC's fields confirming the records of a
 * LayHoSoMoiMC reply at the given positions (an array literal: {1,3})
 */
char *
wire_confirm_args(PGconn *conn, const char *fetched, const char *ordinals)
{
	const char *params[2] = {fetched, ordinals};

	return sql_text(conn,
					"SELECT pg_catalog.jsonb_build_object('data', "
					"         pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x.e ->> 'MaHoSo') ORDER BY x.i))::text "
					"FROM pg_catalog.jsonb_array_elements($1::pg_catalog.jsonb -> 'data') "
					"       WITH ORDINALITY AS x(e, i) "
					"WHERE x.i = ANY ($2::bigint[])",
					2, params);
}
