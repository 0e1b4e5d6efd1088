#!/usr/bin/env bash
# scripts/bootstrap.sh [test|demo|bench]: install what is missing, build,
# install the extension.  Idempotent; uses sudo when not root.  Called by
# `make demo`, `make test` and `make bench`.  The mode test (the default)
# also installs headless Chromium and a font for the browser tier of
# scripts/test.sh (test/browser/report.sh); demo and bench do not need them.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-test}
case "$MODE" in
  test|demo|bench) ;;
  *) echo "usage: $0 [test|demo|bench]" >&2; exit 2 ;;
esac
PG_MAJOR=${PG_MAJOR:-15}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
dpkg -s "postgresql-$PG_MAJOR" >/dev/null 2>&1            || need+=("postgresql-$PG_MAJOR")
dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1 || need+=("postgresql-server-dev-$PG_MAJOR")
dpkg -s "postgresql-$PG_MAJOR-pgtap" >/dev/null 2>&1      || need+=("postgresql-$PG_MAJOR-pgtap")
# pg_prove: only recommended by the pgTAP package, so not brought in by
# --no-install-recommends below
command -v pg_prove >/dev/null 2>&1                        || need+=(libtap-parser-sourcehandler-pgtap-perl)
dpkg -s libipc-run-perl >/dev/null 2>&1                    || need+=(libipc-run-perl)
# libpq: tthc.attach_province() connects to a province with it
dpkg -s libpq-dev >/dev/null 2>&1                          || need+=(libpq-dev)
# libcurl: tthc-sync (src/sync/) talks HTTP to the national portal with it
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1               || need+=(libcurl4-openssl-dev)
command -v make >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 || need+=(build-essential)
if [ "$MODE" = test ]; then
  dpkg -s chromium >/dev/null 2>&1                         || need+=(chromium)
  dpkg -s fonts-dejavu-core >/dev/null 2>&1                || need+=(fonts-dejavu-core)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # the postgresql-common hook would create a default cluster on port 5432: skip it
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/tthc.conf >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
make -s PG_CONFIG="$PG_CONFIG" WERROR=-Werror >/dev/null
$SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
echo "bootstrap: tthc $(sed -n "s/^default_version *= *'\(.*\)'/\1/p" tthc.control) built and installed into $("$PG_CONFIG" --pkglibdir)"
