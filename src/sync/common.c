/*
 * common.c
 *		Memory, the log line and secrets, for every file of tthc-sync.
 *
 * The client is a small program: memory that cannot be had ends it (status
 * 1), so no caller checks for it.  Everything it prints goes through
 * log_msg, which keeps one message on one line, so that no text from the
 * portal or the database (a reply's message, a record's field quoted in an
 * error) can pass for a line of the client's own; and whatever quotes a
 * conninfo or a URL first goes through mask_secrets, because libpq's errors
 * quote the conninfo they could not parse, password and all.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common.h"

const char *progname = "tthc-sync";

/* what a password is written as */
#define MASK	"********"

void *
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

char *
xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

/* xsprintf: a formatted string of its own */
char *
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

/*
 * log_msg: one line on stderr, with the time; level NULL for a plain report.
 * Control characters in the message are written as spaces, so the line
 * stays one line; the line is written in one piece, so that two clients
 * sharing a log do not interleave within lines.
 */
void
log_msg(const char *level, const char *fmt,...)
{
	va_list		ap;
	time_t		now = time(NULL);
	char		stamp[32];
	char	   *msg;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, n + 1, fmt, ap);
	va_end(ap);
	for (unsigned char *p = (unsigned char *) msg; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			*p = ' ';

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(stderr, "%s %s: %s%s%s\n", stamp, progname, level ? level : "",
			level ? ": " : "", msg);
	free(msg);
}

/* one_line: a libpq message of several lines on one (in place) */
char *
one_line(char *s)
{
	char	   *o = s;

	for (const char *p = s; *p; p++)
	{
		if (*p != '\n' && *p != '\t' && *p != '\r')
			*o++ = *p;
		else if (o > s && o[-1] != ' ' && p[1] != '\0')
			*o++ = ' ';
	}
	*o = '\0';
	return s;
}

/* the characters that end an unquoted word of a conninfo or a URL */
static bool
ends_word(char c)
{
	return c == '\0' || isspace((unsigned char) c) || c == '"' || c == '\'';
}

/*
 * mask_secrets: s, a conninfo, a URL or a message quoting one, with its
 * passwords written as MASK: the password of a URI's userinfo
 * (scheme://user:password@host) and the value of a password keyword, as in
 * a key/value conninfo (password=secret, password = 'a \' b') or a URI's
 * query (?password=secret).  Masking too much is harmless: an unquoted
 * value is masked up to the next white space or quote.  A copy, to free.
 */
char *
mask_secrets(const char *s)
{
	/* each mask replaces at least ":@" or "password=": the copy is at most 5 times longer */
	char	   *out = xmalloc(strlen(s) * 5 + 1);
	size_t		o = 0;
	size_t		i = 0;

	while (s[i] != '\0')
	{
		if (strncmp(s + i, "://", 3) == 0)
		{
			size_t		end = i + 3;
			size_t		at = 0;
			size_t		colon = 0;

			/* the authority: up to the path, query or fragment */
			while (!ends_word(s[end]) && s[end] != '/' && s[end] != '?' && s[end] != '#')
			{
				if (s[end] == '@')
					at = end;
				end++;
			}
			for (size_t k = i + 3; k < at; k++)
				if (s[k] == ':')
				{
					colon = k;
					break;
				}
			if (colon != 0)
			{
				memcpy(out + o, s + i, colon + 1 - i);
				o += colon + 1 - i;
				memcpy(out + o, MASK, strlen(MASK));
				o += strlen(MASK);
				i = at;
				continue;
			}
			memcpy(out + o, s + i, 3);
			o += 3;
			i += 3;
			continue;
		}
		if (strncasecmp(s + i, "password", 8) == 0 &&
			(i == 0 || ends_word(s[i - 1]) || s[i - 1] == '?' || s[i - 1] == '&'))
		{
			size_t		v = i + 8;

			while (s[v] == ' ' || s[v] == '\t')
				v++;
			if (s[v] == '=')
			{
				v++;
				while (s[v] == ' ' || s[v] == '\t')
					v++;
				memcpy(out + o, s + i, v - i);
				o += v - i;
				i = v;
				if (s[i] == '\'')
				{
					/* a quoted value: to the closing quote; \ escapes */
					for (i++; s[i] != '\0' && s[i] != '\''; i++)
						if (s[i] == '\\' && s[i + 1] != '\0')
							i++;
					if (s[i] == '\'')
						i++;
				}
				else
					while (!isspace((unsigned char) s[i]) && s[i] != '\0')
						i++;
				memcpy(out + o, MASK, strlen(MASK));
				o += strlen(MASK);
				continue;
			}
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	return out;
}
