# tests/e2e/console_lib.sh -- what the console scripts add to lib.sh:
# the console in tmux, ticketctl against the test server, and reading one
# field out of ticketctl's JSON. Sourced after lib.sh; run on its own (as
# tests/run.sh does with every *.sh) it prints nothing and exits 0.

TICKETCTL=${TICKETCTL:-$TOP/bin/ticketctl}

# console_start NAME [flags]: `kiosk --admin` at 80x24, same terminal as
# the kiosks (kiosk_start passes --lang en first; the console takes it).
console_start() {
    c=$1
    shift
    kiosk_start "$c" --admin "$@"
}

# ctl METHOD [JSON]: ticketctl in the work dir (var/admin.key for admin.*).
ctl() { (cd "$E2E_WORK" && "$TICKETCTL" "$@"); }

# jfield KEY: the first value of "KEY" in ticketctl's pretty JSON on stdin.
jfield() {
    sed -n "s/.*\"$1\":[[:space:]]*\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}[[:space:]]*\$/\1/p" | head -n 1
}

# wait_ctl SECONDS PATTERN METHOD [JSON]: poll a call until its output
# matches the grep -E pattern.
wait_ctl() {
    _n=0
    _max=$(($1 * 10))
    _pat=$2
    shift 2
    while ! ctl "$@" 2>/dev/null | grep -Eq -- "$_pat"; do
        _n=$((_n + 1))
        [ $_n -ge $_max ] && return 1
        sleep 0.1
    done
}

# backspace NAME N: N backspaces (clears a form field).
backspace() {
    _i=0
    while [ $_i -lt "$2" ]; do
        keys "$1" BSpace
        _i=$((_i + 1))
    done
}

# wait_re NAME REGEX [SECONDS=10]: like wait_for, for a grep -E pattern
# (table rows whose spacing is layout, not content).
wait_re() {
    _n=0
    _max=$(( ${3:-10} * 10 ))
    while ! screen "$1" | grep -E -q -- "$2"; do
        _n=$((_n + 1))
        if [ $_n -ge $_max ]; then
            echo "# timed out waiting for /$2/ on $1"
            return 1
        fi
        sleep 0.1
    done
}
