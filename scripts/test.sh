#!/usr/bin/env bash
# scripts/test.sh: every test tier on a throwaway cluster, then one line
# "N passed, N failed" summing them.  Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster.sh

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
passed=0; failed=0
log=$(mktemp -d)

tally() {   # tally NAME PASSED FAILED
  echo "== $1: $2 passed, $3 failed"
  passed=$((passed + $2)); failed=$((failed + $3))
}

cluster_start || { echo "could not start a test cluster"; echo "0 passed, 1 failed"; exit 1; }
echo "test cluster: $PGHOST (PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}'))"

# 1. pg_regress: test/sql -> expected/
if ls test/sql/*.sql >/dev/null 2>&1; then
  make -s installcheck PG_CONFIG="$PG_CONFIG" ISOLATION= 2>&1 | grep -v "^ALTER DATABASE" | tee "$log/regress"
  tally pg_regress "$(grep -cE '^(test| ) *[a-z_0-9]+ +\.\.\. ok' "$log/regress")" \
                   "$(grep -cE '\.\.\. FAILED' "$log/regress")"
  [ -f regression.diffs ] && head -200 regression.diffs
fi

# 2. isolation: test/specs -> test/expected/
if ls test/specs/*.spec >/dev/null 2>&1; then
  make -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS= 2>&1 | grep -v "^ALTER DATABASE" | tee "$log/isolation"
  tally isolation "$(grep -cE '\.\.\. ok' "$log/isolation")" \
                  "$(grep -cE '\.\.\. FAILED' "$log/isolation")"
  [ -f output_iso/regression.diffs ] && head -200 output_iso/regression.diffs
fi

# 3. pgTAP: test/pgtap/*.sql with pg_prove, one database
if ls test/pgtap/*.sql >/dev/null 2>&1; then
  psql -qX -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS tthc_tap" -c "CREATE DATABASE tthc_tap" \
    && psql -qX -v ON_ERROR_STOP=1 -d tthc_tap -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION tthc"
  pg_prove -d tthc_tap --verbose test/pgtap/*.sql >"$log/pgtap" 2>&1; rc=$?
  grep -E '^(not ok|#)' "$log/pgtap" | head -100
  tail -n 3 "$log/pgtap"
  p=$(grep -cE '^ok ' "$log/pgtap"); f=$(grep -cE '^not ok ' "$log/pgtap")
  [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1     # a file that died or broke its plan
  tally pgTAP "$p" "$f"
fi

# 4. Perl TAP: test/t/*.pl with prove, as the cluster owner
if ls test/t/*.pl >/dev/null 2>&1; then
  pgxs=$(dirname "$("$PG_CONFIG" --pgxs)")/..
  # copied to a directory the cluster owner can read, whatever the checkout's permissions
  # (004_portal_sync.pl finds the portal's double beside t/)
  tapdir=$log/tap; mkdir -p "$tapdir/t"; cp test/t/*.pl "$tapdir/t/"; cp test/portal_double.pl "$tapdir/"
  chmod -R a+rwX "$log"
  (cd "$tapdir" && as_owner env PATH="$PGBIN:$PATH" PG_REGRESS="$pgxs/test/regress/pg_regress" \
      TESTDIR="$tapdir" PG_CONFIG="$PG_CONFIG" \
      prove -I "$pgxs/test/perl" --verbose t/*.pl) >"$log/tap.out" 2>&1; rc=$?
  grep -E '^(not ok|#)|^t/' "$log/tap.out" | head -100
  tail -n 3 "$log/tap.out"
  p=$(grep -cE '^ok ' "$log/tap.out"); f=$(grep -cE '^not ok ' "$log/tap.out")
  [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
  tally TAP "$p" "$f"
fi

# 5. browser: demo/report.html rendered by headless Chromium (test/browser/report.sh)
if [ -x test/browser/report.sh ]; then
  test/browser/report.sh >"$log/browser" 2>&1; rc=$?
  grep -E '^(ok|not ok|#)' "$log/browser" | head -100
  tail -n 1 "$log/browser"
  p=$(grep -cE '^ok ' "$log/browser"); f=$(grep -cE '^not ok ' "$log/browser")
  [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
  tally browser "$p" "$f"
fi

cluster_stop
rm -rf "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
