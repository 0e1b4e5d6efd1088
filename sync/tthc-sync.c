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
 * lasts long enough for it to finish (--timeout): a dossier whose lease ran
 * out before its turn is left to the next claim.  Each acknowledgement
 * extends the lease.
 *
 * A call without an answer (timeout, connection, HTTP 5xx) is repeated with
 * a doubling backoff, --retries times; an expired session is renewed and
 * the call repeated, which is not a failure.  A dossier that could not be
 * sent, or that the portal refused, is given back with the error
 * (tthc.portal_fail): tthc offers it again after a backoff of its own.
 *
 * Everything the portal defines (services, fields, codes) is in wire.c.
 * Each SQL statement here is its own transaction (autocommit).
 *
 * Exit status: 0 when done (with --once: nothing left in the outbox), 1 when
 * something is left unsent or the database or portal could not be reached,
 * 2 for a bad configuration.  SIGTERM and SIGINT end the client after the
 * call under way and its acknowledgement, with status 0.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "libpq-fe.h"
#include "wire.h"

static const char *progname = "tthc-sync";

/* ---------- configuration ---------- */

/*
 * Each setting has a flag (--name), an environment variable (TTHC_NAME) and
 * a config file line (name = value); that is also the order of precedence.
 */
typedef enum SettingId
{
	SET_CONNINFO,
	SET_PORTAL,
	SET_USER,
	SET_SECRET,
	SET_UNIT,
	SET_ONCE,
	SET_POLL,
	SET_INTERVAL,
	SET_BATCH,
	SET_LEASE,
	SET_TIMEOUT,
	SET_RETRIES,
	NUM_SETTINGS
} SettingId;

typedef enum SettingKind
{
	KIND_TEXT,
	KIND_BOOL,
	KIND_SECONDS,
	KIND_COUNT
} SettingKind;

typedef struct SettingDef
{
	const char *name;
	SettingKind kind;
	int			min;			/* KIND_SECONDS, KIND_COUNT */
	int			max;
	const char *dflt;			/* NULL: required */
} SettingDef;

static const SettingDef setting_def[NUM_SETTINGS] = {
	[SET_CONNINFO] = {"conninfo", KIND_TEXT, 0, 0, ""},
	[SET_PORTAL] = {"portal", KIND_TEXT, 0, 0, NULL},
	[SET_USER] = {"user", KIND_TEXT, 0, 0, NULL},
	[SET_SECRET] = {"secret", KIND_TEXT, 0, 0, NULL},
	[SET_UNIT] = {"unit", KIND_TEXT, 0, 0, NULL},
	[SET_ONCE] = {"once", KIND_BOOL, 0, 0, "false"},
	[SET_POLL] = {"poll", KIND_BOOL, 0, 0, "false"},
	[SET_INTERVAL] = {"interval", KIND_SECONDS, 1, 86400, "10"},
	[SET_BATCH] = {"batch", KIND_COUNT, 1, 10000, "50"},
	[SET_LEASE] = {"lease", KIND_SECONDS, 1, 86400, "120"},
	[SET_TIMEOUT] = {"timeout", KIND_SECONDS, 1, 3600, "30"},
	[SET_RETRIES] = {"retries", KIND_COUNT, 0, 100, "4"},
};

/* a value as given, and where: "--batch", "TTHC_BATCH", "sync.conf:3" */
typedef struct Given
{
	char	   *value;
	char	   *origin;
} Given;

typedef struct Config
{
	const char *conninfo;
	const char *portal;
	const char *user;
	const char *secret;
	const char *unit;
	bool		once;
	bool		poll;
	int			interval;
	int			batch;
	int			lease;
	int			timeout;
	int			retries;
} Config;

static Config config;

/* ---------- state ---------- */

static PGconn *conn;
static Wire *portal;
static volatile sig_atomic_t stop_requested = 0;

/* how a call came out, seen from the client */
typedef enum CallStatus
{
	CALL_MADE,					/* the reply holds the outcome */
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
	DOSSIER_LATE,				/* its lease ran out before its turn */
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
} Tally;

