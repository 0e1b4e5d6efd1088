# shellcheck shell=bash
# scripts/country.sh: a throwaway country inside the checkout: three clusters,
# the national hub and the provinces H22 and H01 (tthc's national mode).
# Source it, then call country_start [extra postgresql.conf lines...];
# country_stop stops all three on exit.  Each node is a scripts/cluster.sh
# cluster (as root run by the `postgres` system user) in ./tmp/country/NODE,
# or, when that user cannot reach the checkout, in a directory of its own
# under /tmp (removed again on stop).  Every node listens only on its own
# unix socket directory (listen_addresses = '', port 5432 in each: the
# socket directories differ), with wal_level = logical, tthc preloaded, its
# worker in the database postgres, and room for the slots, senders and
# apply workers of a hub with a few provinces.
#
# After country_start:
#   COUNTRY_HOST[NODE]     the socket directory of NODE (hub, h22, h01): its PGHOST
#   node_psql NODE ARGS…   psql -X -q -v ON_ERROR_STOP=1 on NODE's database postgres
#   node_conninfo NODE     the conninfo of NODE's database postgres, for
#                          tthc.attach_province() on the hub
#   country_wait_caught_up SECONDS NODE…   wait until the hub has copied and
#                          confirmed everything these province nodes wrote
#   PGHOST (exported)      the hub's, so a plain psql reaches the hub
# A cluster of scripts/cluster.sh's own started in the same shell (bench.sh's)
# keeps its stop on exit; PGHOST then names the hub, though.
# Run as a script, `scripts/country.sh stop` stops the clusters a demo left
# running under ./tmp/country (KEEP=1).

# shellcheck source=scripts/cluster.sh
declare -F cluster_start >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"

COUNTRY_NODES=(hub h22 h01)
declare -gA COUNTRY_HOST=()
COUNTRY_STARTED=()

country_start() {
  local top node outer=${CLUSTER_STARTED:-}
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  COUNTRY_DIR=${COUNTRY_DIR:-$top/tmp/country}
  COUNTRY_STARTED=()
  trap 'country_stop; cluster_stop' EXIT
  # a country a previous run kept (KEEP=1) would lose its directories under
  # its running servers: stop it first
  country_stop_dir "$COUNTRY_DIR"
  for node in "${COUNTRY_NODES[@]}"; do
    # shellcheck disable=SC2034  # read by cluster_start
    CLUSTER_DIR=$COUNTRY_DIR/$node
    cluster_start "wal_level = logical" \
      "shared_preload_libraries = 'tthc'" "tthc.database = 'postgres'" \
      "max_replication_slots = 10" "max_wal_senders = 10" \
      "max_logical_replication_workers = 8" "max_worker_processes = 16" \
      "wal_retrieve_retry_interval = '1s'" \
      "log_line_prefix = '%m [%p] $node: '" \
      "$@" || { echo "country: could not start node $node" >&2; country_stop; return 1; }
    # cluster_start keeps one cluster in CLUSTER_STARTED and traps its own
    # stop: take the node over (it may have moved to a directory under /tmp)
    COUNTRY_HOST[$node]=$CLUSTER_STARTED
    COUNTRY_STARTED+=("$CLUSTER_STARTED")
    CLUSTER_STARTED=$outer
    trap 'country_stop; cluster_stop' EXIT
  done
  export PGHOST=${COUNTRY_HOST[hub]} PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

# stop every node started here (each once), removing those under /tmp
country_stop() {
  local dir
  for dir in "${COUNTRY_STARTED[@]}"; do
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    [ -n "${CLUSTER_TEMP:-}" ] && rm -rf "$dir"
  done
  COUNTRY_STARTED=()
}

# stop the servers still running in a country directory (a kept demo's)
country_stop_dir() {
  local node
  for node in "${COUNTRY_NODES[@]}"; do
    if [ -f "$1/$node/data/postmaster.pid" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$1/$node/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
  done
}

node_psql() {
  local node=$1; shift
  PGHOST=${COUNTRY_HOST[$node]} psql -X -q -v ON_ERROR_STOP=1 -p 5432 -U postgres -d postgres "$@"
}

node_conninfo() {
  echo "host=${COUNTRY_HOST[$1]} port=5432 user=postgres dbname=postgres"
}

# country_caught_up NODE...: whether the hub has copied every table and
# confirmed every change the provinces at these nodes had written when asked
# (each logical slot on them flushed up to their WAL position then)
country_caught_up() {
  local node lsn
  [ "$(node_psql hub -At -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" = 0 ] || return 1
  for node in "$@"; do
    lsn=$(node_psql "$node" -At -c "SELECT pg_current_wal_lsn()")
    [ "$(node_psql "$node" -At -c "SELECT coalesce(bool_and(confirmed_flush_lsn >= '$lsn'), false)
                                   FROM pg_replication_slots WHERE slot_type = 'logical'")" = t ] || return 1
  done
}

# country_wait_caught_up SECONDS NODE...: wait for country_caught_up; fails after SECONDS
country_wait_caught_up() {
  local limit=$1 t0=$SECONDS; shift
  until country_caught_up "$@"; do
    ((SECONDS - t0 < limit)) || return 1
    sleep 0.2
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    stop)
      country_stop_dir "${COUNTRY_DIR:-$(cd "$(dirname "$0")/.." && pwd)/tmp/country}"
      echo "country: stopped" ;;
    *) echo "usage: . scripts/country.sh; country_start [conf lines...]   or: scripts/country.sh stop" >&2; exit 2 ;;
  esac
fi
