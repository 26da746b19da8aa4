#!/bin/sh
# tests/run.sh BUILD -- runs every test binary and e2e script, then prints
# one closing line "N passed, N failed". Logs land in BUILD/test-logs/.
#
# Check suites report "NN%: Checks: X, Failures: F, Errors: E"; a binary
# that dies without that line counts as one failure. Integration suites
# (it_*) run CK_FORK=no: nng is not fork-safe and they start the server by
# fork+exec themselves. e2e scripts print "ok - name" / "not ok - name";
# lib.sh, *_lib.sh and lib_*.sh there are helpers the scripts source.
#
# The it_* suites run twice: on SQLite, then on PostgreSQL. One PostgreSQL
# cluster serves the whole run (tools/pgtest.sh, in a temp dir, stopped on
# any exit); TH_STORE_URI points the harness at it, and it gives each
# server a database of its own. A cluster that does not start is a
# failure, not a skip: CI installs PostgreSQL (mk/deps.sh).
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

run_suite() { # binary label log
    case "$(basename "$1")" in it_*) fork=no ;; *) fork=${CK_FORK:-yes} ;; esac
    echo "== $2"
    # A hung suite must fail, not stall CI: each binary gets a hard limit.
    CK_FORK=$fork CK_VERBOSITY=normal timeout -k 10 "${TEST_TIMEOUT:-300}" "$1" >"$3" 2>&1 ||
        [ $? -ne 124 ] || echo "  (timed out after ${TEST_TIMEOUT:-300} s)"
    grep -E '^[^:]+:[0-9]+:[EF]:' "$3" | head -n 20
    grep -E '^[0-9]+%: Checks' "$3" | tail -n 1
    count_check "$3"
}

suites() { # glob: the test binaries it names
    for t in "$BUILD"/tests/$1; do
        [ -x "$t" ] || continue
        case "$t" in *.d|*.o) continue ;; esac
        echo "$t"
    done
}

unset TH_STORE_URI
for t in $(suites 'unit_*') $(suites 'it_*'); do
    run_suite "$t" "$(basename "$t")" "$LOGS/$(basename "$t").log"
done

PGDIR=$(mktemp -d /tmp/ticket-pgtest.XXXXXX)
trap 'sh "$TOP/tools/pgtest.sh" stop "$PGDIR"' EXIT
trap 'exit 130' INT TERM
echo "== PostgreSQL for the it_* suites (tools/pgtest.sh, $PGDIR)"
if TH_STORE_URI=$(sh tools/pgtest.sh start "$PGDIR" 2>"$LOGS/pgtest.log"); then
    export TH_STORE_URI
    for t in $(suites 'it_*'); do
        run_suite "$t" "$(basename "$t") (postgresql)" "$LOGS/$(basename "$t").pg.log"
    done
    unset TH_STORE_URI
else
    cat "$LOGS/pgtest.log"
    echo "  (PostgreSQL did not start: the it_* suites did not run on it; see above)"
    failed=$((failed + 1))
fi

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