/* ---------- small things ---------- */

static void log_msg(const char *level, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
static void config_error(const char *fmt,...)
			__attribute__((format(printf, 1, 2), noreturn));

/* log_msg: one line on stderr, with the time */
static void
log_msg(const char *level, const char *fmt,...)
{
	va_list		ap;
	time_t		now = time(NULL);
	char		stamp[32];

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(stderr, "%s %s: %s%s", stamp, progname, level ? level : "",
			level ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* config_error: a bad or missing setting; exits with status 2 */
static void
config_error(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s: hint: Try \"%s --help\" for more information.\n",
			progname, progname);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n);

	if (p == NULL)
	{
		fprintf(stderr, "%s: error: out of memory\n", progname);
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

/* xsprintf: a formatted string of its own */
static char *xsprintf(const char *fmt,...) __attribute__((format(printf, 1, 2)));

static char *
xsprintf(const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* now_ms: a monotonic clock, in milliseconds */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sleep_ms: sleeps, cut short by a stop request; false when stopped */
static bool
sleep_ms(int64_t ms)
{
	int64_t		end = now_ms() + ms;
	int64_t		left;

	while (!stop_requested && (left = end - now_ms()) > 0)
	{
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};

		nanosleep(&ts, NULL);	/* EINTR: a signal; the loop checks */
	}
	return !stop_requested;
}

static void
handle_stop(int signo)
{
	stop_requested = 1;
}

/* ---------- configuration: reading it ---------- */

static void
usage(void)
{
	printf("%s sends tthc's dossiers and their progress to the national portal.\n\n",
		   progname);
	printf("Usage:\n  %s [OPTION]...\n\n", progname);
	printf("Options:\n");
	printf("  --conninfo=CONNINFO  the tthc database (a member of tthc_portal logs in)\n");
	printf("  --portal=URL         the portal's adapter (services at URL, login at URL/auth)\n");
	printf("  --user=USER          the portal login\n");
	printf("  --secret=SECRET      its password (better in TTHC_SECRET or the config file)\n");
	printf("  --unit=MADONVI       the unit's code at the portal (madonvi)\n");
	printf("  --once               send what is pending, then exit (1 if anything is left)\n");
	printf("  --interval=SECONDS   between cycles, when not --once (default 10)\n");
	printf("  --poll               each cycle, also receive the portal's new online dossiers\n");
	printf("  --batch=N            dossiers claimed at a time (default 50)\n");
	printf("  --lease=SECONDS      how long a claimed dossier is this client's (default 120)\n");
	printf("  --timeout=SECONDS    for one HTTP call (default 30)\n");
	printf("  --retries=N          tries again of a call without an answer (default 4)\n");
	printf("  --config=FILE        read settings from FILE (lines \"name = value\", # comments)\n");
	printf("  -V, --version        output version information, then exit\n");
	printf("  -?, --help           show this help, then exit\n\n");
	printf("Each setting is also read from the environment variable TTHC_NAME (TTHC_PORTAL,\n"
		   "TTHC_ONCE, ...; the file from TTHC_CONFIG) and from the config file, as \"name =\n"
		   "value\"; a flag wins over the environment, the environment over the file.\n\n");
	printf("Exit status: 0 done, 1 something left unsent or unreachable, 2 bad configuration.\n");
}

static SettingId
setting_by_name(const char *name)
{
	for (int i = 0; i < NUM_SETTINGS; i++)
		if (strcmp(setting_def[i].name, name) == 0)
			return i;
	return NUM_SETTINGS;
}

/* env_name: the environment variable of a setting, TTHC_NAME */
static const char *
env_name(SettingId id, char *buf)
{
	const char *name = setting_def[id].name;
	int			n = 0;

	n = sprintf(buf, "TTHC_");
	for (const char *p = name; *p; p++)
		buf[n++] = *p - 'a' + 'A';
	buf[n] = '\0';
	return buf;
}

static void
give(Given *g, const char *value, char *origin)
{
	free(g->value);
	free(g->origin);
	g->value = xstrdup(value);
	g->origin = origin;
}

/* trim: s without the white space around it (in place) */
static char *
trim(char *s)
{
	char	   *end = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
					   end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* one_line: a libpq message of several lines on one (in place) */
static char *
one_line(char *s)
{
	char	   *o = s;

	for (const char *p = s; *p; p++)
	{
		if (*p != '\n' && *p != '\t')
			*o++ = *p;
		else if (o > s && o[-1] != ' ' && p[1] != '\0')
			*o++ = ' ';
	}
	*o = '\0';
	return s;
}

/*
 * read_config_file: the settings of a file of "name = value" lines; blank
 * lines and lines starting with # are skipped; a value in matching quotes
 * loses them.  (A # inside a value is part of it: secrets may have one.)
 */
static void
read_config_file(const char *path, Given *from_file)
{
	FILE	   *f = fopen(path, "r");
	char	   *line = NULL;
	size_t		size = 0;
	int			lineno = 0;

	if (f == NULL)
		config_error("could not open config file \"%s\": %s", path, strerror(errno));
	while (getline(&line, &size, f) != -1)
	{
		char	   *s = trim(line);
		char	   *eq;
		char	   *name;
		char	   *value;
		size_t		n;
		SettingId	id;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL)
			config_error("%s:%d: not a \"name = value\" line", path, lineno);
		*eq = '\0';
		name = trim(s);
		value = trim(eq + 1);
		n = strlen(value);
		if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0])
		{
			value[n - 1] = '\0';
			value++;
		}
		id = setting_by_name(name);
		if (id == NUM_SETTINGS)
			config_error("%s:%d: unknown setting \"%s\"", path, lineno, name);
		give(&from_file[id], value, xsprintf("%s:%d", path, lineno));
	}
	if (ferror(f))
		config_error("could not read config file \"%s\": %s", path, strerror(errno));
	free(line);
	fclose(f);
}

/* parse_bool: PostgreSQL's spellings of a boolean */
static bool
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "on", "yes", "1"};
	static const char *const no[] = {"false", "off", "no", "0"};

	for (int i = 0; i < 4; i++)
	{
		if (strcasecmp(s, yes[i]) == 0)
		{
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0)
		{
			*out = false;
			return true;
		}
	}
	return false;
}

