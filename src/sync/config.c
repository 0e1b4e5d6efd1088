/*
 * config.c
 *		tthc-sync's settings: its flags, the TTHC_* environment and the
 *		config file.
 *
 * A setting is text, a boolean, a number of seconds or a count.  A flag
 * wins over the environment, the environment over the file; a boolean flag
 * given bare (--once) is true, and takes a value too (--once=false), so
 * that a flag can overrule TTHC_ONCE.  Booleans are spelled as PostgreSQL
 * spells them (true/false, on/off, yes/no, 1/0).
 *
 * The settings are checked before the client connects anywhere: a conninfo
 * libpq cannot parse, a portal URL that is not http:// or https://, a lease
 * too short for a call: each ends the program with status 2 and a message
 * on stderr, in which a password never appears (mask_secrets).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libpq-fe.h"

#include "common.h"
#include "config.h"

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

Config		config;

static void config_error(const char *fmt,...)
			__attribute__((format(printf, 1, 2), noreturn));

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

/* usage: --help */
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
	printf("  --once[=BOOL]        send what is pending, then exit (1 if anything is left)\n");
	printf("  --interval=SECONDS   between cycles, when not --once (default 10)\n");
	printf("  --poll[=BOOL]        each cycle, also receive the portal's new online dossiers\n");
	printf("  --batch=N            dossiers claimed at a time (default 50)\n");
	printf("  --lease=SECONDS      how long a claimed dossier is this client's (default 120)\n");
	printf("  --timeout=SECONDS    for one HTTP call (default 30)\n");
	printf("  --retries=N          tries again of a call without an answer (default 4)\n");
	printf("  --config=FILE        read settings from FILE (lines \"name = value\", # comments)\n");
	printf("  -V, --version        output version information, then exit\n");
	printf("  -?, --help           show this help, then exit\n\n");
	printf("Each setting is also read from the environment variable TTHC_NAME (TTHC_PORTAL,\n"
		   "TTHC_ONCE, ...; the file from TTHC_CONFIG) and from the config file, as \"name =\n"
		   "value\"; a flag wins over the environment, the environment over the file.\n"
		   "A BOOL is true, false, on, off, yes, no, 1 or 0.\n\n");
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
 * looks_like_conninfo: libpq's own test (recognized_connection_string)
 * for a dbname that is a whole connection string, key/value or URI; any
 * other text is the name of a database
 */
static bool
looks_like_conninfo(const char *s)
{
	return strchr(s, '=') != NULL ||
		strncmp(s, "postgresql://", 13) == 0 ||
		strncmp(s, "postgres://", 11) == 0;
}

/*
 * integer_list: s is a whole number, or a comma-separated list of them and
 * empty entries (a port per host)
 */
static bool
integer_list(const char *s, bool list)
{
	const char *p = s;

	for (;;)
	{
		const char *start = p;

		while (*p == ' ')
			p++;
		if (*p == '-' || *p == '+')
			p++;
		while (*p >= '0' && *p <= '9')
			p++;
		while (*p == ' ')
			p++;
		if (p == start && !list)
			return false;
		if (*p == '\0')
			return true;
		if (*p != ',' || !list)
			return false;
		p++;
	}
}

/*
 * check_conninfo: a connection string libpq can parse, its numbers numbers;
 * else status 2.  (libpq itself checks the numbers only when it connects,
 * and the client would take a bad one for a database that is down.)
 */
static void
check_conninfo(const char *conninfo)
{
	static const char *const numeric[] = {"port", "connect_timeout", "keepalives",
		"keepalives_idle", "keepalives_interval", "keepalives_count",
	"tcp_user_timeout"};
	PQconninfoOption *opts;
	char	   *errmsg = NULL;

	if (!looks_like_conninfo(conninfo))
		return;
	opts = PQconninfoParse(conninfo, &errmsg);
	if (opts == NULL)
		config_error("invalid conninfo: %s",
					 errmsg ? mask_secrets(one_line(trim(errmsg))) : "out of memory");
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		for (int i = 0; i < (int) (sizeof(numeric) / sizeof(numeric[0])); i++)
			if (o->val != NULL && o->val[0] != '\0' && strcmp(o->keyword, numeric[i]) == 0 &&
				!integer_list(o->val, i == 0))
				config_error("invalid conninfo: %s is a whole number%s, not \"%s\"",
							 o->keyword, i == 0 ? " (or a list of them, one per host)" : "",
							 o->val);
	PQconninfoFree(opts);
}

/*
 * check_portal: an http:// or https:// URL with a host; else status 2
 * (libcurl is also told to speak no other protocol)
 */
static void
check_portal(const char *portal)
{
	const char *rest = NULL;

	if (strncasecmp(portal, "http://", 7) == 0)
		rest = portal + 7;
	else if (strncasecmp(portal, "https://", 8) == 0)
		rest = portal + 8;
	if (rest == NULL || rest[0] == '\0' || rest[0] == '/' ||
		strpbrk(portal, " \t\r\n") != NULL)
		config_error("portal is an http:// or https:// URL, not \"%s\"",
					 mask_secrets(portal));
}

/*
 * option_name: an argument of the command line as an error message quotes
 * it: without its value, which may be a secret given to a misspelt flag
 */
static char *
option_name(const char *arg)
{
	char	   *s = xstrdup(arg);
	char	   *eq = strchr(s, '=');

	if (eq != NULL && s[0] == '-' && s[1] == '-')
		*eq = '\0';
	return s;
}

/*
 * configure: the configuration from the command line, the environment and
 * the config file; anything wrong ends the program with status 2
 */
void
configure(int argc, char **argv)
{
	static struct option long_options[NUM_SETTINGS + 4];
	Given		from_flag[NUM_SETTINGS] = {{0}};
	Given		from_env[NUM_SETTINGS] = {{0}};
	Given		from_file[NUM_SETTINGS] = {{0}};
	const char *config_file = getenv("TTHC_CONFIG");
	const char *text[NUM_SETTINGS];
	int			c;

	for (int i = 0; i < NUM_SETTINGS; i++)
	{
		long_options[i].name = setting_def[i].name;
		/* a boolean: --once alone, or --once=false */
		long_options[i].has_arg = setting_def[i].kind == KIND_BOOL ?
			optional_argument : required_argument;
		long_options[i].val = 1000 + i;
	}
	long_options[NUM_SETTINGS] = (struct option) {"config", required_argument, NULL, 2000};
	long_options[NUM_SETTINGS + 1] = (struct option) {"help", no_argument, NULL, 'h'};
	long_options[NUM_SETTINGS + 2] = (struct option) {"version", no_argument, NULL, 'V'};

	opterr = 0;					/* the errors are reported below */
	while ((c = getopt_long(argc, argv, "V?", long_options, NULL)) != -1)
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
		else if (c == 'h' || (c == '?' && strcmp(argv[optind - 1], "-?") == 0))
		{
			usage();
			exit(0);
		}
		else if (optopt >= 1000)
			config_error("option \"%s\" needs a value", option_name(argv[optind - 1]));
		else if (optopt != 0 && argv[optind - 1][1] != '-')
			config_error("invalid option -- '%c'", optopt);
		else
			config_error("unknown or ambiguous option \"%s\"",
						 option_name(argv[optind - 1]));
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

	check_portal(config.portal);
	check_conninfo(config.conninfo);
	if (config.lease <= config.timeout + LEASE_MARGIN_S)
		config_error("the lease (%d s) must be longer than the timeout of a call (%d s) and %d s more: a call and its acknowledgement must end while the dossier is this client's",
					 config.lease, config.timeout, LEASE_MARGIN_S);
}
