# tthc: PGXS build, plus the project's own demo / test / bench targets.
EXTENSION    = tthc
EXTVERSION   = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" tthc.control)

MODULE_big   = tthc
OBJS         = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
DATA         = $(wildcard sql/tthc--*.sql)
# libpq: tthc.attach_province() talks to the province (src/national.c)
PG_CPPFLAGS  = -I$(srcdir)/src -I$(shell $(PG_CONFIG) --includedir)
# -Werror only where the project's own scripts build (WERROR=-Werror from
# scripts/bootstrap.sh, so tests and CI): a user's newer compiler warning
# about something new must not break `make install`
PG_CFLAGS    = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare $(WERROR)
SHLIB_LINK   = -lm -L$(shell $(PG_CONFIG) --libdir) -lpq

# pg_regress: inputs test/sql/*.sql, outputs ./expected/*.out (pg_regress
# looks in the output directory, ., before the input directory).
REGRESS      = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=tthc
# isolation: specs in test/specs/*.spec.  PGXS runs them with
# --outputdir=output_iso, so their expected files live in test/expected/.
ISOLATION      = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --load-extension=tthc

EXTRA_CLEAN  = output_iso tmp_check test/results

PG_CONFIG ?= pg_config
# the PostgreSQL versions this code is built and tested on
SUPPORTED_MAJORS = 15
PG_MAJOR_FOUND := $(shell $(PG_CONFIG) --version | sed -n 's/^PostgreSQL \([0-9][0-9]*\).*/\1/p')
# (demo, test and bench install what is missing first and pass their own PG_CONFIG)
ifeq ($(filter-out demo test bench bootstrap clean distclean,$(MAKECMDGOALS))$(if $(MAKECMDGOALS),,all),)
else ifeq ($(filter $(PG_MAJOR_FOUND),$(SUPPORTED_MAJORS)),)
$(error tthc supports PostgreSQL $(SUPPORTED_MAJORS); $(PG_CONFIG) is PostgreSQL $(or $(PG_MAJOR_FOUND),unknown, or missing). Set PG_CONFIG to a supported server's pg_config)
endif
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: rebuild every object when a header changes
$(OBJS): $(wildcard src/*.h)

.PHONY: demo test bench bootstrap
bootstrap:
	@scripts/bootstrap.sh

demo:
	@scripts/bootstrap.sh demo && scripts/demo.sh

test:
	@scripts/bootstrap.sh test && scripts/test.sh

bench:
	@scripts/bootstrap.sh bench && scripts/bench.sh

# tthc-sync (src/sync/): the national portal sync daemon, a client program
# built, installed (into the server's bindir) and cleaned with the extension.
# OBJS above is src/*.c only (not recursive): the client's objects never
# enter the extension's library.
SYNC_OBJS    = src/sync/tthc-sync.o src/sync/common.o src/sync/config.o src/sync/wire.o
EXTRA_CLEAN += src/sync/tthc-sync $(SYNC_OBJS)

all: src/sync/tthc-sync

$(SYNC_OBJS): src/sync/%.o: src/sync/%.c $(wildcard src/sync/*.h)
	$(CC) $(CFLAGS) -I$(shell $(PG_CONFIG) --includedir) -DTTHC_VERSION='"$(EXTVERSION)"' -c -o $@ $<

src/sync/tthc-sync: $(SYNC_OBJS)
	$(CC) $(CFLAGS) $(SYNC_OBJS) $(LDFLAGS) $(LDFLAGS_EX) -L$(shell $(PG_CONFIG) --libdir) -lpq -lcurl -o $@

.PHONY: install-sync uninstall-sync
install: install-sync
install-sync: src/sync/tthc-sync
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) src/sync/tthc-sync '$(DESTDIR)$(bindir)'

uninstall: uninstall-sync
uninstall-sync:
	rm -f '$(DESTDIR)$(bindir)/tthc-sync'
