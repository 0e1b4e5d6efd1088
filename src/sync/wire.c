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
 * ("đã tồn tại", or "Đã tồn tại" opening a sentence) answer a record sent
 * as new that the portal has; "401" (or HTTP 401) means the session
 * expired.  Anything else is a refusal, whose message says why.  No answer
 * at all (a timeout, a connection that failed or closed, HTTP 5xx) is
 * transient: the same call may be made again.  A redirect, or an address
 * that is not the portal's (HTTP 403, 404, 405, 407), is misdirected: the
 * configuration is wrong, not the call, so no call there succeeds.
 *
 * What the portal writes is not trusted: a reply longer than the service's
 * limit (MAX_REPLY; LayHoSoMoiMC's, with its records, is MAX_FETCH_REPLY),
 * with a NUL byte, or not JSON is a refusal, and any text of it that a
 * message quotes (its message, its error_code, a start of it) is cut to
 * WIRE_EXCERPT bytes of valid UTF-8 without control characters (excerpt):
 * the message goes to a log line and, by tthc.portal_fail, to the database.
 * The login's reply is never quoted, and its message loses the secret,
 * which a portal echoing the request would show.
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

#include "common.h"
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
static const char *const exists_message[] = {"đã tồn tại", "Đã tồn tại"};
#define EXPIRED_CODE	"401"

/* a reply larger than this is not the portal's; new dossiers may be many */
#define MAX_REPLY		(1024 * 1024)
#define MAX_FETCH_REPLY (64 * 1024 * 1024)

/* how much of an error_code a message quotes */
#define CODE_EXCERPT	32

/* what a secret echoed by the portal is written as */
#define SECRET_MASK		"********"

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
	size_t		max;			/* the longest reply the call takes */
	bool		too_large;
	char		errbuf[CURL_ERROR_SIZE];
};

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
 * utf8_length: the length of the UTF-8 character at s (at most len bytes),
 * or 0 when the bytes there are not one: a stray continuation byte, a
 * sequence cut short, an overlong form (C0, C1, E0 80..9F, F0 80..8F), a
 * surrogate (ED A0..BF) or past U+10FFFF (F4 90.., F5..FF).  PostgreSQL
 * refuses each of these in a UTF-8 database.
 */