/* parse_int: a whole decimal number within min..max */
static bool
parse_int(const char *s, int min, int max, int *out)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return false;
	*out = (int) v;
	return true;
}

/*
 * configure: the configuration from the command line, the environment and
 * the config file; anything wrong ends the program with status 2
 */
static void
configure(int argc, char **argv)
{
	static struct option long_options[NUM_SETTINGS + 4];
	Given		from_flag[NUM_SETTINGS] = {{0}};
	Given		from_env[NUM_SETTINGS] = {{0}};
	Given		from_file[NUM_SETTINGS] = {{0}};
	const char *config_file = getenv("TTHC_CONFIG");
	const char *text[NUM_SETTINGS];
	char	   *errmsg;
	PQconninfoOption *opts;
	int			c;

	for (int i = 0; i < NUM_SETTINGS; i++)
	{
		long_options[i].name = setting_def[i].name;
		long_options[i].has_arg = setting_def[i].kind == KIND_BOOL ? no_argument : required_argument;
		long_options[i].val = 1000 + i;
	}
	long_options[NUM_SETTINGS] = (struct option) {"config", required_argument, NULL, 2000};
	long_options[NUM_SETTINGS + 1] = (struct option) {"help", no_argument, NULL, 'h'};
	long_options[NUM_SETTINGS + 2] = (struct option) {"version", no_argument, NULL, 'V'};

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0))
	{
		usage();
		exit(0);
	}
	opterr = 0;					/* the errors are reported below */
	while ((c = getopt_long(argc, argv, "V", long_options, NULL)) != -1)
	{
		if (c >= 1000 && c < 1000 + NUM_SETTINGS)
			give(&from_flag[c - 1000], optarg ? optarg : "true",
				 xsprintf("--%s", setting_def[c - 1000].name));
		else if (c == 2000)
			config_file = optarg;
		else if (c == 'V')
		{
			printf("%s (tthc) %s\n", progname, TTHC_VERSION);
			exit(0);
		}
		else if (c == 'h')
		{
			usage();
			exit(0);
		}
		else if (optopt >= 1000)
			config_error("option \"%s\" needs a value", argv[optind - 1]);
		else if (optopt != 0)
			config_error("invalid option -- '%c'", optopt);
		else
			config_error("unknown or ambiguous option \"%s\"", argv[optind - 1]);
	}
	if (optind < argc)
		config_error("too many command-line arguments (first is \"%s\")", argv[optind]);

	for (int i = 0; i < NUM_SETTINGS; i++)
	{
		char		var[32];
		const char *v = getenv(env_name(i, var));

		if (v != NULL && v[0] != '\0')
			give(&from_env[i], v, xstrdup(var));
	}
	if (config_file != NULL && config_file[0] != '\0')
		read_config_file(config_file, from_file);

	for (int i = 0; i < NUM_SETTINGS; i++)
	{
		const SettingDef *def = &setting_def[i];
		Given	   *g = from_flag[i].value ? &from_flag[i] :
			from_env[i].value ? &from_env[i] :
			from_file[i].value ? &from_file[i] : NULL;
		char		var[32];
		int			n = 0;
		bool		b = false;

		text[i] = g ? g->value : def->dflt;
		if (text[i] == NULL || (def->dflt == NULL && text[i][0] == '\0'))
			config_error("no %s given: use --%s, %s or \"%s =\" in a config file",
						 def->name, def->name, env_name(i, var), def->name);
		switch (def->kind)
		{
			case KIND_TEXT:
				break;
			case KIND_BOOL:
				if (!parse_bool(text[i], &b))
					config_error("%s (from %s) is true or false, not \"%s\"",
								 def->name, g->origin, text[i]);
				break;
			case KIND_SECONDS:
			case KIND_COUNT:
				if (!parse_int(text[i], def->min, def->max, &n))
					config_error("%s (from %s) is a whole number of %s from %d to %d, not \"%s\"",
								 def->name, g->origin,
								 def->kind == KIND_SECONDS ? "seconds" : "times",
								 def->min, def->max, text[i]);
				break;
		}
		switch (i)
		{
			case SET_ONCE:
				config.once = b;
				break;
			case SET_POLL:
				config.poll = b;
				break;
			case SET_INTERVAL:
				config.interval = n;
				break;
			case SET_BATCH:
				config.batch = n;
				break;
			case SET_LEASE:
				config.lease = n;
				break;
			case SET_TIMEOUT:
				config.timeout = n;
				break;
			case SET_RETRIES:
				config.retries = n;
				break;
		}
	}
	config.conninfo = text[SET_CONNINFO];
	config.portal = text[SET_PORTAL];
	config.user = text[SET_USER];
	config.secret = text[SET_SECRET];
	config.unit = text[SET_UNIT];

	if (strncasecmp(config.portal, "http://", 7) != 0 &&
		strncasecmp(config.portal, "https://", 8) != 0)
		config_error("portal is an http:// or https:// URL, not \"%s\"", config.portal);
	opts = PQconninfoParse(config.conninfo, &errmsg);
	if (opts == NULL)
		config_error("invalid conninfo: %s", errmsg ? trim(errmsg) : "out of memory");
	PQconninfoFree(opts);
	if (config.lease <= config.timeout)
		config_error("the lease (%d s) must be longer than the timeout of a call (%d s): a call must end while the dossier is this client's",
					 config.lease, config.timeout);
}

