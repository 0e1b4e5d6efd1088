/*
 * config.h
 *		tthc-sync's settings, from its flags, the environment and a config
 *		file.
 *
 * Each setting has a flag (--name), an environment variable (TTHC_NAME) and
 * a config file line (name = value); that is also the order of precedence.
 * Whatever is wrong with them ends the program with status 2 before it
 * connects anywhere.
 */
#ifndef TTHC_SYNC_CONFIG_H
#define TTHC_SYNC_CONFIG_H

#include <stdbool.h>

/*
 * The time a call must leave in its dossier's lease once it has ended: the
 * acknowledgement that follows the call takes it, and it covers a database
 * and a client whose clocks tick a little apart.
 */
#define LEASE_MARGIN_S	2

typedef struct Config
{
	const char *conninfo;
	const char *portal;
	const char *user;
	const char *secret;
	const char *unit;
	bool		once;
	bool		poll;
	int			interval;		/* seconds */
	int			batch;
	int			lease;			/* seconds */
	int			timeout;		/* seconds, of one HTTP call */
	int			retries;
} Config;

extern Config config;

extern void configure(int argc, char **argv);

#endif							/* TTHC_SYNC_CONFIG_H */