static int
utf8_length(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	int			n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;
	if (len < (size_t) n || s[1] < lo || s[1] > hi)
		return 0;
	for (int k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/*
 * excerpt: text from the portal, fit for a log line and for the database:
 * at most max bytes, cut at a character; control characters (C0, DEL and
 * C1: a newline would start a line of its own) written as spaces, bytes
 * that are not UTF-8 as '?'.  out has room for max + 1 bytes.
 */
static char *
excerpt(const char *s, size_t len, size_t max, char *out)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;
	size_t		o = 0;

	while (i < len)
	{
		int			n = utf8_length(u + i, len - i);

		if (o + (n > 0 ? n : 1) > max)
			break;
		if (n == 0)
		{
			out[o++] = '?';
			n = 1;
		}
		else if (u[i] < 0x20 || u[i] == 0x7F ||
				 (n == 2 && u[i] == 0xC2 && u[i + 1] < 0xA0))
			out[o++] = ' ';
		else
		{
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

/*
 * wire_excerpt: text the portal supplied (a MaHoSo, or an error quoting
 * its record), as a log line or the database may take it: see excerpt
 */
char *
wire_excerpt(const char *s, char *out)
{
	return excerpt(s, strlen(s), WIRE_EXCERPT, out);
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

	if (w->len + n + 1 > w->max)
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
		fprintf(stderr, "%s: error: could not initialize libcurl\n", progname);
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
	/* HTTP only, and no redirect followed: one is a misdirected call */
	curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	if (curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
		curl_easy_setopt(w->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK)
	{
		fprintf(stderr, "%s: error: libcurl does not speak HTTP or HTTPS\n", progname);
		exit(1);
	}
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

/* size_text: a reply limit, for a message */
static const char *
size_text(size_t n, char *buf, size_t size)
{
	if (n >= 1024 * 1024)
		snprintf(buf, size, "%zu MB", n / (1024 * 1024));
	else
		snprintf(buf, size, "%zu kB", n / 1024);
	return buf;
}

/*
 * post: POSTs body to url.  true when the portal answered (its reply is in
 * w->buf, at most w->max bytes, without a NUL byte); false, with the
 * reply's outcome set, when it did not, answered with an HTTP error, or
 * with something that is not a reply.  quote: a message may quote the
 * reply (not the login's: it may echo the secret).
 */
static bool
post(Wire *w, const char *url, const char *body, bool quote, WireReply *reply)
{
	CURLcode	rc;
	long		status = 0;
	char		text[WIRE_EXCERPT + 1];
	char		size[32];

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
		wire_reply_set(reply, WIRE_REFUSED, "the reply is longer than %s, the most a reply to this call may be",
					   size_text(w->max, size, sizeof(size)));
		return false;
	}
	if (rc != CURLE_OK)
	{
		const char *e = w->errbuf[0] ? w->errbuf : curl_easy_strerror(rc);

		wire_reply_set(reply, WIRE_TRANSIENT, "%s", excerpt(e, strlen(e), WIRE_EXCERPT, text));
		return false;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status <= 399)
	{
		char	   *location = NULL;
		char	   *masked;

		curl_easy_getinfo(w->curl, CURLINFO_REDIRECT_URL, &location);
		masked = mask_secrets(location ? location : "nowhere");
		wire_reply_set(reply, WIRE_MISDIRECTED,
					   "HTTP %ld: the portal's address redirects to %s (tthc-sync follows no redirect: correct --portal)",
					   status, excerpt(masked, strlen(masked), WIRE_EXCERPT, text));
		free(masked);
		return false;
	}
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
	/* not the portal's address, or not one this client may call */
	if (status == 403 || status == 404 || status == 405 || status == 407)
	{
		char	   *masked = mask_secrets(url);

		wire_reply_set(reply, WIRE_MISDIRECTED,
					   "HTTP %ld: %s is not an address of the portal this client may call (check --portal)",
					   status, excerpt(masked, strlen(masked), WIRE_EXCERPT, text));
		free(masked);
		return false;
	}
	if (status < 200 || status > 299)
	{
		if (quote)
			wire_reply_set(reply, WIRE_REFUSED, "HTTP %ld: %s", status,
						   excerpt(w->buf, w->len, WIRE_EXCERPT, text));
		else
			wire_reply_set(reply, WIRE_REFUSED, "HTTP %ld", status);
		return false;
	}
	/* JSON has no NUL byte: a reply with one would be read cut short */
	if (memchr(w->buf, '\0', w->len) != NULL)
	{
		wire_reply_set(reply, WIRE_REFUSED, "the reply holds a NUL byte: it is not JSON");
		return false;
	}
	return true;
}

/*
 * without_secret: s with every occurrence of secret written as
 * SECRET_MASK; a copy, to free
 */
static char *
without_secret(const char *s, const char *secret)
{
	size_t		n = secret ? strlen(secret) : 0;
	size_t		count = 0;
	char	   *out;
	char	   *o;

	if (n == 0)
		return xstrdup(s);
	for (const char *p = strstr(s, secret); p; p = strstr(p + n, secret))
		count++;
	out = o = xmalloc(strlen(s) + count * strlen(SECRET_MASK) + 1);
	for (const char *p = s;;)
	{
		const char *hit = strstr(p, secret);

		if (hit == NULL)
		{
			strcpy(o, p);
			break;
		}
		memcpy(o, p, hit - p);
		o += hit - p;
		memcpy(o, SECRET_MASK, strlen(SECRET_MASK));
		o += strlen(SECRET_MASK);
		p = hit + n;
	}
	return out;
}

/*
 * read_reply: what the portal's reply in w->buf says; for a login (session
 * not NULL) the session it opened too, and its message without the secret
 * (else NULL), which no message quotes the reply of
 */
static void
read_reply(Wire *w, PGconn *conn, WireReply *reply, char **session,
		   const char *secret)
{
	const char *params[1] = {w->buf};
	char		text[WIRE_EXCERPT + 1];
	char		body_text[WIRE_EXCERPT + 1];
	char		code_text[CODE_EXCERPT + 1];
	const char *quote = session == NULL ? excerpt(w->buf, w->len, WIRE_EXCERPT, body_text) :
		"(a login's reply is not quoted)";
	PGresult   *res;
	const char *code;
	char	   *message;

	res = PQexecParams(conn,
					   "SELECT r ->> 'error_code', COALESCE(r ->> 'message', ''), "
					   "       r ->> 'session' "
					   "FROM (SELECT $1::pg_catalog.jsonb AS r) x",
					   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		const char *why = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		char		why_text[WIRE_EXCERPT + 1];

		if (PQstatus(conn) == CONNECTION_BAD)
			wire_reply_set(reply, WIRE_FAILED, "%s", PQerrorMessage(conn));
		else
			wire_reply_set(reply, WIRE_REFUSED, "the reply is not JSON (%s): %s",
						   why ? excerpt(why, strlen(why), WIRE_EXCERPT, why_text) : "?",
						   quote);
		PQclear(res);
		return;
	}
	reply->body = xstrdup(w->buf);
	code = PQgetisnull(res, 0, 0) ? NULL :
		excerpt(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0), CODE_EXCERPT, code_text);
	message = without_secret(PQgetvalue(res, 0, 1), session ? secret : NULL);
	excerpt(message, strlen(message), WIRE_EXCERPT, text);

	if (code == NULL)
		wire_reply_set(reply, WIRE_REFUSED, "the reply has no error_code: %s", quote);
	else if (one_of(code, success_code, lengthof(success_code)))
	{
		reply->outcome = WIRE_OK;
		if (session != NULL && PQgetvalue(res, 0, 2)[0] == '\0')
			wire_reply_set(reply, WIRE_REFUSED, "the login's reply opens no session");
		else if (session != NULL)
			*session = xstrdup(PQgetvalue(res, 0, 2));
	}
	else if (one_of(code, exists_code, lengthof(exists_code)) &&
			 (strstr(message, exists_message[0]) != NULL ||
			  strstr(message, exists_message[1]) != NULL))
		wire_reply_set(reply, WIRE_EXISTS, "error_code %s: %s", code, text);
	else if (strcmp(code, EXPIRED_CODE) == 0)
		wire_reply_set(reply, WIRE_EXPIRED, "error_code %s: %s", code, text);
	else
		wire_reply_set(reply, WIRE_REFUSED, "error_code %s: %s", code, text);
	free(message);
	PQclear(res);
}

/*
 * wire_authenticate: opens a session.  A wrong user or secret is
 * WIRE_REFUSED; so is "session expired" in answer to the login itself.
 * No message quotes the reply, and the portal's own message is given
 * without the secret: a portal may echo the request.
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
					"SELECT pg_catalog.jsonb_build_object('username', $1::pg_catalog.text, "
					"                                     'password', $2::pg_catalog.text)::pg_catalog.text",
					2, params);
	if (body == NULL)
	{
		wire_reply_set(reply, WIRE_FAILED, "%s", PQerrorMessage(conn));
		return;
	}
	w->max = MAX_REPLY;
	if (post(w, w->auth_url, body, false, reply))
		read_reply(w, conn, reply, &w->session, secret);
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
					"SELECT (pg_catalog.jsonb_build_object('session', $1::pg_catalog.text, "
					"                                      'madonvi', $2::pg_catalog.text, "
					"                                      'service', $3::pg_catalog.text) "
					"        || $4::pg_catalog.jsonb)::pg_catalog.text",
					4, params);
	if (body == NULL)
	{
		wire_reply_set(reply, WIRE_FAILED, "%s", PQerrorMessage(conn));
		return;
	}
	w->max = service == WIRE_FETCH ? MAX_FETCH_REPLY : MAX_REPLY;
	if (post(w, w->service_url, body, true, reply))
		read_reply(w, conn, reply, NULL, NULL);
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
					"SELECT pg_catalog.jsonb_build_object('isUpdating', $1::pg_catalog.text, "
					"       'data', pg_catalog.jsonb_build_array($2::pg_catalog.jsonb))::pg_catalog.text",
					2, params);
}

/* wire_progress_args: CapNhatTienDoHoSoMC's fields for a chunk, a JSON array */
char *
wire_progress_args(PGconn *conn, const char *chunk)
{
	const char *params[1] = {chunk};

	return sql_text(conn,
					"SELECT pg_catalog.jsonb_build_object('data', $1::pg_catalog.jsonb)::pg_catalog.text",
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
					   "SELECT x.i, x.e ->> 'MaHoSo', x.e::pg_catalog.text "
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
					"         pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x.e ->> 'MaHoSo') ORDER BY x.i))::pg_catalog.text "
					"FROM pg_catalog.jsonb_array_elements($1::pg_catalog.jsonb -> 'data') "
					"       WITH ORDINALITY AS x(e, i) "
					"WHERE x.i = ANY ($2::bigint[])",
					2, params);
}