/* ---------- the database ---------- */

/* sql_error: the error of a failed statement, on one line */
static const char *
sql_error(const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	return m ? m : one_line(PQerrorMessage(conn));
}

/*
 * db_ready: a working connection to the database, made or made again (each
 * cycle checks); false, logged, when there is none
 */
static bool
db_ready(void)
{
	/* client_encoding: the portal speaks UTF-8, so do the JSON texts */
	const char *const keywords[] = {"dbname", "fallback_application_name",
	"client_encoding", NULL};
	const char *const values[] = {config.conninfo, progname, "UTF8", NULL};

	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
		return true;
	if (conn != NULL)
		PQreset(conn);
	else
		conn = PQconnectdbParams(keywords, values, 1);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		log_msg("error", "could not connect to the database: %s",
				one_line(PQerrorMessage(conn)));
		return false;
	}
	return true;
}

/*
 * query: the rows of a statement, or NULL, logged, when it failed (then
 * PQstatus(conn) tells whether the connection is gone)
 */
static PGresult *
query(const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	log_msg("error", "%s", sql_error(res));
	PQclear(res);
	return NULL;
}

/*
 * acknowledge: tthc.portal_ack_record or tthc.portal_ack with the portal's
 * reply; DOSSIER_SENT while the lease is still this client's
 */
