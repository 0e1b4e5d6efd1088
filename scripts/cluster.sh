# scripts/cluster.sh: a throwaway PostgreSQL cluster inside the checkout.
# Source it, then call cluster_start [extra postgresql.conf lines...];
# cluster_stop runs on exit.  Exports PGHOST, PGPORT, PGUSER, PGDATABASE.
#
# As root the cluster runs as the `postgres` system user (PostgreSQL refuses
# root), with data and socket in a directory that user owns: ./tmp/cluster,
# or a directory under /tmp when the checkout is not reachable by postgres.

PG_MAJOR=${PG_MAJOR:-15}
PGBIN=${PGBIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
CLUSTER_STARTED=""

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_start() {
  local top; top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  CLUSTER_DIR=${CLUSTER_DIR:-$top/tmp/cluster}
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$top/tmp"
    if ! runuser -u postgres -- test -x "$top/tmp"; then
      CLUSTER_DIR=$(mktemp -d /tmp/tthc-cluster.XXXXXX)
      CLUSTER_TEMP=1
    fi
  fi
  rm -rf "$CLUSTER_DIR"; mkdir -p "$CLUSTER_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$CLUSTER_DIR"
  as_owner "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 \
    || { cat "$CLUSTER_DIR/initdb.log"; return 1; }
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$CLUSTER_DIR'"
    echo "port = 5432"
    echo "fsync = off"
    echo "max_connections = 60"
    echo "shared_buffers = 256MB"
    echo "max_prepared_transactions = 10"
    for line in "$@"; do echo "$line"; done
  } | as_owner tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
  as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start >/dev/null \
    || { cat "$CLUSTER_DIR/server.log"; return 1; }
  CLUSTER_STARTED=$CLUSTER_DIR   # a global: CLUSTER_DIR may be a per-call prefix
  trap cluster_stop EXIT
  export PGHOST="$CLUSTER_DIR" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

cluster_stop() {
  if [ -n "$CLUSTER_STARTED" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_STARTED/data" -m fast -w stop >/dev/null 2>&1 || true
    [ -n "${CLUSTER_TEMP:-}" ] && rm -rf "$CLUSTER_STARTED"
    CLUSTER_STARTED=""
  fi
}
