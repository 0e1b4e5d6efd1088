/*
 * common.h
 *		What every file of tthc-sync uses: memory that cannot run out (the
 *		client exits when it does), its log line, and secrets kept out of
 *		what it prints.
 *
 * A log line is "YYYY-MM-DD HH:MM:SS tthc-sync: level: message" on stderr,
 * one line whatever the message holds: every control character (a newline
 * that would forge a line of its own among them) is written as a space.
 */
#ifndef TTHC_SYNC_COMMON_H
#define TTHC_SYNC_COMMON_H

#include <stddef.h>

extern const char *progname;

extern void *xmalloc(size_t n);
extern char *xstrdup(const char *s);
extern char *xsprintf(const char *fmt,...)
			__attribute__((format(printf, 1, 2)));

extern void log_msg(const char *level, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern char *one_line(char *s);

extern char *mask_secrets(const char *s);

#endif							/* TTHC_SYNC_COMMON_H */