static DossierStatus
acknowledge(const Dossier *d, const char *sql, int seq, const char *reply)
{
	char		num[16];
	const char *params[3] = {d->code, num, reply};
	PGresult   *res;
	bool		mine;

	snprintf(num, sizeof(num), "%d", seq);
	res = query(sql, 3, params);
	if (res == NULL)
		return PQstatus(conn) == CONNECTION_BAD ? DOSSIER_DB_LOST : DOSSIER_DROPPED;
	mine = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!mine)
	{
		log_msg("warning", "dossier %s: another sender has it now; left to it", d->code);
		return DOSSIER_DROPPED;
	}
	return DOSSIER_SENT;
}

/* give_back: tthc.portal_fail, the dossier's lease given back with the error */
static DossierStatus
give_back(const Dossier *d, const char *error)
{
	const char *params[2] = {d->code, error};
	PGresult   *res;

	res = query("SELECT tthc.portal_fail($1, $2)::text", 2, params);
	if (res == NULL)
		return PQstatus(conn) == CONNECTION_BAD ? DOSSIER_DB_LOST : DOSSIER_FAILED;
	log_msg("warning", "dossier %s (MaHoSo %s) not sent: %s; tthc offers it again at %s",
			d->code, d->mahoso, error, PQgetvalue(res, 0, 0));
	PQclear(res);
	return DOSSIER_FAILED;
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
 * no answer.  CALL_MADE with the reply WIRE_OK, or with why not.
 */
static CallStatus
login(WireReply *reply)
{
	for (int tries = 0;; tries++)
	{
		wire_authenticate(portal, conn, config.user, config.secret, reply);
		if (reply->outcome == WIRE_FAILED)
			return CALL_DB_LOST;
		if (reply->outcome != WIRE_TRANSIENT || tries >= config.retries)
			return CALL_MADE;
		if (!sleep_ms(backoff_ms(tries)))
			return CALL_STOPPED;
	}
}

/*
 * portal_call: one call of a service, made until the portal answers it.
 * The session is opened or renewed as needed (at most a few times: a
 * portal that expires every session at once is refusing); a call without
 * an answer is made again after a backoff, --retries times, while the
 * lease (lease_end; 0: none) leaves time for it.  CALL_MADE leaves the
 * outcome in reply: WIRE_OK, WIRE_EXISTS, WIRE_REFUSED, or WIRE_TRANSIENT
 * when the tries ran out.
 */
static CallStatus
portal_call(WireService service, const char *args, int64_t lease_end,
			WireReply *reply)
{
	int			tries = 0;
	int			logins = 0;

	for (;;)
	{
		if (!wire_has_session(portal))
		{
			WireReply	l = {0};
			CallStatus	st = login(&l);

			if (st == CALL_MADE && l.outcome != WIRE_OK)
				wire_reply_set(reply, l.outcome, "could not log in to the portal: %s",
							   l.message);
			wire_reply_reset(&l);
			if (st != CALL_MADE || !wire_has_session(portal))
				return st;
		}
		if (stop_requested)
			return CALL_STOPPED;
		if (lease_end != 0 && now_ms() + config.timeout * 1000 > lease_end)
			return CALL_LATE;

		wire_call(portal, conn, service, args, reply);
		switch (reply->outcome)
		{
			case WIRE_FAILED:
				log_msg("error", "%s", one_line(reply->message));
				return CALL_DB_LOST;
			case WIRE_EXPIRED:
				if (++logins > 3)
				{
					wire_reply_set(reply, WIRE_REFUSED,
								   "the portal expired every new session at once");
					return CALL_MADE;
				}
				continue;
			case WIRE_TRANSIENT:
				if (tries >= config.retries)
					return CALL_MADE;
				if (lease_end != 0 &&
					now_ms() + backoff_ms(tries) + config.timeout * 1000 > lease_end)
					return CALL_MADE;	/* no time left in the lease */
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
 * with the error when the portal refused it or never answered; left alone
 * when the call was not made
 */
static DossierStatus
unsent(const Dossier *d, CallStatus st, const WireReply *reply)
{
	switch (st)
	{
		case CALL_MADE:
			return give_back(d, reply->message);
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
send_record(const Dossier *d, int64_t lease_end, WireReply *reply)
{
	bool		update = d->is_update;
	CallStatus	st;

	for (;;)
	{
		char	   *args = wire_record_args(conn, d->record, update);

		if (args == NULL)
			return DOSSIER_DB_LOST;
		st = portal_call(WIRE_RECORD, args, lease_end, reply);
		free(args);
		if (st != CALL_MADE || reply->outcome != WIRE_EXISTS || update)
			break;
		update = true;
	}
	if (st != CALL_MADE || reply->outcome != WIRE_OK)
		return unsent(d, st, reply);
	return acknowledge(d, "SELECT tthc.portal_ack_record($1, $2::integer, $3::jsonb)",
					   d->event_seq, reply->body);
}

/*
 * send_progress: the chunk of events after acked (at most
 * WIRE_MAX_PROGRESS, none after the claim's event_seq); *n is the number of
 * events it carried
 */
static DossierStatus
send_progress(const Dossier *d, int acked, int64_t lease_end, WireReply *reply,
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
	res = PQexecParams(conn,
					   "SELECT p::text, coalesce(jsonb_array_length(p), 0) "
					   "FROM tthc.portal_progress($1, $2::integer, $3::integer) p",
					   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		DossierStatus r = DOSSIER_DB_LOST;

		log_msg("error", "%s", sql_error(res));
		if (PQstatus(conn) == CONNECTION_OK)
			r = give_back(d, sql_error(res));
		PQclear(res);
		return r;
	}
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
	st = portal_call(WIRE_PROGRESS, args, lease_end, reply);
	free(args);
	if (st != CALL_MADE || reply->outcome != WIRE_OK)
		return unsent(d, st, reply);
	return acknowledge(d, "SELECT tthc.portal_ack($1, $2::integer, $3::jsonb)",
					   acked + *n, reply->body);
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
		r = send_record(d, lease_end, &reply);
		if (r == DOSSIER_SENT)
		{
			t->records++;
			lease_end = now_ms() + config.lease * 1000;
		}
	}
	while (r == DOSSIER_SENT && acked < d->event_seq)
	{
		int			n = 0;

		r = send_progress(d, acked, lease_end, &reply, &n);
		if (r == DOSSIER_SENT)
		{
			acked += n;
			t->events += n;
			lease_end = now_ms() + config.lease * 1000;
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
	BATCH_LATE,					/* every lease ran out before its turn */
	BATCH_STOPPED,
	BATCH_DB_LOST
} BatchStatus;

/* send_batch: claims a batch of dossiers and sends them; one log line */
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

	snprintf(n, sizeof(n), "%d", config.batch);
	snprintf(lease, sizeof(lease), "%d", config.lease);
	res = query("SELECT code, mahoso, acked_seq, event_seq, is_update, record::text "
				"FROM tthc.portal_claim($1::integer, $2::integer * interval '1 second')",
				2, params);
	if (res == NULL)
		return BATCH_DB_LOST;
	t.claimed = PQntuples(res);
	if (t.claimed == 0)
	{
		PQclear(res);
		return BATCH_EMPTY;
	}
	for (int i = 0; i < t.claimed && status == BATCH_DONE; i++)
	{
		Dossier		d;

		d.code = PQgetvalue(res, i, 0);
		d.mahoso = PQgetvalue(res, i, 1);
		d.acked_seq = atoi(PQgetvalue(res, i, 2));
		d.event_seq = atoi(PQgetvalue(res, i, 3));
		d.is_update = strcmp(PQgetvalue(res, i, 4), "t") == 0;
		d.record = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);

		/* the lease began with the claim, at the latest */
		switch (send_dossier(&d, start + config.lease * 1000, &t))
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
				break;
			case DOSSIER_STOPPED:
				status = BATCH_STOPPED;
				break;
			case DOSSIER_DB_LOST:
				status = BATCH_DB_LOST;
				break;
		}
	}
	PQclear(res);
	if (status == BATCH_DONE && t.late == t.claimed)
		status = BATCH_LATE;

	held = status == BATCH_DB_LOST ? NULL :
		query("SELECT count(*) FROM tthc.portal_outbox WHERE state = 'held'", 0, NULL);
	log_msg(NULL, "claimed %d: %d records and %d events sent, %d failed, %d dropped, %d late; %s held; %.3f s",
			t.claimed, t.records, t.events, t.failed, t.dropped, t.late,
			held ? PQgetvalue(held, 0, 0) : "?", (now_ms() - start) / 1000.0);
	PQclear(held);
	if (t.late > 0)
		log_msg("warning", "%d leases ran out before their turn: a shorter --batch or a longer --lease", t.late);
	return status;
}

/*
 * poll_portal: receives the new online dossiers the portal offers (each in
 * a transaction of its own; a record tthc refuses is logged and skipped),
 * then confirms those received, so the portal stops offering them.  A
 * record received twice changes nothing (tthc.portal_receive), so a lost
 * confirmation only means a redelivery.  false when the database
 * connection failed.
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
		if (st == CALL_MADE)
			log_msg("warning", "could not fetch the portal's new dossiers: %s", reply.message);
		wire_reply_reset(&reply);
		return st != CALL_DB_LOST;
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
		const char *mahoso = PQgetisnull(res, i, 1) ? "(none)" : PQgetvalue(res, i, 1);
		PGresult   *r = PQexecParams(conn, "SELECT tthc.portal_receive($1::jsonb)",
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
			log_msg("warning", "portal dossier %s refused: %s", mahoso, sql_error(r));
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
		if (st == CALL_MADE && reply.outcome != WIRE_OK)
			log_msg("warning", "could not confirm the dossiers received (they are offered again): %s",
					reply.message);
		free(args);
	}
	free(ordinals);
	wire_reply_reset(&reply);
	return PQstatus(conn) == CONNECTION_OK;
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
		WireReply	reply = {0};
		CallStatus	st = login(&reply);

		if (st == CALL_MADE && reply.outcome != WIRE_OK)
			log_msg("error", "could not log in to the portal: %s", reply.message);
		wire_reply_reset(&reply);
		if (st != CALL_MADE || !wire_has_session(portal))
			return st == CALL_STOPPED;
	}
	if (config.poll && !poll_portal())
		return false;
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
	PGresult   *res = query("SELECT state, count(*) FROM tthc.portal_outbox "
							"GROUP BY state ORDER BY state", 0, NULL);
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
		if (config.once || stop_requested || !sleep_ms(config.interval * 1000))
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
	PQfinish(conn);
	return status;
}
