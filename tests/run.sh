#!/bin/sh
# tests/run.sh BUILD -- runs every test binary and e2e script, then prints
# one closing line "N passed, N failed". Logs land in BUILD/test-logs/.
#
# Check suites report "NN%: Checks: X, Failures: F, Errors: E"; a binary
# that dies without that line counts as one failure. Integration suites
# (it_*) run CK_FORK=no: nng is not fork-safe and they start the server by
# fork+exec themselves. e2e scripts print "ok - name" / "not ok - name";
# lib.sh, *_lib.sh and lib_*.sh there are helpers the scripts source.
set -u
BUILD=${1:-build}
LOGS=$BUILD/test-logs
BIN=${BIN:-bin}
# Tests find the binaries under test through these (absolute paths).
TICKETD=$(cd "$BIN" 2>/dev/null && pwd)/ticketd
KIOSK=$(dirname "$TICKETD")/kiosk
TICKETCTL=$(dirname "$TICKETD")/ticketctl
TOP=$(pwd)
export TICKETD KIOSK TICKETCTL TOP
mkdir -p "$LOGS"
passed=0
failed=0

count_check() { # log
    line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        echo "  (no Check summary: crashed?)"
        return
    fi
    n=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
    f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
    e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
    passed=$((passed + n - f - e))
    failed=$((failed + f + e))
}

for t in "$BUILD"/tests/unit_* "$BUILD"/tests/it_*; do
    [ -x "$t" ] || continue
    case "$t" in *.d|*.o) continue ;; esac
    name=$(basename "$t")
    log=$LOGS/$name.log
    case "$name" in it_*) fork=no ;; *) fork=${CK_FORK:-yes} ;; esac
    echo "== $name"
    # A hung suite must fail, not stall CI: each binary gets a hard limit.
    CK_FORK=$fork CK_VERBOSITY=normal timeout -k 10 "${TEST_TIMEOUT:-300}" "$t" >"$log" 2>&1 ||
        [ $? -ne 124 ] || echo "  (timed out after ${TEST_TIMEOUT:-300} s)"
    grep -E '^[^:]+:[0-9]+:[EF]:' "$log" | head -n 20
    grep -E '^[0-9]+%: Checks' "$log" | tail -n 1
    count_check "$log"
done

for s in tests/e2e/*.sh; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .sh)
    case "$name" in lib | *_lib | lib_*) continue ;; esac # sourced helpers, not tests
    log=$LOGS/e2e_$name.log
    echo "== e2e $name"
    BUILD=$BUILD timeout -k 10 "${TEST_TIMEOUT:-300}" sh "$s" >"$log" 2>&1
    rc=$?
    ok=$(grep -c '^ok ' "$log")
    nok=$(grep -c '^not ok ' "$log")
    grep -E '^(ok|not ok) ' "$log"
    if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
        nok=1
        echo "not ok - $name exited $rc (see $log)"
    fi
    passed=$((passed + ok))
    failed=$((failed + nok))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
