# tests/e2e/lib.sh -- shared helpers for the tmux end-to-end scripts.
# Sourced, never run on its own (tests/run.sh runs it too: it prints
# nothing and exits 0 when not sourced).
#
# Each script: e2e_init NAME; start_server [ticketd flags]; kiosk_start K;
# wait_for K "text"; keys K Enter; ... ; e2e_done.
# Sync is always by polling the screen or the log with a bound, never by a
# bare sleep. Every script gets its own temp dir and tmux socket, removed
# on exit.

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
TICKETD=${TICKETD:-$TOP/bin/ticketd}
KIOSK=${KIOSK:-$TOP/bin/kiosk}
E2E_FAILS=0
E2E_WORK=
E2E_SOCK=
SERVER_PID=

e2e_init() { # name
    E2E_NAME=$1
    E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e-$1.XXXXXX")
    E2E_SOCK=e2e-$1-$$
    mkdir -p "$E2E_WORK/var"
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM
    command -v tmux >/dev/null || { echo "not ok - $1: tmux missing"; exit 1; }
    [ -x "$TICKETD" ] || { echo "not ok - $1: no $TICKETD"; exit 1; }
    [ -x "$KIOSK" ] || { echo "not ok - $1: no $KIOSK"; exit 1; }
}

e2e_cleanup() {
    tmux -L "$E2E_SOCK" kill-server 2>/dev/null
    stop_server
    if [ "$E2E_FAILS" -gt 0 ] && [ -n "$E2E_WORK" ]; then
        echo "# logs of $E2E_NAME:"
        sed 's/^/#   /' "$E2E_WORK"/*.log "$E2E_WORK"/*.err 2>/dev/null | tail -n 40
    fi
    [ -n "$E2E_WORK" ] && rm -rf "$E2E_WORK"
}

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; E2E_FAILS=$((E2E_FAILS + 1)); }
# check NAME COMMAND...: one TAP-ish line from a command's status.
check() {
    n=$1
    shift
    if "$@"; then ok "$n"; else not_ok "$n"; fi
}
e2e_done() { [ "$E2E_FAILS" -eq 0 ]; exit $?; }

# start_server [flags]: ticketd --demo in the work dir; waits for its
# "event=ready" line (bounded).
start_server() {
    (cd "$E2E_WORK" && exec "$TICKETD" --demo --demo-sql "$TOP/data/demo.sql" "$@" >>"$E2E_WORK/ticketd.log" 2>&1) &
    SERVER_PID=$!
    n=0
    while [ "$(ready_count)" -le "$E2E_READY" ]; do
        n=$((n + 1))
        if [ $n -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "# ticketd did not start"
            return 1
        fi
        sleep 0.1
    done
    E2E_READY=$(ready_count)
}

E2E_READY=0
ready_count() {
    c=$(grep -c 'event=ready' "$E2E_WORK/ticketd.log" 2>/dev/null)
    echo "${c:-0}"
}

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# kiosk_start NAME [kiosk flags]: an 80x24 kiosk in its own tmux session.
kiosk_start() {
    k=$1
    shift
    cmd="cd '$E2E_WORK' && exec env TK_CLIENT_TRACE=${TK_CLIENT_TRACE:-} LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC '$KIOSK' --lang en $* 2>>'$E2E_WORK/kiosk-$k.err'"
    tmux -L "$E2E_SOCK" -f /dev/null new-session -d -s "$k" -x 80 -y 24 "$cmd"
}

screen() { tmux -L "$E2E_SOCK" capture-pane -p -t "$1"; }
# resize NAME COLS ROWS: the terminal changes size under the program.
resize() { tmux -L "$E2E_SOCK" resize-window -t "$1" -x "$2" -y "$3"; }
keys() {
    k=$1
    shift
    tmux -L "$E2E_SOCK" send-keys -t "$k" "$@"
}
type_text() { tmux -L "$E2E_SOCK" send-keys -t "$1" -l "$2"; }

# wait_for NAME TEXT [SECONDS=10]: poll the screen until TEXT shows.
wait_for() { _wait_grep -F "$@"; }
# wait_re NAME ERE [SECONDS=10]: the same with an extended regex.
wait_re() { _wait_grep -E "$@"; }
_wait_grep() {
    _mode=$1
    shift
    _n=0
    _max=$(( ${3:-10} * 10 ))
    while ! screen "$1" | grep "$_mode" -q -- "$2"; do
        _n=$((_n + 1))
        if [ $_n -ge $_max ]; then
            echo "# timed out waiting for '$2' on $1; screen was:"
            screen "$1" | sed 's/^/#   /'
            return 1
        fi
        sleep 0.1
    done
}

# wait_gone NAME TEXT [SECONDS=10]: poll until TEXT is no longer shown.
wait_gone() {
    _n=0
    _max=$(( ${3:-10} * 10 ))
    while screen "$1" | grep -F -q -- "$2"; do
        _n=$((_n + 1))
        [ $_n -ge $_max ] && return 1
        sleep 0.1
    done
}

# mask: blanks what changes from run to run (member ids, booking codes,
# countdowns, clock times) so captures compare byte for byte.
mask() {
    sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<member-id>/g' \
        -e 's/TK-[A-Z0-9-]+/<code>/g' \
        -e 's/[0-9]{2}:[0-9]{2} \[[#.]*\]/<countdown>/g' \
        -e 's/\([0-9]{2}:[0-9]{2}\)/(<mm:ss>)/g' \
        -e 's/for [0-9]{2}:[0-9]{2}/for <mm:ss>/g'
}

# register NAME WHO: a new member on kiosk NAME; prints the member id.
register() {
    keys "$1" Tab
    type_text "$1" "$2"
    keys "$1" Enter
    wait_for "$1" "Keep it" || return 1
    screen "$1" | grep -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | head -n 1
}

# to_seats NAME: from the member id screen to the first date's seat map.
to_seats() {
    keys "$1" Enter
    wait_for "$1" "Choose a date" || return 1
    wait_for "$1" "free  held  sold" || return 1 # the list has loaded
    keys "$1" Enter
    wait_for "$1" "STAGE"
}

# charge NAME KEY: from dates/seats, open the wallet, charge preset KEY.
charge() {
    keys "$1" w
    wait_for "$1" "Wallet" || return 1
    keys "$1" "$2"
    wait_for "$1" "Charged" || return 1
    keys "$1" Escape
}

# live_after NAME_OF_CHANGE [kiosk flags]: after kiosk A (holding seat 5)
# reconnected, a new kiosk B (same flags) holds seat 6, A sees it live, and
# A pays for the hold it made before the change.
live_after() {
    _what=$1
    shift
    kiosk_start B "$@"
    wait_for B "Welcome"
    register B "Jung Hoseok" >/dev/null
    to_seats B
    keys B l l l l l Enter
    check "B holds seat 6 after the $_what" wait_for B "[* 6]"
    check "A sees B's hold live after the $_what" wait_for A "[# 6]" 3
    keys A c
    check "checkout after the $_what" wait_for A "Seat A-5"
    keys A Enter
    check "payment for the hold made before the $_what" wait_for A "Booking code"
}

# holding_seat5 NAME WHO: on kiosk NAME a new member WHO registers, charges
# and holds seat 5 of the first date.
holding_seat5() {
    wait_for "$1" "Welcome"
    check "registers" test -n "$(register "$1" "$2")"
    check "on the seat map" to_seats "$1"
    charge "$1" 4
    wait_for "$1" "STAGE"
    keys "$1" l l l l Enter
    check "holds seat 5" wait_for "$1" "[* 5]"
}
